package engine

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// cors lets browsers on other origins call the engine: preflights are answered here, without
// a token or validation; requested headers are allowed as asked (Authorization,
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
