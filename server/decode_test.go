package server

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/gitpod-mock/orgmock/server/api"
)

// TestDecodersMatchEncodingJSON: whenever a hand decoder takes a body, it yields exactly
// what encoding/json yields for it. Bodies are generated with every field present, absent or
// null, names and values in any order and spacing, and with slips a decoder must refuse or
// get right: escapes, unknown and repeated names, numbers, nesting, invalid UTF-8, trailing
// data. Plain valid bodies must be taken, or the decoders would quietly never run.
func TestDecodersMatchEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	type field struct {
		name string
		gen  func() string // a JSON value
	}
	id := func() string { return `"` + randomUUID(rng).String() + `"` }
	upperID := func() string { return `"` + strings.ToUpper(randomUUID(rng).String()) + `"` }
	str := func() string {
		return []string{`"Okta"`, `""`, `"é日🙂 x"`, `"a\"b"`, `"\u00e9"`, `"tab\there"`, "\"\xff\"", `"86400s"`}[rng.IntN(8)]
	}
	boolean := func() string { return []string{"true", "false"}[rng.IntN(2)] }
	orNull := func(g func() string) func() string {
		return func() string {
			if rng.IntN(5) == 0 {
				return "null"
			}
			return g()
		}
	}
	bodies := map[string]struct {
		fields []field
		new    func() any
	}{
		"Get": {[]field{{"scimConfigurationId", id}}, func() any { return new(api.GetSCIMConfigurationJSONRequestBody) }},
		"Delete": {[]field{{"scimConfigurationId", upperID}},
			func() any { return new(api.DeleteSCIMConfigurationJSONRequestBody) }},
		"Regenerate": {[]field{{"scimConfigurationId", id}, {"tokenExpiresIn", orNull(str)}},
			func() any { return new(api.RegenerateSCIMTokenJSONRequestBody) }},
		"Update": {[]field{{"scimConfigurationId", id}, {"name", orNull(str)}, {"enabled", orNull(boolean)},
			{"ssoConfigurationId", orNull(id)}, {"allowUnverifiedEmailAccountLinking", orNull(boolean)}},
			func() any { return new(api.UpdateSCIMConfigurationJSONRequestBody) }},
	}
	slips := []func(string) string{
		func(b string) string { return strings.Replace(b, "{", `{"unknown":1,`, 1) },
		func(b string) string { return strings.Replace(b, "{", `{"scimConfigurationId":"x",`, 1) },
		func(b string) string { return strings.Replace(b, "true", "1", 1) },
		func(b string) string { return strings.Replace(b, "null", "{}", 1) },
		func(b string) string { return strings.Replace(b, `"Okta"`, `["Okta"]`, 1) },
		func(b string) string { return b + "x" },
		func(b string) string { return strings.TrimSuffix(b, "}") },
		func(b string) string { return strings.Replace(b, "Id", `I\u0064`, 1) },
		func(b string) string { // a repeated name: the last one counts
			return strings.Replace(b, "{", `{"scimConfigurationId":"d2c94c27-3b76-4a42-b88c-95a85e392c68",`, 1)
		},
	}
	space := []string{"", " ", "\n\t", "\r\n  "}
	var taken, plain int
	for name, body := range bodies {
		for range 3000 {
			perm := rng.Perm(len(body.fields))
			var parts []string
			for _, i := range perm {
				f := body.fields[i]
				if i > 0 && rng.IntN(3) == 0 {
					continue // optional fields may be absent
				}
				sp := space[rng.IntN(len(space))]
				parts = append(parts, fmt.Sprintf("%s%q%s:%s%s", sp, f.name, sp, sp, f.gen()))
			}
			b := "{" + strings.Join(parts, ",") + space[rng.IntN(len(space))] + "}"
			if rng.IntN(4) == 0 {
				b = slips[rng.IntN(len(slips))](b)
			}
			hand, std := body.new(), body.new()
			stdErr := json.Unmarshal([]byte(b), std)
			isPlain := stdErr == nil && !strings.ContainsAny(b, "\\\xff") && !strings.Contains(b, "unknown")
			if isPlain {
				plain++
			}
			if !decodeKnown([]byte(b), hand) {
				if isPlain {
					t.Fatalf("%s: a plain valid body was not taken: %s", name, b)
				}
				continue
			}
			taken++
			if stdErr != nil {
				t.Fatalf("%s: taken, but encoding/json refuses it (%v): %s", name, stdErr, b)
			}
			if !reflect.DeepEqual(hand, std) {
				t.Fatalf("%s: %s\nhand          %+v\nencoding/json %+v", name, b, hand, std)
			}
		}
	}
	t.Logf("%d bodies taken by hand, %d of them plain", taken, plain)
	if decodeKnown([]byte(`{}`), new(api.ListSCIMConfigurationsJSONRequestBody)) {
		t.Error("a body type without a hand decoder was taken")
	}
}
