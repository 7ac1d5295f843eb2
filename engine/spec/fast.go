package spec

import (
	"bytes"
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/gitpod-mock/orgmock/engine/jsonscan"
)

// The fast path. kin-openapi validates a body by decoding it into maps and walking the schema
// generically; that is most of what a call costs. Here each body schema of the document is
// compiled once, at load, into a tree that checks the JSON bytes directly, without allocating.
//
// It only ever answers "certainly valid": true means kin-openapi accepts the same body, and
// the caller may skip it; false means "not certain", and the caller runs kin-openapi on the
// whole body, which decides and words the message. Anything unusual is left to kin-openapi:
// escaped strings, invalid UTF-8, numbers with a fraction or an exponent, duplicate names.
//
// A schema using a keyword this file does not implement (see supported) is not refused as a
// whole: that schema alone becomes a delegated node, whose value is decoded and checked by
// kin-openapi with the options kin-openapi itself would use there, while the rest of the body
// stays on the fast path. So any OpenAPI 3.0 schema compiles; validation is never weakened,
// only skipped where its outcome is known. fast_test.go checks that against kin-openapi on
// bodies generated from every schema of the document, and on fuzzed bytes.

type kind uint8

const (
	kindObject kind = iota + 1
	kindString
	kindInteger
	kindBoolean
	kindArray
	kindDelegated // checked by kin-openapi, value by value
)

// node is one compiled schema.
type node struct {
	kind     kind
	nullable bool

	// objects
	names    []string // declared properties
	props    []*node
	required uint64 // bit i: names[i] is required
	closed   bool   // additionalProperties: false
	extra    *node  // additionalProperties: {schema}

	// strings
	minLen, maxLen int // maxLen < 0: none
	pattern        *regexp.Regexp
	format         openapi3.StringFormatValidator
	enum           []string

	// integers
	min, max  *float64
	intFormat openapi3.IntegerFormatValidator
	hasIntFmt bool

	// arrays
	minItems   int
	maxItems   int // < 0: none
	uniqueStrs bool
	items      *node

	// delegated schemas
	schema *openapi3.Schema
	opts   []openapi3.SchemaValidationOption
}

// maxDigits bounds the integers the fast path reads: every such value is exact in a float64,
// as kin-openapi sees it.
const maxDigits = 15

// compiler compiles the schemas of one direction (requests or responses) of a document. Each
// schema (components are shared by many operations) and each pattern is compiled once.
type compiler struct {
	// opts are what kin-openapi validates a body with in this direction; delegated nodes
	// use them.
	opts       []openapi3.SchemaValidationOption
	formats    map[string]openapi3.StringFormatValidator
	inProgress map[*openapi3.Schema]bool
	done       map[*openapi3.Schema]*node
	patterns   map[string]*regexp.Regexp
}

func newCompiler(opts []openapi3.SchemaValidationOption) *compiler {
	return &compiler{opts: opts, formats: formats(), inProgress: map[*openapi3.Schema]bool{},
		done: map[*openapi3.Schema]*node{}, patterns: map[string]*regexp.Regexp{}}
}

// compile turns a schema into a node: a compiled one, or one delegated to kin-openapi when
// the schema uses anything the fast path does not implement. nil only for no schema.
func (c *compiler) compile(ref *openapi3.SchemaRef) *node {
	if ref == nil || ref.Value == nil {
		return nil
	}
	s := ref.Value
	if n, ok := c.done[s]; ok {
		return n
	}
	if c.inProgress[s] {
		return c.delegate(s) // recursion: kin-openapi has its own rule for it
	}
	c.inProgress[s] = true
	n := c.compileNew(s)
	delete(c.inProgress, s)
	if n == nil {
		n = c.delegate(s)
	}
	c.done[s] = n
	return n
}

func (c *compiler) delegate(s *openapi3.Schema) *node {
	return &node{kind: kindDelegated, schema: s, opts: c.opts}
}

// compileNew compiles s, or returns nil when the fast path does not implement it.
func (c *compiler) compileNew(s *openapi3.Schema) *node {
	if !supported(s) || s.Type == nil || len(*s.Type) != 1 {
		return nil
	}
	n := &node{nullable: s.Nullable, maxLen: -1, maxItems: -1}
	switch (*s.Type)[0] {
	case openapi3.TypeObject:
		n.kind = kindObject
		if len(s.Properties) > 64 {
			return nil
		}
		for name, p := range s.Properties {
			pn := c.compile(p)
			if pn == nil {
				return nil
			}
			n.names = append(n.names, name)
			n.props = append(n.props, pn)
		}
		for _, r := range s.Required {
			i := indexOf(n.names, r)
			if i < 0 {
				return nil
			}
			n.required |= 1 << i
		}
		ap := s.AdditionalProperties
		switch {
		case ap.Schema != nil:
			if n.extra = c.compile(ap.Schema); n.extra == nil || ap.Has != nil {
				return nil
			}
		case ap.Has != nil && !*ap.Has:
			n.closed = true
		}
	case openapi3.TypeString:
		n.kind = kindString
		n.minLen = int(s.MinLength)
		if s.MaxLength != nil {
			n.maxLen = int(*s.MaxLength)
		}
		if s.Pattern != "" {
			re, ok := c.patterns[s.Pattern]
			if !ok {
				re, _ = regexp.Compile(goRegexp(s.Pattern))
				c.patterns[s.Pattern] = re
			}
			if re == nil {
				return nil
			}
			n.pattern = re
		}
		if s.Format != "" {
			// kin-openapi's order: the document's validators, then the process-wide ones; it
			// ignores a format it has no validator for, and so does this.
			if f, ok := c.formats[s.Format]; ok {
				n.format = f
			} else {
				n.format = openapi3.SchemaStringFormats[s.Format]
			}
		}
		for _, e := range s.Enum {
			str, ok := e.(string)
			if !ok {
				return nil
			}
			n.enum = append(n.enum, str)
		}
	case openapi3.TypeInteger:
		n.kind = kindInteger
		if len(s.Enum) > 0 {
			return nil
		}
		n.min, n.max = s.Min, s.Max
		if s.Format != "" {
			n.intFormat, n.hasIntFmt = openapi3.SchemaIntegerFormats[s.Format]
		}
	case openapi3.TypeBoolean:
		n.kind = kindBoolean
		if len(s.Enum) > 0 {
			return nil
		}
	case openapi3.TypeArray:
		n.kind = kindArray
		if len(s.Enum) > 0 {
			return nil
		}
		if n.items = c.compile(s.Items); n.items == nil {
			return nil
		}
		n.minItems = int(s.MinItems)
		if s.MaxItems != nil {
			n.maxItems = int(*s.MaxItems)
		}
		if s.UniqueItems {
			if n.items.kind != kindString {
				return nil
			}
			n.uniqueStrs = true
		}
	default:
		return nil
	}
	return n
}

// supported reports whether s uses only keywords compile implements (or ones that do not
// affect validation). Anything else, including keywords kin-openapi may learn later, makes
// the schema a delegated node.
func supported(s *openapi3.Schema) bool {
	c := *s
	// Implemented by compile.
	c.Type, c.Nullable, c.Properties, c.Required, c.AdditionalProperties = nil, false, nil, nil, openapi3.AdditionalProperties{}
	c.MinLength, c.MaxLength, c.Pattern, c.Format, c.Enum = 0, nil, "", "", nil
	c.Min, c.Max = nil, nil
	c.Items, c.MinItems, c.MaxItems, c.UniqueItems = nil, 0, nil, false
	// No effect on validation: annotations, and defaults (request validation runs with
	// SkipSettingDefaults, response validation never sets them).
	c.Title, c.Description, c.Example, c.Examples, c.Default, c.Deprecated = "", "", nil, nil, nil, false
	c.Extensions, c.Origin, c.ExternalDocs = nil, nil, nil
	return reflect.ValueOf(c).IsZero()
}

// goRegexp is kin-openapi's translation of a pattern into Go syntax (\uXXXX to \x{XXXX}).
var patCodepoints = regexp.MustCompile(`(?P<replaced_with_slash_x>\\u)(?P<code>[0-9A-F]{4})`)

func goRegexp(re string) string { return patCodepoints.ReplaceAllString(re, `\x{${code}}`) }

func indexOf(names []string, name string) int {
	for i, n := range names {
		if n == name {
			return i
		}
	}
	return -1
}

// valid reports whether data is one JSON value (and white space) that certainly matches n.
// Certainly valid also means within the bounds CheckStructure sets (depth, string length, no
// repeated name), so a body the fast path takes needs no structure check.
func (n *node) valid(data []byte) bool {
	sc := scanner{Scanner: jsonscan.Scanner{B: data}}
	if !sc.check(n) {
		return false
	}
	sc.Space()
	return sc.I == len(sc.B)
}

// check reads one value against n. Like every method of the fast path, it returns false as
// soon as it is not certain, leaving the verdict to kin-openapi.
func (sc *scanner) check(n *node) bool {
	sc.Space()
	if sc.I >= len(sc.B) {
		return false
	}
	if n.kind == kindDelegated {
		return sc.delegated(n)
	}
	if sc.B[sc.I] == 'n' {
		return n.nullable && sc.Literal("null")
	}
	switch n.kind {
	case kindObject, kindArray:
		if sc.depth == MaxDepth {
			return false
		}
		sc.depth++
		ok := n.kind == kindObject && sc.object(n) || n.kind == kindArray && sc.array(n)
		sc.depth--
		return ok
	case kindString:
		s, ok := sc.str()
		return ok && n.validString(s)
	case kindInteger:
		return sc.integer(n)
	case kindBoolean:
		return sc.Literal("true") || sc.Literal("false")
	}
	return false
}

// str reads a string the fast path takes: no escapes, valid UTF-8, within MaxStringBytes.
func (sc *scanner) str() (string, bool) {
	s, ok := sc.Str()
	return s, ok && len(s) <= MaxStringBytes
}

// delegated reads one value of a schema the fast path does not implement and asks
// kin-openapi about it alone, decoded as kin-openapi decodes bodies (numbers kept exact).
func (sc *scanner) delegated(n *node) bool {
	start := sc.I
	if !sc.Value(0) {
		return false
	}
	raw := sc.B[start:sc.I]
	// Within the structure bounds where it sits, and JSON.
	if w := (walker{sc: jsonscan.Scanner{B: raw}}); w.value(sc.depth) != nil || !json.Valid(raw) {
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return false
	}
	return n.schema.VisitJSON(v, n.opts...) == nil
}

func (sc *scanner) object(n *node) bool {
	if sc.B[sc.I] != '{' {
		return false
	}
	sc.I++
	var seen uint64
	var extraNames [16]string // the undeclared names read, to refuse duplicates
	extras := 0
	sc.Space()
	if sc.I < len(sc.B) && sc.B[sc.I] == '}' {
		sc.I++
		return n.required == 0
	}
	for {
		sc.Space()
		key, ok := sc.str()
		if !ok {
			return false
		}
		sc.Space()
		if sc.I >= len(sc.B) || sc.B[sc.I] != ':' {
			return false
		}
		sc.I++
		if i := indexOf(n.names, key); i >= 0 {
			if seen&(1<<i) != 0 {
				return false // a duplicate name: kin-openapi's decoder decides
			}
			seen |= 1 << i
			if !sc.check(n.props[i]) {
				return false
			}
		} else if n.extra != nil {
			if extras == len(extraNames) || indexOf(extraNames[:extras], key) >= 0 {
				return false
			}
			extraNames[extras] = key
			extras++
			if !sc.check(n.extra) {
				return false
			}
		} else {
			if n.closed || extras == len(extraNames) || indexOf(extraNames[:extras], key) >= 0 {
				return false // an unsupported or repeated property
			}
			extraNames[extras] = key
			extras++
			if !sc.skip() {
				return false // a value not worth reading here
			}
		}
		more, ok := sc.Next('}')
		if !ok {
			return false
		}
		if !more {
			return seen&n.required == n.required
		}
	}
}

func (sc *scanner) array(n *node) bool {
	if sc.B[sc.I] != '[' {
		return false
	}
	sc.I++
	count := 0
	var strs [16][]byte
	sc.Space()
	if sc.I < len(sc.B) && sc.B[sc.I] == ']' {
		sc.I++
		return n.minItems == 0
	}
	for {
		start := sc.I
		if !sc.check(n.items) {
			return false
		}
		if n.uniqueStrs {
			if count >= len(strs) {
				return false
			}
			// Items are unescaped strings (anything else was refused): compare them as read.
			s := bytes.TrimSpace(sc.B[start:sc.I])
			for _, prev := range strs[:count] {
				if bytes.Equal(prev, s) {
					return false
				}
			}
			strs[count] = s
		}
		count++
		more, ok := sc.Next(']')
		if !ok {
			return false
		}
		if !more {
			return count >= n.minItems && (n.maxItems < 0 || count <= n.maxItems)
		}
	}
}

// skip reads any JSON value (one of an open object's undeclared properties, which nothing
// validates) as long as it is simple: strings without escapes, integers, no repeated name,
// within the structure bounds.
func (sc *scanner) skip() bool {
	sc.Space()
	if sc.I >= len(sc.B) {
		return false
	}
	switch c := sc.B[sc.I]; {
	case c == '"':
		_, ok := sc.str()
		return ok
	case c == 't':
		return sc.Literal("true")
	case c == 'f':
		return sc.Literal("false")
	case c == 'n':
		return sc.Literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		return sc.integer(&node{})
	case c == '{' || c == '[':
		if sc.depth == MaxDepth {
			return false
		}
		sc.depth++
		ok := sc.skipContainer(c)
		sc.depth--
		return ok
	}
	return false
}

func (sc *scanner) skipContainer(c byte) bool {
	end := byte('}')
	if c == '[' {
		end = ']'
	}
	sc.I++
	sc.Space()
	if sc.I < len(sc.B) && sc.B[sc.I] == end {
		sc.I++
		return true
	}
	var names [16]string
	count := 0
	for {
		if c == '{' {
			sc.Space()
			key, ok := sc.str()
			if !ok || count == len(names) || indexOf(names[:count], key) >= 0 {
				return false
			}
			names[count] = key
			count++
			sc.Space()
			if sc.I >= len(sc.B) || sc.B[sc.I] != ':' {
				return false
			}
			sc.I++
		}
		if !sc.skip() {
			return false
		}
		if more, ok := sc.Next(end); !ok || !more {
			return ok
		}
	}
}

func (n *node) validString(s string) bool {
	if n.minLen != 0 || n.maxLen >= 0 {
		l := utf8.RuneCountInString(s)
		if l < n.minLen || (n.maxLen >= 0 && l > n.maxLen) {
			return false
		}
	}
	if n.pattern != nil && !n.pattern.MatchString(s) {
		return false
	}
	if n.format != nil && n.format.Validate(s) != nil {
		return false
	}
	if n.enum != nil {
		for _, e := range n.enum {
			if e == s {
				return true
			}
		}
		return false
	}
	return true
}

// integer reads -?(0|[1-9][0-9]*) of at most maxDigits digits; a fraction or an exponent is
// left to kin-openapi.
func (sc *scanner) integer(n *node) bool {
	raw, ok := sc.Int()
	if !ok || len(raw) > maxDigits+1 || (len(raw) > maxDigits && raw[0] != '-') {
		return false
	}
	v, err := strconv.ParseInt(unsafe.String(&raw[0], len(raw)), 10, 64)
	if err != nil {
		return false
	}
	f := float64(v)
	if (n.min != nil && !(*n.min <= f)) || (n.max != nil && !(*n.max >= f)) {
		return false
	}
	return !n.hasIntFmt || n.intFormat.Validate(v) == nil
}

// bodySchema compiles the schema of content that is only application/json; nil otherwise.
func (c *compiler) bodySchema(content openapi3.Content) *node {
	mt := content.Get("application/json")
	if mt == nil || len(content) != 1 {
		return nil
	}
	return c.compile(mt.Schema)
}

// fastRequest reports whether the request certainly passes kin-openapi's request validation:
// its body (already read) matches the schema, and it has no query string and the operation
// no parameter that could be required or checked elsewhere. Authentication and the content
// type are the caller's (checked before).
func (r *Route) fastRequest(req *http.Request, body []byte) bool {
	return r.fastBody != nil && req.URL.RawQuery == "" &&
		strings.HasPrefix(req.Header.Get("Content-Type"), "application/json") &&
		r.fastBody.valid(body)
}

// fastResponse reports whether the response certainly passes kin-openapi's response
// validation: a declared status, sent as application/json, with a body matching its schema.
func (r *Route) fastResponse(status int, header http.Header, body []byte) bool {
	n := r.fastResponses[status]
	return n != nil && header.Get("Content-Type") == "application/json" && n.valid(body)
}

// compileFast prepares the fast path of a route: its request body (only when every parameter
// is an optional query parameter, so that an empty query string passes) and its responses.
func (r *Route) compileFast(requests, responses *compiler) {
	params := append(openapi3.Parameters{}, r.PathItem.Parameters...)
	params = append(params, r.Operation.Parameters...)
	simple := true
	for _, p := range params {
		if p.Value == nil || p.Value.In != openapi3.ParameterInQuery || p.Value.Required {
			simple = false
		}
	}
	if rb := r.Operation.RequestBody; simple && rb != nil && rb.Value != nil {
		r.fastBody = requests.bodySchema(rb.Value.Content)
	}
	r.fastResponses = map[int]*node{}
	for _, status := range r.Statuses {
		resp := r.Operation.Responses.Status(status)
		if resp == nil || resp.Value == nil || len(resp.Value.Headers) > 0 {
			continue
		}
		if n := responses.bodySchema(resp.Value.Content); n != nil {
			r.fastResponses[status] = n
		}
	}
}

// fastCoverage tells which parts of the route the fast path covers, and how many of the
// schemas it reaches are delegated to kin-openapi.
func (r *Route) fastCoverage() (request bool, statuses []int, delegated int) {
	for _, st := range r.Statuses {
		if r.fastResponses[st] != nil {
			statuses = append(statuses, st)
			delegated += r.fastResponses[st].delegatedCount(map[*node]bool{})
		}
	}
	if r.fastBody != nil {
		delegated += r.fastBody.delegatedCount(map[*node]bool{})
	}
	return r.fastBody != nil, statuses, delegated
}

func (n *node) delegatedCount(seen map[*node]bool) int {
	if n == nil || seen[n] {
		return 0
	}
	seen[n] = true
	if n.kind == kindDelegated {
		return 1
	}
	c := n.extra.delegatedCount(seen) + n.items.delegatedCount(seen)
	for _, p := range n.props {
		c += p.delegatedCount(seen)
	}
	return c
}
