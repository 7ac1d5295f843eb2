package orgmock_test

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestDockerfile checks what can be checked without a Docker engine: the stages, the static
// build, the final base, the user, the port, the address and the healthcheck.
func TestDockerfile(t *testing.T) {
	raw, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	var froms, instructions []string
	for _, line := range strings.Split(string(raw), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		instructions = append(instructions, line)
		if strings.HasPrefix(line, "FROM ") {
			froms = append(froms, line)
		}
	}
	if len(froms) < 2 {
		t.Fatalf("want a multi-stage build, found %d FROM lines", len(froms))
	}
	final := froms[len(froms)-1]
	if !regexp.MustCompile(`^FROM (scratch|gcr\.io/distroless/static[-\w.:]*)`).MatchString(final) {
		t.Errorf("final stage %q: want scratch or distroless static", final)
	}
	// Instructions of the final stage.
	var last []string
	for i := len(instructions) - 1; i >= 0 && !strings.HasPrefix(instructions[i], "FROM "); i-- {
		last = append([]string{instructions[i]}, last...)
	}
	want := map[string]*regexp.Regexp{
		"non-root USER":              regexp.MustCompile(`^USER (65532|nonroot)`),
		"HEALTHCHECK via the binary": regexp.MustCompile(`^HEALTHCHECK .*CMD \["/mock", "healthcheck"\]`),
		"EXPOSE 4010":                regexp.MustCompile(`^EXPOSE 4010$`),
		"MOCK_ADDR=:4010":            regexp.MustCompile(`^ENV MOCK_ADDR=:4010$`),
		"ENTRYPOINT the binary":      regexp.MustCompile(`^ENTRYPOINT \["/mock"\]$`),
	}
	for what, re := range want {
		found := false
		for _, in := range last {
			found = found || re.MatchString(in)
		}
		if !found {
			t.Errorf("final stage lacks %s", what)
		}
	}
	if !regexp.MustCompile(`CGO_ENABLED=0 .*go build -trimpath -ldflags "-s -w`).Match(raw) {
		t.Errorf("the build is not static, trimmed and stripped")
	}
	// Both architectures from one builder: the build stage runs natively and cross-compiles
	// for the platform buildx asks for (.ci/run builds the arm64 binary to prove it compiles).
	if !strings.HasPrefix(froms[0], "FROM --platform=$BUILDPLATFORM ") {
		t.Errorf("build stage %q: want FROM --platform=$BUILDPLATFORM", froms[0])
	}
	if !regexp.MustCompile(`(?m)^ARG TARGETOS=linux$`).Match(raw) || !regexp.MustCompile(`(?m)^ARG TARGETARCH$`).Match(raw) ||
		!regexp.MustCompile(`GOOS=\$\{TARGETOS\} GOARCH=\$\{TARGETARCH\} go build`).Match(raw) {
		t.Errorf("the build does not cross-compile for TARGETOS/TARGETARCH")
	}
	ignore, err := os.ReadFile(".dockerignore")
	if err != nil || !strings.Contains(string(ignore), ".git") {
		t.Errorf(".dockerignore missing or not excluding .git: %v", err)
	}
}
