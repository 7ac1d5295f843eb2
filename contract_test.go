package orgmock_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/gitpod-mock/orgmock/mocktest"
	"github.com/gitpod-mock/orgmock/server"
)

// The contract is checked by a client that knows nothing of the server's code: it reads
// openapi.yaml from disk, routes each request with kin-openapi's own router, validates every raw
// response against the operation's declared responses, and counts which (operation, status)
// pairs were seen. TestContract fails if any declared pair was never exercised.

type contract struct {
	doc    *openapi3.T
	router routers.Router
	mu     sync.Mutex
	seen   map[string]map[int]int // operationId -> status -> count
}

// contractFormats are the contract test's own checks of the string formats openapi.yaml
// uses, written apart from the server's, so that a bug in the server's cannot hide itself.
var contractFormats = map[string]openapi3.StringFormatValidator{
	"uuid": openapi3.NewRegexpFormatValidator(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`),
	"date-time": openapi3.NewCallbackValidator(func(s string) error {
		_, err := time.Parse(time.RFC3339Nano, s)
		return err
	}),
	"uri": openapi3.NewCallbackValidator(func(s string) error {
		if u, err := url.Parse(s); err != nil || !u.IsAbs() {
			return errors.New("not an absolute URI")
		}
		return nil
	}),
}

func loadContract(t *testing.T) *contract {
	t.Helper()
	doc := loadOpenAPI(t)
	doc.SetStringFormatValidators(contractFormats)
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatalf("routing openapi.yaml: %v", err)
	}
	return &contract{doc: doc, router: router, seen: map[string]map[int]int{}}
}

// do sends r, checks the raw response against the spec and records its status.
func (k *contract) do(t *testing.T, srv *mocktest.Server, r mocktest.Request) *mocktest.Response {
	t.Helper()
	res := srv.Do(t, r)
	req := r.HTTP(t, srv.URL)
	route, params, err := k.router.FindRoute(req)
	if err != nil {
		t.Fatalf("%s %s is not an operation of openapi.yaml: %v", req.Method, req.URL.Path, err)
	}
	op := route.Operation.OperationID
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s %d: Content-Type %q, want application/json", op, res.Status, ct)
	}
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 res.Status,
		Header:                 res.Header,
		Body:                   io.NopCloser(bytes.NewReader(res.Body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true,
			SchemaValidationOptions: k.doc.GetSchemaValidationOptions()},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), input); err != nil {
		t.Errorf("%s %d: response violates openapi.yaml: %v\nbody: %s", op, res.Status, err, res.Body)
	}
	k.mu.Lock()
	if k.seen[op] == nil {
		k.seen[op] = map[int]int{}
	}
	k.seen[op][res.Status]++
	k.mu.Unlock()
	return res
}

// missing lists the declared (operation, status) pairs never seen.
// loadOpenAPI loads and checks openapi.yaml from disk: a fresh document per call, so that a
// test may change its copy.
func loadOpenAPI(t *testing.T) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile("openapi.yaml")
	if err != nil {
		t.Fatalf("loading openapi.yaml: %v", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("openapi.yaml is not a valid OpenAPI document: %v", err)
	}
	return doc
}

// declares reports whether the contract declares status for the operation.
func (k *contract) declares(operation string, status int) bool {
	for _, item := range k.doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.OperationID == operation && op.Responses.Status(status) != nil {
				return true
			}
		}
	}
	return false
}

func (k *contract) missing() []string {
	var out []string
	for path, item := range k.doc.Paths.Map() {
		for _, op := range item.Operations() {
			for code := range op.Responses.Map() {
				var status int
				fmt.Sscanf(code, "%d", &status)
				if k.seen[op.OperationID][status] == 0 {
					out = append(out, fmt.Sprintf("%s %s (%s)", op.OperationID, code, path))
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// faultHeader makes any handler fail with a plain Go error, which the mock must answer with a
// spec-valid 500 `internal`: the only way to reach that status without a bug in the mock.
const faultHeader = "X-Contract-Fault"

func injectFaults(next server.Handler, _ string) server.Handler {
	return func(r *http.Request, req any) (any, error) {
		if r.Header.Get(faultHeader) != "" {
			return nil, errors.New("fault injected by the contract test")
		}
		return next(r, req)
	}
}

func startContractServer(t *testing.T) *mocktest.Server {
	return mocktest.Start(t, mocktest.WithOptions(server.Options{
		HandlerMiddlewares: []server.Middleware{injectFaults},
	}))
}

// contractCase is one request against a fresh server started from the default fixtures.
type contractCase struct {
	name string
	req  mocktest.Request
	// want
	status  int
	code    string // Connect code, for errors
	message string // exact Connect message, for errors
	check   func(t *testing.T, body map[string]any)
	// stateFileFull serves the case with a state file that has no room for a change.
	stateFileFull bool
	// before, when set, prepares the server (through the control plane) before the request.
	before func(t *testing.T, srv *mocktest.Server)
}

const (
	acme      = mocktest.AcmeToken
	globex    = mocktest.GlobexToken
	unknownID = "0b0b0b0b-1111-4222-8333-444444444444"
)

var (
	fault    = http.Header{faultHeader: {"1"}}
	hugeName = strings.Repeat("x", server.DefaultMaxBodyBytes)
)

func op(name string) func(token string, body any) mocktest.Request {
	return func(token string, body any) mocktest.Request {
		return mocktest.Request{Operation: name, Token: token, Body: body}
	}
}

// The documented CreateSSOConfiguration examples (facts §5.1).
var (
	googleSSO = map[string]any{
		"organizationId": mocktest.AcmeOrgID,
		"clientId":       "012345678-abcdefghijklmnopqrstuvwxyz.apps.googleusercontent.com",
		"clientSecret":   "GOCSPX-abcdefghijklmnopqrstuvwxyz123456",
		"issuerUrl":      "https://accounts.google.com",
		"emailDomain":    "acme-corp.com",
	}
	customSSO = map[string]any{
		"organizationId": mocktest.AcmeOrgID,
		"clientId":       "acme-corp-gitpod",
		"clientSecret":   "secret-token-value",
		"issuerUrl":      "https://sso.acme-corp.com",
		"emailDomain":    "acme-corp.com",
	}
)

// with returns a copy of m with key set to v.
func with(m map[string]any, key string, v any) map[string]any {
	out := make(map[string]any, len(m)+1)
	for k, x := range m {
		out[k] = x
	}
	out[key] = v
	return out
}

func withHeader(r mocktest.Request, h http.Header) mocktest.Request { r.Header = h; return r }
func withCT(r mocktest.Request, ct string) mocktest.Request         { r.ContentType = ct; return r }
func withQuery(r mocktest.Request, q string) mocktest.Request       { r.Query = q; return r }

// commonErrors are the statuses every operation shares, built from a valid request.
func commonErrors(valid mocktest.Request) []contractCase {
	noAuth := valid
	noAuth.Token = ""
	huge := valid
	huge.Body = map[string]any{"name": hugeName}
	return []contractCase{
		{name: "401 without a bearer token", req: noAuth, status: 401, code: "unauthenticated",
			message: `missing bearer token: send "Authorization: Bearer <token>"`},
		{name: "415 text/plain", req: withCT(valid, "text/plain"), status: 415, code: "invalid_argument",
			message: `Content-Type "text/plain" is not supported: send application/json`},
		{name: "429 body over 1 MiB", req: huge, status: 429, code: "resource_exhausted",
			message: "request body exceeds the limit of 1048576 bytes"},
		{name: "500 when the handler fails", req: withHeader(valid, fault), status: 500, code: "internal",
			message: "internal error: fault injected by the contract test"},
	}
}

func TestContract(t *testing.T) {
	k := loadContract(t)
	var (
		create     = op("CreateSCIMConfiguration")
		get        = op("GetSCIMConfiguration")
		update     = op("UpdateSCIMConfiguration")
		list       = op("ListSCIMConfigurations")
		del        = op("DeleteSCIMConfiguration")
		regenerate = op("RegenerateSCIMToken")
	)
	createBody := map[string]any{"organizationId": mocktest.AcmeOrgID, "ssoConfigurationId": mocktest.AcmeSSOID}
	var (
		createSSO = op("CreateSSOConfiguration")
		getSSO    = op("GetSSOConfiguration")
		updateSSO = op("UpdateSSOConfiguration")
		listSSO   = op("ListSSOConfigurations")
		delSSO    = op("DeleteSSOConfiguration")
	)
	ssoIDBody := map[string]any{"ssoConfigurationId": mocktest.AcmeSSOID}
	idBody := map[string]any{"scimConfigurationId": mocktest.AcmeSCIMID}

	cases := map[string][]contractCase{
		"CreateSCIMConfiguration": append([]contractCase{
			{name: "200 basic (default one-year token)", req: create(acme, createBody), status: 200,
				check: func(t *testing.T, b map[string]any) {
					c := b["scimConfiguration"].(map[string]any)
					expect(t, "organizationId", c["organizationId"], mocktest.AcmeOrgID)
					expect(t, "ssoConfigurationId", c["ssoConfigurationId"], mocktest.AcmeSSOID)
					expect(t, "enabled", c["enabled"], true)
					expect(t, "updatedAt", c["updatedAt"], c["createdAt"])
					expect(t, "tokenExpiresAt (top level)", b["tokenExpiresAt"], c["tokenExpiresAt"])
					expectLifetime(t, c, 365*24*time.Hour)
					if tok, _ := b["token"].(string); len(tok) < 32 {
						t.Errorf("token %q: want at least 32 characters", tok)
					}
				}},
			{name: "200 with a 90-day token", req: create(acme, map[string]any{
				"organizationId": mocktest.AcmeOrgID, "ssoConfigurationId": mocktest.AcmeSSOID,
				"tokenExpiresIn": "7776000s", "name": "Okta"}), status: 200,
				check: func(t *testing.T, b map[string]any) {
					c := b["scimConfiguration"].(map[string]any)
					expect(t, "name", c["name"], "Okta")
					expectLifetime(t, c, 90*24*time.Hour)
				}},
			{name: "400 without ssoConfigurationId", req: create(acme, map[string]any{"organizationId": mocktest.AcmeOrgID}),
				status: 400, code: "invalid_argument", message: "ssoConfigurationId: is required"},
			{name: "400 token lifetime under a day", req: create(acme, map[string]any{
				"organizationId": mocktest.AcmeOrgID, "ssoConfigurationId": mocktest.AcmeSSOID, "tokenExpiresIn": "86399s"}),
				status: 400, code: "invalid_argument", message: "tokenExpiresIn: must be at least 86400s (1 day)"},
			{name: "403 in another organization", req: create(acme, map[string]any{
				"organizationId": mocktest.GlobexOrgID, "ssoConfigurationId": mocktest.GlobexSSOID}),
				status: 403, code: "permission_denied",
				message: "organizationId: the caller is not a member of organization " + mocktest.GlobexOrgID},
			{name: "404 unknown SSO configuration", req: create(acme, map[string]any{
				"organizationId": mocktest.AcmeOrgID, "ssoConfigurationId": unknownID}),
				status: 404, code: "not_found", message: "ssoConfigurationId: SSO configuration " + unknownID + " not found"},
		}, commonErrors(create(acme, createBody))...),

		"GetSCIMConfiguration": append([]contractCase{
			{name: "200 fixture", req: get(acme, idBody), status: 200, check: func(t *testing.T, b map[string]any) {
				c := b["scimConfiguration"].(map[string]any)
				expect(t, "id", c["id"], mocktest.AcmeSCIMID)
				expect(t, "name", c["name"], "Okta provisioning")
				expect(t, "ssoConfigurationId", c["ssoConfigurationId"], mocktest.AcmeSSO2ID)
			}},
			{name: "400 id not a UUID", req: get(acme, map[string]any{"scimConfigurationId": "d2c94c27"}),
				status: 400, code: "invalid_argument", message: "scimConfigurationId: must be a UUID"},
			{name: "404 unknown id", req: get(acme, map[string]any{"scimConfigurationId": unknownID}),
				status: 404, code: "not_found", message: "scimConfigurationId: SCIM configuration " + unknownID + " not found"},
			{name: "404 another organization's", req: get(globex, idBody),
				status: 404, code: "not_found", message: "scimConfigurationId: SCIM configuration " + mocktest.AcmeSCIMID + " not found"},
		}, commonErrors(get(acme, idBody))...),

		"UpdateSCIMConfiguration": append([]contractCase{
			{name: "200 seed request (id only)", req: update(acme, idBody), status: 200, check: func(t *testing.T, b map[string]any) {
				c := b["scimConfiguration"].(map[string]any)
				expect(t, "name", c["name"], "Okta provisioning")
				expect(t, "enabled", c["enabled"], true)
				if c["updatedAt"] == "2026-01-10T12:00:00Z" {
					t.Errorf("updatedAt did not advance: %v", c["updatedAt"])
				}
			}},
			{name: "200 disable (false is omitted)", req: update(acme, map[string]any{
				"scimConfigurationId": mocktest.AcmeSCIMID, "enabled": false}), status: 200,
				check: func(t *testing.T, b map[string]any) {
					c := b["scimConfiguration"].(map[string]any)
					if _, present := c["enabled"]; present {
						t.Errorf("enabled: want omitted (false), got %v", c["enabled"])
					}
				}},
			{name: "200 link to SSO", req: update(acme, map[string]any{
				"scimConfigurationId": mocktest.AcmeSCIMID, "ssoConfigurationId": mocktest.AcmeSSO3ID}), status: 200,
				check: func(t *testing.T, b map[string]any) {
					expect(t, "ssoConfigurationId", b["scimConfiguration"].(map[string]any)["ssoConfigurationId"], mocktest.AcmeSSO3ID)
				}},
			{name: "400 unknown field", req: update(acme, map[string]any{"scimConfigurationId": mocktest.AcmeSCIMID, "enable": true}),
				status: 400, code: "invalid_argument", message: `unknown field "enable"`},
			{name: "404 unknown SSO configuration", req: update(acme, map[string]any{
				"scimConfigurationId": mocktest.AcmeSCIMID, "ssoConfigurationId": mocktest.GlobexSSOID}),
				status: 404, code: "not_found", message: "ssoConfigurationId: SSO configuration " + mocktest.GlobexSSOID + " not found"},
			{name: "404 unknown id", req: update(acme, map[string]any{"scimConfigurationId": unknownID}),
				status: 404, code: "not_found", message: "scimConfigurationId: SCIM configuration " + unknownID + " not found"},
		}, commonErrors(update(acme, idBody))...),

		"ListSCIMConfigurations": append([]contractCase{
			{name: "200 only the caller's organization", req: list(acme, map[string]any{}), status: 200,
				check: func(t *testing.T, b map[string]any) {
					items := b["scimConfigurations"].([]any)
					if len(items) != 1 || items[0].(map[string]any)["id"] != mocktest.AcmeSCIMID {
						t.Errorf("scimConfigurations: want only %s, got %v", mocktest.AcmeSCIMID, items)
					}
					expect(t, "pagination", fmt.Sprint(b["pagination"]), "map[]")
				}},
			{name: "200 documented example", req: list(acme, map[string]any{"pagination": map[string]any{"pageSize": 20}}), status: 200},
			{name: "400 pageSize over 100", req: withQuery(list(acme, map[string]any{}), "pageSize=101"),
				status: 400, code: "invalid_argument", message: "pageSize (query): must be at most 100"},
			{name: "400 page token not ours", req: list(acme, map[string]any{"pagination": map[string]any{"token": "next-page-token-from-previous-response"}}),
				status: 400, code: "invalid_argument", message: "pagination.token: not a page token issued by this server for ListSCIMConfigurations"},
		}, commonErrors(list(acme, map[string]any{}))...),

		"DeleteSCIMConfiguration": append([]contractCase{
			{name: "200 returns {}", req: del(acme, idBody), status: 200, check: func(t *testing.T, b map[string]any) {
				if len(b) != 0 {
					t.Errorf("body: want {}, got %v", b)
				}
			}},
			{name: "400 missing id", req: del(acme, map[string]any{}),
				status: 400, code: "invalid_argument", message: "scimConfigurationId: is required"},
			{name: "404 another organization's", req: del(acme, map[string]any{"scimConfigurationId": mocktest.GlobexSCIMID}),
				status: 404, code: "not_found", message: "scimConfigurationId: SCIM configuration " + mocktest.GlobexSCIMID + " not found"},
		}, commonErrors(del(acme, idBody))...),

		"RegenerateSCIMToken": append([]contractCase{
			{name: "200 keeps the previous lifetime", req: regenerate(acme, idBody), status: 200, check: func(t *testing.T, b map[string]any) {
				if tok, _ := b["token"].(string); len(tok) < 32 || tok == "acme-scim-token-0123456789abcdefghijklmnop" {
					t.Errorf("token %q: want a new token of at least 32 characters", tok)
				}
			}},
			{name: "200 180 days", req: regenerate(acme, map[string]any{"scimConfigurationId": mocktest.AcmeSCIMID, "tokenExpiresIn": "15552000s"}), status: 200},
			{name: "400 lifetime over two years", req: regenerate(acme, map[string]any{"scimConfigurationId": mocktest.AcmeSCIMID, "tokenExpiresIn": "63072001s"}),
				status: 400, code: "invalid_argument", message: "tokenExpiresIn: must be at most 63072000s (2 years)"},
			{name: "404 unknown id", req: regenerate(acme, map[string]any{"scimConfigurationId": unknownID}),
				status: 404, code: "not_found", message: "scimConfigurationId: SCIM configuration " + unknownID + " not found"},
		}, commonErrors(regenerate(acme, idBody))...),

		"CreateSSOConfiguration": append([]contractCase{
			{name: "200 documented Google example (built in, inactive)", req: createSSO(acme, googleSSO), status: 200,
				check: func(t *testing.T, b map[string]any) {
					c := b["ssoConfiguration"].(map[string]any)
					expect(t, "providerType", c["providerType"], "PROVIDER_TYPE_BUILTIN")
					expect(t, "state", c["state"], "SSO_CONFIGURATION_STATE_INACTIVE")
					expect(t, "clientId", c["clientId"], googleSSO["clientId"])
					expect(t, "emailDomain", c["emailDomain"], "acme-corp.com")
					if _, leaked := c["clientSecret"]; leaked {
						t.Errorf("clientSecret returned")
					}
				}},
			{name: "200 documented custom OIDC example", req: createSSO(acme, customSSO), status: 200,
				check: func(t *testing.T, b map[string]any) {
					expect(t, "providerType", b["ssoConfiguration"].(map[string]any)["providerType"], "PROVIDER_TYPE_CUSTOM")
				}},
			{name: "400 issuerUrl not a URI", req: createSSO(acme, with(customSSO, "issuerUrl", "sso.acme-corp.com")),
				status: 400, code: "invalid_argument", message: "issuerUrl: must be an absolute URI"},
			{name: "403 in another organization", req: createSSO(globex, customSSO),
				status: 403, code: "permission_denied", message: "organizationId: the caller is not a member of organization " + mocktest.AcmeOrgID},
		}, commonErrors(createSSO(acme, customSSO))...),

		"GetSSOConfiguration": append([]contractCase{
			{name: "200 documented example", req: getSSO(acme, ssoIDBody), status: 200, check: func(t *testing.T, b map[string]any) {
				c := b["ssoConfiguration"].(map[string]any)
				expect(t, "id", c["id"], mocktest.AcmeSSOID)
				expect(t, "issuerUrl", c["issuerUrl"], "https://accounts.google.com")
			}},
			{name: "400 id not a UUID", req: getSSO(acme, map[string]any{"ssoConfigurationId": "google"}),
				status: 400, code: "invalid_argument", message: "ssoConfigurationId: must be a UUID"},
			{name: "404 another organization's", req: getSSO(globex, ssoIDBody),
				status: 404, code: "not_found", message: "ssoConfigurationId: SSO configuration " + mocktest.AcmeSSOID + " not found"},
		}, commonErrors(getSSO(acme, ssoIDBody))...),

		"UpdateSSOConfiguration": append([]contractCase{
			{name: "200 documented credentials example returns {}", req: updateSSO(acme, map[string]any{
				"ssoConfigurationId": mocktest.AcmeSSOID, "clientId": "new-client-id", "clientSecret": "new-client-secret"}), status: 200,
				check: func(t *testing.T, b map[string]any) {
					if len(b) != 0 {
						t.Errorf("body: want {}, got %v", b)
					}
				}},
			{name: "200 documented state example", req: updateSSO(acme, map[string]any{
				"ssoConfigurationId": mocktest.AcmeSSOID, "state": "SSO_CONFIGURATION_STATE_ACTIVE"}), status: 200},
			{name: "400 state not an enum value", req: updateSSO(acme, map[string]any{"ssoConfigurationId": mocktest.AcmeSSOID, "state": "ACTIVE"}),
				status: 400, code: "invalid_argument",
				message: "state: must be one of SSO_CONFIGURATION_STATE_UNSPECIFIED, SSO_CONFIGURATION_STATE_INACTIVE, SSO_CONFIGURATION_STATE_ACTIVE"},
			{name: "404 another organization's", req: updateSSO(acme, map[string]any{"ssoConfigurationId": mocktest.GlobexSSOID, "displayName": "mine"}),
				status: 404, code: "not_found", message: "ssoConfigurationId: SSO configuration " + mocktest.GlobexSSOID + " not found"},
		}, commonErrors(updateSSO(acme, ssoIDBody))...),

		"ListSSOConfigurations": append([]contractCase{
			{name: "200 documented example", req: listSSO(acme, map[string]any{"organizationId": mocktest.AcmeOrgID, "pagination": map[string]any{"pageSize": 20}}),
				status: 200, check: func(t *testing.T, b map[string]any) {
					items := b["ssoConfigurations"].([]any)
					if len(items) != 3 {
						t.Errorf("want the 3 Acme SSO configurations, got %d", len(items))
					}
				}},
			{name: "400 organizationId missing", req: listSSO(acme, map[string]any{}),
				status: 400, code: "invalid_argument", message: "organizationId: is required"},
			{name: "403 another organization", req: listSSO(acme, map[string]any{"organizationId": mocktest.GlobexOrgID}),
				status: 403, code: "permission_denied", message: "organizationId: the caller is not a member of organization " + mocktest.GlobexOrgID},
		}, commonErrors(listSSO(acme, map[string]any{"organizationId": mocktest.AcmeOrgID}))...),

		"DeleteSSOConfiguration": append([]contractCase{
			{name: "200 unlinked configuration", req: delSSO(acme, ssoIDBody), status: 200},
			{name: "400 still linked by a SCIM configuration", req: delSSO(acme, map[string]any{"ssoConfigurationId": mocktest.AcmeSSO2ID}),
				status: 400, code: "failed_precondition",
				message: "ssoConfigurationId: SSO configuration " + mocktest.AcmeSSO2ID + " is linked by SCIM configuration " +
					mocktest.AcmeSCIMID + "; delete that or link it elsewhere first"},
			{name: "404 another organization's", req: delSSO(globex, ssoIDBody),
				status: 404, code: "not_found", message: "ssoConfigurationId: SSO configuration " + mocktest.AcmeSSOID + " not found"},
		}, commonErrors(delSSO(acme, ssoIDBody))...),
	}

	for _, more := range []map[string][]contractCase{identityCases(), memberRefusals(), settingsCases(), termsCases(), policiesCases()} {
		for opName, list := range more {
			cases[opName] = append(cases[opName], list...)
		}
	}
	for opName, list := range cases {
		// With a state file that cannot grow, an operation that declares 503 answers it
		// (nothing changed), and every other one goes on answering; the request is the
		// operation's first success case.
		for _, tc := range list {
			if tc.status != 200 {
				continue
			}
			full := contractCase{name: "200 with the state file full", req: tc.req, status: 200, stateFileFull: true, before: tc.before}
			if k.declares(opName, 503) {
				full = contractCase{name: "503 when the state file is full", req: tc.req, status: 503, code: "unavailable", stateFileFull: true,
					message: "the change could not be saved to the state file, so it was not made: database reached maximum size", before: tc.before}
			}
			list = append(list, full)
			break
		}
		t.Run(opName, func(t *testing.T) {
			for _, tc := range list {
				t.Run(tc.name, func(t *testing.T) {
					srv := startContractServer(t)
					if tc.stateFileFull {
						srv = mocktest.Start(t, mocktest.WithOptions(server.Options{
							StateFile: filepath.Join(t.TempDir(), "state.db"), Limits: server.Limits{StateFileBytes: 16 << 10}}))
					}
					if tc.before != nil {
						tc.before(t, srv)
					}
					before := srv.Control().State(t)
					res := k.do(t, srv, tc.req)
					if tc.stateFileFull && res.Status == 503 && !bytes.Equal(srv.Control().State(t), before) {
						t.Errorf("a refused change was made")
					}
					if res.Status != tc.status {
						t.Fatalf("status %d, want %d; body %s", res.Status, tc.status, res.Body)
					}
					body := res.JSON(t)
					if tc.code != "" {
						expect(t, "code", body["code"], tc.code)
						expect(t, "message", body["message"], tc.message)
					}
					if tc.check != nil {
						tc.check(t, body)
					}
				})
			}
		})
	}

	t.Run("documented examples", func(t *testing.T) { testDocumentedExamples(t, k) })
	t.Run("lifecycle", func(t *testing.T) { testLifecycle(t, k) })
	t.Run("seed then get", func(t *testing.T) { testSeed(t, k) })
	t.Run("paging walk", func(t *testing.T) { testPagingWalk(t, k) })

	if t.Failed() {
		return
	}
	if missing := k.missing(); len(missing) > 0 {
		t.Errorf("declared (operation, status) pairs never exercised:\n  %s", strings.Join(missing, "\n  "))
	}
}

// testDocumentedExamples sends every request example of openapi.yaml (the documented ones of
// the API reference), each to a fresh server on the default fixtures: all must succeed, and
// every operation must document one.
func testDocumentedExamples(t *testing.T, k *contract) {
	for _, item := range k.doc.Paths.Map() {
		for _, op := range item.Operations() {
			media := op.RequestBody.Value.Content.Get("application/json")
			if len(media.Examples) == 0 {
				t.Errorf("%s documents no request example", op.OperationID)
			}
			for name, ex := range media.Examples {
				t.Run(op.OperationID+"/"+name, func(t *testing.T) {
					srv := startContractServer(t)
					res := k.do(t, srv, mocktest.Request{Operation: op.OperationID, Token: "any-api-key", Body: ex.Value.Value})
					mustStatus(t, res, 200)
				})
			}
		}
	}
}

// testLifecycle: create -> get -> update -> list (paged) -> regenerate -> delete -> get 404.
func testLifecycle(t *testing.T, k *contract) {
	srv := startContractServer(t)
	created := k.do(t, srv, mocktest.Request{Operation: "CreateSCIMConfiguration", Token: acme, Body: map[string]any{
		"organizationId": mocktest.AcmeOrgID, "ssoConfigurationId": mocktest.AcmeSSOID, "name": "lifecycle",
	}})
	mustStatus(t, created, 200)
	cfg := created.JSON(t)["scimConfiguration"].(map[string]any)
	id := cfg["id"].(string)
	idBody := map[string]any{"scimConfigurationId": id}

	got := k.do(t, srv, mocktest.Request{Operation: "GetSCIMConfiguration", Token: acme, Body: idBody})
	mustStatus(t, got, 200)
	expect(t, "get after create", fmt.Sprint(got.JSON(t)["scimConfiguration"]), fmt.Sprint(cfg))

	updated := k.do(t, srv, mocktest.Request{Operation: "UpdateSCIMConfiguration", Token: acme, Body: map[string]any{
		"scimConfigurationId": id, "name": "renamed", "enabled": false, "allowUnverifiedEmailAccountLinking": true,
	}})
	mustStatus(t, updated, 200)
	u := updated.JSON(t)["scimConfiguration"].(map[string]any)
	expect(t, "name", u["name"], "renamed")
	expect(t, "allowUnverifiedEmailAccountLinking", u["allowUnverifiedEmailAccountLinking"], true)
	if _, ok := u["enabled"]; ok {
		t.Errorf("enabled should be omitted once false")
	}
	expect(t, "createdAt unchanged", u["createdAt"], cfg["createdAt"])
	if !later(t, u["updatedAt"], cfg["updatedAt"]) {
		t.Errorf("updatedAt %v did not advance past %v", u["updatedAt"], cfg["updatedAt"])
	}

	// Paged list: page size 1 through the query, as SDK auto-paging does.
	var ids []string
	token := ""
	for page := 0; page < 5; page++ {
		q := "pageSize=1"
		if token != "" {
			q += "&token=" + token
		}
		res := k.do(t, srv, mocktest.Request{Operation: "ListSCIMConfigurations", Token: acme, Body: map[string]any{}, Query: q})
		mustStatus(t, res, 200)
		b := res.JSON(t)
		for _, it := range b["scimConfigurations"].([]any) {
			ids = append(ids, it.(map[string]any)["id"].(string))
		}
		next, _ := b["pagination"].(map[string]any)["nextToken"].(string)
		if next == "" {
			break
		}
		token = next
	}
	expect(t, "listed ids", strings.Join(ids, ","), mocktest.AcmeSCIMID+","+id)

	regen := k.do(t, srv, mocktest.Request{Operation: "RegenerateSCIMToken", Token: acme, Body: map[string]any{
		"scimConfigurationId": id, "tokenExpiresIn": "86400s",
	}})
	mustStatus(t, regen, 200)
	r := regen.JSON(t)
	if r["token"] == created.JSON(t)["token"] {
		t.Errorf("regenerated token equals the old one")
	}
	after := k.do(t, srv, mocktest.Request{Operation: "GetSCIMConfiguration", Token: acme, Body: idBody})
	a := after.JSON(t)["scimConfiguration"].(map[string]any)
	expect(t, "tokenExpiresAt follows the new token", a["tokenExpiresAt"], r["tokenExpiresAt"])
	expectLifetimeFrom(t, a["updatedAt"], a["tokenExpiresAt"], 24*time.Hour)

	mustStatus(t, k.do(t, srv, mocktest.Request{Operation: "DeleteSCIMConfiguration", Token: acme, Body: idBody}), 200)
	gone := k.do(t, srv, mocktest.Request{Operation: "GetSCIMConfiguration", Token: acme, Body: idBody})
	mustStatus(t, gone, 404)
	expect(t, "code", gone.JSON(t)["code"], "not_found")
	again := k.do(t, srv, mocktest.Request{Operation: "DeleteSCIMConfiguration", Token: acme, Body: idBody})
	mustStatus(t, again, 404)
}

// testSeed: the seed document's curl, then a Get that shows the change.
func testSeed(t *testing.T, k *contract) {
	srv := startContractServer(t)
	body := map[string]any{"scimConfigurationId": mocktest.AcmeSCIMID}
	res := k.do(t, srv, mocktest.Request{Operation: "UpdateSCIMConfiguration", Token: "any-api-key", Body: body})
	mustStatus(t, res, 200)
	updatedAt := res.JSON(t)["scimConfiguration"].(map[string]any)["updatedAt"]
	got := k.do(t, srv, mocktest.Request{Operation: "GetSCIMConfiguration", Token: "any-api-key", Body: body})
	mustStatus(t, got, 200)
	expect(t, "updatedAt seen by Get", got.JSON(t)["scimConfiguration"].(map[string]any)["updatedAt"], updatedAt)
}

// testPagingWalk walks pages of 2 while others are created and deleted: every record that
// exists throughout appears exactly once.
func testPagingWalk(t *testing.T, k *contract) {
	srv := startContractServer(t)
	create := func(name string) string {
		res := k.do(t, srv, mocktest.Request{Operation: "CreateSCIMConfiguration", Token: acme, Body: map[string]any{
			"organizationId": mocktest.AcmeOrgID, "ssoConfigurationId": mocktest.AcmeSSOID, "name": name}})
		mustStatus(t, res, 200)
		return res.JSON(t)["scimConfiguration"].(map[string]any)["id"].(string)
	}
	stable := map[string]bool{mocktest.AcmeSCIMID: true}
	var doomed []string
	for i := 0; i < 6; i++ {
		stable[create(fmt.Sprintf("stable-%d", i))] = true
		doomed = append(doomed, create(fmt.Sprintf("doomed-%d", i)))
	}
	seen := map[string]int{}
	body := map[string]any{"pagination": map[string]any{"pageSize": 2}}
	token := ""
	for page := 0; page < 50; page++ {
		q := ""
		if token != "" {
			q = "token=" + token
		}
		res := k.do(t, srv, mocktest.Request{Operation: "ListSCIMConfigurations", Token: acme, Body: body, Query: q})
		mustStatus(t, res, 200)
		b := res.JSON(t)
		items, _ := b["scimConfigurations"].([]any)
		for _, it := range items {
			seen[it.(map[string]any)["id"].(string)]++
		}
		// Churn between pages: delete one record, add another.
		if page < len(doomed) {
			mustStatus(t, k.do(t, srv, mocktest.Request{Operation: "DeleteSCIMConfiguration", Token: acme,
				Body: map[string]any{"scimConfigurationId": doomed[page]}}), 200)
		}
		create(fmt.Sprintf("added-%d", page))
		next, _ := b["pagination"].(map[string]any)["nextToken"].(string)
		if next == "" {
			break
		}
		token = next
	}
	for id := range stable {
		if seen[id] != 1 {
			t.Errorf("record %s present throughout was listed %d times", id, seen[id])
		}
	}
	for id, n := range seen {
		if n > 1 {
			t.Errorf("record %s listed %d times", id, n)
		}
	}
}

func mustStatus(t *testing.T, res *mocktest.Response, want int) {
	t.Helper()
	if res.Status != want {
		t.Fatalf("status %d, want %d; body %s", res.Status, want, res.Body)
	}
}

func expect(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: got %v, want %v", what, got, want)
	}
}

func parseTime(t *testing.T, v any) time.Time {
	t.Helper()
	s, _ := v.(string)
	ts, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("timestamp %v: %v", v, err)
	}
	if !strings.HasSuffix(s, "Z") {
		t.Errorf("timestamp %s: want UTC with Z", s)
	}
	return ts
}

func later(t *testing.T, a, b any) bool { return parseTime(t, a).After(parseTime(t, b)) }

func expectLifetime(t *testing.T, c map[string]any, want time.Duration) {
	t.Helper()
	expectLifetimeFrom(t, c["createdAt"], c["tokenExpiresAt"], want)
}

func expectLifetimeFrom(t *testing.T, from, to any, want time.Duration) {
	t.Helper()
	if got := parseTime(t, to).Sub(parseTime(t, from)); got != want {
		t.Errorf("token lifetime %v, want %v", got, want)
	}
}
