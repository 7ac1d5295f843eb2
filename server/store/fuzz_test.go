package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/gitpod-mock/orgmock/fixtures"
	"github.com/gitpod-mock/orgmock/server/store"
)

// FuzzPageToken feeds arbitrary page tokens to both List operations: each is either a page
// or an invalid_argument, never a panic, and never for another organization's list.
//
//	go test -run '^$' -fuzz FuzzPageToken -fuzztime 10m ./server/store/
func FuzzPageToken(f *testing.F) {
	data, err := fixtures.Load(fixtures.Default())
	if err != nil {
		f.Fatal(err)
	}
	st, err := store.New(data, store.Options{Pages: pages})
	if err != nil {
		f.Fatal(err)
	}
	const (
		acme        = "b0e12f6c-4c67-429d-a4a6-d9838b5da047"
		acmeAdmin   = "3f1d2c4b-5a6e-4f70-8b9c-0d1e2f3a4b5c" // the default fixtures' users
		globexAdmin = "8a7b6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d"
	)
	for i := 0; i < 5; i++ {
		if _, err := st.CreateSCIM(acmeAdmin, store.SCIMCreate{OrganizationID: acme, SSOConfigurationID: "d2c94c27-3b76-4a42-b88c-95a85e392c68"}); err != nil {
			f.Fatal(err)
		}
	}
	_, real, err := st.ListSCIM(acmeAdmin, store.PageRequest{Size: 2})
	if err != nil || real == "" {
		f.Fatalf("no page token to seed with: %v", err)
	}
	f.Add(real, 2)
	f.Add(real+"x", 1)
	f.Add("", 0)
	f.Add("next-page-token-from-previous-response", 20)
	f.Add("eyJsIjoiTGlzdFNDSU1Db25maWd1cmF0aW9ucyJ9.AAAA", 101)
	f.Add(".", -5)
	f.Fuzz(func(t *testing.T, token string, size int) {
		req := store.PageRequest{Token: token, Size: size, TokenField: "token"}
		items, next, err := st.ListSCIM(acmeAdmin, req)
		if err != nil {
			if !errors.Is(err, store.ErrInvalidArgument) {
				t.Fatalf("token %q size %d: %v, want an invalid argument", token, size, err)
			}
			return
		}
		for _, it := range items {
			if it.OrganizationID != acme {
				t.Fatalf("listed another organization's record")
			}
		}
		if token != "" && token != real {
			// Only tokens this store signed are accepted.
			if _, _, err := st.ListSSO(acmeAdmin, acme, req); err == nil {
				t.Fatalf("a SCIM page token %q was accepted by the SSO list", token)
			}
		}
		_ = next
		if _, _, err := st.ListSCIM(globexAdmin, req); token != "" && err == nil {
			t.Fatalf("token %q of one organization was accepted for another", token)
		}
	})
}

// FuzzFixtures loads arbitrary fixture documents: each is refused with a message or loads
// into a store, and what loads survives Encode and Parse unchanged.
//
//	go test -run '^$' -fuzz FuzzFixtures -fuzztime 10m ./server/store/
func FuzzFixtures(f *testing.F) {
	raw, err := fixtures.Encode(mustLoad(f))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"organizations":[{"id":"b0e12f6c-4c67-429d-a4a6-d9838b5da047","default":true,"default":false}]}`))
	f.Add([]byte(`{"scimConfigurations":[{"id":"x","token":""}]} {}`))
	f.Add([]byte(`{"ssoConfigurations":[{"createdAt":"2026-13-01T00:00:00Z"}]}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		data, err := fixtures.Parse("fuzz.json", doc)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("a refusal without a message")
			}
			return
		}
		if _, err := store.New(data, store.Options{Now: func() time.Time { return time.Unix(0, 0) }, Pages: pages}); err != nil {
			t.Fatalf("a loaded fixture set does not make a store: %v", err)
		}
		again, err := fixtures.Encode(data)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fixtures.Parse("again.json", again); err != nil {
			t.Fatalf("Encode of a loaded set does not load again: %v\n%s", err, again)
		}
	})
}

func mustLoad(f *testing.F) store.Data {
	data, err := fixtures.Load(fixtures.Default())
	if err != nil {
		f.Fatal(err)
	}
	return data
}
