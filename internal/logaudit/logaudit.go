// Package logaudit proves, for the project's own test suites, that no log line of the mock
// holds a secret. A package's TestMain turns it on:
//
//	func TestMain(m *testing.M) { os.Exit(logaudit.Run(m)) }
//
// From then on every mock started by mocktest.Start also logs at debug level into one
// process-wide buffer, and every secret that passes through mocktest's Do (bearer tokens sent,
// and every field the contract marks secret, sent or received) is remembered; after the tests,
// Run fails the run if any remembered secret appears in the buffer. Outside the project nothing
// turns it on, so nothing is buffered.
package logaudit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

var (
	on    atomic.Bool
	audit = struct {
		mu      sync.Mutex
		log     bytes.Buffer
		secrets map[string]bool
	}{secrets: map[string]bool{}}
)

// Enabled reports whether the audit is on (Run was called).
func Enabled() bool { return on.Load() }

type writer struct{}

func (writer) Write(p []byte) (int, error) {
	audit.mu.Lock()
	defer audit.mu.Unlock()
	return audit.log.Write(p)
}

// Handler writes every record, at debug level and above, into the audit buffer.
func Handler() slog.Handler {
	return slog.NewTextHandler(writer{}, &slog.HandlerOptions{Level: slog.LevelDebug})
}

// NoteSecret remembers a value that must never be logged (when the audit is on). Short values
// (placeholders such as "x") would match by accident and prove nothing, so they are left out.
func NoteSecret(s string) {
	if !Enabled() || len(s) < 8 {
		return
	}
	audit.mu.Lock()
	defer audit.mu.Unlock()
	audit.secrets[s] = true
}

// NoteSecrets remembers the fields of a JSON body whose name is a secret's.
func NoteSecrets(body []byte, secret func(name string) bool) {
	if !Enabled() {
		return
	}
	var v any
	if json.Unmarshal(body, &v) != nil {
		return
	}
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, sub := range x {
				if s, ok := sub.(string); ok && secret(k) {
					NoteSecret(s)
				}
				walk(sub)
			}
		case []any:
			for _, sub := range x {
				walk(sub)
			}
		}
	}
	walk(v)
}

// Leaks lists every remembered secret that appears in the audit buffer.
func Leaks() []string {
	audit.mu.Lock()
	defer audit.mu.Unlock()
	log := audit.log.String()
	var leaks []string
	for s := range audit.secrets {
		if strings.Contains(log, s) {
			leaks = append(leaks, s)
		}
	}
	sort.Strings(leaks)
	return leaks
}

// Summary says how much was checked, for the test output.
func Summary() string {
	audit.mu.Lock()
	defer audit.mu.Unlock()
	return fmt.Sprintf("%d log lines checked for %d secrets", strings.Count(audit.log.String(), "\n"), len(audit.secrets))
}

// Run turns the audit on, runs the package's tests, then fails the run if any secret reached
// a log line.
func Run(m interface{ Run() int }) int {
	on.Store(true)
	code := m.Run()
	if leaks := Leaks(); len(leaks) > 0 {
		fmt.Printf("FAIL: secrets found in the mock's logs: %q\n", leaks)
		return 1
	}
	fmt.Println("logaudit:", Summary(), "- no secret in any log line")
	return code
}
