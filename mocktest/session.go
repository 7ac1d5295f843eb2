package mocktest

import (
	"net/http"
	"testing"

	"github.com/gitpod-mock/orgmock/server"
)

// SessionName is the session a name stands for: any string works, t.Name() of a table-driven
// subtest included ("TestX/#01", "TestX/tenant=1", non-ASCII letters). Valid names stand for
// themselves; others map to a readable, unique one. The mock applies the same mapping to the
// X-Mock-Session header, so a header set by hand to t.Name() reaches the same session.
func SessionName(name string) string { return server.SessionName(name) }

// Session is one test's own world on a mock shared by several tests: its own state, journal,
// coverage, faults and clock, named after the test.
//
//	for _, tc := range cases {
//		t.Run(tc.name, func(t *testing.T) {
//			se := srv.Session(t)
//			client := gitpod.NewClient(option.WithBaseURL(srv.URL), option.WithHTTPClient(se.HTTPClient()))
//			...
//			calls := se.Control.Requests(t, "CreateSCIMConfiguration")
//		})
//	}
type Session struct {
	Name    string   // the session's name, as the mock knows it
	Control *Control // the control plane of this session
	srv     *Server
}

// Session gives the test its own session, named after t.Name(): its state back to the
// fixtures, its journal, faults and coverage empty. A session of that name used before (go
// test -count=2 on a mock shared through Run) keeps its fake clock and the position of its
// seeded ids. When the mock's log goes to the tests' (Start without WithLogger), the
// session's lines go to t.
func (s *Server) Session(t testing.TB) *Session {
	t.Helper()
	se := &Session{Name: SessionName(t.Name()), srv: s}
	se.Control = s.Control().WithSession(se.Name)
	if s.log != nil {
		s.log.route(se.Name, t) // the session's log lines go to this test
	}
	se.Control.Reset(t) // a name reused by a rerun (go test -count=2) starts from the fixtures too
	se.Control.ClearCoverage(t)
	return se
}

// Do sends r in the session (r.Session is overridden).
func (se *Session) Do(t testing.TB, r Request) *Response {
	t.Helper()
	r.Session = se.Name
	return se.srv.Do(t, r)
}

// Post calls an operation in the session with a JSON body and a bearer token.
func (se *Session) Post(t testing.TB, op, token string, body any) *Response {
	t.Helper()
	return se.Do(t, Request{Operation: op, Token: token, Body: body})
}

// HTTPClient is an *http.Client whose every request carries the session's header: give it to
// an SDK (e.g. gitpod-sdk-go's option.WithHTTPClient) and all its calls land in the session.
func (se *Session) HTTPClient() *http.Client {
	return &http.Client{Transport: SessionTransport(se.Name, nil)}
}

// SessionTransport wraps base (http.DefaultTransport when nil) so that every request names the
// session; a request that already names one keeps it.
func SessionTransport(session string, base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return sessionTransport{name: SessionName(session), base: base}
}

type sessionTransport struct {
	name string
	base http.RoundTripper
}

func (st sessionTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Header.Get(server.SessionHeader) == "" {
		r = r.Clone(r.Context()) // a RoundTripper must not change the caller's request
		r.Header.Set(server.SessionHeader, st.name)
	}
	return st.base.RoundTrip(r)
}
