package server

import (
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/gitpod-mock/orgmock/server/api"
)

// TestEncodersMatchEncodingJSON: every hand encoder writes exactly the bytes (and headers and
// status) of the generated Visit method on the same value, over generated values with the
// strings and times that encoding/json treats specially.
func TestEncodersMatchEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	type pair struct {
		name      string
		hand, gen func(w http.ResponseWriter) error
	}
	for i := range 3000 {
		c, d := randomSCIM(rng), randomSCIM(rng)
		token, at := randomString(rng), randomTime(rng)
		var next *string
		if rng.IntN(2) == 0 {
			s := randomString(rng)
			next = &s
		}
		var list *[]api.SCIMConfiguration
		switch rng.IntN(5) {
		case 3:
			list = &[]api.SCIMConfiguration{}
		case 4:
			list = new([]api.SCIMConfiguration) // points to a nil slice
		case 1:
			list = &[]api.SCIMConfiguration{c}
		case 2:
			list = &[]api.SCIMConfiguration{c, d}
		}
		get := api.GetSCIMConfiguration200JSONResponse{ScimConfiguration: c}
		upd := api.UpdateSCIMConfiguration200JSONResponse{ScimConfiguration: c}
		create := api.CreateSCIMConfiguration200JSONResponse{ScimConfiguration: c, Token: token, TokenExpiresAt: at}
		lst := api.ListSCIMConfigurations200JSONResponse{Pagination: api.PaginationResponse{NextToken: next}, ScimConfigurations: list}
		regen := api.RegenerateSCIMToken200JSONResponse{Token: token, TokenExpiresAt: at}
		for _, p := range []pair{
			{"get", getSCIMResponse(get).VisitGetSCIMConfigurationResponse, get.VisitGetSCIMConfigurationResponse},
			{"update", updateSCIMResponse(upd).VisitUpdateSCIMConfigurationResponse, upd.VisitUpdateSCIMConfigurationResponse},
			{"create", createSCIMResponse(create).VisitCreateSCIMConfigurationResponse, create.VisitCreateSCIMConfigurationResponse},
			{"list", listSCIMResponse(lst).VisitListSCIMConfigurationsResponse, lst.VisitListSCIMConfigurationsResponse},
			{"regenerate", regenerateSCIMResponse(regen).VisitRegenerateSCIMTokenResponse, regen.VisitRegenerateSCIMTokenResponse},
		} {
			hand, gen := httptest.NewRecorder(), httptest.NewRecorder()
			herr, gerr := p.hand(hand), p.gen(gen)
			if (herr == nil) != (gerr == nil) {
				t.Fatalf("%d %s: errors differ: hand %v, generated %v", i, p.name, herr, gerr)
			}
			if hand.Code != gen.Code || !reflect.DeepEqual(hand.Header(), gen.Header()) || hand.Body.String() != gen.Body.String() {
				t.Fatalf("%d %s: differ\nhand      %d %v %s\ngenerated %d %v %s", i, p.name,
					hand.Code, hand.Header(), hand.Body, gen.Code, gen.Header(), gen.Body)
			}
		}
	}
}

// TestEncodersKnowEveryField fails when the generated types gain (or lose) a field: the
// hand encoders in encode.go must then learn it.
func TestEncodersKnowEveryField(t *testing.T) {
	want := map[any][]string{
		api.SCIMConfiguration{}: {"allowUnverifiedEmailAccountLinking", "createdAt", "enabled", "id", "name",
			"organizationId", "ssoConfigurationId", "tokenExpiresAt", "updatedAt"},
		api.GetSCIMConfiguration200JSONResponse{}:    {"scimConfiguration"},
		api.UpdateSCIMConfiguration200JSONResponse{}: {"scimConfiguration"},
		api.CreateSCIMConfiguration200JSONResponse{}: {"scimConfiguration", "token", "tokenExpiresAt"},
		api.ListSCIMConfigurations200JSONResponse{}:  {"pagination", "scimConfigurations"},
		api.PaginationResponse{}:                     {"nextToken"},
		api.RegenerateSCIMToken200JSONResponse{}:     {"token", "tokenExpiresAt"},
	}
	for v, names := range want {
		typ := reflect.TypeOf(v)
		var got []string
		for f := range typ.Fields() {
			got = append(got, strings.Split(f.Tag.Get("json"), ",")[0])
		}
		if !slices.Equal(got, names) {
			t.Errorf("%s: fields %v; encode.go knows %v: update it", typ, got, names)
		}
	}
}

func randomSCIM(rng *rand.Rand) api.SCIMConfiguration {
	c := api.SCIMConfiguration{
		Id: randomUUID(rng), OrganizationId: randomUUID(rng),
		CreatedAt: randomTime(rng), UpdatedAt: randomTime(rng), TokenExpiresAt: randomTime(rng),
	}
	if rng.IntN(2) == 0 {
		s := randomString(rng)
		c.Name = &s
	}
	if rng.IntN(2) == 0 {
		b := rng.IntN(2) == 0
		c.Enabled = &b
	}
	if rng.IntN(2) == 0 {
		b := rng.IntN(2) == 0
		c.AllowUnverifiedEmailAccountLinking = &b
	}
	if rng.IntN(2) == 0 {
		id := randomUUID(rng)
		c.SsoConfigurationId = &id
	}
	return c
}

func randomUUID(rng *rand.Rand) uuid.UUID {
	var u uuid.UUID
	for i := range u {
		u[i] = byte(rng.Uint32())
	}
	return u
}

// randomString mixes plain text with everything encoding/json escapes or replaces.
func randomString(rng *rand.Rand) string {
	parts := []string{"", "Okta", "a b", "é", "日本", "🙂", "<", ">", "&", `"`, `\`, "/", "\b", "\f", "\n",
		"\r", "\t", "\x00", "\x1f", "\x7f", "\u2028", "\u2029", "\xff", "\xe2\x82", "\ufffd", "'"}
	var b strings.Builder
	for range rng.IntN(6) {
		b.WriteString(parts[rng.IntN(len(parts))])
	}
	return b.String()
}

// randomTime covers UTC and other offsets, nanoseconds with trailing zeros, and the years
// and offsets time.Time's MarshalJSON refuses.
func randomTime(rng *rand.Rand) time.Time {
	sec := rng.Int64N(300*365*24*3600) - 100*365*24*3600 // 1870 to 2170
	t := time.Unix(sec, []int64{0, 5e8, 123e6, 1, 999999999}[rng.IntN(5)])
	switch rng.IntN(8) {
	case 0:
		return t.In(time.FixedZone("", 5*3600+30*60))
	case 1:
		return t.In(time.FixedZone("", -8*3600))
	case 2:
		return t.In(time.FixedZone("", 24*3600)) // refused
	case 3:
		return time.Date(10000+rng.IntN(5), 1, 1, 0, 0, 0, 0, time.UTC) // refused
	case 4:
		return time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC) // refused
	}
	return t.UTC()
}
