package orgmock_test

import (
	"bytes"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/gitpod-mock/orgmock/mocktest"
)

// readmeShellBlocks returns the README's sh and bash blocks that call the mock with curl, in
// order, without the lines that start it (go run), which the test does itself.
func readmeShellBlocks(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	fence := regexp.MustCompile("(?ms)^```(?:sh|bash)\n(.*?)^```\n")
	var blocks []string
	for _, m := range fence.FindAllStringSubmatch(string(raw), -1) {
		b := m[1]
		if !strings.Contains(b, "curl -s") || strings.Contains(b, "grpcurl") || strings.Contains(b, "docker ") {
			continue
		}
		var keep []string
		for line := range strings.Lines(b) {
			if !strings.HasPrefix(line, "go run ") {
				keep = append(keep, line)
			}
		}
		blocks = append(blocks, strings.Join(keep, ""))
	}
	return blocks
}

// expectation is a README comment saying what a call answers: "# -> 404 not_found".
var expectation = regexp.MustCompile(`#\s*-> ([1-5][0-9][0-9])\b`)

// shellPrelude wraps curl: each call's status goes to $STATUSES, and expect NNN marks the last
// call's status as the one the README announces (or records the mismatch).
const shellPrelude = `
curl() {
  local out code
  out=$(command curl -sS -w '\n@@status=%{http_code}' "$@") || { echo "transport-error $*" >>"$STATUSES"; return 1; }
  code=${out##*@@status=}
  echo "$code" >>"$STATUSES"
  printf '%s\n' "${out%$'\n'@@status=*}"
}
expect() {
  local last
  last=$(tail -n 1 "$STATUSES")
  if [ "$last" = "$1" ]; then
    sed -i '$ s/.*/expected-'"$1"'/' "$STATUSES"
  else
    echo "mismatch: the README says $1 ($2), the mock answered $last" >>"$STATUSES"
  fi
}
`

// TestReadmeShellBlocks runs the README's curl blocks, as written, against a fresh mock: every
// call must answer 2xx unless the README says otherwise next to it ("# -> 404 not_found"), and
// then exactly that.
func TestReadmeShellBlocks(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("MOCK_REQUIRE_SHELL_TOOLS") != "" {
				t.Fatalf("%s is required (MOCK_REQUIRE_SHELL_TOOLS is set): %v", tool, err)
			}
			t.Skipf("%s is not installed", tool)
		}
	}
	blocks := readmeShellBlocks(t)
	if len(blocks) < 4 {
		t.Fatalf("found %d curl blocks in the README, want at least 4 (the fence labels changed?)", len(blocks))
	}
	srv := mocktest.Start(t)
	var script strings.Builder
	script.WriteString(shellPrelude)
	announced := 0
	for _, b := range blocks {
		b = strings.ReplaceAll(b, "http://127.0.0.1:4010", srv.URL)
		for line := range strings.Lines(b) {
			line = strings.TrimSuffix(line, "\n")
			m := expectation.FindStringSubmatchIndex(line)
			if m != nil {
				announced++
			}
			switch {
			case m == nil:
				script.WriteString(line + "\n")
			case strings.TrimSpace(line[:m[0]]) == "": // an expectation on a line of its own
				script.WriteString("expect " + line[m[2]:m[3]] + " " + shellQuote(line[m[0]:]) + "\n")
			default: // after the call on the same line
				script.WriteString(line[:m[0]] + "\nexpect " + line[m[2]:m[3]] + " " + shellQuote(line[m[0]:]) + "\n")
			}
		}
	}
	statuses := t.TempDir() + "/statuses"
	cmd := exec.Command("bash", "-c", script.String())
	cmd.Env = append(os.Environ(), "STATUSES="+statuses)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("the README's blocks: %v\nstderr:\n%s\nstdout:\n%s", err, stderr.String(), out)
	}
	raw, err := os.ReadFile(statuses)
	if err != nil {
		t.Fatal(err)
	}
	expected, calls := 0, 0
	for _, l := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		calls++
		switch {
		case strings.HasPrefix(l, "expected-"):
			expected++
		case len(l) == 3 && l[0] == '2':
		default:
			t.Errorf("call %d: %s", calls, l)
		}
	}
	if calls < 30 || expected != announced {
		t.Errorf("%d calls (want 30 or more), %d answered as the README announces (it announces %d)\n%s", calls, expected, announced, raw)
	}
	if t.Failed() {
		t.Logf("stdout:\n%s", out)
	}
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
