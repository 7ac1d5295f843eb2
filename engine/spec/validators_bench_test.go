package spec

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sort"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// BenchmarkValidators weighs the fast path against the libraries that could do its job, on
// the documented success answer of the contract's first operation that has one:
//
//	go test -run '^$' -bench Validators -benchmem ./engine/spec/
//
// kin-openapi's OpenAPI 3.0 visitor and santhosh-tekuri/jsonschema/v6 (the schema compiled
// once) both work on a decoded value, so their figures include decoding the body.
func BenchmarkValidators(b *testing.B) {
	sp := loadAll(b)[0]
	var (
		r    *Route
		body []byte
	)
	for _, op := range sp.Operations() {
		names := make([]string, 0, len(op.Examples[http.StatusOK]))
		for name := range op.Examples[http.StatusOK] {
			names = append(names, name)
		}
		if len(names) > 0 {
			sort.Strings(names)
			r, body = op, op.Examples[http.StatusOK][names[0]]
			break
		}
	}
	if r == nil {
		b.Skip("no documented success answer")
	}
	schema := r.responses[http.StatusOK]
	decode := func() any {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			b.Fatal(err)
		}
		return v
	}
	h := http.Header{"Content-Type": {"application/json"}}
	b.Run("fast path", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if !r.fastResponse(http.StatusOK, h, body) {
				b.Fatal("not fast")
			}
		}
	})
	b.Run("kin-openapi 3.0 visitor", func(b *testing.B) {
		opts := append([]openapi3.SchemaValidationOption{openapi3.VisitAsResponse()}, sp.schemaOptions...)
		b.ReportAllocs()
		for b.Loop() {
			if err := schema.VisitJSON(decode(), opts...); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("jsonschema/v6", func(b *testing.B) {
		raw, err := json.Marshal(sp.Doc)
		if err != nil {
			b.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			b.Fatal(err)
		}
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		if err := c.AddResource("doc.json", doc); err != nil {
			b.Fatal(err)
		}
		name := ""
		for n, ref := range sp.Doc.Components.Schemas {
			if ref.Value == schema {
				name = n
			}
		}
		sch, err := c.Compile("doc.json#/components/schemas/" + name)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			if err := sch.Validate(v); err != nil {
				b.Fatal(err)
			}
		}
	})
}
