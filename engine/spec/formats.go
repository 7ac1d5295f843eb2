package spec

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// formats are the string formats this engine checks, for its documents only: they are set on
// each loaded document (kin-openapi's document-scoped validators), never registered
// process-wide, so that another validator in the same process (a contract test's) keeps its
// own. kin-openapi checks only date, date-time and byte by default; every other format a
// document declares needs a validator here, or it is accepted unchecked.
func formats() map[string]openapi3.StringFormatValidator {
	return map[string]openapi3.StringFormatValidator{
		"uuid":      openapi3.NewCallbackValidator(validateUUID),
		"date-time": openapi3.NewCallbackValidator(validateDateTime),
		"uri":       openapi3.NewCallbackValidator(validateURI),
		"int64":     openapi3.NewCallbackValidator(validateInt64),
	}
}

// validateInt64 accepts what protojson writes for an int64 (a JSON string of decimal digits,
// with a minus sign when negative) within its range.
func validateInt64(s string) error {
	if s == "" || s[0] == '+' || strings.TrimLeft(strings.TrimPrefix(s, "-"), "0123456789") != "" {
		return errors.New("not a decimal integer")
	}
	if _, err := strconv.ParseInt(s, 10, 64); err != nil {
		return errors.New("out of the int64 range")
	}
	return nil
}

// validateURI accepts absolute URIs (a scheme and nothing that fails to parse), as
// protovalidate's `string.uri` rule does.
func validateURI(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || (u.Host == "" && u.Opaque == "") {
		return errors.New("not an absolute URI")
	}
	return nil
}

var errNotUUID = errors.New("not a UUID")

// IsUUID reports whether s is what protovalidate's `string.uuid` rule accepts: any hex
// 8-4-4-4-12 string, whatever its version and variant nibbles, in either case. It is the
// one UUID check of the mock: the "uuid" format, fixtures and page tokens use it.
func IsUUID(s string) bool {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return false
	}
	for i := 0; i < 36; i++ {
		if !isHex[s[i]] && i != 8 && i != 13 && i != 18 && i != 23 {
			return false
		}
	}
	return true
}

func validateUUID(s string) error {
	if !IsUUID(s) {
		return errNotUUID
	}
	return nil
}

var isHex = func() (t [256]bool) {
	for _, c := range "0123456789abcdefABCDEF" {
		t[c] = true
	}
	return t
}()

// validateDateTime accepts what time.Parse(time.RFC3339Nano, s) accepts.
func validateDateTime(s string) error {
	_, err := time.Parse(time.RFC3339Nano, s)
	return err
}
