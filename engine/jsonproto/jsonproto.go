// Package jsonproto writes a JSON message (protojson's mapping) straight into the protobuf
// wire format, from the message's descriptor: no message is built in between. It covers the
// JSON the engine's answers are made of (strings without escapes, bools, integers, enums by
// name, nested and repeated messages, string maps, Timestamps and Durations); for anything
// else Append reports false and the caller takes protojson and proto.Marshal, which cost
// several times as much. What it writes is what proto.Marshal writes up to the order of the
// fields, which the wire format leaves free.
package jsonproto

import (
	"strconv"
	"time"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/gitpod-mock/orgmock/engine/jsonscan"
)

// Append appends the wire encoding of data, a JSON object of the message md, to b; ok is
// false for JSON it does not cover or that does not fit md (then b is to be discarded).
func Append(b, data []byte, md protoreflect.MessageDescriptor) ([]byte, bool) {
	sc := jsonscan.Scanner{B: data}
	sc.Space()
	b, ok := appendMessage(b, &sc, md, 0)
	if !ok {
		return b, false
	}
	sc.Space()
	return b, !sc.More()
}

func appendMessage(b []byte, sc *jsonscan.Scanner, md protoreflect.MessageDescriptor, depth int) ([]byte, bool) {
	if depth > jsonscan.MaxDepth || !sc.Byte('{') {
		return b, false
	}
	sc.Space()
	if sc.Peek() == '}' {
		sc.I++
		return b, true
	}
	fields := md.Fields()
	var seen [4]uint64   // field numbers below 256 already read: a repeat is an error
	var oneofs [1]uint64 // oneofs (by index, below 64) one of whose members was read
	for {
		sc.Space()
		name, ok := sc.Str()
		if !ok || !sc.Byte(':') {
			return b, false
		}
		fd := fields.ByJSONName(name)
		if fd == nil {
			if fd = fields.ByName(protoreflect.Name(name)); fd == nil {
				return b, false
			}
		}
		n := int(fd.Number())
		if n >= 256 || seen[n/64]&(1<<(n%64)) != 0 {
			return b, false // a repeated member (protojson refuses it) or a large number (its case)
		}
		seen[n/64] |= 1 << (n % 64)
		if od := fd.ContainingOneof(); od != nil && !od.IsSynthetic() {
			i := od.Index()
			if i >= 64 || oneofs[0]&(1<<i) != 0 {
				return b, false
			}
			oneofs[0] |= 1 << i
		}
		sc.Space()
		if !sc.Literal("null") {
			if b, ok = appendField(b, sc, fd, depth); !ok {
				return b, false
			}
		}
		more, ok := sc.Next('}')
		if !ok {
			return b, false
		}
		if !more {
			return b, true
		}
	}
}

// appendField appends one member's value as field fd.
func appendField(b []byte, sc *jsonscan.Scanner, fd protoreflect.FieldDescriptor, depth int) ([]byte, bool) {
	switch {
	case fd.IsMap():
		return appendMap(b, sc, fd, depth)
	case fd.IsList():
		if !sc.Byte('[') {
			return b, false
		}
		sc.Space()
		if sc.Peek() == ']' {
			sc.I++
			return b, true
		}
		for {
			sc.Space()
			var ok bool
			if b, ok = appendValue(b, sc, fd, depth, true); !ok {
				return b, false
			}
			more, ok := sc.Next(']')
			if !ok {
				return b, false
			}
			if !more {
				return b, true
			}
		}
	}
	return appendValue(b, sc, fd, depth, fd.HasPresence())
}

// appendValue appends one value of fd (a singular field, or an element of a list). A zero
// scalar of a field without presence is not written, as proto.Marshal leaves it out.
func appendValue(b []byte, sc *jsonscan.Scanner, fd protoreflect.FieldDescriptor, depth int, always bool) ([]byte, bool) {
	num := fd.Number()
	switch fd.Kind() {
	case protoreflect.MessageKind:
		return appendNested(b, sc, num, fd.Message(), depth)
	case protoreflect.StringKind:
		s, ok := sc.Str()
		if !ok {
			return b, false
		}
		if s == "" && !always {
			return b, true
		}
		b = protowire.AppendTag(b, num, protowire.BytesType)
		return protowire.AppendString(b, s), true
	case protoreflect.BoolKind:
		var v bool
		switch {
		case sc.Literal("true"):
			v = true
		case sc.Literal("false"):
		default:
			return b, false
		}
		if !v && !always {
			return b, true
		}
		b = protowire.AppendTag(b, num, protowire.VarintType)
		return protowire.AppendVarint(b, protowire.EncodeBool(v)), true
	case protoreflect.EnumKind:
		var n protoreflect.EnumNumber
		if sc.Peek() == '"' {
			s, ok := sc.Str()
			if !ok {
				return b, false
			}
			v := fd.Enum().Values().ByName(protoreflect.Name(s))
			if v == nil {
				return b, false
			}
			n = v.Number()
		} else {
			i, ok := integer(sc, 32, true)
			if !ok {
				return b, false
			}
			n = protoreflect.EnumNumber(i)
		}
		if n == 0 && !always {
			return b, true
		}
		b = protowire.AppendTag(b, num, protowire.VarintType)
		return protowire.AppendVarint(b, uint64(int64(n))), true
	case protoreflect.Int32Kind, protoreflect.Int64Kind, protoreflect.Uint32Kind, protoreflect.Uint64Kind:
		bits := 64
		if fd.Kind() == protoreflect.Int32Kind || fd.Kind() == protoreflect.Uint32Kind {
			bits = 32
		}
		signed := fd.Kind() == protoreflect.Int32Kind || fd.Kind() == protoreflect.Int64Kind
		i, ok := integer(sc, bits, signed)
		if !ok {
			return b, false
		}
		if i == 0 && !always {
			return b, true
		}
		b = protowire.AppendTag(b, num, protowire.VarintType)
		return protowire.AppendVarint(b, uint64(i)), true
	}
	return b, false // floats, bytes, sint and fixed kinds: protojson's
}

// integer reads a JSON integer, or one in a string (protojson writes 64-bit ones so), that
// fits bits (as two's complement when signed).
func integer(sc *jsonscan.Scanner, bits int, signed bool) (int64, bool) {
	quoted := sc.Peek() == '"'
	if quoted {
		sc.I++
	}
	digits, ok := sc.Int()
	if !ok || quoted && !sc.Literal(`"`) {
		return 0, false
	}
	if signed {
		v, err := strconv.ParseInt(string(digits), 10, bits)
		return v, err == nil
	}
	v, err := strconv.ParseUint(string(digits), 10, bits)
	return int64(v), err == nil
}

// appendNested appends a message field: its bytes behind their length.
func appendNested(b []byte, sc *jsonscan.Scanner, num protoreflect.FieldNumber, md protoreflect.MessageDescriptor, depth int) ([]byte, bool) {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	start := len(b)
	var ok bool
	switch md.FullName() {
	case "google.protobuf.Timestamp":
		b, ok = appendTimestamp(b, sc)
	case "google.protobuf.Duration":
		b, ok = appendDuration(b, sc)
	default:
		b, ok = appendMessage(b, sc, md, depth+1)
	}
	if !ok {
		return b, false
	}
	return prefixLength(b, start), true
}

// prefixLength puts the length of b[start:] in front of it.
func prefixLength(b []byte, start int) []byte {
	n := len(b) - start
	size := protowire.SizeVarint(uint64(n))
	b = append(b, make([]byte, size)...)
	copy(b[start+size:], b[start:start+n])
	protowire.AppendVarint(b[:start], uint64(n))
	return b
}

// appendTimestamp writes an RFC 3339 string as google.protobuf.Timestamp's seconds (1) and
// nanos (2).
func appendTimestamp(b []byte, sc *jsonscan.Scanner) ([]byte, bool) {
	s, ok := sc.Str()
	if !ok || !rfc3339Shape(s) {
		return b, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return b, false
	}
	secs := t.Unix()
	if secs < minTimestamp || secs > maxTimestamp {
		return b, false // protojson refuses it: let it say so
	}
	return appendSecondsNanos(b, secs, int32(t.Nanosecond())), true
}

// The seconds of 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, google.protobuf.Timestamp's
// range.
const (
	minTimestamp = -62135596800
	maxTimestamp = 253402300799
	maxDuration  = 315576000000 // google.protobuf.Duration's bound, in seconds either way
)

// rfc3339Shape reports whether s is YYYY-MM-DDTHH:MM:SS[.1-9 digits](Z|±HH:MM) with every
// digit in place: time.Parse also takes one-digit hours and the like, which protojson does
// not.
func rfc3339Shape(s string) bool {
	const layout = "dddd-dd-ddTdd:dd:dd"
	if len(s) < len(layout)+1 {
		return false
	}
	for i := 0; i < len(layout); i++ {
		if layout[i] == 'd' && (s[i] < '0' || s[i] > '9') || layout[i] != 'd' && s[i] != layout[i] {
			return false
		}
	}
	rest := s[len(layout):]
	if rest[0] == '.' {
		n := 1
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if n == 1 || n > 10 {
			return false
		}
		rest = rest[n:]
	}
	switch {
	case rest == "Z":
		return true
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		return isDigits(rest[1:3]) && isDigits(rest[4:6])
	}
	return false
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// appendDuration writes protojson's "<seconds>[.<fraction>]s" as google.protobuf.Duration's
// seconds (1) and nanos (2).
func appendDuration(b []byte, sc *jsonscan.Scanner) ([]byte, bool) {
	s, ok := sc.Str()
	if !ok || len(s) < 2 || s[len(s)-1] != 's' {
		return b, false
	}
	s = s[:len(s)-1]
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	whole, frac := s, ""
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			whole, frac = s[:i], s[i+1:]
			break
		}
	}
	// Digits only, no leading zero, within the ±10,000 years protojson allows: anything else
	// is protojson's to judge.
	if whole == "" || len(frac) > 9 || !isDigits(whole) || !isDigits(frac) || len(whole) > 1 && whole[0] == '0' {
		return b, false
	}
	secs, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || secs > maxDuration {
		return b, false
	}
	var nanos int64
	if frac != "" {
		n, err := strconv.ParseUint(frac, 10, 32)
		if err != nil {
			return b, false
		}
		nanos = int64(n)
		for i := len(frac); i < 9; i++ {
			nanos *= 10
		}
	}
	if neg {
		secs, nanos = -secs, -nanos
	}
	return appendSecondsNanos(b, secs, int32(nanos)), true
}

func appendSecondsNanos(b []byte, secs int64, nanos int32) []byte {
	if secs != 0 {
		b = protowire.AppendTag(b, 1, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(secs))
	}
	if nanos != 0 {
		b = protowire.AppendTag(b, 2, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(int64(nanos)))
	}
	return b
}

// appendMap writes a JSON object of string keys as the map's entries (key 1, value 2).
func appendMap(b []byte, sc *jsonscan.Scanner, fd protoreflect.FieldDescriptor, depth int) ([]byte, bool) {
	if fd.MapKey().Kind() != protoreflect.StringKind || !sc.Byte('{') {
		return b, false
	}
	sc.Space()
	if sc.Peek() == '}' {
		sc.I++
		return b, true
	}
	value := fd.MapValue()
	var keys [16]string // the keys read, to refuse a repeat as protojson does; more: its case
	nkeys := 0
	for {
		sc.Space()
		key, ok := sc.Str()
		if !ok || !sc.Byte(':') || nkeys == len(keys) {
			return b, false
		}
		for _, k := range keys[:nkeys] {
			if k == key {
				return b, false
			}
		}
		keys[nkeys] = key
		nkeys++
		sc.Space()
		b = protowire.AppendTag(b, fd.Number(), protowire.BytesType)
		start := len(b)
		b = protowire.AppendTag(b, 1, protowire.BytesType)
		b = protowire.AppendString(b, key)
		if b, ok = appendValue(b, sc, value, depth, true); !ok {
			return b, false
		}
		b = prefixLength(b, start)
		more, ok := sc.Next('}')
		if !ok {
			return b, false
		}
		if !more {
			return b, true
		}
	}
}
