package store_test

import (
	"cmp"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/gitpod-mock/orgmock/server/store"
)

// Users the organization tests add to the fixture. None is a member of anything until a test
// makes it one (see newCrowd and the Given data of each table).
const (
	uZoe  = "c0000000-0000-4000-8000-000000000001" // "zoe Zimmer": a lower-case name sorts last all the same
	uCy   = "c0000000-0000-4000-8000-000000000003" // joins together with Bea: ties by user id
	uBea  = "c0000000-0000-4000-8000-000000000005" // bea@partner.example: not an acme address
	uSam2 = "c0000000-0000-4000-8000-000000000006" // "Sam Same" too, joins after Sam1: name ties by memberSince
	uSam1 = "c0000000-0000-4000-8000-000000000007"
	uLiz  = "c0000000-0000-4000-8000-000000000008" // leaves
	uSue  = "c0000000-0000-4000-8000-000000000009" // suspended
	uOlga = "c0000000-0000-4000-8000-00000000000a" // olga@other.example
	uNia  = "c0000000-0000-4000-8000-00000000000b" // Nia@Acme.Example: acme in capitals
	uKim  = "c0000000-0000-4000-8000-00000000000c" // kim@eng.acme.example: a subdomain of acme
)

func extraUsers() []store.User {
	return []store.User{
		{ID: uZoe, FullName: "zoe Zimmer", Email: "zoe@acme.example", LoginProvider: "github"},
		{ID: uCy, FullName: "Cy Coder", Email: "cy@acme.example", LoginProvider: "github"},
		{ID: uBea, FullName: "Bea Baker", Email: "bea@partner.example", LoginProvider: "google", AvatarURL: "https://avatars.example/bea.png"},
		{ID: uSam2, FullName: "Sam Same", Email: "sam2@acme.example", LoginProvider: "github"},
		{ID: uSam1, FullName: "Sam Same", Email: "sam1@acme.example", LoginProvider: "github"},
		{ID: uLiz, FullName: "Liz Left", Email: "liz@acme.example", LoginProvider: "github"},
		{ID: uSue, FullName: "Sue Suspended", Email: "sue@acme.example", LoginProvider: "github"},
		{ID: uOlga, FullName: "Olga Outsider", Email: "olga@other.example", LoginProvider: "github"},
		{ID: uNia, FullName: "Nia Newcomer", Email: "Nia@Acme.Example", LoginProvider: "google"},
		{ID: uKim, FullName: "Kim Subdomain", Email: "kim@eng.acme.example", LoginProvider: "google"},
	}
}

// orgData is the fixture with the extra users, changed by each of edits.
func orgData(edits ...func(d *store.Data)) store.Data {
	d := fixtureData()
	d.Users = append(d.Users, extraUsers()...)
	for _, edit := range edits {
		edit(&d)
	}
	return d
}

// withMember gives org one more membership in the data.
func withMember(org string, m store.Member) func(d *store.Data) {
	return func(d *store.Data) {
		for i := range d.Organizations {
			if d.Organizations[i].ID == org {
				d.Organizations[i].Members = append(d.Organizations[i].Members, m)
			}
		}
	}
}

// withUser adds a user to the data.
func withUser(u store.User) func(d *store.Data) {
	return func(d *store.Data) { d.Users = append(d.Users, u) }
}

// userOf returns the user id of data.
func userOf(t testing.TB, d store.Data, id string) store.User {
	t.Helper()
	for _, u := range d.Users {
		if u.ID == id {
			return u
		}
	}
	t.Fatalf("no user %s in the data", id)
	return store.User{}
}

// orgOf returns the organization id of a snapshot.
func orgOf(t testing.TB, d store.Data, id string) store.Organization {
	t.Helper()
	for _, o := range d.Organizations {
		if o.ID == id {
			return o
		}
	}
	t.Fatalf("no organization %s in the data", id)
	return store.Organization{}
}

// memberOf returns user's membership of org in the store ("" status when there is none).
func memberOf(t testing.TB, st *store.Store, org, user string) store.Member {
	t.Helper()
	for _, o := range st.Snapshot().Organizations {
		if o.ID != org {
			continue
		}
		for _, m := range o.Members {
			if m.UserID == user {
				return m
			}
		}
	}
	return store.Member{}
}

// newStoreOpts builds a store from data with opts, a clock at t0 and a seeded ChaCha8 source.
func newStoreOpts(t testing.TB, data store.Data, opts store.Options) (*store.Store, *clock) {
	t.Helper()
	clk := &clock{now: t0}
	opts.Now, opts.Rand, opts.Pages = clk.Now, rand.NewChaCha8([32]byte{3}), pages
	st, err := store.New(data, opts)
	if err != nil {
		t.Fatalf("store.New: %v", err)
	}
	return st, clk
}

// noDomainsAsNil is o with an empty list of invite domains as nil: both mean none.
func noDomainsAsNil(o store.Organization) store.Organization {
	if len(o.InviteDomains) == 0 {
		o.InviteDomains = nil
	}
	return o
}

func isUUIDv4(id string) bool {
	u, err := uuid.Parse(id)
	return err == nil && u.Version() == 4 && u.String() == id
}

func msgNotMemberOf(org string) string {
	return "organizationId: the caller is not a member of organization " + org
}

func msgOnlyAdmin(field, org string) string {
	return field + ": only an admin of organization " + org + " may do this, and the caller is a member"
}

// msgListSCIMNotAdmin is ListSCIM's refusal of a plain member: the request names no
// organization, so the message names the one the caller's token acts for.
func msgListSCIMNotAdmin(org string) string {
	return "only an admin of organization " + org + " (the caller's) may list its SCIM configurations, and the caller is a member"
}

func msgLastAdmin(field, user, org string) string {
	return field + ": user " + user + " is the last admin of organization " + org + "; make another member an admin first"
}

func msgNoSuchMember(user, org string) string {
	return "userId: user " + user + " is not a member of organization " + org
}

func msgInviteNotFound(invite string) string {
	return "inviteId: invite " + invite + " not found (a new invite replaces the previous one)"
}

const (
	msgNameTooShort = "name: must be at least 3 characters long"
	msgNoUser       = "the caller is no user of this mock"
	msgNoHome       = "the caller is not an active member of any organization"
	msgBadRole      = "role: must be ORGANIZATION_ROLE_ADMIN or ORGANIZATION_ROLE_MEMBER"
)

func TestCreateOrganization(t *testing.T) {
	odd := []store.User{
		{ID: "d0000000-0000-4000-8000-000000000001", FullName: "Zed Zone", Email: "Zed@Sub.Example.COM", LoginProvider: "github"},
		{ID: "d0000000-0000-4000-8000-000000000002", FullName: "No At", Email: "noat", LoginProvider: "github"},
		{ID: "d0000000-0000-4000-8000-000000000003", FullName: "Local Host", Email: "root@localhost", LoginProvider: "github"},
	}
	tests := []struct {
		name         string
		givenCaller  string
		when         store.OrganizationCreate
		expectKind   error
		expectMsg    string
		expectDomain []string
	}{
		{name: "join: the caller is the admin", givenCaller: userA, when: store.OrganizationCreate{Name: "Acme Labs", Join: true}},
		{name: "no join: no member", givenCaller: userA, when: store.OrganizationCreate{Name: "Acme Labs"}},
		{name: "three characters", givenCaller: userB, when: store.OrganizationCreate{Name: "abc", Join: true}},
		{name: "three runes of three bytes each", givenCaller: userB, when: store.OrganizationCreate{Name: "日本語", Join: true}},
		{name: "a plain member of another organization may create one", givenCaller: memberA, when: store.OrganizationCreate{Name: "Side Project", Join: true}},
		{name: "a user of no organization may create one", givenCaller: uOlga, when: store.OrganizationCreate{Name: "Olga's", Join: true}},
		{
			name: "invite matching domain", givenCaller: userA,
			when:         store.OrganizationCreate{Name: "Acme Labs", Join: true, InviteMatchingDomain: true},
			expectDomain: []string{"acme.example"},
		},
		{
			name: "invite matching domain is lower-cased", givenCaller: odd[0].ID,
			when:         store.OrganizationCreate{Name: "Zone", Join: true, InviteMatchingDomain: true},
			expectDomain: []string{"sub.example.com"},
		},
		{
			name: "invite matching domain without joining", givenCaller: uNia,
			when:         store.OrganizationCreate{Name: "Nia's", InviteMatchingDomain: true},
			expectDomain: []string{"acme.example"},
		},
		{
			name: "invite matching domain of an email without a domain", givenCaller: odd[1].ID,
			when:       store.OrganizationCreate{Name: "No At", Join: true, InviteMatchingDomain: true},
			expectKind: store.ErrFailedPrecondition,
			expectMsg:  `inviteAccountsWithMatchingDomain: the caller's email "noat" has no domain to invite by`,
		},
		{
			name: "invite matching domain of an email at a host name", givenCaller: odd[2].ID,
			when:       store.OrganizationCreate{Name: "Local", InviteMatchingDomain: true},
			expectKind: store.ErrFailedPrecondition,
			expectMsg:  `inviteAccountsWithMatchingDomain: the caller's email "root@localhost" has no domain to invite by`,
		},
		{
			name: "two characters", givenCaller: userA, when: store.OrganizationCreate{Name: "ab", Join: true},
			expectKind: store.ErrInvalidArgument, expectMsg: msgNameTooShort,
		},
		{
			name: "empty name", givenCaller: userA, when: store.OrganizationCreate{Join: true},
			expectKind: store.ErrInvalidArgument, expectMsg: msgNameTooShort,
		},
		{
			name: "two runes of six bytes: runes count, not bytes", givenCaller: userA, when: store.OrganizationCreate{Name: "日本", Join: true},
			expectKind: store.ErrInvalidArgument, expectMsg: msgNameTooShort,
		},
		{
			name: "two runes: an e and a combining accent", givenCaller: userA, when: store.OrganizationCreate{Name: "e\u0301"},
			expectKind: store.ErrInvalidArgument, expectMsg: msgNameTooShort,
		},
		{
			name: "unknown user", givenCaller: unknownID, when: store.OrganizationCreate{Name: "Ghosts", Join: true},
			expectKind: store.ErrPermissionDenied, expectMsg: msgNoUser,
		},
		{
			name: "unknown user and a short name: the name first", givenCaller: unknownID, when: store.OrganizationCreate{Name: "Gh"},
			expectKind: store.ErrInvalidArgument, expectMsg: msgNameTooShort,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := orgData(func(d *store.Data) { d.Users = append(d.Users, odd...) })
			st, _ := newStoreFrom(t, data, 1)
			before := st.Snapshot()
			o, m, err := st.CreateOrganization(tt.givenCaller, tt.when)
			checkErr(t, err, tt.expectKind, tt.expectMsg)
			if err != nil {
				if !reflect.DeepEqual(o, store.Organization{}) || m != nil {
					t.Errorf("a failed create returned %+v, %+v", o, m)
				}
				checkUnchanged(t, st, before)
				return
			}
			if !isUUIDv4(o.ID) {
				t.Errorf("id %q is not a version 4 UUID", o.ID)
			}
			want := store.Organization{
				ID: o.ID, Name: tt.when.Name, Tier: store.TierFree, InviteDomains: tt.expectDomain,
				CreatedAt: t0ms, UpdatedAt: t0ms,
			}
			var wantMember *store.Membership
			if tt.when.Join {
				member := store.Member{UserID: tt.givenCaller, Role: store.RoleAdmin, Status: store.StatusActive, Since: t0ms}
				want.Members = []store.Member{member}
				wantMember = &store.Membership{Member: member, User: userOf(t, data, tt.givenCaller)}
			}
			if !reflect.DeepEqual(o, want) {
				t.Fatalf("CreateOrganization\n got %+v\nwant %+v", o, want)
			}
			if !reflect.DeepEqual(m, wantMember) {
				t.Fatalf("membership\n got %+v\nwant %+v", m, wantMember)
			}
			if o.CreatedAt.Location() != time.UTC {
				t.Errorf("createdAt location %v, want UTC", o.CreatedAt.Location())
			}
			if stored := orgOf(t, st.Snapshot(), o.ID); !reflect.DeepEqual(stored, want) {
				t.Fatalf("stored\n got %+v\nwant %+v", stored, want)
			}
			got, err := st.GetOrganization(tt.givenCaller, o.ID)
			if !tt.when.Join {
				// Nobody is a member, the creator included.
				checkErr(t, err, store.ErrPermissionDenied, msgNotMemberOf(o.ID))
				_, err = st.GetInvite(tt.givenCaller, o.ID)
				checkErr(t, err, store.ErrPermissionDenied, msgNotMemberOf(o.ID))
				return
			}
			checkErr(t, err, nil, "")
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("GetOrganization after create\n got %+v\nwant %+v", got, want)
			}
			// The creator administers it.
			_, err = st.UpdateOrganization(tt.givenCaller, store.OrganizationUpdate{ID: o.ID, Name: ptr("Renamed")})
			checkErr(t, err, nil, "")
		})
	}
}

// The stamps are the clock's at millisecond precision, in UTC, whatever the clock's zone.
func TestCreateOrganizationStamps(t *testing.T) {
	st, clk := newStore(t)
	zone := time.FixedZone("UTC+5:30", 5*3600+1800)
	clk.Set(time.Date(2026, 7, 4, 15, 30, 0, 987654321, zone))
	o, m, err := st.CreateOrganization(userA, store.OrganizationCreate{Name: "Zoned", Join: true})
	checkErr(t, err, nil, "")
	want := time.Date(2026, 7, 4, 10, 0, 0, 987000000, time.UTC)
	if o.CreatedAt != want || o.UpdatedAt != want || m.Since != want {
		t.Fatalf("createdAt %v, updatedAt %v, memberSince %v; want %v for each", o.CreatedAt, o.UpdatedAt, m.Since, want)
	}
}

func TestGetOrganization(t *testing.T) {
	data := orgData(
		withMember(orgA, store.Member{UserID: uSue, Role: store.RoleAdmin, Status: store.StatusSuspended, Since: orgCreated}),
		withMember(orgA, store.Member{UserID: uLiz, Role: store.RoleAdmin, Status: store.StatusLeft, Since: orgCreated}),
	)
	tests := []struct {
		name        string
		givenCaller string
		whenOrg     string
		expectKind  error
		expectMsg   string
	}{
		{name: "admin", givenCaller: userA, whenOrg: orgA},
		{name: "plain member", givenCaller: memberA, whenOrg: orgA},
		{name: "admin of the other organization", givenCaller: userB, whenOrg: orgB},
		{
			name: "admin of another organization", givenCaller: userB, whenOrg: orgA,
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA),
		},
		{
			name: "member of another organization", givenCaller: memberA, whenOrg: orgB,
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgB),
		},
		{
			name: "user of no organization", givenCaller: uOlga, whenOrg: orgA,
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA),
		},
		{
			name: "unknown organization: as for one the caller is no member of", givenCaller: userA, whenOrg: unknownID,
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(unknownID),
		},
		{
			name: "suspended admin", givenCaller: uSue, whenOrg: orgA,
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA),
		},
		{
			name: "admin who left", givenCaller: uLiz, whenOrg: orgA,
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA),
		},
		{
			name: "unknown user", givenCaller: unknownID, whenOrg: orgA,
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := newStoreFrom(t, data, 1)
			before := st.Snapshot()
			got, err := st.GetOrganization(tt.givenCaller, tt.whenOrg)
			checkErr(t, err, tt.expectKind, tt.expectMsg)
			checkUnchanged(t, st, before)
			if err != nil {
				if !reflect.DeepEqual(got, store.Organization{}) {
					t.Errorf("a refused get returned %+v", got)
				}
				return
			}
			if want := orgOf(t, before, tt.whenOrg); !reflect.DeepEqual(got, want) {
				t.Fatalf("GetOrganization\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestUpdateOrganization(t *testing.T) {
	tests := []struct {
		name          string
		givenCaller   string
		when          store.OrganizationUpdate
		expectKind    error
		expectMsg     string
		expectName    string
		expectDomains []string
	}{
		{
			name: "rename", givenCaller: userA, when: store.OrganizationUpdate{ID: orgA, Name: ptr("Acme Inc")},
			expectName: "Acme Inc", expectDomains: []string{"acme.example"},
		},
		{
			name: "rename to three runes", givenCaller: userA, when: store.OrganizationUpdate{ID: orgA, Name: ptr("日本語")},
			expectName: "日本語", expectDomains: []string{"acme.example"},
		},
		{
			name: "replace the invite domains", givenCaller: userA,
			when:       store.OrganizationUpdate{ID: orgA, InviteDomains: ptr([]string{"acme.example", "acme-labs.example"})},
			expectName: "Acme", expectDomains: []string{"acme.example", "acme-labs.example"},
		},
		{
			name: "an empty list clears the invite domains", givenCaller: userA,
			when:       store.OrganizationUpdate{ID: orgA, InviteDomains: ptr([]string{})},
			expectName: "Acme", expectDomains: nil,
		},
		{
			name: "both", givenCaller: userB,
			when:       store.OrganizationUpdate{ID: orgB, Name: ptr("Globex Corp"), InviteDomains: ptr([]string{"globex.example"})},
			expectName: "Globex Corp", expectDomains: []string{"globex.example"},
		},
		{
			name: "nothing: only updatedAt moves", givenCaller: userA, when: store.OrganizationUpdate{ID: orgA},
			expectName: "Acme", expectDomains: []string{"acme.example"},
		},
		{
			name: "plain member", givenCaller: memberA, when: store.OrganizationUpdate{ID: orgA, Name: ptr("Hijacked")},
			expectKind: store.ErrPermissionDenied, expectMsg: msgOnlyAdmin("organizationId", orgA),
		},
		{
			name: "admin of another organization", givenCaller: userB, when: store.OrganizationUpdate{ID: orgA, Name: ptr("Hijacked")},
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA),
		},
		{
			name: "unknown organization", givenCaller: userA, when: store.OrganizationUpdate{ID: unknownID, Name: ptr("Nowhere")},
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(unknownID),
		},
		{
			name: "name of two characters", givenCaller: userA, when: store.OrganizationUpdate{ID: orgA, Name: ptr("Ac")},
			expectKind: store.ErrInvalidArgument, expectMsg: msgNameTooShort,
		},
		{
			name: "empty name", givenCaller: userA, when: store.OrganizationUpdate{ID: orgA, Name: ptr(""), InviteDomains: ptr([]string{})},
			expectKind: store.ErrInvalidArgument, expectMsg: msgNameTooShort,
		},
		{
			name: "name of two runes", givenCaller: userA, when: store.OrganizationUpdate{ID: orgA, Name: ptr("日本")},
			expectKind: store.ErrInvalidArgument, expectMsg: msgNameTooShort,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := newStore(t)
			before := st.Snapshot()
			got, err := st.UpdateOrganization(tt.givenCaller, tt.when)
			checkErr(t, err, tt.expectKind, tt.expectMsg)
			if err != nil {
				if !reflect.DeepEqual(got, store.Organization{}) {
					t.Errorf("a refused update returned %+v", got)
				}
				checkUnchanged(t, st, before)
				return
			}
			want := orgOf(t, before, tt.when.ID)
			want.Name, want.UpdatedAt, want.InviteDomains = tt.expectName, t0ms, tt.expectDomains
			if !reflect.DeepEqual(noDomainsAsNil(got), want) {
				t.Fatalf("UpdateOrganization\n got %+v\nwant %+v", got, want)
			}
			stored, err := st.GetOrganization(tt.givenCaller, tt.when.ID)
			checkErr(t, err, nil, "")
			if !reflect.DeepEqual(noDomainsAsNil(stored), want) {
				t.Fatalf("GetOrganization after update\n got %+v\nwant %+v", stored, want)
			}
			// The store keeps its own copy of the list.
			if tt.when.InviteDomains != nil && len(*tt.when.InviteDomains) > 0 {
				(*tt.when.InviteDomains)[0] = "changed.example"
				if again, _ := st.GetOrganization(tt.givenCaller, tt.when.ID); again.InviteDomains[0] != tt.expectDomains[0] {
					t.Fatalf("the caller's slice changed the store: %v", again.InviteDomains)
				}
			}
		})
	}
}

// updatedAt advances on every update, by a millisecond when the clock stands still or goes
// back; createdAt never moves.
func TestUpdateOrganizationUpdatedAtAdvances(t *testing.T) {
	st, clk := newStore(t)
	steps := []struct {
		clock time.Time
		want  time.Time
	}{
		{t0, t0ms},
		{t0, t0ms.Add(time.Millisecond)},
		{t0.Add(100 * time.Microsecond), t0ms.Add(2 * time.Millisecond)},
		{t0.Add(-time.Hour), t0ms.Add(3 * time.Millisecond)},
		{t0.Add(time.Second), t0ms.Add(time.Second)},
	}
	for i, s := range steps {
		clk.Set(s.clock)
		o, err := st.UpdateOrganization(userA, store.OrganizationUpdate{ID: orgA})
		checkErr(t, err, nil, "")
		if o.UpdatedAt != s.want || o.CreatedAt != orgCreated {
			t.Fatalf("update %d: updatedAt %v createdAt %v; want %v and %v", i, o.UpdatedAt, o.CreatedAt, s.want, orgCreated)
		}
	}
}

func TestDeleteOrganizationRefused(t *testing.T) {
	tests := []struct {
		name        string
		givenCaller string
		whenOrg     string
		expectKind  error
		expectMsg   string
	}{
		{name: "plain member", givenCaller: memberA, whenOrg: orgA, expectKind: store.ErrPermissionDenied, expectMsg: msgOnlyAdmin("organizationId", orgA)},
		{name: "admin of another organization", givenCaller: userB, whenOrg: orgA, expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA)},
		{name: "unknown organization", givenCaller: userA, whenOrg: unknownID, expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(unknownID)},
		{name: "unknown user", givenCaller: unknownID, whenOrg: orgA, expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := newStore(t)
			before := st.Snapshot()
			checkErr(t, st.DeleteOrganization(tt.givenCaller, tt.whenOrg), tt.expectKind, tt.expectMsg)
			checkUnchanged(t, st, before)
		})
	}
}

// DeleteOrganization takes everything the organization owns with it, and nothing else; later
// calls naming any of it answer as for ids that never existed.
func TestDeleteOrganization(t *testing.T) {
	st, _ := newStoreOpts(t, orgData(), store.Options{TrackChanges: true})
	scim2 := mustCreate(t, st, orgA, ssoA2, "second")
	dA, err := st.CreateDomainVerification(userA, orgA, "acme.example")
	checkErr(t, err, nil, "")
	dB, err := st.CreateDomainVerification(userB, orgB, "globex.example")
	checkErr(t, err, nil, "")
	_, err = st.JoinOrganization(uZoe, store.Join{InviteID: inviteA})
	checkErr(t, err, nil, "")
	inviteB, err := st.GetInvite(userB, orgB)
	checkErr(t, err, nil, "")
	st.Changes() // start afresh

	before := st.Snapshot()
	checkErr(t, st.DeleteOrganization(userA, orgA), nil, "")
	after := st.Snapshot()

	// The other organization and everything of it is as it was; the users stay.
	if !reflect.DeepEqual(orgOf(t, after, orgB), orgOf(t, before, orgB)) {
		t.Errorf("globex changed:\nbefore %+v\n after %+v", orgOf(t, before, orgB), orgOf(t, after, orgB))
	}
	if len(after.Organizations) != 1 {
		t.Errorf("organizations after the delete: %+v", after.Organizations)
	}
	if !reflect.DeepEqual(after.Users, before.Users) {
		t.Errorf("users changed: %+v", after.Users)
	}
	for _, c := range after.SSOConfigurations {
		if c.OrganizationID != orgB {
			t.Errorf("SSO configuration %s of %s survived", c.ID, c.OrganizationID)
		}
	}
	for _, c := range after.SCIMConfigurations {
		if c.OrganizationID != orgB {
			t.Errorf("SCIM configuration %s of %s survived", c.ID, c.OrganizationID)
		}
	}
	if len(after.DomainVerifications) != 1 || after.DomainVerifications[0] != dB {
		t.Errorf("domain verifications after the delete: %+v", after.DomainVerifications)
	}
	if len(after.SSOConfigurations) != 1 || len(after.SCIMConfigurations) != 1 {
		t.Errorf("%d SSO and %d SCIM configurations left, want 1 and 1", len(after.SSOConfigurations), len(after.SCIMConfigurations))
	}
	if got, err := st.GetSSO(userB, ssoB1); err != nil || got.ID != ssoB1 {
		t.Errorf("GetSSO(globex) = %+v, %v", got, err)
	}
	if got, err := st.GetSCIM(userB, scimB); err != nil || got.ID != scimB {
		t.Errorf("GetSCIM(globex) = %+v, %v", got, err)
	}
	if id, ok := st.SCIMTokenOwner(scimTokenB); !ok || id != scimB {
		t.Errorf("SCIMTokenOwner(globex token) = %q, %v", id, ok)
	}
	if s, err := st.GetInviteSummary(inviteB); err != nil || s.OrganizationID != orgB {
		t.Errorf("GetInviteSummary(globex) = %+v, %v", s, err)
	}

	// Every id of acme is unknown now, to its former admin and members alike.
	_, err = st.GetOrganization(userA, orgA)
	checkErr(t, err, store.ErrPermissionDenied, msgNotMemberOf(orgA))
	_, err = st.GetOrganization(memberA, orgA)
	checkErr(t, err, store.ErrPermissionDenied, msgNotMemberOf(orgA))
	for _, id := range []string{scimA, scim2.ID} {
		_, err = st.GetSCIM(userA, id)
		checkErr(t, err, store.ErrNotFound, "scimConfigurationId: SCIM configuration "+id+" not found")
	}
	for _, token := range []string{scimTokenA, scim2.Token} {
		if id, ok := st.SCIMTokenOwner(token); ok {
			t.Errorf("the SCIM token of a deleted organization still resolves to %s", id)
		}
	}
	for _, id := range []string{ssoA1, ssoA2} {
		_, err = st.GetSSO(userA, id)
		checkErr(t, err, store.ErrNotFound, "ssoConfigurationId: SSO configuration "+id+" not found")
	}
	_, err = st.GetDomainVerification(userA, dA.ID)
	checkErr(t, err, store.ErrNotFound, "domainVerificationId: domain verification "+dA.ID+" not found")
	_, err = st.GetInviteSummary(inviteA)
	checkErr(t, err, store.ErrNotFound, msgInviteNotFound(inviteA))
	_, err = st.JoinOrganization(uNia, store.Join{InviteID: inviteA})
	checkErr(t, err, store.ErrNotFound, msgInviteNotFound(inviteA))
	_, err = st.JoinOrganization(uNia, store.Join{OrganizationID: orgA})
	checkErr(t, err, store.ErrNotFound, "organizationId: organization "+orgA+" not found")
	_, _, err = st.ListSCIM(userA, store.PageRequest{})
	checkErr(t, err, store.ErrPermissionDenied, msgNoHome)
	checkErr(t, st.LeaveOrganization(memberA, memberA), store.ErrPermissionDenied, msgNoHome)
	checkErr(t, st.DeleteOrganization(userA, orgA), store.ErrPermissionDenied, msgNotMemberOf(orgA))
	// The same domain may be verified again, by a new organization.
	o, _, err := st.CreateOrganization(userA, store.OrganizationCreate{Name: "Acme Again", Join: true})
	checkErr(t, err, nil, "")
	_, err = st.CreateDomainVerification(userA, o.ID, "acme.example")
	checkErr(t, err, nil, "")
	_, err = st.GetInviteSummary(inviteA)
	checkErr(t, err, store.ErrNotFound, msgInviteNotFound(inviteA))
}

// With TrackChanges, a delete reports the key of every record it removed, and nothing else.
func TestDeleteOrganizationChanges(t *testing.T) {
	st, _ := newStoreOpts(t, orgData(), store.Options{TrackChanges: true})
	scim2 := mustCreate(t, st, orgA, ssoA2, "second")
	dA, err := st.CreateDomainVerification(userA, orgA, "acme.example")
	checkErr(t, err, nil, "")
	_, err = st.CreateDomainVerification(userB, orgB, "globex.example")
	checkErr(t, err, nil, "")
	st.Changes()

	checkErr(t, st.DeleteOrganization(userA, orgA), nil, "")
	changed, deleted := st.Changes()
	if !reflect.DeepEqual(changed, store.Data{}) {
		t.Errorf("a delete changed %+v", changed)
	}
	want := []store.Key{
		{Kind: store.KindOrganization, ID: orgA},
		{Kind: store.KindSSO, ID: ssoA1},
		{Kind: store.KindSSO, ID: ssoA2},
		{Kind: store.KindSCIM, ID: scimA},
		{Kind: store.KindSCIM, ID: scim2.ID},
		{Kind: store.KindDomainVerification, ID: dA.ID},
	}
	byKey := func(a, b store.Key) int { return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.ID, b.ID)) }
	slices.SortFunc(want, byKey)
	slices.SortFunc(deleted, byKey)
	if !reflect.DeepEqual(deleted, want) {
		t.Fatalf("deleted\n got %v\nwant %v", deleted, want)
	}
	// A refused delete reports nothing.
	checkErr(t, st.DeleteOrganization(memberB, orgB), store.ErrPermissionDenied, msgOnlyAdmin("organizationId", orgB))
	if changed, deleted := st.Changes(); !reflect.DeepEqual(changed, store.Data{}) || len(deleted) != 0 {
		t.Errorf("a refused delete reported %+v, %v", changed, deleted)
	}
}

// newCrowd is acme with nine memberships: the fixture's two, Sue (suspended since the fixture),
// and six who join by invite after t0: Zoe at t0, Bea and Cy together an hour later, Sam1 and
// Sam2 (the same name) at t0+2h and t0+3h, and Liz at t0+4h, who leaves again.
func newCrowd(t testing.TB) (*store.Store, *clock) {
	t.Helper()
	st, clk := newStoreFrom(t, orgData(withMember(orgA,
		store.Member{UserID: uSue, Role: store.RoleMember, Status: store.StatusSuspended, Since: orgCreated.Add(2 * day)})), 1)
	for _, step := range []struct {
		at    time.Duration
		users []string
	}{
		{0, []string{uZoe}},
		{time.Hour, []string{uBea, uCy}},
		{2 * time.Hour, []string{uSam1}},
		{3 * time.Hour, []string{uSam2}},
		{4 * time.Hour, []string{uLiz}},
	} {
		clk.Set(t0.Add(step.at))
		for _, u := range step.users {
			if _, err := st.JoinOrganization(u, store.Join{InviteID: inviteA}); err != nil {
				t.Fatalf("JoinOrganization(%s): %v", u, err)
			}
		}
	}
	if err := st.LeaveOrganization(uLiz, uLiz); err != nil {
		t.Fatalf("LeaveOrganization(Liz): %v", err)
	}
	clk.Set(t0.Add(5 * time.Hour))
	return st, clk
}

// The crowd's orders: by lower-cased name (ties by memberSince, then user id), and by
// memberSince (ties by user id).
var (
	crowdByName   = []string{userA, uBea, uCy, uLiz, memberA, uSam1, uSam2, uSue, uZoe}
	crowdByJoined = []string{userA, memberA, uSue, uZoe, uCy, uBea, uSam1, uSam2, uLiz}
)

func reversed(ids []string) []string {
	out := slices.Clone(ids)
	slices.Reverse(out)
	return out
}

// callerFirst is the default order for caller: the caller, then the others by name.
func callerFirst(caller string) []string {
	return append([]string{caller}, slices.DeleteFunc(slices.Clone(crowdByName), func(id string) bool { return id == caller })...)
}

func userIDs(ms []store.Membership) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.UserID
	}
	return out
}

// walkMembers pages through ListMembers with pages of size, checking each page's count, and
// returns the user ids in the order listed.
func walkMembers(t testing.TB, st *store.Store, caller string, q store.MemberQuery, size int) []string {
	t.Helper()
	var got []string
	token := ""
	for range 100 {
		ms, next, count, err := st.ListMembers(caller, q, store.PageRequest{Token: token, Size: size})
		if err != nil {
			t.Fatalf("ListMembers (size %d, after %v): %v", size, got, err)
		}
		want := size
		if size == 0 {
			want = pages.Default
		}
		if len(ms) > want || next != "" && len(ms) != want || next == "" && len(ms) == 0 && len(got) > 0 {
			t.Fatalf("size %d: a page of %d members, next %q", size, len(ms), next)
		}
		if q.Count && count == 0 && len(ms) > 0 {
			t.Fatalf("size %d: count 0 on a page of %d members", size, len(ms))
		}
		for _, m := range ms {
			if m.User.ID != m.UserID {
				t.Fatalf("membership of %s holds the profile of %q", m.UserID, m.User.ID)
			}
		}
		got = append(got, userIDs(ms)...)
		if next == "" {
			return got
		}
		token = next
	}
	t.Fatalf("size %d: no last page after 100 pages", size)
	return nil
}

// Every order walks every member exactly once, whatever the page size.
func TestListMembersOrders(t *testing.T) {
	tests := []struct {
		name        string
		givenCaller string
		when        store.MemberQuery
		expect      []string
	}{
		{name: "default: the caller first, then by name", givenCaller: userA, expect: callerFirst(userA)},
		{name: "default for a plain member", givenCaller: memberA, expect: callerFirst(memberA)},
		{name: "default for the last by name", givenCaller: uZoe, expect: callerFirst(uZoe)},
		{name: "default ignores desc", givenCaller: uBea, when: store.MemberQuery{Desc: true}, expect: callerFirst(uBea)},
		{name: "by name", givenCaller: uZoe, when: store.MemberQuery{SortField: store.SortByName}, expect: crowdByName},
		{name: "by name descending", givenCaller: userA, when: store.MemberQuery{SortField: store.SortByName, Desc: true}, expect: reversed(crowdByName)},
		{name: "by date joined", givenCaller: memberA, when: store.MemberQuery{SortField: store.SortByJoined}, expect: crowdByJoined},
		{name: "by date joined descending", givenCaller: userA, when: store.MemberQuery{SortField: store.SortByJoined, Desc: true}, expect: reversed(crowdByJoined)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := newCrowd(t)
			before := st.Snapshot()
			tt.when.OrganizationID = orgA
			for size := range len(tt.expect) + 2 {
				if got := walkMembers(t, st, tt.givenCaller, tt.when, size); !slices.Equal(got, tt.expect) {
					t.Fatalf("page size %d\n got %v\nwant %v", size, got, tt.expect)
				}
			}
			checkUnchanged(t, st, before)
		})
	}
}

// Each membership comes with its user's profile; the statuses and dates are the store's.
func TestListMembersShowsProfiles(t *testing.T) {
	st, _ := newCrowd(t)
	ms, next, count, err := st.ListMembers(memberA, store.MemberQuery{OrganizationID: orgA, UserIDs: []string{uBea, uLiz, uSue}, SortField: store.SortByName}, store.PageRequest{})
	checkErr(t, err, nil, "")
	data := orgData()
	want := []store.Membership{
		{Member: store.Member{UserID: uBea, Role: store.RoleMember, Status: store.StatusActive, Since: t0ms.Add(time.Hour)}, User: userOf(t, data, uBea)},
		{Member: store.Member{UserID: uLiz, Role: store.RoleMember, Status: store.StatusLeft, Since: t0ms.Add(4 * time.Hour)}, User: userOf(t, data, uLiz)},
		{Member: store.Member{UserID: uSue, Role: store.RoleMember, Status: store.StatusSuspended, Since: orgCreated.Add(2 * day)}, User: userOf(t, data, uSue)},
	}
	if !reflect.DeepEqual(ms, want) || next != "" || count != 0 {
		t.Fatalf("ListMembers\n got %+v, %q, %d\nwant %+v, \"\", 0 (no count asked)", ms, next, count, want)
	}
}

func TestListMembersFilters(t *testing.T) {
	tests := []struct {
		name        string
		givenCaller string
		when        store.MemberQuery
		expect      []string
	}{
		{name: "no filter", givenCaller: userA, when: store.MemberQuery{SortField: store.SortByName}, expect: crowdByName},
		{name: "search in the name, any case", givenCaller: userA, when: store.MemberQuery{Search: "sAM", SortField: store.SortByName}, expect: []string{uSam1, uSam2}},
		{name: "search in the email, any case", givenCaller: userA, when: store.MemberQuery{Search: "PARTNER.example", SortField: store.SortByName}, expect: []string{uBea}},
		{name: "search across the space in a name", givenCaller: userA, when: store.MemberQuery{Search: "M S", SortField: store.SortByName}, expect: []string{uSam1, uSam2}},
		{name: "search a surname in capitals", givenCaller: userA, when: store.MemberQuery{Search: "ZIMMER", SortField: store.SortByName}, expect: []string{uZoe}},
		{name: "search what only an email holds", givenCaller: userA, when: store.MemberQuery{Search: "sam1@", SortField: store.SortByName}, expect: []string{uSam1}},
		{name: "search for everyone's domain", givenCaller: userA, when: store.MemberQuery{Search: "ACME", SortField: store.SortByJoined}, expect: []string{userA, memberA, uSue, uZoe, uCy, uSam1, uSam2, uLiz}},
		{name: "search for nobody", givenCaller: userA, when: store.MemberQuery{Search: "nobody"}, expect: nil},
		{name: "active", givenCaller: userA, when: store.MemberQuery{Statuses: []string{store.StatusActive}, SortField: store.SortByName}, expect: []string{userA, uBea, uCy, memberA, uSam1, uSam2, uZoe}},
		{name: "left", givenCaller: userA, when: store.MemberQuery{Statuses: []string{store.StatusLeft}, SortField: store.SortByName}, expect: []string{uLiz}},
		{name: "suspended or left", givenCaller: userA, when: store.MemberQuery{Statuses: []string{store.StatusSuspended, store.StatusLeft}, SortField: store.SortByName}, expect: []string{uLiz, uSue}},
		{name: "an empty list of statuses keeps none", givenCaller: userA, when: store.MemberQuery{Statuses: []string{}, SortField: store.SortByName}, expect: nil},
		{name: "admins", givenCaller: memberA, when: store.MemberQuery{Roles: []string{store.RoleAdmin}, SortField: store.SortByName}, expect: []string{userA}},
		{name: "members", givenCaller: memberA, when: store.MemberQuery{Roles: []string{store.RoleMember}, SortField: store.SortByName}, expect: []string{uBea, uCy, uLiz, memberA, uSam1, uSam2, uSue, uZoe}},
		{name: "user ids, unknown ones and those of another organization match nobody", givenCaller: userA, when: store.MemberQuery{UserIDs: []string{uZoe, memberA, unknownID, userB}, SortField: store.SortByName}, expect: []string{memberA, uZoe}},
		{name: "all filters at once", givenCaller: userA, when: store.MemberQuery{Search: "acme", Statuses: []string{store.StatusActive}, Roles: []string{store.RoleMember}, UserIDs: []string{uBea, uCy, uLiz, uSue, uZoe}, SortField: store.SortByName, Desc: true}, expect: []string{uZoe, uCy}},
		{name: "default order: the caller first when it matches", givenCaller: uZoe, when: store.MemberQuery{Search: "acme", Statuses: []string{store.StatusActive}}, expect: []string{uZoe, userA, uCy, memberA, uSam1, uSam2}},
		{name: "default order: not the caller when it does not match", givenCaller: uZoe, when: store.MemberQuery{Roles: []string{store.RoleAdmin}}, expect: []string{userA}},
		{name: "default order: only the caller", givenCaller: uZoe, when: store.MemberQuery{UserIDs: []string{uZoe}}, expect: []string{uZoe}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := newCrowd(t)
			q := tt.when
			q.OrganizationID, q.Count = orgA, true
			ms, next, count, err := st.ListMembers(tt.givenCaller, q, store.PageRequest{})
			checkErr(t, err, nil, "")
			if got := userIDs(ms); !slices.Equal(got, tt.expect) || next != "" {
				t.Fatalf("ListMembers\n got %v, next %q\nwant %v", got, next, tt.expect)
			}
			if count != len(tt.expect) {
				t.Fatalf("count %d, want %d", count, len(tt.expect))
			}
			// The count is of the whole filter, on every page.
			for _, size := range []int{1, 2} {
				token := ""
				for {
					page, next, count, err := st.ListMembers(tt.givenCaller, q, store.PageRequest{Token: token, Size: size})
					checkErr(t, err, nil, "")
					if count != len(tt.expect) {
						t.Fatalf("size %d: count %d on a page of %d, want %d", size, count, len(page), len(tt.expect))
					}
					if next == "" {
						break
					}
					token = next
				}
				if got := walkMembers(t, st, tt.givenCaller, q, size); !slices.Equal(got, tt.expect) {
					t.Fatalf("size %d\n got %v\nwant %v", size, got, tt.expect)
				}
			}
		})
	}
}

func TestListMembersAccess(t *testing.T) {
	tests := []struct {
		name        string
		givenCaller string
		whenOrg     string
		expectKind  error
		expectMsg   string
		expectCount int
	}{
		{name: "admin", givenCaller: userA, whenOrg: orgA, expectCount: 9},
		{name: "plain member", givenCaller: uZoe, whenOrg: orgA, expectCount: 9},
		{name: "member of the other organization lists its own", givenCaller: memberB, whenOrg: orgB, expectCount: 2},
		{name: "admin of another organization", givenCaller: userB, whenOrg: orgA, expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA)},
		{name: "member who left", givenCaller: uLiz, whenOrg: orgA, expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA)},
		{name: "suspended member", givenCaller: uSue, whenOrg: orgA, expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA)},
		{name: "user of no organization", givenCaller: uOlga, whenOrg: orgA, expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA)},
		{name: "unknown user", givenCaller: unknownID, whenOrg: orgA, expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA)},
		{name: "unknown organization", givenCaller: userA, whenOrg: unknownID, expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(unknownID)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := newCrowd(t)
			before := st.Snapshot()
			ms, next, count, err := st.ListMembers(tt.givenCaller, store.MemberQuery{OrganizationID: tt.whenOrg, Count: true}, store.PageRequest{})
			checkErr(t, err, tt.expectKind, tt.expectMsg)
			checkUnchanged(t, st, before)
			if err != nil {
				if ms != nil || next != "" || count != 0 {
					t.Errorf("a refused list returned %v, %q, %d", ms, next, count)
				}
				return
			}
			if len(ms) != tt.expectCount || count != tt.expectCount || next != "" {
				t.Fatalf("%d members, count %d, next %q; want %d", len(ms), count, next, tt.expectCount)
			}
		})
	}
}

// A page token holds to the organization, filter, sort (and, in the default order, the caller)
// it was issued for.
func TestListMembersTokens(t *testing.T) {
	const (
		msgOtherQuery = "token: issued for another filter or sort of ListMembers: send the same filter and sort with it"
		msgNotOurs    = "token: not a page token issued by this server for ListMembers"
	)
	byName := store.MemberQuery{OrganizationID: orgA, SortField: store.SortByName}
	with := func(q store.MemberQuery, edit func(q *store.MemberQuery)) store.MemberQuery {
		edit(&q)
		return q
	}
	tests := []struct {
		name         string
		givenCaller  string
		givenQuery   store.MemberQuery
		whenCaller   string
		whenQuery    store.MemberQuery
		whenToken    func(t *testing.T, issued string) string
		whenSize     int
		expectKind   error
		expectMsg    string
		expectMember []string
	}{
		{
			name: "the same query", givenCaller: userA, givenQuery: byName, whenCaller: userA, whenQuery: byName,
			expectMember: crowdByName[1:2],
		},
		{
			name: "the same query with the count asked for", givenCaller: userA, givenQuery: byName, whenCaller: userA,
			whenQuery:    with(byName, func(q *store.MemberQuery) { q.Count = true }),
			expectMember: crowdByName[1:2],
		},
		{
			name: "another caller in a sorted order", givenCaller: userA, givenQuery: byName, whenCaller: memberA, whenQuery: byName,
			expectMember: crowdByName[1:2],
		},
		{
			name: "the same values of a filter in another order", givenCaller: userA,
			givenQuery:   with(byName, func(q *store.MemberQuery) { q.Statuses = []string{store.StatusActive, store.StatusLeft} }),
			whenCaller:   userA,
			whenQuery:    with(byName, func(q *store.MemberQuery) { q.Statuses = []string{store.StatusLeft, store.StatusActive} }),
			expectMember: crowdByName[1:2],
		},
		{
			name: "another sort order", givenCaller: userA, givenQuery: byName, whenCaller: userA,
			whenQuery:  with(byName, func(q *store.MemberQuery) { q.Desc = true }),
			expectKind: store.ErrInvalidArgument, expectMsg: msgOtherQuery,
		},
		{
			name: "another sort field", givenCaller: userA, givenQuery: byName, whenCaller: userA,
			whenQuery:  with(byName, func(q *store.MemberQuery) { q.SortField = store.SortByJoined }),
			expectKind: store.ErrInvalidArgument, expectMsg: msgOtherQuery,
		},
		{
			name: "the default order", givenCaller: userA, givenQuery: byName, whenCaller: userA,
			whenQuery:  with(byName, func(q *store.MemberQuery) { q.SortField = "" }),
			expectKind: store.ErrInvalidArgument, expectMsg: msgOtherQuery,
		},
		{
			name: "another search", givenCaller: userA, givenQuery: byName, whenCaller: userA,
			whenQuery:  with(byName, func(q *store.MemberQuery) { q.Search = "a" }),
			expectKind: store.ErrInvalidArgument, expectMsg: msgOtherQuery,
		},
		{
			name: "another status filter", givenCaller: userA, givenQuery: byName, whenCaller: userA,
			whenQuery:  with(byName, func(q *store.MemberQuery) { q.Statuses = []string{store.StatusActive} }),
			expectKind: store.ErrInvalidArgument, expectMsg: msgOtherQuery,
		},
		{
			name: "another role filter", givenCaller: userA, givenQuery: byName, whenCaller: userA,
			whenQuery:  with(byName, func(q *store.MemberQuery) { q.Roles = []string{store.RoleMember} }),
			expectKind: store.ErrInvalidArgument, expectMsg: msgOtherQuery,
		},
		{
			name: "another user id filter", givenCaller: userA, givenQuery: byName, whenCaller: userA,
			whenQuery:  with(byName, func(q *store.MemberQuery) { q.UserIDs = []string{uZoe} }),
			expectKind: store.ErrInvalidArgument, expectMsg: msgOtherQuery,
		},
		{
			name: "the default order of another caller", givenCaller: userA, givenQuery: store.MemberQuery{OrganizationID: orgA},
			whenCaller: memberA, whenQuery: store.MemberQuery{OrganizationID: orgA},
			expectKind: store.ErrInvalidArgument, expectMsg: msgOtherQuery,
		},
		{
			name: "a token of another organization", givenCaller: userB, givenQuery: store.MemberQuery{OrganizationID: orgB, SortField: store.SortByName},
			whenCaller: userA, whenQuery: byName,
			expectKind: store.ErrInvalidArgument, expectMsg: msgNotOurs,
		},
		{
			name: "a token of another list", givenCaller: userA, givenQuery: byName, whenCaller: userA, whenQuery: byName,
			whenToken:  func(t *testing.T, _ string) string { return ssoToken(t) },
			expectKind: store.ErrInvalidArgument, expectMsg: msgNotOurs,
		},
		{
			name: "a token with a changed character", givenCaller: userA, givenQuery: byName, whenCaller: userA, whenQuery: byName,
			whenToken: func(_ *testing.T, issued string) string {
				b := []byte(issued)
				b[3] ^= 1
				return string(b)
			},
			expectKind: store.ErrInvalidArgument, expectMsg: msgNotOurs,
		},
		{
			name: "not a token", givenCaller: userA, givenQuery: byName, whenCaller: userA, whenQuery: byName,
			whenToken:  func(*testing.T, string) string { return "next-page-token-from-previous-response" },
			expectKind: store.ErrInvalidArgument, expectMsg: msgNotOurs,
		},
		{
			name: "a page too large", givenCaller: userA, givenQuery: byName, whenCaller: userA, whenQuery: byName,
			whenSize:   pages.Max + 1,
			expectKind: store.ErrInvalidArgument, expectMsg: "pageSize: must be at most " + strconv.Itoa(pages.Max),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := newCrowd(t)
			_, issued, _, err := st.ListMembers(tt.givenCaller, tt.givenQuery, store.PageRequest{Size: 1})
			checkErr(t, err, nil, "")
			if issued == "" {
				t.Fatal("no token issued")
			}
			token := issued
			if tt.whenToken != nil {
				token = tt.whenToken(t, issued)
			}
			size := tt.whenSize
			if size == 0 {
				size = 1
			}
			before := st.Snapshot()
			ms, next, _, err := st.ListMembers(tt.whenCaller, tt.whenQuery, store.PageRequest{Token: token, Size: size})
			checkErr(t, err, tt.expectKind, tt.expectMsg)
			checkUnchanged(t, st, before)
			if err != nil {
				if ms != nil || next != "" {
					t.Errorf("a refused list returned %v, %q", ms, next)
				}
				return
			}
			if got := userIDs(ms); !slices.Equal(got, tt.expectMember) || next == "" {
				t.Fatalf("second page %v, next %q; want %v and a next page", got, next, tt.expectMember)
			}
		})
	}
}

// ssoToken is a page token of ListSSOConfigurations of acme (in a store of the same seed as
// newCrowd's).
func ssoToken(t testing.TB) string {
	st, _ := newCrowd(t)
	_, next, err := st.ListSSO(userA, orgA, store.PageRequest{Size: 1})
	checkErr(t, err, nil, "")
	if next == "" {
		t.Fatal("ListSSO issued no token")
	}
	return next
}

func TestSetRole(t *testing.T) {
	tests := []struct {
		name        string
		givenData   []func(d *store.Data)
		given       func(t *testing.T, st *store.Store)
		whenCaller  string
		whenOrg     string
		whenTarget  string
		whenRole    string
		expectKind  error
		expectMsg   string
		expectNoop  bool
		expectAfter store.Member
	}{
		{
			name: "promote a member", whenCaller: userA, whenOrg: orgA, whenTarget: memberA, whenRole: store.RoleAdmin,
			expectAfter: store.Member{UserID: memberA, Role: store.RoleAdmin, Status: store.StatusActive, Since: orgCreated.Add(day)},
		},
		{
			name: "demote a promoted member",
			given: func(t *testing.T, st *store.Store) {
				checkErr(t, st.SetRole(userA, orgA, memberA, store.RoleAdmin), nil, "")
			},
			whenCaller: userA, whenOrg: orgA, whenTarget: memberA, whenRole: store.RoleMember,
			expectAfter: store.Member{UserID: memberA, Role: store.RoleMember, Status: store.StatusActive, Since: orgCreated.Add(day)},
		},
		{
			name: "a promoted member demotes the admin who promoted it",
			given: func(t *testing.T, st *store.Store) {
				checkErr(t, st.SetRole(userA, orgA, memberA, store.RoleAdmin), nil, "")
			},
			whenCaller: memberA, whenOrg: orgA, whenTarget: userA, whenRole: store.RoleMember,
			expectAfter: store.Member{UserID: userA, Role: store.RoleMember, Status: store.StatusActive, Since: orgCreated},
		},
		{
			name: "an admin demotes itself when there is another",
			given: func(t *testing.T, st *store.Store) {
				checkErr(t, st.SetRole(userA, orgA, memberA, store.RoleAdmin), nil, "")
			},
			whenCaller: userA, whenOrg: orgA, whenTarget: userA, whenRole: store.RoleMember,
			expectAfter: store.Member{UserID: userA, Role: store.RoleMember, Status: store.StatusActive, Since: orgCreated},
		},
		{
			name:       "demote a suspended admin: not an active one",
			givenData:  []func(d *store.Data){withMember(orgA, store.Member{UserID: uSue, Role: store.RoleAdmin, Status: store.StatusSuspended, Since: orgCreated})},
			whenCaller: userA, whenOrg: orgA, whenTarget: uSue, whenRole: store.RoleMember,
			expectAfter: store.Member{UserID: uSue, Role: store.RoleMember, Status: store.StatusSuspended, Since: orgCreated},
		},
		{
			name:       "promote a suspended member",
			givenData:  []func(d *store.Data){withMember(orgA, store.Member{UserID: uSue, Role: store.RoleMember, Status: store.StatusSuspended, Since: orgCreated})},
			whenCaller: userA, whenOrg: orgA, whenTarget: uSue, whenRole: store.RoleAdmin,
			expectAfter: store.Member{UserID: uSue, Role: store.RoleAdmin, Status: store.StatusSuspended, Since: orgCreated},
		},
		{
			name: "the same role: nothing changes", whenCaller: userA, whenOrg: orgA, whenTarget: memberA, whenRole: store.RoleMember,
			expectNoop: true,
		},
		{
			name: "the same role for the last admin: nothing changes", whenCaller: userA, whenOrg: orgA, whenTarget: userA, whenRole: store.RoleAdmin,
			expectNoop: true,
		},
		{
			name: "the last admin demotes itself", whenCaller: userA, whenOrg: orgA, whenTarget: userA, whenRole: store.RoleMember,
			expectKind: store.ErrFailedPrecondition, expectMsg: msgLastAdmin("role", userA, orgA),
		},
		{
			name:       "the last active admin, beside a suspended one",
			givenData:  []func(d *store.Data){withMember(orgA, store.Member{UserID: uSue, Role: store.RoleAdmin, Status: store.StatusSuspended, Since: orgCreated})},
			whenCaller: userA, whenOrg: orgA, whenTarget: userA, whenRole: store.RoleMember,
			expectKind: store.ErrFailedPrecondition, expectMsg: msgLastAdmin("role", userA, orgA),
		},
		{
			name:       "the last active admin, beside one who left",
			givenData:  []func(d *store.Data){withMember(orgA, store.Member{UserID: uLiz, Role: store.RoleAdmin, Status: store.StatusLeft, Since: orgCreated})},
			whenCaller: userA, whenOrg: orgA, whenTarget: userA, whenRole: store.RoleMember,
			expectKind: store.ErrFailedPrecondition, expectMsg: msgLastAdmin("role", userA, orgA),
		},
		{
			name: "the second admin left: the first is the last again",
			given: func(t *testing.T, st *store.Store) {
				checkErr(t, st.SetRole(userA, orgA, memberA, store.RoleAdmin), nil, "")
				checkErr(t, st.LeaveOrganization(memberA, memberA), nil, "")
			},
			whenCaller: userA, whenOrg: orgA, whenTarget: userA, whenRole: store.RoleMember,
			expectKind: store.ErrFailedPrecondition, expectMsg: msgLastAdmin("role", userA, orgA),
		},
		{
			name: "a plain member", whenCaller: memberA, whenOrg: orgA, whenTarget: memberA, whenRole: store.RoleAdmin,
			expectKind: store.ErrPermissionDenied, expectMsg: msgOnlyAdmin("organizationId", orgA),
		},
		{
			name: "an admin of another organization", whenCaller: userB, whenOrg: orgA, whenTarget: memberA, whenRole: store.RoleAdmin,
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA),
		},
		{
			name: "an unknown organization", whenCaller: userA, whenOrg: unknownID, whenTarget: memberA, whenRole: store.RoleAdmin,
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(unknownID),
		},
		{
			name: "no role", whenCaller: userA, whenOrg: orgA, whenTarget: memberA, whenRole: "",
			expectKind: store.ErrInvalidArgument, expectMsg: msgBadRole,
		},
		{
			name: "the unspecified role", whenCaller: userA, whenOrg: orgA, whenTarget: memberA, whenRole: "ORGANIZATION_ROLE_UNSPECIFIED",
			expectKind: store.ErrInvalidArgument, expectMsg: msgBadRole,
		},
		{
			name: "a role in lower case", whenCaller: userA, whenOrg: orgA, whenTarget: memberA, whenRole: "organization_role_admin",
			expectKind: store.ErrInvalidArgument, expectMsg: msgBadRole,
		},
		{
			name: "a bad role from a non-member: the role first", whenCaller: userB, whenOrg: orgA, whenTarget: memberA, whenRole: "owner",
			expectKind: store.ErrInvalidArgument, expectMsg: msgBadRole,
		},
		{
			name: "an unknown user", whenCaller: userA, whenOrg: orgA, whenTarget: unknownID, whenRole: store.RoleAdmin,
			expectKind: store.ErrNotFound, expectMsg: msgNoSuchMember(unknownID, orgA),
		},
		{
			name: "a member of another organization", whenCaller: userA, whenOrg: orgA, whenTarget: memberB, whenRole: store.RoleAdmin,
			expectKind: store.ErrNotFound, expectMsg: msgNoSuchMember(memberB, orgA),
		},
		{
			name:       "a member who left",
			givenData:  []func(d *store.Data){withMember(orgA, store.Member{UserID: uLiz, Role: store.RoleMember, Status: store.StatusLeft, Since: orgCreated})},
			whenCaller: userA, whenOrg: orgA, whenTarget: uLiz, whenRole: store.RoleAdmin,
			expectKind: store.ErrNotFound, expectMsg: msgNoSuchMember(uLiz, orgA),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := newStoreOpts(t, orgData(tt.givenData...), store.Options{TrackChanges: true})
			if tt.given != nil {
				tt.given(t, st)
			}
			st.Changes()
			before := st.Snapshot()
			err := st.SetRole(tt.whenCaller, tt.whenOrg, tt.whenTarget, tt.whenRole)
			checkErr(t, err, tt.expectKind, tt.expectMsg)
			if err != nil || tt.expectNoop {
				checkUnchanged(t, st, before)
				if changed, deleted := st.Changes(); !reflect.DeepEqual(changed, store.Data{}) || len(deleted) != 0 {
					t.Fatalf("reported a change: %+v, %v", changed, deleted)
				}
				return
			}
			if got := memberOf(t, st, tt.whenOrg, tt.whenTarget); !reflect.DeepEqual(got, tt.expectAfter) {
				t.Fatalf("after SetRole\n got %+v\nwant %+v", got, tt.expectAfter)
			}
			changed, deleted := st.Changes()
			if len(changed.Organizations) != 1 || changed.Organizations[0].ID != tt.whenOrg || len(deleted) != 0 {
				t.Fatalf("changes %+v, deleted %v; want organization %s", changed, deleted, tt.whenOrg)
			}
			// Nothing else moved: the organization's other members and updatedAt.
			wantOrg := orgOf(t, before, tt.whenOrg)
			for i := range wantOrg.Members {
				if wantOrg.Members[i].UserID == tt.whenTarget {
					wantOrg.Members[i] = tt.expectAfter
				}
			}
			if got := orgOf(t, st.Snapshot(), tt.whenOrg); !reflect.DeepEqual(got, wantOrg) {
				t.Fatalf("organization after SetRole\n got %+v\nwant %+v", got, wantOrg)
			}
		})
	}
}

// A promoted member administers the organization; demoted again, it does not.
func TestSetRolePromoteThenDemote(t *testing.T) {
	st, _ := newStore(t)
	_, err := st.GetInvite(memberA, orgA)
	checkErr(t, err, store.ErrPermissionDenied, msgOnlyAdmin("organizationId", orgA))
	checkErr(t, st.SetRole(userA, orgA, memberA, store.RoleAdmin), nil, "")
	invite, err := st.GetInvite(memberA, orgA)
	checkErr(t, err, nil, "")
	if invite != inviteA {
		t.Fatalf("GetInvite as the promoted member = %q, want %q", invite, inviteA)
	}
	checkErr(t, st.SetRole(memberA, orgA, memberA, store.RoleMember), nil, "")
	_, err = st.GetInvite(memberA, orgA)
	checkErr(t, err, store.ErrPermissionDenied, msgOnlyAdmin("organizationId", orgA))
	checkErr(t, st.SetRole(userA, orgA, userA, store.RoleMember), store.ErrFailedPrecondition, msgLastAdmin("role", userA, orgA))
}

func TestLeaveOrganization(t *testing.T) {
	// Xena is a member of both: of globex first (her home), of acme later.
	const uXena = "c0000000-0000-4000-8000-0000000000ee"
	xena := []func(d *store.Data){
		withUser(store.User{ID: uXena, FullName: "Xena Two", Email: "xena@acme.example", LoginProvider: "github"}),
		withMember(orgB, store.Member{UserID: uXena, Role: store.RoleMember, Status: store.StatusActive, Since: orgCreated.Add(3 * day)}),
		withMember(orgA, store.Member{UserID: uXena, Role: store.RoleAdmin, Status: store.StatusActive, Since: orgCreated.Add(5 * day)}),
	}
	tests := []struct {
		name       string
		givenData  []func(d *store.Data)
		given      func(t *testing.T, st *store.Store)
		whenCaller string
		whenTarget string
		expectKind error
		expectMsg  string
		expectOrg  string // where the target left
	}{
		{name: "a member leaves", whenCaller: memberA, whenTarget: memberA, expectOrg: orgA},
		{name: "an admin removes a member", whenCaller: userA, whenTarget: memberA, expectOrg: orgA},
		{name: "the other organization's admin removes its member", whenCaller: userB, whenTarget: memberB, expectOrg: orgB},
		{
			name: "an admin leaves when there is another",
			given: func(t *testing.T, st *store.Store) {
				checkErr(t, st.SetRole(userA, orgA, memberA, store.RoleAdmin), nil, "")
			},
			whenCaller: userA, whenTarget: userA, expectOrg: orgA,
		},
		{
			name: "an admin removes another admin",
			given: func(t *testing.T, st *store.Store) {
				checkErr(t, st.SetRole(userA, orgA, memberA, store.RoleAdmin), nil, "")
			},
			whenCaller: memberA, whenTarget: userA, expectOrg: orgA,
		},
		{
			name:       "an admin removes a suspended member",
			givenData:  []func(d *store.Data){withMember(orgA, store.Member{UserID: uSue, Role: store.RoleMember, Status: store.StatusSuspended, Since: orgCreated})},
			whenCaller: userA, whenTarget: uSue, expectOrg: orgA,
		},
		{
			name:      "acts in the home organization: the earliest membership",
			givenData: xena, whenCaller: uXena, whenTarget: uXena, expectOrg: orgB,
		},
		{
			name:       "the home organization after leaving it: the next one",
			givenData:  xena,
			given:      func(t *testing.T, st *store.Store) { checkErr(t, st.LeaveOrganization(uXena, uXena), nil, "") },
			whenCaller: uXena, whenTarget: uXena, expectOrg: orgA,
		},
		{
			name: "memberships of the same moment: the least organization id is home",
			givenData: []func(d *store.Data){
				withUser(store.User{ID: uXena, FullName: "Xena Two", Email: "xena@acme.example", LoginProvider: "github"}),
				withMember(orgA, store.Member{UserID: uXena, Role: store.RoleMember, Status: store.StatusActive, Since: orgCreated}),
				withMember(orgB, store.Member{UserID: uXena, Role: store.RoleMember, Status: store.StatusActive, Since: orgCreated}),
			},
			whenCaller: uXena, whenTarget: uXena, expectOrg: min(orgA, orgB),
		},
		{
			name: "an admin of a newer organization acts in its home organization",
			given: func(t *testing.T, st *store.Store) {
				o, _, err := st.CreateOrganization(memberA, store.OrganizationCreate{Name: "Mia's", Join: true})
				checkErr(t, err, nil, "")
				_, err = st.JoinOrganization(uZoe, store.Join{InviteID: mustInvite(t, st, memberA, o.ID)})
				checkErr(t, err, nil, "")
			},
			whenCaller: memberA, whenTarget: uZoe,
			expectKind: store.ErrPermissionDenied, expectMsg: msgOnlyAdmin("userId", orgA),
		},
		{
			name: "an admin of a newer organization removes one of its members: not in the home organization",
			given: func(t *testing.T, st *store.Store) {
				o, _, err := st.CreateOrganization(userA, store.OrganizationCreate{Name: "Acme Labs", Join: true})
				checkErr(t, err, nil, "")
				_, err = st.JoinOrganization(uOlga, store.Join{InviteID: mustInvite(t, st, userA, o.ID)})
				checkErr(t, err, nil, "")
			},
			whenCaller: userA, whenTarget: uOlga,
			expectKind: store.ErrNotFound, expectMsg: msgNoSuchMember(uOlga, orgA),
		},
		{
			name: "a member removes another", whenCaller: memberA, whenTarget: userA,
			expectKind: store.ErrPermissionDenied, expectMsg: msgOnlyAdmin("userId", orgA),
		},
		{
			name: "a member removes an unknown user", whenCaller: memberA, whenTarget: unknownID,
			expectKind: store.ErrPermissionDenied, expectMsg: msgOnlyAdmin("userId", orgA),
		},
		{
			name: "the last admin leaves", whenCaller: userA, whenTarget: userA,
			expectKind: store.ErrFailedPrecondition, expectMsg: msgLastAdmin("userId", userA, orgA),
		},
		{
			name:       "the last active admin, beside a suspended one",
			givenData:  []func(d *store.Data){withMember(orgA, store.Member{UserID: uSue, Role: store.RoleAdmin, Status: store.StatusSuspended, Since: orgCreated})},
			whenCaller: userA, whenTarget: userA,
			expectKind: store.ErrFailedPrecondition, expectMsg: msgLastAdmin("userId", userA, orgA),
		},
		{
			name: "an unknown user", whenCaller: userA, whenTarget: unknownID,
			expectKind: store.ErrNotFound, expectMsg: msgNoSuchMember(unknownID, orgA),
		},
		{
			name: "a member of another organization", whenCaller: userA, whenTarget: memberB,
			expectKind: store.ErrNotFound, expectMsg: msgNoSuchMember(memberB, orgA),
		},
		{
			name:       "a member who left already",
			given:      func(t *testing.T, st *store.Store) { checkErr(t, st.LeaveOrganization(memberA, memberA), nil, "") },
			whenCaller: userA, whenTarget: memberA,
			expectKind: store.ErrNotFound, expectMsg: msgNoSuchMember(memberA, orgA),
		},
		{
			name:       "a member who left leaves again",
			given:      func(t *testing.T, st *store.Store) { checkErr(t, st.LeaveOrganization(memberA, memberA), nil, "") },
			whenCaller: memberA, whenTarget: memberA,
			expectKind: store.ErrPermissionDenied, expectMsg: msgNoHome,
		},
		{
			name:       "a suspended member",
			givenData:  []func(d *store.Data){withMember(orgA, store.Member{UserID: uSue, Role: store.RoleMember, Status: store.StatusSuspended, Since: orgCreated})},
			whenCaller: uSue, whenTarget: uSue,
			expectKind: store.ErrPermissionDenied, expectMsg: msgNoHome,
		},
		{
			name: "a user of no organization", whenCaller: uOlga, whenTarget: uOlga,
			expectKind: store.ErrPermissionDenied, expectMsg: msgNoHome,
		},
		{
			name: "an unknown caller", whenCaller: unknownID, whenTarget: memberA,
			expectKind: store.ErrPermissionDenied, expectMsg: msgNoHome,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := newStoreFrom(t, orgData(tt.givenData...), 1)
			if tt.given != nil {
				tt.given(t, st)
			}
			before := st.Snapshot()
			err := st.LeaveOrganization(tt.whenCaller, tt.whenTarget)
			checkErr(t, err, tt.expectKind, tt.expectMsg)
			if err != nil {
				checkUnchanged(t, st, before)
				return
			}
			// The membership stays, with the status LEFT; nothing else changes.
			want := before
			want.Organizations = slices.Clone(before.Organizations)
			for i, o := range want.Organizations {
				if o.ID != tt.expectOrg {
					continue
				}
				o.Members = slices.Clone(o.Members)
				for j := range o.Members {
					if o.Members[j].UserID == tt.whenTarget {
						if o.Members[j].Status == store.StatusLeft {
							t.Fatalf("the target had left %s before", tt.expectOrg)
						}
						o.Members[j].Status = store.StatusLeft
					}
				}
				want.Organizations[i] = o
			}
			if after := st.Snapshot(); !reflect.DeepEqual(after, want) {
				t.Fatalf("after LeaveOrganization\n got %+v\nwant %+v", after.Organizations, want.Organizations)
			}
			_, err = st.GetOrganization(tt.whenTarget, tt.expectOrg)
			checkErr(t, err, store.ErrPermissionDenied, msgNotMemberOf(tt.expectOrg))
			ms, _, _, err := st.ListMembers(as(tt.expectOrg), store.MemberQuery{OrganizationID: tt.expectOrg, UserIDs: []string{tt.whenTarget}}, store.PageRequest{})
			if err == nil && (len(ms) != 1 || ms[0].Status != store.StatusLeft) {
				t.Fatalf("ListMembers shows %+v, want the membership with status LEFT", ms)
			}
		})
	}
}

// mustInvite returns the current invite of org, as its admin.
func mustInvite(t testing.TB, st *store.Store, admin, org string) string {
	t.Helper()
	id, err := st.GetInvite(admin, org)
	if err != nil {
		t.Fatalf("GetInvite(%s): %v", org, err)
	}
	return id
}

func TestJoinOrganization(t *testing.T) {
	msgDomain := func(domain, org string) string {
		return `organizationId: the caller's email domain "` + domain + `" is not one of the invite domains of organization ` + org + ": join by invite"
	}
	newMember := func(user string) store.Member {
		return store.Member{UserID: user, Role: store.RoleMember, Status: store.StatusActive, Since: t0ms}
	}
	replaceInvite := func(t *testing.T, st *store.Store) {
		_, err := st.CreateInvite(userA, orgA)
		checkErr(t, err, nil, "")
	}
	suspended := withMember(orgA, store.Member{UserID: uSue, Role: store.RoleAdmin, Status: store.StatusSuspended, Since: orgCreated})
	leftAdmin := withMember(orgA, store.Member{UserID: uLiz, Role: store.RoleAdmin, Status: store.StatusLeft, Since: orgCreated})
	leftOutsider := withMember(orgA, store.Member{UserID: uOlga, Role: store.RoleMember, Status: store.StatusLeft, Since: orgCreated})
	tests := []struct {
		name            string
		givenData       []func(d *store.Data)
		given           func(t *testing.T, st *store.Store)
		whenCaller      string
		when            store.Join
		expectKind      error
		expectMsg       string
		expectMember    store.Member
		expectUnchanged bool // an existing membership, returned as it is
	}{
		{name: "by invite", whenCaller: uOlga, when: store.Join{InviteID: inviteA}, expectMember: newMember(uOlga)},
		{name: "by invite, a member of another organization", whenCaller: userB, when: store.Join{InviteID: inviteA}, expectMember: newMember(userB)},
		{name: "by organization id, with a domain of its invite domains", whenCaller: uZoe, when: store.Join{OrganizationID: orgA}, expectMember: newMember(uZoe)},
		{name: "by organization id, an email domain in capitals", whenCaller: uNia, when: store.Join{OrganizationID: orgA}, expectMember: newMember(uNia)},
		{
			name:       "by organization id, invite domains in capitals",
			givenData:  []func(d *store.Data){func(d *store.Data) { d.Organizations[0].InviteDomains = []string{"OTHER.example", "ACME.Example"} }},
			whenCaller: uZoe, when: store.Join{OrganizationID: orgA}, expectMember: newMember(uZoe),
		},
		{
			name:       "by organization id, after the invite domains were set",
			given:      func(t *testing.T, st *store.Store) { mustUpdateDomains(t, st, orgB, "other.example") },
			whenCaller: uOlga, when: store.Join{OrganizationID: orgB}, expectMember: newMember(uOlga),
		},
		{
			name: "by organization id, another domain", whenCaller: uOlga, when: store.Join{OrganizationID: orgA},
			expectKind: store.ErrPermissionDenied, expectMsg: msgDomain("other.example", orgA),
		},
		{
			name: "by organization id, a subdomain of an invite domain", whenCaller: uKim, when: store.Join{OrganizationID: orgA},
			expectKind: store.ErrPermissionDenied, expectMsg: msgDomain("eng.acme.example", orgA),
		},
		{
			name: "by organization id, no invite domains", whenCaller: uZoe, when: store.Join{OrganizationID: orgB},
			expectKind: store.ErrPermissionDenied, expectMsg: msgDomain("acme.example", orgB),
		},
		{
			name:       "by organization id, after the invite domains were cleared",
			given:      func(t *testing.T, st *store.Store) { mustUpdateDomains(t, st, orgA) },
			whenCaller: uZoe, when: store.Join{OrganizationID: orgA},
			expectKind: store.ErrPermissionDenied, expectMsg: msgDomain("acme.example", orgA),
		},
		{
			name: "by organization id, an unknown organization", whenCaller: uZoe, when: store.Join{OrganizationID: unknownID},
			expectKind: store.ErrNotFound, expectMsg: "organizationId: organization " + unknownID + " not found",
		},
		{
			name: "by an unknown invite", whenCaller: uZoe, when: store.Join{InviteID: unknownID},
			expectKind: store.ErrNotFound, expectMsg: msgInviteNotFound(unknownID),
		},
		{
			name: "by an organization id as the invite", whenCaller: uZoe, when: store.Join{InviteID: orgA},
			expectKind: store.ErrNotFound, expectMsg: msgInviteNotFound(orgA),
		},
		{
			name: "by a replaced invite", given: replaceInvite, whenCaller: uZoe, when: store.Join{InviteID: inviteA},
			expectKind: store.ErrNotFound, expectMsg: msgInviteNotFound(inviteA),
		},
		{
			name: "by a replaced invite, even a member", given: replaceInvite, whenCaller: memberA, when: store.Join{InviteID: inviteA},
			expectKind: store.ErrNotFound, expectMsg: msgInviteNotFound(inviteA),
		},
		{
			name: "neither id", whenCaller: uZoe, when: store.Join{},
			expectKind: store.ErrInvalidArgument, expectMsg: "inviteId, organizationId: set one of them",
		},
		{
			name: "a member already, by invite", whenCaller: memberA, when: store.Join{InviteID: inviteA},
			expectMember: store.Member{UserID: memberA, Role: store.RoleMember, Status: store.StatusActive, Since: orgCreated.Add(day)}, expectUnchanged: true,
		},
		{
			name: "the admin, by invite: still the admin", whenCaller: userA, when: store.Join{InviteID: inviteA},
			expectMember: store.Member{UserID: userA, Role: store.RoleAdmin, Status: store.StatusActive, Since: orgCreated}, expectUnchanged: true,
		},
		{
			name: "a member already, by organization id", whenCaller: memberA, when: store.Join{OrganizationID: orgA},
			expectMember: store.Member{UserID: memberA, Role: store.RoleMember, Status: store.StatusActive, Since: orgCreated.Add(day)}, expectUnchanged: true,
		},
		{
			name: "a member already, by organization id without invite domains", whenCaller: userB, when: store.Join{OrganizationID: orgB},
			expectMember: store.Member{UserID: userB, Role: store.RoleAdmin, Status: store.StatusActive, Since: orgCreated}, expectUnchanged: true,
		},
		{
			name: "an admin who left rejoins by invite: as a member, since now", givenData: []func(d *store.Data){leftAdmin},
			whenCaller: uLiz, when: store.Join{InviteID: inviteA}, expectMember: newMember(uLiz),
		},
		{
			name: "a member who left rejoins by organization id", givenData: []func(d *store.Data){leftAdmin},
			whenCaller: uLiz, when: store.Join{OrganizationID: orgA}, expectMember: newMember(uLiz),
		},
		{
			name: "a member who left rejoins by invite, whatever the domain", givenData: []func(d *store.Data){leftOutsider},
			whenCaller: uOlga, when: store.Join{InviteID: inviteA}, expectMember: newMember(uOlga),
		},
		{
			name: "a member who left, by organization id with another domain", givenData: []func(d *store.Data){leftOutsider},
			whenCaller: uOlga, when: store.Join{OrganizationID: orgA},
			expectKind: store.ErrPermissionDenied, expectMsg: msgDomain("other.example", orgA),
		},
		{
			name:       "a member who left just now rejoins",
			given:      func(t *testing.T, st *store.Store) { checkErr(t, st.LeaveOrganization(memberA, memberA), nil, "") },
			whenCaller: memberA, when: store.Join{InviteID: inviteA}, expectMember: newMember(memberA),
		},
		{
			name: "a suspended member, by invite", givenData: []func(d *store.Data){suspended},
			whenCaller: uSue, when: store.Join{InviteID: inviteA},
			expectKind: store.ErrPermissionDenied, expectMsg: "the caller's membership of organization " + orgA + " is suspended",
		},
		{
			name: "a suspended member, by organization id", givenData: []func(d *store.Data){suspended},
			whenCaller: uSue, when: store.Join{OrganizationID: orgA},
			expectKind: store.ErrPermissionDenied, expectMsg: "the caller's membership of organization " + orgA + " is suspended",
		},
		{
			name: "an unknown user, by invite", whenCaller: unknownID, when: store.Join{InviteID: inviteA},
			expectKind: store.ErrPermissionDenied, expectMsg: msgNoUser,
		},
		{
			name: "an unknown user, by organization id", whenCaller: unknownID, when: store.Join{OrganizationID: orgA},
			expectKind: store.ErrPermissionDenied, expectMsg: msgDomain("", orgA),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := orgData(tt.givenData...)
			st, _ := newStoreFrom(t, data, 1)
			if tt.given != nil {
				tt.given(t, st)
			}
			before := st.Snapshot()
			m, err := st.JoinOrganization(tt.whenCaller, tt.when)
			checkErr(t, err, tt.expectKind, tt.expectMsg)
			if err != nil {
				if !reflect.DeepEqual(m, store.Membership{}) {
					t.Errorf("a refused join returned %+v", m)
				}
				checkUnchanged(t, st, before)
				return
			}
			want := store.Membership{Member: tt.expectMember, User: userOf(t, data, tt.whenCaller)}
			if !reflect.DeepEqual(m, want) {
				t.Fatalf("JoinOrganization\n got %+v\nwant %+v", m, want)
			}
			if tt.expectUnchanged {
				checkUnchanged(t, st, before)
			}
			org := tt.when.OrganizationID
			if org == "" {
				org = orgA
			}
			if got := memberOf(t, st, org, tt.whenCaller); got != tt.expectMember {
				t.Fatalf("stored membership %+v, want %+v", got, tt.expectMember)
			}
			if _, err := st.GetOrganization(tt.whenCaller, org); err != nil {
				t.Fatalf("GetOrganization after joining: %v", err)
			}
			// Joining again changes nothing.
			again := st.Snapshot()
			m2, err := st.JoinOrganization(tt.whenCaller, tt.when)
			checkErr(t, err, nil, "")
			if !reflect.DeepEqual(m2, want) {
				t.Fatalf("joining again\n got %+v\nwant %+v", m2, want)
			}
			checkUnchanged(t, st, again)
		})
	}
}

func mustUpdateDomains(t testing.TB, st *store.Store, org string, domains ...string) {
	t.Helper()
	if domains == nil {
		domains = []string{}
	}
	if _, err := st.UpdateOrganization(as(org), store.OrganizationUpdate{ID: org, InviteDomains: &domains}); err != nil {
		t.Fatalf("UpdateOrganization(%s): %v", org, err)
	}
}

func TestCreateInvite(t *testing.T) {
	tests := []struct {
		name       string
		whenCaller string
		whenOrg    string
		expectKind error
		expectMsg  string
	}{
		{name: "admin", whenCaller: userA, whenOrg: orgA},
		{name: "admin of an organization without an invite", whenCaller: userB, whenOrg: orgB},
		{name: "plain member", whenCaller: memberA, whenOrg: orgA, expectKind: store.ErrPermissionDenied, expectMsg: msgOnlyAdmin("organizationId", orgA)},
		{name: "admin of another organization", whenCaller: userB, whenOrg: orgA, expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA)},
		{name: "unknown organization", whenCaller: userA, whenOrg: unknownID, expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(unknownID)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := newStoreFrom(t, orgData(), 1)
			before := st.Snapshot()
			id, err := st.CreateInvite(tt.whenCaller, tt.whenOrg)
			checkErr(t, err, tt.expectKind, tt.expectMsg)
			if err != nil {
				if id != "" {
					t.Errorf("a refused create returned %q", id)
				}
				checkUnchanged(t, st, before)
				return
			}
			previous := orgOf(t, before, tt.whenOrg).InviteID
			if !isUUIDv4(id) || id == previous {
				t.Fatalf("invite %q: want a new version 4 UUID", id)
			}
			if got := mustInvite(t, st, tt.whenCaller, tt.whenOrg); got != id {
				t.Fatalf("GetInvite after CreateInvite = %q, want %q", got, id)
			}
			if previous != "" {
				_, err = st.GetInviteSummary(previous)
				checkErr(t, err, store.ErrNotFound, msgInviteNotFound(previous))
			}
			s, err := st.GetInviteSummary(id)
			checkErr(t, err, nil, "")
			if s.OrganizationID != tt.whenOrg {
				t.Fatalf("the new invite leads to %s", s.OrganizationID)
			}
			// The new invite works; a newer one replaces it.
			m, err := st.JoinOrganization(uOlga, store.Join{InviteID: id})
			checkErr(t, err, nil, "")
			if m.Role != store.RoleMember || m.Status != store.StatusActive {
				t.Fatalf("joined by the new invite as %+v", m.Member)
			}
			newer, err := st.CreateInvite(tt.whenCaller, tt.whenOrg)
			checkErr(t, err, nil, "")
			_, err = st.JoinOrganization(uBea, store.Join{InviteID: id})
			checkErr(t, err, store.ErrNotFound, msgInviteNotFound(id))
			_, err = st.JoinOrganization(uBea, store.Join{InviteID: newer})
			checkErr(t, err, nil, "")
		})
	}
}

func TestGetInvite(t *testing.T) {
	tests := []struct {
		name       string
		whenCaller string
		whenOrg    string
		expectKind error
		expectMsg  string
		expectID   string // "" for a new one
	}{
		{name: "the current invite", whenCaller: userA, whenOrg: orgA, expectID: inviteA},
		{name: "none yet: a new one", whenCaller: userB, whenOrg: orgB},
		{name: "plain member", whenCaller: memberA, whenOrg: orgA, expectKind: store.ErrPermissionDenied, expectMsg: msgOnlyAdmin("organizationId", orgA)},
		{name: "plain member of an organization without an invite", whenCaller: memberB, whenOrg: orgB, expectKind: store.ErrPermissionDenied, expectMsg: msgOnlyAdmin("organizationId", orgB)},
		{name: "admin of another organization", whenCaller: userA, whenOrg: orgB, expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgB)},
		{name: "unknown organization", whenCaller: userA, whenOrg: unknownID, expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(unknownID)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := newStore(t)
			before := st.Snapshot()
			id, err := st.GetInvite(tt.whenCaller, tt.whenOrg)
			checkErr(t, err, tt.expectKind, tt.expectMsg)
			if err != nil {
				if id != "" {
					t.Errorf("a refused get returned %q", id)
				}
				checkUnchanged(t, st, before)
				return
			}
			if tt.expectID != "" {
				if id != tt.expectID {
					t.Fatalf("GetInvite = %q, want %q", id, tt.expectID)
				}
				checkUnchanged(t, st, before)
			} else if !isUUIDv4(id) {
				t.Fatalf("new invite %q is not a version 4 UUID", id)
			}
			// The same one, every time.
			for range 2 {
				if again := mustInvite(t, st, tt.whenCaller, tt.whenOrg); again != id {
					t.Fatalf("GetInvite again = %q, want %q", again, id)
				}
			}
			if got := orgOf(t, st.Snapshot(), tt.whenOrg).InviteID; got != id {
				t.Fatalf("stored invite %q, want %q", got, id)
			}
		})
	}
}

func TestGetInviteSummary(t *testing.T) {
	tests := []struct {
		name       string
		givenData  []func(d *store.Data)
		given      func(t *testing.T, st *store.Store)
		whenInvite string
		expectKind error
		expectMsg  string
		expect     store.InviteSummary
	}{
		{name: "the fixture", whenInvite: inviteA, expect: store.InviteSummary{OrganizationID: orgA, OrganizationName: "Acme", MemberCount: 2}},
		{
			name: "only active members count",
			givenData: []func(d *store.Data){
				withMember(orgA, store.Member{UserID: uSue, Role: store.RoleMember, Status: store.StatusSuspended, Since: orgCreated}),
				withMember(orgA, store.Member{UserID: uLiz, Role: store.RoleAdmin, Status: store.StatusLeft, Since: orgCreated}),
			},
			whenInvite: inviteA, expect: store.InviteSummary{OrganizationID: orgA, OrganizationName: "Acme", MemberCount: 2},
		},
		{
			name: "after a join and a leave",
			given: func(t *testing.T, st *store.Store) {
				for _, u := range []string{uZoe, uBea, uCy} {
					_, err := st.JoinOrganization(u, store.Join{InviteID: inviteA})
					checkErr(t, err, nil, "")
				}
				checkErr(t, st.LeaveOrganization(memberA, memberA), nil, "")
			},
			whenInvite: inviteA, expect: store.InviteSummary{OrganizationID: orgA, OrganizationName: "Acme", MemberCount: 4},
		},
		{
			name: "after a rename",
			given: func(t *testing.T, st *store.Store) {
				_, err := st.UpdateOrganization(userA, store.OrganizationUpdate{ID: orgA, Name: ptr("Acme Inc")})
				checkErr(t, err, nil, "")
			},
			whenInvite: inviteA, expect: store.InviteSummary{OrganizationID: orgA, OrganizationName: "Acme Inc", MemberCount: 2},
		},
		{
			name: "a replaced invite",
			given: func(t *testing.T, st *store.Store) {
				_, err := st.CreateInvite(userA, orgA)
				checkErr(t, err, nil, "")
			},
			whenInvite: inviteA, expectKind: store.ErrNotFound, expectMsg: msgInviteNotFound(inviteA),
		},
		{
			name:       "an invite of a deleted organization",
			given:      func(t *testing.T, st *store.Store) { checkErr(t, st.DeleteOrganization(userA, orgA), nil, "") },
			whenInvite: inviteA, expectKind: store.ErrNotFound, expectMsg: msgInviteNotFound(inviteA),
		},
		{name: "an unknown invite", whenInvite: unknownID, expectKind: store.ErrNotFound, expectMsg: msgInviteNotFound(unknownID)},
		{name: "an organization id", whenInvite: orgA, expectKind: store.ErrNotFound, expectMsg: msgInviteNotFound(orgA)},
		{name: "no invite", whenInvite: "", expectKind: store.ErrNotFound, expectMsg: msgInviteNotFound("")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := newStoreFrom(t, orgData(tt.givenData...), 1)
			if tt.given != nil {
				tt.given(t, st)
			}
			before := st.Snapshot()
			got, err := st.GetInviteSummary(tt.whenInvite)
			checkErr(t, err, tt.expectKind, tt.expectMsg)
			checkUnchanged(t, st, before)
			if got != tt.expect {
				t.Fatalf("GetInviteSummary = %+v, want %+v", got, tt.expect)
			}
		})
	}
}

// A plain member may not manage SSO or SCIM; a member of another organization does not learn
// that the ids exist.
func TestSCIMAndSSOByRole(t *testing.T) {
	ops := map[string]func(st *store.Store, caller string) error{
		"CreateSCIM": func(st *store.Store, caller string) error {
			_, err := st.CreateSCIM(caller, store.SCIMCreate{OrganizationID: orgA, SSOConfigurationID: ssoA2, Name: "x"})
			return err
		},
		"GetSCIM": func(st *store.Store, caller string) error { _, err := st.GetSCIM(caller, scimA); return err },
		"UpdateSCIM": func(st *store.Store, caller string) error {
			_, err := st.UpdateSCIM(caller, store.SCIMUpdate{ID: scimA, Name: ptr("x")})
			return err
		},
		"RegenerateSCIMToken": func(st *store.Store, caller string) error {
			_, err := st.RegenerateSCIMToken(caller, scimA, nil)
			return err
		},
		"DeleteSCIM": func(st *store.Store, caller string) error { return st.DeleteSCIM(caller, scimA) },
		"ListSCIM": func(st *store.Store, caller string) error {
			_, _, err := st.ListSCIM(caller, store.PageRequest{})
			return err
		},
		"CreateSSO": func(st *store.Store, caller string) error {
			_, err := st.CreateSSO(caller, store.SSOCreate{OrganizationID: orgA, ClientID: "c", IssuerURL: "https://sso.example"})
			return err
		},
		"GetSSO": func(st *store.Store, caller string) error { _, err := st.GetSSO(caller, ssoA1); return err },
		"UpdateSSO": func(st *store.Store, caller string) error {
			return st.UpdateSSO(caller, store.SSOUpdate{ID: ssoA1, DisplayName: ptr("x")})
		},
		"ListSSO": func(st *store.Store, caller string) error {
			_, _, err := st.ListSSO(caller, orgA, store.PageRequest{})
			return err
		},
		"DeleteSSO": func(st *store.Store, caller string) error { return st.DeleteSSO(caller, ssoA2) },
	}
	scimNotFound := "scimConfigurationId: SCIM configuration " + scimA + " not found"
	tests := []struct {
		name       string
		givenData  []func(d *store.Data)
		whenCaller string
		whenOp     string
		expectKind error
		expectMsg  string
	}{
		{name: "admin: CreateSCIM", whenCaller: userA, whenOp: "CreateSCIM"},
		{name: "admin: GetSCIM", whenCaller: userA, whenOp: "GetSCIM"},
		{name: "admin: UpdateSCIM", whenCaller: userA, whenOp: "UpdateSCIM"},
		{name: "admin: RegenerateSCIMToken", whenCaller: userA, whenOp: "RegenerateSCIMToken"},
		{name: "admin: DeleteSCIM", whenCaller: userA, whenOp: "DeleteSCIM"},
		{name: "admin: ListSCIM", whenCaller: userA, whenOp: "ListSCIM"},
		{name: "admin: CreateSSO", whenCaller: userA, whenOp: "CreateSSO"},
		{name: "admin: GetSSO", whenCaller: userA, whenOp: "GetSSO"},
		{name: "admin: UpdateSSO", whenCaller: userA, whenOp: "UpdateSSO"},
		{name: "admin: ListSSO", whenCaller: userA, whenOp: "ListSSO"},
		{name: "admin: DeleteSSO", whenCaller: userA, whenOp: "DeleteSSO"},

		{name: "member: CreateSCIM", whenCaller: memberA, whenOp: "CreateSCIM", expectKind: store.ErrPermissionDenied, expectMsg: msgOnlyAdmin("organizationId", orgA)},
		{name: "member: GetSCIM", whenCaller: memberA, whenOp: "GetSCIM", expectKind: store.ErrPermissionDenied, expectMsg: msgOnlyAdmin("scimConfigurationId", orgA)},
		{name: "member: UpdateSCIM", whenCaller: memberA, whenOp: "UpdateSCIM", expectKind: store.ErrPermissionDenied, expectMsg: msgOnlyAdmin("scimConfigurationId", orgA)},
		{name: "member: RegenerateSCIMToken", whenCaller: memberA, whenOp: "RegenerateSCIMToken", expectKind: store.ErrPermissionDenied, expectMsg: msgOnlyAdmin("scimConfigurationId", orgA)},
		{name: "member: DeleteSCIM", whenCaller: memberA, whenOp: "DeleteSCIM", expectKind: store.ErrPermissionDenied, expectMsg: msgOnlyAdmin("scimConfigurationId", orgA)},
		{name: "member: ListSCIM", whenCaller: memberA, whenOp: "ListSCIM", expectKind: store.ErrPermissionDenied, expectMsg: msgListSCIMNotAdmin(orgA)},
		{name: "member: CreateSSO", whenCaller: memberA, whenOp: "CreateSSO", expectKind: store.ErrPermissionDenied, expectMsg: msgOnlyAdmin("organizationId", orgA)},
		{name: "member: GetSSO", whenCaller: memberA, whenOp: "GetSSO", expectKind: store.ErrPermissionDenied, expectMsg: msgOnlyAdmin("ssoConfigurationId", orgA)},
		{name: "member: UpdateSSO", whenCaller: memberA, whenOp: "UpdateSSO", expectKind: store.ErrPermissionDenied, expectMsg: msgOnlyAdmin("ssoConfigurationId", orgA)},
		{name: "member: ListSSO", whenCaller: memberA, whenOp: "ListSSO", expectKind: store.ErrPermissionDenied, expectMsg: msgOnlyAdmin("organizationId", orgA)},
		{name: "member: DeleteSSO", whenCaller: memberA, whenOp: "DeleteSSO", expectKind: store.ErrPermissionDenied, expectMsg: msgOnlyAdmin("ssoConfigurationId", orgA)},

		{name: "member of another organization: CreateSCIM", whenCaller: memberB, whenOp: "CreateSCIM", expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA)},
		{name: "member of another organization: GetSCIM", whenCaller: memberB, whenOp: "GetSCIM", expectKind: store.ErrNotFound, expectMsg: scimNotFound},
		{name: "member of another organization: UpdateSCIM", whenCaller: memberB, whenOp: "UpdateSCIM", expectKind: store.ErrNotFound, expectMsg: scimNotFound},
		{name: "member of another organization: RegenerateSCIMToken", whenCaller: memberB, whenOp: "RegenerateSCIMToken", expectKind: store.ErrNotFound, expectMsg: scimNotFound},
		{name: "member of another organization: DeleteSCIM", whenCaller: memberB, whenOp: "DeleteSCIM", expectKind: store.ErrNotFound, expectMsg: scimNotFound},
		{name: "member of another organization: ListSCIM lists its own", whenCaller: memberB, whenOp: "ListSCIM", expectKind: store.ErrPermissionDenied, expectMsg: msgListSCIMNotAdmin(orgB)},
		{name: "member of another organization: CreateSSO", whenCaller: memberB, whenOp: "CreateSSO", expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA)},
		{name: "member of another organization: GetSSO", whenCaller: memberB, whenOp: "GetSSO", expectKind: store.ErrNotFound, expectMsg: "ssoConfigurationId: SSO configuration " + ssoA1 + " not found"},
		{name: "member of another organization: UpdateSSO", whenCaller: memberB, whenOp: "UpdateSSO", expectKind: store.ErrNotFound, expectMsg: "ssoConfigurationId: SSO configuration " + ssoA1 + " not found"},
		{name: "member of another organization: ListSSO", whenCaller: memberB, whenOp: "ListSSO", expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA)},
		{name: "member of another organization: DeleteSSO", whenCaller: memberB, whenOp: "DeleteSSO", expectKind: store.ErrNotFound, expectMsg: "ssoConfigurationId: SSO configuration " + ssoA2 + " not found"},

		{
			name: "suspended admin: GetSCIM", givenData: []func(d *store.Data){withMember(orgA, store.Member{UserID: uSue, Role: store.RoleAdmin, Status: store.StatusSuspended, Since: orgCreated})},
			whenCaller: uSue, whenOp: "GetSCIM", expectKind: store.ErrNotFound, expectMsg: scimNotFound,
		},
		{
			name: "suspended admin: ListSCIM", givenData: []func(d *store.Data){withMember(orgA, store.Member{UserID: uSue, Role: store.RoleAdmin, Status: store.StatusSuspended, Since: orgCreated})},
			whenCaller: uSue, whenOp: "ListSCIM", expectKind: store.ErrPermissionDenied, expectMsg: msgNoHome,
		},
		{
			name: "admin who left: DeleteSSO", givenData: []func(d *store.Data){withMember(orgA, store.Member{UserID: uLiz, Role: store.RoleAdmin, Status: store.StatusLeft, Since: orgCreated})},
			whenCaller: uLiz, whenOp: "DeleteSSO", expectKind: store.ErrNotFound, expectMsg: "ssoConfigurationId: SSO configuration " + ssoA2 + " not found",
		},
		{
			name: "admin who left: ListSSO", givenData: []func(d *store.Data){withMember(orgA, store.Member{UserID: uLiz, Role: store.RoleAdmin, Status: store.StatusLeft, Since: orgCreated})},
			whenCaller: uLiz, whenOp: "ListSSO", expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op := ops[tt.whenOp]
			if op == nil {
				t.Fatalf("no operation %q", tt.whenOp)
			}
			st, _ := newStoreFrom(t, orgData(tt.givenData...), 1)
			before := st.Snapshot()
			err := op(st, tt.whenCaller)
			checkErr(t, err, tt.expectKind, tt.expectMsg)
			if err != nil {
				checkUnchanged(t, st, before)
			}
		})
	}
	// Every operation is covered for each role.
	for op := range ops {
		n := 0
		for _, tt := range tests {
			if tt.whenOp == op && tt.givenData == nil {
				n++
			}
		}
		if n != 3 {
			t.Errorf("%s is tested for %d of the 3 roles", op, n)
		}
	}
}
