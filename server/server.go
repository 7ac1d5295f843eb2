// Package server is the Gitpod Organization API mock: the handlers that translate the
// generated api package to and from the store, plugged into the engine with the contract and
// the fixtures. New is used by cmd/mock and by the tests alike.
package server

import (
	"io/fs"
	"log/slog"
	"time"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/gitpod-mock/orgmock"
	"github.com/gitpod-mock/orgmock/engine"
	"github.com/gitpod-mock/orgmock/fixtures"
	"github.com/gitpod-mock/orgmock/server/contract"
	"github.com/gitpod-mock/orgmock/server/store"
)

// Mode is how API calls are answered: ModeStateful or ModeExamples.
type Mode = engine.Mode

// Modes of serving.
const (
	// ModeStateful serves from the session's state (the default).
	ModeStateful = engine.ModeStateful
	// ModeExamples answers every valid request with the operation's documented success
	// example, stores nothing, and still validates both ways (like Prism's static mock).
	ModeExamples = engine.ModeExamples
)

// Limits bound request bodies, journals and idle sessions (see engine.Limits).
type Limits = engine.Limits

// Control configures the /_mock/ control plane (see engine.Control).
type Control = engine.Control

// Replay makes runs reproducible.
type Replay struct {
	// Seed, when set, makes IDs, tokens and page tokens reproducible: each session draws
	// from a stream derived from the seed and its name.
	Seed *uint64
	// Clock, when set, starts every session's fake clock at that instant; it then moves only
	// through POST /_mock/clock.
	Clock *time.Time
}

// Options configure a Server. The zero value serves the embedded fixtures.
type Options struct {
	// Fixtures is the fixture set to start from; the embedded default set when nil.
	Fixtures fs.FS
	// Mode is ModeStateful (the default when empty) or ModeExamples.
	Mode Mode
	// StrictAuth refuses bearer tokens that no fixture principal holds (401) instead of
	// mapping them to the default organization.
	StrictAuth bool
	// Logger receives one line per request and every response-validation failure;
	// nothing is logged when nil. Secrets are never logged.
	Logger *slog.Logger
	// Limits bound request bodies, journals and sessions; zero fields take the defaults
	// (DefaultMaxBodyBytes, DefaultJournalSize, DefaultJournalBytes, DefaultSessionTTL,
	// DefaultMaxSessions).
	Limits Limits
	// Replay makes IDs, tokens and timestamps reproducible.
	Replay Replay
	// Control locks or removes the /_mock/ control plane.
	Control Control
	// CORSOrigins lists the browser origins allowed to call the mock (e.g.
	// "http://localhost:5173"); nil or "*" allows any origin.
	CORSOrigins []string
	// StateFile, when set, keeps every session's state in this file, a bbolt database of
	// fixture records: the sessions it holds come back at startup, and each change is one
	// synced transaction before it is acknowledged (one that cannot be written is undone and
	// answers unavailable). A file that does not load, is held by another mock or cannot be
	// written stops startup and is left as it is. Limits.StateFileBytes bounds it.
	StateFile string
	// HandlerMiddlewares wrap every API handler, after request validation and before
	// response validation. Tests use them to make a handler misbehave on purpose.
	HandlerMiddlewares []Middleware
}

// Defaults of Options.Limits.
const (
	DefaultMaxBodyBytes = engine.DefaultMaxBodyBytes
	DefaultJournalSize  = engine.DefaultJournalSize
	DefaultSessionTTL   = engine.DefaultSessionTTL
	DefaultMaxSessions  = engine.DefaultMaxSessions
	DefaultJournalBytes = engine.DefaultJournalBytes
)

// MaxFaultLatency is the largest latency a fault may add (see engine.MaxFaultLatency).
const MaxFaultLatency = engine.MaxFaultLatency

// SessionHeader names the test session a request belongs to (see engine.SessionHeader).
const SessionHeader = engine.SessionHeader

// SessionName is the session a name given in SessionHeader stands for (see engine.SessionName).
func SessionName(name string) string { return engine.SessionName(name) }

// BasePath is the official base URL's path (https://app.ona.com/api): the API is served under
// it as well as at the root.
const BasePath = "/api"

// Where the mock serves its contract (GET, no token): openapi.yaml as written, and the
// protobuf descriptors of the service (a FileDescriptorSet with every file it imports, what
// `buf curl --schema` and `grpcurl -protoset` read).
const (
	OpenAPIPath     = "/openapi.yaml"
	DescriptorsPath = "/descriptors.binpb"
)

// ControlPrefix is where the control plane lives, outside the API.
const ControlPrefix = engine.ControlPrefix

// The control plane's request and answer types (see package engine).
type (
	FaultSpec         = engine.FaultSpec
	Faults            = engine.Faults
	FaultStatus       = engine.FaultStatus
	JournalEntry      = engine.JournalEntry
	Requests          = engine.Requests
	Coverage          = engine.Coverage
	OperationCoverage = engine.OperationCoverage
	StatusCoverage    = engine.StatusCoverage
	Clock             = engine.Clock
	ClockMove         = engine.ClockMove
	SessionInfo       = engine.SessionInfo
	SessionList       = engine.SessionList
	DNSRecords        = engine.DNSRecords
	DNSRecord         = engine.DNSRecord
	DNSChange         = engine.DNSChange
)

// Server is the mock: the engine serving the Gitpod slice.
type Server struct {
	*engine.Server
}

// New loads the contract and the fixtures and composes the mock.
func New(opts Options) (*Server, error) {
	sp, err := contract.Spec()
	if err != nil {
		return nil, err
	}
	if opts.Fixtures == nil {
		opts.Fixtures = fixtures.Default()
	}
	data, err := fixtures.Load(opts.Fixtures)
	if err != nil {
		return nil, err
	}
	b, err := newBackend(opts.StrictAuth, opts.HandlerMiddlewares)
	if err != nil {
		return nil, err
	}
	svc, err := contract.Service()
	if err != nil {
		return nil, err
	}
	e, err := engine.New(engine.Config{
		Spec:        sp,
		Backend:     b,
		Data:        data,
		Mode:        opts.Mode,
		Logger:      opts.Logger,
		Seed:        opts.Replay.Seed,
		Clock:       opts.Replay.Clock,
		Limits:      opts.Limits,
		Control:     opts.Control,
		CORSOrigins: opts.CORSOrigins,
		StateFile:   opts.StateFile,
		Services:    []protoreflect.ServiceDescriptor{svc}, // reflection finds the rest among the linked descriptors
		BasePaths:   []string{BasePath},
		Documents: []engine.Document{
			{Path: OpenAPIPath, ContentType: "application/yaml", Body: orgmock.OpenAPI},
			{Path: DescriptorsPath, ContentType: "application/x-protobuf", Body: contract.DescriptorSet()},
		},
	})
	if err != nil {
		return nil, err
	}
	return &Server{Server: e}, nil
}

// Store gives tests direct access to the default session's state.
func (s *Server) Store() *store.Store {
	st, err := s.State("")
	if err != nil {
		panic("server: the default session is gone: " + err.Error()) // it is made by New
	}
	return st.(*state).Store
}
