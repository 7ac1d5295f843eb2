package store_test

import (
	"testing"

	"github.com/gitpod-mock/orgmock/server/store"
)

func TestAuthenticate(t *testing.T) {
	noDefault := fixtureData()
	noDefault.Organizations[0].Default = false

	tests := []struct {
		name        string
		givenData   store.Data
		whenToken   string
		whenStrict  bool
		expectOrg   string
		expectAllow bool
	}{
		{name: "fixture token of the default org", givenData: fixtureData(), whenToken: tokenA, expectOrg: orgA, expectAllow: true},
		{name: "fixture token of another org", givenData: fixtureData(), whenToken: tokenB, expectOrg: orgB, expectAllow: true},
		{name: "fixture token, strict", givenData: fixtureData(), whenToken: tokenB, whenStrict: true, expectOrg: orgB, expectAllow: true},
		{name: "unknown token acts for the default org", givenData: fixtureData(), whenToken: "some-random-token", expectOrg: orgA, expectAllow: true},
		{name: "prefix of a fixture token is unknown", givenData: fixtureData(), whenToken: tokenB[:len(tokenB)-1], expectOrg: orgA, expectAllow: true},
		{name: "fixture token with a suffix is unknown", givenData: fixtureData(), whenToken: tokenB + "x", expectOrg: orgA, expectAllow: true},
		{name: "empty token acts for the default org", givenData: fixtureData(), whenToken: "", expectOrg: orgA, expectAllow: true},
		{name: "SCIM token is not a principal", givenData: fixtureData(), whenToken: scimTokenB, expectOrg: orgA, expectAllow: true},
		{name: "unknown token, strict", givenData: fixtureData(), whenToken: "some-random-token", whenStrict: true},
		{name: "empty token, strict", givenData: fixtureData(), whenToken: "", whenStrict: true},
		{name: "unknown token, no default org", givenData: noDefault, whenToken: "some-random-token"},
		{name: "fixture token, no default org", givenData: noDefault, whenToken: tokenA, expectOrg: orgA, expectAllow: true},
		{name: "unknown token, no default org, strict", givenData: noDefault, whenToken: "x", whenStrict: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := newStoreFrom(t, tt.givenData, 1)
			org, ok := st.Authenticate(tt.whenToken, tt.whenStrict)
			if org != tt.expectOrg || ok != tt.expectAllow {
				t.Fatalf("Authenticate(%q, %v) = %q, %v; want %q, %v", tt.whenToken, tt.whenStrict, org, ok, tt.expectOrg, tt.expectAllow)
			}
		})
	}
}

// New keeps a copy of its input: changing the Data afterwards does not reach the store.
func TestNewCopiesData(t *testing.T) {
	tests := []struct {
		name   string
		when   func(d *store.Data)
		expect func(t *testing.T, st *store.Store)
	}{
		{
			name: "principal token",
			when: func(d *store.Data) { d.Organizations[1].Principals[0].Token = "changed" },
			expect: func(t *testing.T, st *store.Store) {
				if org, ok := st.Authenticate(tokenB, true); org != orgB || !ok {
					t.Fatalf("Authenticate(tokenB) = %q, %v; want %q, true", org, ok, orgB)
				}
				if _, ok := st.Authenticate("changed", true); ok {
					t.Fatal("a token set after New authenticates")
				}
				for _, o := range st.Snapshot().Organizations {
					if o.ID == orgB && o.Principals[0].Token != tokenB {
						t.Fatalf("snapshot principal token %q, want %q", o.Principals[0].Token, tokenB)
					}
				}
			},
		},
		{
			name: "SSO claims",
			when: func(d *store.Data) { d.SSOConfigurations[0].Claims["k"] = "changed" },
			expect: func(t *testing.T, st *store.Store) {
				c, err := st.GetSSO(orgA, ssoA1)
				checkErr(t, err, nil, "")
				if c.Claims["k"] != "v" {
					t.Fatalf("claims = %v, want k=v", c.Claims)
				}
			},
		},
		{
			name: "SCIM name",
			when: func(d *store.Data) { d.SCIMConfigurations[0].Name = "changed" },
			expect: func(t *testing.T, st *store.Store) {
				c, err := st.GetSCIM(orgA, scimA)
				checkErr(t, err, nil, "")
				if c.Name != "Acme Okta" {
					t.Fatalf("name = %q, want %q", c.Name, "Acme Okta")
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := fixtureData()
			st, _ := newStoreFrom(t, data, 1)
			tt.when(&data)
			tt.expect(t, st)
		})
	}
}

func TestCounts(t *testing.T) {
	st, _ := newStore(t)
	orgs, principals, sso, scim := st.Counts()
	if orgs != 2 || principals != 2 || sso != 3 || scim != 2 {
		t.Fatalf("Counts() = %d, %d, %d, %d; want 2, 2, 3, 2", orgs, principals, sso, scim)
	}
	mustCreate(t, st, orgA, ssoA1, "x")
	if _, _, _, scim := st.Counts(); scim != 3 {
		t.Fatalf("scim count after a create = %d, want 3", scim)
	}
}

// A Snapshot is a deep copy, sorted by id: changing it does not reach the store.
func TestSnapshotIsACopy(t *testing.T) {
	st, _ := newStore(t)
	snap := st.Snapshot()
	if len(snap.Organizations) != 2 || len(snap.SSOConfigurations) != 3 || len(snap.SCIMConfigurations) != 2 {
		t.Fatalf("snapshot sizes %d/%d/%d, want 2/3/2", len(snap.Organizations), len(snap.SSOConfigurations), len(snap.SCIMConfigurations))
	}
	if snap.SCIMConfigurations[0].ID != scimA || snap.SCIMConfigurations[1].ID != scimB {
		t.Fatalf("SCIM snapshot order %s, %s; want %s, %s", snap.SCIMConfigurations[0].ID, snap.SCIMConfigurations[1].ID, scimA, scimB)
	}
	// Sorted by id: 0c1b… (ssoB1) < d2c9… (ssoA1) < f53d… (ssoA2).
	if snap.SSOConfigurations[1].ID != ssoA1 {
		t.Fatalf("SSO snapshot[1] = %s, want %s", snap.SSOConfigurations[1].ID, ssoA1)
	}
	want := st.Snapshot()
	snap.Organizations[0].Principals[0].Token = "changed"
	snap.SSOConfigurations[1].Claims["x"] = "y"
	snap.SSOConfigurations[1].EmailDomains[0] = "changed.example"
	snap.SCIMConfigurations[0].Name = "changed"
	checkUnchanged(t, st, want)
}

// Regression: page tokens were decoded with non-strict base64, so changing the spare low bits
// of a token's last character gave the same bytes and the altered token was accepted.
func TestPageTokenLastCharacterIsExact(t *testing.T) {
	st, _ := newStore(t)
	for i := 0; i < 3; i++ {
		mustCreate(t, st, orgA, ssoA1, "")
	}
	_, token, err := st.ListSCIM(orgA, store.PageRequest{Size: 1})
	if err != nil || token == "" {
		t.Fatalf("no token: %v", err)
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := token[len(token)-1]
	for i := 0; i < len(alphabet); i++ {
		if alphabet[i] == last {
			continue
		}
		altered := token[:len(token)-1] + string(alphabet[i])
		if _, _, err := st.ListSCIM(orgA, store.PageRequest{Size: 1, Token: altered, TokenField: "token"}); err == nil {
			t.Fatalf("altered token %q (last character %q instead of %q) was accepted", altered, alphabet[i], last)
		}
	}
}

// TestChangesAreTrackedOnlyWhenAsked: a store kept in a state file reports each change once;
// any other remembers nothing, so create-and-delete churn costs it no memory.
func TestChangesAreTrackedOnlyWhenAsked(t *testing.T) {
	for _, track := range []bool{false, true} {
		st, err := store.New(fixtureData(), store.Options{Pages: store.PageSizes{Default: 25, Max: 100}, TrackChanges: track})
		if err != nil {
			t.Fatal(err)
		}
		c, err := st.CreateSCIM(orgA, store.SCIMCreate{OrganizationID: orgA, SSOConfigurationID: ssoA1})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteSCIM(orgA, c.ID); err != nil {
			t.Fatal(err)
		}
		changed, deleted := st.Changes()
		want := 0
		if track {
			want = 1
		}
		if len(changed.SCIMConfigurations) != 0 || len(deleted) != want || want == 1 && deleted[0] != (store.Key{Kind: store.KindSCIM, ID: c.ID}) {
			t.Errorf("tracking %v: changed %v, deleted %v", track, changed, deleted)
		}
		if changed, deleted := st.Changes(); len(deleted)+len(changed.SCIMConfigurations) != 0 {
			t.Errorf("tracking %v: the same change reported twice", track)
		}
	}
}
