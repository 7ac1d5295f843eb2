// Package spec loads the embedded OpenAPI document once and gives the rest of the mock what it
// needs from it: the operation table (one lookup per request), the schemas fixtures are checked
// against, and short messages for validation errors ("path: rule").
package spec

import (
	"encoding/json"
	"fmt"
	"sort"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"

	"github.com/gitpod-mock/orgmock/server/api"
)

func init() {
	// kin-openapi checks only date, date-time and byte by default; every other format the
	// document declares needs a validator, or it is silently accepted. uuid and date-time are
	// checked on every request and response: plain code instead of regular expressions keeps
	// that cheap (BenchmarkFormats).
	openapi3.DefineStringFormatValidator("uuid", openapi3.NewCallbackValidator(validateUUID))
	openapi3.DefineStringFormatValidator("date-time", openapi3.NewCallbackValidator(validateDateTime))
	openapi3.DefineStringFormatValidator("uri", openapi3.NewCallbackValidator(validateURI))
}

// Route is one operation of the document, looked up once at startup.
type Route struct {
	*routers.Route
	// Statuses lists the response statuses the operation declares, ascending.
	Statuses []int
	// Secured is true when the operation has a security requirement (a bearer token).
	Secured bool
	// Examples holds the JSON of each named response example, by status.
	Examples map[int]map[string][]byte

	fastBody      *node         // compiled request body schema (fast.go); nil: kin-openapi only
	fastResponses map[int]*node // compiled response body schemas by status
}

// Example returns the JSON of a response example: the one named name (any status) when name
// is set, else the first example (by name) of status. ok is false when there is none.
func (r *Route) Example(status int, name string) (int, []byte, bool) {
	if name != "" {
		for _, st := range r.Statuses {
			if b, ok := r.Examples[st][name]; ok && (status == 0 || status == st) {
				return st, b, true
			}
		}
		return 0, nil, false
	}
	names := make([]string, 0, len(r.Examples[status]))
	for n := range r.Examples[status] {
		names = append(names, n)
	}
	if len(names) == 0 {
		return 0, nil, false
	}
	sort.Strings(names)
	return status, r.Examples[status][names[0]], true
}

// ExampleNames lists every response example name of the route, sorted.
func (r *Route) ExampleNames() []string {
	var out []string
	for _, byName := range r.Examples {
		for n := range byName {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// OperationID names the route's operation (the RPC name).
func (r *Route) OperationID() string { return r.Operation.OperationID }

// Spec is the loaded document with its operation table.
type Spec struct {
	Doc    *openapi3.T
	routes map[routeKey]*Route
	ops    []*Route // sorted by operationId
}

var (
	loadOnce sync.Once
	loaded   *Spec
	loadErr  error
)

// Load returns the embedded document, parsed and checked once per process.
func Load() (*Spec, error) {
	loadOnce.Do(func() { loaded, loadErr = load() })
	return loaded, loadErr
}

func load() (*Spec, error) {
	doc, err := api.GetSwagger()
	if err != nil {
		return nil, fmt.Errorf("loading embedded openapi.yaml: %w", err)
	}
	// A servers block would make routing depend on the Host header; the mock answers on
	// whatever address it is started on.
	doc.Servers = nil
	s := &Spec{Doc: doc, routes: map[routeKey]*Route{}}
	fast := newCompiler()
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			r := &Route{Route: &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: op},
				Examples: map[int]map[string][]byte{}}
			for code, resp := range op.Responses.Map() {
				var status int
				if _, err := fmt.Sscanf(code, "%d", &status); err != nil {
					return nil, fmt.Errorf("%s: response %q: only explicit statuses are supported", op.OperationID, code)
				}
				r.Statuses = append(r.Statuses, status)
				if resp.Value == nil {
					continue
				}
				if mt := resp.Value.Content.Get("application/json"); mt != nil {
					for name, ex := range mt.Examples {
						if ex.Value == nil {
							continue
						}
						b, err := json.Marshal(ex.Value.Value)
						if err != nil {
							return nil, fmt.Errorf("%s %d: example %s: %w", op.OperationID, status, name, err)
						}
						if r.Examples[status] == nil {
							r.Examples[status] = map[string][]byte{}
						}
						r.Examples[status][name] = b
					}
				}
			}
			sort.Ints(r.Statuses)
			security := doc.Security
			if op.Security != nil {
				security = *op.Security
			}
			r.Secured = len(security) > 0
			r.compileFast(fast)
			s.routes[routeKey{method, path}] = r
			s.ops = append(s.ops, r)
		}
	}
	sort.Slice(s.ops, func(i, j int) bool { return s.ops[i].OperationID() < s.ops[j].OperationID() })
	return s, nil
}

// Route returns the operation served at method and path (an echo route path), or nil.
func (s *Spec) Route(method, path string) *Route { return s.routes[routeKey{method, path}] }

// routeKey finds a route without building a string per request.
type routeKey struct{ method, path string }

// Operation returns the operation with that operationId, or nil.
func (s *Spec) Operation(id string) *Route {
	for _, r := range s.ops {
		if r.OperationID() == id {
			return r
		}
	}
	return nil
}

// Operations lists every operation, sorted by operationId.
func (s *Spec) Operations() []*Route { return s.ops }

// Schema returns the component schema with that name; it panics on a name the document lacks,
// which is a programming error caught by any test.
func (s *Spec) Schema(name string) *openapi3.Schema {
	ref := s.Doc.Components.Schemas[name]
	if ref == nil || ref.Value == nil {
		panic("spec: no component schema " + name)
	}
	return ref.Value
}

// Declares reports whether the route declares a response with that status.
func (r *Route) Declares(status int) bool {
	for _, s := range r.Statuses {
		if s == status {
			return true
		}
	}
	return false
}
