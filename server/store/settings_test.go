package store_test

// Tests of an organization's settings of one record each (settings.go): the announcement
// banner, the OIDC token configuration, the Stripe customer id and the custom domain.

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gitpod-mock/orgmock/server/store"
)

const (
	acct1 = "111111111111" // AWS account ids: twelve digits
	acct2 = "222222222222"
	proj1 = "acme-project-1" // GCP project ids
	proj2 = "acme-project-2"

	providerUnspecified = "CUSTOM_DOMAIN_PROVIDER_UNSPECIFIED"

	msgBadOIDCVersion = "oidcConfig: set v2 or v3"
	msgBlankStripe    = "stripeCustomerId: must not be blank"
	msgNoProvider     = "provider: must be CUSTOM_DOMAIN_PROVIDER_AWS or CUSTOM_DOMAIN_PROVIDER_GCP (or give awsAccountId)"
	msgAWSOnly        = "awsAccountId: only for CUSTOM_DOMAIN_PROVIDER_AWS; CUSTOM_DOMAIN_PROVIDER_GCP takes cloudAccountId"
)

// domainCreated is when the custom domains a test's data starts with were created: before t0,
// so that a write at the test clock's start stamps t0ms.
var domainCreated = time.Date(2026, 2, 1, 8, 0, 0, 0, time.UTC)

func msgNoCustomDomain(org string) string {
	return "organizationId: organization " + org + " has no custom domain"
}

func msgDomainExists(org, domain string) string {
	return "organizationId: organization " + org + " has the custom domain " + domain + " already: update or delete it"
}

func msgBadDomainName(domain string) string {
	return `domainName: must be a domain name such as workspaces.example.com, got "` + domain + `"`
}

func msgBadAWSAccount(id string) string {
	return `awsAccountId: must be a 12-digit AWS account id for CUSTOM_DOMAIN_PROVIDER_AWS, got "` + id + `"`
}

func msgBadGCPProject(id string) string {
	return `cloudAccountId: must be a GCP project id (6 to 30 lower-case letters, digits or '-') for CUSTOM_DOMAIN_PROVIDER_GCP, got "` + id + `"`
}

// withOrgSettings changes org's record in the data.
func withOrgSettings(org string, edit func(o *store.Organization)) func(d *store.Data) {
	return func(d *store.Data) {
		for i := range d.Organizations {
			if d.Organizations[i].ID == org {
				edit(&d.Organizations[i])
			}
		}
	}
}

// settingsData is the fixture changed by each of edits.
func settingsData(edits ...func(d *store.Data)) store.Data {
	d := fixtureData()
	for _, edit := range edits {
		edit(&d)
	}
	return d
}

// awsDomain and gcpDomain are custom domains as a test's data holds them.
func awsDomain() *store.CustomDomain {
	return &store.CustomDomain{ID: "cd000000-0000-4000-8000-00000000000a", Domain: "ws.acme.example", Provider: store.ProviderAWS,
		AWSAccountID: acct1, CloudAccountID: acct1, CreatedAt: domainCreated, UpdatedAt: domainCreated}
}

func gcpDomain() *store.CustomDomain {
	return &store.CustomDomain{ID: "cd000000-0000-4000-8000-00000000000b", Domain: "ws.acme.example", Provider: store.ProviderGCP,
		CloudAccountID: proj1, CreatedAt: domainCreated, UpdatedAt: domainCreated}
}

// checkOnlySettingChanged asserts that the store holds before, except for org's record, which
// is before's with edit applied.
func checkOnlySettingChanged(t *testing.T, st *store.Store, before store.Data, org string, edit func(o *store.Organization)) {
	t.Helper()
	want := before
	want.Organizations = slices.Clone(before.Organizations)
	for i := range want.Organizations {
		if want.Organizations[i].ID == org {
			o := want.Organizations[i]
			if o.CustomDomain != nil {
				d := *o.CustomDomain
				o.CustomDomain = &d
			}
			edit(&o)
			want.Organizations[i] = o
		}
	}
	if got := st.Snapshot(); !reflect.DeepEqual(got, want) {
		t.Fatalf("state after the write\n got %+v\nwant %+v", got, want)
	}
}

func TestGetBanner(t *testing.T) {
	set := store.Banner{Message: "Maintenance on Saturday", Enabled: true}
	tests := []struct {
		name        string
		givenBanner store.Banner // acme's
		givenCaller string
		whenOrg     string
		expect      store.Banner
		expectKind  error
		expectMsg   string
	}{
		{name: "admin: never set, a disabled banner without a message", givenCaller: userA, whenOrg: orgA},
		{name: "plain member: never set", givenCaller: memberA, whenOrg: orgA},
		{name: "admin: set", givenBanner: set, givenCaller: userA, whenOrg: orgA, expect: set},
		{name: "plain member: set", givenBanner: set, givenCaller: memberA, whenOrg: orgA, expect: set},
		{name: "the other organization's banner is its own", givenBanner: set, givenCaller: memberB, whenOrg: orgB},
		{
			name: "admin of another organization", givenBanner: set, givenCaller: userB, whenOrg: orgA,
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA),
		},
		{
			name: "plain member of another organization", givenCaller: memberB, whenOrg: orgA,
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA),
		},
		{
			name: "unknown organization", givenCaller: userA, whenOrg: unknownID,
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(unknownID),
		},
		{
			name: "unknown user", givenCaller: unknownID, whenOrg: orgA,
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := newStoreFrom(t, settingsData(withOrgSettings(orgA, func(o *store.Organization) { o.Banner = tt.givenBanner })), 1)
			before := st.Snapshot()
			got, err := st.GetBanner(tt.givenCaller, tt.whenOrg)
			checkErr(t, err, tt.expectKind, tt.expectMsg)
			if got != tt.expect {
				t.Errorf("GetBanner = %+v, want %+v", got, tt.expect)
			}
			checkUnchanged(t, st, before)
		})
	}
}

func TestUpdateBanner(t *testing.T) {
	old := store.Banner{Message: "old news", Enabled: true}
	tests := []struct {
		name        string
		givenBanner store.Banner // acme's
		givenCaller string
		whenOrg     string
		whenMessage *string
		whenEnabled *bool
		expect      store.Banner
		expectKind  error
		expectMsg   string
	}{
		{
			name: "both set", givenBanner: old, givenCaller: userA, whenOrg: orgA,
			whenMessage: ptr("Maintenance on Saturday"), whenEnabled: ptr(false),
			expect: store.Banner{Message: "Maintenance on Saturday"},
		},
		{
			name: "both set on a banner never set", givenCaller: userA, whenOrg: orgA,
			whenMessage: ptr("Hello"), whenEnabled: ptr(true), expect: store.Banner{Message: "Hello", Enabled: true},
		},
		{
			name: "message only: enabled unchanged", givenBanner: old, givenCaller: userA, whenOrg: orgA,
			whenMessage: ptr("new news"), expect: store.Banner{Message: "new news", Enabled: true},
		},
		{
			name: "enabled only: message unchanged", givenBanner: old, givenCaller: userA, whenOrg: orgA,
			whenEnabled: ptr(false), expect: store.Banner{Message: "old news"},
		},
		{name: "neither: all unchanged", givenBanner: old, givenCaller: userA, whenOrg: orgA, expect: old},
		{
			name: "an empty message clears it", givenBanner: old, givenCaller: userA, whenOrg: orgA,
			whenMessage: ptr(""), expect: store.Banner{Enabled: true},
		},
		{
			name: "the other organization's admin, its own banner", givenBanner: old, givenCaller: userB, whenOrg: orgB,
			whenMessage: ptr("globex"), expect: store.Banner{Message: "globex"},
		},
		{
			name: "plain member", givenBanner: old, givenCaller: memberA, whenOrg: orgA,
			whenMessage: ptr("mine"), whenEnabled: ptr(false),
			expectKind: store.ErrPermissionDenied, expectMsg: msgOnlyAdmin("organizationId", orgA),
		},
		{
			name: "plain member, changing nothing", givenBanner: old, givenCaller: memberA, whenOrg: orgA,
			expectKind: store.ErrPermissionDenied, expectMsg: msgOnlyAdmin("organizationId", orgA),
		},
		{
			name: "admin of another organization", givenBanner: old, givenCaller: userB, whenOrg: orgA,
			whenMessage: ptr("theirs"),
			expectKind:  store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA),
		},
		{
			name: "unknown organization", givenCaller: userA, whenOrg: unknownID, whenEnabled: ptr(true),
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(unknownID),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := newStoreFrom(t, settingsData(withOrgSettings(orgA, func(o *store.Organization) { o.Banner = tt.givenBanner })), 1)
			before := st.Snapshot()
			got, err := st.UpdateBanner(tt.givenCaller, tt.whenOrg, tt.whenMessage, tt.whenEnabled)
			checkErr(t, err, tt.expectKind, tt.expectMsg)
			if got != tt.expect {
				t.Errorf("UpdateBanner = %+v, want %+v", got, tt.expect)
			}
			if err != nil {
				checkUnchanged(t, st, before)
				return
			}
			// Only the banner of that organization changed; any member reads the new one.
			checkOnlySettingChanged(t, st, before, tt.whenOrg, func(o *store.Organization) { o.Banner = tt.expect })
			for _, reader := range []string{as(tt.whenOrg), map[string]string{orgA: memberA, orgB: memberB}[tt.whenOrg]} {
				if b, err := st.GetBanner(reader, tt.whenOrg); err != nil || b != tt.expect {
					t.Errorf("GetBanner(%s) after the update = %+v, %v; want %+v", reader, b, err, tt.expect)
				}
			}
		})
	}
}

func TestGetOIDC(t *testing.T) {
	v3 := store.OIDCConfig{Version: 3, ExtraSubFields: []string{"email", "groups"}}
	tests := []struct {
		name        string
		givenOIDC   store.OIDCConfig // acme's
		givenCaller string
		whenOrg     string
		expect      store.OIDCConfig
		expectKind  error
		expectMsg   string
	}{
		{name: "never set: version 2, no fields", givenCaller: userA, whenOrg: orgA, expect: store.OIDCConfig{Version: 2}},
		{name: "version 2", givenOIDC: store.OIDCConfig{Version: 2}, givenCaller: userA, whenOrg: orgA, expect: store.OIDCConfig{Version: 2}},
		{name: "version 3 with fields", givenOIDC: v3, givenCaller: userA, whenOrg: orgA, expect: v3},
		{name: "version 3 without fields", givenOIDC: store.OIDCConfig{Version: 3}, givenCaller: userA, whenOrg: orgA, expect: store.OIDCConfig{Version: 3}},
		{name: "the other organization's is its own", givenOIDC: v3, givenCaller: userB, whenOrg: orgB, expect: store.OIDCConfig{Version: 2}},
		{
			name: "plain member", givenOIDC: v3, givenCaller: memberA, whenOrg: orgA,
			expectKind: store.ErrPermissionDenied, expectMsg: msgOnlyAdmin("organizationId", orgA),
		},
		{
			name: "admin of another organization", givenOIDC: v3, givenCaller: userB, whenOrg: orgA,
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA),
		},
		{
			name: "unknown organization", givenCaller: userA, whenOrg: unknownID,
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(unknownID),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := newStoreFrom(t, settingsData(withOrgSettings(orgA, func(o *store.Organization) { o.OIDC = tt.givenOIDC })), 1)
			before := st.Snapshot()
			got, err := st.GetOIDC(tt.givenCaller, tt.whenOrg)
			checkErr(t, err, tt.expectKind, tt.expectMsg)
			if !reflect.DeepEqual(got, tt.expect) {
				t.Errorf("GetOIDC = %+v, want %+v", got, tt.expect)
			}
			if len(got.ExtraSubFields) > 0 {
				// What GetOIDC returns is the caller's: changing it changes nothing stored.
				got.ExtraSubFields[0] = "mutated"
				if again, _ := st.GetOIDC(tt.givenCaller, tt.whenOrg); !reflect.DeepEqual(again, tt.expect) {
					t.Errorf("GetOIDC after changing its last answer = %+v, want %+v", again, tt.expect)
				}
			}
			checkUnchanged(t, st, before)
		})
	}
}

func TestUpdateOIDC(t *testing.T) {
	v3 := store.OIDCConfig{Version: 3, ExtraSubFields: []string{"email", "groups"}}
	tests := []struct {
		name        string
		givenOIDC   store.OIDCConfig // acme's
		givenCaller string
		whenOrg     string
		when        store.OIDCConfig
		expect      store.OIDCConfig
		expectKind  error
		expectMsg   string
	}{
		{name: "v3 with fields: kept", givenCaller: userA, whenOrg: orgA, when: v3, expect: v3},
		{name: "v3 without fields", givenOIDC: v3, givenCaller: userA, whenOrg: orgA, when: store.OIDCConfig{Version: 3}, expect: store.OIDCConfig{Version: 3}},
		{name: "v2", givenOIDC: v3, givenCaller: userA, whenOrg: orgA, when: store.OIDCConfig{Version: 2}, expect: store.OIDCConfig{Version: 2}},
		{
			name: "v2 drops extra sub fields", givenCaller: userA, whenOrg: orgA,
			when: store.OIDCConfig{Version: 2, ExtraSubFields: []string{"email"}}, expect: store.OIDCConfig{Version: 2},
		},
		{
			name: "v3 replaces v3's fields", givenOIDC: v3, givenCaller: userA, whenOrg: orgA,
			when:   store.OIDCConfig{Version: 3, ExtraSubFields: []string{"sub"}},
			expect: store.OIDCConfig{Version: 3, ExtraSubFields: []string{"sub"}},
		},
		{name: "the other organization's admin, its own", givenCaller: userB, whenOrg: orgB, when: v3, expect: v3},
		{
			name: "no version (0)", givenOIDC: v3, givenCaller: userA, whenOrg: orgA, when: store.OIDCConfig{ExtraSubFields: []string{"email"}},
			expectKind: store.ErrInvalidArgument, expectMsg: msgBadOIDCVersion,
		},
		{
			name: "version 1", givenCaller: userA, whenOrg: orgA, when: store.OIDCConfig{Version: 1},
			expectKind: store.ErrInvalidArgument, expectMsg: msgBadOIDCVersion,
		},
		{
			name: "version 4", givenCaller: userA, whenOrg: orgA, when: store.OIDCConfig{Version: 4},
			expectKind: store.ErrInvalidArgument, expectMsg: msgBadOIDCVersion,
		},
		{
			name: "version -3", givenCaller: userA, whenOrg: orgA, when: store.OIDCConfig{Version: -3},
			expectKind: store.ErrInvalidArgument, expectMsg: msgBadOIDCVersion,
		},
		{
			name: "plain member", givenOIDC: v3, givenCaller: memberA, whenOrg: orgA, when: store.OIDCConfig{Version: 2},
			expectKind: store.ErrPermissionDenied, expectMsg: msgOnlyAdmin("organizationId", orgA),
		},
		{
			name: "admin of another organization", givenCaller: userB, whenOrg: orgA, when: v3,
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA),
		},
		{
			name: "unknown organization", givenCaller: userA, whenOrg: unknownID, when: v3,
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(unknownID),
		},
		{
			name: "a bad version is refused before the caller is checked", givenCaller: userB, whenOrg: orgA, when: store.OIDCConfig{Version: 5},
			expectKind: store.ErrInvalidArgument, expectMsg: msgBadOIDCVersion,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := newStoreFrom(t, settingsData(withOrgSettings(orgA, func(o *store.Organization) { o.OIDC = tt.givenOIDC })), 1)
			before := st.Snapshot()
			when := tt.when
			when.ExtraSubFields = slices.Clone(tt.when.ExtraSubFields)
			got, err := st.UpdateOIDC(tt.givenCaller, tt.whenOrg, when)
			checkErr(t, err, tt.expectKind, tt.expectMsg)
			if err != nil {
				if !reflect.DeepEqual(got, store.OIDCConfig{}) {
					t.Errorf("a refused update returned %+v", got)
				}
				checkUnchanged(t, st, before)
				return
			}
			if !reflect.DeepEqual(got, tt.expect) {
				t.Fatalf("UpdateOIDC = %+v, want %+v", got, tt.expect)
			}
			checkOnlySettingChanged(t, st, before, tt.whenOrg, func(o *store.Organization) { o.OIDC = tt.expect })
			// Neither the request's fields nor the answer's are the store's own.
			for i := range when.ExtraSubFields {
				when.ExtraSubFields[i] = "request-mutated"
			}
			for i := range got.ExtraSubFields {
				got.ExtraSubFields[i] = "answer-mutated"
			}
			if again, err := st.GetOIDC(as(tt.whenOrg), tt.whenOrg); err != nil || !reflect.DeepEqual(again, tt.expect) {
				t.Errorf("GetOIDC after the update = %+v, %v; want %+v", again, err, tt.expect)
			}
		})
	}
}

func TestSetStripeCustomerID(t *testing.T) {
	tests := []struct {
		name        string
		givenID     string // acme's
		givenCaller string
		whenOrg     string
		whenID      string
		expectKind  error
		expectMsg   string
	}{
		{name: "first set", givenCaller: userA, whenOrg: orgA, whenID: "cus_NffrFeUfNV2Hib"},
		{name: "replaced", givenID: "cus_old", givenCaller: userA, whenOrg: orgA, whenID: "cus_new"},
		{name: "kept as given, spaces and all", givenCaller: userA, whenOrg: orgA, whenID: " cus_x "},
		{name: "the other organization's admin, its own", givenID: "cus_old", givenCaller: userB, whenOrg: orgB, whenID: "cus_globex"},
		{
			name: "empty", givenID: "cus_old", givenCaller: userA, whenOrg: orgA, whenID: "",
			expectKind: store.ErrInvalidArgument, expectMsg: msgBlankStripe,
		},
		{
			name: "blank", givenCaller: userA, whenOrg: orgA, whenID: "  \t\n",
			expectKind: store.ErrInvalidArgument, expectMsg: msgBlankStripe,
		},
		{
			name: "plain member", givenID: "cus_old", givenCaller: memberA, whenOrg: orgA, whenID: "cus_mine",
			expectKind: store.ErrPermissionDenied, expectMsg: msgOnlyAdmin("organizationId", orgA),
		},
		{
			name: "admin of another organization", givenCaller: userB, whenOrg: orgA, whenID: "cus_theirs",
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA),
		},
		{
			name: "unknown organization", givenCaller: userA, whenOrg: unknownID, whenID: "cus_x",
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(unknownID),
		},
		{
			name: "a blank id is refused before the caller is checked", givenCaller: userB, whenOrg: orgA, whenID: " ",
			expectKind: store.ErrInvalidArgument, expectMsg: msgBlankStripe,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := newStoreFrom(t, settingsData(withOrgSettings(orgA, func(o *store.Organization) { o.StripeCustomerID = tt.givenID })), 1)
			before := st.Snapshot()
			err := st.SetStripeCustomerID(tt.givenCaller, tt.whenOrg, tt.whenID)
			checkErr(t, err, tt.expectKind, tt.expectMsg)
			if err != nil {
				checkUnchanged(t, st, before)
				return
			}
			// The API returns it nowhere; the state shows it.
			checkOnlySettingChanged(t, st, before, tt.whenOrg, func(o *store.Organization) { o.StripeCustomerID = tt.whenID })
			if got := orgOf(t, st.Snapshot(), tt.whenOrg).StripeCustomerID; got != tt.whenID {
				t.Errorf("stored %q, want %q", got, tt.whenID)
			}
		})
	}
}

func TestCreateCustomDomain(t *testing.T) {
	tests := []struct {
		name        string
		givenCaller string
		when        store.CustomDomainChange
		expect      store.CustomDomain // without the id and the times
		expectKind  error
		expectMsg   string
	}{
		{
			name: "AWS with awsAccountId: cloudAccountId names it too", givenCaller: userA,
			when:   store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: store.ProviderAWS, AWSAccountID: ptr(acct1)},
			expect: store.CustomDomain{Domain: "ws.acme.example", Provider: store.ProviderAWS, AWSAccountID: acct1, CloudAccountID: acct1},
		},
		{
			name: "AWS with only cloudAccountId: it names the AWS account", givenCaller: userA,
			when:   store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: store.ProviderAWS, CloudAccountID: ptr(acct1)},
			expect: store.CustomDomain{Domain: "ws.acme.example", Provider: store.ProviderAWS, AWSAccountID: acct1, CloudAccountID: acct1},
		},
		{
			name: "AWS with both, the same", givenCaller: userA,
			when:   store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: store.ProviderAWS, AWSAccountID: ptr(acct1), CloudAccountID: ptr(acct1)},
			expect: store.CustomDomain{Domain: "ws.acme.example", Provider: store.ProviderAWS, AWSAccountID: acct1, CloudAccountID: acct1},
		},
		{
			name: "AWS with awsAccountId and a free-form cloudAccountId: kept as given", givenCaller: userA,
			when: store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: store.ProviderAWS,
				AWSAccountID: ptr(acct1), CloudAccountID: ptr("arn:aws:iam::111111111111:root")},
			expect: store.CustomDomain{Domain: "ws.acme.example", Provider: store.ProviderAWS, AWSAccountID: acct1, CloudAccountID: "arn:aws:iam::111111111111:root"},
		},
		{
			name: "AWS with an empty cloudAccountId: as if absent", givenCaller: userA,
			when:   store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: store.ProviderAWS, AWSAccountID: ptr(acct1), CloudAccountID: ptr("")},
			expect: store.CustomDomain{Domain: "ws.acme.example", Provider: store.ProviderAWS, AWSAccountID: acct1, CloudAccountID: acct1},
		},
		{
			name: "no provider with awsAccountId: AWS", givenCaller: userA,
			when:   store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", AWSAccountID: ptr(acct1)},
			expect: store.CustomDomain{Domain: "ws.acme.example", Provider: store.ProviderAWS, AWSAccountID: acct1, CloudAccountID: acct1},
		},
		{
			name: "provider UNSPECIFIED with awsAccountId: AWS", givenCaller: userA,
			when:   store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: providerUnspecified, AWSAccountID: ptr(acct2)},
			expect: store.CustomDomain{Domain: "ws.acme.example", Provider: store.ProviderAWS, AWSAccountID: acct2, CloudAccountID: acct2},
		},
		{
			name: "GCP with a project id", givenCaller: userA,
			when:   store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: store.ProviderGCP, CloudAccountID: ptr(proj1)},
			expect: store.CustomDomain{Domain: "ws.acme.example", Provider: store.ProviderGCP, CloudAccountID: proj1},
		},
		{
			name: "GCP: a project id of 6 characters", givenCaller: userA,
			when:   store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: store.ProviderGCP, CloudAccountID: ptr("abcde1")},
			expect: store.CustomDomain{Domain: "ws.acme.example", Provider: store.ProviderGCP, CloudAccountID: "abcde1"},
		},
		{
			name: "GCP: a project id of 30 characters", givenCaller: userA,
			when:   store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: store.ProviderGCP, CloudAccountID: ptr("a" + strings.Repeat("-", 28) + "z")},
			expect: store.CustomDomain{Domain: "ws.acme.example", Provider: store.ProviderGCP, CloudAccountID: "a" + strings.Repeat("-", 28) + "z"},
		},
		{
			name: "GCP with an empty awsAccountId: as if absent", givenCaller: userA,
			when:   store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: store.ProviderGCP, AWSAccountID: ptr(""), CloudAccountID: ptr(proj1)},
			expect: store.CustomDomain{Domain: "ws.acme.example", Provider: store.ProviderGCP, CloudAccountID: proj1},
		},
		{
			name: "the domain name is lower-cased", givenCaller: userA,
			when:   store.CustomDomainChange{OrganizationID: orgA, Domain: "Workspaces.ACME-Corp.Example", Provider: store.ProviderAWS, AWSAccountID: ptr(acct1)},
			expect: store.CustomDomain{Domain: "workspaces.acme-corp.example", Provider: store.ProviderAWS, AWSAccountID: acct1, CloudAccountID: acct1},
		},
		{
			name: "the other organization's admin, its own", givenCaller: userB,
			when:   store.CustomDomainChange{OrganizationID: orgB, Domain: "ws.globex.example", Provider: store.ProviderGCP, CloudAccountID: ptr(proj2)},
			expect: store.CustomDomain{Domain: "ws.globex.example", Provider: store.ProviderGCP, CloudAccountID: proj2},
		},
		{
			name: "no provider and no awsAccountId", givenCaller: userA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example"},
			expectKind: store.ErrInvalidArgument, expectMsg: msgNoProvider,
		},
		{
			name: "no provider, only cloudAccountId", givenCaller: userA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", CloudAccountID: ptr(acct1)},
			expectKind: store.ErrInvalidArgument, expectMsg: msgNoProvider,
		},
		{
			name: "provider UNSPECIFIED, only cloudAccountId", givenCaller: userA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: providerUnspecified, CloudAccountID: ptr(proj1)},
			expectKind: store.ErrInvalidArgument, expectMsg: msgNoProvider,
		},
		{
			name: "a provider the API does not know", givenCaller: userA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: "CUSTOM_DOMAIN_PROVIDER_AZURE", CloudAccountID: ptr(proj1)},
			expectKind: store.ErrInvalidArgument, expectMsg: msgNoProvider,
		},
		{
			name: "no provider with an empty awsAccountId: AWS, and the id is bad", givenCaller: userA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", AWSAccountID: ptr("")},
			expectKind: store.ErrInvalidArgument, expectMsg: msgBadAWSAccount(""),
		},
		{
			name: "AWS without an account id", givenCaller: userA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: store.ProviderAWS},
			expectKind: store.ErrInvalidArgument, expectMsg: msgBadAWSAccount(""),
		},
		{
			name: "AWS: 11 digits", givenCaller: userA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: store.ProviderAWS, AWSAccountID: ptr("11111111111")},
			expectKind: store.ErrInvalidArgument, expectMsg: msgBadAWSAccount("11111111111"),
		},
		{
			name: "AWS: 13 digits", givenCaller: userA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: store.ProviderAWS, AWSAccountID: ptr("1111111111111")},
			expectKind: store.ErrInvalidArgument, expectMsg: msgBadAWSAccount("1111111111111"),
		},
		{
			name: "AWS: not digits", givenCaller: userA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: store.ProviderAWS, AWSAccountID: ptr("11111111111a")},
			expectKind: store.ErrInvalidArgument, expectMsg: msgBadAWSAccount("11111111111a"),
		},
		{
			name: "AWS with only a cloudAccountId that is no AWS account id", givenCaller: userA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: store.ProviderAWS, CloudAccountID: ptr(proj1)},
			expectKind: store.ErrInvalidArgument, expectMsg: msgBadAWSAccount(proj1),
		},
		{
			name: "GCP without a project id", givenCaller: userA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: store.ProviderGCP},
			expectKind: store.ErrInvalidArgument, expectMsg: msgBadGCPProject(""),
		},
		{
			name: "GCP: a project id of 5 characters", givenCaller: userA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: store.ProviderGCP, CloudAccountID: ptr("abcd1")},
			expectKind: store.ErrInvalidArgument, expectMsg: msgBadGCPProject("abcd1"),
		},
		{
			name: "GCP: a project id of 31 characters", givenCaller: userA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: store.ProviderGCP, CloudAccountID: ptr(strings.Repeat("a", 31))},
			expectKind: store.ErrInvalidArgument, expectMsg: msgBadGCPProject(strings.Repeat("a", 31)),
		},
		{
			name: "GCP: a project id in capitals", givenCaller: userA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: store.ProviderGCP, CloudAccountID: ptr("Acme-Project-1")},
			expectKind: store.ErrInvalidArgument, expectMsg: msgBadGCPProject("Acme-Project-1"),
		},
		{
			name: "GCP: a project id starting with a digit", givenCaller: userA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: store.ProviderGCP, CloudAccountID: ptr("1acme-project")},
			expectKind: store.ErrInvalidArgument, expectMsg: msgBadGCPProject("1acme-project"),
		},
		{
			name: "GCP: a project id ending with '-'", givenCaller: userA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: store.ProviderGCP, CloudAccountID: ptr("acme-project-")},
			expectKind: store.ErrInvalidArgument, expectMsg: msgBadGCPProject("acme-project-"),
		},
		{
			name: "GCP: an AWS account id is no project id", givenCaller: userA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: store.ProviderGCP, CloudAccountID: ptr(acct1)},
			expectKind: store.ErrInvalidArgument, expectMsg: msgBadGCPProject(acct1),
		},
		{
			name: "GCP with awsAccountId", givenCaller: userA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: store.ProviderGCP, AWSAccountID: ptr(acct1), CloudAccountID: ptr(proj1)},
			expectKind: store.ErrInvalidArgument, expectMsg: msgAWSOnly,
		},
		{
			name: "not a domain name", givenCaller: userA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "not a domain", Provider: store.ProviderAWS, AWSAccountID: ptr(acct1)},
			expectKind: store.ErrInvalidArgument, expectMsg: msgBadDomainName("not a domain"),
		},
		{
			name: "a host name without a dot", givenCaller: userA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "localhost", Provider: store.ProviderAWS, AWSAccountID: ptr(acct1)},
			expectKind: store.ErrInvalidArgument, expectMsg: msgBadDomainName("localhost"),
		},
		{
			name: "an empty domain name", givenCaller: userA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Provider: store.ProviderAWS, AWSAccountID: ptr(acct1)},
			expectKind: store.ErrInvalidArgument, expectMsg: msgBadDomainName(""),
		},
		{
			name: "a bad domain name and no provider: the domain name first", givenCaller: userA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "-bad-.example"},
			expectKind: store.ErrInvalidArgument, expectMsg: msgBadDomainName("-bad-.example"),
		},
		{
			name: "plain member", givenCaller: memberA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: store.ProviderAWS, AWSAccountID: ptr(acct1)},
			expectKind: store.ErrPermissionDenied, expectMsg: msgOnlyAdmin("organizationId", orgA),
		},
		{
			name: "plain member with a bad request: the caller first", givenCaller: memberA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "not a domain"},
			expectKind: store.ErrPermissionDenied, expectMsg: msgOnlyAdmin("organizationId", orgA),
		},
		{
			name: "admin of another organization", givenCaller: userB,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: store.ProviderAWS, AWSAccountID: ptr(acct1)},
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA),
		},
		{
			name: "unknown organization", givenCaller: userA,
			when:       store.CustomDomainChange{OrganizationID: unknownID, Domain: "ws.acme.example", Provider: store.ProviderAWS, AWSAccountID: ptr(acct1)},
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(unknownID),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := newStore(t)
			before := st.Snapshot()
			got, err := st.CreateCustomDomain(tt.givenCaller, tt.when)
			checkErr(t, err, tt.expectKind, tt.expectMsg)
			if err != nil {
				if !reflect.DeepEqual(got, store.CustomDomain{}) {
					t.Errorf("a refused create returned %+v", got)
				}
				checkUnchanged(t, st, before)
				return
			}
			if !isUUIDv4(got.ID) {
				t.Errorf("id %q is not a version 4 UUID", got.ID)
			}
			want := tt.expect
			want.ID, want.CreatedAt, want.UpdatedAt = got.ID, t0ms, t0ms
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("CreateCustomDomain\n got %+v\nwant %+v", got, want)
			}
			if got.CreatedAt.Location() != time.UTC {
				t.Errorf("createdAt location %v, want UTC", got.CreatedAt.Location())
			}
			org := tt.when.OrganizationID
			checkOnlySettingChanged(t, st, before, org, func(o *store.Organization) { o.CustomDomain = &want })
			// Any member reads it.
			for _, reader := range []string{as(org), map[string]string{orgA: memberA, orgB: memberB}[org]} {
				if d, err := st.GetCustomDomain(reader, org); err != nil || d != want {
					t.Errorf("GetCustomDomain(%s) after the create = %+v, %v; want %+v", reader, d, err, want)
				}
			}
		})
	}
}

// The times are the clock's at millisecond precision, in UTC, whatever the clock's zone.
func TestCreateCustomDomainStamps(t *testing.T) {
	st, clk := newStore(t)
	clk.Set(time.Date(2026, 7, 4, 15, 30, 0, 987654321, time.FixedZone("UTC+5:30", 5*3600+1800)))
	d, err := st.CreateCustomDomain(userA, store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", AWSAccountID: ptr(acct1)})
	checkErr(t, err, nil, "")
	want := time.Date(2026, 7, 4, 10, 0, 0, 987000000, time.UTC)
	if d.CreatedAt != want || d.UpdatedAt != want {
		t.Fatalf("createdAt %v, updatedAt %v; want %v for both", d.CreatedAt, d.UpdatedAt, want)
	}
}

// An organization has one custom domain: a create that asks for exactly the one it has (a
// retry) answers it, unchanged; any other is already_exists.
func TestCreateCustomDomainAgain(t *testing.T) {
	tests := []struct {
		name        string
		givenDomain *store.CustomDomain // acme's
		givenCaller string
		when        store.CustomDomainChange
		expectKind  error
		expectMsg   string
	}{
		{
			name: "AWS: the same request", givenDomain: awsDomain(), givenCaller: userA,
			when: store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: store.ProviderAWS, AWSAccountID: ptr(acct1)},
		},
		{
			name: "AWS: the same, named by its account id alone", givenDomain: awsDomain(), givenCaller: userA,
			when: store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", AWSAccountID: ptr(acct1)},
		},
		{
			name: "AWS: the same, by its cloudAccountId", givenDomain: awsDomain(), givenCaller: userA,
			when: store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: store.ProviderAWS, CloudAccountID: ptr(acct1)},
		},
		{
			name: "AWS: the same domain name in capitals", givenDomain: awsDomain(), givenCaller: userA,
			when: store.CustomDomainChange{OrganizationID: orgA, Domain: "WS.Acme.Example", Provider: store.ProviderAWS, AWSAccountID: ptr(acct1)},
		},
		{
			name: "GCP: the same request", givenDomain: gcpDomain(), givenCaller: userA,
			when: store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: store.ProviderGCP, CloudAccountID: ptr(proj1)},
		},
		{
			name: "another domain name", givenDomain: awsDomain(), givenCaller: userA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "other.acme.example", Provider: store.ProviderAWS, AWSAccountID: ptr(acct1)},
			expectKind: store.ErrAlreadyExists, expectMsg: msgDomainExists(orgA, "ws.acme.example"),
		},
		{
			name: "another AWS account", givenDomain: awsDomain(), givenCaller: userA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: store.ProviderAWS, AWSAccountID: ptr(acct2)},
			expectKind: store.ErrAlreadyExists, expectMsg: msgDomainExists(orgA, "ws.acme.example"),
		},
		{
			name: "another cloudAccountId", givenDomain: awsDomain(), givenCaller: userA,
			when: store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: store.ProviderAWS,
				AWSAccountID: ptr(acct1), CloudAccountID: ptr("free-form")},
			expectKind: store.ErrAlreadyExists, expectMsg: msgDomainExists(orgA, "ws.acme.example"),
		},
		{
			name: "another provider", givenDomain: awsDomain(), givenCaller: userA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: store.ProviderGCP, CloudAccountID: ptr(proj1)},
			expectKind: store.ErrAlreadyExists, expectMsg: msgDomainExists(orgA, "ws.acme.example"),
		},
		{
			name: "GCP: another project", givenDomain: gcpDomain(), givenCaller: userA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: store.ProviderGCP, CloudAccountID: ptr(proj2)},
			expectKind: store.ErrAlreadyExists, expectMsg: msgDomainExists(orgA, "ws.acme.example"),
		},
		{
			name: "a bad request: refused as bad first", givenDomain: awsDomain(), givenCaller: userA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: store.ProviderGCP},
			expectKind: store.ErrInvalidArgument, expectMsg: msgBadGCPProject(""),
		},
		{
			name: "plain member, the same request", givenDomain: awsDomain(), givenCaller: memberA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: store.ProviderAWS, AWSAccountID: ptr(acct1)},
			expectKind: store.ErrPermissionDenied, expectMsg: msgOnlyAdmin("organizationId", orgA),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, clk := newStoreFrom(t, settingsData(withOrgSettings(orgA, func(o *store.Organization) { o.CustomDomain = tt.givenDomain })), 1)
			clk.Advance(time.Hour)
			before := st.Snapshot()
			got, err := st.CreateCustomDomain(tt.givenCaller, tt.when)
			checkErr(t, err, tt.expectKind, tt.expectMsg)
			if err != nil {
				if !reflect.DeepEqual(got, store.CustomDomain{}) {
					t.Errorf("a refused create returned %+v", got)
				}
			} else if got != *tt.givenDomain {
				t.Errorf("a retried create returned\n %+v\nwant the existing one, unchanged\n %+v", got, *tt.givenDomain)
			}
			checkUnchanged(t, st, before)
		})
	}
}

func TestGetCustomDomain(t *testing.T) {
	tests := []struct {
		name        string
		givenDomain *store.CustomDomain // acme's
		givenCaller string
		whenOrg     string
		expectKind  error
		expectMsg   string
	}{
		{name: "admin", givenDomain: awsDomain(), givenCaller: userA, whenOrg: orgA},
		{name: "plain member", givenDomain: gcpDomain(), givenCaller: memberA, whenOrg: orgA},
		{
			name: "admin: none", givenCaller: userA, whenOrg: orgA,
			expectKind: store.ErrNotFound, expectMsg: msgNoCustomDomain(orgA),
		},
		{
			name: "plain member: none", givenCaller: memberA, whenOrg: orgA,
			expectKind: store.ErrNotFound, expectMsg: msgNoCustomDomain(orgA),
		},
		{
			name: "the other organization has none of its own", givenDomain: awsDomain(), givenCaller: memberB, whenOrg: orgB,
			expectKind: store.ErrNotFound, expectMsg: msgNoCustomDomain(orgB),
		},
		{
			name: "admin of another organization", givenDomain: awsDomain(), givenCaller: userB, whenOrg: orgA,
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA),
		},
		{
			name: "admin of another organization, none: not told so", givenCaller: userB, whenOrg: orgA,
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA),
		},
		{
			name: "unknown organization", givenCaller: userA, whenOrg: unknownID,
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(unknownID),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := newStoreFrom(t, settingsData(withOrgSettings(orgA, func(o *store.Organization) { o.CustomDomain = tt.givenDomain })), 1)
			before := st.Snapshot()
			got, err := st.GetCustomDomain(tt.givenCaller, tt.whenOrg)
			checkErr(t, err, tt.expectKind, tt.expectMsg)
			want := store.CustomDomain{}
			if err == nil {
				want = *tt.givenDomain
			}
			if got != want {
				t.Errorf("GetCustomDomain = %+v, want %+v", got, want)
			}
			checkUnchanged(t, st, before)
		})
	}
}

func TestUpdateCustomDomain(t *testing.T) {
	later := domainCreated.Add(time.Hour) // when the test's data says acme's custom domain was last updated
	tests := []struct {
		name        string
		givenDomain *store.CustomDomain // acme's
		givenCaller string
		when        store.CustomDomainChange
		expect      store.CustomDomain // without the id and the times
		expectKind  error
		expectMsg   string
	}{
		{
			name: "AWS: renamed, no provider: provider and ids kept", givenDomain: awsDomain(), givenCaller: userA,
			when:   store.CustomDomainChange{OrganizationID: orgA, Domain: "new.acme.example"},
			expect: store.CustomDomain{Domain: "new.acme.example", Provider: store.ProviderAWS, AWSAccountID: acct1, CloudAccountID: acct1},
		},
		{
			name: "AWS: renamed, provider UNSPECIFIED: provider and ids kept", givenDomain: awsDomain(), givenCaller: userA,
			when:   store.CustomDomainChange{OrganizationID: orgA, Domain: "new.acme.example", Provider: providerUnspecified},
			expect: store.CustomDomain{Domain: "new.acme.example", Provider: store.ProviderAWS, AWSAccountID: acct1, CloudAccountID: acct1},
		},
		{
			name: "AWS: renamed, the same provider named: ids kept", givenDomain: awsDomain(), givenCaller: userA,
			when:   store.CustomDomainChange{OrganizationID: orgA, Domain: "new.acme.example", Provider: store.ProviderAWS},
			expect: store.CustomDomain{Domain: "new.acme.example", Provider: store.ProviderAWS, AWSAccountID: acct1, CloudAccountID: acct1},
		},
		{
			name: "the same name again: nothing but updatedAt changes", givenDomain: awsDomain(), givenCaller: userA,
			when:   store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example"},
			expect: store.CustomDomain{Domain: "ws.acme.example", Provider: store.ProviderAWS, AWSAccountID: acct1, CloudAccountID: acct1},
		},
		{
			name: "the name is lower-cased", givenDomain: awsDomain(), givenCaller: userA,
			when:   store.CustomDomainChange{OrganizationID: orgA, Domain: "New.ACME.example"},
			expect: store.CustomDomain{Domain: "new.acme.example", Provider: store.ProviderAWS, AWSAccountID: acct1, CloudAccountID: acct1},
		},
		{
			name: "GCP: renamed, no provider: provider and project kept", givenDomain: gcpDomain(), givenCaller: userA,
			when:   store.CustomDomainChange{OrganizationID: orgA, Domain: "new.acme.example"},
			expect: store.CustomDomain{Domain: "new.acme.example", Provider: store.ProviderGCP, CloudAccountID: proj1},
		},
		{
			name: "GCP: another project", givenDomain: gcpDomain(), givenCaller: userA,
			when:   store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", CloudAccountID: ptr(proj2)},
			expect: store.CustomDomain{Domain: "ws.acme.example", Provider: store.ProviderGCP, CloudAccountID: proj2},
		},
		{
			name: "AWS to GCP: the AWS ids dropped", givenDomain: awsDomain(), givenCaller: userA,
			when:   store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: store.ProviderGCP, CloudAccountID: ptr(proj1)},
			expect: store.CustomDomain{Domain: "ws.acme.example", Provider: store.ProviderGCP, CloudAccountID: proj1},
		},
		{
			name: "GCP to AWS by awsAccountId: the project dropped", givenDomain: gcpDomain(), givenCaller: userA,
			when:   store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: store.ProviderAWS, AWSAccountID: ptr(acct2)},
			expect: store.CustomDomain{Domain: "ws.acme.example", Provider: store.ProviderAWS, AWSAccountID: acct2, CloudAccountID: acct2},
		},
		{
			name: "GCP to AWS by cloudAccountId", givenDomain: gcpDomain(), givenCaller: userA,
			when:   store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: store.ProviderAWS, CloudAccountID: ptr(acct2)},
			expect: store.CustomDomain{Domain: "ws.acme.example", Provider: store.ProviderAWS, AWSAccountID: acct2, CloudAccountID: acct2},
		},
		{
			name: "AWS to GCP without a project: the AWS id is not taken for one", givenDomain: awsDomain(), givenCaller: userA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: store.ProviderGCP},
			expectKind: store.ErrInvalidArgument, expectMsg: msgBadGCPProject(""),
		},
		{
			name: "AWS to GCP with awsAccountId", givenDomain: awsDomain(), givenCaller: userA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: store.ProviderGCP, AWSAccountID: ptr(acct1), CloudAccountID: ptr(proj1)},
			expectKind: store.ErrInvalidArgument, expectMsg: msgAWSOnly,
		},
		{
			name: "GCP to AWS without an account id: the project is not taken for one", givenDomain: gcpDomain(), givenCaller: userA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: store.ProviderAWS},
			expectKind: store.ErrInvalidArgument, expectMsg: msgBadAWSAccount(""),
		},
		{
			name: "GCP to AWS with a bad account id", givenDomain: gcpDomain(), givenCaller: userA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: store.ProviderAWS, AWSAccountID: ptr("123")},
			expectKind: store.ErrInvalidArgument, expectMsg: msgBadAWSAccount("123"),
		},
		{
			name: "GCP, no provider, an awsAccountId", givenDomain: gcpDomain(), givenCaller: userA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", AWSAccountID: ptr(acct1)},
			expectKind: store.ErrInvalidArgument, expectMsg: msgAWSOnly,
		},
		{
			name: "AWS: a bad account id", givenDomain: awsDomain(), givenCaller: userA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", AWSAccountID: ptr("12345678901x")},
			expectKind: store.ErrInvalidArgument, expectMsg: msgBadAWSAccount("12345678901x"),
		},
		{
			name: "GCP: a bad project id", givenDomain: gcpDomain(), givenCaller: userA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", CloudAccountID: ptr("Bad_Project")},
			expectKind: store.ErrInvalidArgument, expectMsg: msgBadGCPProject("Bad_Project"),
		},
		{
			name: "a provider the API does not know", givenDomain: awsDomain(), givenCaller: userA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", Provider: "CUSTOM_DOMAIN_PROVIDER_AZURE"},
			expectKind: store.ErrInvalidArgument, expectMsg: msgNoProvider,
		},
		{
			name: "not a domain name", givenDomain: awsDomain(), givenCaller: userA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "ws acme example"},
			expectKind: store.ErrInvalidArgument, expectMsg: msgBadDomainName("ws acme example"),
		},
		{
			name: "no domain name: the name is not kept", givenDomain: awsDomain(), givenCaller: userA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Provider: store.ProviderAWS, AWSAccountID: ptr(acct2)},
			expectKind: store.ErrInvalidArgument, expectMsg: msgBadDomainName(""),
		},
		{
			name: "none", givenCaller: userA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example"},
			expectKind: store.ErrNotFound, expectMsg: msgNoCustomDomain(orgA),
		},
		{
			name: "none, and a bad request: not found first", givenCaller: userA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "not a domain"},
			expectKind: store.ErrNotFound, expectMsg: msgNoCustomDomain(orgA),
		},
		{
			name: "the other organization has none of its own", givenDomain: awsDomain(), givenCaller: userB,
			when:       store.CustomDomainChange{OrganizationID: orgB, Domain: "ws.globex.example"},
			expectKind: store.ErrNotFound, expectMsg: msgNoCustomDomain(orgB),
		},
		{
			name: "plain member", givenDomain: awsDomain(), givenCaller: memberA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "new.acme.example"},
			expectKind: store.ErrPermissionDenied, expectMsg: msgOnlyAdmin("organizationId", orgA),
		},
		{
			name: "plain member, none", givenCaller: memberA,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "new.acme.example"},
			expectKind: store.ErrPermissionDenied, expectMsg: msgOnlyAdmin("organizationId", orgA),
		},
		{
			name: "admin of another organization", givenDomain: awsDomain(), givenCaller: userB,
			when:       store.CustomDomainChange{OrganizationID: orgA, Domain: "new.acme.example"},
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA),
		},
		{
			name: "unknown organization", givenCaller: userA,
			when:       store.CustomDomainChange{OrganizationID: unknownID, Domain: "new.acme.example"},
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(unknownID),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			given := tt.givenDomain
			if given != nil {
				given.UpdatedAt = later
			}
			st, _ := newStoreFrom(t, settingsData(withOrgSettings(orgA, func(o *store.Organization) { o.CustomDomain = given })), 1)
			before := st.Snapshot()
			got, err := st.UpdateCustomDomain(tt.givenCaller, tt.when)
			checkErr(t, err, tt.expectKind, tt.expectMsg)
			if err != nil {
				if !reflect.DeepEqual(got, store.CustomDomain{}) {
					t.Errorf("a refused update returned %+v", got)
				}
				checkUnchanged(t, st, before)
				return
			}
			// The same record (id, createdAt), changed as asked, updated now.
			want := tt.expect
			want.ID, want.CreatedAt, want.UpdatedAt = given.ID, given.CreatedAt, t0ms
			if got != want {
				t.Fatalf("UpdateCustomDomain\n got %+v\nwant %+v", got, want)
			}
			checkOnlySettingChanged(t, st, before, orgA, func(o *store.Organization) { o.CustomDomain = &want })
			if d, err := st.GetCustomDomain(memberA, orgA); err != nil || d != want {
				t.Errorf("GetCustomDomain after the update = %+v, %v; want %+v", d, err, want)
			}
		})
	}
}

// updatedAt advances on every update, by a millisecond when the clock has not moved on (or
// went back); createdAt stays.
func TestUpdateCustomDomainStamps(t *testing.T) {
	st, clk := newStore(t)
	created, err := st.CreateCustomDomain(userA, store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", AWSAccountID: ptr(acct1)})
	checkErr(t, err, nil, "")
	if created.CreatedAt != t0ms || created.UpdatedAt != t0ms {
		t.Fatalf("created at %v, updated at %v; want %v for both", created.CreatedAt, created.UpdatedAt, t0ms)
	}
	steps := []struct {
		name          string
		whenClock     func()
		expectUpdated time.Time
	}{
		{name: "the clock has not moved", whenClock: func() {}, expectUpdated: t0ms.Add(time.Millisecond)},
		{name: "nor now", whenClock: func() {}, expectUpdated: t0ms.Add(2 * time.Millisecond)},
		{name: "a few nanoseconds on: the same millisecond", whenClock: func() { clk.Advance(100) }, expectUpdated: t0ms.Add(3 * time.Millisecond)},
		{name: "the clock went back", whenClock: func() { clk.Set(t0.Add(-time.Hour)) }, expectUpdated: t0ms.Add(4 * time.Millisecond)},
		{name: "the clock moved on", whenClock: func() { clk.Set(t0.Add(time.Minute)) }, expectUpdated: t0ms.Add(time.Minute)},
	}
	for i, step := range steps {
		step.whenClock()
		got, err := st.UpdateCustomDomain(userA, store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example"})
		checkErr(t, err, nil, "")
		if got.UpdatedAt != step.expectUpdated || got.CreatedAt != t0ms {
			t.Fatalf("update %d (%s): createdAt %v, updatedAt %v; want %v, %v", i, step.name, got.CreatedAt, got.UpdatedAt, t0ms, step.expectUpdated)
		}
		if stored := orgOf(t, st.Snapshot(), orgA).CustomDomain; stored == nil || *stored != got {
			t.Fatalf("update %d (%s): stored %+v, want %+v", i, step.name, stored, got)
		}
	}
}

func TestDeleteCustomDomain(t *testing.T) {
	tests := []struct {
		name        string
		givenDomain *store.CustomDomain // acme's
		givenCaller string
		whenOrg     string
		expectKind  error
		expectMsg   string
	}{
		{name: "admin", givenDomain: awsDomain(), givenCaller: userA, whenOrg: orgA},
		{name: "admin, GCP", givenDomain: gcpDomain(), givenCaller: userA, whenOrg: orgA},
		{
			name: "none", givenCaller: userA, whenOrg: orgA,
			expectKind: store.ErrNotFound, expectMsg: msgNoCustomDomain(orgA),
		},
		{
			name: "the other organization has none of its own", givenDomain: awsDomain(), givenCaller: userB, whenOrg: orgB,
			expectKind: store.ErrNotFound, expectMsg: msgNoCustomDomain(orgB),
		},
		{
			name: "plain member", givenDomain: awsDomain(), givenCaller: memberA, whenOrg: orgA,
			expectKind: store.ErrPermissionDenied, expectMsg: msgOnlyAdmin("organizationId", orgA),
		},
		{
			name: "plain member, none", givenCaller: memberA, whenOrg: orgA,
			expectKind: store.ErrPermissionDenied, expectMsg: msgOnlyAdmin("organizationId", orgA),
		},
		{
			name: "admin of another organization", givenDomain: awsDomain(), givenCaller: userB, whenOrg: orgA,
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA),
		},
		{
			name: "unknown organization", givenCaller: userA, whenOrg: unknownID,
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(unknownID),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, clk := newStoreFrom(t, settingsData(withOrgSettings(orgA, func(o *store.Organization) { o.CustomDomain = tt.givenDomain })), 1)
			before := st.Snapshot()
			err := st.DeleteCustomDomain(tt.givenCaller, tt.whenOrg)
			checkErr(t, err, tt.expectKind, tt.expectMsg)
			if err != nil {
				checkUnchanged(t, st, before)
				return
			}
			checkOnlySettingChanged(t, st, before, tt.whenOrg, func(o *store.Organization) { o.CustomDomain = nil })
			// It is gone: reading, updating and deleting it again are not_found.
			_, err = st.GetCustomDomain(memberA, orgA)
			checkErr(t, err, store.ErrNotFound, msgNoCustomDomain(orgA))
			_, err = st.UpdateCustomDomain(userA, store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example"})
			checkErr(t, err, store.ErrNotFound, msgNoCustomDomain(orgA))
			checkErr(t, st.DeleteCustomDomain(userA, orgA), store.ErrNotFound, msgNoCustomDomain(orgA))
			// A new one may be created: a new record, not the old one back.
			clk.Advance(time.Second)
			d, err := st.CreateCustomDomain(userA, store.CustomDomainChange{OrganizationID: orgA, Domain: tt.givenDomain.Domain, Provider: tt.givenDomain.Provider,
				AWSAccountID: ptr(tt.givenDomain.AWSAccountID), CloudAccountID: ptr(tt.givenDomain.CloudAccountID)})
			checkErr(t, err, nil, "")
			if d.ID == tt.givenDomain.ID || d.CreatedAt != t0ms.Add(time.Second) {
				t.Errorf("created again: %+v; want a new id and createdAt %v", d, t0ms.Add(time.Second))
			}
		})
	}
}

// Settings a fixture gives load as given, and the state hands out copies of them.
func TestSettingsLoadedAndCopied(t *testing.T) {
	banner := store.Banner{Message: "Hello", Enabled: true}
	data := settingsData(withOrgSettings(orgA, func(o *store.Organization) {
		o.Banner = banner
		o.OIDC = store.OIDCConfig{Version: 3, ExtraSubFields: []string{"email"}}
		o.StripeCustomerID = "cus_acme"
		o.CustomDomain = awsDomain()
	}))
	st, _ := newStoreFrom(t, data, 1)
	// What the store was built from is not the store's.
	data.Organizations[0].OIDC.ExtraSubFields[0] = "data-mutated"
	data.Organizations[0].CustomDomain.Domain = "data-mutated.example"
	before := st.Snapshot()
	a := orgOf(t, before, orgA)
	if a.Banner != banner || !reflect.DeepEqual(a.OIDC, store.OIDCConfig{Version: 3, ExtraSubFields: []string{"email"}}) ||
		a.StripeCustomerID != "cus_acme" || a.CustomDomain == nil || *a.CustomDomain != *awsDomain() {
		t.Fatalf("acme's settings as loaded: %+v", a)
	}
	if b, err := st.GetBanner(memberA, orgA); err != nil || b != banner {
		t.Errorf("GetBanner = %+v, %v", b, err)
	}
	if c, err := st.GetOIDC(userA, orgA); err != nil || !reflect.DeepEqual(c, a.OIDC) {
		t.Errorf("GetOIDC = %+v, %v", c, err)
	}
	if d, err := st.GetCustomDomain(memberA, orgA); err != nil || d != *awsDomain() {
		t.Errorf("GetCustomDomain = %+v, %v", d, err)
	}
	// Neither is a snapshot.
	snap := st.Snapshot()
	for i := range snap.Organizations {
		if o := &snap.Organizations[i]; o.ID == orgA {
			o.OIDC.ExtraSubFields[0] = "snapshot-mutated"
			o.CustomDomain.Domain = "snapshot-mutated.example"
		}
	}
	checkUnchanged(t, st, before)
}

// With TrackChanges every settings write reports the organization as it is now, and nothing
// deleted; reads and refused writes report nothing.
func TestSettingsChanges(t *testing.T) {
	tests := []struct {
		name        string
		givenDomain *store.CustomDomain // acme's
		when        func(st *store.Store) error
		expectWrite bool
	}{
		{name: "UpdateBanner", expectWrite: true, when: func(st *store.Store) error {
			_, err := st.UpdateBanner(userA, orgA, ptr("hi"), ptr(true))
			return err
		}},
		{name: "UpdateBanner changing nothing", expectWrite: true, when: func(st *store.Store) error {
			_, err := st.UpdateBanner(userA, orgA, nil, nil)
			return err
		}},
		{name: "UpdateOIDC", expectWrite: true, when: func(st *store.Store) error {
			_, err := st.UpdateOIDC(userA, orgA, store.OIDCConfig{Version: 3, ExtraSubFields: []string{"email"}})
			return err
		}},
		{name: "SetStripeCustomerID", expectWrite: true, when: func(st *store.Store) error {
			return st.SetStripeCustomerID(userA, orgA, "cus_x")
		}},
		{name: "CreateCustomDomain", expectWrite: true, when: func(st *store.Store) error {
			_, err := st.CreateCustomDomain(userA, store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", AWSAccountID: ptr(acct1)})
			return err
		}},
		{name: "UpdateCustomDomain", givenDomain: awsDomain(), expectWrite: true, when: func(st *store.Store) error {
			_, err := st.UpdateCustomDomain(userA, store.CustomDomainChange{OrganizationID: orgA, Domain: "new.acme.example"})
			return err
		}},
		{name: "DeleteCustomDomain", givenDomain: awsDomain(), expectWrite: true, when: func(st *store.Store) error {
			return st.DeleteCustomDomain(userA, orgA)
		}},
		{name: "CreateCustomDomain retried: nothing to do", givenDomain: awsDomain(), when: func(st *store.Store) error {
			_, err := st.CreateCustomDomain(userA, store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", AWSAccountID: ptr(acct1)})
			return err
		}},
		{name: "reads", givenDomain: awsDomain(), when: func(st *store.Store) error {
			_, err1 := st.GetBanner(memberA, orgA)
			_, err2 := st.GetOIDC(userA, orgA)
			_, err3 := st.GetCustomDomain(memberA, orgA)
			return errors.Join(err1, err2, err3)
		}},
		{name: "refused writes", givenDomain: awsDomain(), when: func(st *store.Store) error {
			_, err1 := st.UpdateBanner(memberA, orgA, ptr("x"), nil)
			_, err2 := st.UpdateOIDC(userA, orgA, store.OIDCConfig{})
			err3 := st.SetStripeCustomerID(memberA, orgA, "cus_x")
			_, err4 := st.CreateCustomDomain(userA, store.CustomDomainChange{OrganizationID: orgA, Domain: "other.acme.example", AWSAccountID: ptr(acct1)})
			_, err5 := st.UpdateCustomDomain(userB, store.CustomDomainChange{OrganizationID: orgA, Domain: "new.acme.example"})
			err6 := st.DeleteCustomDomain(memberA, orgA)
			for i, err := range []error{err1, err2, err3, err4, err5, err6} {
				if err == nil {
					return fmt.Errorf("refused write %d was not refused", i+1)
				}
			}
			return nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := newStoreOpts(t, settingsData(withOrgSettings(orgA, func(o *store.Organization) { o.CustomDomain = tt.givenDomain })),
				store.Options{TrackChanges: true})
			st.Changes() // start afresh
			before := st.Snapshot()
			checkErr(t, tt.when(st), nil, "")
			changed, deleted := st.Changes()
			if len(deleted) != 0 {
				t.Errorf("deleted %v", deleted)
			}
			if !tt.expectWrite {
				if !reflect.DeepEqual(changed, store.Data{}) {
					t.Errorf("reported %+v", changed)
				}
				checkUnchanged(t, st, before)
				return
			}
			want := store.Data{Organizations: []store.Organization{orgOf(t, st.Snapshot(), orgA)}}
			if !reflect.DeepEqual(changed, want) {
				t.Errorf("changed\n got %+v\nwant %+v", changed, want)
			}
		})
	}
}

// DeleteOrganization takes the organization's settings with it; the other organization's stay.
func TestDeleteOrganizationTakesSettings(t *testing.T) {
	st, _ := newStoreOpts(t, settingsData(), store.Options{TrackChanges: true})
	for _, org := range []string{orgA, orgB} {
		_, err := st.UpdateBanner(as(org), org, ptr("banner of "+org), ptr(true))
		checkErr(t, err, nil, "")
		_, err = st.UpdateOIDC(as(org), org, store.OIDCConfig{Version: 3, ExtraSubFields: []string{"email"}})
		checkErr(t, err, nil, "")
		checkErr(t, st.SetStripeCustomerID(as(org), org, "cus_"+org), nil, "")
		_, err = st.CreateCustomDomain(as(org), store.CustomDomainChange{OrganizationID: org, Domain: "ws.example", AWSAccountID: ptr(acct1)})
		checkErr(t, err, nil, "")
	}
	st.Changes()
	before := st.Snapshot()

	checkErr(t, st.DeleteOrganization(userA, orgA), nil, "")

	after := st.Snapshot()
	if len(after.Organizations) != 1 || !reflect.DeepEqual(after.Organizations[0], orgOf(t, before, orgB)) {
		t.Fatalf("organizations after the delete\n got %+v\nwant globex alone, as it was: %+v", after.Organizations, orgOf(t, before, orgB))
	}
	changed, deleted := st.Changes()
	// The settings go with the organization's record: no record of their own is reported.
	var orgsDeleted []store.Key
	for _, k := range deleted {
		if k.Kind == store.KindOrganization {
			orgsDeleted = append(orgsDeleted, k)
		}
	}
	if !reflect.DeepEqual(changed, store.Data{}) || !reflect.DeepEqual(orgsDeleted, []store.Key{{Kind: store.KindOrganization, ID: orgA}}) {
		t.Errorf("changes of the delete: %+v, %v", changed, deleted)
	}
	// Every setting of acme answers as for an organization the caller is no member of.
	for _, caller := range []string{userA, memberA} {
		_, err := st.GetBanner(caller, orgA)
		checkErr(t, err, store.ErrPermissionDenied, msgNotMemberOf(orgA))
		_, err = st.GetOIDC(caller, orgA)
		checkErr(t, err, store.ErrPermissionDenied, msgNotMemberOf(orgA))
		_, err = st.GetCustomDomain(caller, orgA)
		checkErr(t, err, store.ErrPermissionDenied, msgNotMemberOf(orgA))
		_, err = st.UpdateBanner(caller, orgA, ptr("x"), nil)
		checkErr(t, err, store.ErrPermissionDenied, msgNotMemberOf(orgA))
		checkErr(t, st.SetStripeCustomerID(caller, orgA, "cus_x"), store.ErrPermissionDenied, msgNotMemberOf(orgA))
		checkErr(t, st.DeleteCustomDomain(caller, orgA), store.ErrPermissionDenied, msgNotMemberOf(orgA))
	}
	checkUnchanged(t, st, after)
	// Globex's are as they were.
	if d, err := st.GetCustomDomain(memberB, orgB); err != nil || d != *orgOf(t, before, orgB).CustomDomain {
		t.Errorf("globex's custom domain: %+v, %v", d, err)
	}
	// A new organization starts with none of them.
	o, _, err := st.CreateOrganization(userA, store.OrganizationCreate{Name: "Acme Again", Join: true})
	checkErr(t, err, nil, "")
	if b, err := st.GetBanner(userA, o.ID); err != nil || b != (store.Banner{}) {
		t.Errorf("new organization's banner: %+v, %v", b, err)
	}
	if c, err := st.GetOIDC(userA, o.ID); err != nil || !reflect.DeepEqual(c, store.OIDCConfig{Version: 2}) {
		t.Errorf("new organization's OIDC configuration: %+v, %v", c, err)
	}
	_, err = st.GetCustomDomain(userA, o.ID)
	checkErr(t, err, store.ErrNotFound, msgNoCustomDomain(o.ID))
	if s := orgOf(t, st.Snapshot(), o.ID).StripeCustomerID; s != "" {
		t.Errorf("new organization's Stripe customer id: %q", s)
	}
}

// Settings read and written from many goroutines at once (run with -race): each answer is
// whole, one write's or another's.
func TestConcurrentSettings(t *testing.T) {
	st, clk := newStore(t)
	_, err := st.CreateCustomDomain(userA, store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example", AWSAccountID: ptr(acct1)})
	checkErr(t, err, nil, "")
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 30 {
				clk.Advance(time.Millisecond)
				fields := []string{"w", string(rune('a' + w))}
				if _, err := st.UpdateOIDC(userA, orgA, store.OIDCConfig{Version: 3, ExtraSubFields: fields}); err != nil {
					t.Errorf("UpdateOIDC: %v", err)
					return
				}
				c, err := st.GetOIDC(userA, orgA)
				if err != nil || c.Version != 3 || len(c.ExtraSubFields) != 2 || c.ExtraSubFields[0] != "w" {
					t.Errorf("GetOIDC = %+v, %v", c, err)
					return
				}
				c.ExtraSubFields[0] = "mutated" // the caller's copy
				msg := strings.Repeat("x", i)
				if _, err := st.UpdateBanner(userA, orgA, &msg, ptr(w%2 == 0)); err != nil {
					t.Errorf("UpdateBanner: %v", err)
					return
				}
				if _, err := st.GetBanner(memberA, orgA); err != nil {
					t.Errorf("GetBanner: %v", err)
					return
				}
				prev, err := st.GetCustomDomain(memberA, orgA)
				if err != nil {
					t.Errorf("GetCustomDomain: %v", err)
					return
				}
				d, err := st.UpdateCustomDomain(userA, store.CustomDomainChange{OrganizationID: orgA, Domain: "ws.acme.example"})
				if err != nil || !d.UpdatedAt.After(prev.UpdatedAt) {
					t.Errorf("UpdateCustomDomain = %+v, %v; want updatedAt after %v", d, err, prev.UpdatedAt)
					return
				}
			}
		}()
	}
	wg.Wait()
	if c, _ := st.GetOIDC(userA, orgA); c.ExtraSubFields[0] != "w" {
		t.Errorf("a caller's copy changed the store: %+v", c)
	}
}
