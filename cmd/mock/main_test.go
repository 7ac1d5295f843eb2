package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gitpod-mock/orgmock/fixtures"
	"github.com/gitpod-mock/orgmock/server"
)

// These tests call run() in-process: flags, environment fallbacks, logging, startup errors and
// graceful shutdown, on 127.0.0.1 only, each bounded in time.

const (
	startTimeout = 10 * time.Second // startup line
	stopTimeout  = 15 * time.Second // run returning after cancel (Shutdown itself allows 10s)
	errTimeout   = 10 * time.Second // run returning a startup error

	acmeToken  = "acme-admin-token"
	scimID     = "d2c94c27-3b76-4a42-b88c-95a85e392c68"
	getSCIMURL = "/gitpod.v1.OrganizationService/GetSCIMConfiguration"
)

// notifyBuffer is a concurrency-safe buffer that wakes waiters on every write, so tests wait
// for log lines without polling.
type notifyBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	changed chan struct{}
}

func newNotifyBuffer() *notifyBuffer { return &notifyBuffer{changed: make(chan struct{})} }

func (n *notifyBuffer) Write(p []byte) (int, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	w, err := n.b.Write(p)
	close(n.changed)
	n.changed = make(chan struct{})
	return w, err
}

func (n *notifyBuffer) String() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.b.String()
}

// snapshot returns the content and a channel closed on the next write.
func (n *notifyBuffer) snapshot() (string, <-chan struct{}) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.b.String(), n.changed
}

// lines returns the complete lines written so far.
func (n *notifyBuffer) lines() []string {
	s := n.String()
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return strings.Split(s[:i], "\n")
	}
	return nil
}

// waitFor waits until ok holds for the content, run ends (stop), or the timeout passes.
func (n *notifyBuffer) waitFor(stop <-chan struct{}, timeout time.Duration, ok func(string) bool) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s, changed := n.snapshot()
		if ok(s) {
			return true
		}
		select {
		case <-changed:
		case <-stop:
			s, _ := n.snapshot()
			return ok(s)
		case <-deadline.C:
			return false
		}
	}
}

// startupRE finds the listen address in the startup line, text (addr=http://...) or JSON
// ("addr":"http://...").
var startupRE = regexp.MustCompile(`mock listening.*?\baddr"?[=:]"?http://(127\.0\.0\.1:[0-9]+)`)

// runHandle is run() going in a goroutine.
type runHandle struct {
	addr           string // 127.0.0.1:port
	base           string // http://127.0.0.1:port
	stdout, stderr *notifyBuffer
	cancel         context.CancelFunc
	exited         chan struct{} // closed when run returns
	err            error         // what run returned, once exited is closed
	client         *http.Client
}

func envFunc(env map[string]string) func(string) string {
	// Only env: whatever MOCK_* the test process has must not leak in.
	return func(name string) string { return env[name] }
}

// startRun runs run(ctx, args, env) in a goroutine and waits for its startup line. The run is
// cancelled and awaited at cleanup.
func startRun(t *testing.T, env map[string]string, args ...string) *runHandle {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	h := &runHandle{
		stdout: newNotifyBuffer(), stderr: newNotifyBuffer(), cancel: cancel, exited: make(chan struct{}),
		client: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{}},
	}
	go func() {
		h.err = run(ctx, args, envFunc(env), h.stdout, h.stderr)
		close(h.exited)
	}()
	t.Cleanup(func() {
		cancel()
		h.client.CloseIdleConnections()
		select {
		case <-h.exited:
		case <-time.After(stopTimeout):
			t.Errorf("run did not return within %s of cancel", stopTimeout)
		}
	})
	var addr string
	found := h.stdout.waitFor(h.exited, startTimeout, func(s string) bool {
		if m := startupRE.FindStringSubmatch(s); m != nil {
			addr = m[1]
			return true
		}
		return false
	})
	if !found {
		select {
		case <-h.exited:
			t.Fatalf("run returned before listening: %v\nstdout:\n%s\nstderr:\n%s", h.err, h.stdout, h.stderr)
		default:
			t.Fatalf("no startup line within %s\nstdout:\n%s\nstderr:\n%s", startTimeout, h.stdout, h.stderr)
		}
	}
	h.addr, h.base = addr, "http://"+addr
	return h
}

// stop cancels the context and returns what run returned, failing if it takes too long.
func (h *runHandle) stop(t *testing.T) error {
	t.Helper()
	h.cancel()
	select {
	case <-h.exited:
		return h.err
	case <-time.After(stopTimeout):
		t.Fatalf("run did not return within %s of cancel\nstdout:\n%s", stopTimeout, h.stdout)
		return nil
	}
}

// call POSTs body to an operation with a bearer token and returns the status and body.
func (h *runHandle) call(t *testing.T, path, token, body string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := h.client.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header, string(b)
}

func (h *runHandle) getSCIM(t *testing.T, token string) (int, string) {
	t.Helper()
	status, _, body := h.call(t, getSCIMURL, token, `{"scimConfigurationId":"`+scimID+`"}`)
	return status, body
}

func (h *runHandle) healthz(t *testing.T) int {
	t.Helper()
	res, err := h.client.Get(h.base + "/healthz")
	if err != nil {
		t.Fatalf("GET /healthz: %v", err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode
}

// startupJSON returns the JSON startup line, decoded.
func (h *runHandle) startupJSON(t *testing.T) map[string]any {
	t.Helper()
	for _, line := range h.stdout.lines() {
		if !strings.Contains(line, "mock listening") {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("startup line is not JSON: %v\n%s", err, line)
		}
		return m
	}
	t.Fatalf("no startup line:\n%s", h.stdout)
	return nil
}

// freePort returns a port of 127.0.0.1 that was free a moment ago.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	ln.Close()
	return port
}

// requireNotListening fails if something accepts connections at addr.
func requireNotListening(t *testing.T, addr string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err == nil {
		conn.Close()
		t.Fatalf("something still listens on %s", addr)
	}
}

// requireFree fails unless addr can be listened on (nothing left bound to it).
func requireFree(t *testing.T, addr string) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("%s is still taken: %v", addr, err)
	}
	ln.Close()
}

// runExpectingError runs run and requires it to return an error (not to start serving)
// within errTimeout.
func runExpectingError(t *testing.T, env map[string]string, args ...string) (error, string, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdout, stderr := newNotifyBuffer(), newNotifyBuffer()
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- run(ctx, args, envFunc(env), stdout, stderr) }()
	select {
	case err := <-done:
		if err == nil {
			t.Fatalf("run returned nil; want an error\nstdout:\n%s\nstderr:\n%s", stdout, stderr)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("run took %s to fail", d)
		}
		return err, stdout.String(), stderr.String()
	case <-time.After(errTimeout):
		cancel()
		select {
		case <-done:
		case <-time.After(stopTimeout):
		}
		t.Fatalf("run did not fail within %s\nstdout:\n%s", errTimeout, stdout)
		return nil, "", ""
	}
}

// fixtureDir writes the default fixture files to a temporary directory after edit changes
// the decoded documents (by file name).
func fixtureDir(t *testing.T, edit func(docs map[string]map[string]any)) string {
	t.Helper()
	dir := t.TempDir()
	docs := map[string]map[string]any{}
	names, err := fs.Glob(fixtures.Default(), "*.json")
	if err != nil || len(names) == 0 {
		t.Fatalf("default fixtures: %v %v", names, err)
	}
	for _, name := range names {
		raw, err := fs.ReadFile(fixtures.Default(), name)
		if err != nil {
			t.Fatal(err)
		}
		var d map[string]any
		if err := json.Unmarshal(raw, &d); err != nil {
			t.Fatal(err)
		}
		docs[name] = d
	}
	if edit != nil {
		edit(docs)
	}
	for name, d := range docs {
		b, err := json.MarshalIndent(d, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// record returns docs[file][kind][i] as an object.
func record(docs map[string]map[string]any, file, kind string, i int) map[string]any {
	return docs[file][kind].([]any)[i].(map[string]any)
}

func TestRunServesThenShutsDownGracefully(t *testing.T) {
	h := startRun(t, nil, "--addr", "127.0.0.1:0")
	if st := h.healthz(t); st != http.StatusOK {
		t.Errorf("GET /healthz: %d, want 200", st)
	}
	status, body := h.getSCIM(t, acmeToken)
	if status != http.StatusOK {
		t.Fatalf("GetSCIMConfiguration: %d %s", status, body)
	}
	var got struct {
		SCIMConfiguration struct {
			ID             string `json:"id"`
			OrganizationID string `json:"organizationId"`
		} `json:"scimConfiguration"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil || got.SCIMConfiguration.ID != scimID ||
		got.SCIMConfiguration.OrganizationID != "b0e12f6c-4c67-429d-a4a6-d9838b5da047" {
		t.Errorf("GetSCIMConfiguration body %s (decode error %v)", body, err)
	}

	if err := h.stop(t); err != nil {
		t.Fatalf("run after cancel: %v, want nil (exit 0)", err)
	}
	if !strings.Contains(h.stdout.String(), `msg="shutting down"`) {
		t.Errorf("no shutdown line:\n%s", h.stdout)
	}
	requireNotListening(t, h.addr)
	if h.stderr.String() != "" {
		t.Errorf("stderr not empty: %s", h.stderr)
	}
}

// A request in flight when the context is cancelled completes, and run still returns nil.
func TestRunShutdownLetsInFlightRequestFinish(t *testing.T) {
	h := startRun(t, nil, "--addr", "127.0.0.1:0")
	status, _, body := h.call(t, "/_mock/faults", "", `{"operation":"GetSCIMConfiguration","latencyMs":1000}`)
	if status != http.StatusOK {
		t.Fatalf("arming a latency fault: %d %s", status, body)
	}

	wrote := make(chan struct{})
	type result struct {
		status int
		err    error
	}
	res := make(chan result, 1)
	go func() {
		trace := &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { close(wrote) }}
		req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace),
			http.MethodPost, h.base+getSCIMURL, strings.NewReader(`{"scimConfigurationId":"`+scimID+`"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+acmeToken)
		r, err := (&http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{}}).Do(req)
		if err != nil {
			res <- result{err: err}
			return
		}
		_, _ = io.Copy(io.Discard, r.Body)
		r.Body.Close()
		res <- result{status: r.StatusCode}
	}()
	select {
	case <-wrote:
	case <-time.After(5 * time.Second):
		t.Fatal("the request was not sent within 5s")
	}
	// Give the server a moment to accept the connection (the request takes 1s to answer).
	time.Sleep(200 * time.Millisecond)
	h.cancel()

	select {
	case r := <-res:
		if r.err != nil || r.status != http.StatusOK {
			t.Errorf("in-flight request: status %d, error %v; want 200", r.status, r.err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the in-flight request did not finish")
	}
	if err := h.stop(t); err != nil {
		t.Fatalf("run: %v, want nil", err)
	}
}

// A context that is already cancelled makes run start, log, and return nil at once.
func TestRunWithCancelledContextReturnsNil(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out := newNotifyBuffer()
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"--addr", "127.0.0.1:0"}, envFunc(nil), out, io.Discard) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(stopTimeout):
		t.Fatal("run did not return")
	}
	m := startupRE.FindStringSubmatch(out.String())
	if m == nil || !strings.Contains(out.String(), "shutting down") {
		t.Fatalf("want a startup and a shutdown line:\n%s", out)
	}
	requireNotListening(t, m[1])
}

func TestRunAddrFromEnvironment(t *testing.T) {
	t.Run("MOCK_ADDR is used without --addr", func(t *testing.T) {
		port := freePort(t)
		h := startRun(t, map[string]string{"MOCK_ADDR": "127.0.0.1:" + port})
		if h.addr != "127.0.0.1:"+port {
			t.Fatalf("listening on %s, want 127.0.0.1:%s", h.addr, port)
		}
		if st := h.healthz(t); st != http.StatusOK {
			t.Errorf("healthz: %d", st)
		}
	})
	t.Run("--addr wins over MOCK_ADDR", func(t *testing.T) {
		h := startRun(t, map[string]string{"MOCK_ADDR": "127.0.0.1:not-a-port"}, "--addr", "127.0.0.1:0")
		if st := h.healthz(t); st != http.StatusOK {
			t.Errorf("healthz: %d", st)
		}
	})
}

func TestRunLogFormatJSONFromEnvironment(t *testing.T) {
	h := startRun(t, map[string]string{"MOCK_LOG_FORMAT": "json"}, "--addr", "127.0.0.1:0")
	m := h.startupJSON(t)
	srv, err := server.New(server.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"level": "INFO", "msg": "mock listening", "addr": "http://" + h.addr,
		"operations":    float64(len(srv.Spec().Operations())),
		"fixtures":      "embedded",
		"organizations": float64(3), "users": float64(4),
		"sso_configurations": float64(4), "scim_configurations": float64(2),
		"strict_auth": false, "mode": "stateful",
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("startup line %s = %#v, want %#v", k, m[k], v)
		}
	}
	if _, ok := m["time"]; !ok {
		t.Errorf("startup line has no time: %v", m)
	}
	if ops, _ := m["operations"].(float64); ops < 1 {
		t.Errorf("operations %v, want a positive count", m["operations"])
	}

	t.Run("--log-format wins over MOCK_LOG_FORMAT", func(t *testing.T) {
		h := startRun(t, map[string]string{"MOCK_LOG_FORMAT": "json"}, "--addr", "127.0.0.1:0", "--log-format", "text")
		line := h.stdout.lines()[0]
		if json.Valid([]byte(line)) || !strings.Contains(line, `msg="mock listening"`) ||
			!strings.Contains(line, "addr=http://"+h.addr) || !strings.Contains(line, "scim_configurations=2") {
			t.Errorf("startup line is not the text form: %s", line)
		}
	})
	t.Run("--log-format json wins over a bad MOCK_LOG_FORMAT", func(t *testing.T) {
		h := startRun(t, map[string]string{"MOCK_LOG_FORMAT": "yaml"}, "--addr", "127.0.0.1:0", "--log-format", "json")
		h.startupJSON(t)
	})
}

func TestRunStrictAuthFromEnvironment(t *testing.T) {
	tests := []struct {
		name          string
		env           map[string]string
		args          []string
		strict        bool
		unknownStatus int
	}{
		{name: "default is lenient", unknownStatus: http.StatusOK},
		{name: "MOCK_STRICT_AUTH=true", env: map[string]string{"MOCK_STRICT_AUTH": "true"},
			strict: true, unknownStatus: http.StatusUnauthorized},
		{name: "MOCK_STRICT_AUTH=1", env: map[string]string{"MOCK_STRICT_AUTH": "1"},
			strict: true, unknownStatus: http.StatusUnauthorized},
		{name: "MOCK_STRICT_AUTH=false", env: map[string]string{"MOCK_STRICT_AUTH": "false"},
			unknownStatus: http.StatusOK},
		{name: "--strict-auth=false wins over MOCK_STRICT_AUTH=true", env: map[string]string{"MOCK_STRICT_AUTH": "true"},
			args: []string{"--strict-auth=false"}, unknownStatus: http.StatusOK},
		{name: "--strict-auth wins over MOCK_STRICT_AUTH=false", env: map[string]string{"MOCK_STRICT_AUTH": "false"},
			args: []string{"--strict-auth"}, strict: true, unknownStatus: http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"MOCK_LOG_FORMAT": "json"}
			for k, v := range tt.env {
				env[k] = v
			}
			h := startRun(t, env, append([]string{"--addr", "127.0.0.1:0"}, tt.args...)...)
			if got := h.startupJSON(t)["strict_auth"]; got != tt.strict {
				t.Errorf("startup strict_auth = %v, want %v", got, tt.strict)
			}
			if status, body := h.getSCIM(t, acmeToken); status != http.StatusOK {
				t.Errorf("acme-admin-token: %d %s, want 200", status, body)
			}
			status, body := h.getSCIM(t, "nobody-knows-this-token")
			if status != tt.unknownStatus {
				t.Errorf("unknown token: %d %s, want %d", status, body, tt.unknownStatus)
			}
			if status == http.StatusUnauthorized && !strings.Contains(body, "unauthenticated") {
				t.Errorf("401 body: %s", body)
			}
		})
	}
}

// The log holds one line per request, with its operation and status, and no secrets.
func TestRunLogsOneLinePerRequest(t *testing.T) {
	t.Run("json", func(t *testing.T) {
		h := startRun(t, nil, "--addr", "127.0.0.1:0", "--log-format", "json")
		if st := h.healthz(t); st != 200 {
			t.Fatalf("healthz %d", st)
		}
		status, hdr, _ := h.call(t, getSCIMURL, acmeToken, `{"scimConfigurationId":"`+scimID+`"}`)
		if status != 200 {
			t.Fatalf("GetSCIMConfiguration: %d", status)
		}
		reqID := hdr.Get("X-Request-Id")
		if status, _, _ := h.call(t, getSCIMURL, acmeToken, `{"scimConfigurationId":"00000000-0000-4000-8000-000000000000"}`); status != 404 {
			t.Fatalf("unknown id: %d, want 404", status)
		}
		if status, _, _ := h.call(t, getSCIMURL, acmeToken, `{"scimConfigurationId":"nope"}`); status != 400 {
			t.Fatalf("bad id: %d, want 400", status)
		}

		const want = 4
		requests := func() []map[string]any {
			var out []map[string]any
			for _, line := range h.stdout.lines() {
				var m map[string]any
				if json.Unmarshal([]byte(line), &m) == nil && m["msg"] == "request" {
					out = append(out, m)
				}
			}
			return out
		}
		// A line is written once the response is out, so the client may be a little ahead.
		h.stdout.waitFor(h.exited, 5*time.Second, func(string) bool { return len(requests()) >= want })
		lines := requests()
		if len(lines) != want {
			t.Fatalf("%d request lines, want %d:\n%s", len(lines), want, h.stdout)
		}
		type seen struct {
			path, op string
			status   float64
		}
		wantSeen := []seen{
			{"/healthz", "", 200},
			{getSCIMURL, "GetSCIMConfiguration", 200},
			{getSCIMURL, "GetSCIMConfiguration", 404},
			{getSCIMURL, "GetSCIMConfiguration", 400},
		}
		for i, m := range lines {
			op, _ := m["operation"].(string)
			got := seen{fmt.Sprint(m["path"]), op, m["status"].(float64)}
			if got != wantSeen[i] {
				t.Errorf("request line %d: %+v, want %+v (%v)", i, got, wantSeen[i], m)
			}
			if _, ok := m["duration"]; !ok {
				t.Errorf("request line %d has no duration: %v", i, m)
			}
		}
		if reqID == "" || lines[1]["request_id"] != reqID {
			t.Errorf("request_id %v in the log, %q in the response", lines[1]["request_id"], reqID)
		}
		if lines[3]["violation"] != nil {
			t.Logf("violation on a 400: %v", lines[3]["violation"])
		}
		if out := h.stdout.String(); strings.Contains(out, acmeToken) || strings.Contains(out, "acme-scim-token") {
			t.Errorf("a token reached the log:\n%s", out)
		}
	})
	t.Run("text", func(t *testing.T) {
		h := startRun(t, nil, "--addr", "127.0.0.1:0")
		if status, _ := h.getSCIM(t, acmeToken); status != 200 {
			t.Fatalf("GetSCIMConfiguration: %d", status)
		}
		isRequest := func(l string) bool { return strings.Contains(l, "msg=request ") }
		h.stdout.waitFor(h.exited, 5*time.Second, func(s string) bool { return strings.Contains(s, "msg=request ") })
		var reqLines []string
		for _, l := range h.stdout.lines() {
			if isRequest(l) {
				reqLines = append(reqLines, l)
			}
		}
		if len(reqLines) != 1 {
			t.Fatalf("%d request lines, want 1:\n%s", len(reqLines), h.stdout)
		}
		for _, want := range []string{"level=INFO", "method=POST", "path=" + getSCIMURL, "operation=GetSCIMConfiguration", "status=200"} {
			if !strings.Contains(reqLines[0], want) {
				t.Errorf("request line lacks %q: %s", want, reqLines[0])
			}
		}
		if first := h.stdout.lines()[0]; !strings.Contains(first, `msg="mock listening"`) {
			t.Errorf("first line is not the startup line: %s", first)
		}
	})
	t.Run("MOCK_LOG_LEVEL=warn drops info lines", func(t *testing.T) {
		// The startup line is info, so there is none to wait for: listen on a known port and
		// retry /healthz until it answers, within startTimeout.
		port := freePort(t)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		out := newNotifyBuffer()
		done := make(chan error, 1)
		go func() {
			done <- run(ctx, []string{"--addr", "127.0.0.1:" + port}, envFunc(map[string]string{"MOCK_LOG_LEVEL": "warn"}), out, io.Discard)
		}()
		client := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
		deadline := time.After(startTimeout)
		for answered := false; !answered; {
			if res, err := client.Get("http://127.0.0.1:" + port + "/healthz"); err == nil {
				res.Body.Close()
				answered = true
				continue
			}
			select {
			case err := <-done:
				t.Fatalf("run returned early: %v", err)
			case <-deadline:
				t.Fatalf("no answer on 127.0.0.1:%s within %s", port, startTimeout)
			case <-time.After(20 * time.Millisecond):
			}
		}
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run: %v", err)
			}
		case <-time.After(stopTimeout):
			t.Fatal("run did not return")
		}
		if s := out.String(); s != "" {
			t.Errorf("info lines at level warn:\n%s", s)
		}
	})
}

// A fixture directory from --fixtures or MOCK_FIXTURES replaces the embedded set.
func TestRunFixturesDirectory(t *testing.T) {
	// Only acme.json, with one more principal.
	dir := fixtureDir(t, func(docs map[string]map[string]any) {
		for name := range docs {
			if name != "acme.json" {
				delete(docs, name)
			}
		}
		const ci = "c1c1c1c1-0000-4000-8000-00000000c1c1"
		docs["acme.json"]["users"] = append(docs["acme.json"]["users"].([]any),
			map[string]any{"id": ci, "fullName": "CI", "email": "ci@acme-corp.com", "loginProvider": "email", "token": "ci-token"})
		org := record(docs, "acme.json", "organizations", 0)
		org["members"] = append(org["members"].([]any),
			map[string]any{"userId": ci, "role": "ORGANIZATION_ROLE_ADMIN", "status": "USER_STATUS_ACTIVE", "memberSince": "2026-03-01T00:00:00Z"})
	})
	check := func(t *testing.T, h *runHandle) {
		t.Helper()
		m := h.startupJSON(t)
		if m["fixtures"] != dir || m["organizations"] != float64(2) || m["users"] != float64(3) ||
			m["sso_configurations"] != float64(3) || m["scim_configurations"] != float64(1) {
			t.Errorf("startup line: %v", m)
		}
		if status, body := h.getSCIM(t, "ci-token"); status != 200 {
			t.Errorf("GetSCIMConfiguration with the fixture's new token: %d %s", status, body)
		}
		if status, _ := h.getSCIM(t, "globex-admin-token"); status != 401 {
			t.Errorf("globex-admin-token under strict auth without globex.json: %d, want 401", status)
		}
	}
	t.Run("--fixtures", func(t *testing.T) {
		check(t, startRun(t, nil, "--addr", "127.0.0.1:0", "--log-format", "json", "--strict-auth", "--fixtures", dir))
	})
	t.Run("MOCK_FIXTURES", func(t *testing.T) {
		check(t, startRun(t, map[string]string{"MOCK_FIXTURES": dir, "MOCK_LOG_FORMAT": "json", "MOCK_STRICT_AUTH": "true"},
			"--addr", "127.0.0.1:0"))
	})
	t.Run("--fixtures wins over MOCK_FIXTURES", func(t *testing.T) {
		check(t, startRun(t, map[string]string{"MOCK_FIXTURES": filepath.Join(dir, "missing")},
			"--addr", "127.0.0.1:0", "--log-format", "json", "--strict-auth", "--fixtures", dir))
	})
}

func TestRunStartupErrors(t *testing.T) {
	tmp := t.TempDir()
	regularFile := filepath.Join(tmp, "fixtures.json")
	if err := os.WriteFile(regularFile, []byte(`{}`), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(tmp, "does-not-exist")
	emptyDir := filepath.Join(tmp, "empty")
	if err := os.Mkdir(emptyDir, 0o755); err != nil {
		t.Fatal(err)
	}
	longName := fixtureDir(t, func(docs map[string]map[string]any) {
		record(docs, "acme.json", "scimConfigurations", 0)["name"] = strings.Repeat("n", 129)
	})
	typo := fixtureDir(t, func(docs map[string]map[string]any) {
		r := record(docs, "acme.json", "scimConfigurations", 0)
		delete(r, "enabled")
		r["enable"] = true
	})
	badRef := fixtureDir(t, func(docs map[string]map[string]any) {
		record(docs, "globex.json", "scimConfigurations", 0)["ssoConfigurationId"] = "f53d2330-3795-4c5d-a1f3-453121af9c60"
	})
	dupToken := fixtureDir(t, func(docs map[string]map[string]any) {
		record(docs, "globex.json", "users", 0)["token"] = acmeToken
	})
	scimAt := "acme.json: scimConfigurations[0] (id " + scimID + "): "

	tests := []struct {
		name string
		env  map[string]string
		args []string
		want []string // fragments of the error
	}{
		{name: "--fixtures is a file", args: []string{"--fixtures", regularFile},
			want: []string{"--fixtures " + regularFile + ": not a directory"}},
		{name: "--fixtures does not exist", args: []string{"--fixtures", missing},
			want: []string{"--fixtures " + missing + ": not a directory"}},
		{name: "MOCK_FIXTURES does not exist", env: map[string]string{"MOCK_FIXTURES": missing},
			want: []string{missing, "not a directory"}},
		{name: "--fixtures has no *.json", args: []string{"--fixtures", emptyDir},
			want: []string{"no *.json files found"}},
		{name: "SCIM name too long", args: []string{"--fixtures", longName},
			want: []string{"fixtures: 1 problem(s)", scimAt + "name: must be at most 128 characters long"}},
		{name: "unknown SCIM field", args: []string{"--fixtures", typo},
			want: []string{scimAt, `unknown field "enable"`}},
		{name: "SCIM links an SSO configuration of another organization", env: map[string]string{"MOCK_FIXTURES": badRef},
			want: []string{"globex.json: scimConfigurations[0] (id 9c4e7a10-2b3c-4d5e-9f60-718293a4b5c6): ssoConfigurationId: no SSO configuration f53d2330-3795-4c5d-a1f3-453121af9c60 in organization 6f1a3c52-8d4e-4b8a-9c1d-2e3f4a5b6c7d"}},
		{name: "user token used twice", args: []string{"--fixtures", dupToken},
			want: []string{"globex.json: users[0] (id 8a7b6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d): token: already used by acme.json: users[0]"}},
		{name: "unknown flag", args: []string{"--bogus"},
			want: []string{"flag provided but not defined: -bogus"}},
		{name: "unexpected argument", args: []string{"serve"},
			want: []string{"unexpected arguments: serve"}},
		{name: "--port not a port", args: []string{"--addr", "no-port"},
			env: map[string]string{"MOCK_PORT": "4011"}, want: []string{`--addr "no-port"`, "missing port"}},
		{name: "bad --log-format", args: []string{"--log-format", "yaml"},
			want: []string{"--log-format", `"yaml"`}},
		{name: "bad MOCK_LOG_FORMAT", env: map[string]string{"MOCK_LOG_FORMAT": "xml"},
			want: []string{"--log-format", `"xml"`}},
		{name: "bad --log-level", args: []string{"--log-level", "loud"},
			want: []string{"--log-level", "loud"}},
		{name: "bad MOCK_LOG_LEVEL", env: map[string]string{"MOCK_LOG_LEVEL": "chatty"},
			want: []string{"--log-level", "chatty"}},
		{name: "bad MOCK_STRICT_AUTH", env: map[string]string{"MOCK_STRICT_AUTH": "maybe"},
			want: []string{"MOCK_STRICT_AUTH", `"maybe"`}},
		{name: "bad --strict-auth", args: []string{"--strict-auth=maybe"},
			want: []string{"-strict-auth", "maybe"}},
		{name: "bad MOCK_MAX_BODY_BYTES", env: map[string]string{"MOCK_MAX_BODY_BYTES": "1MB"},
			want: []string{"MOCK_MAX_BODY_BYTES"}},
		{name: "bad MOCK_SESSION_TTL", env: map[string]string{"MOCK_SESSION_TTL": "forever"},
			want: []string{"MOCK_SESSION_TTL"}},
		{name: "bad MOCK_JOURNAL_SIZE", env: map[string]string{"MOCK_JOURNAL_SIZE": "lots"},
			want: []string{"MOCK_JOURNAL_SIZE"}},
		{name: "bad --mode", args: []string{"--mode", "replay"},
			want: []string{"mode", `"replay"`}},
		{name: "bad --seed", args: []string{"--seed", "-1"},
			want: []string{"--seed", `"-1"`}},
		{name: "bad MOCK_CLOCK", env: map[string]string{"MOCK_CLOCK": "yesterday"},
			want: []string{"--clock", `"yesterday"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := "127.0.0.1:" + freePort(t)
			err, stdout, stderr := runExpectingError(t, tt.env, append([]string{"--addr", addr}, tt.args...)...)
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if strings.Contains(stdout, "mock listening") {
				t.Errorf("a startup line despite the error:\n%s", stdout)
			}
			if tt.name == "unknown flag" && stderr != "" {
				// Reported once, as the error main prints, not after a dump of the usage.
				t.Errorf("an unknown flag wrote to stderr besides its error:\n%s", stderr)
			}
			requireFree(t, addr)
		})
	}

	t.Run("address in use", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		err, stdout, _ := runExpectingError(t, nil, "--addr", ln.Addr().String())
		if !strings.Contains(err.Error(), "address already in use") {
			t.Errorf("error: %v", err)
		}
		if strings.Contains(stdout, "mock listening") {
			t.Errorf("a startup line despite the error:\n%s", stdout)
		}
	})
	t.Run("bad MOCK_ADDR", func(t *testing.T) {
		err, _, _ := runExpectingError(t, map[string]string{"MOCK_ADDR": "127.0.0.1:not-a-port"})
		if !strings.Contains(err.Error(), "not-a-port") {
			t.Errorf("error: %v", err)
		}
	})
}

// --host and --port (Prism's names) replace their part of --addr; MOCK_HOST and MOCK_PORT too.
func TestHostAndPort(t *testing.T) {
	tests := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{args: nil, want: "127.0.0.1:4010"},
		{args: []string{"--port", "4011"}, want: "127.0.0.1:4011"},
		{args: []string{"--host", "0.0.0.0"}, want: "0.0.0.0:4010"},
		{args: []string{"--addr", ":9000", "--host", "::1"}, want: "[::1]:9000"},
		{env: map[string]string{"MOCK_PORT": "4012", "MOCK_HOST": "localhost"}, want: "localhost:4012"},
		{args: []string{"--port", "4013"}, env: map[string]string{"MOCK_PORT": "4012"}, want: "127.0.0.1:4013"},
	}
	for _, tt := range tests {
		cfg, err := parseFlags(tt.args, envFunc(tt.env), io.Discard)
		if err != nil || cfg.addr != tt.want {
			t.Errorf("%v %v: addr %q, %v; want %q", tt.args, tt.env, cfg.addr, err, tt.want)
		}
	}
}

func TestRunHelpAndVersion(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"-h"}, envFunc(nil), &stdout, &stderr)
	if !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v, want flag.ErrHelp", err)
	}
	for _, f := range []string{"-addr", "-fixtures", "-strict-auth", "-log-format", "MOCK_ADDR",
		"mock healthcheck", "/_mock/", "dashboard at /_mock/ui/", "/openapi.yaml", "Examples:", "Control plane (/_mock/):"} {
		if !strings.Contains(stderr.String(), f) {
			t.Errorf("usage lacks %s:\n%s", f, stderr.String())
		}
	}
	// Every flag is in one group of --help, and none is in two.
	grouped := map[string]int{}
	for _, g := range flagGroups {
		for _, f := range g.flags {
			grouped[f]++
		}
	}
	defined := 0
	for _, line := range strings.Split(stderr.String(), "\n") {
		if name, ok := strings.CutPrefix(line, "  -"); ok {
			name, _, _ = strings.Cut(name, " ")
			defined++
			if grouped[name] != 1 {
				t.Errorf("--%s is in %d groups of --help", name, grouped[name])
			}
		}
	}
	if defined != len(grouped) {
		t.Errorf("--help lists %d flags, the groups %d", defined, len(grouped))
	}

	// An unknown flag is reported once, by main, with where to look; the usage is not dumped.
	stderr.Reset()
	err = run(context.Background(), []string{"--bogus"}, envFunc(nil), &stdout, &stderr)
	if err == nil || err.Error() != "flag provided but not defined: -bogus (mock --help lists the flags)" || stderr.Len() != 0 {
		t.Errorf("--bogus: %v, and wrote %q", err, stderr.String())
	}

	stdout.Reset()
	// --version prints and returns at once, whatever the other settings.
	if err := run(context.Background(), []string{"--version", "--addr", "127.0.0.1:1"}, envFunc(nil), &stdout, io.Discard); err != nil {
		t.Fatalf("--version: %v", err)
	}
	if !strings.HasPrefix(stdout.String(), "mock ") || !strings.Contains(stdout.String(), "revision") {
		t.Errorf("--version printed %q", stdout.String())
	}
}

func TestRunHealthcheck(t *testing.T) {
	h := startRun(t, nil, "--addr", "127.0.0.1:0")
	_, port, _ := net.SplitHostPort(h.addr)
	check := func(env map[string]string, args ...string) error {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return run(ctx, append([]string{"healthcheck"}, args...), envFunc(env), io.Discard, io.Discard)
	}
	if err := check(nil, "--addr", h.addr); err != nil {
		t.Errorf("healthcheck --addr %s: %v", h.addr, err)
	}
	if err := check(map[string]string{"MOCK_ADDR": h.addr}); err != nil {
		t.Errorf("healthcheck with MOCK_ADDR: %v", err)
	}
	if err := check(nil, "--addr", "0.0.0.0:"+port); err != nil {
		t.Errorf("healthcheck of an all-interfaces address (reached on loopback): %v", err)
	}
	if err := check(nil, "--addr", "no-port"); err == nil {
		t.Error("healthcheck --addr no-port succeeded")
	}
	if err := h.stop(t); err != nil {
		t.Fatal(err)
	}
	err := check(nil, "--addr", h.addr, "--timeout", "2s")
	if err == nil || !strings.Contains(err.Error(), "healthcheck") {
		t.Errorf("healthcheck against a stopped server: %v, want an error", err)
	}
}

// README: "Every flag has an environment variable; a flag wins over its variable." A flag given
// on the command line makes its variable irrelevant, so a malformed value there must not stop
// the mock. Regression: the variables parseFlags converted before parsing the flags
// (MOCK_STRICT_AUTH, MOCK_MAX_BODY_BYTES, MOCK_SESSION_TTL, MOCK_JOURNAL_SIZE) failed run even
// when the flag was given, while the string ones (MOCK_LOG_FORMAT, MOCK_ADDR, ...) did not.
func TestRunFlagWinsOverMalformedVariable(t *testing.T) {
	tests := []struct {
		env  string
		val  string
		flag string
	}{
		{"MOCK_ADDR", "127.0.0.1:not-a-port", "--addr=127.0.0.1:0"},
		{"MOCK_LOG_FORMAT", "yaml", "--log-format=json"},
		{"MOCK_LOG_LEVEL", "loud", "--log-level=info"},
		{"MOCK_MODE", "replay", "--mode=stateful"},
		{"MOCK_SEED", "-1", "--seed=7"},
		{"MOCK_CLOCK", "yesterday", "--clock=2026-01-01T00:00:00Z"},
		{"MOCK_STRICT_AUTH", "maybe", "--strict-auth=true"},
		{"MOCK_MAX_BODY_BYTES", "1MB", "--max-body-bytes=2048"},
		{"MOCK_SESSION_TTL", "forever", "--session-ttl=1m"},
		{"MOCK_JOURNAL_SIZE", "lots", "--journal-size=10"},
	}
	for _, tt := range tests {
		t.Run(tt.env, func(t *testing.T) {
			h := startRun(t, map[string]string{tt.env: tt.val}, "--addr", "127.0.0.1:0", "--log-format", "json", tt.flag)
			if st := h.healthz(t); st != http.StatusOK {
				t.Errorf("healthz: %d", st)
			}
		})
	}
}

// TestWriteTimeoutOutlastsFaults: an answer delayed by the longest latency fault (plus the
// time to read its request) is still written. With a 30 s write timeout, faults of 30-60 s
// became silent drops while the journal and the log said 200.
func TestWriteTimeoutOutlastsFaults(t *testing.T) {
	hs := newHTTPServer(http.NotFoundHandler())
	if hs.WriteTimeout < server.MaxFaultLatency+hs.ReadTimeout {
		t.Errorf("write timeout %v, read timeout %v: a %v fault does not fit", hs.WriteTimeout, hs.ReadTimeout, server.MaxFaultLatency)
	}
}

// TestRunShutdownCutsAStalledUpload: a client that stopped sending its body does not keep
// the mock from stopping, nor make it fail: after the grace period its connection is cut and
// run returns nil (the binary exits 0). Before, run returned the shutdown's error.
func TestRunShutdownCutsAStalledUpload(t *testing.T) {
	grace := shutdownGrace
	shutdownGrace = 300 * time.Millisecond
	t.Cleanup(func() { shutdownGrace = grace })
	h := startRun(t, nil, "--addr", "127.0.0.1:0")
	conn, err := net.Dial("tcp", strings.TrimPrefix(h.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer %s\r\nContent-Length: 1000\r\n\r\n{\"scim", getSCIMURL, acmeToken)
	time.Sleep(200 * time.Millisecond) // the server is reading the body
	h.cancel()
	start := time.Now()
	if err := h.stop(t); err != nil {
		t.Fatalf("run: %v, want nil", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("stopping took %v", took)
	}
}

// TestEveryFlagReadsItsVariable: each flag but --version falls back to MOCK_<NAME> (its
// usage says which), and a malformed one is reported under its name. MOCK_JOURNAL_BYTES and
// MOCK_MAX_SESSIONS were documented but read by nothing while the names were a hand-kept list.
func TestEveryFlagReadsItsVariable(t *testing.T) {
	var usage strings.Builder
	if _, err := parseFlags([]string{"-h"}, func(string) string { return "" }, &usage); err == nil {
		t.Fatal("-h: no error")
	}
	flags := 0
	for _, line := range strings.Split(usage.String(), "\n") {
		name, ok := strings.CutPrefix(line, "  -")
		if !ok {
			continue
		}
		name, _, _ = strings.Cut(name, " ")
		flags++
		if name == "version" {
			continue
		}
		if !strings.Contains(usage.String(), "(env "+envVar(name)+")") {
			t.Errorf("--%s: its usage does not name %s", name, envVar(name))
		}
	}
	if flags < 20 {
		t.Fatalf("read %d flags from the usage:\n%s", flags, usage.String())
	}
	env := map[string]string{"MOCK_MAX_SESSIONS": "7", "MOCK_JOURNAL_BYTES": "12345", "MOCK_STATE_FILE_MAX_BYTES": "65536"}
	cfg, err := parseFlags(nil, func(k string) string { return env[k] }, io.Discard)
	if err != nil || cfg.maxSessions != 7 || cfg.journalBytes != 12345 || cfg.stateFileBytes != 65536 {
		t.Errorf("from the environment: %+v, %v", cfg, err)
	}
	_, err = parseFlags(nil, func(k string) string { return map[string]string{"MOCK_MAX_SESSIONS": "many"}[k] }, io.Discard)
	if err == nil || !strings.HasPrefix(err.Error(), `MOCK_MAX_SESSIONS="many": not a valid value for --max-sessions: `) {
		t.Errorf("a malformed variable: %v", err)
	}
}
