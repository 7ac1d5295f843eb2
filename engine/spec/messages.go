package spec

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// Violations turns a kin-openapi validation error into short messages, each naming the JSON
// path (or query parameter) and the rule, e.g. `scimConfigurationId: must be a UUID` or
// `unknown field "enable"`. The messages are sorted and free of duplicates.
func Violations(err error) []string {
	var out []string
	collect(err, "", &out)
	sort.Strings(out)
	return dedupe(out)
}

func collect(err error, prefix string, out *[]string) {
	// Match the concrete types first: errors.As would look through a RequestError into its
	// MultiError and lose the parameter it names.
	switch e := err.(type) {
	case nil:
		return
	case openapi3.MultiError:
		for _, sub := range e {
			collect(sub, prefix, out)
		}
		return
	case *openapi3filter.RequestError:
		p := prefix
		if e.Parameter != nil {
			p = e.Parameter.Name + " (" + e.Parameter.In + ")"
		}
		if e.Err == nil {
			*out = append(*out, join(p, e.Reason))
			return
		}
		var se *openapi3.SchemaError
		var me openapi3.MultiError
		if e.Parameter != nil && !errors.As(e.Err, &se) && !errors.As(e.Err, &me) {
			// A parameter that does not even parse ("abc" for an integer) carries no schema.
			*out = append(*out, join(p, "must be "+paramType(e.Parameter)))
			return
		}
		collect(e.Err, p, out)
		return
	case *openapi3filter.ResponseError:
		if e.Err == nil {
			*out = append(*out, join(prefix, e.Reason))
			return
		}
		collect(e.Err, prefix, out)
		return
	case *openapi3.SchemaError:
		*out = append(*out, describe(e, prefix))
		return
	}
	if next := errors.Unwrap(err); next != nil {
		collect(next, prefix, out)
		return
	}
	*out = append(*out, join(prefix, err.Error()))
}

func paramType(p *openapi3.Parameter) string {
	if p.Schema != nil && p.Schema.Value != nil && p.Schema.Value.Type != nil {
		if t := p.Schema.Value.Type.Slice(); len(t) > 0 {
			if t[0] == "integer" {
				return "an integer"
			}
			return "a " + t[0]
		}
	}
	return "valid"
}

// describe renders one schema error. prefix names a parameter; body errors have none.
func describe(se *openapi3.SchemaError, prefix string) string {
	path := strings.Join(se.JSONPointer(), ".")
	if prefix != "" {
		path = joinPath(prefix, path)
	}
	s := se.Schema
	switch se.SchemaField {
	case "properties":
		var name string
		if _, err := fmt.Sscanf(se.Reason, "property %q is unsupported", &name); err == nil {
			if path == "" { // a top-level field: the name says it all
				return fmt.Sprintf("unknown field %q", name)
			}
			return join(path, fmt.Sprintf("unknown field %q", name))
		}
	case "required":
		return join(path, "is required")
	case "nullable":
		return join(path, "must not be null")
	case "type":
		if s != nil && s.Type != nil && len(s.Type.Slice()) > 0 {
			t := s.Type.Slice()[0]
			article := "a"
			if t == "object" || t == "array" || t == "integer" {
				article = "an"
			}
			if t == "object" {
				return join(path, "must be a JSON object")
			}
			return join(path, fmt.Sprintf("must be %s %s", article, t))
		}
	case "format":
		if s != nil {
			switch s.Format {
			case "uuid":
				return join(path, "must be a UUID")
			case "date-time":
				return join(path, "must be an RFC 3339 date-time")
			case "uri":
				return join(path, "must be an absolute URI")
			case "int64":
				return join(path, `must be a 64-bit integer written as a string, e.g. "20"`)
			}
			return join(path, "must be a valid "+s.Format)
		}
	case "pattern":
		if s != nil {
			return join(path, fmt.Sprintf("must match the pattern %s", s.Pattern))
		}
	case "minLength":
		if s != nil {
			return join(path, fmt.Sprintf("must be at least %d characters long", s.MinLength))
		}
	case "maxLength":
		if s != nil && s.MaxLength != nil {
			return join(path, fmt.Sprintf("must be at most %d characters long", *s.MaxLength))
		}
	case "minimum":
		if s != nil && s.Min != nil {
			return join(path, fmt.Sprintf("must be at least %g", *s.Min))
		}
	case "maximum":
		if s != nil && s.Max != nil {
			return join(path, fmt.Sprintf("must be at most %g", *s.Max))
		}
	case "minItems":
		if s != nil {
			return join(path, fmt.Sprintf("must have at least %d items", s.MinItems))
		}
	case "maxItems":
		if s != nil && s.MaxItems != nil {
			return join(path, fmt.Sprintf("must have at most %d items", *s.MaxItems))
		}
	case "uniqueItems":
		return join(path, "must not contain duplicate items")
	case "enum":
		if s != nil {
			vals := make([]string, 0, len(s.Enum))
			for _, v := range s.Enum {
				vals = append(vals, fmt.Sprint(v))
			}
			return join(path, "must be one of "+strings.Join(vals, ", "))
		}
	case "additionalProperties":
		return join(path, "has an invalid value")
	case "not":
		// not: {required: [a, b]} is how a document says "at most one of a and b" (a protobuf
		// oneof): name the fields, not the schema.
		if s != nil && s.Not != nil && s.Not.Value != nil && len(s.Not.Value.Required) > 1 {
			fields := s.Not.Value.Required
			if path != "" {
				fields = slices.Clone(fields)
				for i, f := range fields {
					fields[i] = joinPath(path, f)
				}
			}
			return strings.Join(fields, ", ") + ": set at most one of them (they are alternatives)"
		}
	}
	return join(path, se.Reason)
}

func joinPath(a, b string) string {
	if b == "" {
		return a
	}
	return a + "." + b
}

// join prefixes rule with the path it is about; the root of a body is "request body".
func join(path, rule string) string {
	if path == "" {
		path = "request body"
	}
	return path + ": " + rule
}

func dedupe(in []string) []string {
	out := in[:0]
	for i, s := range in {
		if i == 0 || s != in[i-1] {
			out = append(out, s)
		}
	}
	return out
}
