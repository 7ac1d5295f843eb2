package engine

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/gitpod-mock/orgmock/engine/connect"
	"github.com/gitpod-mock/orgmock/engine/spec"
)

// registerAPI routes every operation of the document to the pipeline; each route knows its
// operation, so nothing is looked up per request. A path without parameters is also found in
// a map, with its chain of middlewares composed once, rather than by echo's router and a
// chain built again for every request (echo v4 does that).
func (s *Server) registerAPI(e *echo.Echo, middlewares ...echo.MiddlewareFunc) {
	s.api = map[apiKey]echo.HandlerFunc{}
	for _, r := range s.spec.Operations() {
		h := s.apiHandler(r)
		e.Add(r.Method, echoPath(r.Path), h)
		if !strings.Contains(r.Path, "{") {
			for i := len(middlewares) - 1; i >= 0; i-- {
				h = middlewares[i](h)
			}
			s.api[apiKey{r.Method, r.Path}] = h
		}
	}
}

// apiKey finds an operation by method and path.
type apiKey struct{ method, path string }

// serveAPI serves a request for an operation of the map; false for any other request.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) bool {
	h := s.api[apiKey{r.Method, r.URL.Path}]
	if h == nil || r.URL.RawPath != "" {
		return false
	}
	c := s.echo.AcquireContext()
	c.Reset(r, w)
	if err := h(c); err != nil {
		s.handleError(err, c)
	}
	s.echo.ReleaseContext(c)
	return true
}

// pathParam matches the {name} of a path template, which echo spells :name.
var pathParam = regexp.MustCompile(`\{([^}/]+)\}`)

func echoPath(p string) string { return pathParam.ReplaceAllString(p, ":$1") }

// apiHandler runs the pipeline for one operation.
func (s *Server) apiHandler(route *spec.Route) echo.HandlerFunc {
	return func(ec echo.Context) error {
		res := ec.Response()
		c := &call{route: route, w: res.Writer, rec: newRecorder(res.Header())}
		defer c.rec.release()
		defer c.leave()
		c.req = ec.Request().WithContext(context.WithValue(ec.Request().Context(), callKey{}, c))
		ec.SetRequest(c.req)
		err := s.serve(c)
		res.Status, res.Committed = c.rec.status, true // what the request log reports
		if c.dropped {
			res.Status = 0
		}
		return err
	}
}

// toConnect classifies an error that reached echo: the router's own (an unknown path, a wrong
// method), and anything else a handler outside the pipeline returned.
func (s *Server) toConnect(err error) *connect.Error {
	he, ok := err.(*echo.HTTPError)
	if !ok {
		return connect.From(err)
	}
	switch he.Code {
	case http.StatusNotFound:
		msg := "no such procedure"
		if p := s.spec.ServicePath(); p != "/" {
			msg += fmt.Sprintf(": this server serves %s %s<Rpc>", strings.Join(s.allMethods(), " or "), p)
		}
		return &connect.Error{Code: connect.Unimplemented, Status: http.StatusNotFound, Message: msg}
	case http.StatusMethodNotAllowed:
		return &connect.Error{Code: connect.Unimplemented, Status: http.StatusMethodNotAllowed,
			Message: "method not allowed: procedures are called with " + strings.Join(s.allMethods(), " or ")}
	case http.StatusRequestEntityTooLarge:
		return connect.Errorf(connect.ResourceExhausted, "request body is too large")
	}
	return &connect.Error{Code: connect.CodeOf(he.Code), Status: he.Code, Message: fmt.Sprint(he.Message)}
}

// allMethods lists the methods the document's operations use.
func (s *Server) allMethods() []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range s.spec.Operations() {
		if !seen[r.Method] {
			seen[r.Method] = true
			out = append(out, r.Method)
		}
	}
	return out
}
