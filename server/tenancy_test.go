package server_test

import (
	"reflect"
	"testing"

	"github.com/gitpod-mock/orgmock/mocktest"
)

// tenant is one side of the isolation matrix: a caller and the resources it owns.
type tenant struct {
	name, token, org, sso, scim string
	// linkedSSO is an SSO configuration a SCIM configuration of the tenant links.
	linkedSSO string
}

var (
	acmeTenant = tenant{name: "acme", token: mocktest.AcmeToken, org: mocktest.AcmeOrgID,
		sso: mocktest.AcmeSSOID, scim: mocktest.AcmeSCIMID, linkedSSO: mocktest.AcmeSSO2ID}
	globexTenant = tenant{name: "globex", token: mocktest.GlobexToken, org: mocktest.GlobexOrgID,
		sso: mocktest.GlobexSSOID, scim: mocktest.GlobexSCIMID, linkedSSO: mocktest.GlobexSSOID}
)

// TestTenancyMatrix calls every operation of both families with one organization's token on
// the other organization's resources, both ways. Each call is refused as the API would (404
// for ids, never revealing that they exist; 403 for an organizationId), and nothing changes.
func TestTenancyMatrix(t *testing.T) {
	type cell struct {
		op      string
		body    func(me, them tenant) map[string]any
		status  int
		code    string
		message func(me, them tenant) string
	}
	scimNotFound := func(_, them tenant) string {
		return "scimConfigurationId: SCIM configuration " + them.scim + " not found"
	}
	ssoNotFound := func(_, them tenant) string {
		return "ssoConfigurationId: SSO configuration " + them.sso + " not found"
	}
	linkedNotFound := func(_, them tenant) string {
		return "ssoConfigurationId: SSO configuration " + them.linkedSSO + " not found"
	}
	orgDenied := func(_, them tenant) string {
		return "organizationId: the caller is not a member of organization " + them.org
	}
	matrix := map[string]cell{
		"GetSCIMConfiguration of theirs": {op: "GetSCIMConfiguration",
			body:   func(_, them tenant) map[string]any { return map[string]any{"scimConfigurationId": them.scim} },
			status: 404, code: "not_found", message: scimNotFound},
		"UpdateSCIMConfiguration of theirs": {op: "UpdateSCIMConfiguration",
			body: func(_, them tenant) map[string]any {
				return map[string]any{"scimConfigurationId": them.scim, "name": "hijacked", "enabled": false}
			},
			status: 404, code: "not_found", message: scimNotFound},
		"UpdateSCIMConfiguration of mine linking their SSO": {op: "UpdateSCIMConfiguration",
			body: func(me, them tenant) map[string]any {
				return map[string]any{"scimConfigurationId": me.scim, "ssoConfigurationId": them.sso}
			},
			status: 404, code: "not_found", message: ssoNotFound},
		"DeleteSCIMConfiguration of theirs": {op: "DeleteSCIMConfiguration",
			body:   func(_, them tenant) map[string]any { return map[string]any{"scimConfigurationId": them.scim} },
			status: 404, code: "not_found", message: scimNotFound},
		"RegenerateSCIMToken of theirs": {op: "RegenerateSCIMToken",
			body:   func(_, them tenant) map[string]any { return map[string]any{"scimConfigurationId": them.scim} },
			status: 404, code: "not_found", message: scimNotFound},
		"CreateSCIMConfiguration in their organization": {op: "CreateSCIMConfiguration",
			body: func(_, them tenant) map[string]any {
				return map[string]any{"organizationId": them.org, "ssoConfigurationId": them.sso}
			},
			status: 403, code: "permission_denied", message: orgDenied},
		"CreateSCIMConfiguration in mine with their SSO": {op: "CreateSCIMConfiguration",
			body: func(me, them tenant) map[string]any {
				return map[string]any{"organizationId": me.org, "ssoConfigurationId": them.sso}
			},
			status: 404, code: "not_found", message: ssoNotFound},
		"GetSSOConfiguration of theirs": {op: "GetSSOConfiguration",
			body:   func(_, them tenant) map[string]any { return map[string]any{"ssoConfigurationId": them.sso} },
			status: 404, code: "not_found", message: ssoNotFound},
		"UpdateSSOConfiguration of theirs": {op: "UpdateSSOConfiguration",
			body: func(_, them tenant) map[string]any {
				return map[string]any{"ssoConfigurationId": them.sso, "clientSecret": "stolen", "state": "SSO_CONFIGURATION_STATE_INACTIVE"}
			},
			status: 404, code: "not_found", message: ssoNotFound},
		"DeleteSSOConfiguration of theirs": {op: "DeleteSSOConfiguration",
			body:   func(_, them tenant) map[string]any { return map[string]any{"ssoConfigurationId": them.sso} },
			status: 404, code: "not_found", message: ssoNotFound},
		"DeleteSSOConfiguration of theirs that SCIM links (no failed_precondition leak)": {op: "DeleteSSOConfiguration",
			body:   func(_, them tenant) map[string]any { return map[string]any{"ssoConfigurationId": them.linkedSSO} },
			status: 404, code: "not_found", message: linkedNotFound},
		"CreateSSOConfiguration in their organization": {op: "CreateSSOConfiguration",
			body: func(_, them tenant) map[string]any {
				return map[string]any{"organizationId": them.org, "clientId": "x", "clientSecret": "y", "issuerUrl": "https://idp.example"}
			},
			status: 403, code: "permission_denied", message: orgDenied},
		"ListSSOConfigurations of their organization": {op: "ListSSOConfigurations",
			body:   func(_, them tenant) map[string]any { return map[string]any{"organizationId": them.org} },
			status: 403, code: "permission_denied", message: orgDenied},
	}
	// Every operation of the contract is in the matrix: a new one fails here until its rows
	// are written. ListSCIMConfigurations takes no id or organization (the token decides); it
	// is checked below.
	inMatrix := map[string]bool{"ListSCIMConfigurations": true}
	for _, c := range matrix {
		inMatrix[c.op] = true
	}
	sp := mocktest.Start(t).Spec()
	for _, op := range sp.OperationIDs() {
		if !inMatrix[op] {
			t.Errorf("%s has no row in the tenancy matrix", op)
		}
	}
	pairs := [][2]tenant{{acmeTenant, globexTenant}, {globexTenant, acmeTenant}}
	for _, p := range pairs {
		me, them := p[0], p[1]
		for name, c := range matrix {
			t.Run(me.name+" on "+them.name+"/"+name, func(t *testing.T) {
				srv := mocktest.Start(t)
				before := srv.Store().Snapshot()
				res := srv.Post(t, c.op, me.token, c.body(me, them))
				b := res.JSON(t)
				if res.Status != c.status || b["code"] != c.code || b["message"] != c.message(me, them) {
					t.Errorf("got %d %v,\nwant %d %s %q", res.Status, b, c.status, c.code, c.message(me, them))
				}
				if after := srv.Store().Snapshot(); !reflect.DeepEqual(before, after) {
					t.Errorf("state changed by a refused cross-tenant call")
				}
			})
		}
		// ListSCIMConfigurations has no organizationId: the token decides, so the other
		// organization's configurations simply never appear.
		t.Run(me.name+"/ListSCIMConfigurations shows only mine", func(t *testing.T) {
			srv := mocktest.Start(t)
			res := srv.Post(t, "ListSCIMConfigurations", me.token, map[string]any{})
			items, _ := res.JSON(t)["scimConfigurations"].([]any)
			if res.Status != 200 || len(items) != 1 || items[0].(map[string]any)["id"] != me.scim {
				t.Errorf("got %d %s, want only %s", res.Status, res.Body, me.scim)
			}
		})
		t.Run(me.name+"/ListSSOConfigurations of mine shows only mine", func(t *testing.T) {
			srv := mocktest.Start(t)
			res := srv.Post(t, "ListSSOConfigurations", me.token, map[string]any{"organizationId": me.org})
			items, _ := res.JSON(t)["ssoConfigurations"].([]any)
			if res.Status != 200 || len(items) == 0 {
				t.Fatalf("got %d %s", res.Status, res.Body)
			}
			for _, it := range items {
				if it.(map[string]any)["organizationId"] != me.org {
					t.Errorf("foreign SSO configuration listed: %v", it)
				}
			}
		})
	}
}
