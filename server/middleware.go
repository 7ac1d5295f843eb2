package server

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

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
		if !s.log.Enabled(c.Request().Context(), slog.LevelInfo) {
			return nil
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

// Generated request ids are a random per-process prefix and a counter: unique, and cheaper
// than reading random bytes for every request.
var (
	requestIDPrefix = func() string {
		b := make([]byte, 6)
		_, _ = rand.Read(b)
		return hex.EncodeToString(b) + "-"
	}()
	requestIDSeq atomic.Uint64
)

// requestIDChars is what a caller's X-Request-Id may be made of (1 to 128 of them) to be
// echoed back as it is.
const requestIDChars = "._:/+=-"

// requestID echoes the caller's X-Request-Id, or makes one up, on every response.
func requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := c.Request().Header.Get(echo.HeaderXRequestID)
		if !plainName(id, requestIDChars) {
			id = requestIDPrefix + strconv.FormatUint(requestIDSeq.Add(1), 16)
		}
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		return next(c)
	}
}

// cors lets browsers on other origins call the mock: preflights are answered here, without a
// token or spec validation; requested headers are allowed as asked (Authorization,
// Content-Type, Connect-*, X-Stainless-*, X-Mock-Session, Prefer, ...); the headers a client
// may need to read are exposed.
func cors(origins []string) echo.MiddlewareFunc {
	if len(origins) == 0 {
		origins = []string{"*"}
	}
	return middleware.CORSWithConfig(middleware.CORSConfig{
		AllowOrigins:  origins,
		AllowMethods:  []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodOptions},
		ExposeHeaders: []string{echo.HeaderXRequestID, "X-Should-Retry", "Retry-After", echo.HeaderContentLength},
		MaxAge:        86400,
	})
}

// plainName reports whether s is 1 to 128 ASCII letters, digits and characters of extra.
// (A loop, not a regular expression: a {1,128} repetition compiles into a program of a few
// hundred KB at startup.)
func plainName(s, extra string) bool {
	if len(s) == 0 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(extra, c) >= 0) {
			return false
		}
	}
	return true
}
