package engine

import (
	"strings"

	"github.com/gitpod-mock/orgmock/engine/connect"
)

// validateRequest checks the body and the query against the operation's schemas: the fast
// path's verdict when it is certain (readBody asked it), kin-openapi's otherwise, which words
// every violation.
func (s *Server) validateRequest(c *call) error {
	if c.certain {
		return nil
	}
	if v := c.route.CheckRequest(c.req, c.reqBody); len(v) > 0 {
		c.reqViolations = v
		return connect.Errorf(connect.InvalidArgument, "%s", strings.Join(v, "; "))
	}
	return nil
}

// validateResponse checks the answer, success or error, against the responses the operation
// declares. A violation is a bug of the mock: the client gets a 500 `internal` naming the
// operation, the status and the violation instead, and the log an error line.
func (s *Server) validateResponse(c *call) {
	rec := c.rec
	v := c.route.CheckResponse(c.req, rec.status, rec.header, rec.buf.Bytes())
	if len(v) == 0 {
		return
	}
	c.respViolations = v
	c.violation = strings.Join(v, "; ")
	op := c.route.OperationID()
	s.log.Error("response does not match the spec", "operation", op, "status", rec.status, "violation", c.violation)
	err := connect.Errorf(connect.Internal, "%s %d: response does not match the spec: %s", op, rec.status, c.violation)
	rec.reset()
	writeError(rec, err)
}
