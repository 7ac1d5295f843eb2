package mocktest_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gitpod-mock/orgmock/mocktest"
)

// readmeGoExample is the README's mocktest example (the first go block after "From Go tests")
// as a test file of package outside.
func readmeGoExample(t *testing.T, readme string) []byte {
	t.Helper()
	_, rest, ok := strings.Cut(readme, "### From Go tests: `mocktest`")
	if !ok {
		t.Fatal("README.md has no \"From Go tests\" section")
	}
	_, rest, ok = strings.Cut(rest, "```go\n")
	block, _, ok2 := strings.Cut(rest, "```\n")
	if !ok || !ok2 || !strings.Contains(block, "func TestMyClient(t *testing.T)") {
		t.Fatal("README.md: no go block with TestMyClient after \"From Go tests\"")
	}
	return []byte("package outside\n\n" + block)
}

// TestOutsideModule runs testdata/outside, a module that uses mocktest through a replace, as a
// user's would: its table-driven subtests named "", "", "tenant=1" and "ünïcode/ok" must each
// pass in a session of their own, with the mock's warning for their session in their own log.
// The README's mocktest example runs there too, as written.
func TestOutsideModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module (-short)")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	mod, err := os.ReadFile("testdata/outside/go.mod")
	if err != nil {
		t.Fatal(err)
	}
	mod = bytes.Replace(mod, []byte("=> ../../.."), []byte("=> "+root), 1)
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("testdata/outside/outside_test.go")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	example := readmeGoExample(t, string(readme))
	for name, b := range map[string][]byte{"go.mod": mod, "go.sum": sum, "outside_test.go": src, "readme_test.go": example} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(goBin, "test", "-count=1", "-json", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go test in the outside module: %v\n%s\n%s", err, stderr.String(), out)
	}

	logs, passed := map[string]string{}, map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var ev struct{ Action, Test, Output string }
		if json.Unmarshal(sc.Bytes(), &ev) != nil {
			continue
		}
		logs[ev.Test] += ev.Output
		if ev.Action == "pass" {
			passed[ev.Test] = true
		}
	}
	if !passed["TestMyClient/#00"] || !passed["TestMyClient/tenant=1"] {
		t.Errorf("the README's example did not pass:\n%s%s", logs["TestMyClient/#00"], logs["TestMyClient/tenant=1"])
	}
	sessions := map[string]bool{}
	for _, name := range []string{"TestTable/#00", "TestTable/#01", "TestTable/tenant=1", "TestTable/ünïcode/ok"} {
		session := mocktest.SessionName(name)
		log := logs[name]
		if !passed[name] {
			t.Errorf("%s did not pass:\n%s", name, log)
		}
		if !strings.Contains(log, "session "+session) || sessions[session] {
			t.Errorf("%s: not in session %q of its own:\n%s", name, session, log)
		}
		sessions[session] = true
		if !strings.Contains(log, "level=WARN msg=request") || !strings.Contains(log, "status=500") ||
			!strings.Contains(log, "session="+session) {
			t.Errorf("%s: the mock's warning is not in its log:\n%s", name, log)
		}
	}
}
