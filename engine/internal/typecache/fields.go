package typecache

import (
	"reflect"
	"strings"
	"unicode"
)

// Field is one member of a struct as encoding/json sees it.
type Field struct {
	Name      string // the JSON name: the tag's, or the Go field's
	OmitEmpty bool   // the tag says ",omitempty"
	OmitZero  bool   // the tag says ",omitzero"
	reflect.StructField
}

// Fields lists the members encoding/json encodes and decodes for struct type t, in order.
// ok is false where its rules are more than this table: embedded fields, ",string", a tag name
// it would refuse, names that fold alike (decoding matches them case-insensitively, and
// encoding/json's precedence decides between them). The codecs then leave t to encoding/json.
func Fields(t reflect.Type) (fields []Field, ok bool) {
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.Anonymous {
			return nil, false
		}
		if !sf.IsExported() {
			continue
		}
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		f := Field{StructField: sf}
		name, opts, _ := strings.Cut(tag, ",")
		for _, o := range strings.Split(opts, ",") {
			switch o {
			case "":
			case "omitempty":
				f.OmitEmpty = true
			case "omitzero":
				f.OmitZero = true
			default:
				return nil, false // ",string" and options to come
			}
		}
		if name == "" {
			name = sf.Name
		} else if !validTagName(name) {
			return nil, false // encoding/json would use the field's name
		}
		for _, g := range fields {
			if strings.EqualFold(g.Name, name) {
				return nil, false
			}
		}
		f.Name = name
		fields = append(fields, f)
	}
	return fields, true
}

// validTagName is encoding/json's rule for a name it takes from a tag.
func validTagName(s string) bool {
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}
