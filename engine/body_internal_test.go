package engine

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestReadAll(t *testing.T) {
	body := `{"scimConfigurationId":"d2c94c27-3b76-4a42-b88c-95a85e392c68"}`
	n := int64(len(body))
	cases := []struct {
		name    string
		length  int64 // the declared Content-Length; -1: unknown (chunked)
		max     int64
		body    io.Reader
		want    string
		wantCap int // -1: any
		wantErr string
	}{
		{"declared", n, 1 << 20, strings.NewReader(body), body, len(body), ""},
		{"unknown length", -1, 1 << 20, strings.NewReader(body), body, -1, ""},
		{"declared, over the limit", n, 10, strings.NewReader(body), body[:11], -1, ""},
		{"unknown, over the limit", -1, 10, strings.NewReader(body), body[:11], -1, ""},
		// In-process callers may declare a wrong length: the body is read to its end anyway.
		{"declared longer than the body", n + 5, 1 << 20, strings.NewReader(body), body, -1, ""},
		{"declared shorter than the body", n - 10, 1 << 20, strings.NewReader(body), body, -1, ""},
		{"declared zero", 0, 1 << 20, strings.NewReader(body), body, -1, ""},
		{"cut off by the client", n, 1 << 20, io.MultiReader(strings.NewReader(body[:10]), failing{}), "", -1, "unexpected EOF"},
	}
	for _, c := range cases {
		req := httptest.NewRequest(http.MethodPost, "/", c.body)
		req.ContentLength = c.length
		got, err := readAll(req, c.max)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("%s: err %v, want %q", c.name, err, c.wantErr)
			}
			continue
		}
		if err != nil || string(got) != c.want {
			t.Errorf("%s: %q, %v; want %q", c.name, got, err, c.want)
		}
		if c.wantCap >= 0 && cap(got) != c.wantCap {
			t.Errorf("%s: capacity %d, want %d (the journal keeps it)", c.name, cap(got), c.wantCap)
		}
	}
}

// failing is a body whose client went away mid-way.
type failing struct{}

func (failing) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }

func TestPlainName(t *testing.T) {
	cases := map[string]bool{
		"a": true, "ci-run_42.a:b/c": true, strings.Repeat("x", 128): true,
		"": false, strings.Repeat("x", 129): false, "a b": false, "é": false, "a\n": false, "a+b": false,
	}
	for s, want := range cases {
		if got := plainName(s, sessionNameChars); got != want {
			t.Errorf("plainName(%q, session) = %v, want %v", s, got, want)
		}
	}
	if !plainName("a+b=c", requestIDChars) || plainName("a b", requestIDChars) {
		t.Error("request id characters")
	}
}
