// Package engine serves an API described by an OpenAPI document, the way a contract-testing
// mock must: every request and every response is checked against the document, every error
// leaves in Connect's shape, and each caller gets sessions, a journal, faults, Prefer
// overrides, an examples mode, coverage, a state file and a control plane. It knows no API in
// particular: an API plugs in as a Backend (its handlers and its state) next to its document.
package engine

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/gitpod-mock/orgmock/engine/rfc3339"
	"github.com/gitpod-mock/orgmock/engine/spec"
)

// Backend is what an API brings to the engine besides its document.
type Backend interface {
	// Handler serves every operation of the document. It is called after the request was
	// checked, and its answer is checked before it leaves. It finds the session's state with
	// StateOf and the caller with PrincipalOf; errors it writes with connect.Write.
	http.Handler
	// NewState builds a session's state from data (what Parse returned, or Config.Data).
	NewState(data Data, env Env) (State, error)
	// Parse checks a state document (the format State.Export writes) and returns its data;
	// the error's message names every problem, for the client or the operator.
	Parse(name string, doc []byte) (Data, error)
	// Load checks records that State.Records and State.Changes returned (in key order, as
	// the state file keeps them) and returns their data, like Parse.
	Load(records []Record) (Data, error)
}

// Record is one record of a state under its key, unique within the state; the engine keeps
// records in the state file and never looks inside them.
type Record struct {
	// Key names the record; the state file keeps records in key order.
	Key string
	// Value is the record, encoded as Backend.Load reads it; nil (in State.Changes) when the
	// record was deleted.
	Value []byte
}

// Data is a whole state as the backend understands it; the engine only passes it around.
type Data any

// State is one session's state.
type State interface {
	// Authenticate returns the principal a bearer token acts for; ok is false to refuse it.
	Authenticate(token string) (principal string, ok bool)
	// Export writes the whole state as one document that Backend.Parse reads back.
	Export() ([]byte, error)
	// Records returns every record of the state.
	Records() ([]Record, error)
	// Changes returns the records changed since the state was built or Changes was last
	// called, each with its value now (nil when it is deleted), and starts counting anew. A
	// call that changed the state reports exactly what it changed: the state file writes
	// only that.
	Changes() ([]Record, error)
}

// Env is what a state draws on: a random stream (deterministic under Config.Seed) and a
// clock (a fake one under Config.Clock).
type Env struct {
	// Rand is the session's random stream: IDs, tokens and keys come from it.
	Rand io.Reader
	// Now is the session's time; nil means the real clock.
	Now func() time.Time
	// LookupTXT answers the TXT records the session's fake DNS holds at a name (published with
	// POST /_mock/dns); nil outside a session.
	LookupTXT func(name string) []string
	// TrackChanges says the engine asks State.Changes after every change (it keeps a state
	// file); without it a state need not remember what changed, and should not: nothing
	// would ever collect it.
	TrackChanges bool
}

// Mode is how API calls are answered.
type Mode string

// Modes of serving.
const (
	// ModeStateful serves from the session's state (the default).
	ModeStateful Mode = "stateful"
	// ModeExamples answers every valid request with the operation's documented success
	// example, changes nothing, and still validates both ways (like Prism's static mock).
	ModeExamples Mode = "examples"
)

// Limits bound what callers can make the engine hold. Zero fields take the defaults.
type Limits struct {
	// MaxBodyBytes bounds request bodies; larger ones get resource_exhausted.
	MaxBodyBytes int64
	// JournalSize is how many requests each session's journal keeps.
	JournalSize int
	// SessionTTL drops named sessions idle for longer.
	SessionTTL time.Duration
	// MaxSessions bounds how many sessions exist at once: one more evicts the least recently
	// used session that serves no call, and is refused when every one does.
	MaxSessions int
	// JournalBytes bounds what all journals keep together (bodies and entries): past it, the
	// oldest entries go first, whatever their session.
	JournalBytes int64
	// StateFileBytes bounds the state file (0: no bound): a change that would grow it past
	// the bound is not made and answers unavailable, as on a full disk.
	StateFileBytes int64
}

// Defaults of Limits.
const (
	DefaultMaxBodyBytes = 1 << 20
	DefaultJournalSize  = 1000
	DefaultSessionTTL   = 30 * time.Minute
	DefaultMaxSessions  = 1000
)

// Control configures the /_mock/ control plane.
type Control struct {
	// Token, when set, locks the control plane: every call must send
	// "Authorization: Bearer <Token>" (compared in constant time).
	Token string
	// Disabled removes the control plane altogether (its paths answer 404).
	Disabled bool
	// CORSOrigins lists the browser origins allowed to call the control plane ("*" for any).
	// With none (the default) it sends no CORS header, and a browser on another site can
	// neither read it nor change anything through it.
	CORSOrigins []string
}

// Config is what New needs. Spec and Backend are required.
type Config struct {
	// Spec is the document the engine serves.
	Spec *spec.Spec
	// Backend answers the document's operations and keeps the sessions' states.
	Backend Backend
	// Data is the state every session starts from (and goes back to on reset).
	Data Data
	// Mode is ModeStateful (the default when empty) or ModeExamples.
	Mode Mode
	// Logger receives one line per request and every response-validation failure; nothing is
	// logged when nil. Headers and bodies are never logged.
	Logger *slog.Logger
	// Seed, when set, makes every session's random stream reproducible: each draws from a
	// stream derived from the seed and its name.
	Seed *uint64
	// Clock, when set, starts every session's fake clock at that instant; it then moves only
	// through POST /_mock/clock.
	Clock *time.Time
	// Limits bound request bodies, journals and idle sessions.
	Limits Limits
	// Control locks or removes the control plane.
	Control Control
	// CORSOrigins lists the browser origins allowed to call the API; nil or "*" allows any
	// origin. The control plane has its own (Control.CORSOrigins).
	CORSOrigins []string
	// Services are the RPC services of the document's operations, as protobuf descriptors
	// (an operation's path is /<service>/<method>). With them the engine speaks every
	// protocol of a Connect server: Connect's JSON and binary codecs and GET, gRPC over
	// HTTP/2 and gRPC-Web, compressed or not, all transcoded to the JSON the pipeline checks
	// (connectrpc.com/vanguard); and it serves gRPC reflection (of the descriptors linked into
	// the program) and health. Without them it serves Connect JSON POSTs only.
	Services []protoreflect.ServiceDescriptor
	// Documents are served as they are, by GET, outside the API (no token): the document the
	// API is made from, its protobuf descriptors.
	Documents []Document
	// BasePaths are prefixes the API is also served under, e.g. "/api": /api/<service>/<method>
	// is /<service>/<method>.
	BasePaths []string
	// StateFile, when set, keeps every session's state in this file, a bbolt database (see
	// persist.go): the sessions it holds are made at startup, and each change is written in
	// its own synced transaction before it is acknowledged (one that cannot be written is
	// undone and answers unavailable). A file that does not load stops startup and is left
	// as it is; so does one that another mock holds or that cannot be written.
	StateFile string
}

// Document is a file the server serves at Path, e.g. its API's own OpenAPI document.
type Document struct {
	Path        string // e.g. "/openapi.yaml"
	ContentType string // e.g. "application/yaml"
	Body        []byte // served as it is
}

// Server is an http.Handler serving the document's operations, /healthz and the control plane.
type Server struct {
	cfg      Config
	spec     *spec.Spec
	log      *slog.Logger
	sessions *sessions
	db       *stateDB // nil without Config.StateFile
	streams  *streams // the open GET /_mock/events streams
	front    *frontDoor
	echo     *echo.Echo
	api      map[apiKey]echo.HandlerFunc // the operations' routes, middlewares composed (route.go)

	// The path of an API call, in order (see New).
	steps []step
	after []func(*call)
}

// step is one stage of an API call: it may answer (call.answered) or fail; either ends the
// request's way in, and the answer, error included, goes the way out.
type step func(*call) error

// New composes the server. A request travels, in this order:
//
//	route                                   one route per operation of the document (route.go)
//	→ requestID → logRequests → cors        every path (requestid.go, log.go, cors.go)
//	→ openSession → checkMediaType → authenticate → admitSession → readBody → validateRequest
//	→ injectFault → answerPrefer → answerExample → callHandler
//	→ persist → validateResponse → record → send
//
// The media type is checked before the credentials, as Connect servers do (it decides the
// protocol), and after the session is known, so that a refused call is journaled in it.
func New(cfg Config) (*Server, error) {
	if cfg.Spec == nil || cfg.Backend == nil {
		return nil, errors.New("engine: Config needs a Spec and a Backend")
	}
	switch cfg.Mode {
	case "":
		cfg.Mode = ModeStateful
	case ModeStateful, ModeExamples:
	default:
		return nil, fmt.Errorf("mode: want %s or %s, got %q", ModeStateful, ModeExamples, cfg.Mode)
	}
	if cfg.Clock != nil && !rfc3339.InRange(*cfg.Clock) {
		return nil, fmt.Errorf("clock: must lie within %s", rfc3339.Range)
	}
	if cfg.Limits.MaxBodyBytes <= 0 {
		cfg.Limits.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.Limits.JournalSize <= 0 {
		cfg.Limits.JournalSize = DefaultJournalSize
	}
	if cfg.Limits.SessionTTL <= 0 {
		cfg.Limits.SessionTTL = DefaultSessionTTL
	}
	if cfg.Limits.MaxSessions <= 0 {
		cfg.Limits.MaxSessions = DefaultMaxSessions
	}
	if cfg.Limits.JournalBytes <= 0 {
		cfg.Limits.JournalBytes = DefaultJournalBytes
	}
	s := &Server{cfg: cfg, spec: cfg.Spec, log: cfg.Logger, streams: newStreams()}
	var err error
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.sessions, err = newSessions(cfg); err != nil {
		return nil, err
	}
	s.sessions.log = s.log
	if cfg.StateFile != "" {
		if s.db, err = openStateDB(cfg.StateFile, cfg.Limits.StateFileBytes); err != nil {
			return nil, err
		}
		s.sessions.db = s.db
		if err := s.restoreSessions(); err != nil {
			s.db.close()
			return nil, err
		}
	}
	// The default session exists from the start, so that problems of the data surface here.
	if _, err := s.sessions.get(""); err != nil {
		if s.db != nil {
			s.db.close()
		}
		return nil, err
	}

	s.steps = []step{
		s.openSession,     // session.go: X-Mock-Session picks the state, journal, faults and clock
		s.checkMediaType,  // body.go: the Content-Type the operation declares
		s.authenticate,    // auth.go: the bearer token names the principal
		s.admitSession,    // session.go: a new session is made for an authenticated caller only
		s.readBody,        // body.go: size, JSON, structure, repeated query parameters
		s.validateRequest, // validate.go: the operation's schemas
		s.injectFault,     // faults.go: an armed fault delays, drops or answers instead
		s.answerPrefer,    // prefer.go: Prefer: code=… / example=… answers with a declared example
		s.answerExample,   // examples.go: examples mode answers with the documented example
		s.callHandler,     // handler.go: the backend answers (persist.go: one change at a time)
	}
	s.after = []func(*call){
		s.persist,          // persist.go: a change is on disk before it is acknowledged, or undone
		s.validateResponse, // validate.go: an answer that breaks the document becomes a 500
	}

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	middlewares := []echo.MiddlewareFunc{requestID, s.logRequests, cors(cfg.CORSOrigins)}
	e.Use(middlewares...)
	e.GET("/healthz", func(c echo.Context) error {
		return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
	})
	for _, d := range cfg.Documents {
		e.GET(d.Path, func(c echo.Context) error { return c.Blob(http.StatusOK, d.ContentType, d.Body) })
	}
	s.echo = e
	s.registerAPI(e, middlewares...)
	if s.front, err = newFrontDoor(cfg.Services, cfg.BasePaths, cfg.Limits.MaxBodyBytes, http.HandlerFunc(s.serveDirect)); err != nil {
		s.Close()
		return nil, err
	}
	if !cfg.Control.Disabled {
		s.registerControl(e.Group(ControlPrefix, controlCORS(cfg.Control.CORSOrigins),
			sameSiteOnly(cfg.Control.CORSOrigins), s.controlAuth))
		registerDashboard(e) // static files, no token: the page asks for it (ui.go)
	}
	return s, nil
}

// serve takes one API call through the steps, then sends its answer.
func (s *Server) serve(c *call) error {
	for _, st := range s.steps {
		if err := st(c); err != nil {
			c.fail(err)
			break
		}
		if c.answered {
			break
		}
	}
	if c.dropped {
		s.record(c, 0)
		return dropConnection(c.w)
	}
	for _, st := range s.after {
		st(c)
	}
	s.record(c, c.rec.status)
	return c.send()
}

// ServeHTTP serves the API in every protocol (protocols.go), /healthz and the control plane.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r = s.front.stripBase(r)
	if plainJSONPost(r) { // nearly every call: nothing to decide
		s.serveDirect(w, r)
		return
	}
	if m, ok := s.front.connectProto(r); ok {
		s.front.serveConnectProto(w, r, m, http.HandlerFunc(s.serveDirect))
		return
	}
	if h := s.front.route(r); h != nil {
		h.ServeHTTP(w, withProtocol(r))
		return
	}
	s.serveDirect(w, r)
}

// serveDirect serves a request as it is: the API's JSON POSTs, /healthz, the control plane.
func (s *Server) serveDirect(w http.ResponseWriter, r *http.Request) {
	if !s.serveAPI(w, r) {
		s.echo.ServeHTTP(w, r)
	}
}

// Spec is the document the server serves.
func (s *Server) Spec() *spec.Spec { return s.spec }

// State is the current state of a session ("" is the default session), created on first use.
func (s *Server) State(session string) (State, error) {
	se, err := s.sessions.get(session)
	if err != nil {
		return nil, err
	}
	return se.current(), nil
}

// Close releases what the server holds outside memory: the state file and its lock. It does
// not stop the HTTP server that serves it; calls answered after Close are not saved.
func (s *Server) Close() error {
	s.CloseStreams()
	if s.db != nil {
		return s.db.close()
	}
	return nil
}

// SessionCount reports how many sessions exist, the default one included.
func (s *Server) SessionCount() int { return s.sessions.count() }

// JournalBytes reports what all journals keep together (see Limits.JournalBytes).
func (s *Server) JournalBytes() int64 { return s.sessions.journals.usage() }

// handleError is echo's HTTPErrorHandler: every error leaves in Connect's JSON shape.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	writeError(c.Response(), s.toConnect(err))
}
