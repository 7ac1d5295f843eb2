package jsondec_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/gitpod-mock/orgmock/engine/jsondec"
)

// The shapes of generated request bodies.
type (
	state string
	page  struct {
		Token    *string `json:"token,omitempty"`
		PageSize *int32  `json:"pageSize,omitempty"`
	}
	scopes struct {
		Scopes *[]string `json:"scopes,omitempty"`
	}
	body struct {
		ID         uuid.UUID          `json:"id"`
		Other      *uuid.UUID         `json:"other,omitempty"`
		Name       *string            `json:"name,omitempty"`
		Text       string             `json:"text"`
		On         *bool              `json:"on,omitempty"`
		Flag       bool               `json:"flag"`
		State      *state             `json:"state,omitempty"`
		Count      int32              `json:"count"`
		Big        uint8              `json:"big"`
		Pagination *page              `json:"pagination,omitempty"`
		Scopes     *scopes            `json:"scopes,omitempty"`
		Tags       *[]string          `json:"tags,omitempty"`
		Claims     *map[string]string `json:"claims,omitempty"`
		Plain      map[string]string  `json:"plain,omitempty"`
		List       []page             `json:"list,omitempty"`
		NoTag      string
		Skipped    string `json:"-"`
	}
)

// TestUnmarshalMatchesEncodingJSON: on random documents, valid and broken, Unmarshal either
// gives up and leaves the target as it was, or produces exactly what json.Unmarshal does.
func TestUnmarshalMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	decoded := 0
	for i := range 30000 {
		doc := document(rng, reflect.TypeFor[body](), 0)
		if rng.IntN(4) == 0 {
			doc = mutate(rng, doc)
		}
		kind := rng.IntN(2)
		start, want, got := prefilled(kind), prefilled(kind), prefilled(kind)
		wantErr := json.Unmarshal([]byte(doc), &want)
		if !jsondec.Unmarshal([]byte(doc), &got) {
			if !reflect.DeepEqual(got, start) {
				t.Fatalf("document %d %s: given up, but the target changed:\n got %+v\nwant %+v", i, doc, got, start)
			}
			continue
		}
		decoded++
		if wantErr != nil {
			t.Fatalf("document %d %s: json.Unmarshal fails (%v), Unmarshal decoded %+v", i, doc, wantErr, got)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("document %d %s:\n got %+v\nwant %+v", i, doc, got, want)
		}
	}
	t.Logf("decoded %d of 30000 documents itself", decoded)
	if decoded < 10000 {
		t.Errorf("only %d documents decoded without encoding/json: the table gives up too often", decoded)
	}
}

// TestUnmarshalGivesUp: what the table leaves to encoding/json.
func TestUnmarshalGivesUp(t *testing.T) {
	type withFloat struct {
		F float64 `json:"f"`
	}
	var b body
	for _, doc := range []string{
		`{"text":"esc\u0061ped"}`, `{"TEXT":"x"}`, `{"count":1.0}`, `{"count":1e2}`, `{"count":2147483648}`,
		`{"text":"x"} x`, `{"text":"x",}`, `{"id":"not-a-uuid"}`, `{"plain":{"k":1}}`, `{"unknown":tru}`, `[]`, ``,
	} {
		if jsondec.Unmarshal([]byte(doc), &b) {
			t.Errorf("%s: decoded, want given up", doc)
		}
	}
	if jsondec.Unmarshal([]byte(`{"f":1}`), &withFloat{}) || jsondec.Unmarshal([]byte(`{}`), nil) || jsondec.Unmarshal([]byte(`{}`), b) {
		t.Error("an unsupported type or target was decoded")
	}
	if !jsondec.Unmarshal([]byte(` {"unknown":{"a":[1,"x",null]},"text":"y"} `), &b) || b.Text != "y" {
		t.Errorf("unknown members are skipped: %+v", b)
	}
}

var strs = []string{"", "a", "é", "日本🙂", "<&>", "x y", "Token"}

// document writes a random JSON document for t, with nulls, missing and unknown members.
func document(rng *rand.Rand, t reflect.Type, depth int) string {
	if rng.IntN(12) == 0 {
		return "null"
	}
	switch t {
	case reflect.TypeFor[uuid.UUID]():
		u := uuid.UUID{}
		for i := range u {
			u[i] = byte(rng.Uint32())
		}
		s := u.String()
		if rng.IntN(5) == 0 {
			s = strings.ToUpper(s)
		}
		return `"` + s + `"`
	}
	switch t.Kind() {
	case reflect.Pointer:
		return document(rng, t.Elem(), depth)
	case reflect.String:
		return fmt.Sprintf("%q", strs[rng.IntN(len(strs))])
	case reflect.Bool:
		return fmt.Sprint(rng.IntN(2) == 0)
	case reflect.Int32:
		if rng.IntN(10) == 0 {
			return fmt.Sprint(rng.Int64N(1<<33) - 1<<32) // often out of range
		}
		return fmt.Sprint(rng.Int32N(1000) - 500)
	case reflect.Uint8:
		if rng.IntN(10) == 0 {
			return fmt.Sprint(rng.IntN(300) - 20)
		}
		return fmt.Sprint(rng.IntN(256))
	case reflect.Slice:
		if depth > 3 {
			return "[]"
		}
		var items []string
		for range rng.IntN(4) {
			items = append(items, document(rng, t.Elem(), depth+1))
		}
		return "[" + strings.Join(items, ",") + "]"
	case reflect.Map:
		var items []string
		for i := range rng.IntN(4) {
			items = append(items, fmt.Sprintf("%q:%s", fmt.Sprint("k", i%3), document(rng, t.Elem(), depth+1)))
		}
		return "{" + strings.Join(items, ",") + "}"
	case reflect.Struct:
		var items []string
		for i := range t.NumField() {
			f := t.Field(i)
			if rng.IntN(3) == 0 || f.Tag.Get("json") == "-" {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" {
				name = f.Name
			}
			if rng.IntN(20) == 0 {
				name = strings.ToUpper(name) // matches case-insensitively
			}
			items = append(items, fmt.Sprintf("%q:%s", name, document(rng, f.Type, depth+1)))
		}
		if rng.IntN(8) == 0 {
			items = append(items, `"extra":{"a":[1,2.5,"s"]}`)
		}
		if len(items) > 1 && rng.IntN(10) == 0 {
			items = append(items, items[0]) // a repeated member: the last wins
		}
		rng.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
		return "{" + strings.Join(items, ", ") + "}"
	}
	return "null"
}

// mutate breaks a document in one small way.
func mutate(rng *rand.Rand, doc string) string {
	if doc == "" {
		return "{"
	}
	i := rng.IntN(len(doc))
	switch rng.IntN(5) {
	case 0:
		return doc[:i] + doc[i+1:]
	case 1:
		chars := "{}[],:\"\\1e.-tn "
		return doc[:i] + string(chars[rng.IntN(len(chars))]) + doc[i:]
	case 2:
		return doc[:i]
	case 3:
		return strings.Replace(doc, `"`, `"\u00`+"41", 1)
	default:
		return doc + " 1"
	}
}

// prefilled is a target (a new one each call) that already holds values, which a decoding
// must keep or replace exactly as encoding/json does.
func prefilled(kind int) body {
	if kind == 0 {
		return body{}
	}
	name, token, tags := "old", "old-token", []string{"old"}
	claims := map[string]string{"k0": "old", "keep": "old"}
	return body{Name: &name, Text: "old", Count: 7, Tags: &tags, Claims: &claims, Plain: map[string]string{"keep": "x"},
		Pagination: &page{Token: &token}}
}

func BenchmarkUnmarshal(b *testing.B) {
	doc := []byte(`{"id":"d2c94c27-3b76-4a42-b88c-95a85e392c68","name":"Okta","on":true,"pagination":{"pageSize":20}}`)
	b.Run("jsondec", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var v body
			if !jsondec.Unmarshal(doc, &v) {
				b.Fatal("given up")
			}
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var v body
			if err := json.Unmarshal(doc, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestRecursiveTypes: a type that refers to itself decodes, and one that cannot be decoded is
// refused wherever it appears, never a nil call.
func TestRecursiveTypes(t *testing.T) {
	type node struct {
		Name string `json:"name"`
		Next *node  `json:"next"`
	}
	var n node
	if !jsondec.Unmarshal([]byte(`{"name":"a","next":{"name":"b","next":null}}`), &n) || n.Next == nil || n.Next.Name != "b" {
		t.Errorf("recursive type: %+v", n)
	}
	type odd struct {
		Next *odd    `json:"next"`
		F    float64 `json:"f"` // not decoded by the table
	}
	type holder struct {
		P *odd `json:"p"`
	}
	var o odd
	if jsondec.Unmarshal([]byte(`{"next":null}`), &o) { // builds *odd with odd still unknown
		t.Errorf("odd was decoded")
	}
	var h holder
	if jsondec.Unmarshal([]byte(`{"p":{"next":null}}`), &h) {
		t.Errorf("a type with an unsupported recursive part was decoded: %+v", h)
	}
}
