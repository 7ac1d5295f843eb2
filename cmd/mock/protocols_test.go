package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"connectrpc.com/connect"

	"github.com/gitpod-mock/orgmock/internal/rpctest"
	"github.com/gitpod-mock/orgmock/mocktest"
)

// TestProtocolLifecycles: a client of each protocol, at the root and under /api, runs the
// whole SCIM and SSO lifecycles against the binary, and gets the documented errors (code and
// message naming the field) for a missing token, a bad UUID and an out-of-range token
// lifetime. Each protocol works in its own session of one mock.
func TestProtocolLifecycles(t *testing.T) {
	p := startBinary(t, []string{}, "--addr", "127.0.0.1:0", "--log-format", "json")
	for _, base := range []string{"", "/api"} {
		for _, proto := range rpctest.Protocols {
			t.Run(strings.TrimPrefix(base+" ", " ")+proto.Name, func(t *testing.T) {
				c, err := rpctest.New(proto, "http://"+p.addr+base)
				if err != nil {
					t.Fatal(err)
				}
				c.Token = mocktest.AcmeToken
				c.Session = strings.NewReplacer(" ", "-", "+", ".").Replace("lifecycle" + base + "-" + proto.Name)
				scimLifecycle(t, c)
				ssoLifecycle(t, c)
				documentedErrors(t, c)
				checkJournal(t, "http://"+p.addr, c.Session, strings.TrimSuffix(proto.Name, " gzip"))
			})
		}
	}
}

// must fails the test unless the call succeeded.
func must(t *testing.T, c *rpctest.Client, method, request string) map[string]any {
	t.Helper()
	out, err := c.Call(method, request)
	if err != nil {
		t.Fatalf("%s %s: %v", method, request, err)
	}
	return out
}

// fails checks that the call fails with code and exactly message.
func fails(t *testing.T, c *rpctest.Client, method, request string, code connect.Code, message string) {
	t.Helper()
	out, err := c.Call(method, request)
	if err == nil {
		t.Errorf("%s %s: succeeded with %v, want %s", method, request, out, code)
		return
	}
	if connect.CodeOf(err) != code || rpctest.Message(err) != message {
		t.Errorf("%s %s:\n got %s %q\nwant %s %q", method, request, connect.CodeOf(err), rpctest.Message(err), code, message)
	}
}

func scimLifecycle(t *testing.T, c *rpctest.Client) {
	created := must(t, c, "CreateSCIMConfiguration", fmt.Sprintf(
		`{"organizationId":%q,"ssoConfigurationId":%q,"name":"over the wire","tokenExpiresIn":"172800s"}`, mocktest.AcmeOrgID, mocktest.AcmeSSOID))
	cfg := created["scimConfiguration"].(map[string]any)
	id := cfg["id"].(string)
	if cfg["name"] != "over the wire" || cfg["enabled"] != true || created["token"] == "" || created["tokenExpiresAt"] == nil {
		t.Fatalf("create: %v", created)
	}
	got := must(t, c, "GetSCIMConfiguration", fmt.Sprintf(`{"scimConfigurationId":%q}`, id))
	if got["scimConfiguration"].(map[string]any)["createdAt"] != cfg["createdAt"] {
		t.Errorf("get: %v, created %v", got, cfg)
	}
	updated := must(t, c, "UpdateSCIMConfiguration", fmt.Sprintf(`{"scimConfigurationId":%q,"name":"renamed","enabled":false}`, id))
	if u := updated["scimConfiguration"].(map[string]any); u["name"] != "renamed" || u["enabled"] != nil { // false is not sent in proto3 JSON
		t.Errorf("update: %v", updated)
	}
	// Paging, one at a time, through every configuration of the organization.
	seen, token := map[string]bool{}, ""
	for i := 0; i < 10; i++ {
		page := must(t, c, "ListSCIMConfigurations", fmt.Sprintf(`{"pagination":{"pageSize":1,"token":%q}}`, token))
		items, _ := page["scimConfigurations"].([]any)
		if len(items) != 1 {
			t.Fatalf("page %d: %v", i, page)
		}
		seen[items[0].(map[string]any)["id"].(string)] = true
		next, _ := page["pagination"].(map[string]any)["nextToken"].(string)
		if next == "" {
			break
		}
		token = next
	}
	if !seen[id] || !seen[mocktest.AcmeSCIMID] || len(seen) != 2 {
		t.Errorf("paging saw %v", seen)
	}
	regenerated := must(t, c, "RegenerateSCIMToken", fmt.Sprintf(`{"scimConfigurationId":%q}`, id))
	if regenerated["token"] == "" || regenerated["token"] == created["token"] {
		t.Errorf("regenerate: %v", regenerated)
	}
	if out := must(t, c, "DeleteSCIMConfiguration", fmt.Sprintf(`{"scimConfigurationId":%q}`, id)); len(out) != 0 {
		t.Errorf("delete: %v", out)
	}
	fails(t, c, "GetSCIMConfiguration", fmt.Sprintf(`{"scimConfigurationId":%q}`, id),
		connect.CodeNotFound, "scimConfigurationId: SCIM configuration "+id+" not found")
}

func ssoLifecycle(t *testing.T, c *rpctest.Client) {
	created := must(t, c, "CreateSSOConfiguration", fmt.Sprintf(
		`{"organizationId":%q,"clientId":"wire","clientSecret":"wire-secret","issuerUrl":"https://sso.example.com","emailDomains":["example.com"]}`,
		mocktest.AcmeOrgID))
	cfg := created["ssoConfiguration"].(map[string]any)
	id := cfg["id"].(string)
	if cfg["state"] != "SSO_CONFIGURATION_STATE_INACTIVE" || cfg["providerType"] != "PROVIDER_TYPE_CUSTOM" || cfg["clientSecret"] != nil {
		t.Fatalf("create: %v", created)
	}
	must(t, c, "UpdateSSOConfiguration", fmt.Sprintf(`{"ssoConfigurationId":%q,"state":"SSO_CONFIGURATION_STATE_ACTIVE","displayName":"Wire"}`, id))
	got := must(t, c, "GetSSOConfiguration", fmt.Sprintf(`{"ssoConfigurationId":%q}`, id))["ssoConfiguration"].(map[string]any)
	if got["state"] != "SSO_CONFIGURATION_STATE_ACTIVE" || got["displayName"] != "Wire" {
		t.Errorf("get after update: %v", got)
	}
	list := must(t, c, "ListSSOConfigurations", fmt.Sprintf(`{"organizationId":%q,"pagination":{"pageSize":100}}`, mocktest.AcmeOrgID))
	if items, _ := list["ssoConfigurations"].([]any); len(items) != 4 {
		t.Errorf("list: %d configurations, want the 3 of the fixtures and the new one", len(items))
	}
	must(t, c, "DeleteSSOConfiguration", fmt.Sprintf(`{"ssoConfigurationId":%q}`, id))
	fails(t, c, "GetSSOConfiguration", fmt.Sprintf(`{"ssoConfigurationId":%q}`, id),
		connect.CodeNotFound, "ssoConfigurationId: SSO configuration "+id+" not found")
}

func documentedErrors(t *testing.T, c *rpctest.Client) {
	anonymous := *c
	anonymous.Token = ""
	fails(t, &anonymous, "GetSCIMConfiguration", fmt.Sprintf(`{"scimConfigurationId":%q}`, mocktest.AcmeSCIMID),
		connect.CodeUnauthenticated, `missing bearer token: send "Authorization: Bearer <token>"`)
	fails(t, c, "GetSCIMConfiguration", `{"scimConfigurationId":"not-a-uuid"}`,
		connect.CodeInvalidArgument, "scimConfigurationId: must be a UUID")
	fails(t, c, "CreateSCIMConfiguration", fmt.Sprintf(`{"organizationId":%q,"ssoConfigurationId":%q,"tokenExpiresIn":"60s"}`,
		mocktest.AcmeOrgID, mocktest.AcmeSSOID),
		connect.CodeInvalidArgument, "tokenExpiresIn: must be at least 86400s (1 day)")
}

// checkJournal: every call of the session is journaled with the protocol it arrived in (a
// Connect GET client uses GET for the side-effect-free methods only) and its request as JSON
// (but the one refused for its missing token, whose body was never read).
func checkJournal(t *testing.T, base, session, want string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/_mock/requests", nil)
	req.Header.Set("X-Mock-Session", session)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var journal struct {
		Requests []struct {
			Operation string          `json:"operation"`
			Protocol  string          `json:"protocol"`
			Status    int             `json:"status"`
			Request   json.RawMessage `json:"request"`
		} `json:"requests"`
	}
	if err := json.NewDecoder(res.Body).Decode(&journal); err != nil || len(journal.Requests) < 15 {
		t.Fatalf("journal: %d entries, %v", len(journal.Requests), err)
	}
	for _, e := range journal.Requests {
		expect := want
		if get, ok := strings.CutPrefix(want, "connect-get+"); ok && !strings.HasPrefix(e.Operation, "Get") && !strings.HasPrefix(e.Operation, "List") {
			expect = "connect+" + get
		}
		if e.Protocol != expect || e.Status != 401 && (len(e.Request) == 0 || e.Request[0] != '{') {
			t.Errorf("journal: %s arrived as %q (want %q), request %s", e.Operation, e.Protocol, expect, e.Request)
		}
	}
}
