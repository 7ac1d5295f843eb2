package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/gitpod-mock/orgmock/mocktest"
	"github.com/gitpod-mock/orgmock/server"
)

// modelRecord is what a client knows of one of its SCIM configurations.
type modelRecord struct {
	name, sso string
	enabled   bool
	createdAt string
	updatedAt time.Time
}

// modelClient owns its records: the API, seen by this client alone, must behave exactly like
// a sequential model of those records, whatever the other clients do at the same time.
// It runs on its own goroutine and holds no *testing.T: every problem goes to errs.
type modelClient struct {
	srv     *mocktest.Server
	session string
	token   string
	org     string
	sso     string
	name    string
	rng     *rand.Rand
	records map[string]*modelRecord
	tokens  chan<- string
	errs    chan<- error
}

// call sends one request. It runs on the client's own goroutine, so it reports problems
// through fail (t.Fatal must not be called there) and answers status 0 for a failed call.
func (c *modelClient) call(op string, body any, query string) (int, map[string]any) {
	raw, err := json.Marshal(body)
	if err != nil {
		c.fail("%s: %v", op, err)
		return 0, nil
	}
	url := c.srv.URL + mocktest.ServicePath + op
	if query != "" {
		url += "?" + query
	}
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(raw))
	if err != nil {
		c.fail("%s: %v", op, err)
		return 0, nil
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.token)
	if c.session != "" {
		req.Header.Set(server.SessionHeader, c.session)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.fail("%s: %v", op, err)
		return 0, nil
	}
	defer res.Body.Close()
	raw, err = io.ReadAll(res.Body)
	if err != nil {
		c.fail("%s: reading the answer: %v", op, err)
		return 0, nil
	}
	var m map[string]any
	if res.StatusCode == 200 {
		if err := json.Unmarshal(raw, &m); err != nil {
			c.fail("%s: the answer is not a JSON object: %s", op, raw)
			return 0, nil
		}
	}
	return res.StatusCode, m
}

// object is member key of m as an object; nil (and a failure) when it is not one.
func (c *modelClient) object(m map[string]any, key string) map[string]any {
	o, ok := m[key].(map[string]any)
	if !ok {
		c.fail("answer %v: %s is not an object", m, key)
	}
	return o
}

func (c *modelClient) fail(format string, args ...any) {
	c.errs <- fmt.Errorf("%s: %s", c.name, fmt.Sprintf(format, args...))
}

// check compares a returned configuration with the model and advances the model's
// updatedAt, which must strictly increase.
func (c *modelClient) check(id string, cfg map[string]any, changed bool) {
	r := c.records[id]
	name, _ := cfg["name"].(string)
	enabled, _ := cfg["enabled"].(bool)
	sso, _ := cfg["ssoConfigurationId"].(string)
	if name != r.name || enabled != r.enabled || sso != r.sso || cfg["createdAt"] != r.createdAt || cfg["organizationId"] != c.org {
		c.fail("%s: got %v, model %+v", id, cfg, *r)
	}
	updated, _ := cfg["updatedAt"].(string)
	at, err := time.Parse(time.RFC3339Nano, updated)
	if err != nil {
		c.fail("updatedAt %v", cfg["updatedAt"])
		return
	}
	switch {
	case changed && !at.After(r.updatedAt):
		c.fail("%s: updatedAt %v did not advance past %v", id, at, r.updatedAt)
	case !changed && !at.Equal(r.updatedAt):
		c.fail("%s: updatedAt moved from %v to %v without a change", id, r.updatedAt, at)
	}
	r.updatedAt = at
}

func (c *modelClient) pickOwn() (string, bool) {
	for id := range c.records {
		return id, true
	}
	return "", false
}

func (c *modelClient) run(steps int) {
	for i := 0; i < steps; i++ {
		id, has := c.pickOwn()
		switch op := c.rng.IntN(10); {
		case op < 3 || !has:
			name := fmt.Sprintf("%s-%d", c.name, i)
			st, b := c.call("CreateSCIMConfiguration", map[string]any{"organizationId": c.org, "ssoConfigurationId": c.sso, "name": name}, "")
			if st != 200 {
				c.fail("create: %d", st)
				continue
			}
			cfg := c.object(b, "scimConfiguration")
			nid, _ := cfg["id"].(string)
			if nid == "" {
				c.fail("create: no id in %v", b)
				continue
			}
			createdAt, _ := cfg["createdAt"].(string)
			c.records[nid] = &modelRecord{name: name, sso: c.sso, enabled: true, createdAt: createdAt}
			c.check(nid, cfg, true)
			c.tokens <- fmt.Sprint(b["token"])
		case op < 5:
			r := c.records[id]
			r.name, r.enabled = fmt.Sprintf("%s-u%d", c.name, i), c.rng.IntN(2) == 0
			st, b := c.call("UpdateSCIMConfiguration", map[string]any{"scimConfigurationId": id, "name": r.name, "enabled": r.enabled}, "")
			if st != 200 {
				c.fail("update: %d", st)
				continue
			}
			if cfg := c.object(b, "scimConfiguration"); cfg != nil {
				c.check(id, cfg, true)
			}
		case op < 6:
			st, b := c.call("RegenerateSCIMToken", map[string]any{"scimConfigurationId": id, "tokenExpiresIn": "86400s"}, "")
			if st != 200 {
				c.fail("regenerate: %d", st)
				continue
			}
			c.tokens <- fmt.Sprint(b["token"])
			st, g := c.call("GetSCIMConfiguration", map[string]any{"scimConfigurationId": id}, "")
			if st != 200 {
				c.fail("get after regenerate: %d", st)
				continue
			}
			cfg := c.object(g, "scimConfiguration")
			if cfg == nil {
				continue
			}
			c.check(id, cfg, true)
			if cfg["tokenExpiresAt"] != b["tokenExpiresAt"] {
				c.fail("%s: tokenExpiresAt %v after regenerating to %v", id, cfg["tokenExpiresAt"], b["tokenExpiresAt"])
			}
		case op < 7:
			if st, _ := c.call("DeleteSCIMConfiguration", map[string]any{"scimConfigurationId": id}, ""); st != 200 {
				c.fail("delete: %d", st)
				continue
			}
			delete(c.records, id)
			if st, _ := c.call("GetSCIMConfiguration", map[string]any{"scimConfigurationId": id}, ""); st != 404 {
				c.fail("get after delete: %d", st)
			}
		case op < 8:
			st, b := c.call("GetSCIMConfiguration", map[string]any{"scimConfigurationId": id}, "")
			if st != 200 {
				c.fail("get: %d", st)
				continue
			}
			if cfg := c.object(b, "scimConfiguration"); cfg != nil {
				c.check(id, cfg, false)
			}
		default:
			c.walk()
		}
	}
}

// walk pages through the list while others write: every own record appears exactly once
// with the model's values, and no item appears twice.
func (c *modelClient) walk() {
	seen := map[string]int{}
	token := ""
	for page := 0; page < 1000; page++ {
		q := "pageSize=3"
		if token != "" {
			q += "&token=" + token
		}
		st, b := c.call("ListSCIMConfigurations", map[string]any{}, q)
		if st != 200 {
			c.fail("list: %d", st)
			return
		}
		items, _ := b["scimConfigurations"].([]any)
		for _, it := range items {
			cfg, _ := it.(map[string]any)
			id, _ := cfg["id"].(string)
			seen[id]++
			if cfg["organizationId"] != c.org {
				c.fail("listed another organization's record %s", id)
			}
			if _, own := c.records[id]; own {
				c.check(id, cfg, false)
			}
		}
		token, _ = c.object(b, "pagination")["nextToken"].(string)
		if token == "" {
			break
		}
	}
	for id, n := range seen {
		if n != 1 {
			c.fail("record %s listed %d times in one walk", id, n)
		}
	}
	for id := range c.records {
		if seen[id] != 1 {
			c.fail("own record %s listed %d times", id, seen[id])
		}
	}
}

// TestConcurrencyAgainstModel: eight clients in two organizations and two sessions create,
// update, regenerate, delete, read and page at once; every response matches each client's
// sequential model, tokens are unique, and the final state is exactly the union of the models.
func TestConcurrencyAgainstModel(t *testing.T) {
	// With a state file: its changes are made one at a time per session, and what it keeps
	// must be what the sessions hold (checked by a restart at the end).
	path := filepath.Join(t.TempDir(), "state.db")
	stateFile := func(o *server.Options) { o.StateFile = path }
	srv := mocktest.Start(t, mocktest.WithSeed(11), stateFile)
	type tenantOf struct{ token, org, sso, fixture string }
	tenants := []tenantOf{
		{mocktest.AcmeToken, mocktest.AcmeOrgID, mocktest.AcmeSSOID, mocktest.AcmeSCIMID},
		{mocktest.GlobexToken, mocktest.GlobexOrgID, mocktest.GlobexSSOID, mocktest.GlobexSCIMID},
	}
	tokens := make(chan string, 10000)
	errs := make(chan error, 10000)
	var clients []*modelClient
	for i := 0; i < 8; i++ {
		tn := tenants[i%2]
		clients = append(clients, &modelClient{
			srv: srv, session: []string{"", "model"}[(i/2)%2], token: tn.token, org: tn.org, sso: tn.sso,
			name: fmt.Sprintf("client%d", i), rng: rand.New(rand.NewPCG(uint64(i), 99)),
			records: map[string]*modelRecord{}, tokens: tokens, errs: errs,
		})
	}
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.run(60)
		}()
	}
	wg.Wait()
	close(errs)
	close(tokens)
	for err := range errs {
		t.Error(err)
	}
	seenTokens := map[string]bool{}
	for tok := range tokens {
		if seenTokens[tok] {
			t.Errorf("token issued twice: %s", tok)
		}
		seenTokens[tok] = true
	}
	// Final state: per (session, organization), exactly the fixture record plus the models.
	for _, session := range []string{"", "model"} {
		for _, tn := range tenants {
			want := map[string]*modelRecord{tn.fixture: nil}
			for _, c := range clients {
				if c.session == session && c.org == tn.org {
					for id, r := range c.records {
						want[id] = r
					}
				}
			}
			res := srv.Do(t, mocktest.Request{Operation: "ListSCIMConfigurations", Token: tn.token, Session: session,
				Body: map[string]any{}, Query: "pageSize=100"})
			items, _ := res.JSON(t)["scimConfigurations"].([]any)
			if len(items) != len(want) {
				t.Errorf("session %q org %s: %d records, model has %d", session, tn.org, len(items), len(want))
			}
			for _, it := range items {
				cfg, _ := it.(map[string]any)
				id, _ := cfg["id"].(string)
				r, ok := want[id]
				if !ok {
					t.Errorf("session %q: phantom record %v", session, cfg)
					continue
				}
				if r != nil && (cfg["name"] != r.name || (cfg["enabled"] == true) != r.enabled) {
					t.Errorf("session %q: final %v, model %+v", session, cfg, *r)
				}
			}
		}
	}
	exports := map[string][]byte{}
	for _, session := range []string{"", "model"} {
		exports[session] = srv.Control().WithSession(session).State(t)
	}
	srv.Close()
	again := mocktest.Start(t, mocktest.WithSeed(11), stateFile)
	for session, want := range exports {
		if got := again.Control().WithSession(session).State(t); !bytes.Equal(got, want) {
			t.Errorf("session %q after a restart on the state file differs from the session before", session)
		}
	}
}
