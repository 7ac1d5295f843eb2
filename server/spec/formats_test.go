package spec

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestFormats(t *testing.T) {
	uuids := map[string]bool{
		"d2c94c27-3b76-4a42-b88c-95a85e392c68":  true,
		"D2C94C27-3B76-4A42-B88C-95A85E392C68":  true,
		"00000000-0000-0000-0000-000000000000":  true,
		"d2c94c27-3b76-0a42-088c-95a85e392c68":  true, // any version and variant nibble
		"d2c94c27-3b76-4a42-b88c-95a85e392c6":   false,
		"d2c94c27-3b76-4a42-b88c-95a85e392c688": false,
		"d2c94c273b764a42b88c95a85e392c68":      false,
		"g2c94c27-3b76-4a42-b88c-95a85e392c68":  false,
		"d2c94c27_3b76-4a42-b88c-95a85e392c68":  false,
		"":                                      false,
	}
	for s, ok := range uuids {
		if got := validateUUID(s) == nil; got != ok {
			t.Errorf("validateUUID(%q) = %v, want %v", s, got, ok)
		}
	}
	times := map[string]bool{
		"2019-12-27T18:11:19.117Z":      true,
		"2019-12-27T18:11:19Z":          true,
		"2019-12-27T18:11:19.117+02:00": true,
		"2019-12-27 18:11:19Z":          false,
		"2019-12-27":                    false,
		"2019-02-30T18:11:19Z":          false,
		"2019-12-27T25:11:19Z":          false,
	}
	for s, ok := range times {
		if got := validateDateTime(s) == nil; got != ok {
			t.Errorf("validateDateTime(%q) = %v, want %v", s, got, ok)
		}
	}
	uris := map[string]bool{"https://accounts.google.com": true, "urn:example:idp": true, "/relative": false, "accounts.google.com": false, "http://": false}
	for s, ok := range uris {
		if got := validateURI(s) == nil; got != ok {
			t.Errorf("validateURI(%q) = %v, want %v", s, got, ok)
		}
	}
}

// FuzzDateTime: whatever the hand check accepts, time.Parse accepts; and every time Go
// formats as RFC 3339 takes the hand path. go test -fuzz '^FuzzDateTime$' ./server/spec/
func FuzzDateTime(f *testing.F) {
	for _, s := range []string{"2019-12-27T18:11:19.117Z", "2024-02-29T00:00:00+05:30", "2023-02-29T00:00:00Z",
		"2019-12-27T18:11:19.Z", "2019-12-27T24:00:00Z", "2019-12-27t18:11:19Z", "2019-12-27T18:11:19+24:00",
		"0000-01-01T00:00:00Z", "2019-12-27T18:11:19,5Z", "2019-12-27T18:11:19.123456789123-00:00"} {
		f.Add(s)
	}
	f.Add("2019-12-27T18:11:19.117Z")
	f.Fuzz(func(t *testing.T, s string) {
		if plainRFC3339(s) {
			if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
				t.Fatalf("plainRFC3339 accepts %q, time.Parse refuses it: %v", s, err)
			}
		}
	})
}

func TestPlainRFC3339TakesGoTimes(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for range 20000 {
		tm := time.Unix(rng.Int64N(400*365*24*3600)-100*365*24*3600, rng.Int64N(1e9))
		if rng.IntN(2) == 0 {
			tm = tm.In(time.FixedZone("", (rng.IntN(47)-23)*1800))
		} else {
			tm = tm.UTC()
		}
		s := tm.Format(time.RFC3339Nano)
		if !plainRFC3339(s) {
			t.Fatalf("plainRFC3339 refuses %q", s)
		}
	}
	for _, s := range []string{"2023-02-29T00:00:00Z", "2019-12-27T24:00:00Z", "2019-12-27T18:11:19.Z",
		"2019-12-27T18:11:19+24:00", "2019-04-31T00:00:00Z", "1900-02-29T00:00:00Z"} {
		if plainRFC3339(s) {
			t.Errorf("plainRFC3339 accepts %q", s)
		}
	}
}

func BenchmarkFormats(b *testing.B) {
	b.Run("uuid", func(b *testing.B) {
		for b.Loop() {
			_ = validateUUID("d2c94c27-3b76-4a42-b88c-95a85e392c68")
		}
	})
	b.Run("date-time", func(b *testing.B) {
		for b.Loop() {
			_ = validateDateTime("2019-12-27T18:11:19.117Z")
		}
	})
}
