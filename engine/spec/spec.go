// Package spec loads an OpenAPI 3.0 document and gives the engine what it needs from it: the
// operation table, request and response checks (a fast path compiled from the schemas,
// kin-openapi for everything else), short "path: rule" messages, which fields are secrets and
// which operations change state. It knows no API in particular: everything comes from the
// document.
package spec

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// Extensions of the document that the engine reads.
const (
	// ExtIdempotency, on an operation, is the protobuf idempotency_level of the RPC:
	// NO_SIDE_EFFECTS, IDEMPOTENT or IDEMPOTENCY_UNKNOWN (the default). Anything but
	// NO_SIDE_EFFECTS may change state.
	ExtIdempotency = "x-idempotency-level"
	// ExtSecret, on a property's schema, marks a secret (a token, a client secret): never
	// shown in the journal, whatever the spelling of its name (writeOnly: true counts too).
	ExtSecret = "x-secret"
)

// Idempotency is an operation's protobuf idempotency level.
type Idempotency string

// The idempotency levels of protobuf's MethodOptions.
const (
	IdempotencyUnknown Idempotency = "IDEMPOTENCY_UNKNOWN"
	NoSideEffects      Idempotency = "NO_SIDE_EFFECTS"
	Idempotent         Idempotency = "IDEMPOTENT"
)

// Spec is a loaded document with its operation table.
type Spec struct {
	// Doc is the document (servers dropped, the engine's formats set).
	Doc     *openapi3.T
	routes  map[routeKey]*Route
	ops     []*Route // sorted by operationId
	secrets secrets

	requestOptions, responseOptions *openapi3filter.Options
	// schemaOptions are the document's schema validation options (its formats), for
	// validating values outside a request or response (fixtures, say).
	schemaOptions []openapi3.SchemaValidationOption
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
	// Idempotency is the operation's idempotency level (ExtIdempotency).
	Idempotency Idempotency

	spec          *Spec
	requestSchema *openapi3.Schema         // the JSON request body's, or nil
	responses     map[int]*openapi3.Schema // the JSON response bodies', by status
	fastBody      *node                    // compiled request body schema (fast.go); nil: kin-openapi only
	fastResponses map[int]*node            // compiled response body schemas by status
}

// OperationID names the route's operation (the RPC name).
func (r *Route) OperationID() string { return r.Operation.OperationID }

// ChangesState reports whether a call of the operation may change state: every operation
// but those declared NO_SIDE_EFFECTS.
func (r *Route) ChangesState() bool { return r.Idempotency != NoSideEffects }

// Declares reports whether the route declares a response with that status.
func (r *Route) Declares(status int) bool {
	for _, s := range r.Statuses {
		if s == status {
			return true
		}
	}
	return false
}

// StatusList is the declared statuses from `from` on, comma-separated, for messages.
func (r *Route) StatusList(from int) string {
	var out []string
	for _, s := range r.Statuses {
		if s >= from {
			out = append(out, strconv.Itoa(s))
		}
	}
	return strings.Join(out, ", ")
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

// RequestExamples returns the request body examples of the operation by name, as JSON.
func (r *Route) RequestExamples() map[string][]byte {
	out := map[string][]byte{}
	rb := r.Operation.RequestBody
	if rb == nil || rb.Value == nil {
		return out
	}
	for _, mt := range rb.Value.Content {
		for name, ex := range mt.Examples {
			if ex.Value == nil {
				continue
			}
			if b, err := json.Marshal(ex.Value.Value); err == nil {
				out[name] = b
			}
		}
	}
	return out
}

// Load reads the operation table of doc and compiles its checks. The document is changed:
// its servers are dropped (routing must not depend on the Host header) and the engine's
// string formats are set on it.
func Load(doc *openapi3.T) (*Spec, error) {
	doc.Servers = nil
	doc.SetStringFormatValidators(formats())
	opts := append(doc.GetSchemaValidationOptions(), openapi3.DisableSchemaErrorDetails())
	s := &Spec{Doc: doc, routes: map[routeKey]*Route{}, schemaOptions: opts,
		requestOptions: &openapi3filter.Options{
			// The engine authenticates before validating, in the order Connect servers use:
			// content type, then credentials, then the message.
			AuthenticationFunc:      openapi3filter.NoopAuthenticationFunc,
			MultiError:              true,
			KeepValidatedValue:      true,
			SkipSettingDefaults:     true,
			SchemaValidationOptions: opts,
		},
		responseOptions: &openapi3filter.Options{
			IncludeResponseStatus:   true, // a status the operation does not declare is a violation
			MultiError:              true,
			SchemaValidationOptions: opts,
		},
	}
	requests := newCompiler(append([]openapi3.SchemaValidationOption{openapi3.VisitAsRequest()}, opts...))
	responses := newCompiler(append([]openapi3.SchemaValidationOption{openapi3.VisitAsResponse()}, opts...))
	responses.patterns = requests.patterns
	var schemas []*openapi3.Schema
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.OperationID == "" {
				return nil, fmt.Errorf("%s %s: every operation needs an operationId", method, path)
			}
			r, err := s.route(path, item, method, op)
			if err != nil {
				return nil, err
			}
			r.compileFast(requests, responses)
			s.routes[routeKey{method, path}] = r
			s.ops = append(s.ops, r)
			if r.requestSchema != nil {
				schemas = append(schemas, r.requestSchema)
			}
			for _, sc := range r.responses {
				schemas = append(schemas, sc)
			}
		}
	}
	sort.Slice(s.ops, func(i, j int) bool { return s.ops[i].OperationID() < s.ops[j].OperationID() })
	for i := 1; i < len(s.ops); i++ {
		if s.ops[i].OperationID() == s.ops[i-1].OperationID() {
			return nil, fmt.Errorf("operationId %s is used twice", s.ops[i].OperationID())
		}
	}
	s.secrets = collectSecrets(schemas)
	return s, nil
}

func (s *Spec) route(path string, item *openapi3.PathItem, method string, op *openapi3.Operation) (*Route, error) {
	r := &Route{Route: &routers.Route{Spec: s.Doc, Path: path, PathItem: item, Method: method, Operation: op},
		Examples: map[int]map[string][]byte{}, responses: map[int]*openapi3.Schema{}, spec: s}
	switch v := extension(op.Extensions, ExtIdempotency); Idempotency(v) {
	case "":
		r.Idempotency = IdempotencyUnknown
	case IdempotencyUnknown, NoSideEffects, Idempotent:
		r.Idempotency = Idempotency(v)
	default:
		return nil, fmt.Errorf("%s: %s %q: want %s, %s or %s", op.OperationID, ExtIdempotency, v,
			NoSideEffects, Idempotent, IdempotencyUnknown)
	}
	if rb := op.RequestBody; rb != nil && rb.Value != nil {
		if mt := rb.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
			r.requestSchema = mt.Schema.Value
		}
	}
	for code, resp := range op.Responses.Map() {
		status, err := strconv.Atoi(code)
		if err != nil {
			return nil, fmt.Errorf("%s: response %q: only explicit statuses are supported", op.OperationID, code)
		}
		r.Statuses = append(r.Statuses, status)
		if resp.Value == nil {
			continue
		}
		mt := resp.Value.Content.Get("application/json")
		if mt == nil {
			continue
		}
		if mt.Schema != nil {
			r.responses[status] = mt.Schema.Value
		}
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
	sort.Ints(r.Statuses)
	security := s.Doc.Security
	if op.Security != nil {
		security = *op.Security
	}
	r.Secured = len(security) > 0
	return r, nil
}

// extension reads a string extension (kin-openapi keeps them as decoded JSON).
func extension(ext map[string]any, name string) string {
	switch v := ext[name].(type) {
	case string:
		return v
	case json.RawMessage:
		var s string
		if json.Unmarshal(v, &s) == nil {
			return s
		}
		return string(v)
	case nil:
		return ""
	default:
		return fmt.Sprint(v)
	}
}

// flag reads a boolean extension.
func flag(ext map[string]any, name string) bool {
	switch v := ext[name].(type) {
	case bool:
		return v
	case json.RawMessage:
		return string(v) == "true"
	}
	return false
}

// Route returns the operation served at method and path (a path of the document), or nil.
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

// OperationIDs lists every operationId, sorted.
func (s *Spec) OperationIDs() []string {
	out := make([]string, len(s.ops))
	for i, r := range s.ops {
		out[i] = r.OperationID()
	}
	return out
}

// Methods lists the methods the document declares for path, sorted; none for a path it does
// not declare.
func (s *Spec) Methods(path string) []string {
	var out []string
	for _, r := range s.ops {
		if r.Path == path {
			out = append(out, r.Method)
		}
	}
	sort.Strings(out)
	return out
}

// ServicePath is the longest path prefix, up to a '/', that every operation shares: e.g.
// "/acme.v1.ThingService/" for a Connect service. "/" when they share none.
func (s *Spec) ServicePath() string {
	if len(s.ops) == 0 {
		return "/"
	}
	prefix := s.ops[0].Path
	for _, r := range s.ops[1:] {
		for !strings.HasPrefix(r.Path, prefix) {
			prefix = prefix[:len(prefix)-1]
		}
	}
	if i := strings.LastIndexByte(prefix, '/'); i >= 0 {
		return prefix[:i+1]
	}
	return "/"
}

// Schema returns the component schema with that name; it panics on a name the document lacks,
// which is a programming error caught by any test.
func (s *Spec) Schema(name string) *openapi3.Schema {
	ref := s.Doc.Components.Schemas[name]
	if ref == nil || ref.Value == nil {
		panic("spec: no component schema " + name)
	}
	return ref.Value
}

// CheckValue validates a decoded JSON value (numbers as float64 or json.Number) against a
// schema of the document, with the document's formats, and returns its violations.
func (s *Spec) CheckValue(schema *openapi3.Schema, v any) []string {
	return s.CheckValueAt(schema, v, "")
}

// CheckValueAt is CheckValue for a value found at path (e.g. "customDomain") in a larger one:
// the violations name their fields from there ("customDomain.domainName: ...").
func (s *Spec) CheckValueAt(schema *openapi3.Schema, v any, path string) []string {
	if err := schema.VisitJSON(v, append([]openapi3.SchemaValidationOption{openapi3.MultiErrors()}, s.schemaOptions...)...); err != nil {
		var out []string
		collect(err, path, &out)
		sort.Strings(out)
		return dedupe(out)
	}
	return nil
}
