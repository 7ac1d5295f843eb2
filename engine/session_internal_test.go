package engine

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/gitpod-mock/orgmock/engine/spec"
)

// emptyBackend has states that hold nothing.
type emptyBackend struct{ http.Handler }

type emptyState struct{}

func (emptyBackend) NewState(Data, Env) (State, error)  { return emptyState{}, nil }
func (emptyBackend) Parse(string, []byte) (Data, error) { return nil, nil }
func (emptyBackend) Load([]Record) (Data, error)        { return nil, nil }
func (emptyState) Records() ([]Record, error)           { return nil, nil }
func (emptyState) Changes() ([]Record, error)           { return nil, nil }
func (emptyState) Authenticate(string) (string, bool)   { return "", true }
func (emptyState) Export() ([]byte, error)              { return []byte("{}"), nil }
func testSessions(ttl time.Duration, now func() time.Time) *sessions {
	ss, err := newSessions(Config{Backend: emptyBackend{}, Limits: Limits{SessionTTL: ttl, JournalSize: 3}})
	if err != nil {
		panic(err)
	}
	ss.now = now
	return ss
}

// TestSessionsExpireWhenIdle drives the sessions' idea of time directly: a named session idle
// past the TTL is dropped at the next sweep; a used one and the default session stay.
func TestSessionsExpireWhenIdle(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ss := testSessions(time.Minute, func() time.Time { return now })
	for _, name := range []string{"", "idle", "busy"} {
		if _, err := ss.get(name); err != nil {
			t.Fatal(err)
		}
	}
	idle, _ := ss.get("idle")
	now = now.Add(45 * time.Second)
	ss.get("busy")
	now = now.Add(45 * time.Second) // idle: 90s, busy: 45s
	ss.get("busy")
	if ss.count() != 2 {
		t.Fatalf("want the default and busy sessions left, have %d", ss.count())
	}
	again, _ := ss.get("idle")
	if again == idle {
		t.Errorf("an expired session came back with its old state")
	}
}

// BenchmarkSessionCreate measures what a new session costs the engine (thousands must be
// cheap); a backend's state comes on top.
func BenchmarkSessionCreate(b *testing.B) {
	ss := testSessions(time.Hour, time.Now)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := ss.get(fmt.Sprintf("bench-%d", i)); err != nil {
			b.Fatal(err)
		}
	}
}

// TestJournalKeepsTheNewest: a full journal keeps exactly the newest max entries.
func TestJournalKeepsTheNewest(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromFile("testdata/notes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sp, err := spec.Load(doc)
	if err != nil {
		t.Fatal(err)
	}
	route := sp.Operation("GetNote")
	j := journal{max: 3}
	for i := 0; i < 10; i++ {
		j.add(JournalEntry{Operation: "GetNote"}, route, nil, nil)
		want := min(i+1, 3)
		got := j.list("")
		if len(got) != want || got[len(got)-1].Seq != i+1 || got[0].Seq != i+2-want {
			t.Fatalf("after %d adds: %d entries, seqs %d..%d", i+1, len(got), got[0].Seq, got[len(got)-1].Seq)
		}
	}
	if len(j.entries) > 2*j.max+1 {
		t.Errorf("journal grew to %d records for a capacity of %d", len(j.entries), j.max)
	}
}
