package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/gitpod-mock/orgmock/mocktest"
	"github.com/gitpod-mock/orgmock/server"
	"github.com/gitpod-mock/orgmock/server/api"
	"github.com/gitpod-mock/orgmock/server/store"
)

const unknownID = "0b0b0b0b-1111-4222-8333-444444444444"

// transports run the same scenario in-process (ServeHTTP on a recorder) and over a real
// 127.0.0.1 listener, so nothing depends on how the request arrives.
var transports = map[string]func(t *testing.T, srv *mocktest.Server, r mocktest.Request) *mocktest.Response{
	"in-process": func(t *testing.T, srv *mocktest.Server, r mocktest.Request) *mocktest.Response {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, r.HTTP(t, "http://in-process.test"))
		return &mocktest.Response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
	},
	"listener": func(t *testing.T, srv *mocktest.Server, r mocktest.Request) *mocktest.Response {
		return srv.Do(t, r)
	},
}

func req(op, token string, body any) mocktest.Request {
	return mocktest.Request{Operation: op, Token: token, Body: body}
}

func scimID(extra map[string]any) map[string]any {
	m := map[string]any{"scimConfigurationId": mocktest.AcmeSCIMID}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

// ssoBody is the documented custom OIDC example with extra fields set (nil removes one).
func ssoBody(extra map[string]any) map[string]any {
	m := map[string]any{"organizationId": mocktest.AcmeOrgID, "clientId": "acme-corp-gitpod",
		"clientSecret": "secret-token-value", "issuerUrl": "https://sso.acme-corp.com", "emailDomain": "acme-corp.com"}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func manyScopes(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "scope" + strings.Repeat("x", i%5)
	}
	return out
}

func createBody(extra map[string]any) map[string]any {
	m := map[string]any{"organizationId": mocktest.AcmeOrgID, "ssoConfigurationId": mocktest.AcmeSSOID}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

// TestBadInput: every bad request gets a clear Connect error (status, code and a message that
// names the field and the rule), never a 5xx, and leaves the state exactly as it was.
func TestBadInput(t *testing.T) {
	const acme = mocktest.AcmeToken
	type badCase struct {
		name    string
		opts    server.Options
		req     mocktest.Request
		status  int
		code    string
		message string
	}
	withCT := func(r mocktest.Request, ct string) mocktest.Request { r.ContentType = ct; return r }
	withQuery := func(r mocktest.Request, q string) mocktest.Request { r.Query = q; return r }
	withAuth := func(r mocktest.Request, h string) mocktest.Request {
		r.Token, r.Header = "", http.Header{"Authorization": {h}}
		return r
	}
	get := func(body any) mocktest.Request { return req("GetSCIMConfiguration", acme, body) }
	update := func(body any) mocktest.Request { return req("UpdateSCIMConfiguration", acme, body) }
	create := func(body any) mocktest.Request { return req("CreateSCIMConfiguration", acme, body) }
	list := func(body any) mocktest.Request { return req("ListSCIMConfigurations", acme, body) }
	regen := func(body any) mocktest.Request { return req("RegenerateSCIMToken", acme, body) }
	createSSO := func(body any) mocktest.Request { return req("CreateSSOConfiguration", acme, body) }
	updateSSO := func(body any) mocktest.Request { return req("UpdateSSOConfiguration", acme, body) }

	cases := []badCase{
		// Transport and framing.
		{name: "no Authorization header", req: req("GetSCIMConfiguration", "", scimID(nil)),
			status: 401, code: "unauthenticated", message: `missing bearer token: send "Authorization: Bearer <token>"`},
		{name: "Basic scheme", req: withAuth(get(scimID(nil)), "Basic YWxhZGRpbjpvcGVuc2VzYW1l"),
			status: 401, code: "unauthenticated", message: `Authorization: must use the Bearer scheme ("Authorization: Bearer <token>")`},
		{name: "empty bearer token", req: withAuth(get(scimID(nil)), "Bearer"),
			status: 401, code: "unauthenticated", message: "Authorization: the bearer token is empty"},
		{name: "unknown token under --strict-auth", opts: server.Options{StrictAuth: true},
			req:    req("GetSCIMConfiguration", "made-up-token", scimID(nil)),
			status: 401, code: "unauthenticated", message: "Authorization: unknown bearer token"},
		{name: "text/plain body", req: withCT(get(scimID(nil)), "text/plain"),
			status: 415, code: "invalid_argument", message: `Content-Type "text/plain" is not supported: send application/json`},
		{name: "no Content-Type", req: withCT(get(scimID(nil)), "-"),
			status: 415, code: "invalid_argument", message: `Content-Type "(none)" is not supported: send application/json`},
		{name: "form-encoded body (curl without -H)", req: withCT(get(scimID(nil)), "application/x-www-form-urlencoded"),
			status: 415, code: "invalid_argument", message: `Content-Type "application/x-www-form-urlencoded" is not supported: send application/json`},
		{name: "empty body", req: get(""),
			status: 400, code: "invalid_argument", message: "request body is empty: send a JSON object, e.g. {}"},
		{name: "whitespace body", req: get(" \n\t"),
			status: 400, code: "invalid_argument", message: "request body is empty: send a JSON object, e.g. {}"},
		{name: "truncated JSON", req: get(`{"scimConfigurationId":`),
			status: 400, code: "invalid_argument", message: "request body is not valid JSON: unexpected end of JSON input (at byte 23)"},
		{name: "JSON followed by garbage", req: get(`{} {}`),
			status: 400, code: "invalid_argument", message: "request body is not valid JSON: invalid character '{' after top-level value (at byte 4)"},
		{name: "array body", req: get(`[]`),
			status: 400, code: "invalid_argument", message: "request body: must be a JSON object"},
		{name: "string body", req: get(`"d2c94c27-3b76-4a42-b88c-95a85e392c68"`),
			status: 400, code: "invalid_argument", message: "request body: must be a JSON object"},
		{name: "null body", req: get(`null`),
			status: 400, code: "invalid_argument", message: "request body: must not be null"},
		{name: "body over the limit", opts: server.Options{Limits: server.Limits{MaxBodyBytes: 64}},
			req:    update(scimID(map[string]any{"name": strings.Repeat("n", 64)})),
			status: 429, code: "resource_exhausted", message: "request body exceeds the limit of 64 bytes"},
		{name: "GET instead of POST", req: mocktest.Request{Method: http.MethodGet, Operation: "GetSCIMConfiguration", Token: acme},
			status: 405, code: "unimplemented", message: "method not allowed: procedures are called with POST"},
		{name: "unknown procedure", req: req("GetSCIMConfigurations", acme, scimID(nil)),
			status: 404, code: "unimplemented", message: "no such procedure: this server serves POST /gitpod.v1.OrganizationService/<Rpc>"},

		// Fields.
		{name: "id not a UUID", req: get(map[string]any{"scimConfigurationId": "d2c94c27"}),
			status: 400, code: "invalid_argument", message: "scimConfigurationId: must be a UUID"},
		{name: "id a number", req: get(map[string]any{"scimConfigurationId": 42}),
			status: 400, code: "invalid_argument", message: "scimConfigurationId: must be a string"},
		{name: "id null", req: get(map[string]any{"scimConfigurationId": nil}),
			status: 400, code: "invalid_argument", message: "scimConfigurationId: must not be null"},
		{name: "id missing", req: get(map[string]any{}),
			status: 400, code: "invalid_argument", message: "scimConfigurationId: is required"},
		{name: "unknown field", req: update(scimID(map[string]any{"enable": false})),
			status: 400, code: "invalid_argument", message: `unknown field "enable"`},
		{name: "snake_case field names", req: get(map[string]any{"scim_configuration_id": mocktest.AcmeSCIMID}),
			status: 400, code: "invalid_argument", message: `scimConfigurationId: is required; unknown field "scim_configuration_id"`},
		{name: "name over 128 characters", req: update(scimID(map[string]any{"name": strings.Repeat("é", 129)})),
			status: 400, code: "invalid_argument", message: "name: must be at most 128 characters long"},
		{name: "enabled not a boolean", req: update(scimID(map[string]any{"enabled": "yes"})),
			status: 400, code: "invalid_argument", message: "enabled: must be a boolean"},
		{name: "several violations at once", req: update(map[string]any{"scimConfigurationId": "x", "enabled": 1, "ssoConfigurationId": "y"}),
			status: 400, code: "invalid_argument", message: "enabled: must be a boolean; scimConfigurationId: must be a UUID; ssoConfigurationId: must be a UUID"},
		{name: "organizationId missing on create", req: create(map[string]any{"ssoConfigurationId": mocktest.AcmeSSOID}),
			status: 400, code: "invalid_argument", message: "organizationId: is required"},
		{name: "tokenExpiresIn in days", req: create(createBody(map[string]any{"tokenExpiresIn": "90d"})),
			status: 400, code: "invalid_argument", message: `tokenExpiresIn: must match the pattern ^[-\+]?([0-9]+\.?[0-9]*|\.[0-9]+)s$`},
		{name: "tokenExpiresIn a number", req: create(createBody(map[string]any{"tokenExpiresIn": 86400})),
			status: 400, code: "invalid_argument", message: "tokenExpiresIn: must be a string"},
		{name: "tokenExpiresIn with 10 fractional digits", req: create(createBody(map[string]any{"tokenExpiresIn": "86400.1234567891s"})),
			status: 400, code: "invalid_argument", message: "tokenExpiresIn: must have at most 9 fractional digits"},
		{name: "tokenExpiresIn negative", req: create(createBody(map[string]any{"tokenExpiresIn": "-86400s"})),
			status: 400, code: "invalid_argument", message: "tokenExpiresIn: must be at least 86400s (1 day)"},
		{name: "tokenExpiresIn beyond int64", req: create(createBody(map[string]any{"tokenExpiresIn": "99999999999999999999s"})),
			status: 400, code: "invalid_argument", message: "tokenExpiresIn: must be at most 63072000s (2 years)"},
		{name: "regenerate with a lifetime just over two years", req: regen(scimID(map[string]any{"tokenExpiresIn": "63072000.000000001s"})),
			status: 400, code: "invalid_argument", message: "tokenExpiresIn: must be at most 63072000s (2 years)"},
		{name: "create in another organization", req: create(map[string]any{"organizationId": mocktest.GlobexOrgID, "ssoConfigurationId": mocktest.GlobexSSOID}),
			status: 403, code: "permission_denied", message: "organizationId: the caller is not a member of organization " + mocktest.GlobexOrgID},
		{name: "create linked to another organization's SSO", req: create(map[string]any{"organizationId": mocktest.AcmeOrgID, "ssoConfigurationId": mocktest.GlobexSSOID}),
			status: 404, code: "not_found", message: "ssoConfigurationId: SSO configuration " + mocktest.GlobexSSOID + " not found"},
		{name: "update linking an unknown SSO configuration", req: update(scimID(map[string]any{"ssoConfigurationId": unknownID, "name": "changed"})),
			status: 404, code: "not_found", message: "ssoConfigurationId: SSO configuration " + unknownID + " not found"},

		// SSO fields.
		{name: "SSO clientId empty", req: createSSO(ssoBody(map[string]any{"clientId": ""})),
			status: 400, code: "invalid_argument", message: "clientId: must be at least 1 characters long"},
		{name: "SSO clientSecret null", req: createSSO(ssoBody(map[string]any{"clientSecret": nil})),
			status: 400, code: "invalid_argument", message: "clientSecret: must not be null"},
		{name: "SSO issuerUrl relative", req: createSSO(ssoBody(map[string]any{"issuerUrl": "/oidc"})),
			status: 400, code: "invalid_argument", message: "issuerUrl: must be an absolute URI"},
		{name: "SSO emailDomain too short", req: createSSO(ssoBody(map[string]any{"emailDomain": "a.b"})),
			status: 400, code: "invalid_argument", message: "emailDomain: must be at least 4 characters long"},
		{name: "SSO emailDomains duplicated", req: createSSO(ssoBody(map[string]any{"emailDomains": []string{"acme.io", "acme.io"}})),
			status: 400, code: "invalid_argument", message: "emailDomains: must not contain duplicate items"},
		{name: "SSO emailDomains not a hostname", req: createSSO(ssoBody(map[string]any{"emailDomains": []string{"acme_corp.com"}})),
			status: 400, code: "invalid_argument", message: `emailDomains.0: must match the pattern ^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,}$`},
		{name: "SSO displayName over 128", req: createSSO(ssoBody(map[string]any{"displayName": strings.Repeat("d", 129)})),
			status: 400, code: "invalid_argument", message: "displayName: must be at most 128 characters long"},
		{name: "SSO 101 additional scopes", req: createSSO(ssoBody(map[string]any{"additionalScopes": manyScopes(101)})),
			status: 400, code: "invalid_argument", message: "additionalScopes: must have at most 100 items"},
		{name: "SSO empty scope", req: createSSO(ssoBody(map[string]any{"additionalScopes": []string{"groups", ""}})),
			status: 400, code: "invalid_argument", message: "additionalScopes.1: must be at least 1 characters long"},
		{name: "SSO claimsExpression over 4096", req: createSSO(ssoBody(map[string]any{"claimsExpression": strings.Repeat("c", 4097)})),
			status: 400, code: "invalid_argument", message: "claimsExpression: must be at most 4096 characters long"},
		{name: "SSO update scopes without the wrapper", req: updateSSO(map[string]any{"ssoConfigurationId": mocktest.AcmeSSOID, "additionalScopes": []string{"groups"}}),
			status: 400, code: "invalid_argument", message: "additionalScopes: must be a JSON object"},
		{name: "SSO update claims with a non-string value", req: updateSSO(map[string]any{"ssoConfigurationId": mocktest.AcmeSSOID, "claims": map[string]any{"groups": 1}}),
			status: 400, code: "invalid_argument", message: "claims.groups: must be a string"},
		{name: "SSO update providerType is read-only", req: updateSSO(map[string]any{"ssoConfigurationId": mocktest.AcmeSSOID, "providerType": "PROVIDER_TYPE_BUILTIN"}),
			status: 400, code: "invalid_argument", message: `unknown field "providerType"`},
		{name: "SSO delete while a SCIM configuration links it", req: req("DeleteSSOConfiguration", acme, map[string]any{"ssoConfigurationId": mocktest.AcmeSSO2ID}),
			status: 400, code: "failed_precondition", message: "ssoConfigurationId: SSO configuration " + mocktest.AcmeSSO2ID +
				" is linked by SCIM configuration " + mocktest.AcmeSCIMID + "; delete that or link it elsewhere first"},
		{name: "SSO list without organizationId", req: req("ListSSOConfigurations", acme, map[string]any{}),
			status: 400, code: "invalid_argument", message: "organizationId: is required"},

		{name: "duplicate field", req: update(`{"scimConfigurationId":"` + mocktest.AcmeSCIMID + `","name":"a","name":"b"}`),
			status: 400, code: "invalid_argument", message: `request body: duplicate field "name"`},
		{name: "duplicate field spelled with an escape", req: update(`{"scimConfigurationId":"` + mocktest.AcmeSCIMID + `","name":"a","\u006eame":"b"}`),
			status: 400, code: "invalid_argument", message: `request body: duplicate field "name"`},
		{name: "duplicate field in a nested object", req: list(`{"pagination":{"pageSize":1,"pageSize":2}}`),
			status: 400, code: "invalid_argument", message: `request body: duplicate field "pageSize"`},
		{name: "query parameter given twice", req: withQuery(list(map[string]any{}), "pageSize=1&pageSize=2"),
			status: 400, code: "invalid_argument", message: "pageSize (query): must be given at most once"},

		// Paging.
		{name: "query pageSize over 100", req: withQuery(list(map[string]any{}), "pageSize=101"),
			status: 400, code: "invalid_argument", message: "pageSize (query): must be at most 100"},
		{name: "query pageSize negative", req: withQuery(list(map[string]any{}), "pageSize=-1"),
			status: 400, code: "invalid_argument", message: "pageSize (query): must be at least 0"},
		{name: "query pageSize not a number", req: withQuery(list(map[string]any{}), "pageSize=ten"),
			status: 400, code: "invalid_argument", message: "pageSize (query): must be an integer"},
		{name: "body pageSize over 100", req: list(map[string]any{"pagination": map[string]any{"pageSize": 101}}),
			status: 400, code: "invalid_argument", message: "pagination.pageSize: must be at most 100"},
		{name: "body pageSize fractional", req: list(map[string]any{"pagination": map[string]any{"pageSize": 2.5}}),
			status: 400, code: "invalid_argument", message: "pagination.pageSize: must be an integer"},
		{name: "body pageSize with an exponent", req: list(`{"pagination":{"pageSize":1e1}}`),
			status: 400, code: "invalid_argument", message: "pagination.pageSize: must be an integer written with digits only (no fraction or exponent), got 1e1"},
		{name: "body pageSize with a zero fraction", req: list(`{"pagination":{"pageSize":2.0}}`),
			status: 400, code: "invalid_argument", message: "pagination.pageSize: must be an integer written with digits only (no fraction or exponent), got 2.0"},
		{name: "pagination not an object", req: list(map[string]any{"pagination": 5}),
			status: 400, code: "invalid_argument", message: "pagination: must be a JSON object"},
		{name: "unknown field inside pagination", req: list(map[string]any{"pagination": map[string]any{"cursor": "x"}}),
			status: 400, code: "invalid_argument", message: `pagination: unknown field "cursor"`},
		{name: "query token we did not issue", req: withQuery(list(map[string]any{}), "token=abc.def"),
			status: 400, code: "invalid_argument", message: "token: not a page token issued by this server for ListSCIMConfigurations"},
		{name: "body token we did not issue", req: list(map[string]any{"pagination": map[string]any{"token": "next-page-token-from-previous-response"}}),
			status: 400, code: "invalid_argument", message: "pagination.token: not a page token issued by this server for ListSCIMConfigurations"},
	}
	if len(cases) < 30 {
		t.Fatalf("the bad-input table must hold at least 30 cases, has %d", len(cases))
	}
	for tname, send := range transports {
		t.Run(tname, func(t *testing.T) {
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					srv := mocktest.Start(t, mocktest.WithOptions(tc.opts))
					before := srv.Store().Snapshot()
					res := send(t, srv, tc.req)
					if res.Status != tc.status {
						t.Errorf("status %d, want %d (body %s)", res.Status, tc.status, res.Body)
					}
					if ct := res.Header.Get("Content-Type"); ct != "application/json" {
						t.Errorf("Content-Type %q, want application/json", ct)
					}
					var body api.ConnectError
					if err := json.Unmarshal(res.Body, &body); err != nil {
						t.Fatalf("body is not a Connect error: %v: %s", err, res.Body)
					}
					if string(body.Code) != tc.code {
						t.Errorf("code %q, want %q", body.Code, tc.code)
					}
					if body.Message == nil || *body.Message != tc.message {
						t.Errorf("message %q,\n want %q", deref(body.Message), tc.message)
					}
					if after := srv.Store().Snapshot(); !reflect.DeepEqual(before, after) {
						t.Errorf("state changed by a rejected request")
					}
				})
			}
		})
	}
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

// syncBuffer collects log output from concurrent handlers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestResponseValidation: a record the spec forbids (a name over 128 characters, planted
// directly in the store) must not reach the client: it gets a 500 `internal` naming the
// operation, the status and the violation, and the violation is logged at error level.
func TestResponseValidation(t *testing.T) {
	logs := &syncBuffer{}
	srv := mocktest.Start(t, mocktest.WithOptions(server.Options{Logger: slog.New(slog.NewJSONHandler(logs, nil))}))
	long := strings.Repeat("n", 129)
	if _, err := srv.Store().UpdateSCIM(mocktest.AcmeAdminUserID, storeUpdateName(long)); err != nil {
		t.Fatal(err)
	}
	for _, op := range []string{"GetSCIMConfiguration", "UpdateSCIMConfiguration"} {
		res := srv.Post(t, op, mocktest.AcmeToken, scimID(nil))
		if res.Status != 500 {
			t.Fatalf("%s: status %d, want 500; body %s", op, res.Status, res.Body)
		}
		b := res.JSON(t)
		want := op + " 200: response does not match the spec: scimConfiguration.name: must be at most 128 characters long"
		if b["code"] != "internal" || b["message"] != want {
			t.Errorf("%s: got %v, want code internal and message %q", op, b, want)
		}
		if strings.Contains(string(res.Body), long) {
			t.Errorf("%s: the invalid value leaked to the client", op)
		}
	}
	res := srv.Post(t, "ListSCIMConfigurations", mocktest.AcmeToken, map[string]any{})
	if res.Status != 500 || !strings.Contains(string(res.Body), "scimConfigurations.0.name: must be at most 128 characters long") {
		t.Errorf("List: status %d body %s, want 500 naming scimConfigurations.0.name", res.Status, res.Body)
	}
	var errorLines int
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		if m["level"] == "ERROR" && m["msg"] == "response does not match the spec" {
			errorLines++
			if m["violation"] == nil || m["operation"] == nil || m["status"] == nil {
				t.Errorf("error line lacks operation/status/violation: %s", line)
			}
		}
	}
	if errorLines != 3 {
		t.Errorf("want 3 error-level violation lines, got %d:\n%s", errorLines, logs.String())
	}
}

// TestPanicRecovered: a panicking handler yields a spec-valid 500 and the server carries on.
func TestPanicRecovered(t *testing.T) {
	panicky := func(next server.Handler, op string) server.Handler {
		return func(r *http.Request, request any) (any, error) {
			if r.Header.Get("X-Panic") != "" {
				panic("boom in " + op)
			}
			return next(r, request)
		}
	}
	srv := mocktest.Start(t, mocktest.WithOptions(server.Options{HandlerMiddlewares: []server.Middleware{panicky}}))
	r := req("GetSCIMConfiguration", mocktest.AcmeToken, scimID(nil))
	r.Header = http.Header{"X-Panic": {"1"}}
	res := srv.Do(t, r)
	b := res.JSON(t)
	if res.Status != 500 || b["code"] != "internal" ||
		b["message"] != "internal error: the mock panicked serving /gitpod.v1.OrganizationService/GetSCIMConfiguration" {
		t.Fatalf("got %d %v", res.Status, b)
	}
	if res := srv.Post(t, "GetSCIMConfiguration", mocktest.AcmeToken, scimID(nil)); res.Status != 200 {
		t.Fatalf("after a panic: status %d", res.Status)
	}
}

// TestNoSecretsInLogs drives every operation, with debug logging on, and checks that no bearer
// token, SCIM token or SSO client secret appears in any log line, and that client secrets
// appear in no response body.
func TestNoSecretsInLogs(t *testing.T) {
	logs := &syncBuffer{}
	srv := mocktest.Start(t, mocktest.WithOptions(server.Options{
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}))
	const (
		newSecret     = "client-secret-at-create-7f3a"
		rotatedSecret = "client-secret-rotated-91bd"
	)
	clientSecrets := []string{newSecret, rotatedSecret, "GOCSPX-abcdefghijklmnopqrstuvwxyz123456", "secret-token-value"}
	secrets := append([]string{mocktest.AcmeToken, "acme-scim-token-0123456789abcdefghijklmnop"}, clientSecrets...)
	var bodies []string
	call := func(op, token string, body any) map[string]any {
		res := srv.Post(t, op, token, body)
		bodies = append(bodies, string(res.Body))
		return res.JSON(t)
	}
	created := call("CreateSCIMConfiguration", mocktest.AcmeToken, createBody(nil))
	secrets = append(secrets, created["token"].(string))
	id := created["scimConfiguration"].(map[string]any)["id"].(string)
	regen := call("RegenerateSCIMToken", mocktest.AcmeToken, map[string]any{"scimConfigurationId": id})
	secrets = append(secrets, regen["token"].(string))
	call("UpdateSCIMConfiguration", mocktest.AcmeToken, map[string]any{"scimConfigurationId": id, "name": "x"})
	call("ListSCIMConfigurations", mocktest.AcmeToken, map[string]any{})
	call("GetSCIMConfiguration", "", map[string]any{"scimConfigurationId": id})
	call("DeleteSCIMConfiguration", mocktest.AcmeToken, map[string]any{"scimConfigurationId": id})
	sso := call("CreateSSOConfiguration", mocktest.AcmeToken, ssoBody(map[string]any{"clientSecret": newSecret}))
	ssoID := sso["ssoConfiguration"].(map[string]any)["id"].(string)
	call("UpdateSSOConfiguration", mocktest.AcmeToken, map[string]any{"ssoConfigurationId": ssoID, "clientSecret": rotatedSecret})
	call("UpdateSSOConfiguration", mocktest.AcmeToken, map[string]any{"ssoConfigurationId": ssoID, "clientSecret": ""}) // 400
	call("GetSSOConfiguration", mocktest.AcmeToken, map[string]any{"ssoConfigurationId": ssoID})
	call("ListSSOConfigurations", mocktest.AcmeToken, map[string]any{"organizationId": mocktest.AcmeOrgID})
	call("DeleteSSOConfiguration", mocktest.AcmeToken, map[string]any{"ssoConfigurationId": ssoID})
	out := logs.String()
	if n := strings.Count(out, "msg=request"); n != len(bodies) {
		t.Fatalf("want one log line per request (%d), got %d:\n%s", len(bodies), n, out)
	}
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("secret %q appears in the logs", s)
		}
	}
	for _, s := range clientSecrets {
		for _, b := range bodies {
			if strings.Contains(b, s) {
				t.Errorf("client secret %q appears in a response: %s", s, b)
			}
		}
	}
}

// TestHealthz answers outside the API, without a token.
func TestHealthz(t *testing.T) {
	srv := mocktest.Start(t)
	res, err := http.Get(srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || strings.TrimSpace(string(b)) != `{"status":"ok"}` {
		t.Fatalf("healthz: %d %s", res.StatusCode, b)
	}
}

func storeUpdateName(name string) store.SCIMUpdate {
	return store.SCIMUpdate{ID: mocktest.AcmeSCIMID, Name: &name}
}

// TestEscapedBodies: bodies the fast path leaves to kin-openapi (escaped strings, here in
// both the request and, since encoding/json escapes "&", the response) are served the same.
func TestEscapedBodies(t *testing.T) {
	for name, do := range transports {
		t.Run(name, func(t *testing.T) {
			srv := mocktest.Start(t)
			body := `{"scimConfigurationId":"` + mocktest.AcmeSCIMID + `","name":"Acme \u0026 Co \u00e9\"q\""}`
			res := do(t, srv, req("UpdateSCIMConfiguration", mocktest.AcmeToken, body))
			if res.Status != http.StatusOK {
				t.Fatalf("status %d: %s", res.Status, res.Body)
			}
			if !bytes.Contains(res.Body, []byte(`"name":"Acme \u0026 Co é\"q\""`)) {
				t.Fatalf("body: %s", res.Body)
			}
			got, err := srv.Store().GetSCIM(mocktest.AcmeAdminUserID, mocktest.AcmeSCIMID)
			if err != nil || got.Name != `Acme & Co é"q"` {
				t.Fatalf("stored name %q (%v)", got.Name, err)
			}
			bad := `{"scimConfigurationId":"` + mocktest.AcmeSCIMID + `","name":"` + strings.Repeat(`\u00e9`, 129) + `"}`
			res = do(t, srv, req("UpdateSCIMConfiguration", mocktest.AcmeToken, bad))
			if res.Status != http.StatusBadRequest || strings.TrimSpace(string(res.Body)) != `{"code":"invalid_argument","message":"name: must be at most 128 characters long"}` {
				t.Fatalf("too long, escaped: %d %s", res.Status, res.Body)
			}
		})
	}
}

// TestInProcessBodyLength: a caller of ServeHTTP may leave ContentLength unset (0) or wrong;
// the body that was sent is the one served. (echo's binder skips a body whose ContentLength
// is 0: before this was covered, such a Get answered 404 for the zero UUID.)
func TestInProcessBodyLength(t *testing.T) {
	srv := mocktest.Start(t)
	body := `{"scimConfigurationId":"` + mocktest.AcmeSCIMID + `"}`
	for name, length := range map[string]int64{"unset": 0, "unknown": -1, "too long": int64(len(body)) + 7, "too short": 5} {
		t.Run(name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, mocktest.ServicePath+"GetSCIMConfiguration", io.MultiReader(strings.NewReader(body)))
			r.ContentLength = length
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("Authorization", "Bearer "+mocktest.AcmeToken)
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, r)
			if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"id":"`+mocktest.AcmeSCIMID+`"`) {
				t.Fatalf("%d %s", rec.Code, rec.Body)
			}
		})
	}
}

// TestServicePath: mocktest's path prefix is the contract's.
func TestServicePath(t *testing.T) {
	if got := mocktest.Start(t).Spec().ServicePath(); got != mocktest.ServicePath {
		t.Errorf("the contract's operations share %q; mocktest.ServicePath is %q", got, mocktest.ServicePath)
	}
}

// TestSecretsUnderEverySpelling sends each secret field of the contract under every spelling
// a client may use (JSON name, proto name, case variants), accepted or refused, and looks for
// the value in everything the mock emits but the state export (which holds secrets by
// design, for fixtures): answers, log lines, the journal.
func TestSecretsUnderEverySpelling(t *testing.T) {
	logs := &syncBuffer{}
	srv := mocktest.Start(t, mocktest.WithOptions(server.Options{
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}))
	spellings := func(name string) []string {
		var snake strings.Builder
		for i, r := range name {
			if 'A' <= r && r <= 'Z' {
				if i > 0 {
					snake.WriteByte('_')
				}
				r += 'a' - 'A'
			}
			snake.WriteRune(r)
		}
		s := snake.String()
		return []string{name, s, strings.ToUpper(name[:1]) + name[1:], strings.ToLower(name), strings.ToUpper(s),
			strings.ReplaceAll(s, "_", "-")}
	}
	var answers []string
	var secrets []string
	n := 0
	for _, name := range []string{"clientSecret"} { // the request field the contract marks x-secret
		if !srv.Spec().IsSecretName(name) {
			t.Fatalf("%s is not a secret of the contract", name)
		}
		for _, spelled := range spellings(name) {
			n++
			secret := fmt.Sprintf("secret-%d-under-%s", n, spelled)
			secrets = append(secrets, secret)
			create := ssoBody(map[string]any{"clientSecret": nil})
			delete(create, "clientSecret")
			create[spelled] = secret
			res := srv.Post(t, "CreateSSOConfiguration", mocktest.AcmeToken, create)
			answers = append(answers, string(res.Body))
			upd := map[string]any{"ssoConfigurationId": mocktest.AcmeSSOID, spelled: secret}
			res = srv.Post(t, "UpdateSSOConfiguration", mocktest.AcmeToken, upd)
			answers = append(answers, string(res.Body))
			nested := map[string]any{"ssoConfigurationId": mocktest.AcmeSSOID, "claims": map[string]any{"x": map[string]any{spelled: secret}}}
			answers = append(answers, string(srv.Post(t, "UpdateSSOConfiguration", mocktest.AcmeToken, nested).Body))
		}
	}
	// The SCIM tokens the answers carry (token, x-secret in the answers).
	created := srv.Post(t, "CreateSCIMConfiguration", mocktest.AcmeToken, createBody(nil)).JSON(t)
	secrets = append(secrets, created["token"].(string))
	journal := srv.Control().Do(t, http.MethodGet, "/requests", nil).Body
	for _, secret := range secrets {
		for _, where := range []struct{ name, text string }{
			{"the log", logs.String()}, {"the journal", string(journal)},
		} {
			if strings.Contains(where.text, secret) {
				t.Errorf("%s shows %s", where.name, secret)
			}
		}
		for _, a := range answers {
			if strings.Contains(a, secret) {
				t.Errorf("an answer shows %s: %s", secret, a)
			}
		}
	}
	if !bytes.Contains(journal, []byte(`"client_secret":"[redacted]"`)) || !bytes.Contains(journal, []byte(`"client-secret":"[redacted]"`)) {
		t.Errorf("the journal does not show the redacted spellings: %.600s", journal)
	}
}
