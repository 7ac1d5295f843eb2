package store_test

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gitpod-mock/orgmock/server/store"
)

func msgBadPageToken(field string) string {
	return field + ": not a page token issued by this server for ListSCIMConfigurations"
}

// ids returns the ids of items, in order.
func ids(items []store.SCIMConfiguration) []string {
	out := make([]string, len(items))
	for i, c := range items {
		out[i] = c.ID
	}
	return out
}

// walk lists every page of org's SCIM configurations with page size size.
func walk(t testing.TB, st *store.Store, org string, size int) []string {
	t.Helper()
	var all []string
	token := ""
	for pages := 0; ; pages++ {
		if pages > 10000 {
			t.Fatal("walk does not end")
		}
		items, next, err := st.ListSCIM(as(org), store.PageRequest{Token: token, Size: size, TokenField: "pagination.token"})
		if err != nil {
			t.Fatalf("page %d: %v", pages, err)
		}
		all = append(all, ids(items)...)
		if next == "" {
			return all
		}
		token = next
	}
}

// sortedByKey returns the ids of the records in (createdAt, id) order.
func sortedByKey(recs []store.SCIMConfiguration) []string {
	recs = slices.Clone(recs)
	slices.SortFunc(recs, func(a, b store.SCIMConfiguration) int {
		if n := a.CreatedAt.Compare(b.CreatedAt); n != 0 {
			return n
		}
		return strings.Compare(a.ID, b.ID)
	})
	return ids(recs)
}

// The list holds only the caller's records, ordered by (createdAt, id): ties in createdAt are
// broken by id, and records created while the clock was behind sort before older ones.
func TestListSCIMScopeAndOrder(t *testing.T) {
	tests := []struct {
		name      string
		givenNows []time.Duration // clock offsets from t0 for each create in acme
		whenSize  int
	}{
		{name: "distinct times", givenNows: []time.Duration{0, time.Second, 2 * time.Second}, whenSize: 0},
		{name: "same millisecond: order by id", givenNows: []time.Duration{0, 0, 0, 0, 0, 0}, whenSize: 0},
		{name: "clock going backwards", givenNows: []time.Duration{time.Hour, 0, -time.Hour, -60 * day}, whenSize: 0},
		{name: "mixed ties, pages of 2", givenNows: []time.Duration{time.Second, 0, time.Second, 0, time.Second, -time.Second, 0}, whenSize: 2},
		{name: "mixed ties, pages of 1", givenNows: []time.Duration{time.Second, 0, time.Second, 0, time.Second}, whenSize: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, clk := newStore(t)
			acme := []store.SCIMConfiguration{fixtureData().SCIMConfigurations[0]}
			for i, off := range tt.givenNows {
				clk.Set(t0.Add(off))
				acme = append(acme, mustCreate(t, st, orgA, ssoA1, fmt.Sprint("acme-", i)))
				mustCreate(t, st, orgB, ssoB1, fmt.Sprint("globex-", i))
			}
			got := walk(t, st, orgA, tt.whenSize)
			if want := sortedByKey(acme); !slices.Equal(got, want) {
				t.Fatalf("listed\n %v\nwant\n %v", got, want)
			}
			items, _, err := st.ListSCIM(as(orgA), store.PageRequest{Size: 100})
			checkErr(t, err, nil, "")
			for _, it := range items {
				if it.OrganizationID != orgA {
					t.Fatalf("listed %s of organization %s", it.ID, it.OrganizationID)
				}
			}
			if len(items) != len(acme) {
				t.Fatalf("one page of 100 has %d items, want %d", len(items), len(acme))
			}
			// List items carry the full record (including the token, which handlers drop).
			if items[0].ID == scimA && items[0] != fixtureData().SCIMConfigurations[0] {
				t.Fatalf("listed fixture record %+v", items[0])
			}
		})
	}
}

func TestListSCIMPageSize(t *testing.T) {
	tests := []struct {
		name        string
		givenCount  int // acme records in total (the fixture one included)
		whenSize    int
		expectKind  error
		expectMsg   string
		expectPages []int // sizes of the successive pages
	}{
		{name: "default is 25", givenCount: 60, whenSize: 0, expectPages: []int{25, 25, 10}},
		{name: "negative means default", givenCount: 26, whenSize: -1, expectPages: []int{25, 1}},
		{name: "exactly one default page", givenCount: 25, whenSize: 0, expectPages: []int{25}},
		{name: "maximum 100", givenCount: 230, whenSize: 100, expectPages: []int{100, 100, 30}},
		{name: "exactly the page size: no next token", givenCount: 7, whenSize: 7, expectPages: []int{7}},
		{name: "one more than the page size", givenCount: 8, whenSize: 7, expectPages: []int{7, 1}},
		{name: "page size 1", givenCount: 3, whenSize: 1, expectPages: []int{1, 1, 1}},
		{name: "one record", givenCount: 1, whenSize: 0, expectPages: []int{1}},
		{name: "101 is too big", givenCount: 5, whenSize: 101, expectKind: store.ErrInvalidArgument, expectMsg: "pageSize: must be at most 100"},
		{name: "very big", givenCount: 5, whenSize: 1 << 40, expectKind: store.ErrInvalidArgument, expectMsg: "pageSize: must be at most 100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, clk := newStore(t)
			for range tt.givenCount - 1 {
				clk.Advance(time.Second)
				mustCreate(t, st, orgA, ssoA1, "")
			}
			var sizes []int
			var all []string
			token := ""
			for {
				items, next, err := st.ListSCIM(as(orgA), store.PageRequest{Token: token, Size: tt.whenSize})
				checkErr(t, err, tt.expectKind, tt.expectMsg)
				if err != nil {
					if items != nil || next != "" {
						t.Fatalf("error with items %v and token %q", items, next)
					}
					return
				}
				sizes = append(sizes, len(items))
				all = append(all, ids(items)...)
				if next == "" {
					break
				}
				token = next
			}
			if !slices.Equal(sizes, tt.expectPages) {
				t.Fatalf("page sizes %v, want %v", sizes, tt.expectPages)
			}
			if len(all) != tt.givenCount {
				t.Fatalf("walked %d items, want %d", len(all), tt.givenCount)
			}
		})
	}
}

func TestListSCIMEmpty(t *testing.T) {
	st, _ := newStore(t)
	checkErr(t, st.DeleteSCIM(as(orgB), scimB), nil, "")
	items, next, err := st.ListSCIM(as(orgB), store.PageRequest{})
	checkErr(t, err, nil, "")
	if len(items) != 0 || next != "" {
		t.Fatalf("empty list: %v, %q", items, next)
	}
	// A user who is an active member of no organization has no organization to list.
	_, _, err = st.ListSCIM(unknownID, store.PageRequest{})
	checkErr(t, err, store.ErrPermissionDenied, "the caller is not an active member of any organization")
}

// Tokens the store did not issue for this list and organization are invalid arguments whose
// message names where the token came from.
func TestListSCIMBadTokens(t *testing.T) {
	st, clk := newStore(t)
	for range 4 {
		clk.Advance(time.Second)
		mustCreate(t, st, orgA, ssoA1, "")
		mustCreate(t, st, orgB, ssoB1, "")
	}
	_, good, err := st.ListSCIM(as(orgA), store.PageRequest{Size: 2})
	checkErr(t, err, nil, "")
	_, goodB, err := st.ListSCIM(as(orgB), store.PageRequest{Size: 2})
	checkErr(t, err, nil, "")
	_, ssoToken, err := st.ListSSO(as(orgA), orgA, store.PageRequest{Size: 1})
	checkErr(t, err, nil, "")
	if good == "" || goodB == "" || ssoToken == "" {
		t.Fatal("no tokens to tamper with")
	}
	// The same records in a store with another key.
	other, otherClk := newStoreFrom(t, fixtureData(), 99)
	for range 4 {
		otherClk.Advance(time.Second)
		mustCreate(t, other, orgA, ssoA1, "")
	}
	_, foreign, err := other.ListSCIM(as(orgA), store.PageRequest{Size: 2})
	checkErr(t, err, nil, "")

	body, sig, _ := strings.Cut(good, ".")
	payload, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil {
		t.Fatal(err)
	}
	// Re-sign nothing: swap the organization inside a genuine payload.
	swapped := base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(payload), orgA, orgB, 1))) + "." + sig
	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	_, goodSig, _ := strings.Cut(goodB, ".")

	tests := []struct {
		name        string
		givenCaller string
		whenToken   string
		whenField   string
		expectField string
	}{
		{name: "garbage", givenCaller: orgA, whenToken: "next-page-token-from-previous-response", whenField: "token", expectField: "token"},
		{name: "garbage, body field", givenCaller: orgA, whenToken: "abc", whenField: "pagination.token", expectField: "pagination.token"},
		{name: "no field named: token", givenCaller: orgA, whenToken: "abc", whenField: "", expectField: "token"},
		{name: "just a dot", givenCaller: orgA, whenToken: ".", whenField: "token", expectField: "token"},
		{name: "not base64", givenCaller: orgA, whenToken: "!!!.???", whenField: "token", expectField: "token"},
		{name: "payload only", givenCaller: orgA, whenToken: body, whenField: "token", expectField: "token"},
		{name: "payload and dot", givenCaller: orgA, whenToken: body + ".", whenField: "token", expectField: "token"},
		{name: "appended character", givenCaller: orgA, whenToken: good + "x", whenField: "token", expectField: "token"},
		{name: "truncated", givenCaller: orgA, whenToken: good[:len(good)-4], whenField: "token", expectField: "token"},
		{name: "payload tampered", givenCaller: orgA, whenToken: flip(good, 5), whenField: "pagination.token", expectField: "pagination.token"},
		{name: "signature tampered", givenCaller: orgA, whenToken: flip(good, len(body)+3), whenField: "token", expectField: "token"},
		{name: "organization swapped in the payload", givenCaller: orgB, whenToken: swapped, whenField: "token", expectField: "token"},
		{name: "signature of another token", givenCaller: orgA, whenToken: body + "." + goodSig, whenField: "token", expectField: "token"},
		{name: "token of another organization", givenCaller: orgA, whenToken: goodB, whenField: "pagination.token", expectField: "pagination.token"},
		{name: "token of another organization, other way round", givenCaller: orgB, whenToken: good, whenField: "token", expectField: "token"},
		{name: "token of the SSO list", givenCaller: orgA, whenToken: ssoToken, whenField: "token", expectField: "token"},
		{name: "token of another store", givenCaller: orgA, whenToken: foreign, whenField: "token", expectField: "token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := st.Snapshot()
			items, next, err := st.ListSCIM(as(tt.givenCaller), store.PageRequest{Token: tt.whenToken, Size: 2, TokenField: tt.whenField})
			checkErr(t, err, store.ErrInvalidArgument, msgBadPageToken(tt.expectField))
			if items != nil || next != "" {
				t.Fatalf("error with items %v and token %q", items, next)
			}
			checkUnchanged(t, st, before)
		})
	}
	// The genuine tokens work, for their own organization.
	for _, c := range []struct{ org, token string }{{orgA, good}, {orgB, goodB}} {
		if _, _, err := st.ListSCIM(as(c.org), store.PageRequest{Token: c.token, Size: 2}); err != nil {
			t.Fatalf("genuine token of %s: %v", c.org, err)
		}
	}
	// And a SCIM token is refused by the SSO list.
	_, _, err = st.ListSSO(as(orgA), orgA, store.PageRequest{Token: good, TokenField: "token"})
	checkErr(t, err, store.ErrInvalidArgument, "token: not a page token issued by this server for ListSSOConfigurations")
}

// A page token stays valid after its last item is deleted, and after the page size changes.
func TestListSCIMTokenSurvivesDeletion(t *testing.T) {
	tests := []struct {
		name           string
		whenDeleteLast bool // delete the last item of the first page before fetching the next
		whenNextSize   int
	}{
		{name: "cursor item kept", whenNextSize: 2},
		{name: "cursor item deleted", whenDeleteLast: true, whenNextSize: 2},
		{name: "cursor item deleted, bigger page", whenDeleteLast: true, whenNextSize: 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, clk := newStore(t)
			for range 5 {
				clk.Advance(time.Second)
				mustCreate(t, st, orgA, ssoA1, "")
			}
			all := walk(t, st, orgA, 100) // 6 items in order
			first, next, err := st.ListSCIM(as(orgA), store.PageRequest{Size: 2})
			checkErr(t, err, nil, "")
			if !slices.Equal(ids(first), all[:2]) {
				t.Fatalf("first page %v, want %v", ids(first), all[:2])
			}
			if tt.whenDeleteLast {
				checkErr(t, st.DeleteSCIM(as(orgA), all[1]), nil, "")
			}
			second, _, err := st.ListSCIM(as(orgA), store.PageRequest{Token: next, Size: tt.whenNextSize})
			checkErr(t, err, nil, "")
			want := all[2:min(2+tt.whenNextSize, len(all))]
			if !slices.Equal(ids(second), want) {
				t.Fatalf("second page %v, want %v", ids(second), want)
			}
		})
	}
}

// Property: walking the pages while records are created and deleted between page fetches lists
// every record that exists throughout the walk exactly once, and nothing twice.
func TestListSCIMWalkWhileMutating(t *testing.T) {
	tests := []struct {
		name             string
		givenSeed        uint64
		givenBase        int
		whenPageSize     int
		whenChurn        int  // mutations between two page fetches
		whenDeleteCursor bool // also delete the last item of every other page before the next fetch
	}{
		{name: "k=1", givenSeed: 1, givenBase: 30, whenPageSize: 1, whenChurn: 2},
		{name: "k=2", givenSeed: 2, givenBase: 40, whenPageSize: 2, whenChurn: 3},
		{name: "k=3 heavy churn", givenSeed: 3, givenBase: 40, whenPageSize: 3, whenChurn: 10},
		{name: "k=7", givenSeed: 4, givenBase: 100, whenPageSize: 7, whenChurn: 5},
		{name: "k=25 default-sized", givenSeed: 5, givenBase: 120, whenPageSize: 25, whenChurn: 20},
		{name: "k=1 cursor deleted", givenSeed: 6, givenBase: 30, whenPageSize: 1, whenChurn: 2, whenDeleteCursor: true},
		{name: "k=4 cursor deleted", givenSeed: 7, givenBase: 60, whenPageSize: 4, whenChurn: 6, whenDeleteCursor: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, clk := newStore(t)
			r := rand.New(rand.NewPCG(tt.givenSeed, 0))
			// Coarse random times: many ties, and records created during the walk land both
			// before and after the cursor.
			randomTime := func() { clk.Set(t0.Add(time.Duration(r.IntN(40)-20) * time.Minute)) }

			alive := map[string]bool{scimA: true} // acme records existing now
			stable := map[string]bool{scimA: true}
			for range tt.givenBase {
				randomTime()
				c := mustCreate(t, st, orgA, ssoA1, "base")
				alive[c.ID], stable[c.ID] = true, true
			}
			pick := func() string {
				keys := make([]string, 0, len(alive))
				for id := range alive {
					keys = append(keys, id)
				}
				slices.Sort(keys)
				return keys[r.IntN(len(keys))]
			}
			del := func(id string) {
				checkErr(t, st.DeleteSCIM(as(orgA), id), nil, "")
				delete(alive, id)
				delete(stable, id) // it did not exist throughout the walk
			}

			seen := map[string]int{}
			token := ""
			for pages := 0; ; pages++ {
				if pages > 10000 {
					t.Fatal("walk does not end")
				}
				items, next, err := st.ListSCIM(as(orgA), store.PageRequest{Token: token, Size: tt.whenPageSize, TokenField: "token"})
				checkErr(t, err, nil, "")
				if len(items) > tt.whenPageSize || (next != "" && len(items) != tt.whenPageSize) {
					t.Fatalf("page %d: %d items, next token %q", pages, len(items), next)
				}
				for _, it := range items {
					if it.OrganizationID != orgA {
						t.Fatalf("page %d lists %s of organization %s", pages, it.ID, it.OrganizationID)
					}
					if !alive[it.ID] {
						t.Fatalf("page %d lists %s, which does not exist", pages, it.ID)
					}
					seen[it.ID]++
				}
				if next == "" {
					break
				}
				token = next
				if tt.whenDeleteCursor && pages%2 == 1 && len(items) > 0 {
					del(items[len(items)-1].ID)
				}
				for range tt.whenChurn {
					randomTime()
					switch n := r.IntN(10); {
					case n < 4:
						c := mustCreate(t, st, orgA, ssoA1, "churn")
						alive[c.ID] = true
					case n < 6:
						mustCreate(t, st, orgB, ssoB1, "other org")
					case n < 9:
						if len(alive) > 0 {
							del(pick())
						}
					default:
						if len(alive) > 0 {
							id := pick()
							if _, err := st.UpdateSCIM(as(orgA), store.SCIMUpdate{ID: id, Name: ptr("renamed")}); err != nil {
								t.Fatal(err)
							}
							if _, err := st.RegenerateSCIMToken(as(orgA), id, nil); err != nil {
								t.Fatal(err)
							}
						}
					}
				}
			}
			for id, n := range seen {
				if n != 1 {
					t.Errorf("%s listed %d times", id, n)
				}
			}
			for id := range stable {
				if seen[id] != 1 {
					t.Errorf("%s existed throughout the walk but was listed %d times", id, seen[id])
				}
			}
			if len(stable) < tt.givenBase/4 || len(seen) <= len(stable) {
				t.Fatalf("%d records survived the walk, %d listed: the property was not exercised", len(stable), len(seen))
			}
		})
	}
}

// The same property with a goroutine mutating the store while the walk runs.
func TestListSCIMWalkWithConcurrentWriter(t *testing.T) {
	for _, k := range []int{1, 3, 10} {
		t.Run(fmt.Sprint("k=", k), func(t *testing.T) {
			st, clk := newStore(t)
			stable := []string{scimA}
			for i := range 50 {
				clk.Set(t0.Add(time.Duration(i%10) * time.Minute))
				stable = append(stable, mustCreate(t, st, orgA, ssoA1, "base").ID)
			}
			stop := make(chan struct{})
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := rand.New(rand.NewPCG(uint64(k), 9))
				var mine []string
				for {
					select {
					case <-stop:
						return
					default:
					}
					clk.Set(t0.Add(time.Duration(r.IntN(12)-1) * time.Minute))
					if len(mine) > 0 && r.IntN(2) == 0 {
						i := r.IntN(len(mine))
						if err := st.DeleteSCIM(as(orgA), mine[i]); err != nil {
							t.Error(err)
							return
						}
						mine = slices.Delete(mine, i, i+1)
						continue
					}
					c, err := st.CreateSCIM(as(orgA), store.SCIMCreate{OrganizationID: orgA, SSOConfigurationID: ssoA2})
					if err != nil {
						t.Error(err)
						return
					}
					mine = append(mine, c.ID)
				}
			}()
			var seen map[string]int
			func() {
				defer func() { close(stop); wg.Wait() }()
				seen = map[string]int{}
				for _, id := range walk(t, st, orgA, k) {
					seen[id]++
				}
			}()
			for id, n := range seen {
				if n != 1 {
					t.Errorf("%s listed %d times", id, n)
				}
			}
			for _, id := range stable {
				if seen[id] != 1 {
					t.Errorf("%s existed throughout the walk but was listed %d times", id, seen[id])
				}
			}
		})
	}
}

// Regression: page tokens carried createdAt as Unix nanoseconds, which cannot represent times
// before 1678 or after 2262. Such a createdAt is accepted by New (and by the fixture loader,
// which takes any RFC 3339 time), and then paging skips or repeats records.
func TestListSCIMCreatedAtOutsideUnixNanoRange(t *testing.T) {
	tests := []struct {
		name       string
		givenTimes []time.Time
	}{
		{name: "before 1678", givenTimes: []time.Time{
			time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC),
			time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC),
			time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		}},
		{name: "after 2262", givenTimes: []time.Time{
			time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
			time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC),
			time.Date(2400, 1, 1, 0, 0, 0, 0, time.UTC),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := fixtureData()
			data.SCIMConfigurations = data.SCIMConfigurations[1:] // keep only globex's
			var want []string
			for i, at := range tt.givenTimes {
				id := fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1)
				data.SCIMConfigurations = append(data.SCIMConfigurations, store.SCIMConfiguration{
					ID: id, OrganizationID: orgA, SSOConfigurationID: ssoA1, CreatedAt: at, UpdatedAt: at,
					TokenExpiresAt: at.Add(day), Token: fmt.Sprint("scim-token-", i), TokenLifetime: day,
				})
				want = append(want, id)
			}
			st, _ := newStoreFrom(t, data, 1)
			if got := walk(t, st, orgA, 100); !slices.Equal(got, want) {
				t.Fatalf("one page: %v, want %v", got, want)
			}
			if got := walk(t, st, orgA, 1); !slices.Equal(got, want) {
				t.Fatalf("pages of 1 list %v, want %v", got, want)
			}
		})
	}
}
