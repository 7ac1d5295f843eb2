package server

import (
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/gitpod-mock/orgmock/server/api"
)

// The flat SCIM request bodies (Get, Update, Delete, Regenerate: an ID and a few optional
// scalars) are decoded by hand when the fast path has already found them valid, which rules
// out escapes, unknown and duplicate names, nesting and wrong types. encoding/json's
// reflection was the largest cost left in a call. The result is exactly encoding/json's
// (decode_test.go compares them); anything a decoder is not sure of goes to encoding/json.

// decodeKnown fills v from a body the fast path accepted, when v is one of the flat bodies;
// false leaves v alone for encoding/json.
func decodeKnown(body []byte, v any) bool {
	switch v := v.(type) {
	case *api.GetSCIMConfigurationJSONRequestBody:
		var out api.GetSCIMConfigurationJSONRequestBody
		return eachField(body, func(name, val []byte) bool {
			return string(name) == "scimConfigurationId" && setUUID(&out.ScimConfigurationId, val)
		}) && assign(v, out)
	case *api.DeleteSCIMConfigurationJSONRequestBody:
		var out api.DeleteSCIMConfigurationJSONRequestBody
		return eachField(body, func(name, val []byte) bool {
			return string(name) == "scimConfigurationId" && setUUID(&out.ScimConfigurationId, val)
		}) && assign(v, out)
	case *api.RegenerateSCIMTokenJSONRequestBody:
		var out api.RegenerateSCIMTokenJSONRequestBody
		return eachField(body, func(name, val []byte) bool {
			switch string(name) {
			case "scimConfigurationId":
				return setUUID(&out.ScimConfigurationId, val)
			case "tokenExpiresIn":
				return setOptString(&out.TokenExpiresIn, val)
			}
			return false
		}) && assign(v, out)
	case *api.UpdateSCIMConfigurationJSONRequestBody:
		var out api.UpdateSCIMConfigurationJSONRequestBody
		return eachField(body, func(name, val []byte) bool {
			switch string(name) {
			case "scimConfigurationId":
				return setUUID(&out.ScimConfigurationId, val)
			case "name":
				return setOptString(&out.Name, val)
			case "enabled":
				return setOptBool(&out.Enabled, val)
			case "ssoConfigurationId":
				return setOptUUID(&out.SsoConfigurationId, val)
			case "allowUnverifiedEmailAccountLinking":
				return setOptBool(&out.AllowUnverifiedEmailAccountLinking, val)
			}
			return false
		}) && assign(v, out)
	}
	return false
}

func assign[T any](dst *T, v T) bool {
	*dst = v
	return true
}

// eachField calls f with each name and raw value of a flat JSON object whose names and
// string values have no escapes and whose values are strings, true, false or null. It stops
// with false at anything else, and so does f for a name or value it does not take.
func eachField(b []byte, f func(name, val []byte) bool) bool {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return skipSpace(b, i+1) == len(b)
	}
	for {
		name, next, ok := plainString(b, i)
		if !ok {
			return false
		}
		i = skipSpace(b, next)
		if i >= len(b) || b[i] != ':' {
			return false
		}
		i = skipSpace(b, i+1)
		var end int
		switch {
		case i >= len(b):
			return false
		case b[i] == '"':
			if _, end, ok = plainString(b, i); !ok {
				return false
			}
		default:
			end = i
			for end < len(b) && b[end] >= 'a' && b[end] <= 'z' {
				end++
			}
		}
		if !f(name, b[i:end]) {
			return false
		}
		i = skipSpace(b, end)
		if i >= len(b) {
			return false
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			return skipSpace(b, i+1) == len(b)
		default:
			return false
		}
	}
}

// plainString returns the contents of the string starting at b[i] and the index after it;
// ok is false for anything but a string without escapes or control characters.
func plainString(b []byte, i int) ([]byte, int, bool) {
	if i >= len(b) || b[i] != '"' {
		return nil, 0, false
	}
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			return b[i+1 : j], j + 1, true
		case c == '\\' || c < 0x20:
			return nil, 0, false
		}
	}
	return nil, 0, false
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

func setUUID(dst *uuid.UUID, val []byte) bool {
	s, _, ok := plainString(val, 0)
	if !ok {
		return false
	}
	u, err := uuid.ParseBytes(s)
	if err != nil || len(s) != 36 {
		return false
	}
	*dst = u
	return true
}

func setOptUUID(dst **uuid.UUID, val []byte) bool {
	if string(val) == "null" {
		*dst = nil
		return true
	}
	var u uuid.UUID
	if !setUUID(&u, val) {
		return false
	}
	*dst = &u
	return true
}

func setOptString(dst **string, val []byte) bool {
	if string(val) == "null" {
		*dst = nil
		return true
	}
	s, _, ok := plainString(val, 0)
	if !ok || !utf8.Valid(s) {
		return false
	}
	str := string(s)
	*dst = &str
	return true
}

func setOptBool(dst **bool, val []byte) bool {
	var v bool
	switch string(val) {
	case "null":
		*dst = nil
		return true
	case "true":
		v = true
	case "false":
	default:
		return false
	}
	*dst = &v
	return true
}
