package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/labstack/echo/v4"

	"github.com/gitpod-mock/orgmock/server/api"
	"github.com/gitpod-mock/orgmock/server/spec"
)

// Keys of values the middlewares leave on the echo context for the request log.
const (
	keyOperation = "mock.operation"
	keyViolation = "mock.violation"
)

var requestOptions = &openapi3filter.Options{
	// Authentication ran already (authenticate), in the order Connect servers use:
	// content type, then credentials, then the message.
	AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc,
	MultiError:          true,
	KeepValidatedValue:  true, // the strict handler binds the validated value: one decode
	SkipSettingDefaults: true,
}

var responseOptions = &openapi3filter.Options{
	IncludeResponseStatus: true, // a status the operation does not declare is a violation
	MultiError:            true,
}

// validate enforces the contract on every API operation, in both directions. Routes outside
// the spec (/healthz, unknown paths, wrong methods) pass through untouched.
//
// Request: content type (415), bearer token (401), body size (429), then the body and query
// against the operation's schemas (400). Response: the handler's answer, success or error, is
// captured and checked against the responses the operation declares; a violation is a bug in
// the mock and becomes a 500 `internal` naming the operation, status and violation.
func (s *Server) validate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		route := s.spec.Route(c.Request().Method, c.Path())
		if route == nil {
			return next(c)
		}
		c.Set(keyOperation, route.OperationID())
		res := c.Response()
		orig := res.Writer
		rec := &recorder{header: orig.Header(), status: http.StatusOK}
		res.Writer = rec
		err := s.checkRequest(c, route)
		if err == nil {
			err = next(c)
		}
		if err != nil {
			s.handleError(err, c) // rendered into rec, validated below like any response
		}
		res.Writer = orig
		return s.writeChecked(c, route, rec)
	}
}

func (s *Server) checkRequest(c echo.Context, route *spec.Route) error {
	req := c.Request()
	if err := checkContentType(req, route); err != nil {
		return err
	}
	if route.Secured {
		org, err := s.authenticate(req)
		if err != nil {
			return err
		}
		req = req.WithContext(withCaller(req.Context(), org))
		c.SetRequest(req)
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, s.opts.MaxBodyBytes+1))
	if err != nil {
		return errorf(api.ErrorCodeInvalidArgument, "reading request body: %v", err)
	}
	if int64(len(body)) > s.opts.MaxBodyBytes {
		return errorf(api.ErrorCodeResourceExhausted, "request body exceeds the limit of %d bytes", s.opts.MaxBodyBytes)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return errorf(api.ErrorCodeInvalidArgument, "request body is empty: send a JSON object, e.g. {}")
	}
	// One JSON value and nothing after it: kin-openapi's decoder would ignore trailing data.
	if !json.Valid(body) {
		return errorf(api.ErrorCodeInvalidArgument, "request body is not valid JSON: %s", jsonSyntaxError(body))
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	input := &openapi3filter.RequestValidationInput{Request: req, Route: route.Route, Options: requestOptions}
	if err := openapi3filter.ValidateRequest(req.Context(), input); err != nil {
		return errorf(api.ErrorCodeInvalidArgument, "%s", strings.Join(spec.Violations(err), "; "))
	}
	return nil
}

// checkContentType accepts the media types the operation's request body declares.
func checkContentType(req *http.Request, route *spec.Route) error {
	rb := route.Operation.RequestBody
	if rb == nil || rb.Value == nil {
		return nil
	}
	ct := req.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil && rb.Value.Content.Get(mt) != nil {
		return nil
	}
	if ct == "" {
		ct = "(none)"
	}
	return &Error{Code: api.ErrorCodeInvalidArgument, Status: http.StatusUnsupportedMediaType,
		Message: fmt.Sprintf("Content-Type %q is not supported: send application/json", ct)}
}

// authenticate reads the bearer token and returns the organization it acts for.
func (s *Server) authenticate(req *http.Request) (string, error) {
	h := req.Header.Get("Authorization")
	if h == "" {
		return "", errorf(api.ErrorCodeUnauthenticated, `missing bearer token: send "Authorization: Bearer <token>"`)
	}
	scheme, token, _ := strings.Cut(h, " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "", errorf(api.ErrorCodeUnauthenticated, `Authorization: must use the Bearer scheme ("Authorization: Bearer <token>")`)
	}
	token = strings.TrimSpace(token)
	if token == "" {
		return "", errorf(api.ErrorCodeUnauthenticated, "Authorization: the bearer token is empty")
	}
	org, ok := s.store.Authenticate(token, s.opts.StrictAuth)
	if !ok {
		return "", errorf(api.ErrorCodeUnauthenticated, "Authorization: unknown bearer token")
	}
	return org, nil
}

// writeChecked validates the captured response and sends it, or sends a 500 instead.
func (s *Server) writeChecked(c echo.Context, route *spec.Route, rec *recorder) error {
	res := c.Response()
	body := rec.buf.Bytes()
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: c.Request(), Route: route.Route},
		Status:                 rec.status,
		Header:                 rec.header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                responseOptions,
	}
	if err := openapi3filter.ValidateResponse(c.Request().Context(), input); err != nil {
		violation := strings.Join(spec.Violations(err), "; ")
		c.Set(keyViolation, violation)
		s.log.Error("response does not match the spec",
			"operation", route.OperationID(), "status", rec.status, "violation", violation)
		msg := fmt.Sprintf("%s %d: response does not match the spec: %s", route.OperationID(), rec.status, violation)
		body, _ = json.Marshal(api.ConnectError{Code: api.ErrorCodeInternal, Message: &msg})
		rec.status = http.StatusInternalServerError
		rec.header.Set("Content-Type", "application/json")
		rec.header.Set("X-Should-Retry", "false")
	}
	rec.header.Set("Content-Length", strconv.Itoa(len(body)))
	res.Writer.WriteHeader(rec.status)
	res.Status = rec.status
	_, err := res.Writer.Write(body)
	return err
}

// recorder captures a response so it can be validated before anything reaches the client.
// Headers go straight to the real writer's map; status and body wait.
type recorder struct {
	header http.Header
	status int
	buf    bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) WriteHeader(status int)      { r.status = status }
func (r *recorder) Write(b []byte) (int, error) { return r.buf.Write(b) }

// jsonSyntaxError describes why body is not JSON, with the byte offset.
func jsonSyntaxError(body []byte) string {
	var v any
	err := json.Unmarshal(body, &v)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%v (at byte %d)", se, se.Offset)
	}
	if err != nil {
		return err.Error()
	}
	return "unknown error"
}
