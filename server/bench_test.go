package server_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

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
