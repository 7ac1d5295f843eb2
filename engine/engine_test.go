package engine_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"go.etcd.io/bbolt"

	"github.com/gitpod-mock/orgmock/engine"
	"github.com/gitpod-mock/orgmock/engine/connect"
	"github.com/gitpod-mock/orgmock/engine/spec"
)

// The engine knows no API: these tests serve testdata/notes.yaml, two RPCs that share nothing
// with Gitpod's, through a backend of a few dozen lines, and check that validation both ways,
// Connect errors, sessions, the journal, faults, Prefer, examples mode, coverage and the state
// file all work on it.

// note is the notes backend's one record.
type note struct {
	ID     string   `json:"id"`
	Text   string   `json:"text"`
	Weight float64  `json:"weight,omitempty"`
	Tags   []string `json:"tags,omitempty"`
}

// notesBackend serves CreateNote and GetNote.
type notesBackend struct{}

// notesState is one session's notes.
type notesState struct {
	mu      sync.Mutex
	next    int
	notes   map[string]note
	changed []string // ids created since Changes was last called
}

func (notesBackend) NewState(data engine.Data, _ engine.Env) (engine.State, error) {
	st := &notesState{notes: map[string]note{}}
	for _, n := range data.([]note) {
		st.notes[n.ID] = n
		st.next++
	}
	return st, nil
}

func (notesBackend) Parse(_ string, doc []byte) (engine.Data, error) {
	var notes []note
	if err := json.Unmarshal(doc, &notes); err != nil {
		return nil, fmt.Errorf("not a list of notes: %v", err)
	}
	return checkNotes(notes)
}

// Load reads the notes the state file keeps, one record each under its id.
func (notesBackend) Load(records []engine.Record) (engine.Data, error) {
	notes := make([]note, len(records))
	for i, r := range records {
		if err := json.Unmarshal(r.Value, &notes[i]); err != nil {
			return nil, fmt.Errorf("record %s: %v", r.Key, err)
		}
	}
	return checkNotes(notes)
}

func checkNotes(notes []note) (engine.Data, error) {
	for i, n := range notes {
		if n.ID == "" {
			return nil, fmt.Errorf("notes[%d].id: is required", i)
		}
	}
	return notes, nil
}

// Authenticate lets alice's token in.
func (st *notesState) Authenticate(token string) (string, bool) {
	return "alice", token == "alice-token"
}

func (st *notesState) Export() ([]byte, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	out := []note{}
	for _, n := range st.notes {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return json.Marshal(out)
}

func (st *notesState) Records() ([]engine.Record, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	out := []engine.Record{}
	for id, n := range st.notes {
		v, err := json.Marshal(n)
		if err != nil {
			return nil, err
		}
		out = append(out, engine.Record{Key: id, Value: v})
	}
	return out, nil
}

func (st *notesState) Changes() ([]engine.Record, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	var out []engine.Record
	for _, id := range st.changed {
		v, err := json.Marshal(st.notes[id])
		if err != nil {
			return nil, err
		}
		out = append(out, engine.Record{Key: id, Value: v})
	}
	st.changed = nil
	return out, nil
}

func (notesBackend) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	st := engine.StateOf(r.Context()).(*notesState)
	if engine.PrincipalOf(r.Context()) != "alice" {
		connect.Write(w, connect.Errorf(connect.Internal, "no principal"))
		return
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	var n note
	switch path.Base(r.URL.Path) {
	case "CreateNote":
		var in struct {
			Text   string   `json:"text"`
			Weight float64  `json:"weight"`
			Tags   []string `json:"tags"`
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			connect.Write(w, err)
			return
		}
		st.next++
		n = note{ID: fmt.Sprintf("note-%d", st.next), Text: in.Text, Weight: in.Weight, Tags: in.Tags}
		st.notes[n.ID] = n
		st.changed = append(st.changed, n.ID)
	case "GetNote":
		var in struct{ ID string }
		_ = json.NewDecoder(r.Body).Decode(&in)
		var ok bool
		if n, ok = st.notes[in.ID]; !ok {
			connect.Write(w, connect.Errorf(connect.NotFound, "id: no note %s", in.ID))
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]note{"note": n})
}

func loadNotes(t testing.TB) *spec.Spec {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromFile("testdata/notes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sp, err := spec.Load(doc)
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

// notes is a running engine over the notes API.
type notes struct {
	*engine.Server
	url string
}

func startNotes(t *testing.T, mutate func(*engine.Config)) *notes {
	t.Helper()
	cfg := engine.Config{Spec: loadNotes(t), Backend: notesBackend{}, Data: []note{{ID: "note-1", Text: "first"}}}
	if mutate != nil {
		mutate(&cfg)
	}
	srv, err := engine.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() { hs.Close(); srv.Close() })
	return &notes{Server: srv, url: hs.URL}
}

// answer is a response with its body read.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(a.body, &m); err != nil {
		t.Fatalf("not a JSON object: %s", a.body)
	}
	return m
}

// call sends one request; header holds extra headers ("Authorization" defaults to alice's
// token, "Content-Type" to JSON; an empty value removes one).
func (n *notes) call(t *testing.T, method, p string, body string, header map[string]string) answer {
	t.Helper()
	req, err := http.NewRequest(method, n.url+p, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	h := map[string]string{"Authorization": "Bearer alice-token", "Content-Type": "application/json"}
	for k, v := range header {
		h[k] = v
	}
	for k, v := range h {
		if v != "" {
			req.Header.Set(k, v)
		}
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return answer{res.StatusCode, res.Header, b}
}

func (n *notes) rpc(t *testing.T, op, body string, header map[string]string) answer {
	t.Helper()
	return n.call(t, http.MethodPost, "/demo.v1.NoteService/"+op, body, header)
}

// expectError checks a Connect error answer: status, code and exact message.
func expectError(t *testing.T, a answer, status int, code, message string) {
	t.Helper()
	var b connect.Body
	if err := json.Unmarshal(a.body, &b); err != nil || a.status != status || string(b.Code) != code || b.Message != message {
		t.Errorf("got %d %s,\nwant %d {%q %q}", a.status, a.body, status, code, message)
	}
	if ct := a.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
}

func TestSecondSpec(t *testing.T) {
	t.Run("stateful calls", func(t *testing.T) {
		n := startNotes(t, nil)
		created := n.rpc(t, "CreateNote", `{"text":"hello","weight":1.5,"tags":["a-b"]}`, nil)
		if created.status != 200 || !bytes.Contains(created.body, []byte(`"id":"note-2"`)) {
			t.Fatalf("create: %d %s", created.status, created.body)
		}
		got := n.rpc(t, "GetNote", `{"id":"note-2"}`, nil)
		if got.status != 200 || !bytes.Equal(got.body, created.body) {
			t.Errorf("get: %d %s, want %s", got.status, got.body, created.body)
		}
		expectError(t, n.rpc(t, "GetNote", `{"id":"note-9"}`, nil), 404, "not_found", "id: no note note-9")
	})
	t.Run("request validation", func(t *testing.T) {
		n := startNotes(t, nil)
		for body, want := range map[string]string{
			`{"text":""}`:                "text: must be at least 1 characters long",
			`{"txt":"x"}`:                `text: is required; unknown field "txt"`,
			`{"text":"x","weight":-1}`:   "weight: must be at least 0",
			`{"text":"x","weight":0.25}`: "weight: number must be a multiple of 0.5",
			`{"text":"x","tags":["A"]}`:  "tags.0: must match the pattern ^[a-z]+(-[a-z]+)*$",
			`{"text":"x","text":"y"}`:    `request body: duplicate field "text"`,
			`{"text":`:                   "request body is not valid JSON: unexpected end of JSON input (at byte 8)",
			`[]`:                         "request body: must be a JSON object",
			`{"text":"x","apiKey":7}`:    "apiKey: must be a string",
			`{"text":"` + strings.Repeat("é", 41) + `"}`: "text: must be at most 40 characters long",
		} {
			expectError(t, n.rpc(t, "CreateNote", body, nil), 400, "invalid_argument", want)
		}
		expectError(t, n.rpc(t, "GetNote", `{"id":"note-x"}`, nil), 400, "invalid_argument",
			"id: must match the pattern ^note-[0-9]+$")
		if state, _ := n.State(""); mustExport(t, state) != `[{"id":"note-1","text":"first"}]` {
			t.Errorf("refused requests changed the state: %s", mustExport(t, state))
		}
	})
	t.Run("Connect errors of the transport", func(t *testing.T) {
		n := startNotes(t, nil)
		expectError(t, n.rpc(t, "GetNote", `{"id":"note-1"}`, map[string]string{"Authorization": ""}), 401, "unauthenticated",
			`missing bearer token: send "Authorization: Bearer <token>"`)
		expectError(t, n.rpc(t, "GetNote", `{"id":"note-1"}`, map[string]string{"Authorization": "Bearer bob-token"}), 401, "unauthenticated",
			"Authorization: unknown bearer token")
		expectError(t, n.rpc(t, "GetNote", `{"id":"note-1"}`, map[string]string{"Content-Type": "text/plain"}), 415, "invalid_argument",
			`Content-Type "text/plain" is not supported: send application/json`)
		expectError(t, n.rpc(t, "DeleteNote", `{}`, nil), 404, "unimplemented",
			"no such procedure: this server serves POST /demo.v1.NoteService/<Rpc>")
		expectError(t, n.call(t, http.MethodGet, "/demo.v1.NoteService/GetNote", "", nil), 405, "unimplemented",
			"method not allowed: procedures are called with POST")
		small := startNotes(t, func(c *engine.Config) { c.Limits.MaxBodyBytes = 16 })
		expectError(t, small.rpc(t, "CreateNote", `{"text":"seventeen bytes"}`, nil), 429, "resource_exhausted",
			"request body exceeds the limit of 16 bytes")
	})
	t.Run("response validation", func(t *testing.T) {
		n := startNotes(t, nil)
		long := strings.Repeat("x", 41)
		if res := n.call(t, http.MethodPut, "/_mock/state", `[{"id":"note-7","text":"`+long+`"}]`, nil); res.status != 200 {
			t.Fatalf("import: %d %s", res.status, res.body)
		}
		res := n.rpc(t, "GetNote", `{"id":"note-7"}`, nil)
		expectError(t, res, 500, "internal", "GetNote 200: response does not match the spec: note.text: must be at most 40 characters long")
		if bytes.Contains(res.body, []byte(long)) {
			t.Errorf("the invalid value reached the client")
		}
	})
	t.Run("sessions", func(t *testing.T) {
		n := startNotes(t, nil)
		a := map[string]string{engine.SessionHeader: "a"}
		if res := n.rpc(t, "CreateNote", `{"text":"in a"}`, a); res.status != 200 {
			t.Fatalf("create in a: %d", res.status)
		}
		if res := n.rpc(t, "GetNote", `{"id":"note-2"}`, a); res.status != 200 {
			t.Errorf("a does not see its note: %d", res.status)
		}
		for _, other := range []map[string]string{nil, {engine.SessionHeader: "b"}} {
			expectError(t, n.rpc(t, "GetNote", `{"id":"note-2"}`, other), 404, "not_found", "id: no note note-2")
		}
		// Any string names a session: "not ok" is mapped (engine.SessionName), and is not "a".
		notOK := map[string]string{engine.SessionHeader: "not ok"}
		expectError(t, n.rpc(t, "GetNote", `{"id":"note-2"}`, notOK), 404, "not_found", "id: no note note-2")
		if res := n.rpc(t, "CreateNote", `{"text":"in not ok"}`, notOK); res.status != 200 {
			t.Fatalf("create in %q: %d %s", "not ok", res.status, res.body)
		}
		if res := n.rpc(t, "GetNote", `{"id":"note-2"}`, map[string]string{engine.SessionHeader: engine.SessionName("not ok")}); res.status != 200 {
			t.Errorf("the mapped name does not reach the session %q: %d", "not ok", res.status)
		}
		for _, other := range []map[string]string{{engine.SessionHeader: "not_ok"}, {engine.SessionHeader: "not ok "}} {
			expectError(t, n.rpc(t, "GetNote", `{"id":"note-3"}`, other), 404, "not_found", "id: no note note-3")
		}
	})
	t.Run("journal redacts the secrets the document marks", func(t *testing.T) {
		n := startNotes(t, nil)
		n.rpc(t, "CreateNote", `{"text":"x","apiKey":"journal-key-1"}`, nil)
		n.rpc(t, "CreateNote", `{"text":"x","api_key":"journal-key-2","nested":{"APIKEY":"journal-key-3"}}`, nil) // refused
		res := n.call(t, http.MethodGet, "/_mock/requests", "", nil)
		var j engine.Requests
		if err := json.Unmarshal(res.body, &j); err != nil || len(j.Requests) != 2 {
			t.Fatalf("journal: %d %s", res.status, res.body)
		}
		for _, secret := range []string{"journal-key-1", "journal-key-2", "journal-key-3", "alice-token"} {
			if bytes.Contains(res.body, []byte(secret)) {
				t.Errorf("the journal shows %s: %s", secret, res.body)
			}
		}
		if got := string(j.Requests[0].Request); got != `{"apiKey":"[redacted]","text":"x"}` {
			t.Errorf("request as journaled: %s", got)
		}
		if j.Requests[1].Status != 400 || j.Requests[1].Code != "invalid_argument" ||
			string(j.Requests[1].Request) != `{"api_key":"[redacted]","nested":{"APIKEY":"[redacted]"},"text":"x"}` {
			t.Errorf("refused request as journaled: %+v %s", j.Requests[1], j.Requests[1].Request)
		}
	})
	t.Run("faults", func(t *testing.T) {
		n := startNotes(t, nil)
		if res := n.call(t, http.MethodPost, "/_mock/faults", `{"operation":"GetNote","status":500,"count":1}`, nil); res.status != 200 {
			t.Fatalf("arm: %d %s", res.status, res.body)
		}
		res := n.rpc(t, "GetNote", `{"id":"note-1"}`, nil)
		expectError(t, res, 500, "internal", "fault injected by the mock: GetNote answers 500")
		if res.header.Get("X-Should-Retry") != "" {
			t.Errorf("an injected fault says X-Should-Retry: %q", res.header.Get("X-Should-Retry"))
		}
		if res := n.rpc(t, "GetNote", `{"id":"note-1"}`, nil); res.status != 200 {
			t.Errorf("after the fault: %d", res.status)
		}
		expectError(t, n.call(t, http.MethodPost, "/_mock/faults", `{"operation":"GetNote","status":409}`, nil), 400, "invalid_argument",
			"status: GetNote declares no error status 409; declared: 400, 401, 404, 415, 429, 500")
	})
	t.Run("Prefer", func(t *testing.T) {
		n := startNotes(t, nil)
		res := n.rpc(t, "GetNote", `{"id":"note-1"}`, map[string]string{"Prefer": "code=404"})
		expectError(t, res, 404, "not_found", "id: no note note-9") // the documented example
		res = n.rpc(t, "CreateNote", `{"text":"x"}`, map[string]string{"Prefer": "example=created"})
		if res.status != 200 || string(res.body) != `{"note":{"id":"note-1","text":"hello","weight":1.5}}` {
			t.Errorf("Prefer example: %d %s", res.status, res.body)
		}
		if state, _ := n.State(""); mustExport(t, state) != `[{"id":"note-1","text":"first"}]` {
			t.Errorf("a Prefer answer changed the state")
		}
	})
	t.Run("examples mode", func(t *testing.T) {
		n := startNotes(t, func(c *engine.Config) { c.Mode = engine.ModeExamples })
		if res := n.rpc(t, "GetNote", `{"id":"note-5"}`, nil); res.status != 200 || string(res.body) != `{"note":{"id":"note-1","text":"hello"}}` {
			t.Errorf("examples mode: %d %s", res.status, res.body)
		}
		expectError(t, n.rpc(t, "GetNote", `{}`, nil), 400, "invalid_argument", "id: is required")
	})
	t.Run("coverage", func(t *testing.T) {
		n := startNotes(t, nil)
		n.rpc(t, "GetNote", `{"id":"note-1"}`, nil)
		n.rpc(t, "GetNote", `{"id":"note-3"}`, nil)
		n.rpc(t, "GetNote", `{"id":"note-1"}`, nil)
		var cov engine.Coverage
		res := n.call(t, http.MethodGet, "/_mock/coverage", "", nil)
		if err := json.Unmarshal(res.body, &cov); err != nil {
			t.Fatal(err)
		}
		declared, faultOnly := 0, 0
		for _, r := range n.Spec().Operations() {
			declared += len(r.Statuses)
			for _, st := range r.Statuses {
				if st == 415 || st == 429 || st >= 500 {
					faultOnly++
				}
			}
		}
		if len(cov.Operations) != len(n.Spec().Operations()) || cov.Declared != declared || cov.Exercised != 2 ||
			len(cov.Unexercised) != declared-2-faultOnly || len(cov.UnexercisedFaultOnly) != faultOnly ||
			!slices.Contains(cov.UnexercisedFaultOnly, "GetNote 429") || slices.Contains(cov.Unexercised, "GetNote 429") ||
			!slices.Contains(cov.Unexercised, "CreateNote 400") {
			t.Errorf("coverage: %s", res.body)
		}
		// Served under a fault, a fault-only pair counts as exercised.
		n.call(t, http.MethodPost, "/_mock/faults", `{"operation":"GetNote","status":429,"count":1}`, nil)
		n.rpc(t, "GetNote", `{"id":"note-1"}`, nil)
		res = n.call(t, http.MethodGet, "/_mock/coverage", "", nil)
		cov = engine.Coverage{}
		if err := json.Unmarshal(res.body, &cov); err != nil {
			t.Fatal(err)
		}
		if cov.Exercised != 3 || slices.Contains(cov.UnexercisedFaultOnly, "GetNote 429") || len(cov.UnexercisedFaultOnly) != faultOnly-1 {
			t.Errorf("after a 429 fault: %s", res.body)
		}
		// DELETE starts it again; a reset does not.
		n.call(t, http.MethodPost, "/_mock/reset", "", nil)
		if res := n.call(t, http.MethodGet, "/_mock/coverage", "", nil); !bytes.Contains(res.body, []byte(`"exercised":3`)) {
			t.Errorf("reset cleared coverage: %s", res.body)
		}
		if res := n.call(t, http.MethodDelete, "/_mock/coverage", "", nil); res.status != 200 || string(res.body) != `{"session":""}`+"\n" {
			t.Errorf("DELETE /_mock/coverage: %d %q", res.status, res.body)
		}
		res = n.call(t, http.MethodGet, "/_mock/coverage", "", nil)
		cov = engine.Coverage{}
		if err := json.Unmarshal(res.body, &cov); err != nil {
			t.Fatal(err)
		}
		if cov.Exercised != 0 || len(cov.Unexercised)+len(cov.UnexercisedFaultOnly) != declared {
			t.Errorf("after DELETE: %s", res.body)
		}
		n.rpc(t, "GetNote", `{"id":"note-1"}`, nil)
		n.rpc(t, "GetNote", `{"id":"note-3"}`, nil)
		n.rpc(t, "GetNote", `{"id":"note-1"}`, nil)
		res = n.call(t, http.MethodGet, "/_mock/coverage", "", nil)
		cov = engine.Coverage{}
		if err := json.Unmarshal(res.body, &cov); err != nil {
			t.Fatal(err)
		}
		for _, oc := range cov.Operations {
			for _, sc := range oc.Statuses {
				want := map[string]int{"GetNote 200": 2, "GetNote 404": 1}[fmt.Sprintf("%s %d", oc.Operation, sc.Status)]
				if sc.Count != want {
					t.Errorf("%s %d: %d, want %d", oc.Operation, sc.Status, sc.Count, want)
				}
			}
		}
	})
	t.Run("state file", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "notes.db")
		withFile := func(c *engine.Config) { c.StateFile = file }
		n := startNotes(t, withFile)
		n.rpc(t, "CreateNote", `{"text":"kept"}`, nil)
		n.rpc(t, "CreateNote", `{"text":"elsewhere"}`, map[string]string{engine.SessionHeader: "other"})
		n.rpc(t, "GetNote", `{"id":"note-1"}`, map[string]string{engine.SessionHeader: "unchanged"})
		if _, err := engine.New(engine.Config{Spec: loadNotes(t), Backend: notesBackend{}, Data: []note{}, StateFile: file}); err == nil ||
			err.Error() != "state file "+file+" is locked: another mock uses this state file" {
			t.Errorf("a second server on the same file: %v", err)
		}
		n.Close()
		if got := storedRecords(t, file); got != `session:: note-1={"id":"note-1","text":"first"} note-2={"id":"note-2","text":"kept"}; `+
			`session:other: note-1={"id":"note-1","text":"first"} note-2={"id":"note-2","text":"elsewhere"}` {
			t.Fatalf("state file after two creates (a session that changed nothing is not kept): %s", got)
		}
		again := startNotes(t, withFile)
		if res := again.rpc(t, "GetNote", `{"id":"note-2"}`, nil); res.status != 200 || !strings.Contains(string(res.body), `"kept"`) {
			t.Errorf("after a restart: %d %s", res.status, res.body)
		}
		if res := again.rpc(t, "GetNote", `{"id":"note-2"}`, map[string]string{engine.SessionHeader: "other"}); res.status != 200 ||
			!strings.Contains(string(res.body), `"elsewhere"`) {
			t.Errorf("a named session after a restart: %d %s", res.status, res.body)
		}
		again.Close()
		putRecord(t, file, "session:", "note-3", `{"text":"no id"}`)
		_, err := engine.New(engine.Config{Spec: loadNotes(t), Backend: notesBackend{}, Data: []note{}, StateFile: file})
		if err == nil || err.Error() != "state file "+file+" cannot be loaded (it is left as it is; fix or remove it): the default session: notes[2].id: is required" {
			t.Errorf("a bad record: %v", err)
		}
		doc := filepath.Join(t.TempDir(), "notes.json")
		if err := os.WriteFile(doc, []byte(`[{"id":"note-1","text":"a JSON state document"}]`), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err = engine.New(engine.Config{Spec: loadNotes(t), Backend: notesBackend{}, Data: []note{}, StateFile: doc})
		if err == nil || !strings.Contains(err.Error(), "state file "+doc+" cannot be loaded (it is left as it is; fix or remove it): it is not a state database of this mock") {
			t.Errorf("a JSON document as the state file: %v", err)
		}
		if b, _ := os.ReadFile(doc); string(b) != `[{"id":"note-1","text":"a JSON state document"}]` {
			t.Errorf("the refused file was changed: %s", b)
		}
	})
	t.Run("state file full", func(t *testing.T) {
		// A change the file cannot take is not made: the client hears unavailable, the state
		// (in memory, and after a restart) is the one before.
		file := filepath.Join(t.TempDir(), "notes.db")
		limit := func(c *engine.Config) { c.StateFile = file; c.Limits.StateFileBytes = 64 << 10 }
		n := startNotes(t, limit)
		tag := strings.Repeat("x", 2000)
		var refused answer
		made := 1
		for i := 0; i < 100; i++ {
			refused = n.rpc(t, "CreateNote", `{"text":"big","tags":["`+tag+`"]}`, nil)
			if refused.status != 200 {
				break
			}
			made++
		}
		var b connect.Body
		if err := json.Unmarshal(refused.body, &b); err != nil || refused.status != 503 || b.Code != connect.Unavailable ||
			!strings.HasPrefix(b.Message, "the change could not be saved to the state file, so it was not made: ") {
			t.Fatalf("a create past the file's bound: %d %s", refused.status, refused.body)
		}
		if made < 3 {
			t.Fatalf("only %d notes fit in 64 KiB", made)
		}
		before := mustExport(t, n.current(t))
		// An import that does not fit is refused alike, and changes nothing.
		many := make([]note, 40)
		for i := range many {
			many[i] = note{ID: fmt.Sprint("import-", i), Text: "big", Tags: []string{tag}}
		}
		doc, _ := json.Marshal(many)
		res := n.call(t, http.MethodPut, "/_mock/state", string(doc), nil)
		if err := json.Unmarshal(res.body, &b); err != nil || res.status != 503 || b.Code != connect.Unavailable ||
			!strings.HasPrefix(b.Message, "the state could not be saved to the state file, so it was not replaced: ") {
			t.Errorf("an import past the file's bound: %d %s", res.status, res.body)
		}
		if got := mustExport(t, n.current(t)); got != before {
			t.Errorf("the refused import changed the state")
		}
		if !strings.Contains(before, fmt.Sprintf(`"note-%d"`, made)) || strings.Contains(before, fmt.Sprintf(`"note-%d"`, made+1)) {
			t.Fatalf("state after the refused create holds the wrong notes (%d made): %.200s", made, before)
		}
		n.Close()
		again := startNotes(t, limit)
		if after := mustExport(t, again.current(t)); after != before {
			t.Errorf("after a restart the state differs")
		}
	})
	t.Run("control routes are described", func(t *testing.T) {
		n := startNotes(t, nil)
		if len(n.ControlRoutes()) < 10 {
			t.Errorf("control routes: %v", n.ControlRoutes())
		}
		off := startNotes(t, func(c *engine.Config) { c.Control.Disabled = true })
		if got := off.ControlRoutes(); len(got) != 0 {
			t.Errorf("disabled control plane has routes %v", got)
		}
	})
}

// current is the default session's state.
func (n *notes) current(t *testing.T) engine.State {
	t.Helper()
	st, err := n.State("")
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// storedRecords lists what a closed state file holds: "bucket: key=value ...; ...".
func storedRecords(t *testing.T, file string) string {
	t.Helper()
	db, err := bbolt.Open(file, 0o600, &bbolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out []string
	err = db.View(func(tx *bbolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bbolt.Bucket) error {
			var recs []string
			err := b.Bucket([]byte("records")).ForEach(func(k, v []byte) error {
				recs = append(recs, string(k)+"="+string(v))
				return nil
			})
			out = append(out, string(name)+": "+strings.Join(recs, " "))
			return err
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(out, "; ")
}

// putRecord writes a record into a closed state file, behind the mock's back.
func putRecord(t *testing.T, file, bucket, key, value string) {
	t.Helper()
	db, err := bbolt.Open(file, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket([]byte(bucket)).Bucket([]byte("records")).Put([]byte(key), []byte(value))
	}); err != nil {
		t.Fatal(err)
	}
}

func mustExport(t *testing.T, st engine.State) string {
	t.Helper()
	b, err := st.Export()
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestStateOfOutsideACall: the accessors answer nothing outside an API call.
func TestStateOfOutsideACall(t *testing.T) {
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	if engine.StateOf(req.Context()) != nil || engine.PrincipalOf(req.Context()) != "" {
		t.Error("a call outside the pipeline has a state or a principal")
	}
}

// TestControlPlaneAndBrowsers: the control plane answers no CORS header and refuses changes
// from another site unless its origins are allowed; the API keeps its own CORS.
func TestControlPlaneAndBrowsers(t *testing.T) {
	evil := "https://evil.example"
	n := startNotes(t, nil)
	res := n.call(t, http.MethodGet, "/_mock/state", "", map[string]string{"Origin": evil})
	if res.status != 200 || res.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("GET /_mock/state from another origin: %d, Access-Control-Allow-Origin %q", res.status, res.header.Get("Access-Control-Allow-Origin"))
	}
	pre := n.call(t, http.MethodOptions, "/_mock/state", "", map[string]string{"Origin": evil, "Access-Control-Request-Method": "PUT"})
	if pre.header.Get("Access-Control-Allow-Origin") != "" || pre.header.Get("Access-Control-Allow-Methods") != "" {
		t.Errorf("preflight of PUT /_mock/state allowed: %d %v", pre.status, pre.header)
	}
	for name, h := range map[string]map[string]string{
		"Origin":                     {"Origin": evil},
		"Sec-Fetch-Site: cross-site": {"Sec-Fetch-Site": "cross-site"},
		"Origin: null":               {"Origin": "null"},
	} {
		t.Run(name, func(t *testing.T) {
			expectError(t, n.call(t, http.MethodPost, "/_mock/reset", "", h), 403, "permission_denied",
				`the control plane refuses changes from another site (Origin "`+h["Origin"]+`"): allow the origin with --control-cors-origins`)
		})
	}
	if res := n.call(t, http.MethodPost, "/_mock/reset", "", nil); res.status != 200 {
		t.Errorf("reset without an Origin: %d %s", res.status, res.body)
	}
	if res := n.call(t, http.MethodPost, "/_mock/reset", "", map[string]string{"Origin": n.url}); res.status != 200 {
		t.Errorf("reset from the mock's own origin: %d %s", res.status, res.body)
	}
	api := n.call(t, http.MethodPost, "/demo.v1.NoteService/GetNote", `{"id":"note-1"}`, map[string]string{"Origin": evil})
	if api.status != 200 || api.header.Get("Access-Control-Allow-Origin") == "" {
		t.Errorf("the API lost its CORS: %d %v", api.status, api.header)
	}

	allowed := startNotes(t, func(c *engine.Config) { c.Control.CORSOrigins = []string{evil} })
	res = allowed.call(t, http.MethodPost, "/_mock/reset", "", map[string]string{"Origin": evil})
	if res.status != 200 || res.header.Get("Access-Control-Allow-Origin") != evil {
		t.Errorf("an allowed origin: %d, Access-Control-Allow-Origin %q", res.status, res.header.Get("Access-Control-Allow-Origin"))
	}
	expectError(t, allowed.call(t, http.MethodPost, "/_mock/reset", "", map[string]string{"Origin": "https://other.example"}), 403,
		"permission_denied", `the control plane refuses changes from another site (Origin "https://other.example"): allow the origin with --control-cors-origins`)
}

// TestSessionsAreBounded: a session is made only for an authenticated caller; at most
// MaxSessions exist, the least recently used idle one making room; when every one is serving
// a call, a new one is refused, naming the limit.
func TestSessionsAreBounded(t *testing.T) {
	n := startNotes(t, func(c *engine.Config) { c.Limits.MaxSessions = 3 })
	for i := range 50 {
		res := n.rpc(t, "GetNote", `{"id":"note-1"}`, map[string]string{engine.SessionHeader: fmt.Sprint("anon-", i), "Authorization": "Bearer nobody"})
		if res.status != 401 {
			t.Fatalf("unknown token: %d", res.status)
		}
	}
	if got := n.SessionCount(); got != 1 {
		t.Errorf("%d sessions after 50 refused callers, want only the default one", got)
	}
	in := func(name string) map[string]string { return map[string]string{engine.SessionHeader: name} }
	for _, name := range []string{"a", "b"} {
		if res := n.rpc(t, "CreateNote", `{"text":"in `+name+`"}`, in(name)); res.status != 200 {
			t.Fatalf("create in %s: %d", name, res.status)
		}
	}
	n.rpc(t, "GetNote", `{"id":"note-2"}`, in("a")) // b is now the least recently used
	if res := n.rpc(t, "CreateNote", `{"text":"in c"}`, in("c")); res.status != 200 || n.SessionCount() != 3 {
		t.Fatalf("a third session: %d, %d sessions", res.status, n.SessionCount())
	}
	if res := n.rpc(t, "GetNote", `{"id":"note-2"}`, in("a")); res.status != 200 {
		t.Errorf("a, used recently, was evicted: %d", res.status)
	}
	expectError(t, n.rpc(t, "GetNote", `{"id":"note-2"}`, in("b")), 404, "not_found", "id: no note note-2") // evicted: fresh again

	// Every session busy (a slow fault holds a call in each): the next is refused.
	for _, name := range []string{"", "a", "b"} {
		arm := n.call(t, http.MethodPost, "/_mock/faults", `{"operation":"GetNote","latencyMs":1500,"count":1}`, in(name))
		if arm.status != 200 {
			t.Fatalf("arm in %q: %d %s", name, arm.status, arm.body)
		}
	}
	var wg sync.WaitGroup
	for _, name := range []string{"", "a", "b"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n.rpc(t, "GetNote", `{"id":"note-1"}`, in(name))
		}()
	}
	time.Sleep(500 * time.Millisecond) // the three calls are in their latency
	expectError(t, n.rpc(t, "GetNote", `{"id":"note-1"}`, in("d")), 429, "resource_exhausted",
		"X-Mock-Session: 3 sessions exist, the most allowed (--max-sessions), and every one is serving a call; end some, or raise the limit")
	wg.Wait()
	if res := n.rpc(t, "GetNote", `{"id":"note-1"}`, in("d")); res.status != 200 {
		t.Errorf("once the calls ended: %d %s", res.status, res.body)
	}
}

// TestJournalsAreBounded: all journals together keep at most JournalBytes, dropping the
// oldest entries first whatever their session; a big body the backend never saw is kept by
// its size only; the journal pages (since, limit) and clearing gives the bytes back.
func TestJournalsAreBounded(t *testing.T) {
	const budget = 16 << 10
	n := startNotes(t, func(c *engine.Config) { c.Limits.JournalBytes = budget; c.Limits.MaxBodyBytes = 1 << 20 })
	big := `{"text":"` + strings.Repeat("x", 1<<19) + `"}` // 512 KiB, refused: text is too long
	res := n.rpc(t, "CreateNote", big, nil)
	if res.status != 400 {
		t.Fatalf("big body: %d", res.status)
	}
	var j engine.Requests
	if err := json.Unmarshal(n.call(t, http.MethodGet, "/_mock/requests", "", nil).body, &j); err != nil || len(j.Requests) != 1 {
		t.Fatalf("journal: %v %+v", err, j)
	}
	var shown string
	if e := j.Requests[0]; json.Unmarshal(e.Request, &shown) != nil || shown != fmt.Sprintf("<%d bytes, not kept>", len(big)) || e.RequestBytes != len(big) {
		t.Errorf("a refused big body: request %s, %d bytes", e.Request, e.RequestBytes)
	}
	for i := range 200 {
		session := []string{"", "s1", "s2"}[i%3]
		n.rpc(t, "CreateNote", `{"text":"`+strings.Repeat("n", 30)+`"}`, map[string]string{engine.SessionHeader: session})
		if used := n.JournalBytes(); used > budget {
			t.Fatalf("after %d calls the journals hold %d bytes, over the %d budget", i+1, used, budget)
		}
	}
	var last engine.Requests
	_ = json.Unmarshal(n.call(t, http.MethodGet, "/_mock/requests", "", nil).body, &last)
	if len(last.Requests) == 0 || len(last.Requests) > 30 || last.Requests[len(last.Requests)-1].Seq != 68 {
		t.Errorf("the default session keeps %d entries, the newest seq %v", len(last.Requests), last.Requests)
	}
	// Paging.
	since := last.Requests[0].Seq
	var page engine.Requests
	_ = json.Unmarshal(n.call(t, http.MethodGet, fmt.Sprintf("/_mock/requests?since=%d&limit=2", since), "", nil).body, &page)
	if len(page.Requests) != 2 || page.Requests[0].Seq <= since || page.Requests[1].Seq <= page.Requests[0].Seq {
		t.Errorf("since=%d&limit=2: %+v", since, page.Requests)
	}
	expectError(t, n.call(t, http.MethodGet, "/_mock/requests?limit=-1", "", nil), 400, "invalid_argument", "limit: must be a whole number, 0 or more")
	// Clearing every session's journal gives the bytes back.
	for _, s := range []string{"", "s1", "s2"} {
		n.call(t, http.MethodDelete, "/_mock/requests", "", map[string]string{engine.SessionHeader: s})
	}
	if used := n.JournalBytes(); used != 0 {
		t.Errorf("cleared journals still hold %d bytes", used)
	}
}

// TestSessionName: valid names stand for themselves; any other string maps to a valid, readable
// name, different for different strings, within the 128-character limit.
func TestSessionName(t *testing.T) {
	long := strings.Repeat("é", 200)
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"a", "a"},
		{"TestX/sub_1:v.2-3", "TestX/sub_1:v.2-3"},
		{"TestX/#00", "TestX/_00-"},
		{"TestX/tenant=1", "TestX/tenant_1-"},
		{"TestX/ünïcode/ok", "TestX/_n_code/ok-"}, // one "_" per character, not per byte
	} {
		got := engine.SessionName(tc.in)
		if tc.in == "" || tc.want == tc.in {
			if got != tc.want {
				t.Errorf("SessionName(%q) = %q, want %q", tc.in, got, tc.want)
			}
			continue
		}
		if !strings.HasPrefix(got, tc.want) || len(got) != len(tc.want)+10 {
			t.Errorf("SessionName(%q) = %q, want %q and 10 hex digits", tc.in, got, tc.want)
		}
		if engine.SessionName(got) != got {
			t.Errorf("SessionName(%q) = %q is not a valid name itself", tc.in, got)
		}
	}
	seen := map[string]string{}
	for _, in := range []string{"TestX/#00", "TestX/#01", "TestX/_00", "TestX/=00", long, long + "x", strings.Repeat("a", 129)} {
		got := engine.SessionName(in)
		if len(got) > 128 {
			t.Errorf("SessionName(%.20q...) is %d bytes, more than 128", in, len(got))
		}
		if prev, dup := seen[got]; dup {
			t.Errorf("SessionName(%q) = SessionName(%q) = %q", in, prev, got)
		}
		seen[got] = in
	}
}
