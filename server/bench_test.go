package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gitpod-mock/orgmock/fixtures"
	"github.com/gitpod-mock/orgmock/mocktest"
	"github.com/gitpod-mock/orgmock/server"
)

// BenchmarkOperations serves each operation in-process with its documented request examples,
// so regressions show in ns/op and allocations:
//
//	go test -run '^$' -bench Operations -benchmem ./server/
//
// The calls come from the contract: a new operation is measured as soon as it documents an
// example. An example that succeeds only once (a delete) is measured on a fresh state each
// time, with the reset outside the timer.
func BenchmarkOperations(b *testing.B) {
	srv, err := server.New(server.Options{Limits: server.Limits{JournalSize: 16}})
	if err != nil {
		b.Fatal(err)
	}
	send := func(r mocktest.Request) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, r.HTTP(b, "http://bench.test"))
		return rec
	}
	reset := mocktest.Request{Path: server.ControlPrefix + "/reset", Body: []byte{}}
	for _, r := range srv.Spec().Operations() {
		examples := r.RequestExamples()
		names := make([]string, 0, len(examples))
		for name := range examples {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			body := examples[name]
			call := mocktest.Request{Method: r.Method, Path: r.Path, Token: mocktest.AcmeToken, Body: body}
			b.Run(r.OperationID()+"/"+name, func(b *testing.B) {
				send(reset)
				first, again := send(call), send(call)
				if first.Code != http.StatusOK {
					b.Fatalf("%s: %d %s", r.OperationID(), first.Code, first.Body)
				}
				once := again.Code != http.StatusOK
				b.ReportAllocs()
				for b.Loop() {
					if once {
						b.StopTimer()
						send(reset)
						b.StartTimer()
					}
					rec := httptest.NewRecorder()
					srv.ServeHTTP(rec, call.HTTP(b, "http://bench.test"))
					if rec.Code != http.StatusOK {
						b.Fatalf("%s: %d %s", r.OperationID(), rec.Code, rec.Body)
					}
				}
			})
		}
	}
}

// BenchmarkDurableWrite is what an acknowledged change costs with --state-file when the
// session holds 1k, 10k and 100k records (SCIM configurations of one organization), each
// write synced before its answer, against a Get that writes nothing:
//
//	go test -run '^$' -bench DurableWrite -benchtime 200x ./server/
func BenchmarkDurableWrite(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		file := filepath.Join(b.TempDir(), "state.db")
		srv, err := server.New(server.Options{Fixtures: scaledFixtures(b, n), StateFile: file,
			Limits: server.Limits{JournalSize: 16}})
		if err != nil {
			b.Fatal(err)
		}
		send := func(b *testing.B, r mocktest.Request) {
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, r.HTTP(b, "http://bench.test"))
			if rec.Code != http.StatusOK {
				b.Fatalf("%s: %d %s", r.Operation, rec.Code, rec.Body)
			}
		}
		middle := map[string]any{"scimConfigurationId": scaledID(n / 2)}
		rename := map[string]any{"scimConfigurationId": scaledID(n / 2), "name": "renamed"}
		create := map[string]any{"organizationId": mocktest.AcmeOrgID, "ssoConfigurationId": mocktest.AcmeSSOID, "name": "new"}
		send(b, mocktest.Request{Operation: "UpdateSCIMConfiguration", Token: mocktest.AcmeToken, Body: rename}) // the first write holds every record
		for _, c := range []struct {
			name string
			req  mocktest.Request
		}{
			{"Get", mocktest.Request{Operation: "GetSCIMConfiguration", Token: mocktest.AcmeToken, Body: middle}},
			{"Update", mocktest.Request{Operation: "UpdateSCIMConfiguration", Token: mocktest.AcmeToken, Body: rename}},
			{"Create", mocktest.Request{Operation: "CreateSCIMConfiguration", Token: mocktest.AcmeToken, Body: create}},
		} {
			b.Run(fmt.Sprintf("n=%d/%s", n, c.name), func(b *testing.B) {
				for b.Loop() {
					send(b, c.req)
				}
				if info, err := os.Stat(file); err == nil {
					b.ReportMetric(float64(info.Size())/float64(n), "file-B/record")
				}
			})
		}
		srv.Close()
	}
}

// scaledID is the id of the i-th generated SCIM configuration.
func scaledID(i int) string { return fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i) }

// scaledFixtures is the default fixture set with n more SCIM configurations in Acme.
func scaledFixtures(b *testing.B, n int) fs.FS {
	fsys := fstest.MapFS{}
	names, err := fs.Glob(fixtures.Default(), "*.json")
	if err != nil {
		b.Fatal(err)
	}
	for _, name := range names {
		data, err := fs.ReadFile(fixtures.Default(), name)
		if err != nil {
			b.Fatal(err)
		}
		fsys[name] = &fstest.MapFile{Data: data}
	}
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	recs := make([]map[string]any, n)
	for i := range recs {
		at := base.Add(time.Duration(i) * time.Second).Format(time.RFC3339)
		recs[i] = map[string]any{"id": scaledID(i), "organizationId": mocktest.AcmeOrgID, "name": fmt.Sprint("scim-", i),
			"enabled": true, "ssoConfigurationId": mocktest.AcmeSSOID, "createdAt": at, "updatedAt": at,
			"tokenExpiresAt": "2027-06-01T00:00:00Z", "token": fmt.Sprintf("scale-token-%043d", i), "tokenExpiresIn": "31536000s"}
	}
	doc, err := json.Marshal(map[string]any{"scimConfigurations": recs})
	if err != nil {
		b.Fatal(err)
	}
	fsys["zz-scale.json"] = &fstest.MapFile{Data: doc}
	return fsys
}

// BenchmarkProtocols is UpdateSCIMConfiguration in-process in Connect's JSON codec (straight
// to the pipeline) and in its binary codec (through the transcoder), side by side:
//
//	go test -run '^$' -bench Protocols -benchmem ./server/
func BenchmarkProtocols(b *testing.B) {
	srv, err := server.New(server.Options{Limits: server.Limits{JournalSize: 16}})
	if err != nil {
		b.Fatal(err)
	}
	id := "d2c94c27-3b76-4a42-b88c-95a85e392c68"
	for _, c := range []struct {
		name, contentType string
		body              []byte
	}{
		{"connect+json", "application/json", []byte(`{"scimConfigurationId":"` + id + `"}`)},
		{"connect+proto", "application/proto", append([]byte{0x0a, 36}, id...)},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, "/gitpod.v1.OrganizationService/UpdateSCIMConfiguration", bytes.NewReader(c.body))
				req.Header.Set("Content-Type", c.contentType)
				req.Header.Set("Connect-Protocol-Version", "1")
				req.Header.Set("Authorization", "Bearer "+mocktest.AcmeToken)
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%d %s", rec.Code, rec.Body)
				}
			}
		})
	}
}
