package store_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/gitpod-mock/orgmock/server/store"
)

// scaled is the fixture data with n more SCIM configurations in acme.
func scaled(n int) store.Data {
	d := fixtureData()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		d.SCIMConfigurations = append(d.SCIMConfigurations, store.SCIMConfiguration{
			ID: fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i), OrganizationID: orgA, Name: fmt.Sprint("scim-", i),
			Enabled: true, SSOConfigurationID: ssoA1, CreatedAt: base.Add(time.Duration(i) * time.Second),
			UpdatedAt: base.Add(time.Duration(i) * time.Second), TokenExpiresAt: base.Add(365 * day),
			Token: fmt.Sprint("scale-token-", i), TokenLifetime: 365 * day,
		})
	}
	return d
}

// BenchmarkScale: what a call costs with 1k, 10k and 100k records in one organization:
//
//	go test -run '^$' -bench Scale -benchmem ./server/store/
func BenchmarkScale(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		data := scaled(n)
		st, _ := newStoreFrom(b, data, 1)
		id := data.SCIMConfigurations[len(data.SCIMConfigurations)/2].ID
		b.Run(fmt.Sprintf("n=%d/Get", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := st.GetSCIM(as(orgA), id); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("n=%d/Update", n), func(b *testing.B) {
			name := "renamed"
			for b.Loop() {
				if _, err := st.UpdateSCIM(as(orgA), store.SCIMUpdate{ID: id, Name: &name}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("n=%d/Create", n), func(b *testing.B) { // n grows by b.N here
			for b.Loop() {
				if _, err := st.CreateSCIM(as(orgA), store.SCIMCreate{OrganizationID: orgA, SSOConfigurationID: ssoA1}); err != nil {
					b.Fatal(err)
				}
			}
		})
		st, _ = newStoreFrom(b, data, 1) // without what Create added
		middle := ""
		for range n / 200 { // to the middle, a page of 100 at a time
			_, next, err := st.ListSCIM(as(orgA), store.PageRequest{Size: 100, Token: middle})
			if err != nil {
				b.Fatal(err)
			}
			middle = next
		}
		b.Run(fmt.Sprintf("n=%d/List100", n), func(b *testing.B) {
			for b.Loop() {
				if items, _, err := st.ListSCIM(as(orgA), store.PageRequest{Size: 100, Token: middle}); err != nil || len(items) != 100 {
					b.Fatal(err, len(items))
				}
			}
		})
	}
}

// TestMemoryPerRecord states what a SCIM configuration costs the store (logged).
func TestMemoryPerRecord(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 50k records")
	}
	measure := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	const n = 50_000
	before := measure()
	st, _ := newStoreFrom(t, scaled(n), 2)
	after := measure()
	runtime.KeepAlive(st)
	per := (after - before) / n
	t.Logf("%d bytes per SCIM configuration in the store (strings and index included)", per)
	if per > 4096 {
		t.Errorf("%d bytes per record", per)
	}
}
