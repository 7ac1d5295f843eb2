// Package jsondec decodes JSON into Go values as encoding/json's Unmarshal does, a few times
// faster, for the shapes generated API models have and the bodies validation lets through:
// objects of plain strings, booleans, integers, UUIDs, nested objects, arrays and string-keyed
// maps. Each type is compiled once into a table of field decoders (nothing is written per
// type). Whatever it is not sure of (an escape in a string, a number with a fraction, a name
// that matches a field only case-insensitively, a custom unmarshaler) makes it give up and
// leave the target untouched, for encoding/json to decode.
package jsondec

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"unsafe"

	"github.com/google/uuid"

	"github.com/gitpod-mock/orgmock/engine/internal/typecache"
	"github.com/gitpod-mock/orgmock/engine/jsonscan"
)

// Unmarshal decodes data into v, a non-nil pointer, exactly as json.Unmarshal would, and
// reports whether it did; when ok is false v is unchanged and the caller should use
// encoding/json (which also words the error, if there is one).
func Unmarshal(data []byte, v any) (ok bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return false
	}
	dec := decoderOf(rv.Type().Elem())
	if dec == nil {
		return false
	}
	// A value given up on halfway must not be left half-changed: a zero target (the usual
	// case) is decoded in place and zeroed again on failure; any other into a copy (the fields
	// the input does not name keep their values, as with encoding/json).
	target := rv.Elem()
	zero := target.IsZero()
	if !zero {
		target = reflect.New(rv.Type().Elem()).Elem()
		target.Set(rv.Elem())
	}
	sc := jsonscan.Scanner{B: data}
	if !dec(&sc, target, 0) || func() bool { sc.Space(); return sc.More() }() {
		if zero {
			target.SetZero()
		}
		return false
	}
	if !zero {
		rv.Elem().Set(target)
	}
	return true
}

// decoder reads one value into v (settable); false when it is not sure.
type decoder func(sc *jsonscan.Scanner, v reflect.Value, depth int) bool

var decoders typecache.Cache[decoder]

// decoderOf is t's decoder; nil when t is not supported.
func decoderOf(t reflect.Type) decoder {
	d, ok := decoders.Get(t, func(t reflect.Type) (decoder, bool) {
		d := newDecoder(t)
		return d, d != nil
	}, func(wait func() (decoder, bool)) decoder {
		return func(sc *jsonscan.Scanner, v reflect.Value, depth int) bool {
			d, ok := wait()
			return ok && d(sc, v, depth)
		}
	})
	if !ok {
		return nil
	}
	return d
}

var (
	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	uuidType            = reflect.TypeFor[uuid.UUID]()
)

// maxDepth bounds nesting (encoding/json's is far deeper; deeper input is left to it).
const maxDepth = jsonscan.MaxDepth

func newDecoder(t reflect.Type) decoder {
	if t == uuidType {
		return decodeUUID
	}
	if t.Kind() != reflect.Pointer && (reflect.PointerTo(t).Implements(unmarshalerType) || reflect.PointerTo(t).Implements(textUnmarshalerType)) {
		return nil // a custom unmarshaler: encoding/json's to call
	}
	switch t.Kind() {
	case reflect.String:
		return func(sc *jsonscan.Scanner, v reflect.Value, _ int) bool {
			if sc.Literal("null") {
				return true // encoding/json leaves the value as it is
			}
			s, ok := sc.Str()
			if ok {
				v.SetString(strings.Clone(s))
			}
			return ok
		}
	case reflect.Bool:
		return func(sc *jsonscan.Scanner, v reflect.Value, _ int) bool {
			switch {
			case sc.Literal("true"):
				v.SetBool(true)
			case sc.Literal("false"):
				v.SetBool(false)
			case sc.Literal("null"):
			default:
				return false
			}
			return true
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		bits := t.Bits()
		return func(sc *jsonscan.Scanner, v reflect.Value, _ int) bool {
			if sc.Literal("null") {
				return true
			}
			raw, ok := sc.Int()
			if !ok {
				return false
			}
			n, err := strconv.ParseInt(unsafe.String(&raw[0], len(raw)), 10, bits)
			if err != nil {
				return false
			}
			v.SetInt(n)
			return true
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		bits := t.Bits()
		return func(sc *jsonscan.Scanner, v reflect.Value, _ int) bool {
			if sc.Literal("null") {
				return true
			}
			raw, ok := sc.Int()
			if !ok || raw[0] == '-' {
				return false
			}
			n, err := strconv.ParseUint(unsafe.String(&raw[0], len(raw)), 10, bits)
			if err != nil {
				return false
			}
			v.SetUint(n)
			return true
		}
	case reflect.Pointer:
		elem := decoderOf(t.Elem())
		if elem == nil {
			return nil
		}
		return func(sc *jsonscan.Scanner, v reflect.Value, depth int) bool {
			if sc.Literal("null") {
				v.SetZero()
				return true
			}
			// A new value (holding the old one's), so that the old is never changed in place.
			p := reflect.New(t.Elem())
			if !v.IsNil() {
				p.Elem().Set(v.Elem())
			}
			if !elem(sc, p.Elem(), depth) {
				return false
			}
			v.Set(p)
			return true
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return nil // base64
		}
		elem := decoderOf(t.Elem())
		if elem == nil {
			return nil
		}
		return func(sc *jsonscan.Scanner, v reflect.Value, depth int) bool {
			if sc.Literal("null") {
				v.SetZero()
				return true
			}
			if depth >= maxDepth || !sc.Byte('[') {
				return false
			}
			out := reflect.MakeSlice(t, 0, 0)
			if sc.Byte(']') {
				v.Set(out)
				return true
			}
			// encoding/json decodes element i into what the old backing array holds there (a
			// null leaves it): start each element from that.
			old := v.Slice(0, v.Cap())
			for i := 0; ; i++ {
				item := reflect.New(t.Elem()).Elem()
				if i < old.Len() {
					item.Set(old.Index(i))
				}
				sc.Space()
				if !elem(sc, item, depth+1) {
					return false
				}
				out = reflect.Append(out, item)
				more, ok := sc.Next(']')
				if !ok {
					return false
				}
				if !more {
					v.Set(out)
					return true
				}
			}
		}
	case reflect.Map:
		if t.Key().Kind() != reflect.String || reflect.PointerTo(t.Key()).Implements(textUnmarshalerType) {
			return nil
		}
		elem := decoderOf(t.Elem())
		if elem == nil {
			return nil
		}
		return func(sc *jsonscan.Scanner, v reflect.Value, depth int) bool {
			if sc.Literal("null") {
				v.SetZero()
				return true
			}
			if depth >= maxDepth || !sc.Byte('{') {
				return false
			}
			// A new map (holding the old one's entries), so that the old is never changed.
			m := reflect.MakeMap(t)
			if !v.IsNil() {
				iter := v.MapRange()
				for iter.Next() {
					m.SetMapIndex(iter.Key(), iter.Value())
				}
			}
			if sc.Byte('}') {
				v.Set(m)
				return true
			}
			for {
				sc.Space()
				key, ok := sc.Str()
				if !ok || !sc.Byte(':') {
					return false
				}
				item := reflect.New(t.Elem()).Elem()
				sc.Space()
				if !elem(sc, item, depth+1) {
					return false
				}
				m.SetMapIndex(reflect.ValueOf(strings.Clone(key)).Convert(t.Key()), item)
				more, ok := sc.Next('}')
				if !ok {
					return false
				}
				if !more {
					v.Set(m)
					return true
				}
			}
		}
	case reflect.Struct:
		return structDecoder(t)
	}
	return nil // floats, interfaces, arrays, ...: encoding/json's
}

// field is one member of a struct's decoding.
type field struct {
	name  string
	index int
	dec   decoder
}

func structDecoder(t reflect.Type) decoder {
	sfs, ok := typecache.Fields(t)
	if !ok {
		return nil
	}
	fields := make([]field, 0, len(sfs))
	for _, sf := range sfs {
		dec := decoderOf(sf.Type)
		if dec == nil {
			return nil
		}
		fields = append(fields, field{name: sf.Name, index: sf.Index[0], dec: dec})
	}
	return func(sc *jsonscan.Scanner, v reflect.Value, depth int) bool {
		if sc.Literal("null") {
			return true
		}
		if depth >= maxDepth || !sc.Byte('{') {
			return false
		}
		if sc.Byte('}') {
			return true
		}
		for {
			sc.Space()
			key, ok := sc.Str()
			if !ok || !sc.Byte(':') {
				return false
			}
			sc.Space()
			f := lookup(fields, key)
			switch {
			case f != nil:
				if !f.dec(sc, v.Field(f.index), depth+1) {
					return false
				}
			case folds(fields, key):
				return false // encoding/json would take it for that field
			default: // a member no field takes: skipped, if it is JSON
				start := sc.I
				if !sc.Value(depth+1) || !json.Valid(sc.B[start:sc.I]) {
					return false
				}
			}
			more, ok := sc.Next('}')
			if !ok {
				return false
			}
			if !more {
				return true
			}
		}
	}
}

func lookup(fields []field, name string) *field {
	for i := range fields {
		if fields[i].name == name {
			return &fields[i]
		}
	}
	return nil
}

func folds(fields []field, name string) bool {
	for _, f := range fields {
		if strings.EqualFold(f.name, name) {
			return true
		}
	}
	return false
}

// decodeUUID is uuid.UUID's UnmarshalText on a plain string.
func decodeUUID(sc *jsonscan.Scanner, v reflect.Value, _ int) bool {
	if sc.Literal("null") {
		return true
	}
	s, ok := sc.Str()
	if !ok {
		return false
	}
	u, err := uuid.Parse(s)
	if err != nil {
		return false
	}
	*(*uuid.UUID)(v.Addr().UnsafePointer()) = u // every value decoded into is addressable
	return true
}
