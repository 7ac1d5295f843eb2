package server

import (
	"bytes"
	"encoding/json"
	"io"

	"github.com/labstack/echo/v4"
)

// bodySerializer is echo's JSON serializer, except that the strict handlers' request bodies
// are decoded from the bytes validate already read and checked, instead of through a second
// reader and stream decoder: by hand for the flat bodies the fast path found valid
// (decode.go), else by encoding/json. Whatever that does not cover, errors included, is
// echo's.
type bodySerializer struct{ echo.DefaultJSONSerializer }

func (bodySerializer) Deserialize(c echo.Context, v any) error {
	if cl := callOf(c.Request().Context()); cl != nil && cl.reqBody != nil {
		if cl.certain && decodeKnown(cl.reqBody, v) {
			return nil
		}
		if err := json.Unmarshal(cl.reqBody, v); err == nil {
			return nil
		}
		// echo's own words for the error, from the same bytes (validate already read the body).
		c.Request().Body = io.NopCloser(bytes.NewReader(cl.reqBody))
	}
	return echo.DefaultJSONSerializer{}.Deserialize(c, v)
}
