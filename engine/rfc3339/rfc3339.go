// Package rfc3339 bounds instants to what an RFC 3339 timestamp can write: years 0001 to 9999.
// An instant outside cannot be encoded (encoding/json refuses it), so the mock refuses to
// reach one rather than store what it could not answer.
package rfc3339

import "time"

// Min and Max are the first and last instants the mock shows (at millisecond precision).
var (
	Min = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	Max = time.Date(9999, 12, 31, 23, 59, 59, 999_000_000, time.UTC)
)

// InRange reports whether t lies within [Min, Max].
func InRange(t time.Time) bool { return !t.Before(Min) && !t.After(Max) }

// Range describes the bounds, for messages.
const Range = "0001-01-01T00:00:00Z .. 9999-12-31T23:59:59.999Z"
