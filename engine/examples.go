package engine

import (
	"encoding/json"
	"net/http"
	"regexp"
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
	if status >= 400 {
		// An error the caller asked for is as deterministic as any other of the mock's.
		c.rec.header.Set("X-Should-Retry", "false")
		body = aboutRequest(body, c.reqBody)
	}
	c.rec.header.Set("Content-Type", "application/json")
	c.rec.WriteHeader(status)
	_, _ = c.rec.Write(body)
	c.answered = true
	return nil
}

// uuidInText finds the UUIDs an example's message names.
var uuidInText = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)

// aboutRequest makes an error example speak of the request: when its message starts with a
// field the request has ("scimConfigurationId: SCIM configuration <id> not found"), the ids it
// names become that field's value. Any other body is returned as it is.
func aboutRequest(body, request []byte) []byte {
	var e struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	var req map[string]any
	if json.Unmarshal(body, &e) != nil || json.Unmarshal(request, &req) != nil {
		return body
	}
	field, rest, ok := strings.Cut(e.Message, ": ")
	v, isString := req[field].(string)
	if !ok || !isString || !uuidInText.MatchString(rest) {
		return body
	}
	out, err := json.Marshal(map[string]string{"code": e.Code, "message": field + ": " + uuidInText.ReplaceAllLiteralString(rest, v)})
	if err != nil {
		return body
	}
	return append(out, '\n')
}

func forStatus(code int) string {
	if code == 0 {
		return ""
	}
	return " with status " + strconv.Itoa(code)
}
