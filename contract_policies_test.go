package orgmock_test

import (
	"testing"

	"github.com/gitpod-mock/orgmock/mocktest"
)

// The contract cases of the organization's policies. TestContract runs them with the others.

func policiesCases() map[string][]contractCase {
	var (
		getPolicies    = op("GetOrganizationPolicies")
		updatePolicies = op("UpdateOrganizationPolicies")
	)
	acmeOrg := map[string]any{"organizationId": mocktest.AcmeOrgID}
	labsOrg := map[string]any{"organizationId": mocktest.AcmeLabsOrgID}
	limits := with(with(acmeOrg, "maximumEnvironmentTimeout", "+7200.0s"), "maximumEnvironmentsPerUser", "030")
	return map[string][]contractCase{
		"GetOrganizationPolicies": append([]contractCase{
			{name: "200 the fixture's over the defaults, for a plain member", req: getPolicies(acmeMember, acmeOrg), status: 200,
				check: func(t *testing.T, b map[string]any) {
					p := b["policies"].(map[string]any)
					expect(t, "organizationId", p["organizationId"], mocktest.AcmeOrgID)
					expect(t, "allowedEditorIds (the fixture's)", p["allowedEditorIds"], []any{"vscode", "jetbrains"})
					expect(t, "maximumEnvironmentTimeout (the fixture's)", p["maximumEnvironmentTimeout"], "3600s")
					expect(t, "defaultEnvironmentImage (the default)", p["defaultEnvironmentImage"], "mcr.microsoft.com/devcontainers/base:ubuntu-24.04")
					expect(t, "membersRequireProjects (false, but required: written)", p["membersRequireProjects"], false)
				}},
			{name: "200 never changed: the defaults", req: getPolicies(acme, labsOrg), status: 200, check: func(t *testing.T, b map[string]any) {
				p := b["policies"].(map[string]any)
				expect(t, "allowedEditorIds", p["allowedEditorIds"], []any{"vscode", "cursor", "jetbrains"})
				expect(t, "archiveEnvironmentsAfter", p["archiveEnvironmentsAfter"], "259200s")
				if _, ok := p["maximumEnvironmentTimeout"]; ok {
					t.Errorf("maximumEnvironmentTimeout: want unset (no limit)")
				}
			}},
			{name: "400 id not a UUID", req: getPolicies(acme, map[string]any{"organizationId": "acme"}),
				status: 400, code: "invalid_argument", message: "organizationId: must be a UUID"},
			{name: "403 another organization", req: getPolicies(globex, acmeOrg),
				status: 403, code: "permission_denied", message: notMemberOf(mocktest.AcmeOrgID)},
		}, commonErrors(getPolicies(acme, acmeOrg))...),

		"UpdateOrganizationPolicies": append([]contractCase{
			{name: "200 returns {}", req: updatePolicies(acme, limits), status: 200, check: func(t *testing.T, b map[string]any) {
				if len(b) != 0 {
					t.Errorf("body: want {}, got %v", b)
				}
			}},
			{name: "200 an empty list changes nothing", req: updatePolicies(acme, with(acmeOrg, "allowedEditorIds", []string{})), status: 200},
			{name: "400 timeout under 30 minutes", req: updatePolicies(acme, with(acmeOrg, "maximumEnvironmentTimeout", "60s")), status: 400, code: "invalid_argument",
				message: "maximumEnvironmentTimeout: must be 0s (no limit) or at least 1800s (30 minutes), got 60s"},
			{name: "400 archive after not whole days", req: updatePolicies(acme, with(acmeOrg, "archiveEnvironmentsAfter", "90000s")), status: 400, code: "invalid_argument",
				message: "archiveEnvironmentsAfter: must be a whole number of days within 86400s and 2592000s (1 to 30 days), got 90000s"},
			{name: "400 deleting archived environments after more than 4 weeks", req: updatePolicies(acme, with(acmeOrg, "deleteArchivedEnvironmentsAfter", "+9125115.360s")),
				status: 400, code: "invalid_argument", message: "deleteArchivedEnvironmentsAfter: must lie within 0s and 2419200s (4 weeks), got +9125115.360s"},
			{name: "400 a limit not an integer", req: updatePolicies(acme, with(acmeOrg, "maximumEnvironmentsPerUser", "twenty")), status: 400, code: "invalid_argument",
				message: `maximumEnvironmentsPerUser: must be a 64-bit integer written as a string, e.g. "20"`},
			{name: "400 a field v0.12.0 of the SDK named otherwise", req: updatePolicies(acme, with(acmeOrg, "executableDenyList", map[string]any{"enabled": true})),
				status: 400, code: "invalid_argument", message: `unknown field "executableDenyList"`},
			{name: "400 securityPolicyId neither a UUID nor empty", req: updatePolicies(acme, with(acmeOrg, "securityPolicyId", "default")), status: 400, code: "invalid_argument",
				message: "securityPolicyId: must match the pattern ^$|^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"},
			{name: "400 the default editor emptied", req: updatePolicies(acme, with(acmeOrg, "defaultEditorId", "")),
				status: 400, code: "invalid_argument", message: "defaultEditorId: must not be empty"},
			{name: "403 a plain member", req: updatePolicies(acmeMember, limits),
				status: 403, code: "permission_denied", message: notAdmin("organizationId", mocktest.AcmeOrgID)},
		}, commonErrors(updatePolicies(acme, limits))...),
	}
}

// TestPoliciesUpdateThenGet: what an update changes, Get shows, in protojson's form; what it
// merges, merges; what it replaces, replaces.
func TestPoliciesUpdateThenGet(t *testing.T) {
	k := loadContract(t)
	srv := startContractServer(t)
	update := func(body map[string]any) {
		t.Helper()
		mustStatus(t, k.do(t, srv, mocktest.Request{Operation: "UpdateOrganizationPolicies", Token: acme,
			Body: with(body, "organizationId", mocktest.AcmeOrgID)}), 200)
	}
	get := func() map[string]any {
		t.Helper()
		res := k.do(t, srv, mocktest.Request{Operation: "GetOrganizationPolicies", Token: acme, Body: map[string]any{"organizationId": mocktest.AcmeOrgID}})
		mustStatus(t, res, 200)
		return res.JSON(t)["policies"].(map[string]any)
	}
	update(map[string]any{"maximumEnvironmentTimeout": "+7200.0s", "maximumEnvironmentsPerUser": "030",
		"agentPolicy":         map[string]any{"mcpDisabled": true, "commandDenyList": []string{}},
		"securityAgentPolicy": map[string]any{"crowdstrike": map[string]any{"enabled": true, "image": "falcon:7"}},
		"vetoExecPolicy":      map[string]any{"enabled": true, "executables": []string{"nc"}, "safelist": []string{"ignored"}},
		"securityPolicyId":    "4b5c6d7e-8f9a-4b0c-9d1e-2f3a4b5c6d7e"})
	p := get()
	expect(t, "timeout in protojson's form", p["maximumEnvironmentTimeout"], "7200s")
	expect(t, "int64 in protojson's form", p["maximumEnvironmentsPerUser"], "30")
	expect(t, "agentPolicy merged (commandDenyList kept)", p["agentPolicy"],
		map[string]any{"mcpDisabled": true, "commandDenyList": []any{"rm -rf /"}, "scmToolsDisabled": false})
	expect(t, "vetoExecPolicy (safelist is output only)", p["vetoExecPolicy"], map[string]any{"enabled": true, "executables": []any{"nc"}})
	expect(t, "securityPolicyId", p["securityPolicyId"], "4b5c6d7e-8f9a-4b0c-9d1e-2f3a4b5c6d7e")

	update(map[string]any{"securityAgentPolicy": map[string]any{"crowdstrike": map[string]any{"tags": "prod"}},
		"vetoExecPolicy": map[string]any{"action": "KERNEL_CONTROLS_ACTION_AUDIT"}, "securityPolicyId": "",
		"maximumEnvironmentTimeout": "0s"})
	p = get()
	expect(t, "crowdstrike merged field by field", p["securityAgentPolicy"],
		map[string]any{"crowdstrike": map[string]any{"enabled": true, "image": "falcon:7", "tags": "prod"}})
	expect(t, "vetoExecPolicy replaced whole", p["vetoExecPolicy"], map[string]any{"action": "KERNEL_CONTROLS_ACTION_AUDIT"})
	if _, ok := p["securityPolicyId"]; ok {
		t.Errorf("securityPolicyId: \"\" should clear it, got %v", p["securityPolicyId"])
	}
	expect(t, "timeout 0s (no limit) is a set duration", p["maximumEnvironmentTimeout"], "0s")
}
