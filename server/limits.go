package server

import (
	"bytes"
	"encoding/json"

	"github.com/gitpod-mock/orgmock/server/api"
)

// Bounds on request bodies beyond their size: no message of the API nests deeper than a few
// levels or holds a string longer than a few KiB (claimsExpression: 4096 characters).
const (
	maxJSONDepth       = 32
	maxJSONStringBytes = 64 << 10
)

// frame is one open object or array while scanning. An object's names so far are
// keys[start:], searched in order while they are few, and in byNames (built then) after.
type frame struct {
	object    bool
	expectKey bool
	start     int
	byNames   map[string]bool
}

// namesListed is how many names an object keeps in the shared list before it gets a map.
const namesListed = 16

// checkJSONStructure scans a valid JSON document once, before any decoder allocates for it,
// and refuses deep nesting, huge strings and duplicate fields (protojson refuses those too;
// encoding/json would silently keep the last one). Ordinary bodies cost no allocation.
func checkJSONStructure(body []byte) error {
	var stackBuf [8]frame
	var keysBuf [32][]byte
	stack, keys := stackBuf[:0], keysBuf[:0]
	inString, escaped, isKey, strStart := false, false, false, 0
	for i, c := range body {
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
				if i-strStart > maxJSONStringBytes {
					return errorf(api.ErrorCodeInvalidArgument, "request body: a string is longer than %d bytes", maxJSONStringBytes)
				}
				if isKey {
					name := body[strStart+1 : i]
					if escapedKey(body[strStart : i+1]) {
						var decoded string
						_ = json.Unmarshal(body[strStart:i+1], &decoded)
						name = []byte(decoded)
					}
					top := &stack[len(stack)-1]
					if top.byNames == nil && len(keys)-top.start < namesListed {
						for _, k := range keys[top.start:] {
							if bytes.Equal(k, name) {
								return errorf(api.ErrorCodeInvalidArgument, "request body: duplicate field %q", name)
							}
						}
						keys = append(keys, name)
						continue
					}
					if top.byNames == nil {
						top.byNames = map[string]bool{}
						for _, k := range keys[top.start:] {
							top.byNames[string(k)] = true
						}
					}
					if top.byNames[string(name)] {
						return errorf(api.ErrorCodeInvalidArgument, "request body: duplicate field %q", name)
					}
					top.byNames[string(name)] = true
				}
			}
			continue
		}
		switch c {
		case '"':
			inString, strStart = true, i
			isKey = len(stack) > 0 && stack[len(stack)-1].object && stack[len(stack)-1].expectKey
		case ':':
			stack[len(stack)-1].expectKey = false
		case ',':
			if top := &stack[len(stack)-1]; top.object {
				top.expectKey = true
			}
		case '{', '[':
			if len(stack) >= maxJSONDepth {
				return errorf(api.ErrorCodeInvalidArgument, "request body: nested deeper than %d levels", maxJSONDepth)
			}
			stack = append(stack, frame{object: c == '{', expectKey: c == '{', start: len(keys)})
		case '}', ']':
			keys = keys[:stack[len(stack)-1].start]
			stack = stack[:len(stack)-1]
		}
	}
	return nil
}

func escapedKey(quoted []byte) bool {
	for _, c := range quoted {
		if c == '\\' {
			return true
		}
	}
	return false
}
