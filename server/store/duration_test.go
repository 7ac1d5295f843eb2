package store_test

import (
	"math"
	"testing"
	"time"

	"github.com/gitpod-mock/orgmock/server/store"
)

const (
	maxDuration = time.Duration(math.MaxInt64)
	msgShape    = `tokenExpiresIn: must be a duration in seconds such as "86400s"`
	msgFrac     = "tokenExpiresIn: must have at most 9 fractional digits"
)

func TestLifetimeConstants(t *testing.T) {
	tests := []struct {
		name   string
		given  time.Duration
		expect time.Duration
	}{
		{name: "minimum", given: store.MinTokenLifetime, expect: 86400 * time.Second},
		{name: "maximum", given: store.MaxTokenLifetime, expect: 63072000 * time.Second},
		{name: "default", given: store.DefaultTokenLifetime, expect: 31536000 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.given != tt.expect {
				t.Fatalf("%v, want %v", tt.given, tt.expect)
			}
		})
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		name       string
		given      string
		expect     time.Duration
		expectKind error
		expectMsg  string
	}{
		{name: "one day", given: "86400s", expect: 86400 * time.Second},
		{name: "90 days", given: "7776000s", expect: 90 * day},
		{name: "two years", given: "63072000s", expect: 730 * day},
		{name: "fraction", given: "1.5s", expect: 1500 * time.Millisecond},
		{name: "plus sign and fraction", given: "+100.5s", expect: 100500 * time.Millisecond},
		{name: "negative", given: "-1s", expect: -time.Second},
		{name: "negative fraction", given: "-.5s", expect: -500 * time.Millisecond},
		{name: "leading dot", given: ".5s", expect: 500 * time.Millisecond},
		{name: "trailing dot", given: "1.s", expect: time.Second},
		{name: "zero", given: "0s", expect: 0},
		{name: "negative zero", given: "-0s", expect: 0},
		{name: "leading zeros", given: "00086400s", expect: 86400 * time.Second},
		{name: "one nanosecond", given: "0.000000001s", expect: time.Nanosecond},
		{name: "nine fractional digits", given: "1.123456789s", expect: 1123456789 * time.Nanosecond},
		{name: "trailing zeros within nine digits", given: "2.500000000s", expect: 2500 * time.Millisecond},
		{name: "largest whole seconds that fit", given: "9223372036s", expect: 9223372036 * time.Second},
		{name: "exactly the largest duration", given: "9223372036.854775807s", expect: maxDuration},
		{name: "one second too many saturates", given: "9223372037s", expect: maxDuration},
		{name: "overflow saturates", given: "99999999999999999999s", expect: maxDuration},
		{name: "overflow with a fraction saturates", given: "99999999999999999999.5s", expect: maxDuration},
		{name: "negative overflow saturates", given: "-99999999999999999999s", expect: -maxDuration},

		{name: "ten fractional digits", given: "1.1234567890s", expectKind: store.ErrInvalidArgument, expectMsg: msgFrac},
		{name: "ten fractional digits, tiny", given: "0.0000000001s", expectKind: store.ErrInvalidArgument, expectMsg: msgFrac},
		{name: "empty", given: "", expectKind: store.ErrInvalidArgument, expectMsg: msgShape},
		{name: "only the unit", given: "s", expectKind: store.ErrInvalidArgument, expectMsg: msgShape},
		{name: "no unit", given: "86400", expectKind: store.ErrInvalidArgument, expectMsg: msgShape},
		{name: "upper-case unit", given: "86400S", expectKind: store.ErrInvalidArgument, expectMsg: msgShape},
		{name: "minutes", given: "1m", expectKind: store.ErrInvalidArgument, expectMsg: msgShape},
		{name: "Go duration", given: "24h0m0s", expectKind: store.ErrInvalidArgument, expectMsg: msgShape},
		{name: "sign only", given: "+s", expectKind: store.ErrInvalidArgument, expectMsg: msgShape},
		{name: "minus only", given: "-s", expectKind: store.ErrInvalidArgument, expectMsg: msgShape},
		{name: "dot only", given: ".s", expectKind: store.ErrInvalidArgument, expectMsg: msgShape},
		{name: "two dots", given: "1..5s", expectKind: store.ErrInvalidArgument, expectMsg: msgShape},
		{name: "two fractions", given: "1.5.5s", expectKind: store.ErrInvalidArgument, expectMsg: msgShape},
		{name: "exponent", given: "1e3s", expectKind: store.ErrInvalidArgument, expectMsg: msgShape},
		{name: "hex", given: "0x10s", expectKind: store.ErrInvalidArgument, expectMsg: msgShape},
		{name: "two signs", given: "--1s", expectKind: store.ErrInvalidArgument, expectMsg: msgShape},
		{name: "plus minus", given: "+-1s", expectKind: store.ErrInvalidArgument, expectMsg: msgShape},
		{name: "leading space", given: " 1s", expectKind: store.ErrInvalidArgument, expectMsg: msgShape},
		{name: "space before unit", given: "1 s", expectKind: store.ErrInvalidArgument, expectMsg: msgShape},
		{name: "underscore", given: "86_400s", expectKind: store.ErrInvalidArgument, expectMsg: msgShape},
		{name: "non-ASCII digit", given: "\u0663s", expectKind: store.ErrInvalidArgument, expectMsg: msgShape},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := store.ParseDuration("tokenExpiresIn", tt.given)
			checkErr(t, err, tt.expectKind, tt.expectMsg)
			if err != nil {
				if got != 0 {
					t.Fatalf("error with value %v", got)
				}
				return
			}
			if got != tt.expect {
				t.Fatalf("ParseDuration(%q) = %d, want %d", tt.given, got, tt.expect)
			}
		})
	}
}

// Messages name the field the caller passes.
func TestParseDurationNamesField(t *testing.T) {
	tests := []struct {
		name      string
		givenFld  string
		given     string
		expectMsg string
	}{
		{name: "shape", givenFld: "scim.tokenExpiresIn", given: "1h", expectMsg: `scim.tokenExpiresIn: must be a duration in seconds such as "86400s"`},
		{name: "fraction", givenFld: "ttl", given: "1.0000000001s", expectMsg: "ttl: must have at most 9 fractional digits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := store.ParseDuration(tt.givenFld, tt.given)
			checkErr(t, err, store.ErrInvalidArgument, tt.expectMsg)
		})
	}
}

func TestCheckTokenLifetime(t *testing.T) {
	tests := []struct {
		name      string
		givenFld  string
		given     time.Duration
		expectMsg string // "" when accepted
	}{
		{name: "minimum", givenFld: "tokenExpiresIn", given: 86400 * time.Second},
		{name: "maximum", givenFld: "tokenExpiresIn", given: 63072000 * time.Second},
		{name: "default", givenFld: "tokenExpiresIn", given: store.DefaultTokenLifetime},
		{name: "just below", givenFld: "tokenExpiresIn", given: 86400*time.Second - 1, expectMsg: msgAtLeast},
		{name: "just above", givenFld: "tokenExpiresIn", given: 63072000*time.Second + 1, expectMsg: msgAtMost},
		{name: "zero", givenFld: "tokenExpiresIn", given: 0, expectMsg: msgAtLeast},
		{name: "most negative", givenFld: "tokenExpiresIn", given: math.MinInt64, expectMsg: msgAtLeast},
		{name: "largest", givenFld: "tokenExpiresIn", given: maxDuration, expectMsg: msgAtMost},
		{name: "field named", givenFld: "lifetime", given: time.Hour, expectMsg: "lifetime: must be at least 86400s (1 day)"},
		{name: "field named, too long", givenFld: "lifetime", given: 3 * 365 * day, expectMsg: "lifetime: must be at most 63072000s (2 years)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := store.CheckTokenLifetime(tt.givenFld, tt.given)
			if tt.expectMsg == "" {
				checkErr(t, err, nil, "")
				return
			}
			checkErr(t, err, store.ErrInvalidArgument, tt.expectMsg)
		})
	}
}

// Parsing then range-checking, as handlers do: out-of-range values, including ones that
// overflow time.Duration, get the ordinary range message.
func TestParseThenCheckTokenLifetime(t *testing.T) {
	tests := []struct {
		name      string
		given     string
		expectMsg string // "" when accepted
	}{
		{name: "minimum", given: "86400s"},
		{name: "minimum with zero fraction", given: "86400.000000000s"},
		{name: "maximum", given: "63072000s"},
		{name: "one nanosecond below", given: "86399.999999999s", expectMsg: msgAtLeast},
		{name: "one nanosecond above", given: "63072000.000000001s", expectMsg: msgAtMost},
		{name: "negative", given: "-86400s", expectMsg: msgAtLeast},
		{name: "overflow", given: "99999999999999999999s", expectMsg: msgAtMost},
		{name: "overflow by one second", given: "9223372037s", expectMsg: msgAtMost},
		{name: "negative overflow", given: "-99999999999999999999s", expectMsg: msgAtLeast},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := store.ParseDuration("tokenExpiresIn", tt.given)
			checkErr(t, err, nil, "")
			err = store.CheckTokenLifetime("tokenExpiresIn", d)
			if tt.expectMsg == "" {
				checkErr(t, err, nil, "")
				return
			}
			checkErr(t, err, store.ErrInvalidArgument, tt.expectMsg)
		})
	}
}

// Regression: ParseDuration saturated only when the whole seconds overflow. When the whole seconds
// fit but adding the fraction overflows, d += nanos wraps around to a negative value (and a
// negative input to a huge positive one), so the range check then reports the wrong bound.
func TestParseDurationOverflowWithFractionSaturates(t *testing.T) {
	tests := []struct {
		name        string
		given       string
		expect      time.Duration
		expectCheck string
	}{
		{name: "fraction pushes past the maximum", given: "9223372036.9s", expect: maxDuration, expectCheck: msgAtMost},
		{name: "one nanosecond past the maximum", given: "9223372036.854775808s", expect: maxDuration, expectCheck: msgAtMost},
		{name: "negative", given: "-9223372036.9s", expect: -maxDuration, expectCheck: msgAtLeast},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := store.ParseDuration("tokenExpiresIn", tt.given)
			checkErr(t, err, nil, "")
			if got != tt.expect {
				t.Errorf("ParseDuration(%q) = %d, want %d (saturated)", tt.given, got, tt.expect)
			}
			checkErr(t, store.CheckTokenLifetime("tokenExpiresIn", got), store.ErrInvalidArgument, tt.expectCheck)
		})
	}
}

func TestFormatDuration(t *testing.T) {
	tests := []struct {
		name   string
		given  time.Duration
		expect string
	}{
		{name: "zero", given: 0, expect: "0s"},
		{name: "one day", given: day, expect: "86400s"},
		{name: "default lifetime", given: store.DefaultTokenLifetime, expect: "31536000s"},
		{name: "maximum lifetime", given: store.MaxTokenLifetime, expect: "63072000s"},
		{name: "negative", given: -time.Second, expect: "-1s"},
		{name: "fraction", given: 1500 * time.Millisecond, expect: "1.5s"},
		{name: "negative fraction", given: -1500 * time.Millisecond, expect: "-1.5s"},
		{name: "below one second", given: 500 * time.Millisecond, expect: "0.5s"},
		{name: "negative below one second", given: -500 * time.Millisecond, expect: "-0.5s"},
		{name: "one nanosecond", given: time.Nanosecond, expect: "0.000000001s"},
		{name: "nine digits", given: 1123456789 * time.Nanosecond, expect: "1.123456789s"},
		{name: "milliseconds of a day", given: day + 5*time.Millisecond, expect: "86400.005s"},
		{name: "90 days and a nanosecond", given: 90*day + 1, expect: "7776000.000000001s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := store.FormatDuration(tt.given); got != tt.expect {
				t.Fatalf("FormatDuration(%d) = %q, want %q", tt.given, got, tt.expect)
			}
		})
	}
}

// Regression: FormatDuration went through float64 seconds, which cannot hold nanoseconds once a
// duration passes about 104 days; valid token lifetimes go up to 730 days. The result is
// off by nanoseconds or, when the fraction rounds away, not a Duration string at all ("63072000.s").
func TestFormatDurationExactForLongDurations(t *testing.T) {
	tests := []struct {
		name   string
		given  time.Duration
		expect string
	}{
		{name: "180 days and a nanosecond", given: 180*day + 1, expect: "15552000.000000001s"},
		{name: "two years and a nanosecond", given: 730*day + 1, expect: "63072000.000000001s"},
		{name: "two years minus a nanosecond", given: 730*day - 1, expect: "63071999.999999999s"},
		{name: "largest duration", given: maxDuration, expect: "9223372036.854775807s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := store.FormatDuration(tt.given)
			if got != tt.expect {
				t.Errorf("FormatDuration(%d) = %q, want %q", tt.given, got, tt.expect)
			}
			back, err := store.ParseDuration("tokenExpiresIn", got)
			if err != nil || back != tt.given {
				t.Errorf("ParseDuration(FormatDuration(%d)) = %d, %v; want a round trip", tt.given, back, err)
			}
		})
	}
}

// Parse then Format gives the canonical form; Format then Parse gives the same duration.
func TestDurationRoundTrip(t *testing.T) {
	tests := []struct {
		name   string
		given  string
		expect string
	}{
		{name: "canonical whole", given: "86400s", expect: "86400s"},
		{name: "canonical two years", given: "63072000s", expect: "63072000s"},
		{name: "canonical fraction", given: "1.5s", expect: "1.5s"},
		{name: "canonical negative", given: "-1s", expect: "-1s"},
		{name: "canonical nanosecond", given: "0.000000001s", expect: "0.000000001s"},
		{name: "canonical nine digits", given: "1.123456789s", expect: "1.123456789s"},
		{name: "canonical 90 days and a nanosecond", given: "7776000.000000001s", expect: "7776000.000000001s"},
		{name: "plus sign dropped", given: "+100.5s", expect: "100.5s"},
		{name: "leading dot", given: ".5s", expect: "0.5s"},
		{name: "negative leading dot", given: "-.5s", expect: "-0.5s"},
		{name: "trailing dot", given: "1.s", expect: "1s"},
		{name: "trailing zeros", given: "1.500s", expect: "1.5s"},
		{name: "leading zeros", given: "00086400s", expect: "86400s"},
		{name: "negative zero", given: "-0s", expect: "0s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := store.ParseDuration("tokenExpiresIn", tt.given)
			checkErr(t, err, nil, "")
			got := store.FormatDuration(d)
			if got != tt.expect {
				t.Fatalf("FormatDuration(ParseDuration(%q)) = %q, want %q", tt.given, got, tt.expect)
			}
			again, err := store.ParseDuration("tokenExpiresIn", got)
			checkErr(t, err, nil, "")
			if again != d {
				t.Fatalf("ParseDuration(%q) = %d, want %d", got, again, d)
			}
		})
	}
}
