package store_test

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/gitpod-mock/orgmock/server/contract"
	"github.com/gitpod-mock/orgmock/server/store"
)

// pages are the contract's page sizes, which every store is built with.
var pages = func() store.PageSizes {
	p, err := contract.PageSizes()
	if err != nil {
		panic(err)
	}
	return p
}()

// The fixture: two organizations (acme is the default), SSO configurations in each (two in
// acme, one in globex) and one SCIM configuration in each.
const (
	orgA = "b0e12f6c-4c67-429d-a4a6-d9838b5da047" // acme, the default organization
	orgB = "6f1a3c52-8d4e-4b8a-9c1d-2e3f4a5b6c7d" // globex

	tokenA = "token-acme-admin"
	tokenB = "token-globex-admin"

	// The admin of each organization, and a plain member of each; userA is the default user.
	userA        = "a0000000-0000-4000-8000-00000000000a"
	userB        = "b0000000-0000-4000-8000-00000000000b"
	memberA      = "a0000000-0000-4000-8000-0000000000a2"
	memberB      = "b0000000-0000-4000-8000-0000000000b2"
	tokenMemberA = "token-acme-member"
	tokenMemberB = "token-globex-member"
	inviteA      = "a1000000-0000-4000-8000-00000000000a"

	ssoA1 = "d2c94c27-3b76-4a42-b88c-95a85e392c68"
	ssoA2 = "f53d2330-3795-4c5d-a1f3-453121af9c60"
	ssoB1 = "0c1b2a39-4d5e-4f60-8a7b-9c8d7e6f5a4b"

	scimA = "5a8e2c1d-7b3f-4e9a-8c6d-1f2e3d4c5b6a"
	scimB = "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b"

	scimTokenA = "scim-token-acme-0123456789abcdefghijkl"
	scimTokenB = "scim-token-globex-0123456789abcdefghij"

	unknownID = "00000000-0000-4000-8000-000000000000"

	day = 24 * time.Hour
)

var (
	// t0 is where the test clock starts: deliberately not on a millisecond boundary.
	t0 = time.Date(2026, 3, 1, 10, 0, 0, 123456789, time.UTC)
	// t0ms is t0 as the store stamps it.
	t0ms = t0.Truncate(time.Millisecond)

	orgCreated      = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	fixtureCreatedA = time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC)
	fixtureCreatedB = time.Date(2026, 1, 11, 8, 30, 0, 0, time.UTC)
)

func fixtureData() store.Data {
	return store.Data{
		Users: []store.User{
			{ID: userA, FullName: "Ada Admin", Email: "ada@acme.example", LoginProvider: "google", Token: tokenA, Default: true},
			{ID: userB, FullName: "Bob Boss", Email: "bob@globex.example", LoginProvider: "github", Token: tokenB},
			{ID: memberA, FullName: "Mia Member", Email: "mia@acme.example", LoginProvider: "google", Token: tokenMemberA},
			{ID: memberB, FullName: "Gus Guest", Email: "gus@globex.example", LoginProvider: "github", Token: tokenMemberB},
		},
		Organizations: []store.Organization{
			{ID: orgA, Name: "Acme", Tier: "ORGANIZATION_TIER_ENTERPRISE", CreatedAt: orgCreated, UpdatedAt: orgCreated,
				InviteDomains: []string{"acme.example"}, InviteID: inviteA, Members: []store.Member{
					{UserID: userA, Role: store.RoleAdmin, Status: store.StatusActive, Since: orgCreated},
					{UserID: memberA, Role: store.RoleMember, Status: store.StatusActive, Since: orgCreated.Add(day)},
				}},
			{ID: orgB, Name: "Globex", Tier: "ORGANIZATION_TIER_ENTERPRISE", CreatedAt: orgCreated, UpdatedAt: orgCreated,
				Members: []store.Member{
					{UserID: userB, Role: store.RoleAdmin, Status: store.StatusActive, Since: orgCreated},
					{UserID: memberB, Role: store.RoleMember, Status: store.StatusActive, Since: orgCreated.Add(2 * day)},
				}},
		},
		SSOConfigurations: []store.SSOConfiguration{
			{
				ID: ssoA1, OrganizationID: orgA, ClientID: "acme-client", ClientSecret: "s1",
				IssuerURL: "https://accounts.google.com", State: store.SSOStateActive,
				ProviderType: store.ProviderTypeBuiltin, Claims: map[string]string{"k": "v"},
				EmailDomains: []string{"acme.example"}, CreatedAt: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC),
			},
			{
				ID: ssoA2, OrganizationID: orgA, ClientID: "acme-okta", ClientSecret: "s2",
				IssuerURL: "https://acme.okta.example", State: store.SSOStateInactive,
				ProviderType: store.ProviderTypeCustom, CreatedAt: time.Date(2026, 1, 6, 9, 0, 0, 0, time.UTC),
			},
			{
				ID: ssoB1, OrganizationID: orgB, ClientID: "globex-client", ClientSecret: "s3",
				IssuerURL: "https://login.globex.example", State: store.SSOStateActive,
				ProviderType: store.ProviderTypeCustom, CreatedAt: time.Date(2026, 1, 7, 9, 0, 0, 0, time.UTC),
			},
		},
		SCIMConfigurations: []store.SCIMConfiguration{
			{
				ID: scimA, OrganizationID: orgA, Name: "Acme Okta", Enabled: true, SSOConfigurationID: ssoA1,
				CreatedAt: fixtureCreatedA, UpdatedAt: fixtureCreatedA, TokenExpiresAt: fixtureCreatedA.Add(90 * day),
				Token: scimTokenA, TokenLifetime: 90 * day,
			},
			{
				ID: scimB, OrganizationID: orgB, Name: "Globex Entra", Enabled: false, SSOConfigurationID: ssoB1,
				AllowUnverifiedEmailAccountLinking: true,
				CreatedAt:                          fixtureCreatedB, UpdatedAt: fixtureCreatedB, TokenExpiresAt: fixtureCreatedB.Add(365 * day),
				Token: scimTokenB, TokenLifetime: 365 * day,
			},
		},
	}
}

// clock is a controllable, goroutine-safe time source for Options.Now.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// newStoreFrom builds a store from data with a clock at t0 and a seeded ChaCha8 source.
func newStoreFrom(t testing.TB, data store.Data, seed byte) (*store.Store, *clock) {
	t.Helper()
	clk := &clock{now: t0}
	st, err := store.New(data, store.Options{Now: clk.Now, Rand: rand.NewChaCha8([32]byte{seed}), Pages: pages})
	if err != nil {
		t.Fatalf("store.New: %v", err)
	}
	return st, clk
}

// newStore builds a store from the fixture.
func newStore(t testing.TB) (*store.Store, *clock) {
	t.Helper()
	return newStoreFrom(t, fixtureData(), 1)
}

// checkErr asserts err is nil when wantKind is nil, and otherwise that it is of kind wantKind
// (errors.Is) with exactly the message wantMsg.
func checkErr(t testing.TB, err, wantKind error, wantMsg string) {
	t.Helper()
	if wantKind == nil {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("got no error, want %v %q", wantKind, wantMsg)
	}
	if !errors.Is(err, wantKind) {
		t.Fatalf("error %q is not %v", err, wantKind)
	}
	for _, other := range []error{store.ErrInvalidArgument, store.ErrNotFound, store.ErrPermissionDenied, store.ErrFailedPrecondition} {
		if other != wantKind && errors.Is(err, other) {
			t.Fatalf("error %q is also %v", err, other)
		}
	}
	if err.Error() != wantMsg {
		t.Fatalf("error message\n got %q\nwant %q", err.Error(), wantMsg)
	}
}

// checkUnchanged asserts the store's state equals before.
func checkUnchanged(t testing.TB, st *store.Store, before store.Data) {
	t.Helper()
	if after := st.Snapshot(); !reflect.DeepEqual(before, after) {
		t.Fatalf("state changed on a failed call\nbefore %+v\n after %+v", before, after)
	}
}

func ptr[T any](v T) *T { return &v }

// as is the user a test acts as to act for an organization: its admin. Anything else is
// taken as a user id as it is (an unknown one, say).
func as(org string) string {
	switch org {
	case orgA:
		return userA
	case orgB:
		return userB
	}
	return org
}

// mustCreate creates a SCIM configuration in org, linked to sso, failing the test on error.
func mustCreate(t testing.TB, st *store.Store, org, sso, name string) store.SCIMConfiguration {
	t.Helper()
	c, err := st.CreateSCIM(as(org), store.SCIMCreate{OrganizationID: org, SSOConfigurationID: sso, Name: name})
	if err != nil {
		t.Fatalf("CreateSCIM(%s): %v", name, err)
	}
	return c
}
