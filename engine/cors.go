package engine

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/gitpod-mock/orgmock/engine/connect"
)

// cors lets browsers on other origins call the API: preflights are answered here, without a
// token or validation; requested headers are allowed as asked (Authorization, Content-Type,
// Connect-*, X-Stainless-*, X-Mock-Session, Prefer, ...); the headers a client may need to read
// are exposed. It leaves the control plane alone (see controlCORS).
func cors(origins []string) echo.MiddlewareFunc {
	return corsFor(origins, func(c echo.Context) bool { return isControlPath(c.Request().URL.Path) })
}

// controlCORS lets the browser origins of Control.CORSOrigins call the control plane; with
// none, the control plane sends no CORS header at all, so that no web page can read the state
// (it holds every token and client secret) or make a preflighted call.
func controlCORS(origins []string) echo.MiddlewareFunc {
	if len(origins) == 0 {
		return func(next echo.HandlerFunc) echo.HandlerFunc { return next }
	}
	return corsFor(origins, nil)
}

func corsFor(origins []string, skip middleware.Skipper) echo.MiddlewareFunc {
	if len(origins) == 0 {
		origins = []string{"*"}
	}
	return middleware.CORSWithConfig(middleware.CORSConfig{
		Skipper:       skip,
		AllowOrigins:  origins,
		AllowMethods:  []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodOptions},
		ExposeHeaders: []string{echo.HeaderXRequestID, "X-Should-Retry", "Retry-After", echo.HeaderContentLength},
		MaxAge:        86400,
	})
}

func isControlPath(p string) bool {
	return p == ControlPrefix || strings.HasPrefix(p, ControlPrefix+"/")
}

// sameSiteOnly refuses a control call that changes something when a browser sends it from
// another site: a simple cross-site form or fetch needs no preflight, so CORS alone would not
// stop it. Callers without an Origin (curl, SDKs, tests) and the origins of
// Control.CORSOrigins are let through.
func sameSiteOnly(allowed []string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			if r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions {
				return next(c)
			}
			origin := r.Header.Get("Origin")
			crossSite := r.Header.Get("Sec-Fetch-Site") == "cross-site"
			if origin != "" && origin != "null" {
				u, err := url.Parse(origin)
				crossSite = crossSite || err != nil || u.Host != r.Host
			} else if origin == "null" {
				crossSite = true
			}
			if crossSite && !slices.Contains(allowed, origin) && !slices.Contains(allowed, "*") {
				return connect.Errorf(connect.PermissionDenied,
					"the control plane refuses changes from another site (Origin %q): allow the origin with --control-cors-origins", origin)
			}
			return next(c)
		}
	}
}
