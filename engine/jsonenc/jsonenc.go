// Package jsonenc encodes Go values as JSON, byte for byte as encoding/json's Marshal does, a
// few times faster for the shapes generated API models have: structs of strings, booleans,
// integers, UUIDs, times, pointers, slices and string-keyed maps. Each type is compiled once
// into a table of field encoders (nothing is written per type); anything the table does not
// cover (floats, interfaces, custom marshalers) is encoded by encoding/json, value by value,
// or the whole value is left to the caller (ok false).
//
// It exists because encoding/json's reflection, and above all its calls of the UUID and time
// marshalers with the re-compaction of their output, were the largest cost of an answer
// after validation.
package jsonenc

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strconv"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/google/uuid"

	"github.com/gitpod-mock/orgmock/engine/internal/typecache"
)

// Append appends the JSON encoding of v to b, exactly what json.Marshal(v) returns, and
// reports whether it did; when ok is false nothing was appended and the caller should use
// encoding/json (which will return the error, if there is one).
func Append(b []byte, v any) (out []byte, ok bool) {
	if v == nil {
		return append(b, "null"...), true
	}
	t := reflect.TypeOf(v)
	enc := encoderOf(t)
	if enc == nil {
		return b, false
	}
	// An interface's data word points to its value, or, for a pointer-shaped type, is it.
	p := (*[2]unsafe.Pointer)(unsafe.Pointer(&v))[1]
	if direct(t) {
		word := new(unsafe.Pointer)
		*word = p
		p = unsafe.Pointer(word)
	}
	return finish(b, enc, p)
}

// direct reports whether values of t are stored in an interface's data word itself: the
// compiler's rule for pointer-shaped types.
func direct(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Chan, reflect.Func, reflect.UnsafePointer:
		return true
	case reflect.Array:
		return t.Len() == 1 && direct(t.Elem())
	case reflect.Struct:
		return t.NumField() == 1 && direct(t.Field(0).Type)
	}
	return false
}

func finish(b []byte, enc encoder, p unsafe.Pointer) ([]byte, bool) {
	n := len(b)
	out, ok := enc(b, p)
	if !ok {
		return out[:n], false
	}
	return out, true
}

// encoder appends the encoding of the value at p; ok false when it met a value it cannot
// encode exactly (a time encoding/json refuses, say).
type encoder func(b []byte, p unsafe.Pointer) ([]byte, bool)

var encoders typecache.Cache[encoder]

// encoderOf is t's encoder; nil when t is not supported.
func encoderOf(t reflect.Type) encoder {
	e, ok := encoders.Get(t, func(t reflect.Type) (encoder, bool) {
		e := newEncoder(t)
		return e, e != nil
	}, func(wait func() (encoder, bool)) encoder {
		return func(b []byte, p unsafe.Pointer) ([]byte, bool) {
			e, ok := wait()
			if !ok {
				return b, false
			}
			return e(b, p)
		}
	})
	if !ok {
		return nil
	}
	return e
}

var (
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	uuidType          = reflect.TypeFor[uuid.UUID]()
	timeType          = reflect.TypeFor[time.Time]()
)

// marshals reports whether t has a marshaler encoding/json calls.
func marshals(t reflect.Type) bool {
	return t == uuidType || t == timeType || t.Implements(marshalerType) || t.Implements(textMarshalerType)
}

// sliceHeader is how a slice is laid out in memory.
type sliceHeader struct {
	data     unsafe.Pointer
	len, cap int
}

func newEncoder(t reflect.Type) encoder {
	switch t {
	case uuidType:
		return encodeUUID
	case timeType:
		return encodeTime
	}
	if t.Kind() == reflect.Pointer && !marshals(t.Elem()) && marshals(t) {
		return viaEncodingJSON(t) // a marshaler of pointers only: encoding/json calls it
	}
	if t.Kind() != reflect.Pointer && marshals(t) {
		return viaEncodingJSON(t)
	}
	if t.Kind() != reflect.Pointer && marshals(reflect.PointerTo(t)) {
		return nil // encoding/json would call it on addressable values only: leave it all
	}
	switch t.Kind() {
	case reflect.String:
		return func(b []byte, p unsafe.Pointer) ([]byte, bool) { return appendString(b, *(*string)(p)), true }
	case reflect.Bool:
		return func(b []byte, p unsafe.Pointer) ([]byte, bool) { return strconv.AppendBool(b, *(*bool)(p)), true }
	case reflect.Int:
		return func(b []byte, p unsafe.Pointer) ([]byte, bool) {
			return strconv.AppendInt(b, int64(*(*int)(p)), 10), true
		}
	case reflect.Int8:
		return func(b []byte, p unsafe.Pointer) ([]byte, bool) {
			return strconv.AppendInt(b, int64(*(*int8)(p)), 10), true
		}
	case reflect.Int16:
		return func(b []byte, p unsafe.Pointer) ([]byte, bool) {
			return strconv.AppendInt(b, int64(*(*int16)(p)), 10), true
		}
	case reflect.Int32:
		return func(b []byte, p unsafe.Pointer) ([]byte, bool) {
			return strconv.AppendInt(b, int64(*(*int32)(p)), 10), true
		}
	case reflect.Int64:
		return func(b []byte, p unsafe.Pointer) ([]byte, bool) { return strconv.AppendInt(b, *(*int64)(p), 10), true }
	case reflect.Uint:
		return func(b []byte, p unsafe.Pointer) ([]byte, bool) {
			return strconv.AppendUint(b, uint64(*(*uint)(p)), 10), true
		}
	case reflect.Uint16:
		return func(b []byte, p unsafe.Pointer) ([]byte, bool) {
			return strconv.AppendUint(b, uint64(*(*uint16)(p)), 10), true
		}
	case reflect.Uint32:
		return func(b []byte, p unsafe.Pointer) ([]byte, bool) {
			return strconv.AppendUint(b, uint64(*(*uint32)(p)), 10), true
		}
	case reflect.Uint64:
		return func(b []byte, p unsafe.Pointer) ([]byte, bool) { return strconv.AppendUint(b, *(*uint64)(p), 10), true }
	case reflect.Uint8, reflect.Uintptr, reflect.Float32, reflect.Float64, reflect.Interface:
		return viaEncodingJSON(t)
	case reflect.Pointer:
		elem := encoderOf(t.Elem())
		if elem == nil {
			return nil
		}
		return func(b []byte, p unsafe.Pointer) ([]byte, bool) {
			target := *(*unsafe.Pointer)(p)
			if target == nil {
				return append(b, "null"...), true
			}
			return elem(b, target)
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return viaEncodingJSON(t) // base64
		}
		elem := encoderOf(t.Elem())
		if elem == nil {
			return nil
		}
		size := t.Elem().Size()
		return func(b []byte, p unsafe.Pointer) ([]byte, bool) {
			s := (*sliceHeader)(p)
			if s.data == nil {
				return append(b, "null"...), true
			}
			b = append(b, '[')
			for i := range s.len {
				if i > 0 {
					b = append(b, ',')
				}
				var ok bool
				if b, ok = elem(b, unsafe.Add(s.data, uintptr(i)*size)); !ok {
					return b, false
				}
			}
			return append(b, ']'), true
		}
	case reflect.Map:
		if t.Key().Kind() != reflect.String || t.Key().Implements(textMarshalerType) {
			return viaEncodingJSON(t)
		}
		elem := encoderOf(t.Elem())
		if elem == nil {
			return nil
		}
		return func(b []byte, p unsafe.Pointer) ([]byte, bool) {
			v := reflect.NewAt(t, p).Elem()
			if v.IsNil() {
				return append(b, "null"...), true
			}
			keys := v.MapKeys()
			names := make([]string, len(keys))
			for i, k := range keys {
				names[i] = k.String()
			}
			order := make([]int, len(keys))
			for i := range order {
				order[i] = i
			}
			sortByName(order, names)
			item := reflect.New(t.Elem()).Elem()
			b = append(b, '{')
			for n, i := range order {
				if n > 0 {
					b = append(b, ',')
				}
				b = append(appendString(b, names[i]), ':')
				item.Set(v.MapIndex(keys[i]))
				var ok bool
				if b, ok = elem(b, item.Addr().UnsafePointer()); !ok {
					return b, false
				}
			}
			return append(b, '}'), true
		}
	case reflect.Struct:
		return structEncoder(t)
	}
	return nil
}

// field is one member of a struct's encoding.
type field struct {
	offset uintptr
	key    []byte                      // `"name":`
	empty  func(p unsafe.Pointer) bool // omitempty's test; nil without omitempty
	enc    encoder
}

func structEncoder(t reflect.Type) encoder {
	sfs, ok := typecache.Fields(t)
	if !ok {
		return nil
	}
	fields := make([]field, 0, len(sfs))
	for _, sf := range sfs {
		if sf.OmitZero {
			return nil // ",omitzero": encoding/json's
		}
		enc := encoderOf(sf.Type)
		if enc == nil {
			return nil
		}
		f := field{offset: sf.Offset, key: append(appendString(nil, sf.Name), ':'), enc: enc}
		if sf.OmitEmpty {
			f.empty = emptyTest(sf.Type)
		}
		fields = append(fields, f)
	}
	return func(b []byte, p unsafe.Pointer) ([]byte, bool) {
		b = append(b, '{')
		first := true
		for i := range fields {
			f := &fields[i]
			fp := unsafe.Add(p, f.offset)
			if f.empty != nil && f.empty(fp) {
				continue
			}
			if !first {
				b = append(b, ',')
			}
			first = false
			b = append(b, f.key...)
			var ok bool
			if b, ok = f.enc(b, fp); !ok {
				return b, false
			}
		}
		return append(b, '}'), true
	}
}

// emptyTest is encoding/json's omitempty test for values of t.
func emptyTest(t reflect.Type) func(p unsafe.Pointer) bool {
	switch t.Kind() {
	case reflect.String:
		return func(p unsafe.Pointer) bool { return len(*(*string)(p)) == 0 }
	case reflect.Slice:
		return func(p unsafe.Pointer) bool { return (*sliceHeader)(p).len == 0 }
	case reflect.Pointer:
		return func(p unsafe.Pointer) bool { return *(*unsafe.Pointer)(p) == nil }
	case reflect.Interface:
		return func(p unsafe.Pointer) bool { return (*[2]unsafe.Pointer)(p)[0] == nil }
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Map, reflect.Array:
		return func(p unsafe.Pointer) bool {
			v := reflect.NewAt(t, p).Elem()
			if v.Kind() == reflect.Map || v.Kind() == reflect.Array {
				return v.Len() == 0
			}
			return v.IsZero()
		}
	}
	return func(unsafe.Pointer) bool { return false } // structs are never empty
}

func viaEncodingJSON(t reflect.Type) encoder {
	return func(b []byte, p unsafe.Pointer) ([]byte, bool) {
		out, err := json.Marshal(reflect.NewAt(t, p).Elem().Interface())
		if err != nil {
			return b, false
		}
		return append(b, out...), true
	}
}

// encodeUUID is uuid.UUID's MarshalText, quoted: lower-case hex in 8-4-4-4-12 groups.
func encodeUUID(b []byte, p unsafe.Pointer) ([]byte, bool) {
	const digits = "0123456789abcdef"
	u := (*uuid.UUID)(p)
	b = append(b, '"')
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b = append(b, '-')
		}
		b = append(b, digits[c>>4], digits[c&0xF])
	}
	return append(b, '"'), true
}

// encodeTime is time.Time's MarshalJSON (RFC 3339 with nanoseconds, quoted); ok is false where
// that returns an error, found by the checks it makes: a year outside 0-9999, an offset of
// 24 hours or more.
func encodeTime(b []byte, p unsafe.Pointer) ([]byte, bool) {
	t := (*time.Time)(p)
	n0 := len(b)
	b = t.AppendFormat(append(b, '"'), time.RFC3339Nano)
	s := b[n0+1:]
	if len(s) < len("2006-01-02T15:04:05Z") || s[4] != '-' {
		return b[:n0], false // year outside 0-9999
	}
	if s[len(s)-1] != 'Z' {
		c, h := s[len(s)-6], 10*(s[len(s)-5]-'0')+(s[len(s)-4]-'0')
		if ('0' <= c && c <= '9') || h >= 24 {
			return b[:n0], false // offset of 24 hours or more
		}
	}
	return append(b, '"'), true
}

// appendString quotes s as encoding/json does by default: HTML-safe (<, > and & escaped),
// invalid UTF-8 as \ufffd, U+2028 and U+2029 escaped.
func appendString(b []byte, s string) []byte {
	const digits = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', digits[c>>4], digits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(append(b, s[start:i]...), `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(append(b, s[start:i]...), '\\', 'u', '2', '0', '2', digits[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	return append(append(b, s[start:]...), '"')
}

// sortByName orders the indexes in order by names[index] (insertion sort: maps of an API
// message are small).
func sortByName(order []int, names []string) {
	for i := 1; i < len(order); i++ {
		for j := i; j > 0 && names[order[j]] < names[order[j-1]]; j-- {
			order[j], order[j-1] = order[j-1], order[j]
		}
	}
}
