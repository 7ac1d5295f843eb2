package engine_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/gitpod-mock/orgmock/engine"
)

// lookupBackend is the notes backend that keeps the DNS lookup of each session's state, as a
// backend that verifies domains would.
type lookupBackend struct {
	notesBackend
	mu    *sync.Mutex
	order *[]func(string) []string // the lookup of every session's state made, in order
}

func (b lookupBackend) NewState(data engine.Data, env engine.Env) (engine.State, error) {
	if env.LookupTXT != nil { // nil outside a session (the engine's template state)
		b.mu.Lock()
		*b.order = append(*b.order, env.LookupTXT)
		b.mu.Unlock()
	}
	return b.notesBackend.NewState(data, env)
}

// TestDNSZone: the control plane publishes and removes TXT records per session, a backend's
// state reads them through Env.LookupTXT, a reset empties the zone, and every bound holds.
func TestDNSZone(t *testing.T) {
	var (
		mu    sync.Mutex
		order []func(string) []string
	)
	n := startNotes(t, func(c *engine.Config) { c.Backend = lookupBackend{mu: &mu, order: &order} })
	lookup := func(i int, name string) []string {
		mu.Lock()
		defer mu.Unlock()
		return order[i](name)
	}
	dns := func(method, query, body, session string) answer {
		h := map[string]string{}
		if session != "" {
			h[engine.SessionHeader] = session
		}
		p := engine.ControlPrefix + "/dns"
		if query != "" {
			p += "?" + query
		}
		return n.call(t, method, p, body, h)
	}
	const name = "_gitpod-verification.example.com"
	publish := func(txt, session string) answer {
		return dns(http.MethodPost, "", fmt.Sprintf(`{"name":%q,"txt":%q}`, name, txt), session)
	}

	// Published, read back by the state (case and a trailing dot do not matter), and listed.
	if a := publish("token-1", ""); a.status != 200 || string(a.body) != `{"records":[{"name":"`+name+`","txt":["token-1"]}]}`+"\n" {
		t.Fatalf("publish: %d %s", a.status, a.body)
	}
	publish("token-1", "") // again: kept once
	publish("token-2", "")
	if got := lookup(0, strings.ToUpper(name)+"."); strings.Join(got, ",") != "token-1,token-2" {
		t.Errorf("lookup: %v", got)
	}
	if got := lookup(0, "example.com"); got != nil {
		t.Errorf("lookup of another name: %v", got)
	}

	// Sessions do not share a zone: a named session's state sees none of the default's.
	n.rpc(t, "GetNote", `{"id":"note-1"}`, map[string]string{engine.SessionHeader: "other"})
	if got := lookup(1, name); got != nil {
		t.Errorf("another session sees %v", got)
	}
	if a := dns(http.MethodGet, "", "", "other"); string(a.body) != `{"records":[]}`+"\n" {
		t.Errorf("the other session's zone: %s", a.body)
	}

	// Removal: one record, then every record at a name.
	if a := dns(http.MethodDelete, "name="+name+"&txt=token-1", "", ""); a.status != 200 || strings.Contains(string(a.body), "token-1") {
		t.Errorf("remove one: %d %s", a.status, a.body)
	}
	dns(http.MethodDelete, "name="+url.QueryEscape(strings.ToUpper(name)), "", "")
	if got := lookup(0, name); got != nil {
		t.Errorf("after removing the name: %v", got)
	}

	// A reset empties the zone; the state after it reads the new zone.
	publish("token-3", "")
	n.call(t, http.MethodPost, engine.ControlPrefix+"/reset", "", nil)
	if a := dns(http.MethodGet, "", "", ""); string(a.body) != `{"records":[]}`+"\n" {
		t.Errorf("after a reset: %s", a.body)
	}
	if got := lookup(len(order)-1, name); got != nil {
		t.Errorf("the state after a reset sees %v", got)
	}

	// Bad input: an error naming the rule, and nothing published.
	bad := []struct {
		method, query, body string
		status              int
		code, message       string
	}{
		{http.MethodPost, "", `{"name":"bad name.example","txt":"x"}`, 400, "invalid_argument",
			`name: "bad name.example" is not a DNS name: labels of 1 to 63 letters, digits, '-' (not first or last) or '_', separated by dots`},
		{http.MethodPost, "", `{"name":"a..b","txt":"x"}`, 400, "invalid_argument",
			`name: "a..b" is not a DNS name: labels of 1 to 63 letters, digits, '-' (not first or last) or '_', separated by dots`},
		{http.MethodPost, "", `{"name":"` + strings.Repeat("a.", 127) + `com","txt":"x"}`, 400, "invalid_argument",
			"name: must be a DNS name of 1 to 253 characters"},
		{http.MethodPost, "", `{"name":"","txt":"x"}`, 400, "invalid_argument", "name: must be a DNS name of 1 to 253 characters"},
		{http.MethodPost, "", `{"name":"a.example","txt":""}`, 400, "invalid_argument", "txt: must be 1 to 255 bytes"},
		{http.MethodPost, "", `{"name":"a.example","txt":"` + strings.Repeat("x", 256) + `"}`, 400, "invalid_argument", "txt: must be 1 to 255 bytes"},
		{http.MethodPost, "", `{"name":"a.example","value":"x"}`, 400, "invalid_argument", `request body: json: unknown field "value"`},
		{http.MethodDelete, "txt=x", "", 400, "invalid_argument", "txt: name the record's name too"},
		{http.MethodDelete, "zone=x", "", 400, "invalid_argument", "zone: unknown query parameter: want name and txt"},
		{http.MethodDelete, "name=a.example&name=b.example", "", 400, "invalid_argument", "name (query): must be given at most once"},
		{http.MethodDelete, "name=-", "", 400, "invalid_argument", `name: "-" is not a DNS name: labels of 1 to 63 letters, digits, '-' (not first or last) or '_', separated by dots`},
	}
	for _, b := range bad {
		expectError(t, dns(b.method, b.query, b.body, ""), b.status, b.code, b.message)
	}
	if a := dns(http.MethodGet, "", "", ""); string(a.body) != `{"records":[]}`+"\n" {
		t.Errorf("refused changes published something: %s", a.body)
	}

	// Bounds: records a name, then names a zone; one past each is refused and changes nothing.
	for i := range engine.MaxTXTPerName {
		if a := publish(fmt.Sprint("v", i), ""); a.status != 200 {
			t.Fatalf("record %d: %d %s", i, a.status, a.body)
		}
	}
	expectError(t, publish("one-too-many", ""), 429, "resource_exhausted",
		fmt.Sprintf("name: %s holds %d TXT records, the most a name may hold", name, engine.MaxTXTPerName))
	for i := 1; i < engine.MaxDNSNames; i++ {
		if a := dns(http.MethodPost, "", fmt.Sprintf(`{"name":"n%d.example","txt":"x"}`, i), ""); a.status != 200 {
			t.Fatalf("name %d: %d %s", i, a.status, a.body)
		}
	}
	expectError(t, dns(http.MethodPost, "", `{"name":"last.example","txt":"x"}`, ""), 429, "resource_exhausted",
		fmt.Sprintf("the zone holds %d names, the most it may hold: remove some first", engine.MaxDNSNames))
	if got := lookup(0, "last.example"); got != nil {
		t.Errorf("a refused name was published: %v", got)
	}
	// A record more at a name the zone holds still fits.
	if a := dns(http.MethodPost, "", `{"name":"n1.example","txt":"y"}`, ""); a.status != 200 {
		t.Errorf("a second record at a held name: %d %s", a.status, a.body)
	}
	// Emptying the zone makes room again.
	dns(http.MethodDelete, "", "", "")
	if a := dns(http.MethodPost, "", `{"name":"last.example","txt":"x"}`, ""); a.status != 200 {
		t.Errorf("after emptying the zone: %d %s", a.status, a.body)
	}
}
