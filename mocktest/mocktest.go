// Package mocktest starts the mock inside a Go test, on a real 127.0.0.1 listener, and closes
// it when the test ends:
//
//	srv := mocktest.Start(t)
//	res := srv.Post(t, "GetSCIMConfiguration", mocktest.AcmeToken, map[string]any{
//		"scimConfigurationId": mocktest.FixtureSCIMID,
//	})
//	if res.Status != 200 { ... }
//	srv.Control().Reset(t)                       // back to the fixtures
//	for _, e := range srv.Control().Requests(t, "") { ... } // what the client sent
package mocktest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gitpod-mock/orgmock/internal/logaudit"
	"github.com/gitpod-mock/orgmock/server"
)

// Identifiers of the embedded default fixtures.
const (
	AcmeOrgID    = "b0e12f6c-4c67-429d-a4a6-d9838b5da047" // the default organization
	AcmeToken    = "acme-admin-token"
	GlobexOrgID  = "6f1a3c52-8d4e-4b8a-9c1d-2e3f4a5b6c7d"
	GlobexToken  = "globex-admin-token"
	AcmeSSOID    = "d2c94c27-3b76-4a42-b88c-95a85e392c68" // Google, built in
	AcmeSSO2ID   = "f53d2330-3795-4c5d-a1f3-453121af9c60" // custom OIDC, linked by AcmeSCIMID
	AcmeSSO3ID   = "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e" // custom OIDC, inactive
	AcmeSCIMID   = "d2c94c27-3b76-4a42-b88c-95a85e392c68"
	GlobexSSOID  = "5b8f0e2a-1c3d-4e5f-8a9b-0c1d2e3f4a5b"
	GlobexSCIMID = "9c4e7a10-2b3c-4d5e-9f60-718293a4b5c6"

	AcmeAdminUserID     = "3f1d2c4b-5a6e-4f70-8b9c-0d1e2f3a4b5c" // AcmeToken's user, the default user
	AcmeMemberToken     = "acme-member-token"
	AcmeMemberUserID    = "f53d2330-3795-4c5d-a1f3-453121af9c60" // a plain member of acme
	AcmeInviteID        = "d2c94c27-3b76-4a42-b88c-95a85e392c68"
	AcmeDomainID        = "d2c94c27-3b76-4a42-b88c-95a85e392c68" // acme.example, verified
	AcmePendingDomainID = "7d6c5b4a-3e2f-4a1b-8c9d-0e1f2a3b4c5d" // acme-labs.example, pending
	AcmeLabsOrgID       = "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e" // AcmeToken's user is its admin too
	GlobexAdminUserID   = "8a7b6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d"
	GlobexMemberToken   = "globex-member-token"
	GlobexMemberUserID  = "1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9"
	GlobexInviteID      = "4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8"
	GlobexDomainID      = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d" // globex.example, verified
)

// ServicePath is the path prefix of every operation.
const ServicePath = "/gitpod.v1.OrganizationService/"

// Server is a running mock.
type Server struct {
	*server.Server
	// URL is the base URL, e.g. http://127.0.0.1:41234 (no trailing slash).
	URL          string
	controlToken string
	http         *httptest.Server
	log          *testLog // where log lines go, when Start made the logger
	once         sync.Once
}

// Option adjusts the server's options before it starts.
type Option func(*server.Options)

// WithOptions replaces the server options wholesale (fields left zero take their defaults);
// options given after it still apply.
func WithOptions(o server.Options) Option { return func(opts *server.Options) { *opts = o } }

// WithLogger sends the mock's log lines to l instead of the test's log; nothing else changes.
func WithLogger(l *slog.Logger) Option { return func(opts *server.Options) { opts.Logger = l } }

// WithSeed makes IDs and tokens reproducible.
func WithSeed(seed uint64) Option { return func(opts *server.Options) { opts.Replay.Seed = &seed } }

// WithClock starts a fake clock at t; it moves only through the control plane.
func WithClock(t time.Time) Option {
	return func(opts *server.Options) { t := t.UTC(); opts.Replay.Clock = &t }
}

// WithMode selects server.ModeStateful or server.ModeExamples.
func WithMode(mode server.Mode) Option { return func(opts *server.Options) { opts.Mode = mode } }

// WithFixtures serves another fixture set.
func WithFixtures(fsys fs.FS) Option { return func(opts *server.Options) { opts.Fixtures = fsys } }

// Start runs a mock on 127.0.0.1 for the rest of the test. Its log lines go to t.Log:
// warnings (a response that drifts from the contract, a server error) always, every line
// under go test -v. WithLogger sends them elsewhere.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	o := options(opts)
	var tl *testLog
	if o.Logger == nil {
		tl = &testLog{t: t}
		t.Cleanup(tl.stop) // after the server's Close (cleanups run last first): it may log
	}
	s, err := start(tl, o)
	if err != nil {
		t.Fatalf("mocktest: starting the mock: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// Run starts a mock outside any test, e.g. in TestMain, for the tests of a package to share;
// stop ends it. Its log lines are dropped unless WithLogger says where they go. Each test
// takes its own session with (*Server).Session.
//
//	var mock *mocktest.Server
//
//	func TestMain(m *testing.M) {
//		var stop func()
//		mock, stop = mocktest.Run()
//		code := m.Run()
//		stop()
//		os.Exit(code)
//	}
func Run(opts ...Option) (s *Server, stop func()) {
	s, err := start(nil, options(opts))
	if err != nil {
		panic("mocktest: starting the mock: " + err.Error())
	}
	return s, s.Close
}

// options applies opts, in order, to zero options.
func options(opts []Option) server.Options {
	var o server.Options
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// start makes and starts the server; tl, when not nil, receives its log lines (o.Logger nil).
func start(tl *testLog, o server.Options) (*Server, error) {
	if o.Logger == nil {
		var h slog.Handler = slog.DiscardHandler
		if tl != nil {
			level := slog.LevelWarn
			if testing.Verbose() {
				level = slog.LevelDebug
			}
			h = routeHandler{tl: tl, inner: slog.NewTextHandler(tl, &slog.HandlerOptions{Level: level})}
		}
		if logaudit.Enabled() {
			h = slog.NewMultiHandler(h, logaudit.Handler())
		}
		o.Logger = slog.New(h)
	}
	srv, err := server.New(o)
	if err != nil {
		return nil, err
	}
	hs := httptest.NewServer(srv)
	return &Server{Server: srv, URL: hs.URL, controlToken: o.Control.Token, http: hs, log: tl}, nil
}

// testLog writes log lines to a test's log until the test ends (a line written later, by a
// goroutine still running, is dropped rather than made a panic). A line of a session that a
// running test took with Session goes to that test's log (routeHandler says which).
type testLog struct {
	mu       sync.Mutex
	t        testing.TB
	done     bool
	sessions map[string]testing.TB

	handling sync.Mutex // one record at a time, so that dest is the record's
	dest     string     // the session of the record being written
}

func (l *testLog) Write(p []byte) (int, error) {
	line := "mock: " + strings.TrimSuffix(string(p), "\n")
	l.mu.Lock()
	defer l.mu.Unlock()
	if t := l.sessions[l.dest]; t != nil && l.dest != "" {
		t.Log(line)
	} else if !l.done {
		l.t.Log(line)
	}
	return len(p), nil
}

// routeHandler tells its testLog the session of each record, read from the record's
// attributes (not from the rendered line, where a path could hold " session=").
type routeHandler struct {
	tl    *testLog
	inner slog.Handler // writes to tl
}

func (h routeHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.inner.Enabled(ctx, level)
}

func (h routeHandler) Handle(ctx context.Context, r slog.Record) error {
	session := ""
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "session" {
			session = a.Value.String()
			return false
		}
		return true
	})
	h.tl.handling.Lock()
	defer h.tl.handling.Unlock()
	h.tl.dest = session
	return h.inner.Handle(ctx, r)
}

func (h routeHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return routeHandler{tl: h.tl, inner: h.inner.WithAttrs(attrs)}
}

func (h routeHandler) WithGroup(name string) slog.Handler {
	return routeHandler{tl: h.tl, inner: h.inner.WithGroup(name)}
}

// route sends the session's log lines to t until t ends.
func (l *testLog) route(session string, t testing.TB) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.sessions == nil {
		l.sessions = map[string]testing.TB{}
	}
	l.sessions[session] = t
	t.Cleanup(func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.sessions[session] == t {
			delete(l.sessions, session)
		}
	})
}

func (l *testLog) stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.done = true
}

// Close stops the mock (it is also stopped when the test ends): its listener, then what it
// holds, such as the lock of its state file. Closing twice is harmless.
func (s *Server) Close() {
	s.once.Do(func() {
		s.Server.CloseStreams() // httptest waits for every open request, event streams too
		s.http.Close()
		_ = s.Server.Close()
	})
}

// Response is a raw response with its body read.
type Response struct {
	Status int         // the HTTP status
	Header http.Header // the response headers
	Body   []byte      // the whole body
}

// JSON decodes the body into a generic map, failing the test if it is not a JSON object.
func (r *Response) JSON(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("response body is not a JSON object: %v\n%s", err, r.Body)
	}
	return m
}

// Request is one call to the mock; zero fields take sensible defaults.
type Request struct {
	Method      string      // POST when empty
	Path        string      // ServicePath+Operation when empty
	Operation   string      // the RPC name
	Query       string      // raw query, without "?"
	Token       string      // bearer token; no Authorization header when empty
	ContentType string      // application/json when empty; "-" sends none
	Session     string      // X-Mock-Session; the default session when empty
	Body        any         // []byte and string are sent as they are, anything else as JSON
	Header      http.Header // extra headers
}

// Post calls an operation with a JSON body and a bearer token.
func (s *Server) Post(t testing.TB, op, token string, body any) *Response {
	t.Helper()
	return s.Do(t, Request{Operation: op, Token: token, Body: body})
}

// Do sends r and reads the whole response.
func (s *Server) Do(t testing.TB, r Request) *Response {
	t.Helper()
	req := r.HTTP(t, s.URL)
	if _, token, ok := strings.Cut(req.Header.Get("Authorization"), " "); ok {
		logaudit.NoteSecret(token)
	}
	secret := s.Spec().IsSecretName
	if raw, ok := requestBytes(r.Body); ok {
		logaudit.NoteSecrets(raw, secret)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("reading response: %v", err)
	}
	logaudit.NoteSecrets(b, secret)
	return &Response{Status: res.StatusCode, Header: res.Header, Body: b}
}

// requestBytes is the body as sent, for the secret audit.
func requestBytes(body any) ([]byte, bool) {
	switch b := body.(type) {
	case nil:
		return nil, false
	case []byte:
		return b, true
	case string:
		return []byte(b), true
	default:
		raw, err := json.Marshal(b)
		return raw, err == nil
	}
}

// HTTP builds the *http.Request for base URL base.
func (r Request) HTTP(t testing.TB, base string) *http.Request {
	t.Helper()
	method := r.Method
	if method == "" {
		method = http.MethodPost
	}
	path := r.Path
	if path == "" {
		path = ServicePath + r.Operation
	}
	var body io.Reader
	switch b := r.Body.(type) {
	case nil:
	case []byte:
		body = bytes.NewReader(b)
	case string:
		body = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatalf("encoding request body: %v", err)
		}
		body = bytes.NewReader(raw)
	}
	url := base + path
	if r.Query != "" {
		url += "?" + r.Query
	}
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatalf("building request: %v", err)
	}
	switch r.ContentType {
	case "":
		req.Header.Set("Content-Type", "application/json")
	case "-":
	default:
		req.Header.Set("Content-Type", r.ContentType)
	}
	if r.Token != "" {
		req.Header.Set("Authorization", "Bearer "+r.Token)
	}
	if r.Session != "" {
		req.Header.Set(server.SessionHeader, SessionName(r.Session))
	}
	for k, vs := range r.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	return req
}
