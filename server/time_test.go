package server_test

import (
	"bytes"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gitpod-mock/orgmock/mocktest"
	"github.com/gitpod-mock/orgmock/server"
)

// TestTimeStaysInRange: no clock, import, fixture or write reaches an instant an RFC 3339
// timestamp cannot show (years 0001-9999). Before, a clock set to 9999-06-01 let a Create
// store its record and then answer 500 `Time.MarshalJSON: year outside of range`, and every
// later List, export and write answered 500.
func TestTimeStaysInRange(t *testing.T) {
	late := time.Date(9999, 6, 1, 0, 0, 0, 0, time.UTC)
	srv := mocktest.Start(t, mocktest.WithClock(late))
	ctl := srv.Control()
	before := srv.Store().Snapshot()
	expect := func(res *mocktest.Response, status int, code, message string) {
		t.Helper()
		b := res.JSON(t)
		if res.Status != status || b["code"] != code || b["message"] != message {
			t.Errorf("got %d %s,\nwant %d %s %q", res.Status, res.Body, status, code, message)
		}
		if after := srv.Store().Snapshot(); !reflect.DeepEqual(before, after) {
			t.Errorf("a refused write changed the state")
		}
	}
	expect(srv.Post(t, "CreateSCIMConfiguration", mocktest.AcmeToken, createBody(nil)), 400, "invalid_argument",
		"tokenExpiresIn: the token would expire after 9999-12-31T23:59:59.999Z, the last instant the API can show")
	expect(srv.Post(t, "RegenerateSCIMToken", mocktest.AcmeToken, scimID(nil)), 400, "invalid_argument",
		"tokenExpiresIn: the token would expire after 9999-12-31T23:59:59.999Z, the last instant the API can show")
	for _, op := range []string{"ListSCIMConfigurations", "GetSCIMConfiguration"} {
		if res := srv.Post(t, op, mocktest.AcmeToken, scimID(nil)); res.Status == 500 {
			t.Errorf("%s after refused writes: %d %s", op, res.Status, res.Body)
		}
	}
	if !bytes.Contains(ctl.State(t), []byte(mocktest.AcmeSCIMID)) {
		t.Errorf("the state no longer exports")
	}

	// The clock: the last instant is fine, past it is refused, by set or advance.
	end := time.Date(9999, 12, 31, 23, 59, 59, 999_000_000, time.UTC)
	if got := ctl.SetClock(t, end); !got.Equal(end) {
		t.Fatalf("clock %v", got)
	}
	// The last instant stamps one more change of a record; the next has no instant left.
	if res := srv.Post(t, "UpdateSCIMConfiguration", mocktest.AcmeToken, scimID(nil)); res.Status != 200 {
		t.Fatalf("update at the last instant: %d %s", res.Status, res.Body)
	}
	before = srv.Store().Snapshot()
	expect(srv.Post(t, "UpdateSCIMConfiguration", mocktest.AcmeToken, scimID(nil)), 400, "failed_precondition",
		"the clock stands at 9999-12-31T23:59:59.999Z: no instant within 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59.999Z is left to stamp the change with")
	for body, want := range map[string]string{
		`{"advance":"1ms"}`:      "advance: would move the clock past 9999-12-31T23:59:59.999Z",
		`{"advance":"2562047h"}`: "advance: would move the clock past 9999-12-31T23:59:59.999Z",
	} {
		res := ctl.Do(t, http.MethodPost, "/clock", jsonRaw(body))
		if res.Status != 400 || res.JSON(t)["message"] != want {
			t.Errorf("%s: %d %s", body, res.Status, res.Body)
		}
	}
	if now := ctl.Now(t); !now.Equal(end) {
		t.Errorf("a refused move moved the clock to %v", now)
	}

	// An import whose updatedAt is the last instant: the next Update has nothing left.
	real := mocktest.Start(t)
	doc := strings.Replace(string(real.Control().State(t)), `"updatedAt": "2026-01-10T12:00:00Z"`, `"updatedAt": "9999-12-31T23:59:59.999Z"`, 1)
	real.Control().SetState(t, []byte(doc))
	res := real.Post(t, "UpdateSCIMConfiguration", mocktest.AcmeToken, scimID(nil))
	if res.Status != 400 || res.JSON(t)["code"] != "failed_precondition" {
		t.Errorf("update after the last instant: %d %s", res.Status, res.Body)
	}
	if res := real.Post(t, "ListSCIMConfigurations", mocktest.AcmeToken, map[string]any{}); res.Status != 200 {
		t.Errorf("list: %d %s", res.Status, res.Body)
	}
	// Imports and fixtures out of range are refused, naming the field.
	bad := strings.Replace(string(real.Control().State(t)), `"createdAt": "2026-01-10T12:00:00Z"`, `"createdAt": "0000-06-01T00:00:00Z"`, 1)
	put := real.Control().Do(t, http.MethodPut, "/state", jsonRaw(bad))
	if put.Status != 400 || !strings.Contains(put.JSON(t)["message"].(string), "createdAt: must lie within 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59.999Z") {
		t.Errorf("import of year 0: %d %s", put.Status, put.Body)
	}
	zero := time.Date(0, 6, 1, 0, 0, 0, 0, time.UTC)
	if _, err := server.New(server.Options{Replay: server.Replay{Clock: &zero}}); err == nil ||
		!strings.Contains(err.Error(), "clock: must lie within") {
		t.Errorf("a clock in year 0: %v", err)
	}
}

// jsonRaw is a body sent as it is.
type jsonRaw string

func (j jsonRaw) MarshalJSON() ([]byte, error) { return []byte(j), nil }
