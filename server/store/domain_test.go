package store_test

import (
	"cmp"
	"math/rand/v2"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gitpod-mock/orgmock/server/store"
)

// txtZone is a fake DNS zone for Options.LookupTXT: the TXT records published at each name. It
// remembers the names asked for.
type txtZone struct {
	mu      sync.Mutex
	records map[string][]string
	asked   []string
}

func (z *txtZone) lookup(name string) []string {
	z.mu.Lock()
	defer z.mu.Unlock()
	z.asked = append(z.asked, name)
	return slices.Clone(z.records[name])
}

// publish replaces the TXT records at name (none removes them).
func (z *txtZone) publish(name string, values ...string) {
	z.mu.Lock()
	defer z.mu.Unlock()
	if z.records == nil {
		z.records = map[string][]string{}
	}
	if len(values) == 0 {
		delete(z.records, name)
		return
	}
	z.records[name] = values
}

func (z *txtZone) askedFor() []string {
	z.mu.Lock()
	defer z.mu.Unlock()
	return slices.Clone(z.asked)
}

// newDNSStore builds a store from data whose VerifyDomain reads zone.
func newDNSStore(t testing.TB, data store.Data, zone *txtZone) (*store.Store, *clock) {
	t.Helper()
	clk := &clock{now: t0}
	st, err := store.New(data, store.Options{Now: clk.Now, Rand: rand.NewChaCha8([32]byte{5}), Pages: pages, LookupTXT: zone.lookup})
	if err != nil {
		t.Fatalf("store.New: %v", err)
	}
	return st, clk
}

// mustCreateDomain starts verifying domain for org, as its admin.
func mustCreateDomain(t testing.TB, st *store.Store, org, domain string) store.DomainVerification {
	t.Helper()
	d, err := st.CreateDomainVerification(as(org), org, domain)
	if err != nil {
		t.Fatalf("CreateDomainVerification(%s): %v", domain, err)
	}
	return d
}

var verificationToken = regexp.MustCompile(`^gitpod-domain-verification=[A-Za-z0-9_-]{43}$`)

func msgDomainNotFound(id string) string {
	return "domainVerificationId: domain verification " + id + " not found"
}

func msgNotADomain(domain string) string {
	return "domain: must be a domain name such as example.com, got " + strconv.Quote(domain)
}

func msgNoTXT(d store.DomainVerification) string {
	return "domainVerificationId: no TXT record " + strconv.Quote(d.Token) + " at _gitpod-verification." + d.Domain + ": publish it, then verify again"
}

func msgVerifyingAlready(org, domain, id string) string {
	return "domain: organization " + org + " is verifying " + domain + " already (domain verification " + id + ")"
}

func TestCreateDomainVerification(t *testing.T) {
	label63 := strings.Repeat("a", 63)
	tests := []struct {
		name         string
		whenCaller   string
		whenOrg      string
		whenDomain   string
		expectKind   error
		expectMsg    string
		expectDomain string
	}{
		{name: "a domain", whenCaller: userA, whenOrg: orgA, whenDomain: "acme.example", expectDomain: "acme.example"},
		{name: "lower-cased", whenCaller: userA, whenOrg: orgA, whenDomain: "Eng.ACME.Example", expectDomain: "eng.acme.example"},
		{name: "a two-letter top-level domain", whenCaller: userB, whenOrg: orgB, whenDomain: "globex.io", expectDomain: "globex.io"},
		{name: "hyphens and digits inside labels", whenCaller: userA, whenOrg: orgA, whenDomain: "my-org2.example.co.uk", expectDomain: "my-org2.example.co.uk"},
		{name: "an internationalized domain in punycode", whenCaller: userA, whenOrg: orgA, whenDomain: "xn--bcher-kva.example", expectDomain: "xn--bcher-kva.example"},
		{name: "a label of 63 characters", whenCaller: userA, whenOrg: orgA, whenDomain: label63 + ".example", expectDomain: label63 + ".example"},
		{name: "a single-character label", whenCaller: userA, whenOrg: orgA, whenDomain: "x.example", expectDomain: "x.example"},

		{name: "empty", whenCaller: userA, whenOrg: orgA, whenDomain: "", expectKind: store.ErrInvalidArgument, expectMsg: msgNotADomain("")},
		{name: "a host name", whenCaller: userA, whenOrg: orgA, whenDomain: "localhost", expectKind: store.ErrInvalidArgument, expectMsg: msgNotADomain("localhost")},
		{name: "a trailing dot", whenCaller: userA, whenOrg: orgA, whenDomain: "acme.example.", expectKind: store.ErrInvalidArgument, expectMsg: msgNotADomain("acme.example.")},
		{name: "a leading dot", whenCaller: userA, whenOrg: orgA, whenDomain: ".acme.example", expectKind: store.ErrInvalidArgument, expectMsg: msgNotADomain(".acme.example")},
		{name: "an empty label", whenCaller: userA, whenOrg: orgA, whenDomain: "acme..example", expectKind: store.ErrInvalidArgument, expectMsg: msgNotADomain("acme..example")},
		{name: "a label starting with a hyphen", whenCaller: userA, whenOrg: orgA, whenDomain: "-acme.example", expectKind: store.ErrInvalidArgument, expectMsg: msgNotADomain("-acme.example")},
		{name: "a label ending with a hyphen", whenCaller: userA, whenOrg: orgA, whenDomain: "acme-.example", expectKind: store.ErrInvalidArgument, expectMsg: msgNotADomain("acme-.example")},
		{name: "a label of 64 characters", whenCaller: userA, whenOrg: orgA, whenDomain: label63 + "a.example", expectKind: store.ErrInvalidArgument, expectMsg: msgNotADomain(label63 + "a.example")},
		{name: "a one-letter top-level domain", whenCaller: userA, whenOrg: orgA, whenDomain: "acme.e", expectKind: store.ErrInvalidArgument, expectMsg: msgNotADomain("acme.e")},
		{name: "a numeric top-level domain", whenCaller: userA, whenOrg: orgA, whenDomain: "10.0.0.1", expectKind: store.ErrInvalidArgument, expectMsg: msgNotADomain("10.0.0.1")},
		{name: "a URL", whenCaller: userA, whenOrg: orgA, whenDomain: "https://acme.example", expectKind: store.ErrInvalidArgument, expectMsg: msgNotADomain("https://acme.example")},
		{name: "an email address", whenCaller: userA, whenOrg: orgA, whenDomain: "ada@acme.example", expectKind: store.ErrInvalidArgument, expectMsg: msgNotADomain("ada@acme.example")},
		{name: "a wildcard", whenCaller: userA, whenOrg: orgA, whenDomain: "*.acme.example", expectKind: store.ErrInvalidArgument, expectMsg: msgNotADomain("*.acme.example")},
		{name: "an underscore", whenCaller: userA, whenOrg: orgA, whenDomain: "ac_me.example", expectKind: store.ErrInvalidArgument, expectMsg: msgNotADomain("ac_me.example")},
		{name: "a space", whenCaller: userA, whenOrg: orgA, whenDomain: " acme.example", expectKind: store.ErrInvalidArgument, expectMsg: msgNotADomain(" acme.example")},
		{name: "a newline after it", whenCaller: userA, whenOrg: orgA, whenDomain: "acme.example\n", expectKind: store.ErrInvalidArgument, expectMsg: msgNotADomain("acme.example\n")},
		{name: "not ASCII", whenCaller: userA, whenOrg: orgA, whenDomain: "bücher.example", expectKind: store.ErrInvalidArgument, expectMsg: msgNotADomain("bücher.example")},

		{name: "a plain member", whenCaller: memberA, whenOrg: orgA, whenDomain: "acme.example", expectKind: store.ErrPermissionDenied, expectMsg: msgOnlyAdmin("organizationId", orgA)},
		{name: "an admin of another organization", whenCaller: userB, whenOrg: orgA, whenDomain: "acme.example", expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA)},
		{name: "an unknown organization", whenCaller: userA, whenOrg: unknownID, whenDomain: "acme.example", expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(unknownID)},
		{name: "an unknown user", whenCaller: unknownID, whenOrg: orgA, whenDomain: "acme.example", expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA)},
		{name: "not a domain from a non-member: the domain first", whenCaller: userB, whenOrg: orgA, whenDomain: "localhost", expectKind: store.ErrInvalidArgument, expectMsg: msgNotADomain("localhost")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := newDNSStore(t, fixtureData(), &txtZone{})
			before := st.Snapshot()
			got, err := st.CreateDomainVerification(tt.whenCaller, tt.whenOrg, tt.whenDomain)
			checkErr(t, err, tt.expectKind, tt.expectMsg)
			if err != nil {
				if got != (store.DomainVerification{}) {
					t.Errorf("a refused create returned %+v", got)
				}
				checkUnchanged(t, st, before)
				return
			}
			if !isUUIDv4(got.ID) {
				t.Errorf("id %q is not a version 4 UUID", got.ID)
			}
			if !verificationToken.MatchString(got.Token) {
				t.Errorf("token %q: want gitpod-domain-verification= and 43 URL-safe characters", got.Token)
			}
			want := store.DomainVerification{
				ID: got.ID, OrganizationID: tt.whenOrg, Domain: tt.expectDomain, State: store.DomainPending,
				Token: got.Token, CreatedAt: t0ms,
			}
			if got != want {
				t.Fatalf("CreateDomainVerification\n got %+v\nwant %+v", got, want)
			}
			if got.RecordName() != "_gitpod-verification."+tt.expectDomain {
				t.Errorf("record name %q", got.RecordName())
			}
			stored, err := st.GetDomainVerification(tt.whenCaller, got.ID)
			checkErr(t, err, nil, "")
			if stored != want {
				t.Fatalf("GetDomainVerification after create\n got %+v\nwant %+v", stored, want)
			}
			if after := st.Snapshot(); len(after.DomainVerifications) != len(before.DomainVerifications)+1 {
				t.Fatalf("%d domain verifications after a create, want %d", len(after.DomainVerifications), len(before.DomainVerifications)+1)
			}
		})
	}
}

// An organization verifies a domain once (pending or verified); other organizations may
// verify it too.
func TestCreateDomainVerificationDuplicates(t *testing.T) {
	tests := []struct {
		name       string
		given      func(t *testing.T, st *store.Store, zone *txtZone) (dup string) // the id a duplicate names
		whenOrg    string
		whenDomain string
		expectDup  bool
	}{
		{
			name: "the same domain, pending",
			given: func(t *testing.T, st *store.Store, _ *txtZone) string {
				return mustCreateDomain(t, st, orgA, "acme.example").ID
			},
			whenOrg: orgA, whenDomain: "acme.example", expectDup: true,
		},
		{
			name: "the same domain in other letters",
			given: func(t *testing.T, st *store.Store, _ *txtZone) string {
				return mustCreateDomain(t, st, orgA, "acme.example").ID
			},
			whenOrg: orgA, whenDomain: "ACME.Example", expectDup: true,
		},
		{
			name: "the same domain, given in other letters first",
			given: func(t *testing.T, st *store.Store, _ *txtZone) string {
				return mustCreateDomain(t, st, orgA, "Acme.EXAMPLE").ID
			},
			whenOrg: orgA, whenDomain: "acme.example", expectDup: true,
		},
		{
			name: "the same domain, verified",
			given: func(t *testing.T, st *store.Store, zone *txtZone) string {
				d := mustCreateDomain(t, st, orgA, "acme.example")
				zone.publish(d.RecordName(), d.Token)
				_, err := st.VerifyDomain(userA, d.ID)
				checkErr(t, err, nil, "")
				return d.ID
			},
			whenOrg: orgA, whenDomain: "acme.example", expectDup: true,
		},
		{
			name: "the same domain among others",
			given: func(t *testing.T, st *store.Store, _ *txtZone) string {
				mustCreateDomain(t, st, orgA, "a.example")
				id := mustCreateDomain(t, st, orgA, "acme.example").ID
				mustCreateDomain(t, st, orgA, "z.example")
				return id
			},
			whenOrg: orgA, whenDomain: "acme.example", expectDup: true,
		},
		{
			name: "the same domain, deleted",
			given: func(t *testing.T, st *store.Store, _ *txtZone) string {
				d := mustCreateDomain(t, st, orgA, "acme.example")
				checkErr(t, st.DeleteDomainVerification(userA, d.ID), nil, "")
				return ""
			},
			whenOrg: orgA, whenDomain: "acme.example",
		},
		{
			name: "the same domain in another organization",
			given: func(t *testing.T, st *store.Store, _ *txtZone) string {
				mustCreateDomain(t, st, orgB, "acme.example")
				return ""
			},
			whenOrg: orgA, whenDomain: "acme.example",
		},
		{
			name: "the same domain verified by another organization",
			given: func(t *testing.T, st *store.Store, zone *txtZone) string {
				d := mustCreateDomain(t, st, orgB, "acme.example")
				zone.publish(d.RecordName(), d.Token)
				_, err := st.VerifyDomain(userB, d.ID)
				checkErr(t, err, nil, "")
				return ""
			},
			whenOrg: orgA, whenDomain: "acme.example",
		},
		{
			name: "a subdomain",
			given: func(t *testing.T, st *store.Store, _ *txtZone) string {
				mustCreateDomain(t, st, orgA, "acme.example")
				return ""
			},
			whenOrg: orgA, whenDomain: "eng.acme.example",
		},
		{
			name: "a parent domain",
			given: func(t *testing.T, st *store.Store, _ *txtZone) string {
				mustCreateDomain(t, st, orgA, "eng.acme.example")
				return ""
			},
			whenOrg: orgA, whenDomain: "acme.example",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			zone := &txtZone{}
			st, _ := newDNSStore(t, fixtureData(), zone)
			dup := tt.given(t, st, zone)
			before := st.Snapshot()
			got, err := st.CreateDomainVerification(as(tt.whenOrg), tt.whenOrg, tt.whenDomain)
			if tt.expectDup {
				checkErr(t, err, store.ErrAlreadyExists, msgVerifyingAlready(tt.whenOrg, strings.ToLower(tt.whenDomain), dup))
				checkUnchanged(t, st, before)
				return
			}
			checkErr(t, err, nil, "")
			if got.State != store.DomainPending || got.Domain != strings.ToLower(tt.whenDomain) || got.OrganizationID != tt.whenOrg {
				t.Fatalf("CreateDomainVerification = %+v", got)
			}
			for _, d := range before.DomainVerifications {
				if d.ID == got.ID || d.Token == got.Token {
					t.Fatalf("the new verification reuses the id or token of %+v", d)
				}
			}
		})
	}
}

// Only an admin of the organization reaches a domain verification by id: a plain member is
// refused, anyone else learns nothing of it.
func TestDomainVerificationAccess(t *testing.T) {
	ops := map[string]func(st *store.Store, caller, id string) error{
		"Get": func(st *store.Store, caller, id string) error {
			_, err := st.GetDomainVerification(caller, id)
			return err
		},
		"Verify": func(st *store.Store, caller, id string) error {
			_, err := st.VerifyDomain(caller, id)
			return err
		},
		"Delete": func(st *store.Store, caller, id string) error { return st.DeleteDomainVerification(caller, id) },
	}
	const (
		dA = "acme"   // acme's verification
		dB = "globex" // globex's
	)
	type access struct {
		name       string
		givenData  []func(d *store.Data)
		whenCaller string
		whenID     string // dA, dB or an id
		expectKind error
		expectMsg  string // for not_found, the message is made from the id
	}
	notFound := func(name, caller, id string, data ...func(d *store.Data)) access {
		return access{name: name, givenData: data, whenCaller: caller, whenID: id, expectKind: store.ErrNotFound, expectMsg: "not found"}
	}
	cases := []access{
		{name: "admin", whenCaller: userA, whenID: dA},
		{name: "admin of the other organization", whenCaller: userB, whenID: dB},
		{name: "plain member", whenCaller: memberA, whenID: dA, expectKind: store.ErrPermissionDenied, expectMsg: msgOnlyAdmin("domainVerificationId", orgA)},
		{name: "plain member of the other organization", whenCaller: memberB, whenID: dB, expectKind: store.ErrPermissionDenied, expectMsg: msgOnlyAdmin("domainVerificationId", orgB)},
		notFound("admin of another organization", userB, dA),
		notFound("member of another organization", memberB, dA),
		notFound("admin, another organization's", userA, dB),
		notFound("user of no organization", uOlga, dA),
		notFound("unknown user", unknownID, dA),
		notFound("admin, an unknown id", userA, unknownID),
		notFound("admin, an organization id", userA, orgA),
		notFound("admin, no id", userA, ""),
		notFound("suspended admin", uSue, dA,
			withMember(orgA, store.Member{UserID: uSue, Role: store.RoleAdmin, Status: store.StatusSuspended, Since: orgCreated})),
		notFound("admin who left", uLiz, dA,
			withMember(orgA, store.Member{UserID: uLiz, Role: store.RoleAdmin, Status: store.StatusLeft, Since: orgCreated})),
	}
	for _, opName := range []string{"Get", "Verify", "Delete"} {
		for _, tt := range cases {
			t.Run(opName+": "+tt.name, func(t *testing.T) {
				zone := &txtZone{}
				st, _ := newDNSStore(t, orgData(tt.givenData...), zone)
				ids := map[string]store.DomainVerification{
					dA: mustCreateDomain(t, st, orgA, "acme.example"),
					dB: mustCreateDomain(t, st, orgB, "globex.example"),
				}
				for _, d := range ids {
					zone.publish(d.RecordName(), d.Token) // only access can stand in the way
				}
				id := tt.whenID
				if d, ok := ids[id]; ok {
					id = d.ID
				}
				msg := tt.expectMsg
				if tt.expectKind == store.ErrNotFound {
					msg = msgDomainNotFound(id)
				}
				before := st.Snapshot()
				err := ops[opName](st, tt.whenCaller, id)
				checkErr(t, err, tt.expectKind, msg)
				if err != nil {
					checkUnchanged(t, st, before)
				}
			})
		}
	}
}

func TestListDomainVerificationsAccess(t *testing.T) {
	left := withMember(orgA, store.Member{UserID: uLiz, Role: store.RoleAdmin, Status: store.StatusLeft, Since: orgCreated})
	tests := []struct {
		name       string
		whenCaller string
		whenOrg    string
		expectKind error
		expectMsg  string
		expectN    int
	}{
		{name: "admin", whenCaller: userA, whenOrg: orgA, expectN: 2},
		{name: "admin of the other organization", whenCaller: userB, whenOrg: orgB, expectN: 1},
		{name: "plain member", whenCaller: memberA, whenOrg: orgA, expectKind: store.ErrPermissionDenied, expectMsg: msgOnlyAdmin("organizationId", orgA)},
		{name: "admin of another organization", whenCaller: userB, whenOrg: orgA, expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA)},
		{name: "admin who left", whenCaller: uLiz, whenOrg: orgA, expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA)},
		{name: "unknown organization", whenCaller: userA, whenOrg: unknownID, expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(unknownID)},
		{name: "unknown user", whenCaller: unknownID, whenOrg: orgA, expectKind: store.ErrPermissionDenied, expectMsg: msgNotMemberOf(orgA)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := newDNSStore(t, orgData(left), &txtZone{})
			mustCreateDomain(t, st, orgA, "acme.example")
			mustCreateDomain(t, st, orgA, "acme-labs.example")
			mustCreateDomain(t, st, orgB, "globex.example")
			before := st.Snapshot()
			items, next, err := st.ListDomainVerifications(tt.whenCaller, tt.whenOrg, store.PageRequest{})
			checkErr(t, err, tt.expectKind, tt.expectMsg)
			checkUnchanged(t, st, before)
			if err != nil {
				if items != nil || next != "" {
					t.Errorf("a refused list returned %v, %q", items, next)
				}
				return
			}
			if len(items) != tt.expectN || next != "" {
				t.Fatalf("%d items, next %q; want %d", len(items), next, tt.expectN)
			}
			for _, d := range items {
				if d.OrganizationID != tt.whenOrg {
					t.Fatalf("listed %+v of another organization", d)
				}
			}
		})
	}
}

// ListDomainVerifications pages by (createdAt, id), whatever the order of creation; every
// page size walks every verification exactly once.
func TestListDomainVerificationsPaging(t *testing.T) {
	st, clk := newDNSStore(t, fixtureData(), &txtZone{})
	items, next, err := st.ListDomainVerifications(userA, orgA, store.PageRequest{})
	checkErr(t, err, nil, "")
	if len(items) != 0 || next != "" {
		t.Fatalf("before any: %v, %q", items, next)
	}
	var created []store.DomainVerification
	for i, step := range []time.Duration{0, time.Second, time.Second, time.Second, 2 * time.Second, -time.Hour, 3 * time.Second} {
		clk.Set(t0.Add(step))
		created = append(created, mustCreateDomain(t, st, orgA, "d"+strconv.Itoa(i)+".example"))
	}
	mustCreateDomain(t, st, orgB, "globex.example")
	want := slices.Clone(created)
	slices.SortFunc(want, func(a, b store.DomainVerification) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID, b.ID))
	})
	if want[0].Domain != "d5.example" {
		t.Fatalf("the one created with the clock an hour back is not first: %+v", want[0])
	}
	for size := range len(want) + 2 {
		var got []store.DomainVerification
		token := ""
		for range 20 {
			page, next, err := st.ListDomainVerifications(userA, orgA, store.PageRequest{Token: token, Size: size})
			checkErr(t, err, nil, "")
			got = append(got, page...)
			if next == "" {
				break
			}
			if len(page) != size {
				t.Fatalf("size %d: a page of %d before the last", size, len(page))
			}
			token = next
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("size %d\n got %+v\nwant %+v", size, got, want)
		}
	}

	// A token walks on past a verification deleted meanwhile.
	page, token, err := st.ListDomainVerifications(userA, orgA, store.PageRequest{Size: 2})
	checkErr(t, err, nil, "")
	checkErr(t, st.DeleteDomainVerification(userA, want[1].ID), nil, "")
	checkErr(t, st.DeleteDomainVerification(userA, want[2].ID), nil, "")
	rest, next, err := st.ListDomainVerifications(userA, orgA, store.PageRequest{Token: token, Size: 10})
	checkErr(t, err, nil, "")
	if !reflect.DeepEqual(append(page, rest...), append(want[:2:2], want[3:]...)) || next != "" {
		t.Fatalf("after deleting the end of the first page and the start of the second: %+v, %+v", page, rest)
	}
}

func TestListDomainVerificationsTokens(t *testing.T) {
	const msgNotOurs = "token: not a page token issued by this server for ListDomainVerifications"
	st, _ := newDNSStore(t, fixtureData(), &txtZone{})
	for _, d := range []string{"a.example", "b.example", "c.example"} {
		mustCreateDomain(t, st, orgA, d)
		mustCreateDomain(t, st, orgB, d)
	}
	_, tokenB, err := st.ListDomainVerifications(userB, orgB, store.PageRequest{Size: 1})
	checkErr(t, err, nil, "")
	_, tokenMembers, _, err := st.ListMembers(userA, store.MemberQuery{OrganizationID: orgA}, store.PageRequest{Size: 1})
	checkErr(t, err, nil, "")
	_, tokenSSO, err := st.ListSSO(userA, orgA, store.PageRequest{Size: 1})
	checkErr(t, err, nil, "")
	tests := []struct {
		name      string
		whenToken string
		whenField string
		expectMsg string
	}{
		{name: "a token of another organization", whenToken: tokenB, expectMsg: msgNotOurs},
		{name: "a token of ListMembers", whenToken: tokenMembers, expectMsg: msgNotOurs},
		{name: "a token of ListSSOConfigurations", whenToken: tokenSSO, expectMsg: msgNotOurs},
		{name: "not a token", whenToken: "not-a-token", expectMsg: msgNotOurs},
		{name: "named by its field", whenToken: "not-a-token", whenField: "pagination.token", expectMsg: "pagination.token: not a page token issued by this server for ListDomainVerifications"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := st.Snapshot()
			items, next, err := st.ListDomainVerifications(userA, orgA, store.PageRequest{Token: tt.whenToken, Size: 1, TokenField: tt.whenField})
			checkErr(t, err, store.ErrInvalidArgument, tt.expectMsg)
			checkUnchanged(t, st, before)
			if items != nil || next != "" {
				t.Errorf("a refused list returned %v, %q", items, next)
			}
		})
	}
}

func TestVerifyDomain(t *testing.T) {
	// Each case publishes records, given the verification to verify (acme's, of acme.example)
	// and globex's verification of the same domain.
	tests := []struct {
		name         string
		whenDomain   string // acme's domain, as it asks for it ("acme.example" when empty)
		givenRecords func(z *txtZone, d, other store.DomainVerification)
		expectOK     bool
	}{
		{
			name:         "the record is published",
			givenRecords: func(z *txtZone, d, _ store.DomainVerification) { z.publish(d.RecordName(), d.Token) },
			expectOK:     true,
		},
		{
			name: "the record among others",
			givenRecords: func(z *txtZone, d, other store.DomainVerification) {
				z.publish(d.RecordName(), "v=spf1 -all", other.Token, d.Token, "something else")
			},
			expectOK: true,
		},
		{
			name:       "a domain asked for in capitals: its record name is lower case",
			whenDomain: "ACME.Example",
			givenRecords: func(z *txtZone, d, _ store.DomainVerification) {
				z.publish("_gitpod-verification.acme.example", d.Token)
			},
			expectOK: true,
		},
		{
			name:         "no record",
			givenRecords: func(*txtZone, store.DomainVerification, store.DomainVerification) {},
		},
		{
			name: "a record of another value",
			givenRecords: func(z *txtZone, d, _ store.DomainVerification) {
				z.publish(d.RecordName(), "gitpod-domain-verification=wrong")
			},
		},
		{
			name:         "the token of another organization's verification of the domain",
			givenRecords: func(z *txtZone, d, other store.DomainVerification) { z.publish(d.RecordName(), other.Token) },
		},
		{
			name: "the token without its prefix",
			givenRecords: func(z *txtZone, d, _ store.DomainVerification) {
				z.publish(d.RecordName(), strings.TrimPrefix(d.Token, "gitpod-domain-verification="))
			},
		},
		{
			name:         "the token in other letters",
			givenRecords: func(z *txtZone, d, _ store.DomainVerification) { z.publish(d.RecordName(), strings.ToUpper(d.Token)) },
		},
		{
			name:         "the token in quotes",
			givenRecords: func(z *txtZone, d, _ store.DomainVerification) { z.publish(d.RecordName(), `"`+d.Token+`"`) },
		},
		{
			name:         "the token and a space",
			givenRecords: func(z *txtZone, d, _ store.DomainVerification) { z.publish(d.RecordName(), d.Token+" ") },
		},
		{
			name:         "the token in two strings",
			givenRecords: func(z *txtZone, d, _ store.DomainVerification) { z.publish(d.RecordName(), d.Token[:20], d.Token[20:]) },
		},
		{
			name:         "the record at the domain itself",
			givenRecords: func(z *txtZone, d, _ store.DomainVerification) { z.publish(d.Domain, d.Token) },
		},
		{
			name: "the record at a subdomain's record name",
			givenRecords: func(z *txtZone, d, _ store.DomainVerification) {
				z.publish("_gitpod-verification.eng."+d.Domain, d.Token)
			},
		},
		{
			name:         "the record at another prefix",
			givenRecords: func(z *txtZone, d, _ store.DomainVerification) { z.publish("_gitpod."+d.Domain, d.Token) },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			zone := &txtZone{}
			st, clk := newDNSStore(t, fixtureData(), zone)
			domain := cmp.Or(tt.whenDomain, "acme.example")
			d := mustCreateDomain(t, st, orgA, domain)
			other := mustCreateDomain(t, st, orgB, "acme.example")
			tt.givenRecords(zone, d, other)
			clk.Advance(time.Hour)
			before := st.Snapshot()
			got, err := st.VerifyDomain(userA, d.ID)
			if want := []string{"_gitpod-verification.acme.example"}; !slices.Equal(zone.askedFor(), want) {
				t.Errorf("looked up %q, want %q", zone.askedFor(), want)
			}
			if !tt.expectOK {
				checkErr(t, err, store.ErrFailedPrecondition, msgNoTXT(d))
				if got != (store.DomainVerification{}) {
					t.Errorf("a refused verify returned %+v", got)
				}
				checkUnchanged(t, st, before)
				// Still pending; verifying again asks the zone again.
				if again, err := st.GetDomainVerification(userA, d.ID); err != nil || again != d {
					t.Fatalf("after a refused verify: %+v, %v", again, err)
				}
				zone.publish(d.RecordName(), d.Token)
				got, err = st.VerifyDomain(userA, d.ID)
				checkErr(t, err, nil, "")
				if got.State != store.DomainVerified {
					t.Fatalf("verify after publishing: %+v", got)
				}
				return
			}
			checkErr(t, err, nil, "")
			want := d
			want.State, want.VerifiedAt = store.DomainVerified, t0ms.Add(time.Hour)
			if got != want {
				t.Fatalf("VerifyDomain\n got %+v\nwant %+v", got, want)
			}
			if got.VerifiedAt.Location() != time.UTC {
				t.Errorf("verifiedAt location %v, want UTC", got.VerifiedAt.Location())
			}
			if stored, err := st.GetDomainVerification(userA, d.ID); err != nil || stored != want {
				t.Fatalf("GetDomainVerification after verify = %+v, %v; want %+v", stored, err, want)
			}
			// The other organization's verification of the domain is still pending.
			if o, err := st.GetDomainVerification(userB, other.ID); err != nil || o != other {
				t.Fatalf("globex's verification = %+v, %v; want %+v", o, err, other)
			}
		})
	}
}

// A verified domain stays verified: verifying again answers it as it is, without asking the
// zone, even once the record is gone or changed.
func TestVerifyDomainStaysVerified(t *testing.T) {
	zone := &txtZone{}
	st, clk := newDNSStore(t, fixtureData(), zone)
	d := mustCreateDomain(t, st, orgA, "acme.example")
	zone.publish(d.RecordName(), d.Token)
	clk.Advance(time.Minute)
	verified, err := st.VerifyDomain(userA, d.ID)
	checkErr(t, err, nil, "")
	if verified.State != store.DomainVerified || verified.VerifiedAt != t0ms.Add(time.Minute) {
		t.Fatalf("VerifyDomain = %+v", verified)
	}
	asked := len(zone.askedFor())
	for i, records := range [][]string{nil, {"gitpod-domain-verification=other"}, {d.Token}} {
		zone.publish(d.RecordName(), records...)
		clk.Advance(time.Hour)
		before := st.Snapshot()
		again, err := st.VerifyDomain(userA, d.ID)
		checkErr(t, err, nil, "")
		if again != verified {
			t.Fatalf("verify %d\n got %+v\nwant %+v", i, again, verified)
		}
		checkUnchanged(t, st, before)
	}
	if n := len(zone.askedFor()); n != asked {
		t.Errorf("asked the zone %d more times for a verified domain", n-asked)
	}
	// Still refused to others, and still a duplicate for its organization.
	_, err = st.VerifyDomain(memberA, d.ID)
	checkErr(t, err, store.ErrPermissionDenied, msgOnlyAdmin("domainVerificationId", orgA))
	_, err = st.VerifyDomain(userB, d.ID)
	checkErr(t, err, store.ErrNotFound, msgDomainNotFound(d.ID))
	_, err = st.CreateDomainVerification(userA, orgA, "acme.example")
	checkErr(t, err, store.ErrAlreadyExists, msgVerifyingAlready(orgA, "acme.example", d.ID))
}

// Without LookupTXT no record is ever published.
func TestVerifyDomainWithoutLookup(t *testing.T) {
	st, _ := newStore(t)
	d := mustCreateDomain(t, st, orgA, "acme.example")
	before := st.Snapshot()
	_, err := st.VerifyDomain(userA, d.ID)
	checkErr(t, err, store.ErrFailedPrecondition, msgNoTXT(d))
	checkUnchanged(t, st, before)
}

func TestDeleteDomainVerification(t *testing.T) {
	zone := &txtZone{}
	st, _ := newDNSStore(t, fixtureData(), zone)
	keep := mustCreateDomain(t, st, orgA, "keep.example")
	d := mustCreateDomain(t, st, orgA, "acme.example")
	zone.publish(d.RecordName(), d.Token)
	_, err := st.VerifyDomain(userA, d.ID)
	checkErr(t, err, nil, "")
	other := mustCreateDomain(t, st, orgB, "acme.example")

	checkErr(t, st.DeleteDomainVerification(userA, d.ID), nil, "")

	_, err = st.GetDomainVerification(userA, d.ID)
	checkErr(t, err, store.ErrNotFound, msgDomainNotFound(d.ID))
	_, err = st.VerifyDomain(userA, d.ID)
	checkErr(t, err, store.ErrNotFound, msgDomainNotFound(d.ID))
	before := st.Snapshot()
	checkErr(t, st.DeleteDomainVerification(userA, d.ID), store.ErrNotFound, msgDomainNotFound(d.ID))
	checkUnchanged(t, st, before)
	items, _, err := st.ListDomainVerifications(userA, orgA, store.PageRequest{})
	checkErr(t, err, nil, "")
	if !reflect.DeepEqual(items, []store.DomainVerification{keep}) {
		t.Fatalf("listed after the delete: %+v", items)
	}
	if o, err := st.GetDomainVerification(userB, other.ID); err != nil || o != other {
		t.Fatalf("globex's verification of the domain = %+v, %v", o, err)
	}
	// The domain may be verified anew: a new id and token, pending again.
	again := mustCreateDomain(t, st, orgA, "acme.example")
	if again.ID == d.ID || again.Token == d.Token || again.State != store.DomainPending || !again.VerifiedAt.IsZero() {
		t.Fatalf("created again: %+v (was %+v)", again, d)
	}
	_, err = st.VerifyDomain(userA, again.ID)
	checkErr(t, err, store.ErrFailedPrecondition, msgNoTXT(again))
}

// Every verification gets its own id and token.
func TestCreateDomainVerificationUnique(t *testing.T) {
	st, _ := newDNSStore(t, fixtureData(), &txtZone{})
	ids, tokens := map[string]bool{}, map[string]bool{}
	for i := range 50 {
		for _, org := range []string{orgA, orgB} {
			d := mustCreateDomain(t, st, org, "d"+strconv.Itoa(i)+".example")
			if ids[d.ID] || tokens[d.Token] {
				t.Fatalf("verification %d of %s repeats an id or token: %+v", i, org, d)
			}
			ids[d.ID], tokens[d.Token] = true, true
		}
	}
}
