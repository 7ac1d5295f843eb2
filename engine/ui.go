package engine

import (
	"embed"
	"net/http"

	"github.com/labstack/echo/v4"
)

// DashboardPath is where the dashboard lives: a page over the control plane (journal, state,
// coverage, faults, per session), embedded in the binary and working offline.
const DashboardPath = ControlPrefix + "/ui/"

//go:embed ui
var dashboard embed.FS

// dashboardFiles are the page's files and their media types.
var dashboardFiles = map[string]string{
	"index.html": "text/html; charset=utf-8",
	"app.js":     "text/javascript; charset=utf-8",
	"app.css":    "text/css; charset=utf-8",
}

// registerDashboard serves the dashboard's static files. They need no control token: the
// page asks for it when the control plane answers 401, and sends it with every call.
func registerDashboard(e *echo.Echo) {
	toDashboard := func(c echo.Context) error { return c.Redirect(http.StatusFound, DashboardPath) }
	for _, p := range []string{"/", ControlPrefix, ControlPrefix + "/", ControlPrefix + "/ui"} {
		e.GET(p, toDashboard)
	}
	e.GET(DashboardPath+"*", func(c echo.Context) error {
		name := c.Param("*")
		if name == "" {
			name = "index.html"
		}
		ctype, ok := dashboardFiles[name]
		if !ok {
			return echo.ErrNotFound
		}
		b, err := dashboard.ReadFile("ui/" + name)
		if err != nil {
			return err
		}
		h := c.Response().Header()
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set(echo.HeaderCacheControl, "no-cache")
		return c.Blob(http.StatusOK, ctype, b)
	})
}
