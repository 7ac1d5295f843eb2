package server_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/gitpod-mock/orgmock/mocktest"
	"github.com/gitpod-mock/orgmock/server"
)

// sdkCalls mirror the Stainless-generated SDK tests (gitpod-sdk-go's
// organization*configuration_test.go): placeholder values, the "My Bearer Token" token,
// and assertions that only check for "no error".
var sdkCalls = []struct {
	op    string
	query string
	body  string
}{
	{op: "CreateSCIMConfiguration", body: `{"organizationId":"b0e12f6c-4c67-429d-a4a6-d9838b5da047","ssoConfigurationId":"d2c94c27-3b76-4a42-b88c-95a85e392c68","name":"name","tokenExpiresIn":"+9125115.360s"}`},
	{op: "GetSCIMConfiguration", body: `{"scimConfigurationId":"d2c94c27-3b76-4a42-b88c-95a85e392c68"}`},
	{op: "UpdateSCIMConfiguration", body: `{"scimConfigurationId":"d2c94c27-3b76-4a42-b88c-95a85e392c68","enabled":false,"name":"name","ssoConfigurationId":"182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e"}`},
	{op: "ListSCIMConfigurations", query: "token=token&pageSize=0", body: `{"pagination":{"token":"token","pageSize":20}}`},
	{op: "DeleteSCIMConfiguration", body: `{"scimConfigurationId":"d2c94c27-3b76-4a42-b88c-95a85e392c68"}`},
	{op: "RegenerateSCIMToken", body: `{"scimConfigurationId":"d2c94c27-3b76-4a42-b88c-95a85e392c68","tokenExpiresIn":"+9125115.360s"}`},
	{op: "CreateSSOConfiguration", body: `{"clientId":"x","clientSecret":"x","emailDomain":"xxxx","issuerUrl":"https://example.com","organizationId":"182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e"}`},
	{op: "GetSSOConfiguration", body: `{"ssoConfigurationId":"182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e"}`},
	{op: "UpdateSSOConfiguration", body: `{"claims":{"foo":"string"},"clientId":"x","clientSecret":"x","emailDomain":"xxxx","issuerUrl":"https://example.com","ssoConfigurationId":"182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e","state":"SSO_CONFIGURATION_STATE_UNSPECIFIED"}`},
	{op: "ListSSOConfigurations", query: "token=token&pageSize=0", body: `{"organizationId":"182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e","pagination":{"token":"token","pageSize":100}}`},
	{op: "DeleteSSOConfiguration", body: `{"ssoConfigurationId":"182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e"}`},
	// organization_test.go, organizationinvite_test.go, organizationdomainverification_test.go
	// (v0.12.0): the bytes the SDK sends, captured on the wire.
	{op: "CreateOrganization", body: `{"inviteAccountsWithMatchingDomain":true,"joinOrganization":true,"name":"Acme Corp Engineering"}`},
	{op: "GetOrganization", body: `{"organizationId":"b0e12f6c-4c67-429d-a4a6-d9838b5da047"}`},
	{op: "UpdateOrganization", body: `{"inviteDomains":{"domains":["sfN2.l.iJR-BU.u9JV9.a.m.o2D-4b-Jd.0Z-kX.L.n.S.f.UKbxB"]},"name":"name","organizationId":"b0e12f6c-4c67-429d-a4a6-d9838b5da047"}`},
	{op: "DeleteOrganization", body: `{"organizationId":"b0e12f6c-4c67-429d-a4a6-d9838b5da047"}`},
	{op: "JoinOrganization", body: `{"inviteId":"d2c94c27-3b76-4a42-b88c-95a85e392c68","organizationId":"182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e"}`},
	{op: "LeaveOrganization", body: `{"userId":"f53d2330-3795-4c5d-a1f3-453121af9c60"}`},
	{op: "ListMembers", query: "pageSize=0&token=token", body: `{"filter":{"excludeGroupIds":["182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e"],"roles":["ORGANIZATION_ROLE_UNSPECIFIED"],"search":"search","statuses":["USER_STATUS_UNSPECIFIED"],"userIds":["182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e"]},"organizationId":"b0e12f6c-4c67-429d-a4a6-d9838b5da047","pagination":{"pageSize":20,"token":"token"},"sort":{"field":"SORT_FIELD_UNSPECIFIED","order":"SORT_ORDER_UNSPECIFIED"}}`},
	{op: "SetRole", body: `{"organizationId":"b0e12f6c-4c67-429d-a4a6-d9838b5da047","role":"ORGANIZATION_ROLE_MEMBER","userId":"f53d2330-3795-4c5d-a1f3-453121af9c60"}`},
	{op: "CreateOrganizationInvite", body: `{"organizationId":"b0e12f6c-4c67-429d-a4a6-d9838b5da047"}`},
	{op: "GetOrganizationInvite", body: `{"organizationId":"182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e"}`},
	{op: "GetOrganizationInviteSummary", body: `{"inviteId":"d2c94c27-3b76-4a42-b88c-95a85e392c68"}`},
	{op: "CreateDomainVerification", body: `{"domain":"acme-corp.com","organizationId":"b0e12f6c-4c67-429d-a4a6-d9838b5da047"}`},
	{op: "GetDomainVerification", body: `{"domainVerificationId":"d2c94c27-3b76-4a42-b88c-95a85e392c68"}`},
	{op: "ListDomainVerifications", query: "pageSize=0&token=token", body: `{"organizationId":"b0e12f6c-4c67-429d-a4a6-d9838b5da047","pagination":{"pageSize":20,"token":"token"}}`},
	{op: "VerifyDomain", body: `{"domainVerificationId":"d2c94c27-3b76-4a42-b88c-95a85e392c68"}`},
	{op: "DeleteDomainVerification", body: `{"domainVerificationId":"d2c94c27-3b76-4a42-b88c-95a85e392c68"}`},
	// organizationannouncementbanner_test.go, organizationcustomdomain_test.go (v0.12.0).
	{op: "UpdateAnnouncementBanner", body: `{"enabled":false,"message":"message","organizationId":"b0e12f6c-4c67-429d-a4a6-d9838b5da047"}`},
	{op: "GetAnnouncementBanner", body: `{"organizationId":"b0e12f6c-4c67-429d-a4a6-d9838b5da047"}`},
	{op: "CreateCustomDomain", body: `{"awsAccountId":"123456789012","cloudAccountId":"cloudAccountId","domainName":"workspaces.acme-corp.com","organizationId":"b0e12f6c-4c67-429d-a4a6-d9838b5da047","provider":"CUSTOM_DOMAIN_PROVIDER_AWS"}`},
	{op: "GetCustomDomain", body: `{"organizationId":"b0e12f6c-4c67-429d-a4a6-d9838b5da047"}`},
	{op: "UpdateCustomDomain", body: `{"awsAccountId":"987654321098","cloudAccountId":"cloudAccountId","domainName":"workspaces.acme-corp.com","organizationId":"b0e12f6c-4c67-429d-a4a6-d9838b5da047","provider":"CUSTOM_DOMAIN_PROVIDER_UNSPECIFIED"}`},
	{op: "DeleteCustomDomain", body: `{"organizationId":"b0e12f6c-4c67-429d-a4a6-d9838b5da047"}`},
	// organizationpolicy_test.go (v0.12.0).
	{op: "GetOrganizationPolicies", body: `{"organizationId":"b0e12f6c-4c67-429d-a4a6-d9838b5da047"}`},
	{op: "UpdateOrganizationPolicies", body: `{"agentPolicy":{"commandDenyList":["string"],"mcpDisabled":true,"scmToolsAllowedGroupId":"scmToolsAllowedGroupId","scmToolsDisabled":true},"allowLocalRunners":true,"allowedEditorIds":["string"],"defaultEditorId":"defaultEditorId","defaultEnvironmentImage":"defaultEnvironmentImage","deleteArchivedEnvironmentsAfter":"+9125115.360s","editorVersionRestrictions":{"foo":{"allowedVersions":["string"]}},"executableDenyList":{"action":"KERNEL_CONTROLS_ACTION_UNSPECIFIED","enabled":true,"executables":["string"]},"maximumEnvironmentLifetime":"+9125115.360s","maximumEnvironmentTimeout":"3600s","maximumEnvironmentsPerUser":"20","maximumRunningEnvironmentsPerUser":"5","membersCreateProjects":true,"membersRequireProjects":true,"organizationId":"b0e12f6c-4c67-429d-a4a6-d9838b5da047","portSharingDisabled":true,"requireCustomDomainAccess":true,"restrictAccountCreationToScim":true,"securityAgentPolicy":{"crowdstrike":{"additionalOptions":{"foo":"string"},"cidSecretId":"182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e","enabled":true,"image":"image","tags":"tags"}}}`},
}

// sdkAbsent are the operations of the service that no Stainless SDK exposes (so no generated
// test calls them): the facts' section 8, "not exposed by any Stainless SDK".
var sdkAbsent = map[string]bool{
	"GetOIDCConfig": true, "UpdateOIDCConfig": true, "SetStripeCustomerID": true,
	"GetTermsOfService": true, "UpdateTermsOfService": true, "AcceptTermsOfService": true,
	"ListTermsOfServiceVersions": true, "ListTermsOfServiceAcceptances": true, "GetTermsOfServiceAcceptancesExport": true,
}

// sdkRefused are the SDK tests that no mock true to the API can pass, and what they get:
// the same in both modes when the request itself is invalid, only in the stateful mode when
// it names something the state does not hold.
var sdkRefused = map[string]struct {
	examples, stateful int
	message            string
}{
	// Sends both members of the oneof join_id, which protojson (and so the API) refuses.
	"JoinOrganization": {400, 400, "organizationId, inviteId: set at most one of them (they are alternatives)"},
	// Placeholder page tokens ("token"), which no server issued.
	"ListSCIMConfigurations":  {200, 400, "token: not a page token issued by this server for ListSCIMConfigurations"},
	"ListSSOConfigurations":   {200, 400, "token: not a page token issued by this server for ListSSOConfigurations"},
	"ListMembers":             {200, 400, "token: not a page token issued by this server for ListMembers"},
	"ListDomainVerifications": {200, 400, "token: not a page token issued by this server for ListDomainVerifications"},
	// Sends executableDenyList, which the SDK renamed vetoExecPolicy after v0.12.0 and the
	// published descriptor does not have (and a deleteArchivedEnvironmentsAfter over its
	// 4-week bound, which the request's validation would meet next).
	"UpdateOrganizationPolicies": {400, 400, `unknown field "executableDenyList"`},
	// The organization has a custom domain already, the one the other custom-domain tests read,
	// update and delete; this asks for another cloud account ("cloudAccountId").
	"CreateCustomDomain": {200, 409, "organizationId: organization b0e12f6c-4c67-429d-a4a6-d9838b5da047 has the custom domain workspaces.acme-corp.com already: update or delete it"},
}

const sdkToken = "My Bearer Token"

// TestExamplesModePrismStyleSuite: the SDK suite passes against --mode examples, which stores
// nothing; the same suite in the default stateful mode meets the real rules (placeholder page
// tokens and foreign organizations are refused), so stateful behaviour is unchanged.
func TestExamplesModePrismStyleSuite(t *testing.T) {
	srv := mocktest.Start(t, mocktest.WithMode(server.ModeExamples))
	// The SDK has a generated test per operation it exposes: so does this suite, or it fails
	// here.
	covered := map[string]bool{}
	for _, c := range sdkCalls {
		covered[c.op] = true
	}
	for _, op := range srv.Spec().OperationIDs() {
		switch {
		case !covered[op] && !sdkAbsent[op]:
			t.Errorf("%s has no call in sdkCalls", op)
		case covered[op] && sdkAbsent[op]:
			t.Errorf("%s has a call in sdkCalls, but sdkAbsent says the SDK does not expose it", op)
		}
	}
	before := srv.Store().Snapshot()
	for _, c := range sdkCalls {
		res := srv.Do(t, mocktest.Request{Operation: c.op, Token: sdkToken, Query: c.query, Body: c.body})
		if r, ok := sdkRefused[c.op]; ok && r.examples != 200 {
			if res.Status != r.examples || res.JSON(t)["message"] != r.message {
				t.Errorf("%s: %d %s, want %d %q", c.op, res.Status, res.Body, r.examples, r.message)
			}
			continue
		}
		if res.Status != 200 {
			t.Errorf("%s: %d %s", c.op, res.Status, res.Body)
			continue
		}
		// The documented example, byte for byte.
		_, want, _ := srv.Spec().Operation(c.op).Example(200, "")
		if !bytes.Equal(res.Body, want) {
			t.Errorf("%s: got %s, want the documented example %s", c.op, res.Body, want)
		}
	}
	// The operations no SDK exposes answer their documented requests with their documented
	// example too.
	for op := range sdkAbsent {
		r := srv.Spec().Operation(op)
		_, want, _ := r.Example(200, "")
		for name, body := range r.RequestExamples() {
			res := srv.Do(t, mocktest.Request{Operation: op, Token: sdkToken, Body: body})
			if res.Status != 200 || !bytes.Equal(res.Body, want) {
				t.Errorf("%s/%s: %d %s, want the documented example %s", op, name, res.Status, res.Body, want)
			}
		}
	}
	if after := srv.Store().Snapshot(); !reflect.DeepEqual(before, after) {
		t.Errorf("examples mode changed the state")
	}
	// Invalid requests get the same 4xx as in stateful mode.
	bad := srv.Post(t, "GetSCIMConfiguration", sdkToken, map[string]any{"scimConfigurationId": "nope"})
	if bad.Status != 400 || bad.JSON(t)["message"] != "scimConfigurationId: must be a UUID" {
		t.Errorf("invalid request in examples mode: %d %s", bad.Status, bad.Body)
	}
	if res := srv.Post(t, "GetSCIMConfiguration", "", map[string]any{"scimConfigurationId": mocktest.AcmeSCIMID}); res.Status != 401 {
		t.Errorf("no token in examples mode: %d", res.Status)
	}

	// Each SDK test passes alone against a fresh default mock (its fixtures hold the ids the
	// tests name, and the caller's unknown token acts as an admin of them), but for the
	// requests no API would take.
	for _, c := range sdkCalls {
		res := mocktest.Start(t).Do(t, mocktest.Request{Operation: c.op, Token: sdkToken, Query: c.query, Body: c.body})
		status, message := 200, ""
		if r, ok := sdkRefused[c.op]; ok {
			status, message = r.stateful, r.message
		}
		if res.Status != status || message != "" && res.JSON(t)["message"] != message {
			t.Errorf("stateful %s: %d %s, want %d %q", c.op, res.Status, res.Body, status, message)
		}
	}
}

// TestPrefer: Prism-compatible overrides in both modes, after request validation.
func TestPrefer(t *testing.T) {
	for _, mode := range []server.Mode{server.ModeStateful, server.ModeExamples} {
		t.Run(string(mode), func(t *testing.T) {
			srv := mocktest.Start(t, mocktest.WithMode(mode))
			get := func(prefer string, body any) *mocktest.Response {
				return srv.Do(t, mocktest.Request{Operation: "GetSCIMConfiguration", Token: mocktest.AcmeToken, Body: body,
					Header: http.Header{"Prefer": {prefer}}})
			}
			valid := map[string]any{"scimConfigurationId": mocktest.AcmeSCIMID}
			cases := []struct {
				prefer  string
				body    any
				status  int
				message string
			}{
				{prefer: "code=404", body: valid, status: 404,
					// The example's message, about the request's id.
					message: "scimConfigurationId: SCIM configuration " + mocktest.AcmeSCIMID + " not found"},
				{prefer: "code=404", body: map[string]any{"scimConfigurationId": mocktest.GlobexSCIMID}, status: 404,
					message: "scimConfigurationId: SCIM configuration " + mocktest.GlobexSCIMID + " not found"},
				{prefer: "code=200", body: valid, status: 200},
				{prefer: "example=found", body: valid, status: 200},
				{prefer: "code=429, example=resourceExhausted", body: valid, status: 429, message: "request body exceeds the limit of 1048576 bytes"},
				{prefer: "code=418", body: valid, status: 400,
					message: "Prefer: code=418 is not declared by GetSCIMConfiguration; declared: 200, 400, 401, 403, 404, 415, 429, 500"},
				{prefer: "example=nope", body: valid, status: 400,
					message: `Prefer: example="nope" is not an example of GetSCIMConfiguration; examples: found, internal, invalidArgument, notFound, permissionDenied, resourceExhausted, unauthenticated, unsupportedMediaType`},
				{prefer: "code=abc", body: valid, status: 400, message: `Prefer: code="abc" is not an HTTP status`},
				{prefer: "code=404", body: map[string]any{"scimConfigurationId": 1}, status: 400, message: "scimConfigurationId: must be a string"},
			}
			for _, c := range cases {
				res := get(c.prefer, c.body)
				if res.Status != c.status {
					t.Errorf("Prefer %q: status %d, want %d (%s)", c.prefer, res.Status, c.status, res.Body)
					continue
				}
				if c.message != "" && res.JSON(t)["message"] != c.message {
					t.Errorf("Prefer %q: message %q,\n want %q", c.prefer, res.JSON(t)["message"], c.message)
				}
				// Every error of the mock, asked for or not, is a deterministic answer.
				if retry := res.Header.Get("X-Should-Retry"); c.status >= 400 && retry != "false" || c.status < 400 && retry != "" {
					t.Errorf("Prefer %q: X-Should-Retry %q", c.prefer, retry)
				}
			}
		})
	}
}

// TestParallelSessions: ten goroutines, each in its own session, run full cycles at once and
// never see each other's data (run it with -race).
func TestParallelSessions(t *testing.T) {
	srv := mocktest.Start(t)
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for g := 0; g < 10; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			session := fmt.Sprintf("worker-%d", g)
			call := func(op string, body any) (int, map[string]any) {
				raw, _ := json.Marshal(body)
				req, _ := http.NewRequest(http.MethodPost, srv.URL+mocktest.ServicePath+op, bytes.NewReader(raw))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+mocktest.AcmeToken)
				req.Header.Set(server.SessionHeader, session)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					errs <- err
					return 0, nil
				}
				defer res.Body.Close()
				var m map[string]any
				b, _ := io.ReadAll(res.Body)
				_ = json.Unmarshal(b, &m)
				return res.StatusCode, m
			}
			var mine []string
			for i := 0; i < 5; i++ {
				st, b := call("CreateSCIMConfiguration", map[string]any{"organizationId": mocktest.AcmeOrgID,
					"ssoConfigurationId": mocktest.AcmeSSOID, "name": fmt.Sprintf("%s-%d", session, i)})
				if st != 200 {
					errs <- fmt.Errorf("%s create: %d", session, st)
					return
				}
				mine = append(mine, b["scimConfiguration"].(map[string]any)["id"].(string))
			}
			if st, _ := call("UpdateSCIMConfiguration", map[string]any{"scimConfigurationId": mine[0], "enabled": false}); st != 200 {
				errs <- fmt.Errorf("%s update: %d", session, st)
			}
			// Page through the list: the fixture record plus exactly mine, nobody else's.
			seen := map[string]bool{}
			token := ""
			for page := 0; page < 10; page++ {
				body := map[string]any{"pagination": map[string]any{"pageSize": 2, "token": token}}
				st, b := call("ListSCIMConfigurations", body)
				if st != 200 {
					errs <- fmt.Errorf("%s list: %d", session, st)
					return
				}
				items, _ := b["scimConfigurations"].([]any)
				for _, it := range items {
					m := it.(map[string]any)
					seen[m["id"].(string)] = true
					if name, _ := m["name"].(string); name != "Okta provisioning" && !strings.HasPrefix(name, session+"-") {
						errs <- fmt.Errorf("%s sees another session's record %q", session, name)
					}
				}
				token, _ = b["pagination"].(map[string]any)["nextToken"].(string)
				if token == "" {
					break
				}
			}
			if len(seen) != 6 {
				errs <- fmt.Errorf("%s listed %d records, want 6", session, len(seen))
			}
			for _, id := range mine {
				if st, _ := call("DeleteSCIMConfiguration", map[string]any{"scimConfigurationId": id}); st != 200 {
					errs <- fmt.Errorf("%s delete: %d", session, st)
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// The default session saw none of it.
	if n := len(srv.Store().Snapshot().SCIMConfigurations); n != 2 {
		t.Errorf("default session holds %d SCIM configurations, want the 2 fixtures", n)
	}
}

// TestDeterminism: two runs with the same seed and clock give byte-identical responses and
// journals.
func TestDeterminism(t *testing.T) {
	start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	run := func() (responses []byte, journal []byte) {
		srv := mocktest.Start(t, mocktest.WithSeed(7), mocktest.WithClock(start))
		var out bytes.Buffer
		add := func(r *mocktest.Response) map[string]any {
			fmt.Fprintf(&out, "%d %s\n", r.Status, r.Body)
			var m map[string]any
			_ = json.Unmarshal(r.Body, &m)
			return m
		}
		for _, session := range []string{"", "other"} {
			c := srv.Control().WithSession(session)
			created := add(srv.Do(t, mocktest.Request{Operation: "CreateSCIMConfiguration", Token: mocktest.AcmeToken, Session: session,
				Body: map[string]any{"organizationId": mocktest.AcmeOrgID, "ssoConfigurationId": mocktest.AcmeSSOID}}))
			id := created["scimConfiguration"].(map[string]any)["id"]
			c.AdvanceClock(t, 90*time.Second)
			add(srv.Do(t, mocktest.Request{Operation: "RegenerateSCIMToken", Token: mocktest.AcmeToken, Session: session,
				Body: map[string]any{"scimConfigurationId": id}}))
			add(srv.Do(t, mocktest.Request{Operation: "CreateSSOConfiguration", Token: mocktest.AcmeToken, Session: session,
				Body: ssoBody(nil)}))
			add(srv.Do(t, mocktest.Request{Operation: "ListSCIMConfigurations", Token: mocktest.AcmeToken, Session: session,
				Query: "pageSize=1", Body: map[string]any{}}))
			add(srv.Do(t, mocktest.Request{Operation: "GetSCIMConfiguration", Token: mocktest.AcmeToken, Session: session,
				Body: map[string]any{"scimConfigurationId": "nope"}}))
			j := c.Do(t, http.MethodGet, "/requests", nil)
			journal = append(journal, j.Body...)
		}
		return out.Bytes(), journal
	}
	r1, j1 := run()
	r2, j2 := run()
	if !bytes.Equal(r1, r2) {
		t.Errorf("responses differ between runs:\n%s\n---\n%s", r1, r2)
	}
	if !bytes.Equal(j1, j2) {
		t.Errorf("journals differ between runs:\n%s\n---\n%s", j1, j2)
	}
	if !bytes.Contains(r1, []byte(`"createdAt":"2026-03-01T09:00:00Z"`)) {
		t.Errorf("timestamps do not come from the fake clock:\n%s", r1)
	}
	// A different seed gives different ids.
	other := mocktest.Start(t, mocktest.WithSeed(8), mocktest.WithClock(start))
	res := other.Post(t, "CreateSCIMConfiguration", mocktest.AcmeToken,
		map[string]any{"organizationId": mocktest.AcmeOrgID, "ssoConfigurationId": mocktest.AcmeSSOID})
	if bytes.Contains(r1, []byte(res.JSON(t)["scimConfiguration"].(map[string]any)["id"].(string))) {
		t.Errorf("seed 8 produced an id of seed 7")
	}
}

// TestJournal: what the client sent and got, filtered by operation, secrets redacted.
func TestJournal(t *testing.T) {
	srv := mocktest.Start(t)
	c := srv.Control()
	created := srv.Post(t, "CreateSCIMConfiguration", mocktest.AcmeToken, createBody(nil)).JSON(t)
	srv.Post(t, "CreateSSOConfiguration", mocktest.AcmeToken, ssoBody(map[string]any{"clientSecret": "journal-secret-1"}))
	srv.Post(t, "GetSCIMConfiguration", mocktest.AcmeToken, map[string]any{"scimConfigurationId": "bad"})
	all := c.Requests(t, "")
	if len(all) != 3 {
		t.Fatalf("journal has %d entries, want 3", len(all))
	}
	raw, _ := json.Marshal(all)
	for _, secret := range []string{created["token"].(string), "journal-secret-1", mocktest.AcmeToken} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("journal holds secret %q", secret)
		}
	}
	first := all[0]
	if first.Seq != 1 || first.Operation != "CreateSCIMConfiguration" || first.Method != "POST" || first.Status != 200 ||
		first.Time.IsZero() || !bytes.Contains(first.Request, []byte(mocktest.AcmeSSOID)) ||
		!bytes.Contains(first.Response, []byte(`"token":"[redacted]"`)) {
		t.Errorf("first entry: %+v", first)
	}
	if !bytes.Contains(all[1].Request, []byte(`"clientSecret":"[redacted]"`)) {
		t.Errorf("client secret not masked in the request: %s", all[1].Request)
	}
	bad := all[2]
	if bad.Status != 400 || bad.Code != "invalid_argument" || !reflect.DeepEqual(bad.RequestViolations, []string{"scimConfigurationId: must be a UUID"}) {
		t.Errorf("rejected entry: %+v", bad)
	}
	if got := c.Requests(t, "GetSCIMConfiguration"); len(got) != 1 || got[0].Seq != 3 {
		t.Errorf("filter by operation: %+v", got)
	}
	known := slices.Sorted(slices.Values(srv.Spec().OperationIDs()))
	if res := c.Do(t, http.MethodGet, "/requests?operation=Nope", nil); res.Status != 400 ||
		res.JSON(t)["message"] != `operation: unknown operation "Nope"; known: `+strings.Join(known, ", ") {
		t.Errorf("unknown operation filter: %d %s", res.Status, res.Body)
	}
	c.ClearRequests(t)
	if got := c.Requests(t, ""); len(got) != 0 {
		t.Errorf("after DELETE: %d entries", len(got))
	}
	// Control calls themselves are not journaled; the seq keeps counting.
	srv.Post(t, "ListSCIMConfigurations", mocktest.AcmeToken, map[string]any{})
	if got := c.Requests(t, ""); len(got) != 1 || got[0].Seq != 4 {
		t.Errorf("after clear: %+v", got)
	}
}

// TestResetAndState: reset restores the fixtures (and clears journal and faults); state
// exports as a fixture document and imports back, checked like fixtures.
func TestResetAndState(t *testing.T) {
	srv := mocktest.Start(t)
	c := srv.Control()
	fixtures := srv.Store().Snapshot()
	srv.Post(t, "DeleteSCIMConfiguration", mocktest.AcmeToken, map[string]any{"scimConfigurationId": mocktest.AcmeSCIMID})
	srv.Post(t, "CreateSSOConfiguration", mocktest.AcmeToken, ssoBody(nil))
	c.AddFault(t, server.FaultSpec{Operation: "GetSSOConfiguration", Status: 500})
	exported := c.State(t)
	changed := srv.Store().Snapshot()

	c.Reset(t)
	if got := srv.Store().Snapshot(); !reflect.DeepEqual(got, fixtures) {
		t.Errorf("reset did not restore the fixtures")
	}
	if n := len(c.Requests(t, "")); n != 0 {
		t.Errorf("reset left %d journal entries", n)
	}
	if n := len(c.Faults(t).Faults); n != 0 {
		t.Errorf("reset left %d faults", n)
	}

	c.SetState(t, exported)
	if got := srv.Store().Snapshot(); !reflect.DeepEqual(got, changed) {
		t.Errorf("import of the export is not the exported state")
	}

	// A bad document is refused with every problem named, and changes nothing.
	bad := bytes.Replace(exported, []byte(`"organizationId": "b0e12f6c-4c67-429d-a4a6-d9838b5da047"`),
		[]byte(`"organizationId": "not-a-uuid"`), 1)
	res := c.Do(t, http.MethodPut, "/state", json.RawMessage(bad))
	msg, _ := res.JSON(t)["message"].(string)
	if res.Status != 400 || !strings.Contains(msg, "request body: ssoConfigurations[") || !strings.Contains(msg, "organizationId: must be a UUID") {
		t.Errorf("bad import: %d %s", res.Status, res.Body)
	}
	if got := srv.Store().Snapshot(); !reflect.DeepEqual(got, changed) {
		t.Errorf("a refused import changed the state")
	}
	if res := c.Do(t, http.MethodPut, "/state", "not a document"); res.Status != 400 {
		t.Errorf("non-object import: %d %s", res.Status, res.Body)
	}
}

// TestCoverage counts served (operation, status) pairs and lists the rest.
func TestCoverage(t *testing.T) {
	srv := mocktest.Start(t)
	srv.Post(t, "GetSCIMConfiguration", mocktest.AcmeToken, map[string]any{"scimConfigurationId": mocktest.AcmeSCIMID})
	srv.Post(t, "GetSCIMConfiguration", mocktest.AcmeToken, map[string]any{"scimConfigurationId": mocktest.AcmeSCIMID})
	srv.Post(t, "GetSCIMConfiguration", "", map[string]any{"scimConfigurationId": mocktest.AcmeSCIMID})
	cov := srv.Control().Coverage(t)
	counts := map[string]int{}
	for _, oc := range cov.Operations {
		for _, sc := range oc.Statuses {
			counts[fmt.Sprintf("%s %d", oc.Operation, sc.Status)] = sc.Count
		}
	}
	if counts["GetSCIMConfiguration 200"] != 2 || counts["GetSCIMConfiguration 401"] != 1 || counts["GetSCIMConfiguration 404"] != 0 {
		t.Errorf("counts: %v", counts)
	}
	if len(cov.Operations) != len(srv.Spec().Operations()) || cov.Exercised != 2 || cov.Declared != len(counts) ||
		len(cov.Unexercised)+len(cov.UnexercisedFaultOnly) != cov.Declared-2 {
		t.Errorf("totals: %d operations, %d/%d exercised, %d+%d unexercised", len(cov.Operations), cov.Exercised, cov.Declared,
			len(cov.Unexercised), len(cov.UnexercisedFaultOnly))
	}
	// What a client can only reach through a fault is listed apart.
	for _, u := range cov.UnexercisedFaultOnly {
		if _, status, _ := strings.Cut(u, " "); status != "415" && status != "429" && status[0] != '5' {
			t.Errorf("%s listed as reachable only through a fault", u)
		}
	}
	for _, u := range cov.Unexercised {
		if _, status, _ := strings.Cut(u, " "); status == "415" || status == "429" || status[0] == '5' {
			t.Errorf("%s listed as reachable by a client's own calls", u)
		}
	}
	if !slices.Contains(cov.UnexercisedFaultOnly, "GetSCIMConfiguration 429") || !slices.Contains(cov.Unexercised, "GetSCIMConfiguration 404") {
		t.Errorf("GetSCIMConfiguration 429 not fault-only or 404 not unexercised: %v / %v", cov.UnexercisedFaultOnly, cov.Unexercised)
	}
	srv.Control().ClearCoverage(t)
	if cov := srv.Control().Coverage(t); cov.Exercised != 0 || cov.Operations[0].Statuses[0].Count != 0 {
		t.Errorf("after ClearCoverage: %d exercised", cov.Exercised)
	}
	for _, u := range cov.Unexercised {
		if u == "GetSCIMConfiguration 200" {
			t.Errorf("served pair listed as unexercised")
		}
	}
	// Coverage is per session.
	if other := srv.Control().WithSession("other").Coverage(t); other.Exercised != 0 {
		t.Errorf("another session shows %d exercised pairs", other.Exercised)
	}
}

// TestFaults: each fault kind, counts and fractions, and bad fault input.
func TestFaults(t *testing.T) {
	get := map[string]any{"scimConfigurationId": mocktest.AcmeSCIMID}
	t.Run("status for the next N calls", func(t *testing.T) {
		srv := mocktest.Start(t)
		srv.Control().AddFault(t, server.FaultSpec{Operation: "GetSCIMConfiguration", Status: 500, Count: 2})
		for i := 0; i < 2; i++ {
			res := srv.Post(t, "GetSCIMConfiguration", mocktest.AcmeToken, get)
			if res.Status != 500 || res.JSON(t)["code"] != "internal" || res.Header.Get("X-Should-Retry") != "" {
				t.Fatalf("call %d: %d %s (X-Should-Retry %q)", i, res.Status, res.Body, res.Header.Get("X-Should-Retry"))
			}
		}
		if res := srv.Post(t, "GetSCIMConfiguration", mocktest.AcmeToken, get); res.Status != 200 {
			t.Fatalf("third call: %d", res.Status)
		}
		if n := len(srv.Control().Faults(t).Faults); n != 0 {
			t.Errorf("a spent fault is still armed")
		}
		j := srv.Control().Requests(t, "GetSCIMConfiguration")
		if j[0].Fault != "status 500" || j[2].Fault != "" {
			t.Errorf("journal faults: %q %q", j[0].Fault, j[2].Fault)
		}
	})
	t.Run("only the named operation", func(t *testing.T) {
		srv := mocktest.Start(t)
		srv.Control().AddFault(t, server.FaultSpec{Operation: "ListSCIMConfigurations", Status: 429})
		if res := srv.Post(t, "GetSCIMConfiguration", mocktest.AcmeToken, get); res.Status != 200 {
			t.Fatalf("other operation: %d", res.Status)
		}
		for i := 0; i < 3; i++ { // Count 0: every call
			if res := srv.Post(t, "ListSCIMConfigurations", mocktest.AcmeToken, map[string]any{}); res.Status != 429 {
				t.Fatalf("call %d: %d", i, res.Status)
			}
		}
		srv.Control().ClearFaults(t)
		if res := srv.Post(t, "ListSCIMConfigurations", mocktest.AcmeToken, map[string]any{}); res.Status != 200 {
			t.Fatalf("after DELETE /_mock/faults: %d", res.Status)
		}
	})
	t.Run("latency", func(t *testing.T) {
		srv := mocktest.Start(t)
		srv.Control().AddFault(t, server.FaultSpec{Operation: "GetSCIMConfiguration", LatencyMs: 150, Count: 1})
		start := time.Now()
		res := srv.Post(t, "GetSCIMConfiguration", mocktest.AcmeToken, get)
		if res.Status != 200 {
			t.Fatalf("status %d", res.Status)
		}
		// A lower bound only: the call waited at least the injected latency.
		if took := time.Since(start); took < 150*time.Millisecond {
			t.Errorf("answered after %v, before the injected 150ms", took)
		}
		if f := srv.Control().Requests(t, "")[0].Fault; f != "latency 150ms" {
			t.Errorf("journal fault %q", f)
		}
	})
	t.Run("dropped connection", func(t *testing.T) {
		srv := mocktest.Start(t)
		srv.Control().AddFault(t, server.FaultSpec{Operation: "GetSCIMConfiguration", Drop: true, Count: 1})
		req := mocktest.Request{Operation: "GetSCIMConfiguration", Token: mocktest.AcmeToken, Body: get}.HTTP(t, srv.URL)
		_, err := http.DefaultClient.Do(req)
		if err == nil || !(errors.Is(err, io.EOF) || strings.Contains(err.Error(), "EOF") || strings.Contains(err.Error(), "reset")) {
			t.Fatalf("want a dropped connection, got %v", err)
		}
		if res := srv.Post(t, "GetSCIMConfiguration", mocktest.AcmeToken, get); res.Status != 200 {
			t.Fatalf("next call: %d", res.Status)
		}
		j := srv.Control().Requests(t, "")
		if j[0].Status != 0 || j[0].Fault != "drop" {
			t.Errorf("journal: %+v", j[0])
		}
	})
	t.Run("fraction is seeded", func(t *testing.T) {
		hits := func() []int {
			srv := mocktest.Start(t, mocktest.WithSeed(3))
			srv.Control().AddFault(t, server.FaultSpec{Operation: "GetSCIMConfiguration", Status: 500, Fraction: 0.5})
			var out []int
			for i := 0; i < 40; i++ {
				out = append(out, srv.Post(t, "GetSCIMConfiguration", mocktest.AcmeToken, get).Status)
			}
			return out
		}
		a, b := hits(), hits()
		if !reflect.DeepEqual(a, b) {
			t.Errorf("same seed, different fault pattern:\n%v\n%v", a, b)
		}
		n := 0
		for _, s := range a {
			if s == 500 {
				n++
			}
		}
		if n == 0 || n == len(a) {
			t.Errorf("fraction 0.5 fired %d times out of %d", n, len(a))
		}
	})
	t.Run("bad fault input", func(t *testing.T) {
		srv := mocktest.Start(t)
		c := srv.Control()
		c.AddFault(t, server.FaultSpec{Operation: "GetSCIMConfiguration", LatencyMs: 1})
		cases := []struct {
			body    any
			message string
		}{
			{map[string]any{"operation": "Nope", "status": 500}, `operation: unknown operation "Nope"; known: `},
			{map[string]any{"operation": "GetSCIMConfiguration", "status": 503}, "status: GetSCIMConfiguration declares no error status 503; declared: 400, 401, 403, 404, 415, 429, 500"},
			{map[string]any{"operation": "GetSCIMConfiguration", "status": 200}, "status: GetSCIMConfiguration declares no error status 200"},
			{map[string]any{"operation": "GetSCIMConfiguration"}, "a fault needs status, latencyMs or drop"},
			{map[string]any{"operation": "GetSCIMConfiguration", "status": 500, "drop": true}, "status and drop exclude each other"},
			{map[string]any{"operation": "GetSCIMConfiguration", "latencyMs": 600000}, "latencyMs: must be between 0 and 60000"},
			{map[string]any{"operation": "GetSCIMConfiguration", "status": 500, "count": -1}, "count: must be at least 0"},
			{map[string]any{"operation": "GetSCIMConfiguration", "status": 500, "fraction": 1.5}, "fraction: must be between 0 and 1"},
			{jsonRaw(`{"operation": "GetSCIMConfiguration", "status": 500, "fraction": 1e-400}`), "fraction: must be more than 0 (leave it out for every call)"},
			{map[string]any{"operation": "GetSCIMConfiguration", "status": 500, "fraction": 0}, "fraction: must be more than 0 (leave it out for every call)"},
			{map[string]any{"operation": "GetSCIMConfiguration", "status": 500, "statuss": 1}, `request body: json: unknown field "statuss"`},
			{"{", "request body: "},
		}
		for _, tc := range cases {
			res := c.Do(t, http.MethodPost, "/faults", tc.body)
			msg, _ := res.JSON(t)["message"].(string)
			if res.Status != 400 || !strings.HasPrefix(msg, tc.message) {
				t.Errorf("%v: %d %q, want 400 starting %q", tc.body, res.Status, msg, tc.message)
			}
		}
		if f := c.Faults(t).Faults; len(f) != 1 || f[0].LatencyMs != 1 {
			t.Errorf("bad input changed the faults: %+v", f)
		}
	})
}

// TestClock: a fake clock moves only when told, never backwards; a real one refuses.
func TestClock(t *testing.T) {
	start := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	srv := mocktest.Start(t, mocktest.WithClock(start))
	c := srv.Control()
	if now := c.Now(t); !now.Equal(start) {
		t.Fatalf("now %v, want %v", now, start)
	}
	created := srv.Post(t, "CreateSCIMConfiguration", mocktest.AcmeToken, createBody(map[string]any{"tokenExpiresIn": "86400s"})).JSON(t)
	cfg := created["scimConfiguration"].(map[string]any)
	if cfg["createdAt"] != "2026-05-01T12:00:00Z" || cfg["tokenExpiresAt"] != "2026-05-02T12:00:00Z" {
		t.Errorf("created at the fake time? %v", cfg)
	}
	if now := c.AdvanceClock(t, 36*time.Hour); !now.Equal(start.Add(36 * time.Hour)) {
		t.Errorf("advance: %v", now)
	}
	upd := srv.Post(t, "UpdateSCIMConfiguration", mocktest.AcmeToken, map[string]any{"scimConfigurationId": cfg["id"]}).JSON(t)
	if got := upd["scimConfiguration"].(map[string]any)["updatedAt"]; got != "2026-05-03T00:00:00Z" {
		t.Errorf("updatedAt %v, want the advanced time", got)
	}
	set := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	if now := c.SetClock(t, set); !now.Equal(set) {
		t.Errorf("set: %v", now)
	}
	for _, tc := range []struct {
		body    any
		message string
	}{
		{map[string]any{"set": "2026-01-01T00:00:00Z"}, "set: must not be before the current time 2027-01-01T00:00:00Z"},
		{map[string]any{"advance": "-1h"}, "advance: must not be negative"},
		{map[string]any{"advance": "tomorrow"}, `advance: must be a duration such as "90s" or "36h"`},
		{map[string]any{"set": "yesterday"}, "set: must be an RFC 3339 date-time"},
		{map[string]any{}, `send exactly one of advance (e.g. "90s") and set (RFC 3339)`},
		{map[string]any{"advance": "1h", "set": "2028-01-01T00:00:00Z"}, `send exactly one of advance (e.g. "90s") and set (RFC 3339)`},
	} {
		res := c.Do(t, http.MethodPost, "/clock", tc.body)
		if res.Status != 400 || res.JSON(t)["message"] != tc.message {
			t.Errorf("%v: %d %s", tc.body, res.Status, res.Body)
		}
	}
	if now := c.Now(t); !now.Equal(set) {
		t.Errorf("bad input moved the clock to %v", now)
	}
	real := mocktest.Start(t)
	res := real.Control().Do(t, http.MethodPost, "/clock", map[string]any{"advance": "1h"})
	if res.Status != 400 || res.JSON(t)["code"] != "failed_precondition" {
		t.Errorf("real clock: %d %s", res.Status, res.Body)
	}
}

// TestSessionHeader: sessions start from the fixtures, and any name is taken.
func TestSessionHeader(t *testing.T) {
	srv := mocktest.Start(t)
	srv.Do(t, mocktest.Request{Operation: "DeleteSCIMConfiguration", Token: mocktest.AcmeToken, Session: "a",
		Body: map[string]any{"scimConfigurationId": mocktest.AcmeSCIMID}})
	if res := srv.Do(t, mocktest.Request{Operation: "GetSCIMConfiguration", Token: mocktest.AcmeToken, Session: "b",
		Body: map[string]any{"scimConfigurationId": mocktest.AcmeSCIMID}}); res.Status != 200 {
		t.Errorf("session b sees session a's delete: %d", res.Status)
	}
	if res := srv.Post(t, "GetSCIMConfiguration", mocktest.AcmeToken, map[string]any{"scimConfigurationId": mocktest.AcmeSCIMID}); res.Status != 200 {
		t.Errorf("default session sees session a's delete: %d", res.Status)
	}
	// A name that is not plain (t.Name() of a subtest, say) is mapped, not refused: sent by
	// hand it reaches the session mocktest.SessionName names, on the API and the control plane.
	raw := http.Header{server.SessionHeader: {"TestX/tenant=1"}}
	if res := srv.Do(t, mocktest.Request{Operation: "DeleteSCIMConfiguration", Token: mocktest.AcmeToken, Header: raw,
		Body: map[string]any{"scimConfigurationId": mocktest.AcmeSCIMID}}); res.Status != 200 {
		t.Fatalf("delete in %q: %d %s", "TestX/tenant=1", res.Status, res.Body)
	}
	mapped := mocktest.SessionName("TestX/tenant=1")
	if !strings.HasPrefix(mapped, "TestX/tenant_1-") {
		t.Errorf("SessionName(%q) = %q", "TestX/tenant=1", mapped)
	}
	if res := srv.Do(t, mocktest.Request{Operation: "GetSCIMConfiguration", Token: mocktest.AcmeToken, Session: mapped,
		Body: map[string]any{"scimConfigurationId": mocktest.AcmeSCIMID}}); res.Status != 404 {
		t.Errorf("session %q does not see the delete made as %q: %d", mapped, "TestX/tenant=1", res.Status)
	}
	reset := srv.Control().WithSession("TestX/tenant=1").Do(t, http.MethodPost, "/reset", nil)
	if reset.Status != 200 || reset.JSON(t)["session"] != mapped {
		t.Errorf("reset of %q on the control plane: %d %s, want session %q", "TestX/tenant=1", reset.Status, reset.Body, mapped)
	}
}

// TestControlSpec: the control plane's own OpenAPI document is served, valid, and describes
// every control route the server registers (and no other).
func TestControlSpec(t *testing.T) {
	srv := mocktest.Start(t)
	res := srv.Control().Do(t, http.MethodGet, "/openapi.yaml", nil)
	if res.Status != 200 || res.Header.Get("Content-Type") != "application/yaml" {
		t.Fatalf("GET /_mock/openapi.yaml: %d %s", res.Status, res.Header.Get("Content-Type"))
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("control.yaml is not valid OpenAPI: %v", err)
	}
	described := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			described[method+" "+path] = true
		}
	}
	registered := map[string]bool{}
	for _, r := range srv.ControlRoutes() {
		registered[r] = true
	}
	if !reflect.DeepEqual(described, registered) {
		t.Errorf("control.yaml describes %v,\nthe server registers %v", described, registered)
	}
}

// TestJournalFilters: the journal by operation, status (exact, class, 0 for dropped), since and
// limit, together; a bad filter is refused with the parameter named.
func TestJournalFilters(t *testing.T) {
	srv := mocktest.Start(t)
	ctl := srv.Control()
	get := map[string]any{"scimConfigurationId": mocktest.AcmeSCIMID}
	srv.Post(t, "GetSCIMConfiguration", mocktest.AcmeToken, get)                                                       // 1: 200
	srv.Post(t, "GetSCIMConfiguration", mocktest.AcmeToken, map[string]any{"scimConfigurationId": mocktest.AcmeOrgID}) // 2: 404
	srv.Post(t, "GetSCIMConfiguration", "", get)                                                                       // 3: 401
	srv.Post(t, "ListSCIMConfigurations", mocktest.AcmeToken, map[string]any{})                                        // 4: 200
	srv.Post(t, "GetSCIMConfiguration", mocktest.AcmeToken, get)                                                       // 5: 200
	ctl.AddFault(t, server.FaultSpec{Operation: "GetSCIMConfiguration", Drop: true, Count: 1})
	dropped := mocktest.Request{Operation: "GetSCIMConfiguration", Token: mocktest.AcmeToken, Body: get}.HTTP(t, srv.URL)
	if res, err := http.DefaultClient.Do(dropped); err == nil {
		res.Body.Close()
		t.Fatalf("the dropped call got an answer: %d", res.StatusCode) // 6: dropped
	}
	seqs := func(query string) string {
		res := ctl.Do(t, http.MethodGet, "/requests?"+query, nil)
		if res.Status != 200 {
			t.Fatalf("?%s: %d %s", query, res.Status, res.Body)
		}
		var out server.Requests
		if err := json.Unmarshal(res.Body, &out); err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, e := range out.Requests {
			s = append(s, fmt.Sprintf("%d:%d", e.Seq, e.Status))
		}
		return strings.Join(s, " ")
	}
	for query, want := range map[string]string{
		"":           "1:200 2:404 3:401 4:200 5:200 6:0",
		"status=200": "1:200 4:200 5:200",
		"status=4xx": "2:404 3:401",
		"status=4XX": "2:404 3:401",
		"status=0":   "6:0",
		"status=500": "",
		"operation=GetSCIMConfiguration&status=2xx":         "1:200 5:200",
		"operation=GetSCIMConfiguration&status=2xx&since=1": "5:200",
		"status=2xx&limit=2":                                "1:200 4:200",
		"status=2xx&since=1&limit=1":                        "4:200",
	} {
		if got := seqs(query); got != want {
			t.Errorf("?%s: %q, want %q", query, got, want)
		}
	}
	for _, bad := range []string{"200x", "600", "99", "6xx", "-1", "x"} {
		res := ctl.Do(t, http.MethodGet, "/requests?status="+bad, nil)
		want := fmt.Sprintf("status: must be an HTTP status (100 to 599), a class such as 4xx, or 0 (calls a fault dropped); got %q", bad)
		if res.Status != 400 || res.JSON(t)["code"] != "invalid_argument" || res.JSON(t)["message"] != want {
			t.Errorf("status=%s: %d %s", bad, res.Status, res.Body)
		}
	}
}

// TestEvents: the journal as server-sent events: what is there after since, then each new
// entry as it comes, in the stream's session only; at most 16 streams at once; CloseStreams
// ends them (so that a server shuts down at once).
func TestEvents(t *testing.T) {
	srv := mocktest.Start(t)
	get := map[string]any{"scimConfigurationId": mocktest.AcmeSCIMID}
	srv.Post(t, "GetSCIMConfiguration", mocktest.AcmeToken, get) // seq 1
	srv.Post(t, "GetSCIMConfiguration", "", get)                 // seq 2: 401

	// open starts a stream; its events arrive on the returned channel, read in the background.
	type event struct {
		name  string
		entry server.JournalEntry
	}
	open := func(session, query string) (*http.Response, chan event) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/_mock/events"+query, nil)
		if session != "" {
			req.Header.Set(server.SessionHeader, session)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { res.Body.Close() })
		events := make(chan event, 100)
		go func() {
			defer close(events)
			r := bufio.NewReader(res.Body)
			var id, name, data string
			for {
				line, err := r.ReadString('\n')
				if err != nil {
					return
				}
				line = strings.TrimSuffix(line, "\n")
				switch {
				case line == "" && name != "":
					ev := event{name: name}
					if name == "entry" {
						if err := json.Unmarshal([]byte(data), &ev.entry); err != nil || id != strconv.Itoa(ev.entry.Seq) {
							ev.name = fmt.Sprintf("bad entry (id %q, %v): %s", id, err, data)
						}
					}
					events <- ev
					id, name, data = "", "", ""
				case strings.HasPrefix(line, "id: "):
					id = line[4:]
				case strings.HasPrefix(line, "event: "):
					name = line[7:]
				case strings.HasPrefix(line, "data: "):
					data = line[6:]
				}
			}
		}()
		return res, events
	}
	// next waits 2 s at most: an idle stream pings every 10 s and looks again then, so an entry
	// that arrives only after that was not woken for.
	nextEvent := func(events chan event) event {
		t.Helper()
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatal("the stream ended")
			}
			return ev
		case <-time.After(2 * time.Second):
			t.Fatal("no event within 2 s")
		}
		return event{}
	}
	next := func(events chan event) server.JournalEntry {
		t.Helper()
		ev := nextEvent(events)
		if ev.name != "entry" {
			t.Fatalf("event %q, want an entry", ev.name)
		}
		return ev.entry
	}

	res, r := open("", "?since=1")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("GET /_mock/events: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if e := next(r); e.Seq != 2 || e.Status != 401 || e.Operation != "GetSCIMConfiguration" {
		t.Errorf("first event: %+v, want seq 2 (after since=1), 401", e)
	}
	srv.Do(t, mocktest.Request{Operation: "GetSCIMConfiguration", Token: mocktest.AcmeToken, Body: get, Session: "other"})
	srv.Post(t, "ListSCIMConfigurations", mocktest.AcmeToken, map[string]any{}) // seq 3, after the stream opened
	if e := next(r); e.Seq != 3 || e.Operation != "ListSCIMConfigurations" || e.Status != 200 || len(e.Response) == 0 {
		t.Errorf("live event: %+v, want seq 3 ListSCIMConfigurations 200 (not the other session's call)", e)
	}
	if _, r := open("other", ""); next(r).Seq != 1 {
		t.Errorf("the other session's stream does not start at its own seq 1")
	}
	// A seq from a journal that is no more (a restart): "reset", then from the first entry.
	_, stale := open("other", "?since=40")
	if ev := nextEvent(stale); ev.name != "reset" {
		t.Errorf("since beyond the journal: event %q, want reset", ev.name)
	}
	if e := next(stale); e.Seq != 1 {
		t.Errorf("after reset: seq %d, want 1", e.Seq)
	}
	// Emptied: "clear", then what comes next.
	srv.Control().WithSession("other").ClearRequests(t)
	if ev := nextEvent(stale); ev.name != "clear" {
		t.Errorf("after DELETE /_mock/requests: event %q, want clear", ev.name)
	}
	srv.Do(t, mocktest.Request{Operation: "ListSCIMConfigurations", Token: mocktest.AcmeToken, Body: map[string]any{}, Session: "other"})
	if e := next(stale); e.Seq != 2 || e.Operation != "ListSCIMConfigurations" {
		t.Errorf("after clear: %+v, want seq 2", e)
	}

	// 16 streams at most: three are open, 13 more fit, the 17th is refused.
	for range 13 {
		if res, _ := open("", "?since=99"); res.StatusCode != 200 {
			t.Fatalf("a stream under the limit: %d", res.StatusCode)
		}
	}
	over, err := http.Get(srv.URL + "/_mock/events")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(over.Body)
	over.Body.Close()
	if over.StatusCode != 429 || !strings.Contains(string(body), `"code":"resource_exhausted"`) ||
		!strings.Contains(string(body), "events: 16 streams are open, the most allowed") {
		t.Errorf("the 17th stream: %d %s", over.StatusCode, body)
	}
	if res := srv.Control().Do(t, http.MethodGet, "/events?since=x", nil); res.Status != 400 ||
		res.JSON(t)["message"] != "since: must be a whole number, 0 or more" {
		t.Errorf("since=x: %d %s", res.Status, res.Body)
	}

	// CloseStreams ends every stream: the reader sees the end of the body.
	srv.CloseStreams()
	select {
	case ev, ok := <-r:
		if ok {
			t.Errorf("an event after CloseStreams: %+v", ev)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("CloseStreams left a stream open")
	}
	if res := srv.Control().Do(t, http.MethodGet, "/events", nil); res.Status != 429 {
		t.Errorf("a stream opened after CloseStreams: %d", res.Status)
	}
}

// TestSessionsList: GET /_mock/sessions names the sessions that exist, the default first.
func TestSessionsList(t *testing.T) {
	srv := mocktest.Start(t)
	srv.Control().WithSession("TestX/b=1").Reset(t)
	srv.Control().WithSession("a").Reset(t)
	var out server.SessionList
	if res := srv.Control().Do(t, http.MethodGet, "/sessions", nil); res.Status != 200 || json.Unmarshal(res.Body, &out) != nil {
		t.Fatalf("GET /_mock/sessions: %d %s", res.Status, res.Body)
	}
	if want := []string{"", mocktest.SessionName("TestX/b=1"), "a"}; !slices.Equal(out.Sessions, want) {
		t.Errorf("sessions %q, want %q", out.Sessions, want)
	}
}
