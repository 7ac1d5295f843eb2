package engine

import (
	"strconv"
	"strings"

	"github.com/gitpod-mock/orgmock/engine/connect"
)

// answerPrefer honours Prism's per-request overrides, after the request was found valid: a
// Prefer header of `code=404`, `example=found`, or both (`code=200, example=found`) answers
// with a response the operation declares.
func (s *Server) answerPrefer(c *call) error {
	code, name, err := parsePrefer(c.req.Header.Get("Prefer"))
	if err != nil || (code == 0 && name == "") {
		return err
	}
	return s.serveExample(c, code, name)
}

// parsePrefer reads a Prefer header. Other preferences (e.g. `dynamic=true`) are ignored.
func parsePrefer(h string) (code int, example string, err error) {
	if h == "" {
		return 0, "", nil
	}
	for _, part := range strings.FieldsFunc(h, func(r rune) bool { return r == ',' || r == ';' }) {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		v = strings.Trim(strings.TrimSpace(v), `"`)
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "code":
			n, convErr := strconv.Atoi(v)
			if convErr != nil || n < 100 || n > 599 {
				return 0, "", connect.Errorf(connect.InvalidArgument, "Prefer: code=%q is not an HTTP status", v)
			}
			code = n
		case "example":
			if v == "" {
				return 0, "", connect.Errorf(connect.InvalidArgument, "Prefer: example= needs a name")
			}
			example = v
		}
	}
	return code, example, nil
}
