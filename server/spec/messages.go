package spec

import (
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

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

// validateURI accepts absolute URIs (a scheme and nothing that fails to parse), as
// protovalidate's `string.uri` rule does.
func validateURI(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || (u.Host == "" && u.Opaque == "") {
		return errors.New("not an absolute URI")
	}
	return nil
}

var errNotUUID = errors.New("not a UUID")

// validateUUID accepts what protovalidate's `string.uuid` rule accepts: any hex
// 8-4-4-4-12 string, whatever its version and variant nibbles, in either case.
func validateUUID(s string) error {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return errNotUUID
	}
	for i := 0; i < 36; i++ {
		if !isHex[s[i]] && i != 8 && i != 13 && i != 18 && i != 23 {
			return errNotUUID
		}
	}
	return nil
}

var isHex = func() (t [256]bool) {
	for _, c := range "0123456789abcdefABCDEF" {
		t[c] = true
	}
	return t
}()

// validateDateTime accepts what time.Parse(time.RFC3339Nano, s) accepts. Every response
// carries a few date-times, so the common form is checked by hand first (plainRFC3339,
// which only accepts what time.Parse does); everything else is time.Parse's to decide.
func validateDateTime(s string) error {
	if plainRFC3339(s) {
		return nil
	}
	_, err := time.Parse(time.RFC3339Nano, s)
	return err
}

// plainRFC3339 reports whether s is 2006-01-02T15:04:05[.digits](Z|±07:00) with every field
// in range, the form time.Parse reads on its fast path.
func plainRFC3339(s string) bool {
	if len(s) < len("2006-01-02T15:04:05Z") || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return false
	}
	year, ok1 := digits(s[0:4], 0, 9999)
	month, ok2 := digits(s[5:7], 1, 12)
	_, ok3 := digits(s[11:13], 0, 23)
	_, ok4 := digits(s[14:16], 0, 59)
	_, ok5 := digits(s[17:19], 0, 59)
	if !(ok1 && ok2 && ok3 && ok4 && ok5) {
		return false
	}
	if _, ok := digits(s[8:10], 1, daysIn(month, year)); !ok {
		return false
	}
	rest := s[19:]
	if len(rest) >= 2 && rest[0] == '.' {
		n := 1
		for n < len(rest) && '0' <= rest[n] && rest[n] <= '9' {
			n++
		}
		if n == 1 {
			return false
		}
		rest = rest[n:]
	}
	if rest == "Z" {
		return true
	}
	if len(rest) != len("+07:00") || (rest[0] != '+' && rest[0] != '-') || rest[3] != ':' {
		return false
	}
	_, okh := digits(rest[1:3], 0, 23)
	_, okm := digits(rest[4:6], 0, 59)
	return okh && okm
}

func digits(s string, lo, hi int) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, lo <= n && n <= hi
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
