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
	// admin is the user of token; member a plain member, whose token is memberToken.
	admin, member, memberToken string
	invite, domain             string
}

var (
	acmeTenant = tenant{name: "acme", token: mocktest.AcmeToken, org: mocktest.AcmeOrgID,
		sso: mocktest.AcmeSSOID, scim: mocktest.AcmeSCIMID, linkedSSO: mocktest.AcmeSSO2ID,
		admin: mocktest.AcmeAdminUserID, member: mocktest.AcmeMemberUserID, memberToken: mocktest.AcmeMemberToken,
		invite: mocktest.AcmeInviteID, domain: mocktest.AcmeDomainID}
	globexTenant = tenant{name: "globex", token: mocktest.GlobexToken, org: mocktest.GlobexOrgID,
		sso: mocktest.GlobexSSOID, scim: mocktest.GlobexSCIMID, linkedSSO: mocktest.GlobexSSOID,
		admin: mocktest.GlobexAdminUserID, member: mocktest.GlobexMemberUserID, memberToken: mocktest.GlobexMemberToken,
		invite: mocktest.GlobexInviteID, domain: mocktest.GlobexDomainID}
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
	theirOrg := func(_, them tenant) map[string]any { return map[string]any{"organizationId": them.org} }
	domainNotFound := func(_, them tenant) string {
		return "domainVerificationId: domain verification " + them.domain + " not found"
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
		"GetOrganization of theirs": {op: "GetOrganization",
			body:   func(_, them tenant) map[string]any { return map[string]any{"organizationId": them.org} },
			status: 403, code: "permission_denied", message: orgDenied},
		"UpdateOrganization of theirs": {op: "UpdateOrganization",
			body: func(_, them tenant) map[string]any {
				return map[string]any{"organizationId": them.org, "name": "hijacked", "inviteDomains": map[string]any{"domains": []string{"evil.example"}}}
			},
			status: 403, code: "permission_denied", message: orgDenied},
		"DeleteOrganization of theirs": {op: "DeleteOrganization",
			body:   func(_, them tenant) map[string]any { return map[string]any{"organizationId": them.org} },
			status: 403, code: "permission_denied", message: orgDenied},
		"ListMembers of theirs": {op: "ListMembers",
			body:   func(_, them tenant) map[string]any { return map[string]any{"organizationId": them.org} },
			status: 403, code: "permission_denied", message: orgDenied},
		"SetRole in their organization": {op: "SetRole",
			body: func(_, them tenant) map[string]any {
				return map[string]any{"organizationId": them.org, "userId": them.member, "role": "ORGANIZATION_ROLE_ADMIN"}
			},
			status: 403, code: "permission_denied", message: orgDenied},
		"SetRole in mine on their member": {op: "SetRole",
			body: func(me, them tenant) map[string]any {
				return map[string]any{"organizationId": me.org, "userId": them.member, "role": "ORGANIZATION_ROLE_ADMIN"}
			},
			status: 404, code: "not_found", message: func(me, them tenant) string {
				return "userId: user " + them.member + " is not a member of organization " + me.org
			}},
		"LeaveOrganization of their member (acts in mine)": {op: "LeaveOrganization",
			body:   func(_, them tenant) map[string]any { return map[string]any{"userId": them.admin} },
			status: 404, code: "not_found", message: func(me, them tenant) string {
				return "userId: user " + them.admin + " is not a member of organization " + me.org
			}},
		"JoinOrganization theirs by id (no matching email domain)": {op: "JoinOrganization",
			body:   func(_, them tenant) map[string]any { return map[string]any{"organizationId": them.org} },
			status: 403, code: "permission_denied", message: func(me, them tenant) string {
				domain := map[string]string{"acme": "acme-corp.com", "globex": "globex.example"}[me.name]
				return `organizationId: the caller's email domain "` + domain + `" is not one of the invite domains of organization ` + them.org + ": join by invite"
			}},
		"CreateOrganizationInvite in theirs": {op: "CreateOrganizationInvite",
			body:   func(_, them tenant) map[string]any { return map[string]any{"organizationId": them.org} },
			status: 403, code: "permission_denied", message: orgDenied},
		"GetOrganizationInvite of theirs": {op: "GetOrganizationInvite",
			body:   func(_, them tenant) map[string]any { return map[string]any{"organizationId": them.org} },
			status: 403, code: "permission_denied", message: orgDenied},
		"CreateDomainVerification in theirs": {op: "CreateDomainVerification",
			body: func(_, them tenant) map[string]any {
				return map[string]any{"organizationId": them.org, "domain": "hijack.example"}
			},
			status: 403, code: "permission_denied", message: orgDenied},
		"ListDomainVerifications of theirs": {op: "ListDomainVerifications",
			body:   func(_, them tenant) map[string]any { return map[string]any{"organizationId": them.org} },
			status: 403, code: "permission_denied", message: orgDenied},
		"GetDomainVerification of theirs": {op: "GetDomainVerification",
			body:   func(_, them tenant) map[string]any { return map[string]any{"domainVerificationId": them.domain} },
			status: 404, code: "not_found", message: domainNotFound},
		"VerifyDomain of theirs": {op: "VerifyDomain",
			body:   func(_, them tenant) map[string]any { return map[string]any{"domainVerificationId": them.domain} },
			status: 404, code: "not_found", message: domainNotFound},
		"DeleteDomainVerification of theirs": {op: "DeleteDomainVerification",
			body:   func(_, them tenant) map[string]any { return map[string]any{"domainVerificationId": them.domain} },
			status: 404, code: "not_found", message: domainNotFound},
		"GetOIDCConfig of theirs": {op: "GetOIDCConfig", body: theirOrg, status: 403, code: "permission_denied", message: orgDenied},
		"UpdateOIDCConfig of theirs": {op: "UpdateOIDCConfig",
			body: func(_, them tenant) map[string]any {
				return map[string]any{"organizationId": them.org, "oidcConfig": map[string]any{"v2": map[string]any{}}}
			},
			status: 403, code: "permission_denied", message: orgDenied},
		"GetAnnouncementBanner of theirs": {op: "GetAnnouncementBanner", body: theirOrg, status: 403, code: "permission_denied", message: orgDenied},
		"UpdateAnnouncementBanner of theirs": {op: "UpdateAnnouncementBanner",
			body: func(_, them tenant) map[string]any {
				return map[string]any{"organizationId": them.org, "message": "defaced", "enabled": true}
			},
			status: 403, code: "permission_denied", message: orgDenied},
		"SetStripeCustomerID of theirs": {op: "SetStripeCustomerID",
			body: func(_, them tenant) map[string]any {
				return map[string]any{"organizationId": them.org, "stripeCustomerId": "cus_mine"}
			},
			status: 403, code: "permission_denied", message: orgDenied},
		"CreateCustomDomain in theirs": {op: "CreateCustomDomain",
			body: func(_, them tenant) map[string]any {
				return map[string]any{"organizationId": them.org, "domainName": "hijack.example", "awsAccountId": "123456789012"}
			},
			status: 403, code: "permission_denied", message: orgDenied},
		"GetCustomDomain of theirs": {op: "GetCustomDomain", body: theirOrg, status: 403, code: "permission_denied", message: orgDenied},
		"UpdateCustomDomain of theirs": {op: "UpdateCustomDomain",
			body: func(_, them tenant) map[string]any {
				return map[string]any{"organizationId": them.org, "domainName": "hijack.example"}
			},
			status: 403, code: "permission_denied", message: orgDenied},
		"DeleteCustomDomain of theirs":      {op: "DeleteCustomDomain", body: theirOrg, status: 403, code: "permission_denied", message: orgDenied},
		"GetTermsOfService of theirs":       {op: "GetTermsOfService", body: theirOrg, status: 403, code: "permission_denied", message: orgDenied},
		"GetOrganizationPolicies of theirs": {op: "GetOrganizationPolicies", body: theirOrg, status: 403, code: "permission_denied", message: orgDenied},
		"UpdateOrganizationPolicies of theirs": {op: "UpdateOrganizationPolicies",
			body: func(_, them tenant) map[string]any {
				return map[string]any{"organizationId": them.org, "allowLocalRunners": false}
			},
			status: 403, code: "permission_denied", message: orgDenied},
		"UpdateTermsOfService of theirs": {op: "UpdateTermsOfService",
			body: func(_, them tenant) map[string]any {
				return map[string]any{"organizationId": them.org, "markdown": "# Mine", "enabled": true}
			},
			status: 403, code: "permission_denied", message: orgDenied},
		"AcceptTermsOfService of theirs": {op: "AcceptTermsOfService",
			body: func(_, them tenant) map[string]any {
				return map[string]any{"organizationId": them.org, "versionId": "8e9f0a1b-2c3d-4e5f-9a6b-7c8d9e0f1a2b"}
			},
			status: 403, code: "permission_denied", message: orgDenied},
		"ListTermsOfServiceVersions of theirs": {op: "ListTermsOfServiceVersions", body: theirOrg, status: 403, code: "permission_denied", message: orgDenied},
		"ListTermsOfServiceAcceptances of theirs": {op: "ListTermsOfServiceAcceptances",
			body:   func(_, them tenant) map[string]any { return map[string]any{"organizationId": them.org, "version": 1} },
			status: 403, code: "permission_denied", message: orgDenied},
		"GetTermsOfServiceAcceptancesExport of theirs": {op: "GetTermsOfServiceAcceptancesExport",
			body:   func(_, them tenant) map[string]any { return map[string]any{"organizationId": them.org, "version": 1} },
			status: 403, code: "permission_denied", message: orgDenied},
	}
	// Every operation of the contract is in the matrix: a new one fails here until its rows
	// are written. Three are no one else's business by design, each checked elsewhere:
	// ListSCIMConfigurations takes no id or organization (the token decides; checked below),
	// CreateOrganization makes a new organization, and an invite's summary is for anyone
	// holding the invite (TestRoleMatrix).
	inMatrix := map[string]bool{"ListSCIMConfigurations": true, "CreateOrganization": true, "GetOrganizationInviteSummary": true}
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

// TestRoleMatrix calls every operation with a plain member's token on its own organization:
// what takes an admin is refused (403 naming the organization, nothing changes); what any
// member may do succeeds.
func TestRoleMatrix(t *testing.T) {
	type cell struct {
		body    func(me tenant) map[string]any
		status  int
		field   string // names the organization in the refusal ("" for a success)
		message string // a refusal's message when it is not the usual one
	}
	org := func(me tenant) map[string]any { return map[string]any{"organizationId": me.org} }
	const allowed = -1 // status: anything but permission_denied (the call meets other rules)
	scim := func(me tenant) map[string]any { return map[string]any{"scimConfigurationId": me.scim} }
	sso := func(me tenant) map[string]any { return map[string]any{"ssoConfigurationId": me.sso} }
	domain := func(me tenant) map[string]any { return map[string]any{"domainVerificationId": me.domain} }
	adminOnly := func(body func(tenant) map[string]any, field string) cell {
		return cell{body: body, status: 403, field: field}
	}
	matrix := map[string]cell{
		"UpdateOrganization": adminOnly(func(me tenant) map[string]any {
			return map[string]any{"organizationId": me.org, "name": "renamed"}
		}, "organizationId"),
		"DeleteOrganization": adminOnly(org, "organizationId"),
		"SetRole": adminOnly(func(me tenant) map[string]any {
			return map[string]any{"organizationId": me.org, "userId": me.member, "role": "ORGANIZATION_ROLE_ADMIN"}
		}, "organizationId"),
		"LeaveOrganization":        adminOnly(func(me tenant) map[string]any { return map[string]any{"userId": me.admin} }, "userId"),
		"CreateOrganizationInvite": adminOnly(org, "organizationId"),
		"GetOrganizationInvite":    adminOnly(org, "organizationId"),
		"CreateDomainVerification": adminOnly(func(me tenant) map[string]any {
			return map[string]any{"organizationId": me.org, "domain": "new.example"}
		}, "organizationId"),
		"ListDomainVerifications":  adminOnly(org, "organizationId"),
		"GetDomainVerification":    adminOnly(domain, "domainVerificationId"),
		"VerifyDomain":             adminOnly(domain, "domainVerificationId"),
		"DeleteDomainVerification": adminOnly(domain, "domainVerificationId"),
		"CreateSSOConfiguration": adminOnly(func(me tenant) map[string]any {
			return map[string]any{"organizationId": me.org, "clientId": "x", "clientSecret": "y", "issuerUrl": "https://idp.example"}
		}, "organizationId"),
		"ListSSOConfigurations": adminOnly(org, "organizationId"),
		"GetSSOConfiguration":   adminOnly(sso, "ssoConfigurationId"),
		"UpdateSSOConfiguration": adminOnly(func(me tenant) map[string]any {
			return map[string]any{"ssoConfigurationId": me.sso, "state": "SSO_CONFIGURATION_STATE_INACTIVE"}
		}, "ssoConfigurationId"),
		"DeleteSSOConfiguration": adminOnly(sso, "ssoConfigurationId"),
		"CreateSCIMConfiguration": adminOnly(func(me tenant) map[string]any {
			return map[string]any{"organizationId": me.org, "ssoConfigurationId": me.sso}
		}, "organizationId"),
		"GetSCIMConfiguration": adminOnly(scim, "scimConfigurationId"),
		"UpdateSCIMConfiguration": adminOnly(func(me tenant) map[string]any {
			return map[string]any{"scimConfigurationId": me.scim, "enabled": false}
		}, "scimConfigurationId"),
		"DeleteSCIMConfiguration": adminOnly(scim, "scimConfigurationId"),
		"RegenerateSCIMToken":     adminOnly(scim, "scimConfigurationId"),
		"ListSCIMConfigurations":  {body: func(tenant) map[string]any { return map[string]any{} }, status: 403},
		// What any member may do.
		"GetOrganization":              {body: org, status: 200},
		"ListMembers":                  {body: org, status: 200},
		"GetOrganizationInviteSummary": {body: func(me tenant) map[string]any { return map[string]any{"inviteId": me.invite} }, status: 200},
		"JoinOrganization":             {body: org, status: 200}, // a member already: the membership as it is
		"GetAnnouncementBanner":        {body: org, status: 200},
		"GetCustomDomain":              {body: org, status: allowed}, // acme's: 200; globex has none: 404
		"GetOIDCConfig":                adminOnly(org, "organizationId"),
		"UpdateOIDCConfig": adminOnly(func(me tenant) map[string]any {
			return map[string]any{"organizationId": me.org, "oidcConfig": map[string]any{"v2": map[string]any{}}}
		}, "organizationId"),
		"UpdateAnnouncementBanner": adminOnly(func(me tenant) map[string]any {
			return map[string]any{"organizationId": me.org, "enabled": false}
		}, "organizationId"),
		"SetStripeCustomerID": adminOnly(func(me tenant) map[string]any {
			return map[string]any{"organizationId": me.org, "stripeCustomerId": "cus_mine"}
		}, "organizationId"),
		"CreateCustomDomain": adminOnly(func(me tenant) map[string]any {
			return map[string]any{"organizationId": me.org, "domainName": "mine.example", "awsAccountId": "123456789012"}
		}, "organizationId"),
		"UpdateCustomDomain": adminOnly(func(me tenant) map[string]any {
			return map[string]any{"organizationId": me.org, "domainName": "mine.example"}
		}, "organizationId"),
		"DeleteCustomDomain":      adminOnly(org, "organizationId"),
		"GetTermsOfService":       {body: org, status: 200},
		"GetOrganizationPolicies": {body: org, status: 200},
		"UpdateOrganizationPolicies": adminOnly(func(me tenant) map[string]any {
			return map[string]any{"organizationId": me.org, "allowLocalRunners": false}
		}, "organizationId"),
		"ListTermsOfServiceVersions": {body: org, status: 200},
		"AcceptTermsOfService": {body: func(me tenant) map[string]any {
			return map[string]any{"organizationId": me.org, "versionId": "8e9f0a1b-2c3d-4e5f-9a6b-7c8d9e0f1a2b"}
		}, status: allowed}, // acme's version: 200; globex has none: 404
		"UpdateTermsOfService": adminOnly(func(me tenant) map[string]any {
			return map[string]any{"organizationId": me.org, "markdown": "# Mine"}
		}, "organizationId"),
		"ListTermsOfServiceAcceptances": adminOnly(func(me tenant) map[string]any {
			return map[string]any{"organizationId": me.org, "version": 1}
		}, "organizationId"),
		"GetTermsOfServiceAcceptancesExport": adminOnly(func(me tenant) map[string]any {
			return map[string]any{"organizationId": me.org, "version": 1}
		}, "organizationId"),
		"CreateOrganization": {body: func(tenant) map[string]any { return map[string]any{"name": "Side project", "joinOrganization": true} }, status: 200},
	}
	sp := mocktest.Start(t).Spec()
	for _, op := range sp.OperationIDs() {
		if _, ok := matrix[op]; !ok {
			t.Errorf("%s has no row in the role matrix", op)
		}
	}
	for _, me := range []tenant{acmeTenant, globexTenant} {
		for op, c := range matrix {
			t.Run(me.name+" member/"+op, func(t *testing.T) {
				srv := mocktest.Start(t)
				before := srv.Store().Snapshot()
				res := srv.Post(t, op, me.memberToken, c.body(me))
				if c.status == allowed {
					if res.Status == 403 {
						t.Fatalf("got %d %s, want the role check passed", res.Status, res.Body)
					}
					return
				}
				if c.status == 200 {
					if res.Status != 200 {
						t.Fatalf("got %d %s, want 200", res.Status, res.Body)
					}
					return
				}
				want := c.field + ": only an admin of organization " + me.org + " may do this, and the caller is a member"
				if c.field == "" {
					want = "only an admin of organization " + me.org + " (the caller's) may list its SCIM configurations, and the caller is a member"
				}
				b := res.JSON(t)
				if res.Status != c.status || b["code"] != "permission_denied" || b["message"] != want {
					t.Errorf("got %d %v,\nwant %d permission_denied %q", res.Status, b, c.status, want)
				}
				if after := srv.Store().Snapshot(); !reflect.DeepEqual(before, after) {
					t.Errorf("state changed by a refused call of a plain member")
				}
			})
		}
	}
	// The same calls by the admin pass the role check: each answers something other than
	// permission_denied (most succeed; a few meet another rule, which is not a role's).
	for _, me := range []tenant{acmeTenant, globexTenant} {
		for op, c := range matrix {
			t.Run(me.name+" admin/"+op, func(t *testing.T) {
				res := mocktest.Start(t).Post(t, op, me.token, c.body(me))
				if res.Status == 403 {
					t.Errorf("the admin got %d %s", res.Status, res.Body)
				}
			})
		}
	}
}
