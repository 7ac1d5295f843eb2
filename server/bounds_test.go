package server_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/gitpod-mock/orgmock/mocktest"
	"github.com/gitpod-mock/orgmock/server"
)

// memoryBound is what the mock may hold with the default limits, whatever callers send.
const memoryBound = 256 << 20

// TestMemoryIsBounded: 50,000 calls with fresh session names and 2,000 refused bodies just
// under 1 MiB leave the heap under memoryBound (a quarter of each under the race detector). Before, 20k unauthenticated session names
// cost over 100 MB, and 2k refused 1 MiB bodies 2.6 GB, kept by the journal.
func TestMemoryIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("52,000 calls")
	}
	srv, err := server.New(server.Options{StrictAuth: true})
	if err != nil {
		t.Fatal(err)
	}
	send := func(session, token, body string) int {
		req := httptest.NewRequest(http.MethodPost, mocktest.ServicePath+"UpdateSCIMConfiguration", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set(server.SessionHeader, session)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec.Code
	}
	peak := uint64(0)
	sample := func() {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		peak = max(peak, m.HeapInuse)
	}
	good := `{"scimConfigurationId":"` + mocktest.AcmeSCIMID + `","name":"bounded"}`
	for i := range 50_000 / raceScale {
		token := mocktest.AcmeToken
		if i%2 == 1 {
			token = "not-a-principal" // refused under StrictAuth: makes no session
		}
		if code := send(fmt.Sprint("fresh-", i), token, good); code != 200 && code != 401 {
			t.Fatalf("call %d: %d", i, code)
		}
		if i%5000 == 0 {
			sample()
		}
	}
	huge := []byte(`{"scimConfigurationId":"` + mocktest.AcmeSCIMID + `","name":"` + strings.Repeat("n", (1<<20)-200) + `"}`)
	for i := range 2000 / raceScale {
		if code := send(fmt.Sprint("huge-", i%10), mocktest.AcmeToken, string(huge)); code != 400 {
			t.Fatalf("huge body %d: %d", i, code)
		}
		if i%500 == 0 {
			sample()
		}
	}
	sample()
	t.Logf("peak heap in use %d MB (bound %d MB), %d sessions, journals %d KB", peak>>20, memoryBound>>20,
		srv.SessionCount(), srv.JournalBytes()>>10)
	if peak > memoryBound {
		t.Errorf("peak heap in use %d MB, over the %d MB bound", peak>>20, memoryBound>>20)
	}
	if srv.SessionCount() > server.DefaultMaxSessions {
		t.Errorf("%d sessions, over the %d limit", srv.SessionCount(), server.DefaultMaxSessions)
	}
}
