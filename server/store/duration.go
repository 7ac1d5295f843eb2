package store

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Token lifetimes accepted by CreateSCIMConfiguration and RegenerateSCIMToken.
const (
	MinTokenLifetime     = 24 * time.Hour           // 86400s
	MaxTokenLifetime     = 2 * 365 * 24 * time.Hour // 63072000s
	DefaultTokenLifetime = 365 * 24 * time.Hour     // 31536000s: "one year", taken as 365 days
)

// ParseDuration reads a protobuf Duration in its JSON form ("7776000s", "1.5s", "+100s").
// The spec's pattern has already checked the shape; this adds protojson's limit of nine
// fractional digits. Values beyond time.Duration's range saturate, so range checks still
// reject them with the ordinary message.
func ParseDuration(field, s string) (time.Duration, error) {
	body, ok := strings.CutSuffix(s, "s")
	if !ok || body == "" {
		return 0, errorf(ErrInvalidArgument, "%s: must be a duration in seconds such as \"86400s\"", field)
	}
	neg := false
	switch body[0] {
	case '-':
		neg, body = true, body[1:]
	case '+':
		body = body[1:]
	}
	whole, frac, _ := strings.Cut(body, ".")
	if len(frac) > 9 {
		return 0, errorf(ErrInvalidArgument, "%s: must have at most 9 fractional digits", field)
	}
	if strings.Trim(whole+frac, "0123456789") != "" || whole+frac == "" {
		return 0, errorf(ErrInvalidArgument, "%s: must be a duration in seconds such as \"86400s\"", field)
	}
	var d time.Duration
	if whole != "" {
		secs, err := strconv.ParseInt(whole, 10, 64)
		if err != nil || secs > math.MaxInt64/int64(time.Second) {
			d = math.MaxInt64
		} else {
			d = time.Duration(secs) * time.Second
		}
	}
	if frac != "" && d != math.MaxInt64 {
		nanos, _ := strconv.ParseInt((frac + "000000000")[:9], 10, 64)
		if d > math.MaxInt64-time.Duration(nanos) {
			d = math.MaxInt64
		} else {
			d += time.Duration(nanos)
		}
	}
	if neg {
		d = -d
	}
	return d, nil
}

// FormatDuration writes d in protobuf Duration JSON form, exactly (integer arithmetic).
func FormatDuration(d time.Duration) string {
	sign := ""
	u := uint64(d)
	if d < 0 {
		sign, u = "-", uint64(-(d+1))+1 // also right for math.MinInt64
	}
	secs, nanos := u/uint64(time.Second), u%uint64(time.Second)
	if nanos == 0 {
		return fmt.Sprintf("%s%ds", sign, secs)
	}
	return fmt.Sprintf("%s%d.%ss", sign, secs, strings.TrimRight(fmt.Sprintf("%09d", nanos), "0"))
}

// CheckTokenLifetime enforces the API's token lifetime range, naming field in the message.
func CheckTokenLifetime(field string, d time.Duration) error {
	if d < MinTokenLifetime {
		return errorf(ErrInvalidArgument, "%s: must be at least 86400s (1 day)", field)
	}
	if d > MaxTokenLifetime {
		return errorf(ErrInvalidArgument, "%s: must be at most 63072000s (2 years)", field)
	}
	return nil
}
