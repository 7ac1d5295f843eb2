package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/gitpod-mock/orgmock/engine/jsonscan"
)

// Bounds on request bodies beyond their size: nesting depth and string length.
const (
	MaxDepth       = jsonscan.MaxDepth
	MaxStringBytes = 64 << 10
)

// scanner is the engine's JSON scanner, which the fast path (fast.go) walks along a compiled
// schema and CheckStructure walks alone.
type scanner struct {
	jsonscan.Scanner
	depth int // containers open around the value being read
}

// StructureError is a body refused for its shape rather than its values.
type StructureError struct {
	Message string // "request body: ..." naming the bound
}

// Error is the message.
func (e *StructureError) Error() string { return e.Message }

// namesListed is how many names an object keeps in the shared list before it gets a map.
const namesListed = 16

// CheckStructure scans a well-formed JSON document once, before any decoder allocates for
// it, and refuses nesting deeper than MaxDepth, strings longer than MaxStringBytes and
// duplicate member names (protojson refuses those; encoding/json would silently keep the
// last one).
func CheckStructure(body []byte) error {
	w := walker{sc: jsonscan.Scanner{B: body}}
	return w.value(0)
}

// walker is CheckStructure's state: the member names of the open objects, innermost last.
type walker struct {
	sc    jsonscan.Scanner
	names [][]byte
}

func (w *walker) value(depth int) error {
	sc := &w.sc
	sc.Space()
	if sc.I >= len(sc.B) {
		return nil
	}
	switch c := sc.B[sc.I]; c {
	case '"':
		start, end, _, ok := sc.RawString()
		if ok && end-start > MaxStringBytes {
			return tooLong()
		}
		return nil
	case '{', '[':
		if depth >= MaxDepth {
			return &StructureError{fmt.Sprintf("request body: nested deeper than %d levels", MaxDepth)}
		}
		sc.I++
		first := len(w.names)
		var byName map[string]bool // once the object has more than namesListed names
		defer func() { w.names = w.names[:first] }()
		for {
			sc.Space()
			if sc.I >= len(sc.B) {
				return nil
			}
			switch sc.B[sc.I] {
			case '}', ']':
				sc.I++
				return nil
			case ',':
				sc.I++
				continue
			}
			if c == '{' {
				start, end, escaped, ok := sc.RawString()
				if !ok {
					return nil // not JSON: the caller checked it already, so this cannot be
				}
				if end-start > MaxStringBytes {
					return tooLong()
				}
				name := sc.B[start:end]
				if escaped {
					var decoded string
					_ = json.Unmarshal(sc.B[start-1:end+1], &decoded)
					name = []byte(decoded)
				}
				if byName == nil && len(w.names)-first < namesListed {
					for _, k := range w.names[first:] {
						if bytes.Equal(k, name) {
							return duplicate(name)
						}
					}
					w.names = append(w.names, name)
				} else {
					if byName == nil {
						byName = map[string]bool{}
						for _, k := range w.names[first:] {
							byName[string(k)] = true
						}
					}
					if byName[string(name)] {
						return duplicate(name)
					}
					byName[string(name)] = true
				}
				sc.Space()
				if sc.I < len(sc.B) && sc.B[sc.I] == ':' {
					sc.I++
				}
			}
			before := sc.I
			if err := w.value(depth + 1); err != nil {
				return err
			}
			if sc.I == before {
				return nil // not JSON (the caller checked it already): stop rather than spin
			}
		}
	default:
		sc.Scalar()
		return nil
	}
}

func tooLong() error {
	return &StructureError{fmt.Sprintf("request body: a string is longer than %d bytes", MaxStringBytes)}
}

func duplicate(name []byte) error {
	return &StructureError{fmt.Sprintf("request body: duplicate field %q", name)}
}

// IsStructureError reports whether err is CheckStructure's.
func IsStructureError(err error) bool {
	var se *StructureError
	return errors.As(err, &se)
}
