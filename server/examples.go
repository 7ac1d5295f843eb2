package server

import (
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/gitpod-mock/orgmock/server/api"
	"github.com/gitpod-mock/orgmock/server/spec"
)

// Modes of serving.
const (
	// ModeStateful serves from the in-memory state (the default).
	ModeStateful = "stateful"
	// ModeExamples answers every valid request with the operation's documented success
	// example, stores nothing, and still validates both ways (like Prism's static mock).
	ModeExamples = "examples"
)

// parsePrefer reads Prism's per-request overrides from a Prefer header:
// `code=404`, `example=found`, or both (`code=200, example=found`). Other preferences
// (e.g. `dynamic=true`) are ignored.
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
				return 0, "", errorf(api.ErrorCodeInvalidArgument, "Prefer: code=%q is not an HTTP status", v)
			}
			code = n
		case "example":
			if v == "" {
				return 0, "", errorf(api.ErrorCodeInvalidArgument, "Prefer: example= needs a name")
			}
			example = v
		}
	}
	return code, example, nil
}

// serveExample answers with a response the spec declares: the named example, or the first
// example of status code; for an error status without an example, a Connect error of the
// matching code. The answer still goes through response validation.
func serveExample(c echo.Context, route *spec.Route, code int, name string) error {
	op := route.OperationID()
	if code != 0 && !route.Declares(code) {
		return errorf(api.ErrorCodeInvalidArgument, "Prefer: code=%d is not declared by %s; declared: %s",
			code, op, statusList(route, 0))
	}
	status, body, ok := route.Example(code, name)
	switch {
	case !ok && name != "":
		return errorf(api.ErrorCodeInvalidArgument, "Prefer: example=%q is not an example of %s%s; examples: %s",
			name, op, forStatus(code), strings.Join(route.ExampleNames(), ", "))
	case !ok && code >= 400:
		return faultError(&fault{FaultSpec: FaultSpec{Operation: op, Status: code}})
	case !ok:
		return errorf(api.ErrorCodeInternal, "%s declares no example for status %d", op, code)
	}
	c.Response().Header().Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	c.Response().WriteHeader(status)
	_, err := c.Response().Write(body)
	return err
}

func forStatus(code int) string {
	if code == 0 {
		return ""
	}
	return " with status " + strconv.Itoa(code)
}
