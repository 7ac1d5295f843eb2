package store_test

// Tests of an organization's terms of service (terms.go): its versions, published when the
// markdown changes, the members' acceptances of them, and the admins' list and CSV export of
// who accepted a version.

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gitpod-mock/orgmock/server/store"
)

// Users the terms tests add to acme (besides the fixture's Ada Admin and Mia Member).
const (
	tosJane = "d0000000-0000-4000-8000-000000000001" // "Doe, Jane": a comma in the name; active
	tosLeo  = "d0000000-0000-4000-8000-000000000002" // left acme (after accepting version 2)
	tosSid  = "d0000000-0000-4000-8000-000000000003" // suspended (after accepting version 1)
	tosZed  = "d0000000-0000-4000-8000-000000000004" // `zed "Q" Quiet`: quotes in the name; never accepted
)

// The versions the terms tests' data holds: acme's 1 and 2, globex's 1.
const (
	tosV1ID  = "e0000000-0000-4000-8000-000000000001"
	tosV2ID  = "e0000000-0000-4000-8000-000000000002"
	tosGV1ID = "e0000000-0000-4000-8000-0000000000b1"
)

const (
	msgTermsFreeTier = "organizationId: terms of service needs ORGANIZATION_TIER_ENTERPRISE, and organization " + orgA +
		" is on ORGANIZATION_TIER_FREE"
	msgTermsVersionMin      = "version: must be at least 1"
	msgTermsOtherQuery      = "token: issued for another filter or sort of ListTermsOfServiceAcceptances: send the same filter and sort with it"
	msgTermsNotOursAccepts  = "token: not a page token issued by this server for ListTermsOfServiceAcceptances"
	msgTermsNotOursVersions = "token: not a page token issued by this server for ListTermsOfServiceVersions"
	msgTermsCSVHeader       = "user_id,full_name,email,status,accepted_version,accepted_at\n"
	msgTermsNoInstantFmt    = "the clock stands at %s: no instant within 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59.999Z is left to stamp the change with"
)

func msgTermsVersionNotFound(id, org string) string {
	return "versionId: terms of service version " + id + " not found in organization " + org
}

func msgTermsNoVersion(org string, version int) string {
	return "version: organization " + org + " has no terms of service version " + strconv.Itoa(version)
}

var (
	tosCET = time.FixedZone("CET", 3600)

	tosV1 = store.TermsVersion{ID: tosV1ID, Version: 1, Markdown: "# Terms\n\nBe nice.",
		CreatedAt: time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC), CreatedBy: userA}
	tosV2 = store.TermsVersion{ID: tosV2ID, Version: 2, Markdown: "# Terms\n\nBe very nice.",
		CreatedAt: time.Date(2026, 2, 15, 9, 0, 0, 0, time.UTC), CreatedBy: userA}
	tosGV1 = store.TermsVersion{ID: tosGV1ID, Version: 1, Markdown: "Globex terms",
		CreatedAt: time.Date(2026, 2, 3, 9, 0, 0, 0, time.UTC), CreatedBy: userB}

	// acme's acceptances, in the order made. Jane accepts version 2, then version 1: her most
	// recent acceptance is of the older version (and made in another time zone).
	tosAda1  = store.TermsAcceptance{UserID: userA, VersionID: tosV1ID, Version: 1, AcceptedAt: time.Date(2026, 2, 2, 9, 0, 0, 500_000_000, time.UTC)}
	tosMia1  = store.TermsAcceptance{UserID: memberA, VersionID: tosV1ID, Version: 1, AcceptedAt: time.Date(2026, 2, 5, 12, 0, 0, 0, time.UTC)}
	tosSid1  = store.TermsAcceptance{UserID: tosSid, VersionID: tosV1ID, Version: 1, AcceptedAt: time.Date(2026, 2, 6, 0, 0, 0, 0, time.UTC)}
	tosAda2  = store.TermsAcceptance{UserID: userA, VersionID: tosV2ID, Version: 2, AcceptedAt: time.Date(2026, 2, 16, 10, 0, 0, 250_000_000, time.UTC)}
	tosLeo2  = store.TermsAcceptance{UserID: tosLeo, VersionID: tosV2ID, Version: 2, AcceptedAt: time.Date(2026, 2, 17, 0, 0, 0, 0, time.UTC)}
	tosJane2 = store.TermsAcceptance{UserID: tosJane, VersionID: tosV2ID, Version: 2, AcceptedAt: time.Date(2026, 2, 20, 8, 30, 0, 123_000_000, time.UTC)}
	tosJane1 = store.TermsAcceptance{UserID: tosJane, VersionID: tosV1ID, Version: 1, AcceptedAt: time.Date(2026, 2, 21, 9, 0, 0, 0, tosCET)}
	// globex's.
	tosGus1 = store.TermsAcceptance{UserID: memberB, VersionID: tosGV1ID, Version: 1, AcceptedAt: time.Date(2026, 2, 4, 0, 0, 0, 0, time.UTC)}
)

// tosAcmeTerms are acme's terms in tosData: on, versions 1 and 2, every acceptance above.
func tosAcmeTerms() store.Terms {
	return store.Terms{Enabled: true, Versions: []store.TermsVersion{tosV1, tosV2},
		Acceptances: []store.TermsAcceptance{tosAda1, tosMia1, tosSid1, tosAda2, tosLeo2, tosJane2, tosJane1}}
}

func tosGlobexTerms() store.Terms {
	return store.Terms{Enabled: true, Versions: []store.TermsVersion{tosGV1}, Acceptances: []store.TermsAcceptance{tosGus1}}
}

// tosWith changes org's record in the data.
func tosWith(org string, edit func(o *store.Organization)) func(d *store.Data) {
	return func(d *store.Data) {
		for i := range d.Organizations {
			if d.Organizations[i].ID == org {
				edit(&d.Organizations[i])
			}
		}
	}
}

// tosTerms sets org's terms in the data.
func tosTerms(org string, terms store.Terms) func(d *store.Data) {
	return tosWith(org, func(o *store.Organization) { o.Terms = terms })
}

// tosFree puts acme on the free tier.
var tosFree = tosWith(orgA, func(o *store.Organization) { o.Tier = store.TierFree })

// tosPlain is the fixture (no terms anywhere) changed by edits.
func tosPlain(edits ...func(d *store.Data)) store.Data {
	d := fixtureData()
	for _, edit := range edits {
		edit(&d)
	}
	return d
}

// tosData is the fixture with Jane, Leo, Sid and Zed in acme, acme's and globex's terms, changed
// by edits.
func tosData(edits ...func(d *store.Data)) store.Data {
	d := fixtureData()
	d.Users = append(d.Users,
		store.User{ID: tosJane, FullName: "Doe, Jane", Email: "jane@acme.example", LoginProvider: "google"},
		store.User{ID: tosLeo, FullName: "Leo Left", Email: "leo@acme.example", LoginProvider: "github"},
		store.User{ID: tosSid, FullName: "Sid Suspended", Email: "sid@acme.example", LoginProvider: "github"},
		store.User{ID: tosZed, FullName: `zed "Q" Quiet`, Email: "zed@partner.example", LoginProvider: "github"},
	)
	tosWith(orgA, func(o *store.Organization) {
		o.Members = append(o.Members,
			store.Member{UserID: tosJane, Role: store.RoleMember, Status: store.StatusActive, Since: orgCreated.Add(3 * day)},
			store.Member{UserID: tosLeo, Role: store.RoleMember, Status: store.StatusLeft, Since: orgCreated.Add(4 * day)},
			store.Member{UserID: tosSid, Role: store.RoleMember, Status: store.StatusSuspended, Since: orgCreated.Add(5 * day)},
			store.Member{UserID: tosZed, Role: store.RoleMember, Status: store.StatusActive, Since: orgCreated.Add(6 * day)},
		)
		o.Terms = tosAcmeTerms()
	})(&d)
	tosTerms(orgB, tosGlobexTerms())(&d)
	for _, edit := range edits {
		edit(&d)
	}
	return d
}

// tosTermsOf is org's terms in a snapshot.
func tosTermsOf(t testing.TB, d store.Data, org string) store.Terms {
	t.Helper()
	for _, o := range d.Organizations {
		if o.ID == org {
			return o.Terms
		}
	}
	t.Fatalf("no organization %s in the data", org)
	return store.Terms{}
}

// tosCheckOnlyTerms asserts that the store holds before, except that org's terms are want.
func tosCheckOnlyTerms(t testing.TB, st *store.Store, before store.Data, org string, want store.Terms) {
	t.Helper()
	expect := before
	expect.Organizations = slices.Clone(before.Organizations)
	for i := range expect.Organizations {
		if expect.Organizations[i].ID == org {
			expect.Organizations[i].Terms = want
		}
	}
	if got := st.Snapshot(); !reflect.DeepEqual(got, expect) {
		t.Fatalf("state after the write\n got %+v\nwant %+v", got, expect)
	}
}

// tosCheckChanges asserts what Changes reports: org's key with its record as it is now, or
// nothing when org is "".
func tosCheckChanges(t testing.TB, st *store.Store, org string) {
	t.Helper()
	changed, deleted := st.Changes()
	if len(deleted) != 0 {
		t.Fatalf("deleted %v", deleted)
	}
	if org == "" {
		if !reflect.DeepEqual(changed, store.Data{}) {
			t.Fatalf("reported a change: %+v", changed)
		}
		return
	}
	want := store.Data{Organizations: []store.Organization{tosOrgOf(t, st.Snapshot(), org)}}
	if !reflect.DeepEqual(changed, want) {
		t.Fatalf("changes\n got %+v\nwant %+v", changed, want)
	}
}

func tosOrgOf(t testing.TB, d store.Data, org string) store.Organization {
	t.Helper()
	for _, o := range d.Organizations {
		if o.ID == org {
			return o
		}
	}
	t.Fatalf("no organization %s in the data", org)
	return store.Organization{}
}

// tosRow is the row of user in a list of acceptances of the data's org.
func tosRow(t testing.TB, d store.Data, org, user, status string, latest *store.TermsAcceptance) store.MemberAcceptance {
	t.Helper()
	row := store.MemberAcceptance{Status: status, Latest: latest}
	for _, u := range d.Users {
		if u.ID == user {
			row.User = u
		}
	}
	for _, m := range tosOrgOf(t, d, org).Members {
		if m.UserID == user {
			row.Member = m
		}
	}
	if row.User.ID != user || row.UserID != user {
		t.Fatalf("no member %s of %s in the data", user, org)
	}
	return row
}

func tosVersionIDs(vs []store.TermsVersion) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.ID
	}
	return out
}

func tosUserIDs(ms []store.MemberAcceptance) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.UserID
	}
	return out
}

// tosWalkVersions pages through ListTermsVersions with pages of size and returns the
// versions in the order listed.
func tosWalkVersions(t testing.TB, st *store.Store, user, org string, size int) []store.TermsVersion {
	t.Helper()
	var got []store.TermsVersion
	token := ""
	for range 100 {
		vs, next, err := st.ListTermsVersions(user, org, store.PageRequest{Token: token, Size: size})
		if err != nil {
			t.Fatalf("ListTermsVersions (size %d, after %v): %v", size, tosVersionIDs(got), err)
		}
		if len(vs) > size || next != "" && len(vs) != size || next == "" && len(vs) == 0 && len(got) > 0 {
			t.Fatalf("size %d: a page of %d versions, next %q", size, len(vs), next)
		}
		got = append(got, vs...)
		if next == "" {
			return got
		}
		token = next
	}
	t.Fatalf("size %d: no last page after 100 pages", size)
	return nil
}

// tosWalkAcceptances pages through ListAcceptances with pages of size and returns the rows in
// the order listed.
func tosWalkAcceptances(t testing.TB, st *store.Store, user string, q store.AcceptanceQuery, size int) []store.MemberAcceptance {
	t.Helper()
	var got []store.MemberAcceptance
	token := ""
	for range 200 {
		ms, next, err := st.ListAcceptances(user, q, store.PageRequest{Token: token, Size: size})
		if err != nil {
			t.Fatalf("ListAcceptances (size %d, after %v): %v", size, tosUserIDs(got), err)
		}
		if len(ms) > size || next != "" && len(ms) != size || next == "" && len(ms) == 0 && len(got) > 0 {
			t.Fatalf("size %d: a page of %d rows, next %q", size, len(ms), next)
		}
		got = append(got, ms...)
		if next == "" {
			return got
		}
		token = next
	}
	t.Fatalf("size %d: no last page after 200 pages", size)
	return nil
}

// --- GetTerms ---

func TestGetTerms(t *testing.T) {
	enabledOnly := tosTerms(orgB, store.Terms{Enabled: true})
	tests := []struct {
		name        string
		givenData   store.Data
		givenCaller string
		whenOrg     string
		expect      store.TermsView
		expectKind  error
		expectMsg   string
	}{
		{
			name: "admin who accepted the current version", givenData: tosData(), givenCaller: userA, whenOrg: orgA,
			expect: store.TermsView{Enabled: true, Current: &tosV2, Mine: &tosAda2},
		},
		{
			name: "plain member who accepted only an older version: no acceptance of the current one", givenData: tosData(),
			givenCaller: memberA, whenOrg: orgA, expect: store.TermsView{Enabled: true, Current: &tosV2},
		},
		{
			name: "a member whose latest acceptance is of an older version: Mine is the current version's", givenData: tosData(),
			givenCaller: tosJane, whenOrg: orgA, expect: store.TermsView{Enabled: true, Current: &tosV2, Mine: &tosJane2},
		},
		{
			name: "a member who never accepted", givenData: tosData(), givenCaller: tosZed, whenOrg: orgA,
			expect: store.TermsView{Enabled: true, Current: &tosV2},
		},
		{
			name: "turned off: the versions are still shown", givenData: tosData(tosWith(orgA, func(o *store.Organization) { o.Terms.Enabled = false })),
			givenCaller: userA, whenOrg: orgA, expect: store.TermsView{Current: &tosV2, Mine: &tosAda2},
		},
		{
			name: "the other organization's terms are its own", givenData: tosData(), givenCaller: memberB, whenOrg: orgB,
			expect: store.TermsView{Enabled: true, Current: &tosGV1, Mine: &tosGus1},
		},
		{
			name: "never published: no current version, off", givenData: tosPlain(), givenCaller: userA, whenOrg: orgA,
		},
		{
			name: "never published, plain member", givenData: tosPlain(), givenCaller: memberA, whenOrg: orgA,
		},
		{
			name: "turned on but never published", givenData: tosPlain(enabledOnly), givenCaller: memberB, whenOrg: orgB,
			expect: store.TermsView{Enabled: true},
		},
		{
			name: "free tier: any member reads them", givenData: tosPlain(tosFree), givenCaller: memberA, whenOrg: orgA,
		},
		{
			name: "admin of another organization", givenData: tosData(), givenCaller: userB, whenOrg: orgA,
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA),
		},
		{
			name: "a member who left", givenData: tosData(), givenCaller: tosLeo, whenOrg: orgA,
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA),
		},
		{
			name: "a suspended member", givenData: tosData(), givenCaller: tosSid, whenOrg: orgA,
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA),
		},
		{
			name: "unknown organization", givenData: tosData(), givenCaller: userA, whenOrg: unknownID,
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(unknownID),
		},
		{
			name: "unknown user", givenData: tosData(), givenCaller: unknownID, whenOrg: orgA,
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := newStoreFrom(t, tt.givenData, 1)
			before := st.Snapshot()
			got, err := st.GetTerms(tt.givenCaller, tt.whenOrg)
			checkErr(t, err, tt.expectKind, tt.expectMsg)
			if !reflect.DeepEqual(got, tt.expect) {
				t.Errorf("GetTerms\n got %+v\nwant %+v", got, tt.expect)
			}
			// What is returned is a copy.
			if got.Current != nil {
				got.Current.Markdown, got.Current.Version = "changed", 99
			}
			if got.Mine != nil {
				got.Mine.AcceptedAt, got.Mine.Version = time.Time{}, 99
			}
			checkUnchanged(t, st, before)
		})
	}
}

// --- UpdateTerms ---

func TestUpdateTerms(t *testing.T) {
	one := tosTerms(orgA, store.Terms{Versions: []store.TermsVersion{tosV1}, Acceptances: []store.TermsAcceptance{tosAda1}})
	oneOn := tosTerms(orgA, store.Terms{Enabled: true, Versions: []store.TermsVersion{tosV1}, Acceptances: []store.TermsAcceptance{tosAda1}})
	two := tosTerms(orgA, store.Terms{Enabled: true, Versions: []store.TermsVersion{tosV1, tosV2}})
	// A version published at the test clock's millisecond, and one an hour ahead of the clock.
	atT0 := tosTerms(orgA, store.Terms{Versions: []store.TermsVersion{{ID: tosV1ID, Version: 1, Markdown: "at t0", CreatedAt: t0ms, CreatedBy: userA}}})
	ahead := tosTerms(orgA, store.Terms{Versions: []store.TermsVersion{{ID: tosV1ID, Version: 1, Markdown: "ahead", CreatedAt: t0ms.Add(time.Hour), CreatedBy: userA}}})
	// A version published at the last instant the API can show: no later one is left.
	atEnd := tosTerms(orgA, store.Terms{Versions: []store.TermsVersion{{ID: tosV1ID, Version: 1, Markdown: "the end",
		CreatedAt: time.Date(9999, 12, 31, 23, 59, 59, 999_000_000, time.UTC), CreatedBy: userA}}})

	tests := []struct {
		name          string
		givenData     store.Data
		givenCaller   string
		whenOrg       string
		whenMarkdown  *string
		whenEnabled   *bool
		expectVersion int       // the version published, 0 for none
		expectAt      time.Time // its createdAt; t0ms when zero
		expectEnabled bool
		expectMine    *store.TermsAcceptance
		expectKind    error
		expectMsg     string
	}{
		{
			name: "the first publish is version 1; enabled unchanged", givenData: tosPlain(), givenCaller: userA, whenOrg: orgA,
			whenMarkdown: ptr("# Terms"), expectVersion: 1,
		},
		{
			name: "the first publish, turned on", givenData: tosPlain(), givenCaller: userA, whenOrg: orgA,
			whenMarkdown: ptr("# Terms"), whenEnabled: ptr(true), expectVersion: 1, expectEnabled: true,
		},
		{
			name: "an empty markdown as the first publish is version 1", givenData: tosPlain(), givenCaller: userA, whenOrg: orgA,
			whenMarkdown: ptr(""), expectVersion: 1,
		},
		{
			name: "changed markdown publishes version 2", givenData: tosPlain(oneOn), givenCaller: userA, whenOrg: orgA,
			whenMarkdown: ptr("# Terms v2"), expectVersion: 2, expectEnabled: true,
		},
		{
			name: "changed markdown publishes version 3", givenData: tosPlain(two), givenCaller: userA, whenOrg: orgA,
			whenMarkdown: ptr("# Terms v3"), expectVersion: 3, expectEnabled: true,
		},
		{
			name: "an empty markdown differs from a non-empty one: publishes", givenData: tosPlain(oneOn), givenCaller: userA, whenOrg: orgA,
			whenMarkdown: ptr(""), expectVersion: 2, expectEnabled: true,
		},
		{
			name: "a markdown differing only in white space publishes", givenData: tosPlain(oneOn), givenCaller: userA, whenOrg: orgA,
			whenMarkdown: ptr(tosV1.Markdown + "\n"), expectVersion: 2, expectEnabled: true,
		},
		{
			name: "the markdown of an older version, not the current one: publishes", givenData: tosPlain(two), givenCaller: userA, whenOrg: orgA,
			whenMarkdown: ptr(tosV1.Markdown), expectVersion: 3, expectEnabled: true,
		},
		{
			name: "the same markdown again publishes nothing", givenData: tosPlain(oneOn), givenCaller: userA, whenOrg: orgA,
			whenMarkdown: ptr(tosV1.Markdown), expectEnabled: true, expectMine: &tosAda1,
		},
		{
			name: "the same markdown again, turned off", givenData: tosPlain(oneOn), givenCaller: userA, whenOrg: orgA,
			whenMarkdown: ptr(tosV1.Markdown), whenEnabled: ptr(false), expectMine: &tosAda1,
		},
		{
			name: "enabled alone publishes nothing", givenData: tosPlain(one), givenCaller: userA, whenOrg: orgA,
			whenEnabled: ptr(true), expectEnabled: true, expectMine: &tosAda1,
		},
		{
			name: "enabled alone before any version", givenData: tosPlain(), givenCaller: userA, whenOrg: orgA,
			whenEnabled: ptr(true), expectEnabled: true,
		},
		{
			name: "turned off alone", givenData: tosPlain(oneOn), givenCaller: userA, whenOrg: orgA,
			whenEnabled: ptr(false), expectMine: &tosAda1,
		},
		{
			name: "neither: all unchanged", givenData: tosPlain(oneOn), givenCaller: userA, whenOrg: orgA,
			expectEnabled: true, expectMine: &tosAda1,
		},
		{
			name: "a clock that does not move: the new version is a millisecond after the previous", givenData: tosPlain(atT0),
			givenCaller: userA, whenOrg: orgA, whenMarkdown: ptr("next"), expectVersion: 2, expectAt: t0ms.Add(time.Millisecond),
		},
		{
			name: "a clock behind the previous version: still after it", givenData: tosPlain(ahead),
			givenCaller: userA, whenOrg: orgA, whenMarkdown: ptr("next"), expectVersion: 2, expectAt: t0ms.Add(time.Hour + time.Millisecond),
		},
		{
			name: "the other organization's admin, its own terms", givenData: tosData(), givenCaller: userB, whenOrg: orgB,
			whenMarkdown: ptr("Globex terms v2"), whenEnabled: ptr(false), expectVersion: 2,
		},
		{
			name: "plain member", givenData: tosPlain(oneOn), givenCaller: memberA, whenOrg: orgA,
			whenMarkdown: ptr("mine"), whenEnabled: ptr(false),
			expectKind: store.ErrPermissionDenied, expectMsg: msgOnlyAdmin("organizationId", orgA),
		},
		{
			name: "plain member, changing nothing", givenData: tosPlain(oneOn), givenCaller: memberA, whenOrg: orgA,
			expectKind: store.ErrPermissionDenied, expectMsg: msgOnlyAdmin("organizationId", orgA),
		},
		{
			name: "plain member of a free organization: refused as a member first", givenData: tosPlain(tosFree), givenCaller: memberA,
			whenOrg: orgA, whenMarkdown: ptr("x"),
			expectKind: store.ErrPermissionDenied, expectMsg: msgOnlyAdmin("organizationId", orgA),
		},
		{
			name: "free tier: publishing", givenData: tosPlain(tosFree), givenCaller: userA, whenOrg: orgA, whenMarkdown: ptr("# Terms"),
			expectKind: store.ErrFailedPrecondition, expectMsg: msgTermsFreeTier,
		},
		{
			name: "free tier: enabled alone", givenData: tosPlain(tosFree), givenCaller: userA, whenOrg: orgA, whenEnabled: ptr(true),
			expectKind: store.ErrFailedPrecondition, expectMsg: msgTermsFreeTier,
		},
		{
			name: "free tier: changing nothing", givenData: tosPlain(tosFree), givenCaller: userA, whenOrg: orgA,
			expectKind: store.ErrFailedPrecondition, expectMsg: msgTermsFreeTier,
		},
		{
			name: "admin of another organization", givenData: tosData(), givenCaller: userB, whenOrg: orgA, whenMarkdown: ptr("theirs"),
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA),
		},
		{
			name: "a member who left", givenData: tosData(), givenCaller: tosLeo, whenOrg: orgA, whenMarkdown: ptr("x"),
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA),
		},
		{
			name: "unknown organization", givenData: tosData(), givenCaller: userA, whenOrg: unknownID, whenEnabled: ptr(true),
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(unknownID),
		},
		{
			name: "no instant left after the previous version", givenData: tosPlain(atEnd), givenCaller: userA, whenOrg: orgA,
			whenMarkdown: ptr("after the end"), whenEnabled: ptr(true),
			expectKind: store.ErrFailedPrecondition, expectMsg: fmt.Sprintf(msgTermsNoInstantFmt, t0.Format(time.RFC3339Nano)),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := newStoreOpts(t, tt.givenData, store.Options{TrackChanges: true})
			st.Changes()
			before := st.Snapshot()
			got, err := st.UpdateTerms(tt.givenCaller, tt.whenOrg, tt.whenMarkdown, tt.whenEnabled)
			checkErr(t, err, tt.expectKind, tt.expectMsg)
			if err != nil {
				if !reflect.DeepEqual(got, store.TermsView{}) {
					t.Errorf("a refused update returned %+v", got)
				}
				checkUnchanged(t, st, before)
				tosCheckChanges(t, st, "")
				return
			}
			want := tosTermsOf(t, before, tt.whenOrg)
			want.Versions = slices.Clone(want.Versions)
			if tt.expectVersion != 0 {
				if got.Current == nil {
					t.Fatalf("nothing published: %+v", got)
				}
				if !isUUIDv4(got.Current.ID) || slices.ContainsFunc(want.Versions, func(v store.TermsVersion) bool { return v.ID == got.Current.ID }) {
					t.Errorf("new version id %q: want a fresh UUIDv4", got.Current.ID)
				}
				at := tt.expectAt
				if at.IsZero() {
					at = t0ms
				}
				if tt.expectVersion != len(want.Versions)+1 {
					t.Fatalf("bad test: version %d after %d", tt.expectVersion, len(want.Versions))
				}
				want.Versions = append(want.Versions, store.TermsVersion{ID: got.Current.ID, Version: tt.expectVersion,
					Markdown: *tt.whenMarkdown, CreatedAt: at, CreatedBy: tt.givenCaller})
			}
			want.Enabled = tt.expectEnabled
			expect := store.TermsView{Enabled: tt.expectEnabled, Mine: tt.expectMine}
			if n := len(want.Versions); n > 0 {
				expect.Current = &want.Versions[n-1]
			}
			if !reflect.DeepEqual(got, expect) {
				t.Errorf("UpdateTerms\n got %+v %+v\nwant %+v %+v", got, got.Current, expect, expect.Current)
			}
			// Only the terms of that organization changed (not its updatedAt); the write is
			// reported; any member reads the new terms.
			tosCheckOnlyTerms(t, st, before, tt.whenOrg, want)
			tosCheckChanges(t, st, tt.whenOrg)
			if v, err := st.GetTerms(tt.givenCaller, tt.whenOrg); err != nil || !reflect.DeepEqual(v, got) {
				t.Errorf("GetTerms after the update = %+v, %v; want %+v", v, err, got)
			}
			member := map[string]string{orgA: memberA, orgB: memberB}[tt.whenOrg]
			if v, err := st.GetTerms(member, tt.whenOrg); err != nil || v.Enabled != expect.Enabled || !reflect.DeepEqual(v.Current, expect.Current) {
				t.Errorf("GetTerms(%s) after the update = %+v, %v; want %+v", member, v, err, expect)
			}
		})
	}
}

// Each changed markdown publishes the next version; its createdAt is now at millisecond
// precision and strictly after the previous version's, whatever the clock does.
func TestUpdateTermsVersionSequence(t *testing.T) {
	st, clk := newStore(t)
	steps := []struct {
		clock    time.Time
		markdown string
		expectAt time.Time // the new version's createdAt; zero when none is published
	}{
		{clock: t0, markdown: "one", expectAt: t0ms},
		{clock: t0, markdown: "two", expectAt: t0ms.Add(time.Millisecond)},                             // the clock stands still
		{clock: t0, markdown: "two"},                                                                   // the same markdown: nothing
		{clock: t0.Add(time.Microsecond), markdown: "three", expectAt: t0ms.Add(2 * time.Millisecond)}, // within the same millisecond
		{clock: t0.Add(time.Hour), markdown: "four", expectAt: t0ms.Add(time.Hour)},                    // the clock moves on
		{clock: t0, markdown: "five", expectAt: t0ms.Add(time.Hour + time.Millisecond)},                // and back
		{clock: t0.Add(2 * time.Hour), markdown: "one", expectAt: t0ms.Add(2 * time.Hour)},             // an old text again
	}
	var want []store.TermsVersion
	for i, s := range steps {
		clk.Set(s.clock)
		got, err := st.UpdateTerms(userA, orgA, ptr(s.markdown), nil)
		checkErr(t, err, nil, "")
		if !s.expectAt.IsZero() {
			want = append(want, store.TermsVersion{ID: got.Current.ID, Version: len(want) + 1, Markdown: s.markdown, CreatedAt: s.expectAt, CreatedBy: userA})
		}
		if !reflect.DeepEqual(*got.Current, want[len(want)-1]) {
			t.Fatalf("step %d: current %+v, want %+v", i, *got.Current, want[len(want)-1])
		}
	}
	if ids := tosVersionIDs(want); len(slices.Compact(slices.Sorted(slices.Values(ids)))) != len(ids) {
		t.Errorf("version ids not unique: %v", ids)
	}
	if got := tosTermsOf(t, st.Snapshot(), orgA).Versions; !reflect.DeepEqual(got, want) {
		t.Errorf("versions\n got %+v\nwant %+v", got, want)
	}
	if got := tosWalkVersions(t, st, memberA, orgA, pages.Max); !reflect.DeepEqual(got, want) {
		t.Errorf("ListTermsVersions\n got %+v\nwant %+v", got, want)
	}
	// Another admin publishes: createdBy is the caller.
	checkErr(t, st.SetRole(userA, orgA, memberA, store.RoleAdmin), nil, "")
	got, err := st.UpdateTerms(memberA, orgA, ptr("by Mia"), nil)
	checkErr(t, err, nil, "")
	if got.Current.CreatedBy != memberA || got.Current.Version != len(want)+1 {
		t.Errorf("published by memberA: %+v", *got.Current)
	}
}

// --- AcceptTerms ---

func TestAcceptTerms(t *testing.T) {
	// acme: versions 1 and 2, Mia accepted version 1; globex: its version 1.
	given := tosPlain(tosTerms(orgA, store.Terms{Enabled: true, Versions: []store.TermsVersion{tosV1, tosV2}, Acceptances: []store.TermsAcceptance{tosMia1}}),
		tosTerms(orgB, store.Terms{Enabled: true, Versions: []store.TermsVersion{tosGV1}}),
		tosWith(orgA, func(o *store.Organization) {
			o.Members = append(o.Members, store.Member{UserID: memberB, Role: store.RoleMember, Status: store.StatusLeft, Since: orgCreated})
		}))
	tests := []struct {
		name        string
		givenCaller string
		whenOrg     string
		whenVersion string
		expect      store.TermsAcceptance
		expectNew   bool // a new acceptance is recorded
		expectMine  *store.TermsAcceptance
		expectKind  error
		expectMsg   string
	}{
		{
			name: "plain member accepts the current version", givenCaller: memberA, whenOrg: orgA, whenVersion: tosV2ID,
			expect:    store.TermsAcceptance{UserID: memberA, VersionID: tosV2ID, Version: 2, AcceptedAt: t0ms},
			expectNew: true, expectMine: &store.TermsAcceptance{UserID: memberA, VersionID: tosV2ID, Version: 2, AcceptedAt: t0ms},
		},
		{
			name: "admin accepts the current version", givenCaller: userA, whenOrg: orgA, whenVersion: tosV2ID,
			expect:    store.TermsAcceptance{UserID: userA, VersionID: tosV2ID, Version: 2, AcceptedAt: t0ms},
			expectNew: true, expectMine: &store.TermsAcceptance{UserID: userA, VersionID: tosV2ID, Version: 2, AcceptedAt: t0ms},
		},
		{
			name: "an older version may be accepted: not the current one's acceptance", givenCaller: userA, whenOrg: orgA, whenVersion: tosV1ID,
			expect: store.TermsAcceptance{UserID: userA, VersionID: tosV1ID, Version: 1, AcceptedAt: t0ms}, expectNew: true,
		},
		{
			name: "accepted before: the first acceptance, unchanged", givenCaller: memberA, whenOrg: orgA, whenVersion: tosV1ID,
			expect: tosMia1,
		},
		{
			name: "the other organization's member, its own version", givenCaller: memberB, whenOrg: orgB, whenVersion: tosGV1ID,
			expect:    store.TermsAcceptance{UserID: memberB, VersionID: tosGV1ID, Version: 1, AcceptedAt: t0ms},
			expectNew: true, expectMine: &store.TermsAcceptance{UserID: memberB, VersionID: tosGV1ID, Version: 1, AcceptedAt: t0ms},
		},
		{
			name: "unknown version", givenCaller: memberA, whenOrg: orgA, whenVersion: unknownID,
			expectKind: store.ErrNotFound, expectMsg: msgTermsVersionNotFound(unknownID, orgA),
		},
		{
			name: "empty version id", givenCaller: memberA, whenOrg: orgA, whenVersion: "",
			expectKind: store.ErrNotFound, expectMsg: msgTermsVersionNotFound("", orgA),
		},
		{
			name: "a version of another organization", givenCaller: userA, whenOrg: orgA, whenVersion: tosGV1ID,
			expectKind: store.ErrNotFound, expectMsg: msgTermsVersionNotFound(tosGV1ID, orgA),
		},
		{
			name: "another organization's version through one's own", givenCaller: userB, whenOrg: orgB, whenVersion: tosV1ID,
			expectKind: store.ErrNotFound, expectMsg: msgTermsVersionNotFound(tosV1ID, orgB),
		},
		{
			name: "admin of another organization", givenCaller: userB, whenOrg: orgA, whenVersion: tosV2ID,
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA),
		},
		{
			name: "a member who left", givenCaller: memberB, whenOrg: orgA, whenVersion: tosV2ID,
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA),
		},
		{
			name: "unknown organization", givenCaller: userA, whenOrg: unknownID, whenVersion: tosV2ID,
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(unknownID),
		},
		{
			name: "unknown user", givenCaller: unknownID, whenOrg: orgA, whenVersion: tosV2ID,
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, clk := newStoreOpts(t, given, store.Options{TrackChanges: true})
			st.Changes()
			clk.Set(t0) // t0 is after every version and acceptance of the data
			before := st.Snapshot()
			got, err := st.AcceptTerms(tt.givenCaller, tt.whenOrg, tt.whenVersion)
			checkErr(t, err, tt.expectKind, tt.expectMsg)
			if got != tt.expect {
				t.Errorf("AcceptTerms = %+v, want %+v", got, tt.expect)
			}
			if err != nil || !tt.expectNew {
				checkUnchanged(t, st, before)
				tosCheckChanges(t, st, "")
				return
			}
			want := tosTermsOf(t, before, tt.whenOrg)
			want.Acceptances = append(slices.Clone(want.Acceptances), tt.expect)
			tosCheckOnlyTerms(t, st, before, tt.whenOrg, want)
			tosCheckChanges(t, st, tt.whenOrg)
			v, err := st.GetTerms(tt.givenCaller, tt.whenOrg)
			checkErr(t, err, nil, "")
			if !reflect.DeepEqual(v.Mine, tt.expectMine) {
				t.Errorf("GetTerms' acceptance after accepting = %+v, want %+v", v.Mine, tt.expectMine)
			}
		})
	}
}

// Accepting a version again, later, answers the first acceptance; accepting an older version
// after the current one records it, and the current one's acceptance stays the caller's.
func TestAcceptTermsTwice(t *testing.T) {
	st, clk := newStore(t)
	v1, err := st.UpdateTerms(userA, orgA, ptr("one"), ptr(true))
	checkErr(t, err, nil, "")
	clk.Advance(time.Minute)
	v2, err := st.UpdateTerms(userA, orgA, ptr("two"), nil)
	checkErr(t, err, nil, "")

	clk.Advance(time.Minute)
	first, err := st.AcceptTerms(memberA, orgA, v2.Current.ID)
	checkErr(t, err, nil, "")
	wantFirst := store.TermsAcceptance{UserID: memberA, VersionID: v2.Current.ID, Version: 2, AcceptedAt: t0ms.Add(2 * time.Minute)}
	if first != wantFirst {
		t.Fatalf("first acceptance %+v, want %+v", first, wantFirst)
	}
	clk.Advance(time.Hour)
	before := st.Snapshot()
	again, err := st.AcceptTerms(memberA, orgA, v2.Current.ID)
	checkErr(t, err, nil, "")
	if again != first {
		t.Fatalf("accepting again = %+v, want the first acceptance %+v", again, first)
	}
	checkUnchanged(t, st, before)

	older, err := st.AcceptTerms(memberA, orgA, v1.Current.ID)
	checkErr(t, err, nil, "")
	wantOlder := store.TermsAcceptance{UserID: memberA, VersionID: v1.Current.ID, Version: 1, AcceptedAt: t0ms.Add(2*time.Minute + time.Hour)}
	if older != wantOlder {
		t.Fatalf("accepting the older version = %+v, want %+v", older, wantOlder)
	}
	if got := tosTermsOf(t, st.Snapshot(), orgA).Acceptances; !reflect.DeepEqual(got, []store.TermsAcceptance{first, older}) {
		t.Errorf("acceptances %+v", got)
	}
	view, err := st.GetTerms(memberA, orgA)
	checkErr(t, err, nil, "")
	if view.Mine == nil || *view.Mine != first {
		t.Errorf("Mine = %+v, want %+v", view.Mine, first)
	}
}

// --- ListTermsVersions ---

func TestListTermsVersions(t *testing.T) {
	tests := []struct {
		name        string
		givenData   store.Data
		givenCaller string
		whenOrg     string
		expect      []store.TermsVersion
		expectKind  error
		expectMsg   string
	}{
		{name: "admin: oldest first", givenData: tosData(), givenCaller: userA, whenOrg: orgA, expect: []store.TermsVersion{tosV1, tosV2}},
		{name: "plain member", givenData: tosData(), givenCaller: memberA, whenOrg: orgA, expect: []store.TermsVersion{tosV1, tosV2}},
		{name: "the other organization's are its own", givenData: tosData(), givenCaller: memberB, whenOrg: orgB, expect: []store.TermsVersion{tosGV1}},
		{name: "never published: none", givenData: tosPlain(), givenCaller: memberA, whenOrg: orgA},
		{
			name: "turned off: listed all the same", givenData: tosData(tosWith(orgA, func(o *store.Organization) { o.Terms.Enabled = false })),
			givenCaller: memberA, whenOrg: orgA, expect: []store.TermsVersion{tosV1, tosV2},
		},
		{
			name: "free tier: any member lists them", givenData: tosData(tosFree), givenCaller: tosZed, whenOrg: orgA,
			expect: []store.TermsVersion{tosV1, tosV2},
		},
		{
			name: "admin of another organization", givenData: tosData(), givenCaller: userB, whenOrg: orgA,
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA),
		},
		{
			name: "a member who left", givenData: tosData(), givenCaller: tosLeo, whenOrg: orgA,
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA),
		},
		{
			name: "a suspended member", givenData: tosData(), givenCaller: tosSid, whenOrg: orgA,
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA),
		},
		{
			name: "unknown organization", givenData: tosData(), givenCaller: userA, whenOrg: unknownID,
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(unknownID),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := newStoreFrom(t, tt.givenData, 1)
			before := st.Snapshot()
			got, next, err := st.ListTermsVersions(tt.givenCaller, tt.whenOrg, store.PageRequest{})
			checkErr(t, err, tt.expectKind, tt.expectMsg)
			if next != "" {
				t.Errorf("next %q on the only page", next)
			}
			if len(got) != len(tt.expect) || len(got) > 0 && !reflect.DeepEqual(got, tt.expect) {
				t.Errorf("ListTermsVersions\n got %+v\nwant %+v", got, tt.expect)
			}
			for i := range got {
				got[i].Markdown = "changed" // what is returned is a copy
			}
			checkUnchanged(t, st, before)
		})
	}
}

// Pages of every size walk every version once, oldest first, also while versions are
// published during the walk.
func TestListTermsVersionsPaging(t *testing.T) {
	st, clk := newStore(t)
	var want []store.TermsVersion
	for i := range 7 {
		if i%2 == 0 {
			clk.Advance(time.Second) // half of them published within the same millisecond
		}
		v, err := st.UpdateTerms(userA, orgA, ptr(fmt.Sprint("version ", i+1)), nil)
		checkErr(t, err, nil, "")
		want = append(want, *v.Current)
	}
	for size := 1; size <= len(want)+1; size++ {
		if got := tosWalkVersions(t, st, memberA, orgA, size); !reflect.DeepEqual(got, want) {
			t.Errorf("size %d:\n got %v\nwant %v", size, tosVersionIDs(got), tosVersionIDs(want))
		}
	}
	// Size 1 takes one page per version.
	token, n := "", 0
	for {
		vs, next, err := st.ListTermsVersions(memberA, orgA, store.PageRequest{Token: token, Size: 1})
		checkErr(t, err, nil, "")
		if len(vs) != 1 || vs[0] != want[n] {
			t.Fatalf("page %d: %+v", n, vs)
		}
		n++
		if next == "" {
			break
		}
		token = next
	}
	if n != len(want) {
		t.Errorf("%d pages, want %d", n, len(want))
	}
	// A version published mid-walk comes last.
	vs, next, err := st.ListTermsVersions(memberA, orgA, store.PageRequest{Size: 3})
	checkErr(t, err, nil, "")
	got := slices.Clone(vs)
	v, err := st.UpdateTerms(userA, orgA, ptr("published meanwhile"), nil)
	checkErr(t, err, nil, "")
	want = append(want, *v.Current)
	for next != "" {
		vs, next, err = st.ListTermsVersions(memberA, orgA, store.PageRequest{Token: next, Size: 3})
		checkErr(t, err, nil, "")
		got = append(got, vs...)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("walk while publishing:\n got %v\nwant %v", tosVersionIDs(got), tosVersionIDs(want))
	}
	// The default page size.
	if vs, next, err := st.ListTermsVersions(memberA, orgA, store.PageRequest{}); err != nil || len(vs) != min(len(want), pages.Default) || (len(want) > pages.Default) != (next != "") {
		t.Errorf("default page: %d versions, next %q, %v", len(vs), next, err)
	}
}

func TestListTermsVersionsTokens(t *testing.T) {
	tests := []struct {
		name       string
		givenToken func(t *testing.T, st *store.Store) string
		whenCaller string
		whenOrg    string
		whenSize   int
		whenField  string
		expectKind error
		expectMsg  string
		expect     []string
	}{
		{
			name: "the next page", whenCaller: memberA, whenOrg: orgA, expect: []string{tosV2ID},
			givenToken: func(t *testing.T, st *store.Store) string {
				_, next, err := st.ListTermsVersions(userA, orgA, store.PageRequest{Size: 1})
				checkErr(t, err, nil, "")
				return next
			},
		},
		{
			name: "a token of another organization", whenCaller: userA, whenOrg: orgA,
			givenToken: func(t *testing.T, st *store.Store) string {
				_, err := st.UpdateTerms(userB, orgB, ptr("Globex terms v2"), nil)
				checkErr(t, err, nil, "")
				_, next, err := st.ListTermsVersions(userB, orgB, store.PageRequest{Size: 1})
				checkErr(t, err, nil, "")
				return next
			},
			expectKind: store.ErrInvalidArgument, expectMsg: msgTermsNotOursVersions,
		},
		{
			name: "a token of another list", whenCaller: userA, whenOrg: orgA,
			givenToken: func(t *testing.T, st *store.Store) string {
				_, next, err := st.ListAcceptances(userA, store.AcceptanceQuery{OrganizationID: orgA, Version: 1}, store.PageRequest{Size: 1})
				checkErr(t, err, nil, "")
				return next
			},
			expectKind: store.ErrInvalidArgument, expectMsg: msgTermsNotOursVersions,
		},
		{
			name: "a token of another list, named as the request names it", whenCaller: userA, whenOrg: orgA, whenField: "pagination.token",
			givenToken: func(t *testing.T, st *store.Store) string {
				_, next, _, err := st.ListMembers(userA, store.MemberQuery{OrganizationID: orgA}, store.PageRequest{Size: 1})
				checkErr(t, err, nil, "")
				return next
			},
			expectKind: store.ErrInvalidArgument, expectMsg: "pagination." + msgTermsNotOursVersions,
		},
		{
			name: "not a token", whenCaller: userA, whenOrg: orgA,
			givenToken: func(*testing.T, *store.Store) string { return "next-page" },
			expectKind: store.ErrInvalidArgument, expectMsg: msgTermsNotOursVersions,
		},
		{
			name: "a page too large", whenCaller: userA, whenOrg: orgA, whenSize: pages.Max + 1,
			givenToken: func(*testing.T, *store.Store) string { return "" },
			expectKind: store.ErrInvalidArgument, expectMsg: "pageSize: must be at most " + strconv.Itoa(pages.Max),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := newStoreFrom(t, tosData(), 1)
			token := tt.givenToken(t, st)
			if token == "" && tt.whenSize == 0 {
				t.Fatal("no token issued")
			}
			size := tt.whenSize
			if size == 0 {
				size = 1
			}
			before := st.Snapshot()
			got, next, err := st.ListTermsVersions(tt.whenCaller, tt.whenOrg, store.PageRequest{Token: token, Size: size, TokenField: tt.whenField})
			checkErr(t, err, tt.expectKind, tt.expectMsg)
			checkUnchanged(t, st, before)
			if err != nil {
				if got != nil || next != "" {
					t.Errorf("a refused list returned %v, %q", got, next)
				}
				return
			}
			if ids := tosVersionIDs(got); !slices.Equal(ids, tt.expect) || next != "" {
				t.Errorf("page %v, next %q; want %v and no next", ids, next, tt.expect)
			}
		})
	}
}

// DeleteOrganization takes the organization's versions out of the index: an organization
// created later under the same id (the seeded source makes it so) lists none.
func TestListTermsVersionsAfterDeleteOrganization(t *testing.T) {
	// Learn the id the store's source hands the first organization created after one version.
	probe, _ := newStoreFrom(t, fixtureData(), 9)
	_, err := probe.UpdateTerms(userA, orgA, ptr("probe"), nil)
	checkErr(t, err, nil, "")
	o, _, err := probe.CreateOrganization(userA, store.OrganizationCreate{Name: "Probe", Join: true})
	checkErr(t, err, nil, "")
	doomed := o.ID

	data := tosData(func(d *store.Data) {
		d.Organizations = append(d.Organizations, store.Organization{ID: doomed, Name: "Doomed", Tier: store.TierEnterprise,
			CreatedAt: orgCreated, UpdatedAt: orgCreated,
			Members: []store.Member{{UserID: userA, Role: store.RoleAdmin, Status: store.StatusActive, Since: orgCreated}},
			Terms: store.Terms{Versions: []store.TermsVersion{{ID: "e0000000-0000-4000-8000-0000000000d1", Version: 1, Markdown: "loaded",
				CreatedAt: orgCreated, CreatedBy: userA}}}})
	})
	st, _ := newStoreFrom(t, data, 9)
	_, err = st.UpdateTerms(userA, doomed, ptr("published"), nil) // one version loaded, one published
	checkErr(t, err, nil, "")
	if vs := tosWalkVersions(t, st, userA, doomed, 1); len(vs) != 2 {
		t.Fatalf("before the delete: %+v", vs)
	}
	checkErr(t, st.DeleteOrganization(userA, doomed), nil, "")
	_, _, err = st.ListTermsVersions(userA, doomed, store.PageRequest{})
	checkErr(t, err, store.ErrPermissionDenied, msgNotMemberOf(doomed))

	again, _, err := st.CreateOrganization(userA, store.OrganizationCreate{Name: "Reborn", Join: true})
	checkErr(t, err, nil, "")
	if again.ID != doomed {
		t.Fatalf("bad test: the new organization is %s, not %s", again.ID, doomed)
	}
	vs, next, err := st.ListTermsVersions(userA, doomed, store.PageRequest{})
	checkErr(t, err, nil, "")
	if len(vs) != 0 || next != "" {
		t.Errorf("a new organization lists %+v, next %q: the deleted one's versions are still indexed", vs, next)
	}
	// The other organizations' versions are still there.
	if vs := tosWalkVersions(t, st, memberA, orgA, 1); !reflect.DeepEqual(vs, []store.TermsVersion{tosV1, tosV2}) {
		t.Errorf("acme's versions after another's delete: %+v", vs)
	}
	if vs := tosWalkVersions(t, st, memberB, orgB, 1); !reflect.DeepEqual(vs, []store.TermsVersion{tosGV1}) {
		t.Errorf("globex's versions after another's delete: %+v", vs)
	}
}

// --- ListAcceptances and ExportAcceptances ---

// Refusals: both operations answer the same.
func TestAcceptancesRefused(t *testing.T) {
	tests := []struct {
		name        string
		givenData   store.Data
		givenCaller string
		whenQuery   store.AcceptanceQuery
		expectKind  error
		expectMsg   string
	}{
		{
			name: "plain member", givenData: tosData(), givenCaller: memberA, whenQuery: store.AcceptanceQuery{OrganizationID: orgA, Version: 1},
			expectKind: store.ErrPermissionDenied, expectMsg: msgOnlyAdmin("organizationId", orgA),
		},
		{
			name: "plain member, version 0: refused as a member first", givenData: tosData(), givenCaller: memberA,
			whenQuery:  store.AcceptanceQuery{OrganizationID: orgA},
			expectKind: store.ErrPermissionDenied, expectMsg: msgOnlyAdmin("organizationId", orgA),
		},
		{
			name: "admin of another organization", givenData: tosData(), givenCaller: userB, whenQuery: store.AcceptanceQuery{OrganizationID: orgA, Version: 1},
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA),
		},
		{
			name: "a member who left", givenData: tosData(), givenCaller: tosLeo, whenQuery: store.AcceptanceQuery{OrganizationID: orgA, Version: 1},
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA),
		},
		{
			name: "unknown organization", givenData: tosData(), givenCaller: userA, whenQuery: store.AcceptanceQuery{OrganizationID: unknownID, Version: 1},
			expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(unknownID),
		},
		{
			name: "version 0", givenData: tosData(), givenCaller: userA, whenQuery: store.AcceptanceQuery{OrganizationID: orgA},
			expectKind: store.ErrInvalidArgument, expectMsg: msgTermsVersionMin,
		},
		{
			name: "a negative version", givenData: tosData(), givenCaller: userA, whenQuery: store.AcceptanceQuery{OrganizationID: orgA, Version: -1},
			expectKind: store.ErrInvalidArgument, expectMsg: msgTermsVersionMin,
		},
		{
			name: "version 0 of an organization that never published", givenData: tosPlain(), givenCaller: userA,
			whenQuery:  store.AcceptanceQuery{OrganizationID: orgA},
			expectKind: store.ErrInvalidArgument, expectMsg: msgTermsVersionMin,
		},
		{
			name: "a version not published yet", givenData: tosData(), givenCaller: userA, whenQuery: store.AcceptanceQuery{OrganizationID: orgA, Version: 3},
			expectKind: store.ErrNotFound, expectMsg: msgTermsNoVersion(orgA, 3),
		},
		{
			name: "a version another organization published", givenData: tosData(tosTerms(orgB, store.Terms{Versions: []store.TermsVersion{tosGV1,
				{ID: "e0000000-0000-4000-8000-0000000000b2", Version: 2, Markdown: "v2", CreatedAt: tosGV1.CreatedAt.Add(day), CreatedBy: userB},
				{ID: "e0000000-0000-4000-8000-0000000000b3", Version: 3, Markdown: "v3", CreatedAt: tosGV1.CreatedAt.Add(2 * day), CreatedBy: userB},
			}})), givenCaller: userA, whenQuery: store.AcceptanceQuery{OrganizationID: orgA, Version: 3},
			expectKind: store.ErrNotFound, expectMsg: msgTermsNoVersion(orgA, 3),
		},
		{
			name: "never published", givenData: tosPlain(), givenCaller: userA, whenQuery: store.AcceptanceQuery{OrganizationID: orgA, Version: 1},
			expectKind: store.ErrNotFound, expectMsg: msgTermsNoVersion(orgA, 1),
		},
		{
			name: "never published, with filters", givenData: tosPlain(), givenCaller: userB,
			whenQuery:  store.AcceptanceQuery{OrganizationID: orgB, Version: 1, Statuses: []string{store.TermsAccepted}, Search: "gus"},
			expectKind: store.ErrNotFound, expectMsg: msgTermsNoVersion(orgB, 1),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := newStoreOpts(t, tt.givenData, store.Options{TrackChanges: true})
			st.Changes()
			before := st.Snapshot()
			got, next, err := st.ListAcceptances(tt.givenCaller, tt.whenQuery, store.PageRequest{})
			checkErr(t, err, tt.expectKind, tt.expectMsg)
			if got != nil || next != "" {
				t.Errorf("a refused list returned %v, %q", got, next)
			}
			csv, err := st.ExportAcceptances(tt.givenCaller, tt.whenQuery)
			checkErr(t, err, tt.expectKind, tt.expectMsg)
			if csv != nil {
				t.Errorf("a refused export returned %q", csv)
			}
			checkUnchanged(t, st, before)
			tosCheckChanges(t, st, "")
		})
	}
}

func TestListAcceptances(t *testing.T) {
	d := tosData()
	jane1 := tosJane1 // her most recent acceptance, made in CET
	rowsV2 := map[string]store.MemberAcceptance{
		userA:   tosRow(t, d, orgA, userA, store.TermsAccepted, &tosAda2),
		tosJane: tosRow(t, d, orgA, tosJane, store.TermsAccepted, &jane1),
		memberA: tosRow(t, d, orgA, memberA, store.TermsPending, &tosMia1),
		tosZed:  tosRow(t, d, orgA, tosZed, store.TermsPending, nil),
	}
	rowsV1 := map[string]store.MemberAcceptance{
		userA:   tosRow(t, d, orgA, userA, store.TermsAccepted, &tosAda2),
		tosJane: tosRow(t, d, orgA, tosJane, store.TermsAccepted, &jane1),
		memberA: tosRow(t, d, orgA, memberA, store.TermsAccepted, &tosMia1),
		tosZed:  tosRow(t, d, orgA, tosZed, store.TermsPending, nil),
	}
	byName := []string{userA, tosJane, memberA, tosZed} // ada, "doe, jane", mia, zed
	tests := []struct {
		name        string
		givenCaller string
		whenQuery   store.AcceptanceQuery
		expectRows  map[string]store.MemberAcceptance
		expect      []string // the users listed, in order
	}{
		{
			name: "version 2: every active member by name; the left and the suspended not listed", givenCaller: userA,
			whenQuery: store.AcceptanceQuery{OrganizationID: orgA, Version: 2}, expectRows: rowsV2, expect: byName,
		},
		{
			name: "version 1: the status is that version's, the latest acceptance the same", givenCaller: userA,
			whenQuery: store.AcceptanceQuery{OrganizationID: orgA, Version: 1}, expectRows: rowsV1, expect: byName,
		},
		{
			name: "accepted only", givenCaller: userA, expectRows: rowsV2, expect: []string{userA, tosJane},
			whenQuery: store.AcceptanceQuery{OrganizationID: orgA, Version: 2, Statuses: []string{store.TermsAccepted}},
		},
		{
			name: "pending only", givenCaller: userA, expectRows: rowsV2, expect: []string{memberA, tosZed},
			whenQuery: store.AcceptanceQuery{OrganizationID: orgA, Version: 2, Statuses: []string{store.TermsPending}},
		},
		{
			name: "both statuses", givenCaller: userA, expectRows: rowsV2, expect: byName,
			whenQuery: store.AcceptanceQuery{OrganizationID: orgA, Version: 2, Statuses: []string{store.TermsPending, store.TermsAccepted}},
		},
		{
			name: "a status no row has", givenCaller: userA, expectRows: rowsV2,
			whenQuery: store.AcceptanceQuery{OrganizationID: orgA, Version: 2, Statuses: []string{"TERMS_OF_SERVICE_ACCEPTANCE_STATUS_UNSPECIFIED"}},
		},
		{
			name: "search in the name, another case", givenCaller: userA, expectRows: rowsV2, expect: []string{tosJane},
			whenQuery: store.AcceptanceQuery{OrganizationID: orgA, Version: 2, Search: "DOE, j"},
		},
		{
			name: "search in the email", givenCaller: userA, expectRows: rowsV2, expect: []string{tosZed},
			whenQuery: store.AcceptanceQuery{OrganizationID: orgA, Version: 2, Search: "Partner.Example"},
		},
		{
			name: "search matching names and emails", givenCaller: userA, expectRows: rowsV2, expect: []string{userA, tosJane, memberA},
			whenQuery: store.AcceptanceQuery{OrganizationID: orgA, Version: 2, Search: "acme.EXAMPLE"},
		},
		{
			name: "search matching a quote in a name", givenCaller: userA, expectRows: rowsV2, expect: []string{tosZed},
			whenQuery: store.AcceptanceQuery{OrganizationID: orgA, Version: 2, Search: `"q"`},
		},
		{
			name: "search matching only the member who left", givenCaller: userA, expectRows: rowsV2,
			whenQuery: store.AcceptanceQuery{OrganizationID: orgA, Version: 2, Search: "leo"},
		},
		{
			name: "search matching only the suspended member", givenCaller: userA, expectRows: rowsV2,
			whenQuery: store.AcceptanceQuery{OrganizationID: orgA, Version: 2, Search: "Suspended"},
		},
		{
			name: "search does not match user ids", givenCaller: userA, expectRows: rowsV2,
			whenQuery: store.AcceptanceQuery{OrganizationID: orgA, Version: 2, Search: "d0000000"},
		},
		{
			name: "search and status together", givenCaller: userA, expectRows: rowsV2, expect: []string{memberA},
			whenQuery: store.AcceptanceQuery{OrganizationID: orgA, Version: 2, Statuses: []string{store.TermsPending}, Search: "acme"},
		},
		{
			name: "the other organization's admin, its own members", givenCaller: userB,
			whenQuery: store.AcceptanceQuery{OrganizationID: orgB, Version: 1},
			expectRows: map[string]store.MemberAcceptance{
				userB:   tosRow(t, d, orgB, userB, store.TermsPending, nil),
				memberB: tosRow(t, d, orgB, memberB, store.TermsAccepted, &tosGus1),
			},
			expect: []string{userB, memberB}, // bob, gus
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := newStoreFrom(t, d, 1)
			before := st.Snapshot()
			var want []store.MemberAcceptance
			for _, id := range tt.expect {
				want = append(want, tt.expectRows[id])
			}
			got, next, err := st.ListAcceptances(tt.givenCaller, tt.whenQuery, store.PageRequest{})
			checkErr(t, err, nil, "")
			if next != "" {
				t.Errorf("next %q on the only page", next)
			}
			if len(got) != len(want) || len(got) > 0 && !reflect.DeepEqual(got, want) {
				t.Fatalf("ListAcceptances\n got %+v\nwant %+v", got, want)
			}
			for size := 1; size <= len(want)+1; size++ {
				if got := tosWalkAcceptances(t, st, tt.givenCaller, tt.whenQuery, size); !slices.Equal(tosUserIDs(got), tt.expect) {
					t.Errorf("size %d: %v, want %v", size, tosUserIDs(got), tt.expect)
				}
			}
			for i := range got { // what is returned is a copy
				got[i].User.FullName = "changed"
				if got[i].Latest != nil {
					got[i].Latest.Version = 99
				}
			}
			checkUnchanged(t, st, before)
		})
	}
}

// Latest is the member's most recent acceptance, of any version, even when two were made within
// the same millisecond. Regression: the first version kept the first of a tie.
func TestListAcceptancesLatestWithinAMillisecond(t *testing.T) {
	st, _ := newStore(t)
	v1, err := st.UpdateTerms(userA, orgA, ptr("one"), nil)
	checkErr(t, err, nil, "")
	v2, err := st.UpdateTerms(userA, orgA, ptr("two"), nil)
	checkErr(t, err, nil, "")
	_, err = st.AcceptTerms(memberA, orgA, v1.Current.ID)
	checkErr(t, err, nil, "")
	last, err := st.AcceptTerms(memberA, orgA, v2.Current.ID) // the clock has not moved
	checkErr(t, err, nil, "")
	for _, version := range []int{1, 2} {
		rows, _, err := st.ListAcceptances(userA, store.AcceptanceQuery{OrganizationID: orgA, Version: version, Search: "mia"}, store.PageRequest{})
		checkErr(t, err, nil, "")
		if len(rows) != 1 || rows[0].Latest == nil || *rows[0].Latest != last {
			var latest *store.TermsAcceptance
			if len(rows) == 1 {
				latest = rows[0].Latest
			}
			t.Errorf("version %d: %d rows, Latest %+v; want Latest %+v", version, len(rows), latest, last)
		}
	}
}

// The acceptances are read as they are now: an acceptance made, a member who leaves or is
// added, show at once.
func TestListAcceptancesFollowChanges(t *testing.T) {
	st, clk := newStore(t)
	v1, err := st.UpdateTerms(userA, orgA, ptr("one"), ptr(true))
	checkErr(t, err, nil, "")
	q := store.AcceptanceQuery{OrganizationID: orgA, Version: 1}
	list := func() []store.MemberAcceptance {
		t.Helper()
		rows, _, err := st.ListAcceptances(userA, q, store.PageRequest{})
		checkErr(t, err, nil, "")
		return rows
	}
	if rows := list(); len(rows) != 2 || rows[0].Status != store.TermsPending || rows[1].Status != store.TermsPending ||
		rows[0].Latest != nil || rows[1].Latest != nil {
		t.Fatalf("before any acceptance: %+v", rows)
	}
	clk.Advance(time.Minute)
	a, err := st.AcceptTerms(memberA, orgA, v1.Current.ID)
	checkErr(t, err, nil, "")
	rows := list()
	if len(rows) != 2 || rows[1].UserID != memberA || rows[1].Status != store.TermsAccepted || rows[1].Latest == nil || *rows[1].Latest != a {
		t.Fatalf("after Mia accepted: %+v", rows)
	}
	// A new version: everyone is pending for it; Mia's latest is still her acceptance of 1.
	_, err = st.UpdateTerms(userA, orgA, ptr("two"), nil)
	checkErr(t, err, nil, "")
	rows, _, err = st.ListAcceptances(userA, store.AcceptanceQuery{OrganizationID: orgA, Version: 2}, store.PageRequest{})
	checkErr(t, err, nil, "")
	if len(rows) != 2 || rows[1].Status != store.TermsPending || rows[1].Latest == nil || *rows[1].Latest != a {
		t.Fatalf("version 2: %+v", rows)
	}
	// Mia leaves: no longer listed.
	checkErr(t, st.LeaveOrganization(memberA, memberA), nil, "")
	if rows := list(); len(rows) != 1 || rows[0].UserID != userA {
		t.Fatalf("after Mia left: %+v", rows)
	}
}

// A page token holds to the version and the filter it was issued for.
func TestListAcceptancesTokens(t *testing.T) {
	v2 := store.AcceptanceQuery{OrganizationID: orgA, Version: 2}
	with := func(edit func(q *store.AcceptanceQuery)) store.AcceptanceQuery {
		q := v2
		edit(&q)
		return q
	}
	both := with(func(q *store.AcceptanceQuery) { q.Statuses = []string{store.TermsAccepted, store.TermsPending} })
	tests := []struct {
		name       string
		givenQuery store.AcceptanceQuery
		givenToken func(t *testing.T, st *store.Store) string // instead of ListAcceptances' (givenQuery's)
		whenCaller string
		whenQuery  store.AcceptanceQuery
		whenSize   int
		whenField  string
		expectKind error
		expectMsg  string
		expect     []string
	}{
		{name: "the same query", givenQuery: v2, whenCaller: userA, whenQuery: v2, expect: []string{tosJane}},
		{
			name: "the same statuses in another order", givenQuery: both, whenCaller: userA, expect: []string{tosJane},
			whenQuery: with(func(q *store.AcceptanceQuery) { q.Statuses = []string{store.TermsPending, store.TermsAccepted} }),
		},
		{
			name: "another admin, the same query", givenQuery: v2, whenCaller: tosJane, whenQuery: v2, expect: []string{tosJane},
		},
		{
			name: "another version", givenQuery: v2, whenCaller: userA, whenQuery: with(func(q *store.AcceptanceQuery) { q.Version = 1 }),
			expectKind: store.ErrInvalidArgument, expectMsg: msgTermsOtherQuery,
		},
		{
			name: "a status filter added", givenQuery: v2, whenCaller: userA, whenQuery: both,
			expectKind: store.ErrInvalidArgument, expectMsg: msgTermsOtherQuery,
		},
		{
			name: "another status filter", givenQuery: both, whenCaller: userA,
			whenQuery:  with(func(q *store.AcceptanceQuery) { q.Statuses = []string{store.TermsAccepted} }),
			expectKind: store.ErrInvalidArgument, expectMsg: msgTermsOtherQuery,
		},
		{
			name: "a search added", givenQuery: v2, whenCaller: userA, whenQuery: with(func(q *store.AcceptanceQuery) { q.Search = "a" }),
			expectKind: store.ErrInvalidArgument, expectMsg: msgTermsOtherQuery,
		},
		{
			name: "another filter, named as the request names it", givenQuery: v2, whenCaller: userA, whenField: "pagination.token",
			whenQuery:  with(func(q *store.AcceptanceQuery) { q.Version = 1 }),
			expectKind: store.ErrInvalidArgument, expectMsg: "pagination." + msgTermsOtherQuery,
		},
		{
			name: "a token of another organization", whenCaller: userA, whenQuery: v2,
			givenToken: func(t *testing.T, st *store.Store) string {
				_, next, err := st.ListAcceptances(userB, store.AcceptanceQuery{OrganizationID: orgB, Version: 1}, store.PageRequest{Size: 1})
				checkErr(t, err, nil, "")
				return next
			},
			expectKind: store.ErrInvalidArgument, expectMsg: msgTermsNotOursAccepts,
		},
		{
			name: "a token of the versions' list", whenCaller: userA, whenQuery: v2,
			givenToken: func(t *testing.T, st *store.Store) string {
				_, next, err := st.ListTermsVersions(userA, orgA, store.PageRequest{Size: 1})
				checkErr(t, err, nil, "")
				return next
			},
			expectKind: store.ErrInvalidArgument, expectMsg: msgTermsNotOursAccepts,
		},
		{
			name: "a token of the members' list", whenCaller: userA, whenQuery: v2,
			givenToken: func(t *testing.T, st *store.Store) string {
				_, next, _, err := st.ListMembers(userA, store.MemberQuery{OrganizationID: orgA, SortField: store.SortByName}, store.PageRequest{Size: 1})
				checkErr(t, err, nil, "")
				return next
			},
			expectKind: store.ErrInvalidArgument, expectMsg: msgTermsNotOursAccepts,
		},
		{
			name: "a token with a changed character", whenCaller: userA, whenQuery: v2,
			givenToken: func(t *testing.T, st *store.Store) string {
				_, next, err := st.ListAcceptances(userA, v2, store.PageRequest{Size: 1})
				checkErr(t, err, nil, "")
				b := []byte(next)
				b[3] ^= 1
				return string(b)
			},
			expectKind: store.ErrInvalidArgument, expectMsg: msgTermsNotOursAccepts,
		},
		{
			name: "a page too large", givenQuery: v2, whenCaller: userA, whenQuery: v2, whenSize: pages.Max + 1,
			expectKind: store.ErrInvalidArgument, expectMsg: "pageSize: must be at most " + strconv.Itoa(pages.Max),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := newStoreFrom(t, tosData(tosWith(orgA, func(o *store.Organization) {
				for i := range o.Members {
					if o.Members[i].UserID == tosJane {
						o.Members[i].Role = store.RoleAdmin // a second admin
					}
				}
			})), 1)
			var token string
			if tt.givenToken != nil {
				token = tt.givenToken(t, st)
			} else {
				_, next, err := st.ListAcceptances(userA, tt.givenQuery, store.PageRequest{Size: 1})
				checkErr(t, err, nil, "")
				token = next
			}
			if token == "" {
				t.Fatal("no token issued")
			}
			size := tt.whenSize
			if size == 0 {
				size = 1
			}
			before := st.Snapshot()
			got, next, err := st.ListAcceptances(tt.whenCaller, tt.whenQuery, store.PageRequest{Token: token, Size: size, TokenField: tt.whenField})
			checkErr(t, err, tt.expectKind, tt.expectMsg)
			checkUnchanged(t, st, before)
			if err != nil {
				if got != nil || next != "" {
					t.Errorf("a refused list returned %v, %q", got, next)
				}
				return
			}
			if ids := tosUserIDs(got); !slices.Equal(ids, tt.expect) || next == "" {
				t.Errorf("second page %v, next %q; want %v and a next page", ids, next, tt.expect)
			}
		})
	}
}

func TestExportAcceptances(t *testing.T) {
	const (
		ada  = userA + ",Ada Admin,ada@acme.example,"
		jane = tosJane + `,"Doe, Jane",jane@acme.example,`
		mia  = memberA + ",Mia Member,mia@acme.example,"
		zed  = tosZed + `,"zed ""Q"" Quiet",zed@partner.example,`
		acc  = store.TermsAccepted + ","
		pend = store.TermsPending + ","
	)
	tests := []struct {
		name        string
		givenCaller string
		whenQuery   store.AcceptanceQuery
		expect      string
	}{
		{
			name: "version 2: a row per listed member, by name; the latest acceptance of any version, in UTC", givenCaller: userA,
			whenQuery: store.AcceptanceQuery{OrganizationID: orgA, Version: 2},
			expect: msgTermsCSVHeader +
				ada + acc + "2,2026-02-16T10:00:00.25Z\n" +
				jane + acc + "1,2026-02-21T08:00:00Z\n" +
				mia + pend + "1,2026-02-05T12:00:00Z\n" +
				zed + pend + ",\n",
		},
		{
			name: "version 1", givenCaller: userA,
			whenQuery: store.AcceptanceQuery{OrganizationID: orgA, Version: 1},
			expect: msgTermsCSVHeader +
				ada + acc + "2,2026-02-16T10:00:00.25Z\n" +
				jane + acc + "1,2026-02-21T08:00:00Z\n" +
				mia + acc + "1,2026-02-05T12:00:00Z\n" +
				zed + pend + ",\n",
		},
		{
			name: "filtered by status", givenCaller: userA,
			whenQuery: store.AcceptanceQuery{OrganizationID: orgA, Version: 2, Statuses: []string{store.TermsPending}},
			expect:    msgTermsCSVHeader + mia + pend + "1,2026-02-05T12:00:00Z\n" + zed + pend + ",\n",
		},
		{
			name: "filtered by search", givenCaller: userA,
			whenQuery: store.AcceptanceQuery{OrganizationID: orgA, Version: 2, Search: "JANE"},
			expect:    msgTermsCSVHeader + jane + acc + "1,2026-02-21T08:00:00Z\n",
		},
		{
			name: "nobody matches: the header alone", givenCaller: userA,
			whenQuery: store.AcceptanceQuery{OrganizationID: orgA, Version: 2, Search: "leo"},
			expect:    msgTermsCSVHeader,
		},
		{
			name: "the other organization's", givenCaller: userB,
			whenQuery: store.AcceptanceQuery{OrganizationID: orgB, Version: 1},
			expect: msgTermsCSVHeader +
				userB + ",Bob Boss,bob@globex.example," + pend + ",\n" +
				memberB + ",Gus Guest,gus@globex.example," + acc + "1,2026-02-04T00:00:00Z\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := newStoreFrom(t, tosData(), 1)
			before := st.Snapshot()
			got, err := st.ExportAcceptances(tt.givenCaller, tt.whenQuery)
			checkErr(t, err, nil, "")
			if string(got) != tt.expect {
				t.Errorf("ExportAcceptances\n got %q\nwant %q", got, tt.expect)
			}
			checkUnchanged(t, st, before)
		})
	}
}

// The export holds every listed member, however many pages the list takes; a member's
// acceptance made through the store is stamped at millisecond precision.
func TestExportAcceptancesAll(t *testing.T) {
	n := pages.Max + 5
	data := tosPlain(func(d *store.Data) {
		for i := range n {
			id := fmt.Sprintf("f0000000-0000-4000-8000-%012d", i)
			d.Users = append(d.Users, store.User{ID: id, FullName: fmt.Sprintf("User %04d", i), Email: fmt.Sprintf("u%d@acme.example", i)})
			tosWith(orgA, func(o *store.Organization) {
				o.Members = append(o.Members, store.Member{UserID: id, Role: store.RoleMember, Status: store.StatusActive, Since: orgCreated})
			})(d)
		}
	})
	st, _ := newStoreFrom(t, data, 1)
	v, err := st.UpdateTerms(userA, orgA, ptr("one"), nil)
	checkErr(t, err, nil, "")
	_, err = st.AcceptTerms(memberA, orgA, v.Current.ID)
	checkErr(t, err, nil, "")
	q := store.AcceptanceQuery{OrganizationID: orgA, Version: 1}
	listed := tosWalkAcceptances(t, st, userA, q, pages.Max)
	if len(listed) != n+2 {
		t.Fatalf("listed %d members, want %d", len(listed), n+2)
	}
	want := msgTermsCSVHeader
	for _, m := range listed {
		version, at := "", ""
		if m.Latest != nil {
			version, at = strconv.Itoa(m.Latest.Version), m.Latest.AcceptedAt.UTC().Format(time.RFC3339Nano)
		}
		want += m.UserID + "," + m.User.FullName + "," + m.User.Email + "," + m.Status + "," + version + "," + at + "\n"
	}
	got, err := st.ExportAcceptances(userA, q)
	checkErr(t, err, nil, "")
	if string(got) != want {
		t.Errorf("ExportAcceptances\n got %q\nwant %q", got, want)
	}
	miaRow := memberA + ",Mia Member,mia@acme.example," + store.TermsAccepted + ",1," + t0ms.Format(time.RFC3339Nano) + "\n"
	if !slices.Contains(strings.SplitAfter(string(got), "\n"), miaRow) {
		t.Errorf("no row %q in the export", miaRow)
	}
}

// --- TrackChanges ---

func TestTermsChanges(t *testing.T) {
	tests := []struct {
		name        string
		when        func(st *store.Store) error
		expectWrite bool
	}{
		{name: "UpdateTerms publishing", expectWrite: true, when: func(st *store.Store) error {
			_, err := st.UpdateTerms(userA, orgA, ptr("# Terms v3"), nil)
			return err
		}},
		{name: "UpdateTerms turning off", expectWrite: true, when: func(st *store.Store) error {
			_, err := st.UpdateTerms(userA, orgA, nil, ptr(false))
			return err
		}},
		{name: "UpdateTerms changing nothing", expectWrite: true, when: func(st *store.Store) error {
			_, err := st.UpdateTerms(userA, orgA, ptr(tosV2.Markdown), nil)
			return err
		}},
		{name: "AcceptTerms", expectWrite: true, when: func(st *store.Store) error {
			_, err := st.AcceptTerms(memberA, orgA, tosV2ID)
			return err
		}},
		{name: "AcceptTerms accepted before: nothing to do", when: func(st *store.Store) error {
			_, err := st.AcceptTerms(memberA, orgA, tosV1ID)
			return err
		}},
		{name: "reads", when: func(st *store.Store) error {
			_, err1 := st.GetTerms(memberA, orgA)
			_, _, err2 := st.ListTermsVersions(memberA, orgA, store.PageRequest{})
			_, _, err3 := st.ListAcceptances(userA, store.AcceptanceQuery{OrganizationID: orgA, Version: 1}, store.PageRequest{})
			_, err4 := st.ExportAcceptances(userA, store.AcceptanceQuery{OrganizationID: orgA, Version: 2})
			return errors.Join(err1, err2, err3, err4)
		}},
		{name: "refused writes", when: func(st *store.Store) error {
			_, err1 := st.UpdateTerms(memberA, orgA, ptr("x"), nil)
			_, err2 := st.UpdateTerms(userB, orgA, nil, ptr(false))
			_, err3 := st.AcceptTerms(memberA, orgA, unknownID)
			_, err4 := st.AcceptTerms(userB, orgA, tosV1ID)
			for i, err := range []error{err1, err2, err3, err4} {
				if err == nil {
					return fmt.Errorf("refused write %d was not refused", i+1)
				}
			}
			return nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := newStoreOpts(t, tosData(), store.Options{TrackChanges: true})
			st.Changes()
			checkErr(t, tt.when(st), nil, "")
			if tt.expectWrite {
				tosCheckChanges(t, st, orgA)
			} else {
				tosCheckChanges(t, st, "")
			}
		})
	}
	// A free organization's refused update reports nothing either.
	st, _ := newStoreOpts(t, tosPlain(tosFree), store.Options{TrackChanges: true})
	st.Changes()
	_, err := st.UpdateTerms(userA, orgA, ptr("x"), nil)
	checkErr(t, err, store.ErrFailedPrecondition, msgTermsFreeTier)
	tosCheckChanges(t, st, "")
}
