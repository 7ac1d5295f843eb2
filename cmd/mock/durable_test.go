package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

// durableClient is one worker driving the binary over HTTP; it owns the records it creates,
// so no other worker touches them, and remembers what was acknowledged.
type durableClient struct {
	base string
	mu   sync.Mutex
	// acked: id -> the names it may have now. One name once acknowledged; two while an
	// update's answer was lost (the change may or may not have landed).
	acked map[string][]string
	// maybe: ids whose delete answer was lost: present or not, both are fine.
	maybe map[string]bool
}

func newDurableClient() *durableClient {
	return &durableClient{acked: map[string][]string{}, maybe: map[string]bool{}}
}

func (d *durableClient) post(op, body string) (int, map[string]any, error) {
	req, _ := http.NewRequest(http.MethodPost, d.base+"/gitpod.v1.OrganizationService/"+op, bytes.NewReader([]byte(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer acme-admin-token")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, nil, err
	}
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return res.StatusCode, m, nil
}

// work mutates until the process dies under it.
func (d *durableClient) work(rng *rand.Rand, tag string) {
	for n := 0; ; n++ {
		d.mu.Lock()
		var id string
		for k := range d.acked {
			id = k
			break
		}
		live := len(d.acked)
		d.mu.Unlock()
		switch op := rng.IntN(10); {
		case id == "" || (op < 5 && live < 10):
			name := fmt.Sprintf("%s-%d", tag, n)
			st, b, err := d.post("CreateSCIMConfiguration", `{"organizationId":"b0e12f6c-4c67-429d-a4a6-d9838b5da047","ssoConfigurationId":"d2c94c27-3b76-4a42-b88c-95a85e392c68","name":"`+name+`"}`)
			if err != nil {
				return // the answer was lost: nothing of the new record is known, nothing is promised
			}
			if st == 200 {
				newID := b["scimConfiguration"].(map[string]any)["id"].(string)
				d.mu.Lock()
				d.acked[newID] = []string{name}
				d.mu.Unlock()
			}
		case op < 8:
			name := fmt.Sprintf("%s-u%d", tag, n)
			d.mu.Lock()
			prev := d.acked[id]
			d.acked[id] = append(append([]string(nil), prev...), name) // old or new until answered
			d.mu.Unlock()
			st, _, err := d.post("UpdateSCIMConfiguration", `{"scimConfigurationId":"`+id+`","name":"`+name+`"}`)
			if err != nil {
				return
			}
			d.mu.Lock()
			if st == 200 {
				d.acked[id] = []string{name}
			} else {
				d.acked[id] = prev
			}
			d.mu.Unlock()
		default:
			d.mu.Lock()
			delete(d.acked, id)
			d.maybe[id] = true // until the answer comes
			d.mu.Unlock()
			st, _, err := d.post("DeleteSCIMConfiguration", `{"scimConfigurationId":"`+id+`"}`)
			if err != nil {
				return
			}
			d.mu.Lock()
			if st == 200 {
				delete(d.maybe, id)
			}
			d.mu.Unlock()
		}
	}
}

// verify lists everything and checks it against what the workers were acknowledged. A record
// nobody knows is a create whose answer was lost; it is adopted by the first worker.
func verify(t *testing.T, round int, base string, workers []*durableClient) {
	t.Helper()
	d := workers[0]
	d.base = base
	got := map[string]string{}
	token := ""
	for page := 0; page < 100; page++ {
		q := ""
		if token != "" {
			q = "?token=" + token
		}
		st, b, err := d.post("ListSCIMConfigurations"+q, `{"pagination":{"pageSize":100}}`)
		if err != nil || st != 200 {
			t.Fatalf("round %d: list: %d %v", round, st, err)
		}
		items, _ := b["scimConfigurations"].([]any)
		for _, it := range items {
			m := it.(map[string]any)
			name, _ := m["name"].(string)
			got[m["id"].(string)] = name
		}
		token, _ = b["pagination"].(map[string]any)["nextToken"].(string)
		if token == "" {
			break
		}
	}
	known := map[string]bool{"d2c94c27-3b76-4a42-b88c-95a85e392c68": true}
	for _, w := range workers {
		for id, names := range w.acked {
			known[id] = true
			name, ok := got[id]
			if !ok {
				t.Fatalf("round %d: acknowledged record %s lost", round, id)
			}
			if !contains(names, name) {
				t.Fatalf("round %d: record %s has name %q, acknowledged %v", round, id, name, names)
			}
			w.acked[id] = []string{name} // settled
		}
		for id := range w.maybe {
			known[id] = true
			if name, ok := got[id]; ok {
				w.acked[id] = []string{name}
			}
			delete(w.maybe, id)
		}
	}
	for id, name := range got {
		if !known[id] {
			d.acked[id] = []string{name}
		}
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

// TestBinaryKill9KeepsAcknowledgedChanges kills the mock with SIGKILL at random moments while
// four clients create, update and delete, restarts it on the same --state-file, and checks
// that every acknowledged change is there and the file always loads. MOCK_KILL_LOOPS sets the
// number of kills (200 by default). The moments of the kills come from a seed, drawn from the
// clock and logged; MOCK_KILL_SEED=<seed> replays a run (the workers' own choices are seeded
// by round already; the timing of a kill against them can still differ between runs).
func TestBinaryKill9KeepsAcknowledgedChanges(t *testing.T) {
	loops := 200
	if v, err := strconv.Atoi(os.Getenv("MOCK_KILL_LOOPS")); err == nil && v > 0 {
		loops = v
	}
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("MOCK_KILL_SEED"); v != "" {
		s, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("MOCK_KILL_SEED=%q: want an unsigned integer", v)
		}
		seed = s
	}
	t.Logf("kill moments from seed %d (replay: MOCK_KILL_SEED=%d)", seed, seed)
	dir := t.TempDir()
	state := filepath.Join(dir, "state.db")
	workers := []*durableClient{newDurableClient(), newDurableClient(), newDurableClient(), newDurableClient()}
	rng := rand.New(rand.NewPCG(42, seed))
	for round := 0; round < loops; round++ {
		p := startBinary(t, []string{}, "--addr", "127.0.0.1:0", "--log-format", "json", "--state-file", state)
		verify(t, round, "http://"+p.addr, workers)
		var wg sync.WaitGroup
		for w, d := range workers {
			d.base = "http://" + p.addr
			wg.Add(1)
			go func() {
				defer wg.Done()
				d.work(rand.New(rand.NewPCG(uint64(round), uint64(w))), fmt.Sprintf("r%dw%d", round, w))
			}()
		}
		time.Sleep(time.Duration(rng.IntN(40)) * time.Millisecond)
		_ = p.cmd.Process.Kill()
		<-p.done
		wg.Wait()
	}
	p := startBinary(t, []string{}, "--addr", "127.0.0.1:0", "--log-format", "json", "--state-file", state)
	verify(t, loops, "http://"+p.addr, workers)
	kept := 0
	for _, w := range workers {
		kept += len(w.acked)
	}
	if kept == 0 {
		t.Fatalf("no change survived %d kills: the test did not exercise anything", loops)
	}
	t.Logf("%d kills, %d records acknowledged and kept", loops, kept)
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("after %d kills the directory holds %v, want the state file alone", loops, names)
	}
}
