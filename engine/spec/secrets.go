package spec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Redacted replaces a secret's value wherever the engine shows a body.
const Redacted = "[redacted]"

// secrets knows the secret fields of a document: properties whose schema says ExtSecret or
// writeOnly. Names are compared normalized (see normalize), so that every spelling a decoder
// accepts or a client may send (clientSecret, client_secret, ClientSecret, CLIENT-SECRET)
// is the same field.
type secrets struct {
	names map[string]bool // normalized names of every secret property of the document
}

// normalize folds a member name to lower case without '_' and '-': the JSON name and the
// proto name of a field, and their case variants, fold to one.
func normalize(name string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '_' || r == '-':
			return -1
		case 'A' <= r && r <= 'Z':
			return r + ('a' - 'A')
		}
		return r
	}, name)
}

func isSecret(s *openapi3.Schema) bool {
	return s != nil && (s.WriteOnly || flag(s.Extensions, ExtSecret))
}

// collectSecrets finds every secret property reachable from the body schemas.
func collectSecrets(roots []*openapi3.Schema) secrets {
	out := secrets{names: map[string]bool{}}
	seen := map[*openapi3.Schema]bool{}
	var walk func(s *openapi3.Schema)
	walk = func(s *openapi3.Schema) {
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		for name, p := range s.Properties {
			if p != nil && isSecret(p.Value) {
				out.names[normalize(name)] = true
			}
		}
		for _, sub := range subschemas(s) {
			walk(sub)
		}
	}
	for _, r := range roots {
		walk(r)
	}
	return out
}

// subschemas lists the schemas s is made of.
func subschemas(s *openapi3.Schema) []*openapi3.Schema {
	var out []*openapi3.Schema
	add := func(r *openapi3.SchemaRef) {
		if r != nil && r.Value != nil {
			out = append(out, r.Value)
		}
	}
	for _, p := range s.Properties {
		add(p)
	}
	add(s.Items)
	add(s.AdditionalProperties.Schema)
	add(s.Not)
	for _, group := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
		for _, r := range group {
			add(r)
		}
	}
	return out
}

// SecretNames lists the normalized names of the document's secret fields.
func (s *Spec) SecretNames() []string {
	out := make([]string, 0, len(s.secrets.names))
	for n := range s.secrets.names {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// IsSecretName reports whether a member name, in any spelling, names a secret field of the
// document.
func (s *Spec) IsSecretName(name string) bool { return s.secrets.names[normalize(name)] }

// RedactRequest returns a request body of the route as JSON with every secret masked.
func (r *Route) RedactRequest(body []byte) json.RawMessage {
	return r.spec.redactBody(r.requestSchema, body)
}

// RedactResponse returns a response body of the route with that status as JSON with every
// secret masked.
func (r *Route) RedactResponse(status int, body []byte) json.RawMessage {
	return r.spec.redactBody(r.responses[status], body)
}

// redactBody decodes body, masks its secrets and encodes it again (without HTML escapes). A
// body that is not JSON is described, not kept: it may hold anything.
func (s *Spec) redactBody(schema *openapi3.Schema, body []byte) json.RawMessage {
	if len(body) == 0 {
		return nil
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		b, _ := json.Marshal(fmt.Sprintf("<%d bytes, not JSON>", len(body)))
		return b
	}
	s.secrets.redact(schema, v)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil
	}
	return bytes.TrimRight(buf.Bytes(), "\n")
}

// redact masks, in place, the secrets of v. Where schema describes a member, the schema
// decides; a member it does not describe (a misspelt or unknown name, which validation
// refuses but the journal still shows) is masked when its name, in any spelling, is the name
// of a secret anywhere in the document.
func (s secrets) redact(schema *openapi3.Schema, v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, sub := range x {
			if prop, ok := property(schema, k); ok {
				if isSecret(prop) {
					x[k] = Redacted
				} else {
					s.redact(prop, sub)
				}
				continue
			}
			if schema != nil && schema.AdditionalProperties.Schema != nil {
				s.redact(schema.AdditionalProperties.Schema.Value, sub) // the key is data
				continue
			}
			if s.names[normalize(k)] {
				x[k] = Redacted
				continue
			}
			s.redact(nil, sub)
		}
	case []any:
		var items *openapi3.Schema
		if schema != nil && schema.Items != nil {
			items = schema.Items.Value
		}
		for _, sub := range x {
			s.redact(items, sub)
		}
	}
}

// property finds the schema of member name in s (or in the schemas s combines): by its exact
// name, or else by any spelling of it.
func property(s *openapi3.Schema, name string) (*openapi3.Schema, bool) {
	if s == nil {
		return nil, false
	}
	if p := s.Properties[name]; p != nil {
		return p.Value, true
	}
	norm := normalize(name)
	for n, p := range s.Properties {
		if normalize(n) == norm && p != nil {
			return p.Value, true
		}
	}
	for _, group := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
		for _, r := range group {
			if r != nil {
				if p, ok := property(r.Value, name); ok {
					return p, true
				}
			}
		}
	}
	return nil, false
}
