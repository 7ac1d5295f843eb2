package mocktest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/gitpod-mock/orgmock/server"
)

// Control is a typed client of the mock's control plane (/_mock/...) for one session. It
// works against any running mock, e.g. a container: NewControl("http://localhost:4010", "").
type Control struct {
	// BaseURL is the mock's URL, e.g. http://127.0.0.1:4010 (no trailing slash).
	BaseURL string
	Session string // X-Mock-Session; "" is the default session
	Token   string // the control token, when the mock runs with one
	// Client sends the requests; http.DefaultClient from NewControl.
	Client *http.Client
}

// NewControl returns a control client for the mock at baseURL.
func NewControl(baseURL, session string) *Control {
	return &Control{BaseURL: baseURL, Session: session, Client: http.DefaultClient}
}

// Control returns the control client of the server's default session.
func (s *Server) Control() *Control {
	c := NewControl(s.URL, "")
	c.Token = s.controlToken
	return c
}

// WithSession returns a client for another session of the same mock. Any string names a
// session, t.Name() included (see SessionName).
func (c *Control) WithSession(name string) *Control {
	cp := *c
	cp.Session = name
	return &cp
}

// Reset puts the session back to the fixtures and clears its journal and faults.
func (c *Control) Reset(t testing.TB) {
	t.Helper()
	c.call(t, http.MethodPost, "/reset", nil, nil)
}

// Requests returns the session's journal, oldest first; operation "" means all.
func (c *Control) Requests(t testing.TB, operation string) []server.JournalEntry {
	t.Helper()
	return c.Query(t, JournalQuery{Operation: operation})
}

// JournalQuery selects journal entries; zero fields select everything.
type JournalQuery struct {
	Operation string // an operationId
	Status    string // an HTTP status ("404"), a class ("4xx"), or "0" for calls a fault dropped
	Since     int    // only entries with a greater seq
	Limit     int    // at most this many
}

// Query returns the session's journal entries that q selects, oldest first.
func (c *Control) Query(t testing.TB, q JournalQuery) []server.JournalEntry {
	t.Helper()
	v := url.Values{}
	if q.Operation != "" {
		v.Set("operation", q.Operation)
	}
	if q.Status != "" {
		v.Set("status", q.Status)
	}
	if q.Since > 0 {
		v.Set("since", strconv.Itoa(q.Since))
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	path := "/requests"
	if len(v) > 0 {
		path += "?" + v.Encode()
	}
	var out server.Requests
	c.call(t, http.MethodGet, path, nil, &out)
	return out.Requests
}

// ClearRequests empties the session's journal.
func (c *Control) ClearRequests(t testing.TB) {
	t.Helper()
	c.call(t, http.MethodDelete, "/requests", nil, nil)
}

// Coverage reports how often each declared (operation, status) pair was served.
func (c *Control) Coverage(t testing.TB) server.Coverage {
	t.Helper()
	var out server.Coverage
	c.call(t, http.MethodGet, "/coverage", nil, &out)
	return out
}

// ClearCoverage starts the session's coverage again from nothing (Reset keeps it).
func (c *Control) ClearCoverage(t testing.TB) {
	t.Helper()
	c.call(t, http.MethodDelete, "/coverage", nil, nil)
}

// AddFault arms a fault and returns the session's faults.
func (c *Control) AddFault(t testing.TB, f server.FaultSpec) server.Faults {
	t.Helper()
	var out server.Faults
	c.call(t, http.MethodPost, "/faults", f, &out)
	return out
}

// Faults lists the armed faults.
func (c *Control) Faults(t testing.TB) server.Faults {
	t.Helper()
	var out server.Faults
	c.call(t, http.MethodGet, "/faults", nil, &out)
	return out
}

// ClearFaults disarms every fault of the session.
func (c *Control) ClearFaults(t testing.TB) {
	t.Helper()
	c.call(t, http.MethodDelete, "/faults", nil, nil)
}

// Now reads the session's fake clock (the mock must run with a fake clock).
func (c *Control) Now(t testing.TB) time.Time {
	t.Helper()
	var out server.Clock
	c.call(t, http.MethodGet, "/clock", nil, &out)
	return out.Now
}

// AdvanceClock moves the session's fake clock forward by d.
func (c *Control) AdvanceClock(t testing.TB, d time.Duration) time.Time {
	t.Helper()
	var out server.Clock
	c.call(t, http.MethodPost, "/clock", server.ClockMove{Advance: d.String()}, &out)
	return out.Now
}

// SetClock sets the session's fake clock (never backwards).
func (c *Control) SetClock(t testing.TB, at time.Time) time.Time {
	t.Helper()
	var out server.Clock
	c.call(t, http.MethodPost, "/clock", server.ClockMove{Set: at.Format(time.RFC3339Nano)}, &out)
	return out.Now
}

// PublishTXT publishes a TXT record in the session's fake DNS (what VerifyDomain looks up).
func (c *Control) PublishTXT(t testing.TB, name, value string) server.DNSRecords {
	t.Helper()
	var out server.DNSRecords
	c.call(t, http.MethodPost, "/dns", server.DNSChange{Name: name, TXT: value}, &out)
	return out
}

// RemoveTXT removes the TXT record value at name from the session's fake DNS; value "" removes
// every record at name, and name "" too empties the zone.
func (c *Control) RemoveTXT(t testing.TB, name, value string) server.DNSRecords {
	t.Helper()
	var out server.DNSRecords
	q := url.Values{}
	if name != "" {
		q.Set("name", name)
	}
	if value != "" {
		q.Set("txt", value)
	}
	path := "/dns"
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	c.call(t, http.MethodDelete, path, nil, &out)
	return out
}

// DNS reads the session's fake DNS zone.
func (c *Control) DNS(t testing.TB) server.DNSRecords {
	t.Helper()
	var out server.DNSRecords
	c.call(t, http.MethodGet, "/dns", nil, &out)
	return out
}

// State exports the session's state as a fixture document.
func (c *Control) State(t testing.TB) []byte {
	t.Helper()
	var out json.RawMessage
	c.call(t, http.MethodGet, "/state", nil, &out)
	return out
}

// SetState replaces the session's state with a fixture document.
func (c *Control) SetState(t testing.TB, doc []byte) {
	t.Helper()
	c.call(t, http.MethodPut, "/state", json.RawMessage(doc), nil)
}

// Do sends one control request and returns the raw answer, for tests of the control plane.
func (c *Control) Do(t testing.TB, method, path string, body any) *Response {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatalf("control: encoding: %v", err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.BaseURL+server.ControlPrefix+path, r)
	if err != nil {
		t.Fatalf("control: %v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if c.Session != "" {
		req.Header.Set(server.SessionHeader, SessionName(c.Session))
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	res, err := c.Client.Do(req)
	if err != nil {
		t.Fatalf("control %s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("control %s %s: reading: %v", method, path, err)
	}
	return &Response{Status: res.StatusCode, Header: res.Header, Body: b}
}

func (c *Control) call(t testing.TB, method, path string, body, out any) {
	t.Helper()
	res := c.Do(t, method, path, body)
	if res.Status != http.StatusOK {
		t.Fatalf("control %s %s: %d %s", method, path, res.Status, res.Body)
	}
	if out != nil {
		if err := json.Unmarshal(res.Body, out); err != nil {
			t.Fatalf("control %s %s: decoding %s: %v", method, path, res.Body, err)
		}
	}
}
