package engine

import (
	"log/slog"
	"time"

	"github.com/labstack/echo/v4"
)

// logRequests writes one line per request: method, path, operation, status, duration, and the
// response violation if there was one. It never logs headers or bodies, so no secret can leak.
func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !s.log.Enabled(c.Request().Context(), slog.LevelInfo) {
			if err := next(c); err != nil {
				s.handleError(err, c)
			}
			return nil
		}
		start := time.Now()
		if err := next(c); err != nil {
			s.handleError(err, c)
		}
		attrs := []slog.Attr{
			slog.String("method", c.Request().Method),
			slog.String("path", c.Request().URL.Path),
			slog.Int("status", c.Response().Status),
			slog.Duration("duration", time.Since(start)),
		}
		cl := callOf(c.Request().Context())
		if cl != nil {
			attrs = append(attrs, slog.String("operation", cl.route.OperationID()))
		}
		if id := c.Response().Header().Get(echo.HeaderXRequestID); id != "" {
			attrs = append(attrs, slog.String("request_id", id))
		}
		if cl != nil && cl.violation != "" {
			attrs = append(attrs, slog.String("violation", cl.violation))
		}
		s.log.LogAttrs(c.Request().Context(), slog.LevelInfo, "request", attrs...)
		return nil
	}
}
