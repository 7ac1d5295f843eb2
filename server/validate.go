package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gitpod-mock/orgmock/server/api"
	"github.com/gitpod-mock/orgmock/server/spec"
	"github.com/gitpod-mock/orgmock/server/store"
)

// call is what the pipeline learns about one API call. It rides on the request context (one
// value for everything): the handlers read the session and the caller from it, and the
// journal, the coverage and the request log read what happened.
type call struct {
	route          *spec.Route
	se             *session // nil until the session is known
	org            string   // the caller's organization, once authenticated
	at             time.Time
	reqBody        []byte
	certain        bool // the fast path found the request valid
	reqViolations  []string
	respViolations []string
	violation      string // respViolations joined, for the log line
	fault          string
	dropped        bool
}

type callKey struct{}

// callOf is the API call a request context belongs to, or nil.
func callOf(ctx context.Context) *call {
	cl, _ := ctx.Value(callKey{}).(*call)
	return cl
}

// validate enforces the contract on every API operation, in both directions. Routes outside
// the spec (/healthz, /_mock/..., unknown paths, wrong methods) pass through untouched.
//
// Request: session, content type (415), bearer token (401), body size (429), then the body
// and query against the operation's schemas (400). Then injected faults, Prefer overrides or
// examples mode, else the handler. Response: the answer, success or error, is captured and
// checked against the responses the operation declares; a violation is a bug in the mock and
// becomes a 500 `internal` naming the operation, status and violation. Each call ends in the
// session's journal and coverage.
func (s *Server) validate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		route := s.spec.Route(c.Request().Method, c.Path())
		if route == nil {
			return next(c)
		}
		cl := &call{route: route}
		c.SetRequest(c.Request().WithContext(context.WithValue(c.Request().Context(), callKey{}, cl)))
		res := c.Response()
		orig := res.Writer
		rec := recorders.Get().(*recorder)
		defer recorders.Put(rec)
		rec.header, rec.status = orig.Header(), http.StatusOK
		rec.buf.Reset()
		res.Writer = rec
		se, err := s.sessions.get(c.Request().Header.Get(SessionHeader))
		if err == nil {
			cl.se, cl.at = se, se.now()
			err = s.serve(c, cl, next)
		}
		if err == nil && rec.status == http.StatusOK && mutates(route.OperationID()) {
			// Durable before acknowledged: the answer waits for the state file.
			if perr := s.persist(se); perr != nil {
				rec.buf.Reset()
				res.Committed = false
				s.handleError(perr, c)
			}
		}
		if err != nil {
			s.handleError(err, c) // rendered into rec, validated below like any response
		}
		res.Writer = orig
		if cl.dropped {
			se.record(c.Request(), 0, cl, nil)
			return dropConnection(orig)
		}
		body, werr := s.writeChecked(c, rec, cl)
		if se != nil {
			se.record(c.Request(), rec.status, cl, body)
		}
		return werr
	}
}

// serve runs one API call after the session is known.
func (s *Server) serve(c echo.Context, cl *call, next echo.HandlerFunc) error {
	route, se := cl.route, cl.se
	if err := s.checkRequest(c, cl); err != nil {
		return err
	}
	req := c.Request()
	se.mu.Lock()
	f := se.takeFault(route.OperationID())
	se.mu.Unlock()
	if f != nil {
		cl.fault = f.describe()
		if f.LatencyMs > 0 {
			select {
			case <-time.After(time.Duration(f.LatencyMs) * time.Millisecond):
			case <-req.Context().Done():
			}
		}
		if f.Drop {
			cl.dropped = true
			return nil
		}
		if f.Status != 0 {
			return faultError(f)
		}
	}
	code, name, err := parsePrefer(req.Header.Get("Prefer"))
	if err != nil {
		return err
	}
	if code != 0 || name != "" {
		return serveExample(c, route, code, name)
	}
	if s.opts.Mode == ModeExamples {
		return serveExample(c, route, http.StatusOK, "")
	}
	return next(c)
}

func (s *Server) checkRequest(c echo.Context, cl *call) error {
	req, route := c.Request(), cl.route
	if err := checkContentType(req, route); err != nil {
		return err
	}
	if route.Secured {
		org, err := s.authenticate(req, cl.se.store())
		if err != nil {
			return err
		}
		cl.org = org
	}
	body, err := readBody(req, s.opts.MaxBodyBytes)
	if err != nil {
		return errorf(api.ErrorCodeInvalidArgument, "reading request body: %v", err)
	}
	if int64(len(body)) > s.opts.MaxBodyBytes {
		return errorf(api.ErrorCodeResourceExhausted, "request body exceeds the limit of %d bytes", s.opts.MaxBodyBytes)
	}
	cl.reqBody = body
	// What was read is the body: echo's binder trusts ContentLength (it skips a body of 0),
	// and an in-process caller may have left it unset.
	req.ContentLength = int64(len(body))
	if len(bytes.TrimSpace(body)) == 0 {
		return errorf(api.ErrorCodeInvalidArgument, "request body is empty: send a JSON object, e.g. {}")
	}
	// A body the fast path knows valid is well-formed JSON: the usual case skips json.Valid.
	certain := !s.opts.SkipValidation && route.ValidFast(req, body)
	// One JSON value and nothing after it: kin-openapi's decoder would ignore trailing data.
	if !certain && !json.Valid(body) {
		return errorf(api.ErrorCodeInvalidArgument, "request body is not valid JSON: %s", jsonSyntaxError(body))
	}
	if err := checkJSONStructure(body); err != nil {
		return err
	}
	if err := checkQueryOnce(req, route); err != nil {
		return err
	}
	cl.certain = certain
	if s.opts.SkipValidation || certain {
		return nil // the handler's binder reads cl.reqBody (bind.go)
	}
	req.Body = io.NopCloser(bytes.NewReader(body)) // kin-openapi reads it again
	if v := route.CheckRequest(req, body); len(v) > 0 {
		cl.reqViolations = v
		return errorf(api.ErrorCodeInvalidArgument, "%s", strings.Join(v, "; "))
	}
	return nil
}

// readBody reads the request body, at most max+1 bytes, like io.ReadAll. A declared length
// sizes the buffer: the journal keeps bodies, and io.ReadAll's would be 512 bytes or more for
// the usual 60. The length is only a hint (a caller of ServeHTTP may declare a wrong one):
// the body is read to its end whatever it says.
func readBody(req *http.Request, max int64) ([]byte, error) {
	n := req.ContentLength
	if n <= 0 || n > max {
		return io.ReadAll(io.LimitReader(req.Body, max+1))
	}
	r := io.LimitReader(req.Body, max+1)
	b := make([]byte, 0, n)
	for {
		if len(b) == cap(b) {
			// Full: is that the end? net/http reports it with the last bytes already.
			var probe [1]byte
			m, err := r.Read(probe[:])
			if m == 0 && err == io.EOF {
				return b, nil
			}
			if m == 0 && err != nil {
				return b, err
			}
			b = append(b, probe[:m]...)
			if err == io.EOF {
				return b, nil
			}
			if err != nil {
				return b, err
			}
			continue
		}
		m, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+m]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

// checkQueryOnce refuses a declared query parameter given more than once (which one would win
// is anybody's guess).
func checkQueryOnce(req *http.Request, route *spec.Route) error {
	if req.URL.RawQuery == "" {
		return nil
	}
	q := req.URL.Query()
	for _, p := range route.Operation.Parameters {
		if p.Value != nil && p.Value.In == "query" && len(q[p.Value.Name]) > 1 {
			return errorf(api.ErrorCodeInvalidArgument, "%s (query): must be given at most once", p.Value.Name)
		}
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
	if ct == "application/json" && rb.Value.Content.Get(ct) != nil {
		return nil // the usual case, without parsing
	}
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
func (s *Server) authenticate(req *http.Request, st *store.Store) (string, error) {
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
	org, ok := st.Authenticate(token, s.opts.StrictAuth)
	if !ok {
		return "", errorf(api.ErrorCodeUnauthenticated, "Authorization: unknown bearer token")
	}
	return org, nil
}

// writeChecked validates the captured response and sends it, or sends a 500 instead. It
// returns the body that was sent.
func (s *Server) writeChecked(c echo.Context, rec *recorder, cl *call) ([]byte, error) {
	route := cl.route
	res := c.Response()
	body := rec.buf.Bytes()
	if s.opts.SkipValidation {
		rec.header.Set("Content-Length", strconv.Itoa(len(body)))
		res.Writer.WriteHeader(rec.status)
		res.Status = rec.status
		_, err := res.Writer.Write(body)
		return body, err
	}
	if v := route.CheckResponse(c.Request(), rec.status, rec.header, body); len(v) > 0 {
		cl.respViolations = v
		violation := strings.Join(v, "; ")
		cl.violation = violation
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
	return body, err
}

// recorders are reused across requests: their buffers keep their capacity.
var recorders = sync.Pool{New: func() any { return new(recorder) }}

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
