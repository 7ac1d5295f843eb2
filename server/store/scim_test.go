package store_test

import (
	"reflect"
	"regexp"
	"testing"
	"time"

	"github.com/gitpod-mock/orgmock/server/store"
)

const (
	msgAtLeast = "tokenExpiresIn: must be at least 86400s (1 day)"
	msgAtMost  = "tokenExpiresIn: must be at most 63072000s (2 years)"
)

func msgSCIMNotFound(id string) string {
	return "scimConfigurationId: SCIM configuration " + id + " not found"
}

func msgSSONotFound(id string) string {
	return "ssoConfigurationId: SSO configuration " + id + " not found"
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestCreateSCIM(t *testing.T) {
	tests := []struct {
		name           string
		givenCaller    string
		when           store.SCIMCreate
		expectKind     error
		expectMsg      string
		expectLifetime time.Duration
	}{
		{
			name:        "default lifetime is 365 days",
			givenCaller: orgA,
			when:        store.SCIMCreate{OrganizationID: orgA, SSOConfigurationID: ssoA1, Name: "Okta"},
			// 31536000s
			expectLifetime: 365 * day,
		},
		{
			name:           "all fields, custom lifetime of 90 days",
			givenCaller:    orgA,
			when:           store.SCIMCreate{OrganizationID: orgA, SSOConfigurationID: ssoA2, Name: "Entra", AllowUnverifiedEmailAccountLinking: true, TokenLifetime: ptr(7776000 * time.Second)},
			expectLifetime: 90 * day,
		},
		{
			name:           "minimum lifetime is inclusive",
			givenCaller:    orgB,
			when:           store.SCIMCreate{OrganizationID: orgB, SSOConfigurationID: ssoB1, TokenLifetime: ptr(86400 * time.Second)},
			expectLifetime: 86400 * time.Second,
		},
		{
			name:           "maximum lifetime is inclusive",
			givenCaller:    orgB,
			when:           store.SCIMCreate{OrganizationID: orgB, SSOConfigurationID: ssoB1, TokenLifetime: ptr(63072000 * time.Second)},
			expectLifetime: 63072000 * time.Second,
		},
		{
			name:        "another organization",
			givenCaller: orgA,
			when:        store.SCIMCreate{OrganizationID: orgB, SSOConfigurationID: ssoB1},
			expectKind:  store.ErrPermissionDenied,
			expectMsg:   "organizationId: the caller is not a member of organization " + orgB,
		},
		{
			name:        "another organization with its own SSO id and a bad lifetime is still permission denied",
			givenCaller: orgB,
			when:        store.SCIMCreate{OrganizationID: orgA, SSOConfigurationID: ssoA1, TokenLifetime: ptr(time.Second)},
			expectKind:  store.ErrPermissionDenied,
			expectMsg:   "organizationId: the caller is not a member of organization " + orgA,
		},
		{
			name:        "unknown SSO configuration",
			givenCaller: orgA,
			when:        store.SCIMCreate{OrganizationID: orgA, SSOConfigurationID: unknownID},
			expectKind:  store.ErrNotFound,
			expectMsg:   msgSSONotFound(unknownID),
		},
		{
			name:        "SSO configuration of another organization",
			givenCaller: orgA,
			when:        store.SCIMCreate{OrganizationID: orgA, SSOConfigurationID: ssoB1},
			expectKind:  store.ErrNotFound,
			expectMsg:   msgSSONotFound(ssoB1),
		},
		{
			name:        "no SSO configuration",
			givenCaller: orgA,
			when:        store.SCIMCreate{OrganizationID: orgA},
			expectKind:  store.ErrNotFound,
			expectMsg:   msgSSONotFound(""),
		},
		{
			name:        "lifetime one second below the minimum",
			givenCaller: orgA,
			when:        store.SCIMCreate{OrganizationID: orgA, SSOConfigurationID: ssoA1, TokenLifetime: ptr(86399 * time.Second)},
			expectKind:  store.ErrInvalidArgument,
			expectMsg:   msgAtLeast,
		},
		{
			name:        "lifetime one nanosecond below the minimum",
			givenCaller: orgA,
			when:        store.SCIMCreate{OrganizationID: orgA, SSOConfigurationID: ssoA1, TokenLifetime: ptr(86400*time.Second - 1)},
			expectKind:  store.ErrInvalidArgument,
			expectMsg:   msgAtLeast,
		},
		{
			name:        "zero lifetime",
			givenCaller: orgA,
			when:        store.SCIMCreate{OrganizationID: orgA, SSOConfigurationID: ssoA1, TokenLifetime: ptr(time.Duration(0))},
			expectKind:  store.ErrInvalidArgument,
			expectMsg:   msgAtLeast,
		},
		{
			name:        "negative lifetime",
			givenCaller: orgA,
			when:        store.SCIMCreate{OrganizationID: orgA, SSOConfigurationID: ssoA1, TokenLifetime: ptr(-365 * day)},
			expectKind:  store.ErrInvalidArgument,
			expectMsg:   msgAtLeast,
		},
		{
			name:        "lifetime one second above the maximum",
			givenCaller: orgA,
			when:        store.SCIMCreate{OrganizationID: orgA, SSOConfigurationID: ssoA1, TokenLifetime: ptr(63072001 * time.Second)},
			expectKind:  store.ErrInvalidArgument,
			expectMsg:   msgAtMost,
		},
		{
			name:        "lifetime one nanosecond above the maximum",
			givenCaller: orgA,
			when:        store.SCIMCreate{OrganizationID: orgA, SSOConfigurationID: ssoA1, TokenLifetime: ptr(63072000*time.Second + 1)},
			expectKind:  store.ErrInvalidArgument,
			expectMsg:   msgAtMost,
		},
		{
			name:        "bad lifetime is reported before an unknown SSO configuration",
			givenCaller: orgA,
			when:        store.SCIMCreate{OrganizationID: orgA, SSOConfigurationID: unknownID, TokenLifetime: ptr(time.Hour)},
			expectKind:  store.ErrInvalidArgument,
			expectMsg:   msgAtLeast,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := newStore(t)
			before := st.Snapshot()
			got, err := st.CreateSCIM(as(tt.givenCaller), tt.when)
			checkErr(t, err, tt.expectKind, tt.expectMsg)
			if tt.expectKind != nil {
				if !reflect.DeepEqual(got, store.SCIMConfiguration{}) {
					t.Errorf("a failed create returned %+v", got)
				}
				checkUnchanged(t, st, before)
				return
			}
			if !uuidRE.MatchString(got.ID) {
				t.Errorf("id %q is not a version 4 UUID", got.ID)
			}
			if len(got.Token) < 32 {
				t.Errorf("token %q is shorter than 32 characters", got.Token)
			}
			want := store.SCIMConfiguration{
				ID:                                 got.ID,
				OrganizationID:                     tt.givenCaller,
				Name:                               tt.when.Name,
				Enabled:                            true,
				SSOConfigurationID:                 tt.when.SSOConfigurationID,
				AllowUnverifiedEmailAccountLinking: tt.when.AllowUnverifiedEmailAccountLinking,
				CreatedAt:                          t0ms,
				UpdatedAt:                          t0ms,
				TokenExpiresAt:                     t0ms.Add(tt.expectLifetime),
				Token:                              got.Token,
				TokenLifetime:                      tt.expectLifetime,
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("CreateSCIM\n got %+v\nwant %+v", got, want)
			}
			if got.CreatedAt.Location() != time.UTC {
				t.Errorf("createdAt location %v, want UTC", got.CreatedAt.Location())
			}
			stored, err := st.GetSCIM(as(tt.givenCaller), got.ID)
			checkErr(t, err, nil, "")
			if !reflect.DeepEqual(stored, want) {
				t.Fatalf("GetSCIM after create\n got %+v\nwant %+v", stored, want)
			}
			if id, ok := st.SCIMTokenOwner(got.Token); !ok || id != got.ID {
				t.Fatalf("SCIMTokenOwner(new token) = %q, %v; want %q, true", id, ok, got.ID)
			}
			if after := st.Snapshot(); len(after.SCIMConfigurations) != len(before.SCIMConfigurations)+1 {
				t.Fatalf("%d SCIM configurations after a create, want %d", len(after.SCIMConfigurations), len(before.SCIMConfigurations)+1)
			}
		})
	}
}

// createdAt follows the clock at millisecond precision and in UTC, whatever zone the clock is in.
func TestCreateSCIMStamps(t *testing.T) {
	zone := time.FixedZone("UTC+2", 2*60*60)
	tests := []struct {
		name      string
		givenNow  time.Time
		expectNow time.Time
	}{
		{name: "sub-millisecond part dropped", givenNow: time.Date(2026, 5, 1, 0, 0, 0, 999999999, time.UTC), expectNow: time.Date(2026, 5, 1, 0, 0, 0, 999000000, time.UTC)},
		{name: "exact millisecond kept", givenNow: time.Date(2026, 5, 1, 0, 0, 0, 5000000, time.UTC), expectNow: time.Date(2026, 5, 1, 0, 0, 0, 5000000, time.UTC)},
		{name: "other zone converted to UTC", givenNow: time.Date(2026, 5, 1, 2, 0, 0, 1500000, zone), expectNow: time.Date(2026, 5, 1, 0, 0, 0, 1000000, time.UTC)},
		{name: "clock before the fixture records", givenNow: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), expectNow: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, clk := newStore(t)
			clk.Set(tt.givenNow)
			got, err := st.CreateSCIM(as(orgA), store.SCIMCreate{OrganizationID: orgA, SSOConfigurationID: ssoA1, TokenLifetime: ptr(86400 * time.Second)})
			checkErr(t, err, nil, "")
			if got.CreatedAt != tt.expectNow || got.UpdatedAt != tt.expectNow {
				t.Fatalf("createdAt %v, updatedAt %v; want both %v", got.CreatedAt, got.UpdatedAt, tt.expectNow)
			}
			if want := tt.expectNow.Add(day); got.TokenExpiresAt != want {
				t.Fatalf("tokenExpiresAt %v, want %v", got.TokenExpiresAt, want)
			}
		})
	}
}

func TestCreateSCIMTokensAndIDsUnique(t *testing.T) {
	tests := []struct {
		name       string
		givenSeed  byte
		whenCount  int
		expectForm *regexp.Regexp
	}{
		{name: "seed 1", givenSeed: 1, whenCount: 500, expectForm: regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)},
		{name: "seed 2", givenSeed: 2, whenCount: 500, expectForm: regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := newStoreFrom(t, fixtureData(), tt.givenSeed)
			tokens := map[string]bool{scimTokenA: true, scimTokenB: true, tokenA: true, tokenB: true}
			ids := map[string]bool{scimA: true, scimB: true}
			for i := range tt.whenCount {
				org, sso := orgA, ssoA1
				if i%2 == 1 {
					org, sso = orgB, ssoB1
				}
				c := mustCreate(t, st, org, sso, "")
				if !tt.expectForm.MatchString(c.Token) {
					t.Fatalf("token %q: not 43 URL-safe characters", c.Token)
				}
				if tokens[c.Token] {
					t.Fatalf("create %d: token %q repeated", i, c.Token)
				}
				if ids[c.ID] {
					t.Fatalf("create %d: id %q repeated", i, c.ID)
				}
				tokens[c.Token], ids[c.ID] = true, true
			}
		})
	}
}

// The same seed gives the same ids and tokens: tests built on Options are reproducible.
func TestCreateSCIMDeterministic(t *testing.T) {
	a, _ := newStoreFrom(t, fixtureData(), 7)
	b, _ := newStoreFrom(t, fixtureData(), 7)
	c, _ := newStoreFrom(t, fixtureData(), 8)
	ca, cb, cc := mustCreate(t, a, orgA, ssoA1, ""), mustCreate(t, b, orgA, ssoA1, ""), mustCreate(t, c, orgA, ssoA1, "")
	if ca.ID != cb.ID || ca.Token != cb.Token {
		t.Fatalf("same seed, different results: %s/%s vs %s/%s", ca.ID, ca.Token, cb.ID, cb.Token)
	}
	if ca.ID == cc.ID || ca.Token == cc.Token {
		t.Fatalf("different seeds, same results: %s/%s", ca.ID, ca.Token)
	}
}

// Every operation on one SCIM configuration reports an unknown id, or another organization's,
// as not found, and changes nothing.
func TestSCIMNotFound(t *testing.T) {
	ops := []struct {
		name string
		call func(st *store.Store, caller, id string) error
	}{
		{name: "GetSCIM", call: func(st *store.Store, caller, id string) error {
			_, err := st.GetSCIM(as(caller), id)
			return err
		}},
		{name: "UpdateSCIM", call: func(st *store.Store, caller, id string) error {
			_, err := st.UpdateSCIM(as(caller), store.SCIMUpdate{ID: id, Name: ptr("x"), Enabled: ptr(false)})
			return err
		}},
		{name: "UpdateSCIM linking the caller's SSO", call: func(st *store.Store, caller, id string) error {
			_, err := st.UpdateSCIM(as(caller), store.SCIMUpdate{ID: id, SSOConfigurationID: ptr(ssoA2)})
			return err
		}},
		{name: "DeleteSCIM", call: func(st *store.Store, caller, id string) error {
			return st.DeleteSCIM(as(caller), id)
		}},
		{name: "RegenerateSCIMToken", call: func(st *store.Store, caller, id string) error {
			_, err := st.RegenerateSCIMToken(as(caller), id, nil)
			return err
		}},
		{name: "RegenerateSCIMToken with a bad lifetime", call: func(st *store.Store, caller, id string) error {
			_, err := st.RegenerateSCIMToken(as(caller), id, ptr(time.Second))
			return err
		}},
	}
	ids := []struct {
		name        string
		givenCaller string
		givenID     string
	}{
		{name: "unknown id", givenCaller: orgA, givenID: unknownID},
		{name: "another organization's id", givenCaller: orgA, givenID: scimB},
		{name: "another organization's id, other way round", givenCaller: orgB, givenID: scimA},
		{name: "an SSO configuration's id", givenCaller: orgA, givenID: ssoA1},
		{name: "empty id", givenCaller: orgA, givenID: ""},
		{name: "id in upper case", givenCaller: orgA, givenID: "5A8E2C1D-7B3F-4E9A-8C6D-1F2E3D4C5B6A"},
		{name: "caller of no organization", givenCaller: unknownID, givenID: scimA},
	}
	for _, op := range ops {
		for _, id := range ids {
			t.Run(op.name+"/"+id.name, func(t *testing.T) {
				st, clk := newStore(t)
				clk.Advance(time.Hour)
				before := st.Snapshot()
				err := op.call(st, id.givenCaller, id.givenID)
				checkErr(t, err, store.ErrNotFound, msgSCIMNotFound(id.givenID))
				checkUnchanged(t, st, before)
			})
		}
	}
}

func TestGetSCIM(t *testing.T) {
	want := fixtureData().SCIMConfigurations
	tests := []struct {
		name        string
		givenCaller string
		whenID      string
		expect      store.SCIMConfiguration
	}{
		{name: "acme's", givenCaller: orgA, whenID: scimA, expect: want[0]},
		{name: "globex's", givenCaller: orgB, whenID: scimB, expect: want[1]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := newStore(t)
			got, err := st.GetSCIM(as(tt.givenCaller), tt.whenID)
			checkErr(t, err, nil, "")
			if !reflect.DeepEqual(got, tt.expect) {
				t.Fatalf("GetSCIM\n got %+v\nwant %+v", got, tt.expect)
			}
			// The result is a copy.
			got.Name = "changed"
			again, _ := st.GetSCIM(as(tt.givenCaller), tt.whenID)
			if again.Name != tt.expect.Name {
				t.Fatalf("changing a result changed the store: name %q", again.Name)
			}
		})
	}
}

func TestUpdateSCIM(t *testing.T) {
	base := fixtureData().SCIMConfigurations[0] // scimA
	later := t0.Add(time.Hour)
	laterMs := later.Truncate(time.Millisecond)
	tests := []struct {
		name       string
		givenNow   time.Time
		when       store.SCIMUpdate
		expectKind error
		expectMsg  string
		expect     func(c *store.SCIMConfiguration)
	}{
		{
			name: "no fields: only updatedAt moves", givenNow: later,
			when:   store.SCIMUpdate{ID: scimA},
			expect: func(c *store.SCIMConfiguration) {},
		},
		{
			name: "name", givenNow: later,
			when:   store.SCIMUpdate{ID: scimA, Name: ptr("Renamed")},
			expect: func(c *store.SCIMConfiguration) { c.Name = "Renamed" },
		},
		{
			name: "name cleared", givenNow: later,
			when:   store.SCIMUpdate{ID: scimA, Name: ptr("")},
			expect: func(c *store.SCIMConfiguration) { c.Name = "" },
		},
		{
			name: "disable", givenNow: later,
			when:   store.SCIMUpdate{ID: scimA, Enabled: ptr(false)},
			expect: func(c *store.SCIMConfiguration) { c.Enabled = false },
		},
		{
			name: "enable when enabled", givenNow: later,
			when:   store.SCIMUpdate{ID: scimA, Enabled: ptr(true)},
			expect: func(c *store.SCIMConfiguration) {},
		},
		{
			name: "link another SSO configuration of the organization", givenNow: later,
			when:   store.SCIMUpdate{ID: scimA, SSOConfigurationID: ptr(ssoA2)},
			expect: func(c *store.SCIMConfiguration) { c.SSOConfigurationID = ssoA2 },
		},
		{
			name: "allow unverified email account linking", givenNow: later,
			when:   store.SCIMUpdate{ID: scimA, AllowUnverifiedEmailAccountLinking: ptr(true)},
			expect: func(c *store.SCIMConfiguration) { c.AllowUnverifiedEmailAccountLinking = true },
		},
		{
			name: "all fields", givenNow: later,
			when: store.SCIMUpdate{ID: scimA, Name: ptr("All"), Enabled: ptr(false), SSOConfigurationID: ptr(ssoA2), AllowUnverifiedEmailAccountLinking: ptr(true)},
			expect: func(c *store.SCIMConfiguration) {
				c.Name, c.Enabled, c.SSOConfigurationID, c.AllowUnverifiedEmailAccountLinking = "All", false, ssoA2, true
			},
		},
		{
			name: "unknown SSO configuration changes nothing", givenNow: later,
			when:       store.SCIMUpdate{ID: scimA, Name: ptr("x"), Enabled: ptr(false), SSOConfigurationID: ptr(unknownID)},
			expectKind: store.ErrNotFound, expectMsg: msgSSONotFound(unknownID),
		},
		{
			name: "SSO configuration of another organization changes nothing", givenNow: later,
			when:       store.SCIMUpdate{ID: scimA, Name: ptr("x"), SSOConfigurationID: ptr(ssoB1)},
			expectKind: store.ErrNotFound, expectMsg: msgSSONotFound(ssoB1),
		},
		{
			name: "empty SSO configuration id changes nothing", givenNow: later,
			when:       store.SCIMUpdate{ID: scimA, AllowUnverifiedEmailAccountLinking: ptr(true), SSOConfigurationID: ptr("")},
			expectKind: store.ErrNotFound, expectMsg: msgSSONotFound(""),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, clk := newStore(t)
			clk.Set(tt.givenNow)
			before := st.Snapshot()
			got, err := st.UpdateSCIM(as(orgA), tt.when)
			checkErr(t, err, tt.expectKind, tt.expectMsg)
			if tt.expectKind != nil {
				checkUnchanged(t, st, before)
				return
			}
			want := base
			tt.expect(&want)
			want.UpdatedAt = laterMs
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("UpdateSCIM\n got %+v\nwant %+v", got, want)
			}
			stored, err := st.GetSCIM(as(orgA), scimA)
			checkErr(t, err, nil, "")
			if !reflect.DeepEqual(stored, want) {
				t.Fatalf("GetSCIM after update\n got %+v\nwant %+v", stored, want)
			}
			// The token is untouched and the other organization's record too.
			if id, ok := st.SCIMTokenOwner(scimTokenA); !ok || id != scimA {
				t.Fatalf("SCIMTokenOwner(fixture token) = %q, %v after an update", id, ok)
			}
			other, _ := st.GetSCIM(as(orgB), scimB)
			if !reflect.DeepEqual(other, fixtureData().SCIMConfigurations[1]) {
				t.Fatalf("the other organization's record changed: %+v", other)
			}
		})
	}
}

// updatedAt strictly increases with every update, whatever the clock does.
func TestUpdateSCIMUpdatedAtStrictlyIncreases(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name      string
		givenNows []time.Time // the clock at each successive update
		expect    []time.Time // updatedAt after each
	}{
		{
			name:      "clock moves forward",
			givenNows: []time.Time{t0, t0.Add(time.Second), t0.Add(time.Hour)},
			expect:    []time.Time{t0ms, t0ms.Add(time.Second), t0ms.Add(time.Hour)},
		},
		{
			name:      "clock stands still",
			givenNows: []time.Time{t0, t0, t0},
			expect:    []time.Time{t0ms, t0ms.Add(ms), t0ms.Add(2 * ms)},
		},
		{
			name:      "clock moves within one millisecond",
			givenNows: []time.Time{t0, t0.Add(100 * time.Microsecond), t0.Add(200 * time.Microsecond)},
			expect:    []time.Time{t0ms, t0ms.Add(ms), t0ms.Add(2 * ms)},
		},
		{
			name:      "clock goes backwards",
			givenNows: []time.Time{t0, t0.Add(-time.Hour), t0.Add(-48 * time.Hour)},
			expect:    []time.Time{t0ms, t0ms.Add(ms), t0ms.Add(2 * ms)},
		},
		{
			name:      "clock before the record's updatedAt",
			givenNows: []time.Time{fixtureCreatedA.Add(-day), fixtureCreatedA},
			expect:    []time.Time{fixtureCreatedA.Add(ms), fixtureCreatedA.Add(2 * ms)},
		},
		{
			name:      "clock catches up again",
			givenNows: []time.Time{t0, t0, t0.Add(5 * ms)},
			expect:    []time.Time{t0ms, t0ms.Add(ms), t0ms.Add(5 * ms)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, clk := newStore(t)
			for i, now := range tt.givenNows {
				clk.Set(now)
				got, err := st.UpdateSCIM(as(orgA), store.SCIMUpdate{ID: scimA})
				checkErr(t, err, nil, "")
				if got.UpdatedAt != tt.expect[i] {
					t.Fatalf("update %d: updatedAt %v, want %v", i, got.UpdatedAt, tt.expect[i])
				}
				if got.CreatedAt != fixtureCreatedA {
					t.Fatalf("update %d: createdAt changed to %v", i, got.CreatedAt)
				}
			}
		})
	}
}

func TestRegenerateSCIMToken(t *testing.T) {
	base := fixtureData().SCIMConfigurations[0] // scimA: lifetime 90 days
	later := t0.Add(36 * time.Hour)
	laterMs := later.Truncate(time.Millisecond)
	tests := []struct {
		name           string
		when           *time.Duration
		expectKind     error
		expectMsg      string
		expectLifetime time.Duration
	}{
		{name: "no lifetime reuses the previous one", when: nil, expectLifetime: 90 * day},
		{name: "180 days", when: ptr(15552000 * time.Second), expectLifetime: 180 * day},
		{name: "minimum is inclusive", when: ptr(86400 * time.Second), expectLifetime: day},
		{name: "maximum is inclusive", when: ptr(63072000 * time.Second), expectLifetime: 730 * day},
		{name: "below the minimum", when: ptr(86399 * time.Second), expectKind: store.ErrInvalidArgument, expectMsg: msgAtLeast},
		{name: "zero", when: ptr(time.Duration(0)), expectKind: store.ErrInvalidArgument, expectMsg: msgAtLeast},
		{name: "negative", when: ptr(-day), expectKind: store.ErrInvalidArgument, expectMsg: msgAtLeast},
		{name: "above the maximum", when: ptr(63072001 * time.Second), expectKind: store.ErrInvalidArgument, expectMsg: msgAtMost},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, clk := newStore(t)
			clk.Set(later)
			before := st.Snapshot()
			got, err := st.RegenerateSCIMToken(as(orgA), scimA, tt.when)
			checkErr(t, err, tt.expectKind, tt.expectMsg)
			if tt.expectKind != nil {
				checkUnchanged(t, st, before)
				if id, ok := st.SCIMTokenOwner(scimTokenA); !ok || id != scimA {
					t.Fatalf("old token stopped working after a failed regenerate: %q, %v", id, ok)
				}
				return
			}
			if got.Token == scimTokenA || len(got.Token) < 32 {
				t.Fatalf("new token %q: same as the old one or too short", got.Token)
			}
			want := base
			want.Token = got.Token
			want.TokenLifetime = tt.expectLifetime
			want.TokenExpiresAt = laterMs.Add(tt.expectLifetime)
			want.UpdatedAt = laterMs
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("RegenerateSCIMToken\n got %+v\nwant %+v", got, want)
			}
			stored, _ := st.GetSCIM(as(orgA), scimA)
			if !reflect.DeepEqual(stored, want) {
				t.Fatalf("GetSCIM after regenerate\n got %+v\nwant %+v", stored, want)
			}
			if id, ok := st.SCIMTokenOwner(scimTokenA); ok {
				t.Fatalf("old token still resolves to %q", id)
			}
			if id, ok := st.SCIMTokenOwner(got.Token); !ok || id != scimA {
				t.Fatalf("SCIMTokenOwner(new token) = %q, %v; want %q, true", id, ok, scimA)
			}
			if id, ok := st.SCIMTokenOwner(scimTokenB); !ok || id != scimB {
				t.Fatalf("the other organization's token: %q, %v", id, ok)
			}
		})
	}
}

// A regeneration without a lifetime reuses the lifetime of the token it replaces, including one
// chosen at the previous regeneration; updatedAt keeps advancing when the clock does not.
func TestRegenerateSCIMTokenSequence(t *testing.T) {
	type step struct {
		whenAdvance    time.Duration
		whenLifetime   *time.Duration
		expectLifetime time.Duration
		expectUpdated  time.Time
	}
	tests := []struct {
		name   string
		steps  []step
		create *time.Duration
	}{
		{
			name:   "default lifetime from create is reused",
			create: nil,
			steps: []step{
				{whenAdvance: time.Hour, expectLifetime: 365 * day, expectUpdated: t0ms.Add(time.Hour)},
				{whenAdvance: 0, expectLifetime: 365 * day, expectUpdated: t0ms.Add(time.Hour + time.Millisecond)},
			},
		},
		{
			name:   "explicit lifetime is remembered",
			create: ptr(2 * day),
			steps: []step{
				{whenAdvance: time.Minute, expectLifetime: 2 * day, expectUpdated: t0ms.Add(time.Minute)},
				{whenAdvance: time.Minute, whenLifetime: ptr(10 * day), expectLifetime: 10 * day, expectUpdated: t0ms.Add(2 * time.Minute)},
				{whenAdvance: -time.Hour, expectLifetime: 10 * day, expectUpdated: t0ms.Add(2*time.Minute + time.Millisecond)},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, clk := newStore(t)
			c, err := st.CreateSCIM(as(orgA), store.SCIMCreate{OrganizationID: orgA, SSOConfigurationID: ssoA1, TokenLifetime: tt.create})
			checkErr(t, err, nil, "")
			tokens := map[string]bool{c.Token: true}
			for i, s := range tt.steps {
				clk.Advance(s.whenAdvance)
				got, err := st.RegenerateSCIMToken(as(orgA), c.ID, s.whenLifetime)
				checkErr(t, err, nil, "")
				if got.TokenLifetime != s.expectLifetime || got.UpdatedAt != s.expectUpdated || got.TokenExpiresAt != s.expectUpdated.Add(s.expectLifetime) {
					t.Fatalf("step %d: lifetime %v, updatedAt %v, tokenExpiresAt %v; want %v, %v, %v", i,
						got.TokenLifetime, got.UpdatedAt, got.TokenExpiresAt, s.expectLifetime, s.expectUpdated, s.expectUpdated.Add(s.expectLifetime))
				}
				if tokens[got.Token] {
					t.Fatalf("step %d: token repeated", i)
				}
				tokens[got.Token] = true
				for tok := range tokens {
					id, ok := st.SCIMTokenOwner(tok)
					if current := tok == got.Token; ok != current || (current && id != c.ID) {
						t.Fatalf("step %d: SCIMTokenOwner(%q) = %q, %v; current token: %v", i, tok, id, ok, current)
					}
				}
			}
		})
	}
}

func TestDeleteSCIM(t *testing.T) {
	tests := []struct {
		name        string
		givenCaller string
		givenID     string
		givenToken  string
		otherID     string
		otherCaller string
		otherToken  string
	}{
		{name: "fixture record of acme", givenCaller: orgA, givenID: scimA, givenToken: scimTokenA, otherID: scimB, otherCaller: orgB, otherToken: scimTokenB},
		{name: "fixture record of globex", givenCaller: orgB, givenID: scimB, givenToken: scimTokenB, otherID: scimA, otherCaller: orgA, otherToken: scimTokenA},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := newStore(t)
			checkErr(t, st.DeleteSCIM(as(tt.givenCaller), tt.givenID), nil, "")

			_, err := st.GetSCIM(as(tt.givenCaller), tt.givenID)
			checkErr(t, err, store.ErrNotFound, msgSCIMNotFound(tt.givenID))
			if id, ok := st.SCIMTokenOwner(tt.givenToken); ok {
				t.Fatalf("deleted record's token still resolves to %q", id)
			}
			items, _, err := st.ListSCIM(as(tt.givenCaller), store.PageRequest{})
			checkErr(t, err, nil, "")
			if len(items) != 0 {
				t.Fatalf("list after delete has %d items, want 0", len(items))
			}

			before := st.Snapshot()
			checkErr(t, st.DeleteSCIM(as(tt.givenCaller), tt.givenID), store.ErrNotFound, msgSCIMNotFound(tt.givenID))
			checkUnchanged(t, st, before)

			// The other organization's record is untouched.
			if _, err := st.GetSCIM(as(tt.otherCaller), tt.otherID); err != nil {
				t.Fatalf("other record: %v", err)
			}
			if id, ok := st.SCIMTokenOwner(tt.otherToken); !ok || id != tt.otherID {
				t.Fatalf("other token: %q, %v", id, ok)
			}
		})
	}
}

// A regenerated token is released on delete too, and a deleted record's id cannot be revived by
// Update or Regenerate.
func TestDeleteSCIMAfterRegenerate(t *testing.T) {
	st, _ := newStore(t)
	c := mustCreate(t, st, orgA, ssoA1, "tmp")
	r, err := st.RegenerateSCIMToken(as(orgA), c.ID, nil)
	checkErr(t, err, nil, "")
	checkErr(t, st.DeleteSCIM(as(orgA), c.ID), nil, "")
	for _, tok := range []string{c.Token, r.Token} {
		if id, ok := st.SCIMTokenOwner(tok); ok {
			t.Fatalf("token %q still resolves to %q", tok, id)
		}
	}
	_, err = st.UpdateSCIM(as(orgA), store.SCIMUpdate{ID: c.ID, Name: ptr("x")})
	checkErr(t, err, store.ErrNotFound, msgSCIMNotFound(c.ID))
	_, err = st.RegenerateSCIMToken(as(orgA), c.ID, nil)
	checkErr(t, err, store.ErrNotFound, msgSCIMNotFound(c.ID))
	if _, _, _, n := st.Counts(); n != 2 {
		t.Fatalf("%d SCIM configurations, want the 2 fixture ones", n)
	}
}

func TestSCIMTokenOwner(t *testing.T) {
	tests := []struct {
		name     string
		when     string
		expectID string
		expectOK bool
	}{
		{name: "acme's fixture token", when: scimTokenA, expectID: scimA, expectOK: true},
		{name: "globex's fixture token", when: scimTokenB, expectID: scimB, expectOK: true},
		{name: "unknown", when: "nope"},
		{name: "empty", when: ""},
		{name: "a principal's token", when: tokenA},
		{name: "prefix", when: scimTokenA[:20]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := newStore(t)
			id, ok := st.SCIMTokenOwner(tt.when)
			if id != tt.expectID || ok != tt.expectOK {
				t.Fatalf("SCIMTokenOwner(%q) = %q, %v; want %q, %v", tt.when, id, ok, tt.expectID, tt.expectOK)
			}
		})
	}
}
