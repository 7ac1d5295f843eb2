package server_test

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

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

// TestStateFile: changes survive a restart; reset and imports are saved too; a file that does
// not load stops startup and is left exactly as it was.
func TestStateFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	srv := mocktest.Start(t, mocktest.WithOptions(server.Options{StateFile: path}))
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("no state file written at startup: %v", err)
	}
	created := srv.Post(t, "CreateSCIMConfiguration", mocktest.AcmeToken, createBody(map[string]any{"name": "kept"})).JSON(t)
	id := created["scimConfiguration"].(map[string]any)["id"].(string)
	srv.Post(t, "UpdateSSOConfiguration", mocktest.AcmeToken, map[string]any{"ssoConfigurationId": mocktest.AcmeSSOID, "clientSecret": "rotated"})
	// A named session is not persisted.
	srv.Do(t, mocktest.Request{Operation: "DeleteSCIMConfiguration", Token: mocktest.AcmeToken, Session: "scratch",
		Body: map[string]any{"scimConfigurationId": mocktest.AcmeSCIMID}})
	want := srv.Store().Snapshot()

	// While it runs, a second mock on the same file stops at startup.
	if _, err := server.New(server.Options{StateFile: path}); err == nil ||
		!strings.Contains(err.Error(), "another mock uses this state file") {
		t.Errorf("a second mock on the same state file: %v", err)
	}
	srv.Close()
	again := mocktest.Start(t, mocktest.WithOptions(server.Options{StateFile: path}))
	if got := again.Store().Snapshot(); !reflect.DeepEqual(got, want) {
		t.Fatalf("restarted state differs from the state before")
	}
	if res := again.Post(t, "GetSCIMConfiguration", mocktest.AcmeToken, map[string]any{"scimConfigurationId": id}); res.Status != 200 {
		t.Fatalf("created record lost: %d", res.Status)
	}
	again.Control().Reset(t)
	again.Close()
	third := mocktest.Start(t, mocktest.WithOptions(server.Options{StateFile: path}))
	fixtureState := mocktest.Start(t).Store().Snapshot()
	if got := third.Store().Snapshot(); !reflect.DeepEqual(got, fixtureState) {
		t.Fatalf("a reset was not saved")
	}
	third.Control().SetState(t, third.Control().State(t))

	for name, content := range map[string]string{
		"not JSON":           `{"organizations": [`,
		"schema-invalid":     strings.Replace(string(mustRead(t, path)), `"name": "Okta provisioning"`, `"name": "`+strings.Repeat("x", 129)+`"`, 1),
		"unknown top-level":  `{"sessions": []}`,
		"null":               `null`,
		"empty":              `{}`,
		"dangling reference": strings.Replace(string(mustRead(t, path)), `"ssoConfigurationId": "f53d2330-3795-4c5d-a1f3-453121af9c60"`, `"ssoConfigurationId": "0b0b0b0b-1111-4222-8333-444444444444"`, 1),
	} {
		t.Run(name, func(t *testing.T) {
			bad := filepath.Join(t.TempDir(), "state.json")
			if err := os.WriteFile(bad, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := server.New(server.Options{StateFile: bad})
			if err == nil || !strings.Contains(err.Error(), "state file "+bad+" cannot be loaded (it is left as it is; fix or remove it)") {
				t.Fatalf("startup with a bad state file: %v", err)
			}
			if got := mustRead(t, bad); !bytes.Equal(got, []byte(content)) {
				t.Errorf("the bad state file was changed")
			}
		})
	}
	third.Close()
	// Startup removes what writers killed mid-write left, and refuses a file it could not
	// write (found now, not at the first change).
	stale := filepath.Join(dir, ".state.json.123.tmp")
	if err := os.WriteFile(stale, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	fourth := mocktest.Start(t, mocktest.WithOptions(server.Options{StateFile: path}))
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("a stale temporary file was left: %v", err)
	}
	fourth.Close()
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
	if _, err := fixtures.Parse("state.json", mustRead(t, path)); err != nil {
		t.Errorf("the state file is not a valid fixture document: %v", err)
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
