package engine

import (
	"log/slog"
	"time"

	"github.com/labstack/echo/v4"
)

// logRequests writes one line per request: method, path, operation, session, status,
// duration, and the response violation if there was one. It never logs headers or bodies, so
// no secret can leak. A line that reports a drift from the contract or a server error is a
// warning; the others are information.
func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !s.log.Enabled(c.Request().Context(), slog.LevelWarn) {
			if err := next(c); err != nil {
				s.handleError(err, c)
			}
			return nil
		}
		start := time.Now()
		if err := next(c); err != nil {
			s.handleError(err, c)
		}
		ctx := c.Request().Context() // the call is in the request's context from now on
		cl := callOf(ctx)
		level := slog.LevelInfo
		if cl != nil && cl.violation != "" || c.Response().Status >= 500 {
			level = slog.LevelWarn
		}
		if !s.log.Enabled(ctx, level) {
			return nil
		}
		attrs := []slog.Attr{
			slog.String("method", c.Request().Method),
			slog.String("path", c.Request().URL.Path),
			slog.Int("status", c.Response().Status),
			slog.Duration("duration", time.Since(start)),
		}
		if cl != nil {
			attrs = append(attrs, slog.String("operation", cl.route.OperationID()))
			if cl.se != nil && cl.se.name != "" {
				attrs = append(attrs, slog.String("session", cl.se.name))
			}
		}
		if id := c.Response().Header().Get(echo.HeaderXRequestID); id != "" {
			attrs = append(attrs, slog.String("request_id", id))
		}
		if cl != nil && cl.violation != "" {
			attrs = append(attrs, slog.String("violation", cl.violation))
		}
		s.log.LogAttrs(ctx, level, "request", attrs...)
		return nil
	}
}
