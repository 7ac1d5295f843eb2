package mocktest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
)

// Every mock started by Start without a logger of its own logs at debug level into one
// process-wide audit log, and every secret that passes through Do (bearer tokens sent, and
// every field the contract marks secret, sent or received) is remembered. A package's TestMain calls SecretLeaks
// after its tests to prove that no log line of the whole suite holds a secret:
//
//	func TestMain(m *testing.M) { os.Exit(mocktest.RunAndAuditLogs(m)) }
var audit = struct {
	mu      sync.Mutex
	log     bytes.Buffer
	secrets map[string]bool
}{secrets: map[string]bool{}}

type auditWriter struct{}

func (auditWriter) Write(p []byte) (int, error) {
	audit.mu.Lock()
	defer audit.mu.Unlock()
	return audit.log.Write(p)
}

func auditLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(auditWriter{}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// noteSecret remembers a value that must never be logged. Short values (placeholders such
// as "x") would match by accident and prove nothing, so they are left out.
func noteSecret(s string) {
	if len(s) < 8 {
		return
	}
	audit.mu.Lock()
	defer audit.mu.Unlock()
	audit.secrets[s] = true
}

// noteSecrets collects the fields of a JSON body whose name is a secret's.
func noteSecrets(body []byte, secret func(name string) bool) {
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
					noteSecret(s)
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

// SecretLeaks lists every remembered secret that appears in the audit log.
func SecretLeaks() []string {
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

// AuditSummary says how much was checked, for the test output.
func AuditSummary() string {
	audit.mu.Lock()
	defer audit.mu.Unlock()
	return fmt.Sprintf("%d log lines checked for %d secrets", strings.Count(audit.log.String(), "\n"), len(audit.secrets))
}

// RunAndAuditLogs runs the package's tests, then fails the run if any secret reached a log.
func RunAndAuditLogs(m interface{ Run() int }) int {
	code := m.Run()
	if leaks := SecretLeaks(); len(leaks) > 0 {
		fmt.Printf("FAIL: secrets found in the mock's logs: %q\n", leaks)
		return 1
	}
	fmt.Println("mocktest:", AuditSummary(), "- no secret in any log line")
	return code
}
