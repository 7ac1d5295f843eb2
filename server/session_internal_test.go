package server

import (
	"fmt"
	"testing"
	"time"

	"github.com/gitpod-mock/orgmock/fixtures"
)

// TestSessionsExpireWhenIdle drives the sessions' idea of time directly: a named session idle
// past the TTL is dropped at the next sweep; a used one and the default session stay.
func TestSessionsExpireWhenIdle(t *testing.T) {
	data, err := fixtures.Load(fixtures.Default())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ss := &sessions{data: data, ttl: time.Minute, now: func() time.Time { return now }, m: map[string]*session{}}
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

// BenchmarkSessionCreate measures what a new session costs (thousands must be cheap).
func BenchmarkSessionCreate(b *testing.B) {
	data, err := fixtures.Load(fixtures.Default())
	if err != nil {
		b.Fatal(err)
	}
	ss := &sessions{data: data, ttl: time.Hour, now: time.Now, m: map[string]*session{}}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := ss.get(fmt.Sprintf("bench-%d", i)); err != nil {
			b.Fatal(err)
		}
	}
}

// TestJournalKeepsTheNewest: a full journal keeps exactly the newest max entries.
func TestJournalKeepsTheNewest(t *testing.T) {
	j := journal{max: 3}
	for i := 0; i < 10; i++ {
		j.add(JournalEntry{Operation: "Op"}, nil, nil)
		want := min(i+1, 3)
		got := j.list("")
		if len(got) != want || got[len(got)-1].Seq != i+1 || got[0].Seq != i+2-want {
			t.Fatalf("after %d adds: %d entries, seqs %d..%d", i+1, len(got), got[0].Seq, got[len(got)-1].Seq)
		}
	}
	if len(j.entries) >= 2*j.max {
		t.Errorf("journal grew to %d records for a capacity of %d", len(j.entries), j.max)
	}
}
