package server_test

import (
	"bytes"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"github.com/gitpod-mock/orgmock/fixtures"
	"github.com/gitpod-mock/orgmock/mocktest"
	"github.com/gitpod-mock/orgmock/server"
)

// TestControlPlaneAccess: open by default, locked by a control token (compared in constant
// time), gone with NoControl; the API itself is never affected.
func TestControlPlaneAccess(t *testing.T) {
	get := map[string]any{"scimConfigurationId": mocktest.AcmeSCIMID}
	t.Run("open by default", func(t *testing.T) {
		srv := mocktest.Start(t)
		if res := mocktest.NewControl(srv.URL, "").Do(t, http.MethodPost, "/reset", nil); res.Status != 200 {
			t.Fatalf("reset: %d %s", res.Status, res.Body)
		}
	})
	t.Run("locked", func(t *testing.T) {
		srv := mocktest.Start(t, mocktest.WithOptions(server.Options{Control: server.Control{Token: "s3cret-control"}}))
		srv.Post(t, "DeleteSCIMConfiguration", mocktest.AcmeToken, get)
		for name, token := range map[string]string{"no token": "", "wrong token": "s3cret-contro", "API token": mocktest.AcmeToken} {
			c := mocktest.NewControl(srv.URL, "")
			c.Token = token
			for _, call := range []struct{ method, path string }{{"POST", "/reset"}, {"GET", "/requests"}, {"GET", "/state"},
				{"PUT", "/state"}, {"GET", "/coverage"}, {"POST", "/faults"}, {"DELETE", "/faults"}, {"GET", "/clock"}} {
				res := c.Do(t, call.method, call.path, map[string]any{})
				if res.Status != 401 || res.JSON(t)["code"] != "unauthenticated" ||
					res.JSON(t)["message"] != `the control plane is locked: send "Authorization: Bearer <control token>" (--control-token)` {
					t.Errorf("%s: %s %s: %d %s", name, call.method, call.path, res.Status, res.Body)
				}
			}
		}
		if res := srv.Post(t, "GetSCIMConfiguration", mocktest.AcmeToken, get); res.Status != 404 {
			t.Fatalf("refused control calls changed the state: get %d", res.Status)
		}
		srv.Control().Reset(t) // srv.Control() carries the token
		if res := srv.Post(t, "GetSCIMConfiguration", mocktest.AcmeToken, get); res.Status != 200 {
			t.Fatalf("after an authorised reset: %d", res.Status)
		}
		if n := len(srv.Control().Requests(t, "")); n != 1 {
			t.Errorf("journal with the token: %d entries", n)
		}
	})
	t.Run("removed", func(t *testing.T) {
		srv := mocktest.Start(t, mocktest.WithOptions(server.Options{Control: server.Control{Disabled: true}}))
		res := mocktest.NewControl(srv.URL, "").Do(t, http.MethodPost, "/reset", nil)
		if res.Status != 404 || res.JSON(t)["code"] != "unimplemented" {
			t.Fatalf("reset without a control plane: %d %s", res.Status, res.Body)
		}
		if res := srv.Post(t, "GetSCIMConfiguration", mocktest.AcmeToken, get); res.Status != 200 {
			t.Fatalf("API without a control plane: %d", res.Status)
		}
	})
}

// TestJSONLimits: deep nesting and huge strings are refused before any decoding, clearly.
func TestJSONLimits(t *testing.T) {
	srv := mocktest.Start(t)
	before := srv.Store().Snapshot()
	deep := `{"scimConfigurationId":"` + mocktest.AcmeSCIMID + `","name":` + strings.Repeat("[", 33) + strings.Repeat("]", 33) + `}`
	long := `{"scimConfigurationId":"` + mocktest.AcmeSCIMID + `","name":"` + strings.Repeat("n", 64<<10+1) + `"}`
	okDepth := `{"scimConfigurationId":"` + mocktest.AcmeSCIMID + `","name":` + strings.Repeat("[", 31) + strings.Repeat("]", 31) + `}`
	for body, want := range map[string]string{
		deep:    "request body: nested deeper than 32 levels",
		long:    "request body: a string is longer than 65536 bytes",
		okDepth: "name: must be a string", // within the limit: the schema speaks
	} {
		res := srv.Post(t, "UpdateSCIMConfiguration", mocktest.AcmeToken, body)
		if res.Status != 400 || res.JSON(t)["message"] != want {
			t.Errorf("%.40s...: %d %s, want %q", body, res.Status, res.Body, want)
		}
	}
	if after := srv.Store().Snapshot(); !reflect.DeepEqual(before, after) {
		t.Errorf("state changed")
	}
}

// TestStateFile: every session's changes survive a restart; reset and imports are saved
// too; a file that does not load, or is held by another mock, stops startup and is left
// exactly as it was; what the file keeps is fixture records.
func TestStateFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.db")
	withFile := mocktest.WithOptions(server.Options{StateFile: path})
	srv := mocktest.Start(t, withFile)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("no state file made at startup: %v", err)
	}
	created := srv.Post(t, "CreateSCIMConfiguration", mocktest.AcmeToken, createBody(map[string]any{"name": "kept"})).JSON(t)
	id := created["scimConfiguration"].(map[string]any)["id"].(string)
	srv.Post(t, "UpdateSSOConfiguration", mocktest.AcmeToken, map[string]any{"ssoConfigurationId": mocktest.AcmeSSOID, "clientSecret": "rotated"})
	// A named session is kept too.
	if res := srv.Do(t, mocktest.Request{Operation: "DeleteSCIMConfiguration", Token: mocktest.AcmeToken, Session: "scratch",
		Body: map[string]any{"scimConfigurationId": mocktest.AcmeSCIMID}}); res.Status != 200 {
		t.Fatalf("delete in a named session: %d %s", res.Status, res.Body)
	}
	want := srv.Store().Snapshot()
	wantScratch := srv.Control().WithSession("scratch").State(t)

	// While it runs, a second mock on the same file stops at startup.
	if _, err := server.New(server.Options{StateFile: path}); err == nil ||
		err.Error() != "state file "+path+" is locked: another mock uses this state file" {
		t.Errorf("a second mock on the same state file: %v", err)
	}
	srv.Close()
	again := mocktest.Start(t, withFile)
	if got := again.Store().Snapshot(); !reflect.DeepEqual(got, want) {
		t.Fatalf("restarted state differs from the state before")
	}
	if got := again.Control().WithSession("scratch").State(t); !bytes.Equal(got, wantScratch) {
		t.Fatalf("the named session after a restart:\n%s\nwant\n%s", got, wantScratch)
	}
	if res := again.Post(t, "GetSCIMConfiguration", mocktest.AcmeToken, map[string]any{"scimConfigurationId": id}); res.Status != 200 {
		t.Fatalf("created record lost: %d", res.Status)
	}
	again.Control().Reset(t)
	again.Close()
	third := mocktest.Start(t, withFile)
	fixtureState := mocktest.Start(t).Store().Snapshot()
	if got := third.Store().Snapshot(); !reflect.DeepEqual(got, fixtureState) {
		t.Fatalf("a reset was not saved")
	}
	third.Control().SetState(t, third.Control().State(t))
	third.Close()
	// What the file keeps of a session are fixture records, one per key, that make a
	// fixture document again.
	recs := stateRecords(t, path, "session:")
	doc, err := fixtures.Join(recs)
	if err != nil {
		t.Fatal(err)
	}
	if data, err := fixtures.Parse("state", doc); err != nil || !reflect.DeepEqual(data, fixtureState) {
		t.Errorf("the stored records are not the state (%v)", err)
	}

	for name, content := range map[string]string{
		"not JSON":            `{"organizations": [`,
		"a JSON document":     string(doc),
		"null":                `null`,
		"one page of garbage": strings.Repeat("x", 8192),
	} {
		t.Run(name, func(t *testing.T) {
			bad := filepath.Join(t.TempDir(), "state.db")
			if err := os.WriteFile(bad, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := server.New(server.Options{StateFile: bad})
			if err == nil || !strings.HasPrefix(err.Error(), "state file "+bad+" cannot be loaded (it is left as it is; fix or remove it): it is not a state database of this mock") {
				t.Fatalf("startup with a bad state file: %v", err)
			}
			if got := mustRead(t, bad); !bytes.Equal(got, []byte(content)) {
				t.Errorf("the bad state file was changed")
			}
		})
	}
	scim := func(r fixtures.Record) bool { return r.Key == "scimConfigurations/"+mocktest.AcmeSCIMID }
	for name, tc := range map[string]struct {
		edit func(*fixtures.Record)
		want string
	}{
		"schema-invalid": {func(r *fixtures.Record) {
			r.Value = bytes.Replace(r.Value, []byte(`"name":"Okta provisioning"`), []byte(`"name":"`+strings.Repeat("x", 129)+`"`), 1)
		}, `name: must be at most 128 characters long`},
		"dangling reference": {func(r *fixtures.Record) {
			r.Value = bytes.Replace(r.Value, []byte(`"ssoConfigurationId":"f53d2330-3795-4c5d-a1f3-453121af9c60"`), []byte(`"ssoConfigurationId":"0b0b0b0b-1111-4222-8333-444444444444"`), 1)
		}, `ssoConfigurationId: no SSO configuration 0b0b0b0b-1111-4222-8333-444444444444`},
		"key of another record": {func(r *fixtures.Record) { r.Key = "scimConfigurations/other" },
			`record "scimConfigurations/other": holds id "` + mocktest.AcmeSCIMID + `"`},
		"key of no kind": {func(r *fixtures.Record) { r.Key = "widgets/" + mocktest.AcmeSCIMID },
			`record "widgets/` + mocktest.AcmeSCIMID + `": the key must be one of users, organizations, ssoConfigurations, scimConfigurations, domainVerifications, a slash and an id`},
	} {
		t.Run(name, func(t *testing.T) {
			bad := filepath.Join(t.TempDir(), "state.db")
			srv := mocktest.Start(t, mocktest.WithOptions(server.Options{StateFile: bad}))
			srv.Control().SetState(t, srv.Control().State(t))
			srv.Close()
			editRecord(t, bad, "session:", scim, tc.edit)
			before := mustRead(t, bad)
			_, err := server.New(server.Options{StateFile: bad})
			if err == nil || !strings.HasPrefix(err.Error(), "state file "+bad+" cannot be loaded (it is left as it is; fix or remove it): the default session: ") ||
				!strings.Contains(err.Error(), tc.want) {
				t.Fatalf("startup with a bad record: %v\nwant it to name %s", err, tc.want)
			}
			if got := mustRead(t, bad); !bytes.Equal(got, before) {
				t.Errorf("the bad state file was changed")
			}
		})
	}
	if os.Getuid() != 0 { // root writes read-only files
		if err := os.Chmod(path, 0o400); err != nil {
			t.Fatal(err)
		}
		_, err := server.New(server.Options{StateFile: path})
		if err == nil || !strings.Contains(err.Error(), "cannot be written") {
			t.Errorf("a read-only state file: %v", err)
		}
		_ = os.Chmod(path, 0o600)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the state file's directory holds %d entries, want the file alone", len(entries))
	}
}

// TestStateFileFull: a change the state file cannot take is not made. The client gets
// unavailable (503, retryable), the state in memory and after a restart is the one before,
// and the session goes on serving.
func TestStateFileFull(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	opts := server.Options{StateFile: path, Limits: server.Limits{StateFileBytes: 128 << 10}}
	srv := mocktest.Start(t, mocktest.WithOptions(opts))
	var refused *mocktest.Response
	made := 0
	for made < 500 {
		refused = srv.Post(t, "CreateSCIMConfiguration", mocktest.AcmeToken, createBody(map[string]any{"name": strings.Repeat("n", 128)}))
		if refused.Status != 200 {
			break
		}
		made++
	}
	body := refused.JSON(t)
	if refused.Status != 503 || body["code"] != "unavailable" ||
		body["message"] != "the change could not be saved to the state file, so it was not made: database reached maximum size" {
		t.Fatalf("a create past the bound (after %d): %d %s", made, refused.Status, refused.Body)
	}
	if made < 10 {
		t.Fatalf("only %d creates fit", made)
	}
	before := srv.Store().Snapshot()
	if n := len(before.SCIMConfigurations); n != made+len(mocktest.Start(t).Store().Snapshot().SCIMConfigurations) {
		t.Errorf("%d SCIM configurations after %d creates", n, made)
	}
	if res := srv.Post(t, "GetSCIMConfiguration", mocktest.AcmeToken, map[string]any{"scimConfigurationId": mocktest.AcmeSCIMID}); res.Status != 200 {
		t.Errorf("a read after the refused write: %d %s", res.Status, res.Body)
	}
	// A change that takes no room still goes through.
	if res := srv.Post(t, "DeleteSCIMConfiguration", mocktest.AcmeToken, map[string]any{"scimConfigurationId": mocktest.AcmeSCIMID}); res.Status != 200 {
		t.Errorf("a delete after the refused write: %d %s", res.Status, res.Body)
	}
	before = srv.Store().Snapshot()
	srv.Close()
	again := mocktest.Start(t, mocktest.WithOptions(opts))
	if got := again.Store().Snapshot(); !reflect.DeepEqual(got, before) {
		t.Errorf("after a restart the state differs from the one acknowledged")
	}
}

// stateRecords reads the records a closed state file keeps for a session bucket.
func stateRecords(t *testing.T, path, bucket string) []fixtures.Record {
	t.Helper()
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out []fixtures.Record
	if err := db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket([]byte(bucket)).Bucket([]byte("records")).ForEach(func(k, v []byte) error {
			out = append(out, fixtures.Record{Key: string(k), Value: bytes.Clone(v)})
			return nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// editRecord changes the first record that match selects in a closed state file.
func editRecord(t *testing.T, path, bucket string, match func(fixtures.Record) bool, edit func(*fixtures.Record)) {
	t.Helper()
	db, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(bucket)).Bucket([]byte("records"))
		c := b.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			r := fixtures.Record{Key: string(k), Value: bytes.Clone(v)}
			if !match(r) {
				continue
			}
			edit(&r)
			if err := b.Delete(k); err != nil {
				return err
			}
			return b.Put([]byte(r.Key), r.Value)
		}
		return errors.New("no record matched")
	}); err != nil {
		t.Fatal(err)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestStateFileAcrossRestarts: under --seed and --clock, a session taken up after a restart
// goes on exactly as if the mock had not stopped: the next ID is the one an uninterrupted run
// draws (none repeats), page tokens stay valid, and the fake clock stands where it was left.
// A session that ends (evicted at --max-sessions) leaves the file too.
func TestStateFileAcrossRestarts(t *testing.T) {
	seed := uint64(7)
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	opts := func(path string) server.Options {
		return server.Options{StateFile: path, Replay: server.Replay{Seed: &seed, Clock: &at}, Limits: server.Limits{MaxSessions: 3}}
	}
	create := func(srv *mocktest.Server, session string) string {
		res := srv.Do(t, mocktest.Request{Operation: "CreateSCIMConfiguration", Token: mocktest.AcmeToken, Session: session,
			Body: createBody(map[string]any{"name": "n"})})
		if res.Status != 200 {
			t.Fatalf("create: %d %s", res.Status, res.Body)
		}
		return res.JSON(t)["scimConfiguration"].(map[string]any)["id"].(string)
	}
	list := func(srv *mocktest.Server, token string) *mocktest.Response {
		return srv.Do(t, mocktest.Request{Operation: "ListSCIMConfigurations", Token: mocktest.AcmeToken, Session: "a",
			Body: map[string]any{"pagination": map[string]any{"pageSize": 1, "token": token}}})
	}

	// Uninterrupted.
	one := mocktest.Start(t, mocktest.WithOptions(opts(filepath.Join(t.TempDir(), "state.db"))))
	first := create(one, "a")
	one.Control().WithSession("a").AdvanceClock(t, time.Hour)
	second := create(one, "a")
	page := list(one, "").JSON(t)["pagination"].(map[string]any)["nextToken"].(string)
	wantPage := list(one, page)

	// Interrupted after the first create and the clock move.
	dir := t.TempDir()
	path := filepath.Join(dir, "state.db")
	two := mocktest.Start(t, mocktest.WithOptions(opts(path)))
	if got := create(two, "a"); got != first {
		t.Fatalf("the same seed drew %s, then %s", first, got)
	}
	two.Control().WithSession("a").AdvanceClock(t, time.Hour)
	page2 := list(two, "").JSON(t)["pagination"].(map[string]any)["nextToken"].(string)
	two.Close()
	three := mocktest.Start(t, mocktest.WithOptions(opts(path)))
	if got := three.Control().WithSession("a").Now(t); !got.Equal(at.Add(time.Hour)) {
		t.Errorf("the clock after a restart: %s, want %s", got, at.Add(time.Hour))
	}
	if got := create(three, "a"); got != second {
		t.Errorf("after a restart the next id is %s; an uninterrupted run draws %s", got, second)
	}
	if got := list(three, page2); got.Status != 200 || !bytes.Equal(got.Body, wantPage.Body) {
		t.Errorf("a page token from before the restart: %d %s\nwant %s", got.Status, got.Body, wantPage.Body)
	}
	// Sessions "" and "a" exist; "b" and "c" are made and changed: "a" is the least
	// recently used and goes, from the file too.
	create(three, "b")
	create(three, "c")
	three.Close()
	var buckets []string
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	_ = db.View(func(tx *bbolt.Tx) error {
		return tx.ForEach(func(name []byte, _ *bbolt.Bucket) error { buckets = append(buckets, string(name)); return nil })
	})
	db.Close()
	if strings.Join(buckets, " ") != "session:b session:c" {
		t.Errorf("the file holds %q, want the sessions that are left and changed", buckets)
	}
}

// TestEveryChangeIsKept: every documented request example of every operation, sent with a
// state file, leaves a file from which a restart makes exactly the state before. The calls
// come from the contract, so an operation whose store forgets to report a change fails here
// as soon as it documents an example.
func TestEveryChangeIsKept(t *testing.T) {
	probe := mocktest.Start(t)
	for _, r := range probe.Spec().Operations() {
		for name, body := range r.RequestExamples() {
			t.Run(r.OperationID()+"/"+name, func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "state.db")
				withFile := mocktest.WithOptions(server.Options{StateFile: path})
				srv := mocktest.Start(t, withFile)
				before := srv.Control().State(t)
				res := srv.Do(t, mocktest.Request{Method: r.Method, Path: r.Path, Token: mocktest.AcmeToken, Body: body})
				if res.Status != 200 {
					t.Fatalf("%d %s", res.Status, res.Body)
				}
				want := srv.Control().State(t)
				if !r.ChangesState() && !bytes.Equal(before, want) {
					t.Errorf("a NO_SIDE_EFFECTS operation changed the state")
				}
				srv.Close()
				again := mocktest.Start(t, withFile)
				if got := again.Control().State(t); !bytes.Equal(got, want) {
					t.Errorf("after a restart the state differs from the state the call left")
				}
			})
		}
	}
}
