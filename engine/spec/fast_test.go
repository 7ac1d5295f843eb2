package spec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
)

// The fast path's one promise: when it says valid, kin-openapi says valid too. These tests
// hold it to that on bodies generated from the schemas of every document the engine is tested
// with (TestFastAgreesWithKin) and on fuzzed bytes (FuzzFastPath), and check that it really
// is used for ordinary bodies, so that it cannot quietly decay into "always ask kin-openapi".
// Nothing here knows an operation or a pattern of any document: values come from the schemas.

// documents are the OpenAPI documents the fast path is tested on: the mock's contract and the
// engine's second, unrelated API.
var documents = []string{"../../openapi.yaml", "../testdata/notes.yaml"}

func loadAll(t testing.TB) []*Spec {
	t.Helper()
	var out []*Spec
	for _, file := range documents {
		doc, err := openapi3.NewLoader().LoadFromFile(file)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		sp, err := Load(doc)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		out = append(out, sp)
	}
	return out
}

// TestFastCoversEveryOperation: every request body and every response of every operation has a
// fast path (schemas it does not implement are delegated inside it, not refused).
func TestFastCoversEveryOperation(t *testing.T) {
	for _, sp := range loadAll(t) {
		for _, r := range sp.Operations() {
			req, statuses, delegated := r.fastCoverage()
			if !req {
				t.Errorf("%s: the request body has no fast path", r.OperationID())
			}
			if !slices.Equal(statuses, r.Statuses) {
				t.Errorf("%s: fast responses %v, declared %v", r.OperationID(), statuses, r.Statuses)
			}
			if delegated > 0 {
				t.Logf("%s: %d schemas delegated to kin-openapi", r.OperationID(), delegated)
			}
		}
	}
}

// TestCompileDelegatesUnimplementedKeywords: a schema using a keyword the fast path does not
// implement becomes a delegated node, alone: the object around it stays compiled.
func TestCompileDelegatesUnimplementedKeywords(t *testing.T) {
	str := &openapi3.SchemaRef{Value: openapi3.NewStringSchema()}
	one := uint64(1)
	cases := map[string]*openapi3.Schema{
		"oneOf":                {Type: &openapi3.Types{"object"}, OneOf: openapi3.SchemaRefs{str}},
		"anyOf":                {Type: &openapi3.Types{"object"}, AnyOf: openapi3.SchemaRefs{str}},
		"allOf":                {Type: &openapi3.Types{"object"}, AllOf: openapi3.SchemaRefs{str}},
		"not":                  {Type: &openapi3.Types{"string"}, Not: str},
		"multipleOf":           {Type: &openapi3.Types{"integer"}, MultipleOf: openapi3.Float64Ptr(2)},
		"exclusiveMinimum":     {Type: &openapi3.Types{"integer"}, Min: openapi3.Float64Ptr(1), ExclusiveMin: openapi3.ExclusiveBound{Bool: openapi3.BoolPtr(true)}},
		"minProperties":        {Type: &openapi3.Types{"object"}, MinProps: 1},
		"maxProperties":        {Type: &openapi3.Types{"object"}, MaxProps: &one},
		"readOnly":             {Type: &openapi3.Types{"string"}, ReadOnly: true},
		"writeOnly":            {Type: &openapi3.Types{"string"}, WriteOnly: true},
		"number":               {Type: &openapi3.Types{"number"}},
		"no type":              {},
		"two types":            {Type: &openapi3.Types{"string", "integer"}},
		"array without items":  {Type: &openapi3.Types{"array"}},
		"integer enum":         {Type: &openapi3.Types{"integer"}, Enum: []any{1.0}},
		"required, undeclared": {Type: &openapi3.Types{"object"}, Required: []string{"a"}},
		"unique objects": {Type: &openapi3.Types{"array"}, UniqueItems: true,
			Items: &openapi3.SchemaRef{Value: openapi3.NewObjectSchema()}},
		"bad pattern": {Type: &openapi3.Types{"string"}, Pattern: "("},
	}
	for name, s := range cases {
		n := newCompiler(nil).compile(&openapi3.SchemaRef{Value: s})
		if n == nil || n.kind != kindDelegated {
			t.Errorf("%s: compiled, want delegated", name)
		}
		parent := &openapi3.Schema{Type: &openapi3.Types{"object"}, Properties: openapi3.Schemas{
			"plain": {Value: openapi3.NewStringSchema()}, "odd": {Value: s}}}
		p := newCompiler(nil).compile(&openapi3.SchemaRef{Value: parent})
		if p == nil || p.kind != kindObject || p.props[indexOf(p.names, "odd")].kind != kindDelegated ||
			p.props[indexOf(p.names, "plain")].kind != kindString {
			t.Errorf("%s: the object around it is not compiled with it delegated", name)
		}
	}
	// Recursion is delegated too (kin-openapi stops at a schema it is already inside).
	rec := &openapi3.Schema{Type: &openapi3.Types{"object"}, Properties: openapi3.Schemas{}}
	rec.Properties["self"] = &openapi3.SchemaRef{Value: rec}
	if n := newCompiler(nil).compile(&openapi3.SchemaRef{Value: rec}); n.kind != kindObject || n.props[0].kind != kindDelegated {
		t.Error("a recursive schema is not compiled down to its recursion")
	}
	// And the supported keywords compile.
	ok := &openapi3.Schema{Type: &openapi3.Types{"object"}, Required: []string{"a"}, Description: "d",
		Properties: openapi3.Schemas{"a": {Value: &openapi3.Schema{Type: &openapi3.Types{"string"},
			MinLength: 1, Pattern: "^a", Format: "uuid", Enum: []any{"a"}, Nullable: true}}}}
	if n := newCompiler(nil).compile(&openapi3.SchemaRef{Value: ok}); n.delegatedCount(map[*node]bool{}) != 0 {
		t.Error("a schema of supported keywords was delegated")
	}
}

// TestDelegatedNodes: a value of a delegated schema is kin-openapi's to judge, the rest of the
// body the fast path's.
func TestDelegatedNodes(t *testing.T) {
	s := &openapi3.Schema{Type: &openapi3.Types{"object"}, AdditionalProperties: openapi3.AdditionalProperties{Has: openapi3.BoolPtr(false)},
		Required: []string{"n"}, Properties: openapi3.Schemas{
			"n": {Value: &openapi3.Schema{Type: &openapi3.Types{"number"}, Min: openapi3.Float64Ptr(0), MultipleOf: openapi3.Float64Ptr(0.5)}},
			"s": {Value: &openapi3.Schema{Type: &openapi3.Types{"string"}, MaxLength: openapi3.Uint64Ptr(3)}},
		}}
	n := newCompiler(nil).compile(&openapi3.SchemaRef{Value: s})
	for body, want := range map[string]bool{
		`{"n":1.5}`: true, `{"n":2e1,"s":"abc"}`: true, `{"n":0}`: true,
		`{"n":0.25}`: false, `{"n":-1}`: false, `{"n":"1"}`: false, `{"n":1.5,"s":"abcd"}`: false,
		`{"n":1.5,"x":1}`: false, `{"n":01}`: false, `{"n":1.}`: false, `{"n":-}`: false, `{"n":tru}`: false,
		`{"n":[1]}`: false, `{"s":"a"}`: false, `{"n":1.5}x`: false,
	} {
		if got := n.valid([]byte(body)); got != want {
			t.Errorf("%s: fast %v, want %v", body, got, want)
		}
		kin := s.VisitJSON(decode(t, body)) == nil
		if n.valid([]byte(body)) && !kin {
			t.Errorf("%s: fast accepts what kin-openapi refuses", body)
		}
	}
}

func decode(t *testing.T, body string) any {
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil || dec.More() {
		return struct{}{} // not JSON: no schema accepts it
	}
	return v
}

// TestFastAgreesWithKin generates bodies from every request and response schema, mostly
// valid and with one deliberate slip in many (a wrong type, a missing required property, an
// unknown one, a length, a pattern, a range or a format just off), and compares the fast
// path with kin-openapi on each. Fast "valid" must always be kin-openapi "valid"; and for
// plain bodies (no escapes, integers only where the fast path reads them) kin-openapi "valid"
// must be fast "valid" too.
func TestFastAgreesWithKin(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	perSchema := 1000
	if testing.Short() {
		perSchema = 200
	}
	var fastValid, kinValid, total int
	for _, sp := range loadAll(t) {
		for _, r := range sp.Operations() {
			for _, target := range targets(r) {
				for range perSchema {
					g := &generator{rng: rng, plain: true}
					v := g.value(target.schema, 0)
					var buf bytes.Buffer
					enc := json.NewEncoder(&buf)
					enc.SetEscapeHTML(false)
					if err := enc.Encode(v); err != nil {
						t.Fatal(err)
					}
					body := buf.Bytes()
					plain := g.plain && !bytes.ContainsRune(body, '\\')
					fast, kin := target.fast(body), target.kin(body)
					total++
					if fast {
						fastValid++
					}
					if kin {
						kinValid++
					}
					if fast && !kin {
						t.Fatalf("%s: fast path accepts what kin-openapi refuses: %s", target.name, body)
					}
					if fast && CheckStructure(body) != nil {
						t.Fatalf("%s: fast path accepts what the structure check refuses (%v): %s", target.name, CheckStructure(body), body)
					}
					if plain && kin && !fast {
						t.Fatalf("%s: fast path unsure of a plain valid body: %s", target.name, body)
					}
				}
			}
		}
	}
	t.Logf("%d bodies: kin-openapi accepted %d, the fast path %d", total, kinValid, fastValid)
	if kinValid < total/5 || kinValid > total*19/20 {
		t.Errorf("generator balance: %d of %d valid; want between a fifth and nineteen twentieths", kinValid, total)
	}
}

// target is one schema of one operation, with both verdicts on a body.
type target struct {
	name      string
	schema    *openapi3.Schema
	fast, kin func(body []byte) bool
}

func targets(r *Route) []target {
	var out []target
	if r.requestSchema != nil {
		out = append(out, target{
			name:   r.OperationID() + " request",
			schema: r.requestSchema,
			fast:   func(body []byte) bool { return r.fastRequest(newRequest(r, body), body) },
			kin:    func(body []byte) bool { return len(r.kinRequest(newRequest(r, body))) == 0 },
		})
	}
	for _, status := range r.Statuses {
		h := http.Header{"Content-Type": {"application/json"}}
		out = append(out, target{
			name:   fmt.Sprintf("%s %d", r.OperationID(), status),
			schema: r.responses[status],
			fast:   func(body []byte) bool { return r.fastResponse(status, h, body) },
			kin: func(body []byte) bool {
				return len(r.kinResponse(newRequest(r, body), status, h, body)) == 0
			},
		})
	}
	return out
}

func newRequest(r *Route, body []byte) *http.Request {
	req := httptest.NewRequest(r.Method, r.Path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return req
}

// generator makes JSON values from a schema, most of them valid.
type generator struct {
	rng   *rand.Rand
	plain bool // false once a value the fast path does not read was made outside a delegated schema
}

// slip is how often one value is made deliberately wrong.
const slip = 0.06

func (g *generator) chance(p float64) bool { return g.rng.Float64() < p }

func (g *generator) value(s *openapi3.Schema, depth int) any {
	if s == nil || depth > 12 {
		return nil
	}
	if g.chance(slip) {
		return g.wrong(s)
	}
	if s.Nullable && g.chance(0.1) {
		return nil
	}
	for _, group := range []openapi3.SchemaRefs{s.OneOf, s.AnyOf, s.AllOf} {
		if len(group) > 0 && s.Type == nil {
			return g.value(group[g.rng.IntN(len(group))].Value, depth+1)
		}
	}
	if len(s.Enum) > 0 {
		return s.Enum[g.rng.IntN(len(s.Enum))]
	}
	switch {
	case s.Type.Is("object"):
		obj := map[string]any{}
		for _, name := range componentNames(s.Properties) {
			if slices.Contains(s.Required, name) || g.chance(0.5) {
				obj[name] = g.value(s.Properties[name].Value, depth+1)
			}
		}
		if ap := s.AdditionalProperties.Schema; ap != nil {
			for i := range g.rng.IntN(3) {
				obj[fmt.Sprintf("k%d", i)] = g.value(ap.Value, depth+1)
			}
		} else if s.AdditionalProperties.Has == nil {
			for i := range g.rng.IntN(3) {
				obj[fmt.Sprintf("extra%d", i)] = g.anything(depth + 1)
			}
		}
		return obj
	case s.Type.Is("array"):
		n := int(s.MinItems) + g.rng.IntN(4)
		if s.MaxItems != nil && n > int(*s.MaxItems) {
			n = int(*s.MaxItems)
		}
		if s.MaxItems != nil && g.chance(slip) {
			n = int(*s.MaxItems) + g.rng.IntN(2) // on the bound, or one past it
		}
		arr := []any{}
		if s.Items == nil {
			return arr
		}
		for i := range n {
			item := g.value(s.Items.Value, depth+1)
			if str, ok := item.(string); ok && s.UniqueItems && n > 4 {
				item = fmt.Sprintf("%s%d", str, i) // long arrays: distinct unless made otherwise
			}
			arr = append(arr, item)
		}
		if s.UniqueItems && len(arr) > 1 && g.chance(slip) {
			arr = append(arr, arr[0])
		}
		return arr
	case s.Type.Is("integer"):
		lo, hi := -1000.0, 1000.0
		if s.Min != nil {
			lo = *s.Min
		}
		if s.Max != nil {
			hi = *s.Max
		}
		return json.Number(fmt.Sprint(int64(lo) + g.rng.Int64N(int64(hi-lo)+1)))
	case s.Type.Is("number"):
		step := 0.25
		if s.MultipleOf != nil {
			step = *s.MultipleOf
		}
		lo := -100.0
		if s.Min != nil {
			lo = *s.Min
		}
		return json.Number(fmt.Sprint(lo + step*float64(g.rng.IntN(400))))
	case s.Type.Is("boolean"):
		return g.chance(0.5)
	case s.Type.Is("string"):
		return g.str(s)
	}
	return g.anything(depth + 1)
}

// anything makes an arbitrary JSON value, for properties no schema describes.
func (g *generator) anything(depth int) any {
	k := g.rng.IntN(7)
	if depth > 4 {
		k %= 5
	}
	switch k {
	case 0:
		return nil
	case 1:
		return g.chance(0.5)
	case 2:
		return json.Number(fmt.Sprint(g.rng.Int64N(2000) - 1000))
	case 3:
		return tricky[g.rng.IntN(len(tricky))]
	case 4:
		if g.chance(0.2) {
			g.plain = false
			return json.Number("2.5e3")
		}
		return "plain"
	case 5:
		arr := []any{}
		for range g.rng.IntN(3) {
			arr = append(arr, g.anything(depth+1))
		}
		return arr
	default:
		obj := map[string]any{}
		for i := range g.rng.IntN(3) {
			obj[fmt.Sprintf("n%d", i)] = g.anything(depth + 1)
		}
		return obj
	}
}

// wrong makes a value that breaks s in one way (or, by chance, does not).
func (g *generator) wrong(s *openapi3.Schema) any {
	switch g.rng.IntN(4) {
	case 0: // another type
		return []any{nil, true, json.Number("7"), "x", []any{}, map[string]any{}}[g.rng.IntN(6)]
	case 1:
		if s.Type.Is("object") {
			obj, _ := g.value(s, 99).(map[string]any)
			if obj == nil {
				return nil
			}
			if len(s.Required) > 0 && g.chance(0.5) {
				delete(obj, s.Required[g.rng.IntN(len(s.Required))])
			} else {
				obj["unknownField"] = "x"
			}
			return obj
		}
	case 2:
		if s.Type.Is("integer") {
			g.plain = false
			return []any{json.Number("1.5"), json.Number("1e2"), json.Number("10.0"), json.Number("1E1"),
				json.Number("12345678901234567890"), json.Number("-0")}[g.rng.IntN(6)]
		}
	}
	switch {
	case s.Type.Is("integer"), s.Type.Is("number"):
		// just outside (or on) a bound, or outside int32
		cands := []int64{-1, 0, 1 << 31, -(1 << 31) - 1}
		if s.Min != nil {
			cands = append(cands, int64(*s.Min)-1, int64(*s.Min))
		}
		if s.Max != nil {
			cands = append(cands, int64(*s.Max), int64(*s.Max)+1)
		}
		return json.Number(fmt.Sprint(cands[g.rng.IntN(len(cands))]))
	case s.Type.Is("string"):
		return g.nearMiss(s)
	}
	return nil
}

// tricky strings: near misses for the formats the engine checks, and characters that must be
// escaped in JSON or that count differently in bytes and characters.
var tricky = []string{
	"", "a", "é", "日本", "abc", "A-Z", " padded ", "two  spaces", "a..b", "-lead", "trail-",
	"d2c94c27-3b76-4a42-b88c-95a85e392c6", "D2C94C27-3B76-4A42-B88C-95A85E392C68", "d2c94c273b764a42b88c95a85e392c68",
	"2026-13-01T00:00:00Z", "2026-01-10T12:00:00", "2026-01-10 12:00:00Z", "2026-01-10T12:00:00.123+01:00",
	"http://", "https://idp.example.com/path?q=1", "ftp://x", "not a uri", "/relative",
	"quote\"inside", "back\\slash", "tab\there", "line\u2028sep", "<b>&amp;</b>", "1e3", "0x10", "+1", ".5",
}

// nearMiss is a string that is probably wrong for s: a mutation of a valid one, a length
// just off its bounds, or a tricky string.
func (g *generator) nearMiss(s *openapi3.Schema) string {
	switch g.rng.IntN(3) {
	case 0:
		v := []rune(g.str(s))
		if len(v) == 0 {
			return "é"
		}
		i := g.rng.IntN(len(v))
		switch g.rng.IntN(3) {
		case 0:
			return string(append(v[:i:i], v[i+1:]...)) // one character less
		case 1:
			ins := []rune("-. A_é9")[g.rng.IntN(7)]
			return string(v[:i]) + string(ins) + string(v[i:]) // one more
		default:
			return string(v) + string(v) // twice
		}
	case 1:
		if s.MaxLength != nil {
			return strings.Repeat("x", int(*s.MaxLength)+g.rng.IntN(2)) // on the bound, or one past
		}
		if s.MinLength > 0 {
			return strings.Repeat("é", int(s.MinLength)-1)
		}
	}
	return tricky[g.rng.IntN(len(tricky))]
}

func (g *generator) str(s *openapi3.Schema) string {
	if len(s.Enum) > 0 {
		if str, ok := s.Enum[g.rng.IntN(len(s.Enum))].(string); ok {
			return str
		}
	}
	switch s.Format {
	case "uuid":
		b := make([]byte, 16)
		for i := range b {
			b[i] = byte(g.rng.Uint32())
		}
		return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
	case "date-time":
		forms := []string{"2026-01-10T12:00:00Z", "2026-11-28T16:30:00.5Z", "1999-12-31T23:59:59.123456789+05:30", "2026-02-28T00:00:00-00:00"}
		return forms[g.rng.IntN(len(forms))]
	case "uri":
		return []string{"https://idp.example.com", "https://accounts.example.org/realms/x", "http://localhost:8080/x", "urn:example:x"}[g.rng.IntN(4)]
	}
	if s.Pattern != "" {
		if v, ok := g.fromPattern(s.Pattern); ok {
			return v
		}
	}
	n := int(s.MinLength) + g.rng.IntN(12)
	if s.MaxLength != nil && n > int(*s.MaxLength) {
		n = int(*s.MaxLength)
	}
	alphabet := []rune("abcXYZ09 -_.é日🙂")
	var b strings.Builder
	for range n {
		b.WriteRune(alphabet[g.rng.IntN(len(alphabet))])
	}
	return b.String()
}

// fromPattern makes a string that the pattern matches, by walking its syntax tree: a few
// tries, then false if none matched (a pattern with look-arounds, say).
func (g *generator) fromPattern(pattern string) (string, bool) {
	re, err := syntax.Parse(goRegexp(pattern), syntax.Perl)
	if err != nil {
		return "", false
	}
	matcher, err := regexp.Compile(goRegexp(pattern))
	if err != nil {
		return "", false
	}
	for range 5 {
		var b strings.Builder
		g.walk(&b, re)
		if v := b.String(); utf8.ValidString(v) && matcher.MatchString(v) {
			return v, true
		}
	}
	return "", false
}

func (g *generator) walk(b *strings.Builder, re *syntax.Regexp) {
	repeat := func(lo, hi int) {
		if hi < 0 || hi > lo+3 {
			hi = lo + 3
		}
		for range lo + g.rng.IntN(hi-lo+1) {
			g.walk(b, re.Sub[0])
		}
	}
	switch re.Op {
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			if re.Flags&syntax.FoldCase != 0 && g.chance(0.5) {
				r = []rune(strings.ToUpper(string(r)))[0]
			}
			b.WriteRune(r)
		}
	case syntax.OpCharClass:
		var ranges [][2]rune
		for i := 0; i+1 < len(re.Rune); i += 2 {
			lo, hi := re.Rune[i], re.Rune[i+1]
			if lo > 0xFFFF || (lo >= 0xD800 && lo <= 0xDFFF) {
				continue
			}
			hi = min(hi, lo+100, 0xD7FF)
			if lo <= hi && lo >= 0x20 {
				ranges = append(ranges, [2]rune{lo, hi})
			}
		}
		if len(ranges) > 0 {
			r := ranges[g.rng.IntN(len(ranges))]
			b.WriteRune(r[0] + rune(g.rng.IntN(int(r[1]-r[0])+1)))
		}
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		b.WriteRune([]rune("aZ9 -é")[g.rng.IntN(6)])
	case syntax.OpCapture:
		g.walk(b, re.Sub[0])
	case syntax.OpStar:
		repeat(0, 3)
	case syntax.OpPlus:
		repeat(1, 3)
	case syntax.OpQuest:
		repeat(0, 1)
	case syntax.OpRepeat:
		repeat(re.Min, re.Max)
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			g.walk(b, sub)
		}
	case syntax.OpAlternate:
		g.walk(b, re.Sub[g.rng.IntN(len(re.Sub))])
	}
}

func componentNames(m openapi3.Schemas) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// TestFastScannerEdges: bodies kin-openapi refuses for their JSON, not their values; the fast
// path must never take them. They are made from every documented request example, by
// breaking its grammar: every proper prefix, a stray character, a missing colon, a trailing
// comma, a control character in a string, single quotes, brackets that do not match.
func TestFastScannerEdges(t *testing.T) {
	n := 0
	for _, sp := range loadAll(t) {
		for _, r := range sp.Operations() {
			for name, valid := range r.RequestExamples() {
				if !r.fastRequest(newRequest(r, valid), valid) {
					t.Errorf("%s %s: fast path unsure of the documented example %s", r.OperationID(), name, valid)
					continue
				}
				for _, b := range broken(valid) {
					n++
					body := []byte(b)
					if r.fastRequest(newRequest(r, body), body) {
						t.Errorf("%s: fast path accepts %q", r.OperationID(), body)
					}
					if len(r.kinRequest(newRequest(r, body))) == 0 {
						t.Errorf("%s: kin-openapi accepts %q; the case tests nothing", r.OperationID(), body)
					}
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no documented request example to break")
	}
}

// TestFastKeepsTheStructureBounds: bodies that break CheckStructure's bounds, against schemas
// open enough to take them otherwise, are never certain for the fast path.
func TestFastKeepsTheStructureBounds(t *testing.T) {
	open := &openapi3.Schema{Type: &openapi3.Types{"object"}}
	strs := &openapi3.Schema{Type: &openapi3.Types{"object"}, AdditionalProperties: openapi3.AdditionalProperties{
		Schema: &openapi3.SchemaRef{Value: openapi3.NewStringSchema()}}}
	deep := &openapi3.Schema{Type: &openapi3.Types{"object"}, Properties: openapi3.Schemas{
		"d": {Value: &openapi3.Schema{Type: &openapi3.Types{"array"}, Items: &openapi3.SchemaRef{Value: &openapi3.Schema{}}}}}}
	nested := strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth)
	long := `"` + strings.Repeat("s", MaxStringBytes+1) + `"`
	for _, c := range []struct {
		schema *openapi3.Schema
		body   string
	}{
		{open, `{"a":1,"a":2}`},
		{open, `{"x":{"a":1,"a":2}}`},
		{open, `{"x":` + nested + `}`},
		{open, `{"x":` + long + `}`},
		{open, `{` + long + `:1}`},
		{strs, `{"a":"x","a":"y"}`},
		{strs, `{"a":` + long + `}`},
		{deep, `{"d":[` + nested + `]}`},
		{deep, `{"d":[{"a":1,"a":2}]}`},
	} {
		n := newCompiler(nil).compile(&openapi3.SchemaRef{Value: c.schema})
		if CheckStructure([]byte(c.body)) == nil {
			t.Fatalf("%.60s: the structure check takes it; the case tests nothing", c.body)
		}
		if n.valid([]byte(c.body)) {
			t.Errorf("%.60s: certain for the fast path", c.body)
		}
	}
	// Just within the bounds, the fast path stays certain.
	n := newCompiler(nil).compile(&openapi3.SchemaRef{Value: open})
	within := `{"x":` + strings.Repeat("[", MaxDepth-1) + strings.Repeat("]", MaxDepth-1) + `,"y":"` + strings.Repeat("s", MaxStringBytes) + `"}`
	if CheckStructure([]byte(within)) != nil || !n.valid([]byte(within)) {
		t.Errorf("a body just within the bounds: structure %v, fast %v", CheckStructure([]byte(within)), n.valid([]byte(within)))
	}
}

// broken returns versions of a JSON object that are not JSON.
func broken(valid []byte) []string {
	s := string(valid)
	var out []string
	for i := range len(s) {
		out = append(out, s[:i])
	}
	out = append(out, "x"+s, strings.Replace(s, `"`, `'`, -1), s[:len(s)-1]+"]", s[:len(s)-1]+",}", "{,"+s[1:])
	if i := strings.Index(s, `":`); i >= 0 {
		out = append(out, s[:i+1]+" "+s[i+2:]) // no colon
		if j := strings.Index(s[i:], `"`); j > 0 && i+2 < len(s) && s[i+2] == '"' {
			out = append(out, s[:i+3]+"\x01"+s[i+3:], s[:i+3]+"\n"+s[i+3:]) // a control character
		}
	}
	for _, lit := range []string{"true", "false", "null"} {
		if strings.Contains(s, ":"+lit) {
			out = append(out, strings.Replace(s, ":"+lit, ":"+lit[:len(lit)-1], 1), strings.Replace(s, ":"+lit, ":"+strings.ToUpper(lit), 1))
		}
	}
	if i := strings.Index(s, "["); i >= 0 {
		if j := strings.Index(s[i:], "]"); j > 0 {
			out = append(out, s[:i+j]+"}"+s[i+j+1:]) // an array closed as an object
		}
	}
	return out
}

// FuzzFastPath feeds arbitrary bytes to every fast check: whatever it accepts, kin-openapi
// must accept. go test -run '^$' -fuzz '^FuzzFastPath$' -fuzztime 1m ./engine/spec/
func FuzzFastPath(f *testing.F) {
	var all []target
	for _, sp := range loadAll(f) {
		for _, r := range sp.Operations() {
			for _, byName := range r.Examples {
				for _, ex := range byName {
					f.Add(ex)
				}
			}
			for _, ex := range r.RequestExamples() {
				f.Add(ex)
			}
			all = append(all, targets(r)...)
		}
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, tg := range all {
			if tg.fast(body) && !tg.kin(body) {
				t.Fatalf("%s: fast path accepts what kin-openapi refuses: %q", tg.name, body)
			}
			if tg.fast(body) && CheckStructure(body) != nil {
				t.Fatalf("%s: fast path accepts what the structure check refuses: %q", tg.name, body)
			}
		}
	})
}

// BenchmarkCheck compares the fast path with kin-openapi on each documented request example
// and each documented success response of the contract:
// go test -run '^$' -bench Check -benchmem ./engine/spec/
func BenchmarkCheck(b *testing.B) {
	sp := loadAll(b)[0]
	h := http.Header{"Content-Type": {"application/json"}}
	for _, r := range sp.Operations() {
		for name, body := range r.RequestExamples() {
			b.Run(r.OperationID()+"/request/"+name+"/fast", func(b *testing.B) {
				req := newRequest(r, body)
				b.ReportAllocs()
				for b.Loop() {
					if !r.fastRequest(req, body) {
						b.Fatal("not fast")
					}
				}
			})
			b.Run(r.OperationID()+"/request/"+name+"/kin-openapi", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if v := r.kinRequest(newRequest(r, body)); len(v) > 0 {
						b.Fatal(v)
					}
				}
			})
		}
		for name, body := range r.Examples[http.StatusOK] {
			b.Run(r.OperationID()+"/response/"+name+"/fast", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if !r.fastResponse(200, h, body) {
						b.Fatal("not fast")
					}
				}
			})
			b.Run(r.OperationID()+"/response/"+name+"/kin-openapi", func(b *testing.B) {
				req := newRequest(r, body)
				b.ReportAllocs()
				for b.Loop() {
					if v := r.kinResponse(req, 200, h, body); len(v) > 0 {
						b.Fatal(v)
					}
				}
			})
		}
	}
}
