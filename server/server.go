// Package server wires the mock: echo with recovery, request logging, request validation and
// response validation against the embedded openapi.yaml, Connect error rendering, bearer auth,
// and the handlers over the in-memory store. New is used by cmd/mock and by the tests alike.
package server

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gitpod-mock/orgmock/fixtures"
	"github.com/gitpod-mock/orgmock/server/api"
	"github.com/gitpod-mock/orgmock/server/spec"
	"github.com/gitpod-mock/orgmock/server/store"
)

// DefaultMaxBodyBytes is the largest request body accepted unless Options say otherwise.
const DefaultMaxBodyBytes = 1 << 20

// Options configure a Server. The zero value serves the embedded fixtures.
type Options struct {
	// Fixtures is the fixture set to start from; the embedded default set when nil.
	Fixtures fs.FS
	// StrictAuth refuses bearer tokens that no fixture principal holds (401) instead of
	// mapping them to the default organization.
	StrictAuth bool
	// MaxBodyBytes bounds request bodies; larger ones get resource_exhausted.
	// DefaultMaxBodyBytes when 0.
	MaxBodyBytes int64
	// Logger receives one line per request and every response-validation failure;
	// nothing is logged when nil. Secrets are never logged.
	Logger *slog.Logger
	// HandlerMiddlewares wrap every API handler, after request validation and before
	// response validation. Tests use them to make a handler misbehave on purpose. The
	// responses they see implement the generated XxxResponseObject interfaces, but some are
	// the mock's own types (hand-encoded SCIM answers, encode.go), not api.Xxx200JSONResponse.
	HandlerMiddlewares []api.StrictMiddlewareFunc
	// Mode is ModeStateful (the default when empty) or ModeExamples.
	Mode string
	// Seed, when set, makes IDs, tokens and page tokens reproducible: each session draws
	// from a stream derived from the seed and its name.
	Seed *uint64
	// Clock, when set, starts every session's fake clock at that instant; it then moves only
	// through POST /_mock/clock.
	Clock *time.Time
	// SessionTTL drops named sessions idle for longer; DefaultSessionTTL when 0.
	SessionTTL time.Duration
	// JournalSize is how many requests each session's journal keeps; DefaultJournalSize when 0.
	JournalSize int
	// SkipValidation turns schema validation of requests and responses off. It exists only
	// for benchmarks that measure what validation costs; the binary has no flag for it.
	SkipValidation bool
	// StateFile, when set, keeps the default session's state in this file (fixture format):
	// loaded at startup when it exists, rewritten atomically before every acknowledged change
	// is answered. A file that does not load stops startup and is never overwritten.
	StateFile string
	// ControlToken, when set, locks the /_mock/ control plane: every call must send
	// "Authorization: Bearer <ControlToken>" (compared in constant time).
	ControlToken string
	// NoControl removes the control plane altogether (its paths answer 404).
	NoControl bool
	// CORSOrigins lists the browser origins allowed to call the mock (e.g.
	// "http://localhost:5173"); nil or "*" allows any origin.
	CORSOrigins []string
}

// Server is the mock: an http.Handler over per-session in-memory stores.
type Server struct {
	opts     Options
	log      *slog.Logger
	spec     *spec.Spec
	sessions *sessions
	state    *stateFile // nil without Options.StateFile
	echo     *echo.Echo
}

var _ api.StrictServerInterface = (*Server)(nil)

// New loads the spec and the fixtures and wires the echo instance.
func New(opts Options) (*Server, error) {
	sp, err := spec.Load()
	if err != nil {
		return nil, err
	}
	if opts.Fixtures == nil {
		opts.Fixtures = fixtures.Default()
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	switch opts.Mode {
	case "":
		opts.Mode = ModeStateful
	case ModeStateful, ModeExamples:
	default:
		return nil, fmt.Errorf("mode: want %s or %s, got %q", ModeStateful, ModeExamples, opts.Mode)
	}
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = DefaultSessionTTL
	}
	if opts.JournalSize <= 0 {
		opts.JournalSize = DefaultJournalSize
	}
	data, err := fixtures.Load(opts.Fixtures)
	if err != nil {
		return nil, err
	}
	s := &Server{opts: opts, log: logger, spec: sp}
	s.sessions = &sessions{data: data, seed: opts.Seed, clockAt: opts.Clock, ttl: opts.SessionTTL,
		now: time.Now, journalAt: opts.JournalSize, m: map[string]*session{}}
	// The default session exists from the start, so fixture problems surface here.
	def, err := s.sessions.get("")
	if err != nil {
		return nil, err
	}
	if opts.StateFile != "" {
		saved, found, err := loadStateFile(opts.StateFile)
		if err != nil {
			return nil, err
		}
		s.state = &stateFile{path: opts.StateFile}
		if found {
			st, err := store.New(saved, def.storeOptions())
			if err != nil {
				return nil, err
			}
			def.st = st
		} else if err := s.state.save(def.st); err != nil {
			return nil, fmt.Errorf("state file: %w", err)
		}
	}

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	e.JSONSerializer = bodySerializer{}
	// Order matters: the request id is known to the log line, which sees the final status;
	// CORS answers preflights before anything asks for a token or a schema; validation sees
	// the handler's response, panics included (recovered into errors inside it).
	e.Use(requestID, s.logRequests, cors(opts.CORSOrigins), s.validate, s.recoverPanics)
	e.GET("/healthz", func(c echo.Context) error {
		return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
	})
	api.RegisterHandlers(e, api.NewStrictHandler(s, opts.HandlerMiddlewares))
	if !opts.NoControl {
		s.registerControl(e.Group(ControlPrefix, s.controlAuth))
	}
	s.echo = e
	return s, nil
}

// ServeHTTP serves the API and /healthz.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.echo.ServeHTTP(w, r) }

// Store gives tests direct access to the default session's state.
func (s *Server) Store() *store.Store {
	se, _ := s.sessions.get("")
	return se.store()
}

// Routes lists every route the server answers (method and path), for tests and docs.
func (s *Server) Routes() []*echo.Route { return s.echo.Routes() }

// Spec is the loaded contract.
func (s *Server) Spec() *spec.Spec { return s.spec }

// caller is the organization the request acts for (set by the auth step of validate).
func caller(ctx context.Context) string {
	if cl := callOf(ctx); cl != nil {
		return cl.org
	}
	return ""
}
