package server

import (
	"encoding/json"

	"github.com/gitpod-mock/orgmock/server/api"
)

// Bounds on request bodies beyond their size: no message of the API nests deeper than a few
// levels or holds a string longer than a few KiB (claimsExpression: 4096 characters).
const (
	maxJSONDepth       = 32
	maxJSONStringBytes = 64 << 10
)

// frame is one open object or array while scanning.
type frame struct {
	object    bool
	expectKey bool
	keys      map[string]bool
}

// checkJSONStructure scans a valid JSON document once, before any decoder allocates for it,
// and refuses deep nesting, huge strings and duplicate fields (protojson refuses those too;
// encoding/json would silently keep the last one).
func checkJSONStructure(body []byte) error {
	var stack []frame
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
					top := &stack[len(stack)-1]
					name := string(body[strStart+1 : i])
					if escapedKey(body[strStart : i+1]) {
						_ = json.Unmarshal(body[strStart:i+1], &name)
					}
					if top.keys == nil {
						top.keys = map[string]bool{}
					}
					if top.keys[name] {
						return errorf(api.ErrorCodeInvalidArgument, "request body: duplicate field %q", name)
					}
					top.keys[name] = true
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
			stack = append(stack, frame{object: c == '{', expectKey: c == '{'})
		case '}', ']':
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
