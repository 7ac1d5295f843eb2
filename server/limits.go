package server

import "github.com/gitpod-mock/orgmock/server/api"

// Bounds on request bodies beyond their size: no message of the API nests deeper than a few
// levels or holds a string longer than a few KiB (claimsExpression: 4096 characters).
const (
	maxJSONDepth       = 32
	maxJSONStringBytes = 64 << 10
)

// checkJSONLimits scans a valid JSON document once and refuses deep nesting and huge strings,
// before any decoder allocates for them.
func checkJSONLimits(body []byte) error {
	depth, inString, escaped, strStart := 0, false, false, 0
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
			}
			continue
		}
		switch c {
		case '"':
			inString, strStart = true, i
		case '{', '[':
			depth++
			if depth > maxJSONDepth {
				return errorf(api.ErrorCodeInvalidArgument, "request body: nested deeper than %d levels", maxJSONDepth)
			}
		case '}', ']':
			depth--
		}
	}
	return nil
}
