package engine

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gitpod-mock/orgmock/engine/connect"
)

// answerExample answers, in examples mode, with the operation's documented success example.
func (s *Server) answerExample(c *call) error {
	if s.cfg.Mode != ModeExamples {
		return nil
	}
	return s.serveExample(c, http.StatusOK, "")
}

// serveExample answers with a response the spec declares: the named example, or the first
// example of status code; for an error status without an example, a Connect error of the
// matching code. The answer still goes through response validation.
func (s *Server) serveExample(c *call, code int, name string) error {
	r := c.route
	op := r.OperationID()
	if code != 0 && !r.Declares(code) {
		return connect.Errorf(connect.InvalidArgument, "Prefer: code=%d is not declared by %s; declared: %s",
			code, op, r.StatusList(0))
	}
	status, body, ok := r.Example(code, name)
	switch {
	case !ok && name != "":
		return connect.Errorf(connect.InvalidArgument, "Prefer: example=%q is not an example of %s%s; examples: %s",
			name, op, forStatus(code), strings.Join(r.ExampleNames(), ", "))
	case !ok && code >= 400:
		return statusError(r, code, "fault injected by the mock")
	case !ok:
		return connect.Errorf(connect.Internal, "%s declares no example for status %d", op, code)
	}
	c.rec.header.Set("Content-Type", "application/json")
	c.rec.WriteHeader(status)
	_, _ = c.rec.Write(body)
	c.answered = true
	return nil
}

func forStatus(code int) string {
	if code == 0 {
		return ""
	}
	return " with status " + strconv.Itoa(code)
}
