package store_test

import (
	"testing"

	"github.com/gitpod-mock/orgmock/server/store"
)

func TestAuthenticate(t *testing.T) {
	noDefault := fixtureData()
	noDefault.Users[0].Default = false

	tests := []struct {
		name        string
		givenData   store.Data
		whenToken   string
		whenStrict  bool
		expectUser  string
		expectAllow bool
	}{
		{name: "token of the default user", givenData: fixtureData(), whenToken: tokenA, expectUser: userA, expectAllow: true},
		{name: "token of another user", givenData: fixtureData(), whenToken: tokenB, expectUser: userB, expectAllow: true},
		{name: "token of a plain member", givenData: fixtureData(), whenToken: tokenMemberB, expectUser: memberB, expectAllow: true},
		{name: "fixture token, strict", givenData: fixtureData(), whenToken: tokenB, whenStrict: true, expectUser: userB, expectAllow: true},
		{name: "unknown token acts as the default user", givenData: fixtureData(), whenToken: "some-random-token", expectUser: userA, expectAllow: true},
		{name: "prefix of a fixture token is unknown", givenData: fixtureData(), whenToken: tokenB[:len(tokenB)-1], expectUser: userA, expectAllow: true},
		{name: "fixture token with a suffix is unknown", givenData: fixtureData(), whenToken: tokenB + "x", expectUser: userA, expectAllow: true},
		{name: "empty token acts as the default user", givenData: fixtureData(), whenToken: "", expectUser: userA, expectAllow: true},
		{name: "SCIM token is not a user's", givenData: fixtureData(), whenToken: scimTokenB, expectUser: userA, expectAllow: true},
		{name: "unknown token, strict", givenData: fixtureData(), whenToken: "some-random-token", whenStrict: true},
		{name: "empty token, strict", givenData: fixtureData(), whenToken: "", whenStrict: true},
		{name: "unknown token, no default user", givenData: noDefault, whenToken: "some-random-token"},
		{name: "fixture token, no default user", givenData: noDefault, whenToken: tokenA, expectUser: userA, expectAllow: true},
		{name: "unknown token, no default user, strict", givenData: noDefault, whenToken: "x", whenStrict: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := newStoreFrom(t, tt.givenData, 1)
			user, ok := st.Authenticate(tt.whenToken, tt.whenStrict)
			if user != tt.expectUser || ok != tt.expectAllow {
				t.Fatalf("Authenticate(%q, %v) = %q, %v; want %q, %v", tt.whenToken, tt.whenStrict, user, ok, tt.expectUser, tt.expectAllow)
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
			name: "user token",
			when: func(d *store.Data) { d.Users[1].Token = "changed" },
			expect: func(t *testing.T, st *store.Store) {
				if user, ok := st.Authenticate(tokenB, true); user != userB || !ok {
					t.Fatalf("Authenticate(tokenB) = %q, %v; want %q, true", user, ok, userB)
				}
				if _, ok := st.Authenticate("changed", true); ok {
					t.Fatal("a token set after New authenticates")
				}
				for _, u := range st.Snapshot().Users {
					if u.ID == userB && u.Token != tokenB {
						t.Fatalf("snapshot user token %q, want %q", u.Token, tokenB)
					}
				}
			},
		},
		{
			name: "members and invite domains",
			when: func(d *store.Data) {
				d.Organizations[0].Members[1].Role = store.RoleAdmin
				d.Organizations[0].InviteDomains[0] = "changed.example"
			},
			expect: func(t *testing.T, st *store.Store) {
				err := st.SetRole(memberA, orgA, userA, store.RoleMember)
				checkErr(t, err, store.ErrPermissionDenied, "organizationId: only an admin of organization "+orgA+" may do this, and the caller is a member")
				o, err := st.GetOrganization(userA, orgA)
				checkErr(t, err, nil, "")
				if o.InviteDomains[0] != "acme.example" {
					t.Fatalf("invite domains %v, want acme.example", o.InviteDomains)
				}
			},
		},
		{
			name: "SSO claims",
			when: func(d *store.Data) { d.SSOConfigurations[0].Claims["k"] = "changed" },
			expect: func(t *testing.T, st *store.Store) {
				c, err := st.GetSSO(as(orgA), ssoA1)
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
				c, err := st.GetSCIM(as(orgA), scimA)
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
	orgs, users, sso, scim := st.Counts()
	if orgs != 2 || users != 4 || sso != 3 || scim != 2 {
		t.Fatalf("Counts() = %d, %d, %d, %d; want 2, 4, 3, 2", orgs, users, sso, scim)
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
	snap.Users[0].Token = "changed"
	snap.Organizations[1].Members[0].Role = "changed" // sorted by id: globex (6f1a…), then acme
	snap.Organizations[1].InviteDomains[0] = "changed.example"
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
	_, token, err := st.ListSCIM(as(orgA), store.PageRequest{Size: 1})
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
		if _, _, err := st.ListSCIM(as(orgA), store.PageRequest{Size: 1, Token: altered, TokenField: "token"}); err == nil {
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
		c, err := st.CreateSCIM(as(orgA), store.SCIMCreate{OrganizationID: orgA, SSOConfigurationID: ssoA1})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.DeleteSCIM(as(orgA), c.ID); err != nil {
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
