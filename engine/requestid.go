package engine

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"sync/atomic"

	"github.com/labstack/echo/v4"
)

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
