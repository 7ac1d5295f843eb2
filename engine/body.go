package engine

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"

	"github.com/gitpod-mock/orgmock/engine/connect"
	"github.com/gitpod-mock/orgmock/engine/spec"
)

// checkMediaType accepts the media types the operation's request body declares.
func (s *Server) checkMediaType(c *call) error {
	rb := c.route.Operation.RequestBody
	if rb == nil || rb.Value == nil {
		return nil
	}
	ct := c.req.Header.Get("Content-Type")
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
	return &connect.Error{Code: connect.InvalidArgument, Status: http.StatusUnsupportedMediaType,
		Message: fmt.Sprintf("Content-Type %q is not supported: send application/json", ct)}
}

// readBody reads the body within the size limit and refuses, before any decoder sees it, an
// empty body, one that is not JSON, one whose shape is out of bounds (spec.CheckStructure),
// and a declared query parameter given twice (which one would win is anybody's guess).
func (s *Server) readBody(c *call) error {
	body, err := readLimited(c.req, s.cfg.Limits.MaxBodyBytes)
	if err != nil {
		return err
	}
	c.reqBody = body
	// What was read is the body, for the validators and the backend alike. (echo's binder
	// trusts ContentLength, and an in-process caller may have left it unset.)
	c.req.ContentLength = int64(len(body))
	c.body.Reset(body)
	c.req.Body = &c.body
	if len(bytes.TrimSpace(body)) == 0 {
		return connect.Errorf(connect.InvalidArgument, "request body is empty: send a JSON object, e.g. {}")
	}
	// A body the fast path knows valid is well-formed JSON within the structure bounds: the
	// usual case skips both checks.
	if c.certain = c.route.ValidFast(c.req, body); !c.certain {
		// One JSON value and nothing after it: kin-openapi's decoder would ignore trailing data.
		if !json.Valid(body) {
			return connect.Errorf(connect.InvalidArgument, "request body is not valid JSON: %s", jsonSyntaxError(body))
		}
		if err := spec.CheckStructure(body); err != nil {
			return connect.Errorf(connect.InvalidArgument, "%s", err)
		}
	}
	return checkQueryOnce(c)
}

// readAll reads the request body, at most max+1 bytes, like io.ReadAll. A declared length
// sizes the buffer: the journal keeps bodies, and io.ReadAll's would be 512 bytes or more for
// the usual 60. The length is only a hint (a caller of ServeHTTP may declare a wrong one):
// the body is read to its end whatever it says.
// readLimited reads a request body of at most max bytes; a longer one is resource_exhausted,
// a failed read invalid_argument, both in the mock's words.
func readLimited(req *http.Request, max int64) ([]byte, error) {
	body, err := readAll(req, max)
	if err != nil {
		return nil, connect.Errorf(connect.InvalidArgument, "reading request body: %v", err)
	}
	if int64(len(body)) > max {
		return nil, connect.Errorf(connect.ResourceExhausted, "request body exceeds the limit of %d bytes", max)
	}
	return body, nil
}

func readAll(req *http.Request, max int64) ([]byte, error) {
	size := 512
	if n := req.ContentLength; n > 0 && n <= max {
		size = int(n)
	}
	b := make([]byte, 0, size)
	for int64(len(b)) <= max {
		if len(b) == cap(b) {
			// Full: is that the end? net/http reports it with the last bytes already.
			var probe [1]byte
			m, err := req.Body.Read(probe[:])
			b = append(b, probe[:m]...)
			if err == io.EOF {
				return b, nil
			}
			if err != nil {
				return b, err
			}
			continue
		}
		room := cap(b) - len(b)
		if rest := max + 1 - int64(len(b)); int64(room) > rest {
			room = int(rest)
		}
		m, err := req.Body.Read(b[len(b) : len(b)+room])
		b = b[:len(b)+m]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
	return b, nil
}

// checkQueryOnce refuses a declared query parameter given more than once.
func checkQueryOnce(c *call) error {
	if c.req.URL.RawQuery == "" {
		return nil
	}
	q := c.req.URL.Query()
	for _, p := range c.route.Operation.Parameters {
		if p.Value != nil && p.Value.In == "query" && len(q[p.Value.Name]) > 1 {
			return connect.Errorf(connect.InvalidArgument, "%s (query): must be given at most once", p.Value.Name)
		}
	}
	return nil
}

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
