package server

import (
	"net/http"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/gitpod-mock/orgmock/server/api"
)

// The SCIM operations' answers are encoded by hand. encoding/json spends most of its time
// on reflection and on the time and UUID marshalers, and was the largest cost of a call
// after validation. The types below wrap the generated 200 responses and implement the
// generated Visit methods; the bytes are exactly what encoding/json writes for the wrapped
// value (encode_test.go compares them on generated records, and fails when the generated
// models gain a field this file does not know). Whatever these encoders are not sure of (a
// time encoding/json would refuse) goes to the generated code. Response validation then
// checks the bytes like any answer.

type (
	getSCIMResponse        api.GetSCIMConfiguration200JSONResponse
	updateSCIMResponse     api.UpdateSCIMConfiguration200JSONResponse
	createSCIMResponse     api.CreateSCIMConfiguration200JSONResponse
	listSCIMResponse       api.ListSCIMConfigurations200JSONResponse
	regenerateSCIMResponse api.RegenerateSCIMToken200JSONResponse
)

func (r getSCIMResponse) VisitGetSCIMConfigurationResponse(w http.ResponseWriter) error {
	if wrote, err := writeOneSCIM(w, r.ScimConfiguration); wrote {
		return err
	}
	return api.GetSCIMConfiguration200JSONResponse(r).VisitGetSCIMConfigurationResponse(w)
}

func (r updateSCIMResponse) VisitUpdateSCIMConfigurationResponse(w http.ResponseWriter) error {
	if wrote, err := writeOneSCIM(w, r.ScimConfiguration); wrote {
		return err
	}
	return api.UpdateSCIMConfiguration200JSONResponse(r).VisitUpdateSCIMConfigurationResponse(w)
}

// writeOneSCIM writes {"scimConfiguration":{...}} as the 200 answer; wrote is false, and
// nothing is written, when the encoder is not sure (the caller then uses the generated code).
func writeOneSCIM(w http.ResponseWriter, c api.SCIMConfiguration) (wrote bool, err error) {
	p := getBuf()
	defer putBuf(p)
	b, ok := appendOneSCIM(*p, c)
	*p = b
	if !ok {
		return false, nil
	}
	return true, writeJSON(w, b)
}

func (r createSCIMResponse) VisitCreateSCIMConfigurationResponse(w http.ResponseWriter) error {
	p := getBuf()
	defer putBuf(p)
	b, ok := appendSCIM(append(*p, `{"scimConfiguration":`...), r.ScimConfiguration)
	b = appendString(append(b, `,"token":`...), r.Token)
	b, ok2 := appendTime(append(b, `,"tokenExpiresAt":`...), r.TokenExpiresAt)
	*p = b
	if ok && ok2 {
		return writeJSON(w, append(b, "}\n"...))
	}
	return api.CreateSCIMConfiguration200JSONResponse(r).VisitCreateSCIMConfigurationResponse(w)
}

func (r listSCIMResponse) VisitListSCIMConfigurationsResponse(w http.ResponseWriter) error {
	p := getBuf()
	defer putBuf(p)
	b := append(*p, `{"pagination":{`...)
	if r.Pagination.NextToken != nil {
		b = appendString(append(b, `"nextToken":`...), *r.Pagination.NextToken)
	}
	b = append(b, '}')
	ok := true
	if r.ScimConfigurations != nil && *r.ScimConfigurations == nil {
		b = append(b, `,"scimConfigurations":null`...) // what encoding/json writes for a nil slice
	} else if r.ScimConfigurations != nil {
		b = append(b, `,"scimConfigurations":[`...)
		for i, c := range *r.ScimConfigurations {
			if i > 0 {
				b = append(b, ',')
			}
			var ok1 bool
			b, ok1 = appendSCIM(b, c)
			ok = ok && ok1
		}
		b = append(b, ']')
	}
	*p = b
	if ok {
		return writeJSON(w, append(b, "}\n"...))
	}
	return api.ListSCIMConfigurations200JSONResponse(r).VisitListSCIMConfigurationsResponse(w)
}

func (r regenerateSCIMResponse) VisitRegenerateSCIMTokenResponse(w http.ResponseWriter) error {
	p := getBuf()
	defer putBuf(p)
	b := appendString(append(*p, `{"token":`...), r.Token)
	b, ok := appendTime(append(b, `,"tokenExpiresAt":`...), r.TokenExpiresAt)
	*p = b
	if ok {
		return writeJSON(w, append(b, "}\n"...))
	}
	return api.RegenerateSCIMToken200JSONResponse(r).VisitRegenerateSCIMTokenResponse(w)
}

// appendOneSCIM is {"scimConfiguration":{...}} and the newline json.Encoder ends with.
func appendOneSCIM(b []byte, c api.SCIMConfiguration) ([]byte, bool) {
	b, ok := appendSCIM(append(b, `{"scimConfiguration":`...), c)
	return append(b, "}\n"...), ok
}

// appendSCIM encodes a SCIM configuration as encoding/json does: fields in declaration
// order, omitempty fields left out when nil.
func appendSCIM(b []byte, c api.SCIMConfiguration) ([]byte, bool) {
	b = append(b, '{')
	if c.AllowUnverifiedEmailAccountLinking != nil {
		b = appendBool(append(b, `"allowUnverifiedEmailAccountLinking":`...), *c.AllowUnverifiedEmailAccountLinking)
		b = append(b, ',')
	}
	b, ok1 := appendTime(append(b, `"createdAt":`...), c.CreatedAt)
	if c.Enabled != nil {
		b = appendBool(append(b, `,"enabled":`...), *c.Enabled)
	}
	b = appendUUID(append(b, `,"id":`...), c.Id)
	if c.Name != nil {
		b = appendString(append(b, `,"name":`...), *c.Name)
	}
	b = appendUUID(append(b, `,"organizationId":`...), c.OrganizationId)
	if c.SsoConfigurationId != nil {
		b = appendUUID(append(b, `,"ssoConfigurationId":`...), *c.SsoConfigurationId)
	}
	b, ok2 := appendTime(append(b, `,"tokenExpiresAt":`...), c.TokenExpiresAt)
	b, ok3 := appendTime(append(b, `,"updatedAt":`...), c.UpdatedAt)
	return append(b, '}'), ok1 && ok2 && ok3
}

// encodeBufs hold the encoders' buffers between answers (the bytes are copied out by
// Write); buffers that grew past maxPooledBuf, for a long list, are left to the GC.
var encodeBufs = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

const maxPooledBuf = 64 << 10

func getBuf() *[]byte {
	p := encodeBufs.Get().(*[]byte)
	*p = (*p)[:0]
	return p
}

func putBuf(p *[]byte) {
	if cap(*p) <= maxPooledBuf {
		encodeBufs.Put(p)
	}
}

// jsonContentType is shared by every answer: net/http and echo replace header values, never
// change them in place.
var jsonContentType = []string{"application/json"}

func writeJSON(w http.ResponseWriter, b []byte) error {
	w.Header()["Content-Type"] = jsonContentType
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(b)
	return err
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, "true"...)
	}
	return append(b, "false"...)
}

// appendTime is time.Time's MarshalJSON (RFC 3339 with nanoseconds, quoted); ok is false
// where that returns an error, found by the same checks it makes: a year outside 0-9999, an
// offset of 24 hours or more.
func appendTime(b []byte, t time.Time) ([]byte, bool) {
	n0 := len(b)
	b = t.AppendFormat(append(b, '"'), time.RFC3339Nano)
	s := b[n0+1:]
	if len(s) < len("2006-01-02T15:04:05Z") || s[4] != '-' {
		return b[:n0], false
	}
	if s[len(s)-1] != 'Z' {
		c, h := s[len(s)-6], 10*(s[len(s)-5]-'0')+(s[len(s)-4]-'0')
		if ('0' <= c && c <= '9') || h >= 24 {
			return b[:n0], false
		}
	}
	return append(b, '"'), true
}

// appendUUID is uuid.UUID's MarshalText, quoted: lower-case hex in 8-4-4-4-12 groups.
func appendUUID(b []byte, u uuid.UUID) []byte {
	const digits = "0123456789abcdef"
	b = append(b, '"')
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b = append(b, '-')
		}
		b = append(b, digits[c>>4], digits[c&0xF])
	}
	return append(b, '"')
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
