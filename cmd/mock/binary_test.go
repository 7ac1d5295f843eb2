package main

import (
	"bufio"
	"bytes"
	"debug/elf"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// These tests build the real binary the way the Dockerfile does (CGO_ENABLED=0, -trimpath,
// stripped) and run it as a process.

var (
	builtOnce sync.Once
	builtPath string
	builtErr  error
)

func staticBinary(t *testing.T) string {
	t.Helper()
	builtOnce.Do(func() {
		dir, err := os.MkdirTemp("", "mock-bin-")
		if err != nil {
			builtErr = err
			return
		}
		builtPath = filepath.Join(dir, "mock")
		cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-trimpath", "-ldflags", "-s -w", "-o", builtPath, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			builtErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if builtErr != nil {
		t.Fatal(builtErr)
	}
	return builtPath
}

// process is the binary running in the background.
type process struct {
	cmd  *exec.Cmd
	addr string // host:port it listens on
	out  *lockedBuffer
	done chan error
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var listeningRE = regexp.MustCompile(`"addr":"http://([0-9.]+:[0-9]+)"`)

// startBinary runs the binary with exactly env (nothing inherited) in an empty directory and
// waits for its startup line.
func startBinary(t *testing.T, env []string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(staticBinary(t), args...)
	cmd.Env = env
	cmd.Dir = t.TempDir()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, out: &lockedBuffer{}, done: make(chan error, 1)}
	cmd.Stderr = p.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			p.out.Write([]byte(line + "\n"))
			if m := listeningRE.FindStringSubmatch(line); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
		p.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
	})
	select {
	case p.addr = <-found:
	case err := <-p.done:
		t.Fatalf("the binary exited before listening: %v\n%s", err, p.out.String())
	case <-time.After(10 * time.Second):
		t.Fatalf("no startup line within 10s:\n%s", p.out.String())
	}
	return p
}

// TestBinaryStaticFromEmptyEnvironment: the CGO_ENABLED=0 build is a static executable
// that serves from an empty environment and directory, and `mock healthcheck` tells a live
// server from none.
func TestBinaryStaticFromEmptyEnvironment(t *testing.T) {
	bin := staticBinary(t)
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, prog := range f.Progs {
		if prog.Type == elf.PT_INTERP {
			t.Fatalf("the binary asks for a dynamic loader: not static")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Fatalf("the binary links shared libraries: %v", libs)
	}

	p := startBinary(t, []string{}, "--addr", "127.0.0.1:0", "--log-format", "json")
	body := strings.NewReader(`{"scimConfigurationId":"d2c94c27-3b76-4a42-b88c-95a85e392c68"}`)
	req, _ := http.NewRequest(http.MethodPost, "http://"+p.addr+"/gitpod.v1.OrganizationService/GetSCIMConfiguration", body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer acme-admin-token")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("GetSCIMConfiguration from the binary: %d", res.StatusCode)
	}

	check := func(env []string, args ...string) error {
		cmd := exec.Command(bin, append([]string{"healthcheck"}, args...)...)
		cmd.Env = env
		cmd.Dir = t.TempDir()
		return cmd.Run()
	}
	if err := check([]string{}, "--addr", p.addr); err != nil {
		t.Errorf("healthcheck against a live server: %v", err)
	}
	if err := check([]string{"MOCK_ADDR=" + p.addr}); err != nil {
		t.Errorf("healthcheck with MOCK_ADDR: %v", err)
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	if err := <-p.done; err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, p.out.String())
	}
	err = check([]string{}, "--addr", p.addr)
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() == 0 {
		t.Errorf("healthcheck against no server: %v, want a non-zero exit", err)
	}
}

// TestBinarySIGTERMUnderLoad: requests in flight when SIGTERM arrives all complete with 200,
// and the process exits 0.
func TestBinarySIGTERMUnderLoad(t *testing.T) {
	p := startBinary(t, []string{}, "--addr", "127.0.0.1:0", "--log-format", "json")
	base := "http://" + p.addr
	// Every Get takes 400ms, so the load is still in flight when the signal comes.
	fault := `{"operation":"GetSCIMConfiguration","latencyMs":400}`
	res, err := http.Post(base+"/_mock/faults", "application/json", strings.NewReader(fault))
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("arming the latency fault: %v %v", err, res)
	}
	res.Body.Close()

	const n = 20
	type result struct {
		status int
		err    error
	}
	results := make(chan result, n)
	var started sync.WaitGroup
	for i := 0; i < n; i++ {
		started.Add(1)
		go func() {
			req, _ := http.NewRequest(http.MethodPost, base+"/gitpod.v1.OrganizationService/GetSCIMConfiguration",
				strings.NewReader(`{"scimConfigurationId":"d2c94c27-3b76-4a42-b88c-95a85e392c68"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer acme-admin-token")
			started.Done()
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				results <- result{err: err}
				return
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			results <- result{status: res.StatusCode}
		}()
	}
	started.Wait()
	time.Sleep(150 * time.Millisecond) // well inside the 400ms every request takes
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		r := <-results
		if r.err != nil || r.status != 200 {
			t.Errorf("in-flight request cut by shutdown: status %d, error %v", r.status, r.err)
		}
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("exit: %v\n%s", err, p.out.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the process did not exit after SIGTERM")
	}
	// The log shows the shutdown and all twenty requests answered.
	var served int
	for _, line := range strings.Split(p.out.String(), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil && m["msg"] == "request" && m["operation"] == "GetSCIMConfiguration" && m["status"] == float64(200) {
			served++
		}
	}
	if served != n || !strings.Contains(p.out.String(), `"msg":"shutting down"`) {
		t.Errorf("log shows %d served requests (want %d) and shutdown=%v:\n%s", served, n,
			strings.Contains(p.out.String(), `"msg":"shutting down"`), p.out.String())
	}
}

// TestBinarySlowClients: hundreds of clients that open a connection and send half a request
// do not starve a normal client.
func TestBinarySlowClients(t *testing.T) {
	p := startBinary(t, []string{}, "--addr", "127.0.0.1:0", "--log-format", "json")
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := 0; i < 300; i++ {
		c, err := net.Dial("tcp", p.addr)
		if err != nil {
			t.Fatalf("slow client %d: %v", i, err)
		}
		// Headers never finish; the server's read-header timeout ends them eventually.
		if _, err := c.Write([]byte("POST /gitpod.v1.OrganizationService/GetSCIMConfiguration HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n")); err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	client := &http.Client{Timeout: 2 * time.Second}
	req, _ := http.NewRequest(http.MethodPost, "http://"+p.addr+"/gitpod.v1.OrganizationService/GetSCIMConfiguration",
		strings.NewReader(`{"scimConfigurationId":"d2c94c27-3b76-4a42-b88c-95a85e392c68"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer acme-admin-token")
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("a normal client next to 300 slow ones: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
}
