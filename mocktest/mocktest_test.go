package mocktest_test

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gitpod-mock/orgmock/internal/logaudit"
	"github.com/gitpod-mock/orgmock/mocktest"
	"github.com/gitpod-mock/orgmock/server/api"
)

func TestMain(m *testing.M) { os.Exit(logaudit.Run(m)) }

var scim = map[string]any{"scimConfigurationId": mocktest.AcmeSCIMID}

// TestSessionPerSubtest: subtests whose names the mock could not take as they are (Go's #00 and
// #01 for unnamed ones, "=", non-ASCII letters) each get their own session; a header set by
// hand to t.Name() reaches the same one.
func TestSessionPerSubtest(t *testing.T) {
	srv := mocktest.Start(t)
	names := map[string]string{}
	for _, name := range []string{"", "", "tenant=1", "ünïcode/ok"} {
		t.Run(name, func(t *testing.T) {
			se := srv.Session(t)
			if prev, dup := names[se.Name]; dup {
				t.Fatalf("%q and %q share session %q", prev, t.Name(), se.Name)
			}
			names[se.Name] = t.Name()
			if se.Name != mocktest.SessionName(t.Name()) || mocktest.SessionName(se.Name) != se.Name {
				t.Errorf("session name %q for %q", se.Name, t.Name())
			}
			// Each session starts from the fixtures, whatever the others deleted.
			if res := se.Post(t, "GetSCIMConfiguration", mocktest.AcmeToken, scim); res.Status != 200 {
				t.Fatalf("fixture missing in %q: %d %s", se.Name, res.Status, res.Body)
			}
			if res := se.Post(t, "DeleteSCIMConfiguration", mocktest.AcmeToken, scim); res.Status != 200 {
				t.Fatalf("delete: %d %s", res.Status, res.Body)
			}
			raw := srv.Do(t, mocktest.Request{Operation: "GetSCIMConfiguration", Token: mocktest.AcmeToken, Body: scim,
				Header: http.Header{mocktest.SessionHeader: {t.Name()}}})
			if raw.Status != 404 || raw.JSON(t)["code"] != "not_found" {
				t.Errorf("header %q by hand: %d %s, want 404 not_found (the session's delete)", t.Name(), raw.Status, raw.Body)
			}
			// An SDK given the session's HTTP client lands in the session.
			req, _ := http.NewRequest(http.MethodPost, srv.URL+mocktest.ServicePath+"ListSCIMConfigurations", strings.NewReader(`{}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+mocktest.AcmeToken)
			res, err := se.HTTPClient().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if req.Header.Get(mocktest.SessionHeader) != "" {
				t.Errorf("the transport changed the caller's request")
			}
			if n := mocktest.CountCalls(t, se.Control, "ListSCIMConfigurations"); res.StatusCode != 200 || n != 1 {
				t.Errorf("through HTTPClient: %d, %d calls in %q, want 200 and 1", res.StatusCode, n, se.Name)
			}
		})
	}
	if res := srv.Post(t, "GetSCIMConfiguration", mocktest.AcmeToken, scim); res.Status != 200 {
		t.Errorf("the default session saw a subtest's delete: %d", res.Status)
	}
}

// TestVerification: calls are listed with their bodies decoded into the generated request
// types, found by a predicate, and waited for.
func TestVerification(t *testing.T) {
	srv := mocktest.Start(t)
	se := srv.Session(t)
	create := func(name string) *mocktest.Response {
		return se.Post(t, "CreateSCIMConfiguration", mocktest.AcmeToken, map[string]any{
			"organizationId": mocktest.AcmeOrgID, "ssoConfigurationId": mocktest.AcmeSSOID, "name": name})
	}
	if res := create("first"); res.Status != 200 {
		t.Fatalf("create: %d %s", res.Status, res.Body)
	}
	create(strings.Repeat("x", 200)) // refused: name is at most 128 characters
	se.Post(t, "CreateSCIMConfiguration", mocktest.AcmeToken, "not json")

	calls := mocktest.Calls[api.CreateSCIMConfigurationRequest](t, se.Control, "CreateSCIMConfiguration")
	if len(calls) != 3 {
		t.Fatalf("%d calls, want 3", len(calls))
	}
	if c := calls[0]; c.Status != 200 || c.DecodeErr != nil || c.Body.Name == nil || *c.Body.Name != "first" ||
		c.Body.OrganizationId.String() != mocktest.AcmeOrgID {
		t.Errorf("first call: %d %v %+v", c.Status, c.DecodeErr, c.Body)
	}
	if c := calls[1]; c.Status != 400 || c.Code != "invalid_argument" || c.Body.Name == nil || len(*c.Body.Name) != 200 {
		t.Errorf("second call: %d %q", c.Status, c.Code)
	}
	if c := calls[2]; c.Status != 400 || c.DecodeErr == nil {
		t.Errorf("third call: %d, decode error %v, want 400 and an error", c.Status, c.DecodeErr)
	}
	if got := se.Control.Query(t, mocktest.JournalQuery{Status: "4xx", Operation: "CreateSCIMConfiguration", Since: calls[1].Seq}); len(got) != 1 || got[0].Seq != calls[2].Seq {
		t.Errorf("Query 4xx since the second call: %+v", got)
	}
	if n := mocktest.CountCalls(t, se.Control, ""); n != 3 {
		t.Errorf("CountCalls all = %d, want 3", n)
	}
	refused, ok := mocktest.FindCall(t, se.Control, "CreateSCIMConfiguration", func(c mocktest.Call[api.CreateSCIMConfigurationRequest]) bool {
		return c.Status >= 400
	})
	if !ok || refused.Seq != calls[1].Seq {
		t.Errorf("FindCall(status >= 400) = %d %v, want seq %d", refused.Seq, ok, calls[1].Seq)
	}
	if _, ok := mocktest.FindCall[map[string]any](t, se.Control, "DeleteSCIMConfiguration", nil); ok {
		t.Errorf("FindCall found a call never made")
	}

	go func() {
		time.Sleep(50 * time.Millisecond)
		se.Post(t, "ListSCIMConfigurations", mocktest.AcmeToken, map[string]any{})
	}()
	got := mocktest.WaitForCall[map[string]any](t, se.Control, "ListSCIMConfigurations", 5*time.Second, nil)
	if got.Status != 200 || got.Operation != "ListSCIMConfigurations" {
		t.Errorf("WaitForCall: %d %s", got.Status, got.Operation)
	}

	rec := &recorder{TB: t}
	mocktest.WaitForCall[map[string]any](rec, se.Control, "DeleteSCIMConfiguration", 30*time.Millisecond, nil)
	if want := "no matching DeleteSCIMConfiguration call within 30ms"; !strings.Contains(rec.fatal, want) ||
		!strings.Contains(rec.fatal, "ListSCIMConfigurations") {
		t.Errorf("WaitForCall timeout: %q, want it to contain %q and the calls seen", rec.fatal, want)
	}
}

// recorder is a testing.TB that keeps what the helper logs and fails with.
type recorder struct {
	testing.TB
	mu    sync.Mutex
	logs  []string
	fatal string
}

func (r *recorder) Log(args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.logs = append(r.logs, fmt.Sprint(args...))
}

func (r *recorder) Fatalf(format string, args ...any) { r.fatal = fmt.Sprintf(format, args...) }

func (r *recorder) lines() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.logs, "\n")
}

// TestLogsInTheTest: the mock's warnings reach t.Log (every line under -v); WithLogger sends
// them elsewhere without undoing the other options.
func TestLogsInTheTest(t *testing.T) {
	rec := &recorder{TB: t}
	srv := mocktest.Start(rec)
	sub := &recorder{TB: t}
	se := srv.Session(sub) // the session's lines go to its test
	for _, ctl := range []*mocktest.Control{se.Control, srv.Control()} {
		ctl.AddFault(t, mocktest.FaultSpec{Operation: "GetSCIMConfiguration", Status: 500})
	}
	if res := se.Post(t, "GetSCIMConfiguration", mocktest.AcmeToken, scim); res.Status != 500 {
		t.Fatalf("fault: %d", res.Status)
	}
	se.Post(t, "ListSCIMConfigurations", mocktest.AcmeToken, map[string]any{})
	srv.Post(t, "GetSCIMConfiguration", mocktest.AcmeToken, scim)
	logs, subLogs := rec.lines(), sub.lines()
	if !strings.Contains(subLogs, "mock: ") || !strings.Contains(subLogs, "level=WARN msg=request") ||
		!strings.Contains(subLogs, "status=500") || !strings.Contains(subLogs, "operation=GetSCIMConfiguration session="+se.Name) {
		t.Errorf("the session's 500 is not in its test's log:\n%s", subLogs)
	}
	if verbose := strings.Contains(subLogs, "operation=ListSCIMConfigurations"); verbose != testing.Verbose() {
		t.Errorf("the 200 in the test's log: %v, under -v: %v\n%s", verbose, testing.Verbose(), subLogs)
	}
	if strings.Contains(logs, "session=") || !strings.Contains(logs, "level=WARN msg=request") || !strings.Contains(logs, "status=500") {
		t.Errorf("the default session's 500, and only the default session's lines, go to the test that started the mock:\n%s", logs)
	}

	var buf bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(lockedWriter{&mu, &buf}, nil))
	a := mocktest.Start(t, mocktest.WithSeed(7), mocktest.WithLogger(logger))
	b := mocktest.Start(t, mocktest.WithLogger(logger), mocktest.WithSeed(7))
	idOf := func(s *mocktest.Server) any {
		res := s.Post(t, "CreateSCIMConfiguration", mocktest.AcmeToken, map[string]any{
			"organizationId": mocktest.AcmeOrgID, "ssoConfigurationId": mocktest.AcmeSSOID})
		return res.JSON(t)["scimConfiguration"].(map[string]any)["id"]
	}
	if x, y := idOf(a), idOf(b); x != y {
		t.Errorf("WithLogger undid WithSeed: ids %v and %v", x, y)
	}
	mu.Lock()
	defer mu.Unlock()
	if n := strings.Count(buf.String(), "operation=CreateSCIMConfiguration"); n != 2 {
		t.Errorf("WithLogger's logger got %d request lines, want 2:\n%s", n, buf.String())
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestRun: a mock started outside any test (TestMain) serves until stopped.
func TestRun(t *testing.T) {
	srv, stop := mocktest.Run()
	res := srv.Post(t, "GetSCIMConfiguration", mocktest.AcmeToken, scim)
	if res.Status != 200 {
		t.Fatalf("GetSCIMConfiguration: %d %s", res.Status, res.Body)
	}
	stop()
	stop() // harmless
	if r, err := http.Post(srv.URL+mocktest.ServicePath+"GetSCIMConfiguration", "application/json", nil); err == nil {
		r.Body.Close()
		t.Errorf("the mock still answers after stop: %d", r.StatusCode)
	}
}
