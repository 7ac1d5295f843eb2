// Package jsonscan is the engine's one JSON scanner: it reads bytes in place, without decoding
// them. The fast validation path (spec), the structure check (spec) and the decoder (jsondec)
// all walk it.
package jsonscan

import (
	"unicode/utf8"
	"unsafe"
)

// MaxDepth bounds how deep Value reads.
const MaxDepth = 32

// Scanner reads JSON bytes. Its methods advance I and report whether what they read was what
// they expected.
type Scanner struct {
	B []byte // the input
	I int    // where the next read starts
}

// Space skips white space.
func (sc *Scanner) Space() {
	for sc.I < len(sc.B) {
		switch sc.B[sc.I] {
		case ' ', '\t', '\n', '\r':
			sc.I++
		default:
			return
		}
	}
}

// More reports whether bytes are left.
func (sc *Scanner) More() bool { return sc.I < len(sc.B) }

// Peek is the next byte (0 at the end).
func (sc *Scanner) Peek() byte {
	if sc.I < len(sc.B) {
		return sc.B[sc.I]
	}
	return 0
}

// Literal reads lit exactly.
func (sc *Scanner) Literal(lit string) bool {
	if len(sc.B)-sc.I < len(lit) {
		return false
	}
	for k := 0; k < len(lit); k++ {
		if sc.B[sc.I+k] != lit[k] {
			return false
		}
	}
	sc.I += len(lit)
	return true
}

// Byte reads c, after white space.
func (sc *Scanner) Byte(c byte) bool {
	sc.Space()
	if sc.I < len(sc.B) && sc.B[sc.I] == c {
		sc.I++
		return true
	}
	return false
}

// Next reads what follows a member or an element: a comma (more follow) or end (that was the
// last); ok is false for anything else.
func (sc *Scanner) Next(end byte) (more, ok bool) {
	sc.Space()
	if sc.I >= len(sc.B) {
		return false, false
	}
	switch sc.B[sc.I] {
	case ',':
		sc.I++
		return true, true
	case end:
		sc.I++
		return false, true
	}
	return false, false
}

// Str reads a string without escapes and with valid UTF-8 (anything else: false). The string
// shares the input's bytes: the caller must not keep it beyond them.
func (sc *Scanner) Str() (string, bool) {
	if sc.I >= len(sc.B) || sc.B[sc.I] != '"' {
		return "", false
	}
	start := sc.I + 1
	ascii := true
	for j := start; j < len(sc.B); j++ {
		switch strByte[sc.B[j]] {
		case byteASCII:
			continue
		case byteNonASCII:
			ascii = false
			continue
		case byteQuote:
			s := sc.B[start:j]
			if !ascii && !utf8.Valid(s) {
				return "", false
			}
			sc.I = j + 1
			if len(s) == 0 {
				return "", true
			}
			return unsafe.String(&s[0], len(s)), true
		}
		return "", false // an escape or a control character
	}
	return "", false
}

// RawString reads any string, escapes included, and returns the bounds of its contents
// (between the quotes) and whether it holds an escape.
func (sc *Scanner) RawString() (start, end int, escaped, ok bool) {
	if sc.I >= len(sc.B) || sc.B[sc.I] != '"' {
		return 0, 0, false, false
	}
	start = sc.I + 1
	for j := start; j < len(sc.B); j++ {
		switch sc.B[j] {
		case '\\':
			escaped = true
			j++
		case '"':
			sc.I = j + 1
			return start, j, escaped, true
		}
	}
	return 0, 0, false, false
}

// What a byte inside a JSON string means to Str.
const (
	byteASCII    = iota // plain
	byteNonASCII        // part of a multi-byte character: check UTF-8
	byteQuote           // the end
	byteOther           // a backslash or a control character
)

var strByte = func() (t [256]uint8) {
	for c := range t {
		switch {
		case c == '"':
			t[c] = byteQuote
		case c == '\\' || c < 0x20:
			t[c] = byteOther
		case c >= utf8.RuneSelf:
			t[c] = byteNonASCII
		}
	}
	return t
}()

// Scalar skips a number or a literal: everything up to the next delimiter.
func (sc *Scanner) Scalar() {
	for sc.I < len(sc.B) {
		switch sc.B[sc.I] {
		case ',', ']', '}', ':', ' ', '\t', '\n', '\r':
			return
		}
		sc.I++
	}
}

// Int reads -?(0|[1-9][0-9]*) of at most 18 digits (a fraction or an exponent: false) and
// returns the bytes read.
func (sc *Scanner) Int() ([]byte, bool) {
	start := sc.I
	if sc.I < len(sc.B) && sc.B[sc.I] == '-' {
		sc.I++
	}
	digits := sc.I
	for sc.I < len(sc.B) && sc.B[sc.I] >= '0' && sc.B[sc.I] <= '9' {
		sc.I++
	}
	nd := sc.I - digits
	if nd == 0 || nd > 18 || (nd > 1 && sc.B[digits] == '0') {
		return nil, false
	}
	if sc.I < len(sc.B) {
		switch sc.B[sc.I] {
		case '.', 'e', 'E':
			return nil, false
		}
	}
	return sc.B[start:sc.I], true
}

// Value reads any one JSON value, up to depth levels deep, checking its grammar as far as
// telling where it ends needs: the caller decides about the bytes read.
func (sc *Scanner) Value(depth int) bool {
	sc.Space()
	if sc.I >= len(sc.B) || depth > MaxDepth {
		return false
	}
	switch c := sc.B[sc.I]; c {
	case '"':
		_, _, _, ok := sc.RawString()
		return ok
	case '{', '[':
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
		for {
			if c == '{' {
				sc.Space()
				if _, _, _, ok := sc.RawString(); !ok {
					return false
				}
				if !sc.Byte(':') {
					return false
				}
			}
			if !sc.Value(depth + 1) {
				return false
			}
			if more, ok := sc.Next(end); !ok || !more {
				return ok
			}
		}
	default:
		start := sc.I
		sc.Scalar()
		return sc.I > start
	}
}
