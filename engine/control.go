package engine

import (
	"bytes"
	"crypto/subtle"
	_ "embed"
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gitpod-mock/orgmock/engine/connect"
	"github.com/gitpod-mock/orgmock/engine/rfc3339"
)

// ControlPrefix is where the test control plane lives, outside the API spec. It needs no API
// token and honours X-Mock-Session like the API does.
const ControlPrefix = "/_mock"

// maxControlBody bounds control-plane request bodies (state imports included).
const maxControlBody = 8 << 20

func (s *Server) registerControl(g *echo.Group) {
	g.POST("/reset", s.controlReset)
	g.GET("/requests", s.controlRequests)
	g.DELETE("/requests", s.controlClearRequests)
	g.GET("/state", s.controlState)
	g.PUT("/state", s.controlImportState)
	g.GET("/events", s.controlEvents)
	g.GET("/sessions", s.controlSessions)
	g.GET("/coverage", s.controlCoverage)
	g.DELETE("/coverage", s.controlClearCoverage)
	g.GET("/faults", s.controlFaults)
	g.POST("/faults", s.controlAddFault)
	g.DELETE("/faults", s.controlClearFaults)
	g.GET("/clock", s.controlClock)
	g.POST("/clock", s.controlMoveClock)
	g.GET("/dns", s.controlDNS)
	g.POST("/dns", s.controlPublishDNS)
	g.DELETE("/dns", s.controlRemoveDNS)
	g.GET("/openapi.yaml", func(c echo.Context) error {
		return c.Blob(http.StatusOK, "application/yaml", controlSpec)
	})
}

// controlSpec describes the control plane (served at /_mock/openapi.yaml).
//
//go:embed control.yaml
var controlSpec []byte

// controlAuth enforces Config.Control.Token on the control plane.
func (s *Server) controlAuth(next echo.HandlerFunc) echo.HandlerFunc {
	want := []byte(s.cfg.Control.Token)
	return func(c echo.Context) error {
		if len(want) == 0 {
			return next(c)
		}
		token, err := bearer(c.Request().Header.Get("Authorization"))
		if err != nil || subtle.ConstantTimeCompare([]byte(token), want) != 1 {
			return connect.Errorf(connect.Unauthenticated,
				`the control plane is locked: send "Authorization: Bearer <control token>" (--control-token)`)
		}
		return next(c)
	}
}

// controlSession is the session the control request names (X-Mock-Session).
func (s *Server) controlSession(c echo.Context) (*session, error) {
	return s.sessions.get(c.Request().Header.Get(SessionHeader))
}

// decodeControl reads a JSON control body into v, refusing unknown fields and trailing data.
func decodeControl(c echo.Context, v any) ([]byte, error) {
	body, err := readLimited(c.Request(), maxControlBody)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return nil, connect.Errorf(connect.InvalidArgument, "request body: %v", err)
	}
	if dec.More() {
		return nil, connect.Errorf(connect.InvalidArgument, "request body: unexpected data after the JSON value")
	}
	return body, nil
}

// SessionInfo is the answer of the control endpoints that change a session.
type SessionInfo struct {
	Session string `json:"session"` // the session's name; "" is the default session
}

// POST /_mock/reset: the session goes back to the initial data; its journal and faults are
// cleared. Coverage is kept: it is the record of the whole run.
func (s *Server) controlReset(c echo.Context) error {
	se, err := s.controlSession(c)
	if err != nil {
		return err
	}
	if err := s.replaceState(se, s.cfg.Data, true); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, SessionInfo{Session: se.name})
}

// replaceState gives the session a state built from data (clearing its journal and faults
// when asked). With a state file, the new state is written first: one that cannot be
// written changes nothing.
func (s *Server) replaceState(se *session, data Data, clear bool) error {
	st, err := s.cfg.Backend.NewState(data, se.env())
	if err != nil {
		return err
	}
	if s.db != nil {
		se.write.Lock()
		defer se.write.Unlock()
		if err := s.writeState(se, st); err != nil {
			return err
		}
	}
	var (
		freed   int64
		dropped int
	)
	se.mu.Lock()
	se.state = st
	if clear {
		freed, dropped = se.journal.clear()
		se.notifyLocked()
		se.faults = nil
		se.dns.empty()
	}
	se.mu.Unlock()
	s.sessions.journals.release(freed, dropped)
	return nil
}

// writeState writes st as the whole of the session's state. Callers hold se.write.
func (s *Server) writeState(se *session, st State) error {
	if se.dropped {
		return nil
	}
	recs, err := st.Records()
	if err == nil {
		_, _ = st.Changes() // they are in recs
		var rand, clock []byte
		if rand, clock, err = se.position(); err == nil {
			err = s.db.write(se.name, true, recs, rand, clock)
		}
	}
	if err != nil {
		s.log.Error("state file not written; the state is not replaced", "path", s.db.path, "session", se.name, "error", err)
		return connect.Errorf(connect.Unavailable, "the state could not be saved to the state file, so it was not replaced: %v", err)
	}
	se.stored = true
	return nil
}

// Requests is the answer of GET /_mock/requests.
type Requests struct {
	Requests []JournalEntry `json:"requests"` // oldest first
}

// GET /_mock/requests[?operation=OpId][&status=404|4xx][&since=SEQ][&limit=N]: the journal,
// oldest first: the entries of that status after seq SEQ, at most N of them. The answer is written entry by entry, so reading
// a full journal never holds it twice.
func (s *Server) controlRequests(c echo.Context) error {
	se, err := s.controlSession(c)
	if err != nil {
		return err
	}
	op, err := s.operationParam(c)
	if err != nil {
		return err
	}
	status, err := statusParam(c)
	if err != nil {
		return err
	}
	since, err := countParam(c, "since")
	if err != nil {
		return err
	}
	limit, err := countParam(c, "limit")
	if err != nil {
		return err
	}
	se.mu.Lock()
	kept := se.journal.kept(op, status, since, limit)
	se.mu.Unlock()
	w := c.Response()
	w.Header().Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write([]byte(`{"requests":[`)); err != nil {
		return err
	}
	for i := range kept {
		b, err := json.Marshal(kept[i].view())
		if err != nil {
			return err
		}
		if i > 0 {
			b = append([]byte{','}, b...)
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
		kept[i] = journalRecord{} // written: let it go
	}
	_, err = w.Write([]byte("]}\n"))
	return err
}

// statusFilter selects journal entries by status: one status (404; -1 for 0, the calls a fault
// dropped), a class (4 for "4xx"), or none (every entry).
type statusFilter struct{ status, class int }

func (f statusFilter) match(status int) bool {
	switch {
	case f.status == -1:
		return status == 0
	case f.status != 0:
		return status == f.status
	case f.class != 0:
		return status/100 == f.class
	}
	return true
}

// statusParam reads the optional status query parameter: an HTTP status, a class such as 4xx,
// or 0 for the calls a fault dropped.
func statusParam(c echo.Context) (statusFilter, error) {
	v := c.QueryParam("status")
	if v == "" {
		return statusFilter{}, nil
	}
	if len(v) == 3 && v[0] >= '1' && v[0] <= '5' && (v[1:] == "xx" || v[1:] == "XX") {
		return statusFilter{class: int(v[0] - '0')}, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n != 0 && (n < 100 || n > 599) {
		return statusFilter{}, connect.Errorf(connect.InvalidArgument,
			"status: must be an HTTP status (100 to 599), a class such as 4xx, or 0 (calls a fault dropped); got %q", v)
	}
	if n == 0 {
		return statusFilter{status: -1}, nil
	}
	return statusFilter{status: n}, nil
}

// countParam reads an optional query parameter that counts something (0 when absent).
func countParam(c echo.Context, name string) (int, error) {
	v := c.QueryParam(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, connect.Errorf(connect.InvalidArgument, "%s: must be a whole number, 0 or more", name)
	}
	return n, nil
}

// DELETE /_mock/requests: empties the journal.
func (s *Server) controlClearRequests(c echo.Context) error {
	se, err := s.controlSession(c)
	if err != nil {
		return err
	}
	se.mu.Lock()
	freed, dropped := se.journal.clear()
	se.notifyLocked()
	se.mu.Unlock()
	s.sessions.journals.release(freed, dropped)
	return c.JSON(http.StatusOK, SessionInfo{Session: se.name})
}

// GET /_mock/state: the session's whole state as one document (State.Export).
func (s *Server) controlState(c echo.Context) error {
	se, err := s.controlSession(c)
	if err != nil {
		return err
	}
	doc, err := se.current().Export()
	if err != nil {
		return err
	}
	return c.JSONBlob(http.StatusOK, doc)
}

// PUT /_mock/state: replaces the session's state with a document, checked exactly like the
// state at startup (Backend.Parse). A rejected document changes nothing.
func (s *Server) controlImportState(c echo.Context) error {
	se, err := s.controlSession(c)
	if err != nil {
		return err
	}
	body, err := readLimited(c.Request(), maxControlBody)
	if err != nil {
		return err
	}
	data, err := s.cfg.Backend.Parse("request body", body)
	if err != nil {
		return connect.Errorf(connect.InvalidArgument, "%v", err)
	}
	if err := s.replaceState(se, data, false); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, SessionInfo{Session: se.name})
}

// GET /_mock/coverage: for every operation and declared status, how often it was served.
func (s *Server) controlCoverage(c echo.Context) error {
	se, err := s.controlSession(c)
	if err != nil {
		return err
	}
	se.mu.Lock()
	out := se.coverage.report(s.spec)
	se.mu.Unlock()
	return c.JSON(http.StatusOK, out)
}

// DELETE /_mock/coverage: the session's coverage starts again from nothing (a reset keeps it).
func (s *Server) controlClearCoverage(c echo.Context) error {
	se, err := s.controlSession(c)
	if err != nil {
		return err
	}
	se.mu.Lock()
	se.coverage = coverage{}
	se.mu.Unlock()
	return c.JSON(http.StatusOK, SessionInfo{Session: se.name})
}

// Faults is the answer of the fault endpoints: the session's armed faults.
type Faults struct {
	Faults []FaultStatus `json:"faults"` // in the order they were armed
}

// FaultStatus is an armed fault and how it has fired.
type FaultStatus struct {
	FaultSpec
	// Remaining is how many calls it still applies to (for Count > 0).
	Remaining int `json:"remaining,omitempty"`
	// Fired is how many calls it has applied to.
	Fired int `json:"fired"`
}

func (se *session) faultList() Faults {
	out := Faults{Faults: []FaultStatus{}}
	for _, f := range se.faults {
		out.Faults = append(out.Faults, FaultStatus{FaultSpec: f.FaultSpec, Remaining: f.Remaining, Fired: f.Fired})
	}
	return out
}

// GET /_mock/faults: the armed faults.
func (s *Server) controlFaults(c echo.Context) error {
	se, err := s.controlSession(c)
	if err != nil {
		return err
	}
	se.mu.Lock()
	defer se.mu.Unlock()
	return c.JSON(http.StatusOK, se.faultList())
}

// POST /_mock/faults: arms a fault (see FaultSpec).
func (s *Server) controlAddFault(c echo.Context) error {
	se, err := s.controlSession(c)
	if err != nil {
		return err
	}
	var f FaultSpec
	body, err := decodeControl(c, &f)
	if err != nil {
		return err
	}
	// A fraction given is a probability: 0 (or one so small it reads as 0, 1e-400) would
	// mean "every call", which is what leaving it out means.
	var given struct {
		Fraction *float64 `json:"fraction"`
	}
	if json.Unmarshal(body, &given) == nil && given.Fraction != nil && *given.Fraction == 0 {
		return connect.Errorf(connect.InvalidArgument, "fraction: must be more than 0 (leave it out for every call)")
	}
	if err := checkFault(s.spec, f); err != nil {
		return err
	}
	se.mu.Lock()
	defer se.mu.Unlock()
	se.faults = append(se.faults, &fault{FaultSpec: f, Remaining: f.Count})
	return c.JSON(http.StatusOK, se.faultList())
}

// DELETE /_mock/faults[?operation=OpId]: disarms all faults, or those of one operation.
func (s *Server) controlClearFaults(c echo.Context) error {
	se, err := s.controlSession(c)
	if err != nil {
		return err
	}
	op, err := s.operationParam(c)
	if err != nil {
		return err
	}
	se.mu.Lock()
	defer se.mu.Unlock()
	kept := se.faults[:0:0]
	for _, f := range se.faults {
		if op != "" && f.Operation != op {
			kept = append(kept, f)
		}
	}
	se.faults = kept
	return c.JSON(http.StatusOK, se.faultList())
}

// Clock is the answer of the clock endpoints.
type Clock struct {
	Now time.Time `json:"now"` // the session's time
}

// ClockMove is what POST /_mock/clock takes: exactly one of Advance (a Go or protobuf
// duration, e.g. "90s", "36h", "1.5s") and Set (RFC 3339).
type ClockMove struct {
	Advance string `json:"advance,omitempty"` // how far to move the clock forward
	Set     string `json:"set,omitempty"`     // the time to set, never before the current one
}

func (s *Server) fakeClock(c echo.Context) (*session, error) {
	se, err := s.controlSession(c)
	if err != nil {
		return nil, err
	}
	if se.clk == nil {
		return nil, connect.Errorf(connect.FailedPrecondition,
			"the clock is real: start the mock with --clock RFC3339 (or Options.Clock) to control it")
	}
	return se, nil
}

// GET /_mock/clock: the session's fake time.
func (s *Server) controlClock(c echo.Context) error {
	se, err := s.fakeClock(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, Clock{Now: se.clk.Now()})
}

// POST /_mock/clock: advances or sets the session's fake clock. It never goes backwards, so
// timestamps keep their order.
func (s *Server) controlMoveClock(c echo.Context) error {
	se, err := s.fakeClock(c)
	if err != nil {
		return err
	}
	var m ClockMove
	if _, err := decodeControl(c, &m); err != nil {
		return err
	}
	now := se.clk.Now()
	var next time.Time
	switch {
	case (m.Advance == "") == (m.Set == ""):
		return connect.Errorf(connect.InvalidArgument, "send exactly one of advance (e.g. \"90s\") and set (RFC 3339)")
	case m.Advance != "":
		d, err := time.ParseDuration(m.Advance)
		if err != nil {
			return connect.Errorf(connect.InvalidArgument, "advance: must be a duration such as \"90s\" or \"36h\"")
		}
		if d < 0 {
			return connect.Errorf(connect.InvalidArgument, "advance: must not be negative")
		}
		next = now.Add(d)
		if d > time.Duration(rfc3339.Max.Sub(now)) || !rfc3339.InRange(next) {
			return connect.Errorf(connect.InvalidArgument, "advance: would move the clock past %s", rfc3339.Max.Format(time.RFC3339Nano))
		}
	default:
		t, err := time.Parse(time.RFC3339Nano, m.Set)
		if err != nil {
			return connect.Errorf(connect.InvalidArgument, "set: must be an RFC 3339 date-time")
		}
		if t.Before(now) {
			return connect.Errorf(connect.InvalidArgument, "set: must not be before the current time %s", now.Format(time.RFC3339Nano))
		}
		if !rfc3339.InRange(t) {
			return connect.Errorf(connect.InvalidArgument, "set: must lie within %s", rfc3339.Range)
		}
		next = t.UTC()
	}
	if err := s.moveClock(se, now, next); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, Clock{Now: next})
}

// moveClock sets the session's clock from prev to next, saved in the state file first when
// there is one: a clock that cannot be saved does not move.
func (s *Server) moveClock(se *session, prev, next time.Time) error {
	if s.db == nil {
		se.clk.set(next)
		return nil
	}
	se.write.Lock()
	defer se.write.Unlock()
	se.clk.set(next)
	if err := s.saveChanges(se, se.current(), true); err != nil {
		se.clk.set(prev)
		return err
	}
	return nil
}

// operationParam reads the optional ?operation= filter, which must name an operation.
func (s *Server) operationParam(c echo.Context) (string, error) {
	op := c.QueryParam("operation")
	if op != "" && s.spec.Operation(op) == nil {
		return "", unknownOperation(s.spec, op)
	}
	return op, nil
}

// ControlRoutes lists the control plane's routes as "METHOD /path", sorted (none when it is
// disabled).
func (s *Server) ControlRoutes() []string {
	var out []string
	for _, r := range s.echo.Routes() {
		switch {
		case r.Path == DashboardPath+"*":
			out = append(out, r.Method+" "+DashboardPath+"{file}")
		case strings.HasPrefix(r.Path, ControlPrefix+"/") && !strings.HasSuffix(r.Path, "*"):
			out = append(out, r.Method+" "+r.Path)
		}
	}
	sort.Strings(out)
	return out
}
