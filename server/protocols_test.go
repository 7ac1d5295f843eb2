package server_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"connectrpc.com/grpchealth"
	"connectrpc.com/grpcreflect"

	"github.com/gitpod-mock/orgmock/internal/rpctest"
	"github.com/gitpod-mock/orgmock/mocktest"
	"github.com/gitpod-mock/orgmock/server"
	"github.com/gitpod-mock/orgmock/server/store"
)

// startH2C serves the mock over HTTP/1.1 and HTTP/2 without TLS, as cmd/mock does.
func startH2C(t *testing.T, opts server.Options) (*server.Server, string) {
	t.Helper()
	srv, err := server.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(srv)
	hs.Config.Protocols = new(http.Protocols)
	hs.Config.Protocols.SetHTTP1(true)
	hs.Config.Protocols.SetUnencryptedHTTP2(true)
	hs.Start()
	t.Cleanup(func() { hs.Close(); srv.Close() })
	return srv, hs.URL
}

// TestEveryProtocolGetsTheWholePipeline: what the pipeline does (faults, Prefer, examples
// mode, response validation, sessions) reaches a client of every protocol, as that
// protocol's error with the same code and message.
func TestEveryProtocolGetsTheWholePipeline(t *testing.T) {
	_, base := startH2C(t, server.Options{})
	_, examples := startH2C(t, server.Options{Mode: server.ModeExamples})
	get := fmt.Sprintf(`{"scimConfigurationId":%q}`, mocktest.AcmeSCIMID)
	for _, p := range rpctest.Protocols {
		t.Run(p.Name, func(t *testing.T) {
			session := strings.NewReplacer(" ", "-", "+", ".").Replace("pipeline-" + p.Name)
			c, err := rpctest.New(p, base)
			if err != nil {
				t.Fatal(err)
			}
			c.Token, c.Session = mocktest.AcmeToken, session
			ctl := mocktest.NewControl(base, "").WithSession(session)

			ctl.AddFault(t, server.FaultSpec{Operation: "GetSCIMConfiguration", Status: 500, Count: 1})
			expectRPCError(t, c, "GetSCIMConfiguration", get, connect.CodeInternal, "fault injected by the mock: GetSCIMConfiguration answers 500")
			if _, err := c.Call("GetSCIMConfiguration", get); err != nil {
				t.Errorf("after the one fault: %v", err)
			}
			// Every call, since net/http's client sends an idempotent GET again on a dropped
			// connection.
			ctl.AddFault(t, server.FaultSpec{Operation: "GetSCIMConfiguration", Drop: true})
			if out, err := c.Call("GetSCIMConfiguration", get); err == nil {
				t.Errorf("a dropped call answered %v", out)
			}
			ctl.ClearFaults(t)
			ctl.AddFault(t, server.FaultSpec{Operation: "GetSCIMConfiguration", LatencyMs: 200, Count: 1})
			start := time.Now()
			if _, err := c.Call("GetSCIMConfiguration", get); err != nil || time.Since(start) < 200*time.Millisecond {
				t.Errorf("a delayed call: %v after %s", err, time.Since(start))
			}

			c.Header.Set("Prefer", "code=404")
			expectRPCError(t, c, "GetSCIMConfiguration", get, connect.CodeNotFound,
				"scimConfigurationId: SCIM configuration "+mocktest.AcmeSCIMID+" not found")
			c.Header.Del("Prefer")

			// Sessions: a create in this session is not seen by the default one.
			created, cerr := c.Call("CreateSCIMConfiguration", fmt.Sprintf(`{"organizationId":%q,"ssoConfigurationId":%q}`,
				mocktest.AcmeOrgID, mocktest.AcmeSSOID))
			if cerr != nil {
				t.Fatal(cerr)
			}
			id := created["scimConfiguration"].(map[string]any)["id"].(string)
			other := *c
			other.Session = ""
			expectRPCError(t, &other, "GetSCIMConfiguration", fmt.Sprintf(`{"scimConfigurationId":%q}`, id), connect.CodeNotFound,
				"scimConfigurationId: SCIM configuration "+id+" not found")

			ex, err := rpctest.New(p, examples)
			if err != nil {
				t.Fatal(err)
			}
			ex.Token = mocktest.AcmeToken
			out, eerr := ex.Call("GetSCIMConfiguration", get)
			if eerr != nil || out["scimConfiguration"].(map[string]any)["id"] != "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e" {
				t.Errorf("examples mode: %v %v", out, eerr)
			}
		})
	}
}

// expectRPCError checks the code and the exact message a client of some protocol saw.
func expectRPCError(t *testing.T, c *rpctest.Client, method, request string, code connect.Code, message string) {
	t.Helper()
	out, err := c.Call(method, request)
	if err == nil {
		t.Errorf("%s: answered %v, want %s", method, out, code)
		return
	}
	if connect.CodeOf(err) != code || rpctest.Message(err) != message {
		t.Errorf("%s:\n got %s %q\nwant %s %q", method, connect.CodeOf(err), rpctest.Message(err), code, message)
	}
}

// TestResponseValidationOnEveryProtocol: an answer that breaks the contract becomes internal,
// naming the field, whatever the protocol.
func TestResponseValidationOnEveryProtocol(t *testing.T) {
	srv, base := startH2C(t, server.Options{})
	long := strings.Repeat("n", 129) // the contract allows 128; the store does not check (the edge does)
	if _, err := srv.Store().UpdateSCIM(mocktest.AcmeAdminUserID, store.SCIMUpdate{ID: mocktest.AcmeSCIMID, Name: &long}); err != nil {
		t.Fatal(err)
	}
	for _, p := range rpctest.Protocols {
		t.Run(p.Name, func(t *testing.T) {
			c, err := rpctest.New(p, base)
			if err != nil {
				t.Fatal(err)
			}
			c.Token = mocktest.AcmeToken
			_, cerr := c.Call("GetSCIMConfiguration", fmt.Sprintf(`{"scimConfigurationId":%q}`, mocktest.AcmeSCIMID))
			if cerr == nil || connect.CodeOf(cerr) != connect.CodeInternal ||
				!strings.HasPrefix(rpctest.Message(cerr), "GetSCIMConfiguration 200: response does not match the spec: ") ||
				!strings.Contains(rpctest.Message(cerr), "scimConfiguration.name") {
				t.Errorf("a planted bad answer: %v", cerr)
			}
		})
	}
}

// TestMalformedBodies: bytes that are not the protocol's message get invalid_argument in
// that protocol, never a 5xx or a hang.
func TestMalformedBodies(t *testing.T) {
	_, base := startH2C(t, server.Options{})
	url := base + "/gitpod.v1.OrganizationService/GetSCIMConfiguration"
	for name, tc := range map[string]struct {
		contentType string
		body        []byte
		h2c         bool
		wantStatus  int
		wantHeader  string // a header that carries the code, for gRPC
		wantCode    string
		encoding    string // Content-Encoding
	}{
		"connect binary garbage": {"application/proto", []byte{0xff, 0xff, 0xff}, false, 400, "",
			`{"code":"invalid_argument","message":"the body is not a gitpod.v1.GetSCIMConfigurationRequest in the proto codec: proto:`, ""},
		"connect binary over the body limit": {"application/proto", append([]byte{0x0a, 0x81, 0x80, 0x40}, bytes.Repeat([]byte("x"), 1<<20+1)...), false, 429, "",
			`{"code":"resource_exhausted","message":"request body exceeds the limit of 1048576 bytes"}`, ""},
		// Protobuf keeps a field of another wire type, or of another number, aside: the mock
		// refuses it, as the JSON path refuses a member the schema does not have.
		"connect binary, a field of the wrong wire type": {"application/proto", []byte{0x08, 0x01}, false, 400, "",
			`{"code":"invalid_argument","message":"gitpod.v1.GetSCIMConfigurationRequest: field 1 (wire type 0) is not in its schema"}`, ""},
		"connect binary, an unknown field": {"application/proto", append(append([]byte{0x0a, 36}, mocktest.AcmeSCIMID...), 0x98, 0x06, 0x01), false, 400, "",
			`{"code":"invalid_argument","message":"gitpod.v1.GetSCIMConfigurationRequest: field 99 (wire type 0) is not in its schema"}`, ""},
		"grpc, an unknown field":             {"application/grpc", grpcFrame([]byte{0x98, 0x06, 0x01}, false), true, 200, "Grpc-Status", "3", ""},
		"grpc-web-text (base64), not served": {"application/grpc-web-text", []byte("AAAAAAA="), false, 200, "Grpc-Status", "12", ""},
		"grpc garbage":                       {"application/grpc", []byte{0, 0, 0, 0, 3, 0xff, 0xff, 0xff}, true, 200, "Grpc-Status", "3", ""},
		"grpc short frame":                   {"application/grpc", []byte{0, 0, 0, 0, 9, 1}, true, 200, "Grpc-Status", "3", ""},
		"grpc-web garbage":                   {"application/grpc-web", []byte{0, 0, 0, 0, 3, 0xff, 0xff, 0xff}, false, 200, "Grpc-Status", "3", ""},
		"connect json, gzip that is not": {"application/json", []byte("not gzip"), false, 400, "",
			`{"code":"invalid_argument","message":"the body is not valid gzip: `, "gzip"},
		"connect json, unknown encoding": {"application/json", []byte("{}"), false, 501, "",
			`{"code":"unimplemented","message":"Content-Encoding \"br\" is not supported: send gzip or identity"}`, "br"},
		"connect json, a gzip bomb": {"application/json", gzipped(bytes.Repeat([]byte(" "), 2<<20)), false, 429, "",
			`{"code":"resource_exhausted","message":"request body exceeds the limit of 1048576 bytes once decompressed"}`, "gzip"},
		"grpc, a gzip bomb": {"application/grpc", grpcFrame(gzipped(bytes.Repeat([]byte{0}, 2<<20)), true), true, 200, "Grpc-Status", "8", ""},
	} {
		t.Run(name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(tc.body))
			req.Header.Set("Content-Type", tc.contentType)
			if strings.HasPrefix(tc.contentType, "application/grpc") {
				req.Header.Set("Grpc-Encoding", "gzip")
			}
			if tc.encoding != "" {
				req.Header.Set("Content-Encoding", tc.encoding)
			}
			req.Header.Set("Authorization", "Bearer "+mocktest.AcmeToken)
			hc := rpctest.HTTPClient(rpctest.Protocol{H2C: tc.h2c})
			res, err := hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			got := string(body)
			if tc.wantHeader != "" {
				got = res.Header.Get(tc.wantHeader) + res.Trailer.Get(tc.wantHeader)
				if got == "" { // gRPC-Web sends its trailers in the body
					got = string(body)
				}
			}
			if res.StatusCode != tc.wantStatus || !strings.Contains(got, tc.wantCode) {
				t.Errorf("%d %q (headers %v, trailers %v), want %d with %s", res.StatusCode, body, res.Header, res.Trailer, tc.wantStatus, tc.wantCode)
			}
		})
	}
}

// TestReflectionAndHealth: grpcurl and buf curl find the service without a copy of the
// schema, and the health service reports it serving.
func TestReflectionAndHealth(t *testing.T) {
	_, base := startH2C(t, server.Options{})
	hc := rpctest.HTTPClient(rpctest.Protocol{H2C: true})
	stream := grpcreflect.NewClient(hc, base, connect.WithGRPC()).NewStream(context.Background())
	defer stream.Close()
	names, err := stream.ListServices()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, n := range names {
		found = found || n == "gitpod.v1.OrganizationService"
	}
	if !found {
		t.Errorf("reflection lists %v", names)
	}
	files, err := stream.FileContainingSymbol("gitpod.v1.OrganizationService")
	if err != nil || len(files) == 0 || files[0].GetName() != "gitpod/v1/organization.proto" {
		t.Fatalf("the file of the service: %v %v", files, err)
	}
	// One method per operation of the contract.
	if svc, ops := files[0].GetService(), mocktest.Start(t).Spec().OperationIDs(); len(svc) != 1 || len(svc[0].GetMethod()) != len(ops) {
		t.Errorf("the service has %d methods, the contract %d operations", len(svc[0].GetMethod()), len(ops))
	}
	for _, service := range []string{"", "gitpod.v1.OrganizationService"} {
		res, err := grpchealth.NewClient(hc, base, connect.WithGRPC()).Check(context.Background(), &grpchealth.CheckRequest{Service: service})
		if err != nil || res.Status != grpchealth.StatusServing {
			t.Errorf("health of %q: %v %v", service, res, err)
		}
	}
}

func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// grpcFrame is one gRPC length-prefixed message.
func grpcFrame(msg []byte, compressed bool) []byte {
	flag := byte(0)
	if compressed {
		flag = 1
	}
	return append([]byte{flag, byte(len(msg) >> 24), byte(len(msg) >> 16), byte(len(msg) >> 8), byte(len(msg))}, msg...)
}

// TestNoSecretsOnAnyProtocol: a client secret sent and a SCIM token received in any protocol
// appear in no log line (at debug level) and in no journal entry.
func TestNoSecretsOnAnyProtocol(t *testing.T) {
	var logs syncBuffer
	_, base := startH2C(t, server.Options{Logger: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	var secrets []string
	for _, p := range rpctest.Protocols {
		c, err := rpctest.New(p, base)
		if err != nil {
			t.Fatal(err)
		}
		c.Token = mocktest.AcmeToken
		secret := "client-secret-" + strings.NewReplacer(" ", "-", "+", "-").Replace(p.Name)
		if _, cerr := c.Call("CreateSSOConfiguration", fmt.Sprintf(`{"organizationId":%q,"clientId":"c","clientSecret":%q,"issuerUrl":"https://sso.example.com"}`,
			mocktest.AcmeOrgID, secret)); cerr != nil {
			t.Fatalf("%s: %v", p.Name, cerr)
		}
		created, cerr := c.Call("CreateSCIMConfiguration", fmt.Sprintf(`{"organizationId":%q,"ssoConfigurationId":%q}`, mocktest.AcmeOrgID, mocktest.AcmeSSOID))
		if cerr != nil {
			t.Fatalf("%s: %v", p.Name, cerr)
		}
		secrets = append(secrets, secret, created["token"].(string))
	}
	journal := mocktest.NewControl(base, "").Do(t, http.MethodGet, "/requests", nil)
	if journal.Status != 200 || !strings.Contains(string(journal.Body), `"protocol":"grpc-web+json"`) {
		t.Fatalf("journal: %d %.200s", journal.Status, journal.Body)
	}
	for _, s := range secrets {
		if strings.Contains(logs.String(), s) {
			t.Errorf("a log line holds %s", s)
		}
		if strings.Contains(string(journal.Body), s) {
			t.Errorf("the journal holds %s", s)
		}
	}
	if logs.String() == "" {
		t.Fatal("nothing was logged: the test saw nothing")
	}
}

// TestIdentityOnEveryProtocol: organizations, members, roles, invites and domain verification
// through a client of every protocol and codec: the answers are the JSON path's, and bad input
// and broken rules come back as that protocol's errors with the same code and message.
func TestIdentityOnEveryProtocol(t *testing.T) {
	_, base := startH2C(t, server.Options{})
	for _, p := range rpctest.Protocols {
		t.Run(p.Name, func(t *testing.T) {
			session := strings.NewReplacer(" ", "-", "+", ".").Replace("identity-" + p.Name)
			admin, err := rpctest.New(p, base)
			if err != nil {
				t.Fatal(err)
			}
			admin.Token, admin.Session = mocktest.AcmeToken, session
			guest := *admin
			guest.Token = mocktest.GlobexMemberToken
			call := func(c *rpctest.Client, method, request string) map[string]any {
				t.Helper()
				out, err := c.Call(method, request)
				if err != nil {
					t.Fatalf("%s: %v", method, err)
				}
				return out
			}

			org := call(admin, "CreateOrganization", `{"name":"Rocket Team","joinOrganization":true}`)["organization"].(map[string]any)
			id := org["id"].(string)
			if org["tier"] != "ORGANIZATION_TIER_FREE" || org["name"] != "Rocket Team" {
				t.Errorf("created %v", org)
			}
			invite := call(admin, "CreateOrganizationInvite", fmt.Sprintf(`{"organizationId":%q}`, id))["invite"].(map[string]any)["inviteId"].(string)
			summary := call(&guest, "GetOrganizationInviteSummary", fmt.Sprintf(`{"inviteId":%q}`, invite))
			if summary["organizationName"] != "Rocket Team" || summary["organizationMemberCount"] != float64(1) {
				t.Errorf("summary %v", summary)
			}
			joined := call(&guest, "JoinOrganization", fmt.Sprintf(`{"inviteId":%q}`, invite))["member"].(map[string]any)
			if joined["userId"] != mocktest.GlobexMemberUserID || joined["role"] != "ORGANIZATION_ROLE_MEMBER" {
				t.Errorf("joined %v", joined)
			}
			list := call(admin, "ListMembers", fmt.Sprintf(`{"organizationId":%q,"filter":{"roles":["ORGANIZATION_ROLE_MEMBER"],"statuses":["USER_STATUS_ACTIVE"]},
				"sort":{"field":"SORT_FIELD_DATE_JOINED","order":"SORT_ORDER_DESC"},"count":{"include":true},"pagination":{"pageSize":1}}`, id))
			members := list["members"].([]any)
			if len(members) != 1 || members[0].(map[string]any)["userId"] != mocktest.GlobexMemberUserID ||
				list["count"].(map[string]any)["value"] != float64(1) {
				t.Errorf("members %v", list)
			}
			if m := call(admin, "ListMembers", fmt.Sprintf(`{"organizationId":%q,"filter":{"search":"nobody"}}`, id))["members"]; m != nil && len(m.([]any)) != 0 {
				t.Errorf("no member matches: %v", m)
			}

			expectRPCError(t, admin, "SetRole", fmt.Sprintf(`{"organizationId":%q,"userId":%q,"role":"ORGANIZATION_ROLE_MEMBER"}`, id, mocktest.AcmeAdminUserID),
				connect.CodeFailedPrecondition, "role: user "+mocktest.AcmeAdminUserID+" is the last admin of organization "+id+"; make another member an admin first")
			expectRPCError(t, &guest, "UpdateOrganization", fmt.Sprintf(`{"organizationId":%q,"name":"Mine"}`, id),
				connect.CodePermissionDenied, "organizationId: only an admin of organization "+id+" may do this, and the caller is a member")
			expectRPCError(t, admin, "GetOrganization", `{"organizationId":"rocket"}`, connect.CodeInvalidArgument, "organizationId: must be a UUID")
			expectRPCError(t, admin, "CreateOrganization", `{"name":"ab"}`, connect.CodeInvalidArgument, "name: must be at least 3 characters long")
			expectRPCError(t, admin, "ListMembers", fmt.Sprintf(`{"organizationId":%q,"filter":{"userIds":["mia"]}}`, id),
				connect.CodeInvalidArgument, "filter.userIds.0: must be a UUID")
			// Left unset, every message field is absent, not null (vanguard would write null).
			if out := call(admin, "ListSCIMConfigurations", `{}`); len(out["scimConfigurations"].([]any)) != 1 {
				t.Errorf("ListSCIMConfigurations with no pagination: %v", out)
			}

			dv := call(admin, "CreateDomainVerification", fmt.Sprintf(`{"organizationId":%q,"domain":"rocket.example"}`, id))["domainVerification"].(map[string]any)
			dvID, token := dv["id"].(string), dv["verificationToken"].(string)
			expectRPCError(t, admin, "VerifyDomain", fmt.Sprintf(`{"domainVerificationId":%q}`, dvID), connect.CodeFailedPrecondition,
				fmt.Sprintf("domainVerificationId: no TXT record %q at _gitpod-verification.rocket.example: publish it, then verify again", token))
			expectRPCError(t, admin, "CreateDomainVerification", fmt.Sprintf(`{"organizationId":%q,"domain":"rocket.example"}`, id), connect.CodeAlreadyExists,
				"domain: organization "+id+" is verifying rocket.example already (domain verification "+dvID+")")
			mocktest.NewControl(base, session).PublishTXT(t, "_gitpod-verification.rocket.example", token)
			if v := call(admin, "VerifyDomain", fmt.Sprintf(`{"domainVerificationId":%q}`, dvID))["domainVerification"].(map[string]any); v["state"] != "DOMAIN_VERIFICATION_STATE_VERIFIED" {
				t.Errorf("verified %v", v)
			}

			// Settings: a oneof of messages, one of them empty, survives every codec both ways.
			for _, v := range []string{`{"v2":{}}`, `{"v3":{"extraSubFields":["email","groups"]}}`} {
				call(admin, "UpdateOIDCConfig", fmt.Sprintf(`{"organizationId":%q,"oidcConfig":%s}`, id, v))
				got := call(admin, "GetOIDCConfig", fmt.Sprintf(`{"organizationId":%q}`, id))["oidcConfig"]
				if b, _ := json.Marshal(got); string(b) != v {
					t.Errorf("OIDC config %s read back as %s", v, b)
				}
			}
			banner := call(&guest, "GetAnnouncementBanner", fmt.Sprintf(`{"organizationId":%q}`, id))["banner"].(map[string]any)
			if len(banner) != 1 || banner["organizationId"] != id {
				t.Errorf("a banner never set: %v", banner)
			}
			expectRPCError(t, admin, "GetCustomDomain", fmt.Sprintf(`{"organizationId":%q}`, id), connect.CodeNotFound,
				"organizationId: organization "+id+" has no custom domain")

			// Policies: 64-bit integers, durations, maps of messages and of enums, nested merges.
			call(admin, "UpdateOrganizationPolicies", fmt.Sprintf(`{"organizationId":%q,"maximumEnvironmentsPerUser":"30","maximumEnvironmentTimeout":"7200s",
				"editorVersionRestrictions":{"jetbrains":{"allowedVersions":["2025.2"]}},
				"agentPolicy":{"mcpDisabled":true,"codexModelPolicy":{"modelStates":{"gpt-5.5":"CODEX_MODEL_POLICY_STATE_DISABLED"}}}}`, id))
			p := call(&guest, "GetOrganizationPolicies", fmt.Sprintf(`{"organizationId":%q}`, id))["policies"].(map[string]any)
			got, _ := json.Marshal([]any{p["maximumEnvironmentsPerUser"], p["maximumEnvironmentTimeout"], p["editorVersionRestrictions"], p["agentPolicy"]})
			if want := `["30","7200s",{"jetbrains":{"allowedVersions":["2025.2"]}},{"codexModelPolicy":{"modelStates":{"gpt-5.5":"CODEX_MODEL_POLICY_STATE_DISABLED"}},"mcpDisabled":true}]`; string(got) != want {
				t.Errorf("policies read back as %s,\nwant %s", got, want)
			}

			call(admin, "DeleteOrganization", fmt.Sprintf(`{"organizationId":%q}`, id))
			expectRPCError(t, admin, "GetDomainVerification", fmt.Sprintf(`{"domainVerificationId":%q}`, dvID), connect.CodeNotFound,
				"domainVerificationId: domain verification "+dvID+" not found")
			expectRPCError(t, &guest, "GetOrganizationInviteSummary", fmt.Sprintf(`{"inviteId":%q}`, invite), connect.CodeNotFound,
				"inviteId: invite "+invite+" not found (a new invite replaces the previous one)")
		})
	}
}
