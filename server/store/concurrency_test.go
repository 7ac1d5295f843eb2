package store_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gitpod-mock/orgmock/server/store"
)

// Many goroutines create, update, regenerate, list, read and delete SCIM configurations in
// both organizations at once (run with -race). Afterwards each goroutine's surviving records
// are intact and the token index matches the records exactly.
func TestConcurrentSCIMOperations(t *testing.T) {
	tests := []struct {
		name         string
		givenWorkers int
		whenRounds   int
	}{
		{name: "8 workers", givenWorkers: 8, whenRounds: 40},
		{name: "32 workers", givenWorkers: 32, whenRounds: 15},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, clk := newStore(t)
			type kept struct {
				org, id, name, token string
			}
			results := make([][]kept, tt.givenWorkers)
			var wg sync.WaitGroup
			for w := range tt.givenWorkers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					org, sso, other := orgA, ssoA1, orgB
					if w%2 == 1 {
						org, sso, other = orgB, ssoB1, orgA
					}
					for i := range tt.whenRounds {
						clk.Advance(time.Millisecond)
						name := fmt.Sprintf("w%d-%d", w, i)
						c, err := st.CreateSCIM(as(org), store.SCIMCreate{OrganizationID: org, SSOConfigurationID: sso, Name: name})
						if err != nil {
							t.Errorf("create: %v", err)
							return
						}
						u, err := st.UpdateSCIM(as(org), store.SCIMUpdate{ID: c.ID, Enabled: ptr(false)})
						if err != nil || u.UpdatedAt.Compare(c.UpdatedAt) <= 0 {
							t.Errorf("update: %v, updatedAt %v after %v", err, u.UpdatedAt, c.UpdatedAt)
							return
						}
						r, err := st.RegenerateSCIMToken(as(org), c.ID, ptr(2*day))
						if err != nil {
							t.Errorf("regenerate: %v", err)
							return
						}
						if _, err := st.GetSCIM(as(other), c.ID); err == nil {
							t.Errorf("another organization read %s", c.ID)
						}
						if _, _, err := st.ListSCIM(as(org), store.PageRequest{Size: 5}); err != nil {
							t.Errorf("list: %v", err)
						}
						st.Authenticate(tokenA, false)
						st.SCIMTokenOwner(r.Token)
						if i%3 == 0 {
							_ = st.Snapshot()
						}
						if i%2 == 0 {
							if err := st.DeleteSCIM(as(org), c.ID); err != nil {
								t.Errorf("delete: %v", err)
							}
							continue
						}
						results[w] = append(results[w], kept{org: org, id: c.ID, name: name, token: r.Token})
					}
				}()
			}
			wg.Wait()
			if t.Failed() {
				return
			}

			want := 2 // fixture records
			for _, ks := range results {
				for _, k := range ks {
					want++
					c, err := st.GetSCIM(as(k.org), k.id)
					checkErr(t, err, nil, "")
					if c.Name != k.name || c.Enabled || c.Token != k.token || c.TokenLifetime != 2*day {
						t.Fatalf("record %s: %+v", k.id, c)
					}
					if id, ok := st.SCIMTokenOwner(k.token); !ok || id != k.id {
						t.Fatalf("token of %s resolves to %q, %v", k.id, id, ok)
					}
				}
			}
			snap := st.Snapshot()
			if len(snap.SCIMConfigurations) != want {
				t.Fatalf("%d SCIM configurations, want %d", len(snap.SCIMConfigurations), want)
			}
			var byOrg = map[string][]string{}
			for _, c := range snap.SCIMConfigurations {
				if id, ok := st.SCIMTokenOwner(c.Token); !ok || id != c.ID {
					t.Fatalf("token of %s resolves to %q, %v", c.ID, id, ok)
				}
				byOrg[c.OrganizationID] = append(byOrg[c.OrganizationID], c.ID)
			}
			for _, org := range []string{orgA, orgB} {
				got := walk(t, st, org, 7)
				slices.Sort(got)
				if !slices.Equal(got, byOrg[org]) {
					t.Fatalf("walk of %s: %d records, want %d", org, len(got), len(byOrg[org]))
				}
			}
		})
	}
}

// Concurrent updates of one record: every update gets a distinct, strictly later updatedAt
// even though the clock stands still.
func TestConcurrentUpdatesOfOneRecord(t *testing.T) {
	st, _ := newStore(t)
	const workers, each = 16, 25
	stamps := make(chan time.Time, workers*each)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				c, err := st.UpdateSCIM(as(orgA), store.SCIMUpdate{ID: scimA, Name: ptr("x")})
				if err != nil {
					t.Error(err)
					return
				}
				stamps <- c.UpdatedAt
			}
		}()
	}
	wg.Wait()
	close(stamps)
	seen := map[time.Time]bool{}
	for s := range stamps {
		if seen[s] {
			t.Fatalf("updatedAt %v given twice", s)
		}
		seen[s] = true
	}
	// The clock stays at t0 (after the fixture's updatedAt): stamps are t0ms, t0ms+1ms, ...
	c, _ := st.GetSCIM(as(orgA), scimA)
	if want := t0ms.Add((workers*each - 1) * time.Millisecond); c.UpdatedAt != want {
		t.Fatalf("final updatedAt %v, want %v", c.UpdatedAt, want)
	}
}
