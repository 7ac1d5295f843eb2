package engine

import (
	"fmt"
	"runtime/debug"

	"github.com/gitpod-mock/orgmock/engine/connect"
)

// callHandler lets the backend answer. A panic in it becomes a 500 `internal` (which then
// goes through response validation like any answer), with the stack in the log.
func (s *Server) callHandler(c *call) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("panic while serving a request", "path", c.req.URL.Path,
				"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = connect.Errorf(connect.Internal, "internal error: the mock panicked serving %s", c.req.URL.Path)
		}
	}()
	s.beginChange(c)
	c.handled = true
	s.cfg.Backend.ServeHTTP(c.rec, c.req)
	c.answered = true
	return nil
}
