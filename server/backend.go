package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/gitpod-mock/orgmock/engine"
	"github.com/gitpod-mock/orgmock/engine/connect"
	"github.com/gitpod-mock/orgmock/engine/jsondec"
	"github.com/gitpod-mock/orgmock/engine/jsonenc"
	"github.com/gitpod-mock/orgmock/engine/spec"
	"github.com/gitpod-mock/orgmock/fixtures"
	"github.com/gitpod-mock/orgmock/server/api"
	"github.com/gitpod-mock/orgmock/server/contract"
	"github.com/gitpod-mock/orgmock/server/store"
)

// backend is the Gitpod slice as the engine sees it: the generated routes over the handlers,
// and states made of a store and the fixture format.
type backend struct {
	http.Handler
	strictAuth bool
	pages      store.PageSizes
}

var _ api.StrictServerInterface = handlers{}

// handlers implements the generated strict server interface. It holds nothing: each call
// finds its session's store and its caller on the request context.
type handlers struct{}

func newBackend(strictAuth bool, mws []Middleware) (*backend, error) {
	pages, err := contract.PageSizes()
	if err != nil {
		return nil, err
	}
	sp, err := contract.Spec()
	if err != nil {
		return nil, err
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = writeError
	e.JSONSerializer = bodySerializer{}
	// The answers are encoded outside every other middleware, so that those see (and may
	// replace) the handler's response object.
	middlewares := append(strictMiddlewares(mws), encodeAnswers(sp))
	rt := &routes{echo: e, handlers: map[routeKey]echo.HandlerFunc{}}
	api.RegisterHandlers(rt, api.NewStrictHandler(handlers{}, middlewares))
	return &backend{Handler: rt, strictAuth: strictAuth, pages: pages}, nil
}

// routes serves the generated routes. The engine has routed the call already, so each handler
// is found by method and path in a map instead of by a second pass of echo's router (a path
// with parameters would need the router: then echo serves everything).
type routes struct {
	echo     *echo.Echo
	handlers map[routeKey]echo.HandlerFunc
	params   bool
}

type routeKey struct{ method, path string }

func (rt *routes) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := rt.handlers[routeKey{r.Method, r.URL.Path}]
	if h == nil || rt.params {
		rt.echo.ServeHTTP(w, r)
		return
	}
	c := rt.echo.AcquireContext()
	c.Reset(r, w)
	if err := h(c); err != nil {
		rt.echo.HTTPErrorHandler(err, c)
	}
	rt.echo.ReleaseContext(c)
}

// Add registers a generated route with echo and in the map (api.EchoRouter's methods below).
func (rt *routes) Add(method, path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	rt.params = rt.params || strings.ContainsAny(path, ":*")
	route := rt.echo.Add(method, path, h, m...)
	if len(m) == 0 {
		rt.handlers[routeKey{method, path}] = h
	} else {
		rt.params = true // route middlewares: echo applies them
	}
	return route
}

// CONNECT and the other methods below are api.EchoRouter's.
func (rt *routes) CONNECT(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return rt.Add(http.MethodConnect, p, h, m...)
}

// DELETE registers a route.
func (rt *routes) DELETE(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return rt.Add(http.MethodDelete, p, h, m...)
}

// GET registers a route.
func (rt *routes) GET(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return rt.Add(http.MethodGet, p, h, m...)
}

// HEAD registers a route.
func (rt *routes) HEAD(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return rt.Add(http.MethodHead, p, h, m...)
}

// OPTIONS registers a route.
func (rt *routes) OPTIONS(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return rt.Add(http.MethodOptions, p, h, m...)
}

// PATCH registers a route.
func (rt *routes) PATCH(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return rt.Add(http.MethodPatch, p, h, m...)
}

// POST registers a route.
func (rt *routes) POST(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return rt.Add(http.MethodPost, p, h, m...)
}

// PUT registers a route.
func (rt *routes) PUT(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return rt.Add(http.MethodPut, p, h, m...)
}

// TRACE registers a route.
func (rt *routes) TRACE(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return rt.Add(http.MethodTrace, p, h, m...)
}

// NewState builds a session's store from fixture data.
func (b *backend) NewState(data engine.Data, env engine.Env) (engine.State, error) {
	d, ok := data.(store.Data)
	if !ok {
		return nil, fmt.Errorf("server: state data is a %T, not store.Data", data)
	}
	st, err := store.New(d, store.Options{Now: env.Now, Rand: env.Rand, Pages: b.pages, TrackChanges: env.TrackChanges, LookupTXT: env.LookupTXT})
	if err != nil {
		return nil, err
	}
	return &state{Store: st, strictAuth: b.strictAuth}, nil
}

// Parse reads a fixture document, checked like the fixtures at startup.
func (b *backend) Parse(name string, doc []byte) (engine.Data, error) {
	data, err := fixtures.Parse(name, doc)
	if err != nil {
		return nil, errors.New(strings.TrimPrefix(err.Error(), "fixtures: "))
	}
	if len(data.Users) == 0 {
		return nil, fmt.Errorf("%s: holds no user: every call would be refused", name)
	}
	return data, nil
}

// Load reads the records the state file keeps (see state.Records), checked like Parse.
func (b *backend) Load(records []engine.Record) (engine.Data, error) {
	recs := make([]fixtures.Record, len(records))
	for i, r := range records {
		recs[i] = fixtures.Record(r)
	}
	doc, err := fixtures.Join(recs)
	if err != nil {
		return nil, err
	}
	return b.Parse("state", doc)
}

// state is a session's state: a store, exported in the fixture format.
type state struct {
	*store.Store
	strictAuth bool
}

// Authenticate maps a bearer token to the user it acts as.
func (s *state) Authenticate(token string) (string, bool) {
	return s.Store.Authenticate(token, s.strictAuth)
}

// Export writes the state as one fixture document.
func (s *state) Export() ([]byte, error) { return fixtures.Encode(s.Snapshot()) }

// Records writes the state one fixture record at a time.
func (s *state) Records() ([]engine.Record, error) { return records(s.Snapshot(), nil) }

// Changes writes the records the store reports changed.
func (s *state) Changes() ([]engine.Record, error) { return records(s.Store.Changes()) }

// records encodes data's records and the deletion of those named by deleted.
func records(data store.Data, deleted []store.Key) ([]engine.Record, error) {
	recs, err := fixtures.Records(data)
	if err != nil {
		return nil, err
	}
	out := make([]engine.Record, len(recs), len(recs)+len(deleted))
	for i, r := range recs {
		out[i] = engine.Record(r)
	}
	for _, k := range deleted {
		out = append(out, engine.Record{Key: fixtures.RecordKey(k)})
	}
	return out, nil
}

// storeOf is the store of the call's session.
func storeOf(ctx context.Context) *store.Store { return engine.StateOf(ctx).(*state).Store }

// caller is the user the call acts as.
func caller(ctx context.Context) string { return engine.PrincipalOf(ctx) }

// writeError is the generated routes' error handler: a handler's error leaves in Connect's
// shape, the store's kinds of failure with their codes.
func writeError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	connect.Write(c.Response(), toConnect(err))
}

func toConnect(err error) error {
	var ce *connect.Error
	if errors.As(err, &ce) {
		return ce
	}
	var se *store.Error
	if errors.As(err, &se) {
		switch {
		case errors.Is(se, store.ErrInvalidArgument):
			return connect.Errorf(connect.InvalidArgument, "%s", se.Message)
		case errors.Is(se, store.ErrNotFound):
			return connect.Errorf(connect.NotFound, "%s", se.Message)
		case errors.Is(se, store.ErrPermissionDenied):
			return connect.Errorf(connect.PermissionDenied, "%s", se.Message)
		case errors.Is(se, store.ErrFailedPrecondition):
			return connect.Errorf(connect.FailedPrecondition, "%s", se.Message)
		case errors.Is(se, store.ErrAlreadyExists):
			return connect.Errorf(connect.AlreadyExists, "%s", se.Message)
		}
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		// The generated binding's own failures (the request was validated before, so these
		// are not expected).
		return connect.Errorf(connect.CodeOf(he.Code), "%v", he.Message)
	}
	return err
}

// bodySerializer is echo's JSON serializer, except that request bodies are decoded from the
// bytes the engine read and checked, by jsondec (exactly what encoding/json decodes, several
// times faster) or else encoding/json, rather than through a second reader.
type bodySerializer struct{ echo.DefaultJSONSerializer }

func (bodySerializer) Deserialize(c echo.Context, v any) error {
	if body := engine.BodyOf(c.Request().Context()); body != nil {
		if jsondec.Unmarshal(body, v) {
			return nil
		}
		err := json.Unmarshal(body, v)
		if err == nil {
			return nil
		}
		// A number validation took (kin-openapi reads 1e1 and 2.0 as integers) that does not
		// fit the field's Go type: the mock's own words, naming the field.
		var ute *json.UnmarshalTypeError
		if errors.As(err, &ute) && strings.HasPrefix(ute.Value, "number") && ute.Field != "" {
			return connect.Errorf(connect.InvalidArgument,
				"%s: must be an integer written with digits only (no fraction or exponent), got %s",
				ute.Field, strings.TrimSpace(strings.TrimPrefix(ute.Value, "number")))
		}
		// echo's own words for any other error, from the same bytes.
	}
	return echo.DefaultJSONSerializer{}.Deserialize(c, v)
}

// encodeAnswers writes the handlers' JSON answers with jsonenc, byte for byte what the
// generated Visit methods write with encoding/json, and several times faster. The status of
// an answer is in the name oapi-codegen gives its type (<operationId><status>JSONResponse),
// looked up in a table built from the contract; an answer of any other type, or a value
// jsonenc leaves to encoding/json, goes to the generated code.
func encodeAnswers(sp *spec.Spec) api.StrictMiddlewareFunc {
	statuses := map[string]int{}
	for _, r := range sp.Operations() {
		for _, st := range r.Statuses {
			statuses[r.OperationID()+strconv.Itoa(st)+"JSONResponse"] = st
		}
	}
	return func(f api.StrictHandlerFunc, _ string) api.StrictHandlerFunc {
		return func(c echo.Context, request any) (any, error) {
			response, err := f(c, request)
			if err != nil || response == nil {
				return response, err
			}
			status, ok := statuses[reflect.TypeOf(response).Name()]
			if !ok {
				return response, nil
			}
			p := answerBufs.Get().(*[]byte)
			defer answerBufs.Put(p)
			b, ok := jsonenc.Append((*p)[:0], response)
			if !ok {
				return response, nil
			}
			*p = append(b, '\n') // as json.Encoder ends a value
			w := c.Response()
			w.Header()["Content-Type"] = jsonContentType
			w.WriteHeader(status)
			_, err = w.Write(*p)
			return nil, err
		}
	}
}

// answerBufs hold the encoder's buffers between answers (Write copies the bytes out).
var answerBufs = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// jsonContentType is shared by every answer: net/http and echo replace header values, they
// never change one in place.
var jsonContentType = []string{"application/json"}

// Handler is an API operation as the handlers implement it: the generated request object in,
// the generated response object or an error out.
type Handler func(r *http.Request, request any) (response any, err error)

// Middleware wraps the handler of one operation (see Options.HandlerMiddlewares).
type Middleware func(next Handler, operation string) Handler

// strictMiddlewares adapts Middlewares to the generated strict handler.
func strictMiddlewares(mws []Middleware) []api.StrictMiddlewareFunc {
	out := make([]api.StrictMiddlewareFunc, 0, len(mws))
	for _, mw := range mws {
		out = append(out, func(f api.StrictHandlerFunc, op string) api.StrictHandlerFunc {
			return func(c echo.Context, request any) (any, error) {
				next := func(_ *http.Request, request any) (any, error) { return f(c, request) }
				return mw(next, op)(c.Request(), request)
			}
		})
	}
	return out
}
