package jsonenc_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/gitpod-mock/orgmock/engine/jsonenc"
)

// The shapes of generated API models, and a few that the table leaves to encoding/json.
type (
	state string
	inner struct {
		ID    uuid.UUID  `json:"id"`
		Other *uuid.UUID `json:"other,omitempty"`
		At    time.Time  `json:"at"`
		When  *time.Time `json:"when,omitempty"`
		Name  *string    `json:"name,omitempty"`
		On    *bool      `json:"on,omitempty"`
	}
	model struct {
		Inner   inner              `json:"inner"`
		List    *[]inner           `json:"list,omitempty"`
		Items   []inner            `json:"items"`
		Tags    *[]string          `json:"tags,omitempty"`
		Claims  *map[string]string `json:"claims,omitempty"`
		Plain   map[string]string  `json:"plain"`
		Labels  map[string]string  `json:"labels,omitempty"`
		Extra   []string           `json:"extra,omitempty"`
		State   state              `json:"state"`
		Count   int32              `json:"count,omitempty"`
		Size    *int32             `json:"size,omitempty"`
		Big     uint64             `json:"big"`
		Flag    bool               `json:"flag,omitempty"`
		Text    string             `json:"text,omitempty"`
		Skip    string             `json:"-"`
		NoTag   string
		private string
		Ratio   float64         `json:"ratio,omitempty"`
		Any     any             `json:"any,omitempty"`
		Raw     json.RawMessage `json:"raw,omitempty"`
		Bytes   []byte          `json:"bytes,omitempty"`
	}
)

// TestAppendMatchesEncodingJSON: on random values of every shape, Append writes exactly what
// json.Marshal returns, and refuses (ok false) exactly where json.Marshal fails.
func TestAppendMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 20000 {
		v := random(rng, reflect.TypeFor[model](), 0).Interface()
		want, err := json.Marshal(v)
		got, ok := jsonenc.Append([]byte("prefix"), v)
		switch {
		case err != nil && ok:
			t.Fatalf("value %d: json.Marshal fails (%v), Append wrote %s", i, err, got)
		case err == nil && !ok:
			t.Fatalf("value %d: Append refused what json.Marshal writes: %s", i, want)
		case ok && !bytes.Equal(got, append([]byte("prefix"), want...)):
			t.Fatalf("value %d:\n got %s\nwant prefix%s", i, got, want)
		case !ok && string(got) != "prefix":
			t.Fatalf("value %d: a refusal left %q", i, got)
		}
	}
}

// TestAppendLeavesUnsupportedTypes: shapes whose encoding/json rules the table does not
// follow are refused as a whole.
func TestAppendLeavesUnsupportedTypes(t *testing.T) {
	type embedded struct{ A string }
	type withEmbedded struct {
		embedded
		B string
	}
	type withString struct {
		N int `json:"n,string"`
	}
	type badName struct {
		A string `json:"a\\b"` // encoding/json uses the field name for a tag name it refuses
	}
	type withOmitZero struct {
		N int `json:"n,omitzero"`
	}
	type foldAlike struct { // encoding/json writes both; its precedence rules are not copied here
		A string `json:"name"`
		B string `json:"NAME"`
	}
	for _, v := range []any{withEmbedded{}, withString{}, badName{}, withOmitZero{}, foldAlike{}, ptrMarshaler{}} {
		if _, ok := jsonenc.Append(nil, v); ok {
			t.Errorf("%T: encoded, want left to encoding/json", v)
		}
	}
	// Pointer-shaped values live in the interface word itself.
	name := "x<"
	type onePointer struct {
		P *string `json:"p"`
	}
	type oneStruct struct {
		In onePointer `json:"in"`
	}
	type oneString struct {
		S string `json:"s"`
	}
	m := map[string]string{"b": "1", "a": "2"}
	for _, v := range []any{&name, onePointer{&name}, oneStruct{onePointer{&name}}, oneStruct{}, oneString{"y"},
		m, &m, []string{"a"}, "s", int32(7), true, &oneString{"z"}, (*oneString)(nil)} {
		want, _ := json.Marshal(v)
		if got, ok := jsonenc.Append(nil, v); !ok || !bytes.Equal(got, want) {
			t.Errorf("%T: %s %v, want %s", v, got, ok, want)
		}
	}
	if b, ok := jsonenc.Append(nil, nil); !ok || string(b) != "null" {
		t.Errorf("nil: %s %v", b, ok)
	}
}

type ptrMarshaler struct{ A string }

func (*ptrMarshaler) MarshalJSON() ([]byte, error) { return []byte(`"ptr"`), nil }

var tricky = []string{"", "a", "é", "<b>&</b>", "quote\"back\\slash", "\x00\x1f\t\n\r\b\f", "\u2028\u2029", "\xff\xfe", "日本🙂", "a\xc3"}

// random makes a value of t, nil and empty parts included.
func random(rng *rand.Rand, t reflect.Type, depth int) reflect.Value {
	v := reflect.New(t).Elem()
	switch t {
	case reflect.TypeFor[uuid.UUID]():
		var u uuid.UUID
		for i := range u {
			u[i] = byte(rng.Uint32())
		}
		v.Set(reflect.ValueOf(u))
		return v
	case reflect.TypeFor[time.Time]():
		sec := rng.Int64N(400*365*24*3600) - 100*365*24*3600
		if rng.IntN(30) == 0 {
			sec = []int64{-62167219200 - 1, 253402300800 + 10}[rng.IntN(2)] // years -1 and 10000
		}
		tm := time.Unix(sec, rng.Int64N(1e9)).UTC()
		switch rng.IntN(4) {
		case 0:
			tm = tm.In(time.FixedZone("", (rng.IntN(47)-23)*1800))
		case 1:
			if rng.IntN(5) == 0 {
				tm = tm.In(time.FixedZone("", []int{24 * 3600, -24 * 3600, 100 * 3600}[rng.IntN(3)])) // refused
			}
		}
		v.Set(reflect.ValueOf(tm))
		return v
	case reflect.TypeFor[json.RawMessage]():
		if rng.IntN(2) == 0 {
			v.SetBytes([]byte(`{"raw": [1, 2]}`))
		}
		return v
	}
	switch t.Kind() {
	case reflect.String:
		v.SetString(tricky[rng.IntN(len(tricky))])
	case reflect.Bool:
		v.SetBool(rng.IntN(2) == 0)
	case reflect.Int32:
		v.SetInt(int64(rng.Int32()) - 1<<30)
	case reflect.Uint64:
		v.SetUint(rng.Uint64() >> rng.IntN(64))
	case reflect.Float64:
		v.SetFloat([]float64{0, 1.5, 1e21, 1e-7, -3}[rng.IntN(5)])
	case reflect.Interface:
		switch rng.IntN(3) {
		case 1:
			v.Set(reflect.ValueOf("text"))
		case 2:
			v.Set(reflect.ValueOf(map[string]any{"n": 1.5, "b": []any{true, nil}}))
		}
	case reflect.Pointer:
		if rng.IntN(3) > 0 && depth < 4 {
			p := reflect.New(t.Elem())
			p.Elem().Set(random(rng, t.Elem(), depth+1))
			v.Set(p)
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			if rng.IntN(2) == 0 {
				v.SetBytes([]byte{0, 1, 2, 255})
			}
			return v
		}
		if rng.IntN(4) == 0 || depth >= 4 {
			return v // nil
		}
		n := rng.IntN(4)
		s := reflect.MakeSlice(t, n, n)
		for i := range n {
			s.Index(i).Set(random(rng, t.Elem(), depth+1))
		}
		v.Set(s)
	case reflect.Map:
		if rng.IntN(4) == 0 {
			return v // nil
		}
		m := reflect.MakeMap(t)
		for i := range rng.IntN(5) {
			m.SetMapIndex(reflect.ValueOf(fmt.Sprint(tricky[rng.IntN(len(tricky))], i)), random(rng, t.Elem(), depth+1))
		}
		v.Set(m)
	case reflect.Struct:
		for i := range t.NumField() {
			if t.Field(i).IsExported() {
				v.Field(i).Set(random(rng, t.Field(i).Type, depth+1))
			}
		}
	}
	return v
}

// BenchmarkAppend compares the table with encoding/json on a model of the usual size.
func BenchmarkAppend(b *testing.B) {
	name, on, other := "Okta provisioning", true, uuid.New()
	v := model{Inner: inner{ID: uuid.New(), Other: &other, At: time.Now().UTC(), Name: &name, On: &on}, State: "ACTIVE"}
	b.Run("jsonenc", func(b *testing.B) {
		b.ReportAllocs()
		var buf []byte
		for b.Loop() {
			buf, _ = jsonenc.Append(buf[:0], v)
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _ = json.Marshal(v)
		}
	})
}

// TestRecursiveTypes: a type that refers to itself encodes as encoding/json does.
func TestRecursiveTypes(t *testing.T) {
	type node struct {
		Name string `json:"name"`
		Next *node  `json:"next,omitempty"`
		Kids []node `json:"kids,omitempty"`
	}
	v := node{Name: "a", Next: &node{Name: "b"}, Kids: []node{{Name: "c"}}}
	want, _ := json.Marshal(v)
	if got, ok := jsonenc.Append(nil, v); !ok || !bytes.Equal(got, want) {
		t.Errorf("got %s %v, want %s", got, ok, want)
	}
	// A recursive type the table cannot encode is refused wherever it appears (its pointer
	// type was built, with a forwarder, while it was being given up on).
	type odd struct {
		Next *odd `json:"next"`
		N    int  `json:"n,string"`
	}
	type holder struct {
		P *odd `json:"p"`
	}
	if _, ok := jsonenc.Append(nil, odd{}); ok {
		t.Error("odd was encoded")
	}
	if _, ok := jsonenc.Append(nil, holder{P: &odd{}}); ok {
		t.Error("a type with an unsupported recursive part was encoded")
	}
}
