package server

import (
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gitpod-mock/orgmock/server/api"
)

// logRequests writes one line per request: method, path, operation, status, duration, and the
// response violation if there was one. It never logs headers or bodies, so no secret can leak.
func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			s.handleError(err, c)
		}
		attrs := []slog.Attr{
			slog.String("method", c.Request().Method),
			slog.String("path", c.Request().URL.Path),
			slog.Int("status", c.Response().Status),
			slog.Duration("duration", time.Since(start)),
		}
		if op, ok := c.Get(keyOperation).(string); ok {
			attrs = append(attrs, slog.String("operation", op))
		}
		if v, ok := c.Get(keyViolation).(string); ok {
			attrs = append(attrs, slog.String("violation", v))
		}
		s.log.LogAttrs(c.Request().Context(), slog.LevelInfo, "request", attrs...)
		return nil
	}
}

// recoverPanics turns a panic in a handler into a 500 `internal` error (which then goes
// through response validation like any other answer) and logs the stack.
func (s *Server) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				s.log.Error("panic while serving a request", "path", c.Request().URL.Path,
					"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				err = errorf(api.ErrorCodeInternal, "internal error: the mock panicked serving %s", c.Request().URL.Path)
			}
		}()
		return next(c)
	}
}
