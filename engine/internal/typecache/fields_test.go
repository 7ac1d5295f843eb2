package typecache

import (
	"reflect"
	"testing"
)

func TestFields(t *testing.T) {
	type inner struct{ A string }
	type plain struct {
		A      string `json:"a,omitempty"`
		B      int    `json:",omitzero"`
		C      bool
		Skip   string `json:"-"`
		hidden string
		D      string `json:"-,"` // the name "-"
	}
	got, ok := Fields(reflect.TypeFor[plain]())
	if !ok {
		t.Fatal("plain struct refused")
	}
	type row struct {
		name                string
		index               int
		omitEmpty, omitZero bool
	}
	want := []row{{"a", 0, true, false}, {"B", 1, false, true}, {"C", 2, false, false}, {"-", 5, false, false}}
	if len(got) != len(want) {
		t.Fatalf("got %d fields %+v, want %+v", len(got), got, want)
	}
	for i, f := range got {
		if r := (row{f.Name, f.Index[0], f.OmitEmpty, f.OmitZero}); r != want[i] {
			t.Errorf("field %d: got %+v, want %+v", i, r, want[i])
		}
	}

	for _, typ := range []reflect.Type{
		reflect.TypeFor[struct{ inner }](),
		reflect.TypeFor[struct {
			N int `json:"n,string"`
		}](),
		reflect.TypeFor[struct {
			A string `json:"a\\b"`
		}](),
		reflect.TypeFor[struct {
			A string `json:"name"`
			B string `json:"NAME"`
		}](),
	} {
		if fs, ok := Fields(typ); ok {
			t.Errorf("%v: got %+v, want refused", typ, fs)
		}
	}
	_ = plain{hidden: ""}
}
