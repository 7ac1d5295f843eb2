package orgmock_test

import (
	"testing"

	"github.com/gitpod-mock/orgmock/mocktest"
)

// The contract cases of organizations, members, invites and domain verifications, and the
// member-role refusals of the SCIM and SSO operations: each declared status of each
// operation, with its exact code and message. TestContract runs them with the others.

const (
	acmeMember   = mocktest.AcmeMemberToken
	globexMember = mocktest.GlobexMemberToken
)

// notAdmin is the refusal of an operation for admins to a plain member of org.
func notAdmin(field, org string) string {
	return field + ": only an admin of organization " + org + " may do this, and the caller is a member"
}

func notMemberOf(org string) string {
	return "organizationId: the caller is not a member of organization " + org
}

func identityCases() map[string][]contractCase {
	var (
		createOrg    = op("CreateOrganization")
		joinOrg      = op("JoinOrganization")
		getOrg       = op("GetOrganization")
		updateOrg    = op("UpdateOrganization")
		deleteOrg    = op("DeleteOrganization")
		listMembers  = op("ListMembers")
		setRole      = op("SetRole")
		leave        = op("LeaveOrganization")
		createInvite = op("CreateOrganizationInvite")
		getInvite    = op("GetOrganizationInvite")
		summary      = op("GetOrganizationInviteSummary")
		createDomain = op("CreateDomainVerification")
		getDomain    = op("GetDomainVerification")
		listDomains  = op("ListDomainVerifications")
		verify       = op("VerifyDomain")
		deleteDomain = op("DeleteDomainVerification")
	)
	acmeOrg := map[string]any{"organizationId": mocktest.AcmeOrgID}
	domainID := map[string]any{"domainVerificationId": mocktest.AcmeDomainID}
	pendingID := map[string]any{"domainVerificationId": mocktest.AcmePendingDomainID}
	promote := map[string]any{"organizationId": mocktest.AcmeOrgID, "userId": mocktest.AcmeMemberUserID, "role": "ORGANIZATION_ROLE_ADMIN"}
	newOrg := map[string]any{"name": "Acme Corp Engineering", "joinOrganization": true}
	emptyBody := func(t *testing.T, b map[string]any) {
		if len(b) != 0 {
			t.Errorf("body: want {}, got %v", b)
		}
	}

	return map[string][]contractCase{
		"CreateOrganization": append([]contractCase{
			{name: "200 the caller becomes its admin", req: createOrg(acme, newOrg), status: 200,
				check: func(t *testing.T, b map[string]any) {
					o := b["organization"].(map[string]any)
					expect(t, "name", o["name"], "Acme Corp Engineering")
					expect(t, "tier", o["tier"], "ORGANIZATION_TIER_FREE")
					expect(t, "updatedAt", o["updatedAt"], o["createdAt"])
					m := b["member"].(map[string]any)
					expect(t, "member.userId", m["userId"], mocktest.AcmeAdminUserID)
					expect(t, "member.role", m["role"], "ORGANIZATION_ROLE_ADMIN")
					expect(t, "member.status", m["status"], "USER_STATUS_ACTIVE")
					expect(t, "member.memberSince", m["memberSince"], o["createdAt"])
				}},
			{name: "200 invites by the caller's email domain", req: createOrg(acme, with(newOrg, "inviteAccountsWithMatchingDomain", true)), status: 200,
				check: func(t *testing.T, b map[string]any) {
					expect(t, "inviteDomains", b["organization"].(map[string]any)["inviteDomains"], map[string]any{"domains": []any{"acme-corp.com"}})
				}},
			{name: "200 without joining: no member", req: createOrg(acme, map[string]any{"name": "Hands off"}), status: 200,
				check: func(t *testing.T, b map[string]any) {
					if _, ok := b["member"]; ok {
						t.Errorf("member: want none, got %v", b["member"])
					}
				}},
			{name: "400 name under 3 characters", req: createOrg(acme, map[string]any{"name": "AC"}),
				status: 400, code: "invalid_argument", message: "name: must be at least 3 characters long"},
			{name: "400 name missing", req: createOrg(acme, map[string]any{"joinOrganization": true}),
				status: 400, code: "invalid_argument", message: "name: is required"},
		}, commonErrors(createOrg(acme, newOrg))...),

		"JoinOrganization": append([]contractCase{
			{name: "200 by invite", req: joinOrg(globex, map[string]any{"inviteId": mocktest.AcmeInviteID}), status: 200,
				check: func(t *testing.T, b map[string]any) {
					m := b["member"].(map[string]any)
					expect(t, "userId", m["userId"], mocktest.GlobexAdminUserID)
					expect(t, "role", m["role"], "ORGANIZATION_ROLE_MEMBER")
					expect(t, "fullName", m["fullName"], "Gina Admin")
				}},
			{name: "200 a member already: the membership as it is", req: joinOrg(acmeMember, acmeOrg), status: 200,
				check: func(t *testing.T, b map[string]any) {
					expect(t, "memberSince", b["member"].(map[string]any)["memberSince"], "2026-01-15T09:30:00Z")
				}},
			{name: "400 both ids (a oneof)", req: joinOrg(globex, map[string]any{"inviteId": mocktest.AcmeInviteID, "organizationId": mocktest.AcmeOrgID}),
				status: 400, code: "invalid_argument", message: "organizationId, inviteId: set at most one of them (they are alternatives)"},
			{name: "400 neither id", req: joinOrg(globex, map[string]any{}),
				status: 400, code: "invalid_argument", message: "inviteId, organizationId: set one of them"},
			{name: "403 email domain not invited", req: joinOrg(globex, acmeOrg), status: 403, code: "permission_denied",
				message: `organizationId: the caller's email domain "globex.example" is not one of the invite domains of organization ` + mocktest.AcmeOrgID + ": join by invite"},
			{name: "404 unknown invite", req: joinOrg(globex, map[string]any{"inviteId": unknownID}), status: 404, code: "not_found",
				message: "inviteId: invite " + unknownID + " not found (a new invite replaces the previous one)"},
		}, commonErrors(joinOrg(globex, map[string]any{"inviteId": mocktest.AcmeInviteID}))...),

		"GetOrganization": append([]contractCase{
			{name: "200 for a plain member", req: getOrg(acmeMember, acmeOrg), status: 200,
				check: func(t *testing.T, b map[string]any) {
					o := b["organization"].(map[string]any)
					expect(t, "name", o["name"], "Acme Corp")
					expect(t, "tier", o["tier"], "ORGANIZATION_TIER_ENTERPRISE")
					expect(t, "createdAt", o["createdAt"], "2026-01-01T00:00:00Z")
				}},
			{name: "400 id not a UUID", req: getOrg(acme, map[string]any{"organizationId": "acme"}),
				status: 400, code: "invalid_argument", message: "organizationId: must be a UUID"},
			{name: "403 another organization", req: getOrg(globex, acmeOrg),
				status: 403, code: "permission_denied", message: notMemberOf(mocktest.AcmeOrgID)},
		}, commonErrors(getOrg(acme, acmeOrg))...),

		"UpdateOrganization": append([]contractCase{
			{name: "200 documented example", req: updateOrg(acme, map[string]any{"organizationId": mocktest.AcmeOrgID, "name": "New Company Name",
				"inviteDomains": map[string]any{"domains": []string{"company.com", "subsidiary.com"}}}), status: 200,
				check: func(t *testing.T, b map[string]any) {
					o := b["organization"].(map[string]any)
					expect(t, "name", o["name"], "New Company Name")
					expect(t, "inviteDomains", o["inviteDomains"], map[string]any{"domains": []any{"company.com", "subsidiary.com"}})
					if !later(t, o["updatedAt"], o["createdAt"]) {
						t.Errorf("updatedAt did not advance")
					}
				}},
			{name: "200 empty domains clear them", req: updateOrg(acme, map[string]any{"organizationId": mocktest.AcmeOrgID,
				"inviteDomains": map[string]any{"domains": []string{}}}), status: 200,
				check: func(t *testing.T, b map[string]any) {
					o := b["organization"].(map[string]any)
					if _, ok := o["inviteDomains"]; ok {
						t.Errorf("inviteDomains: want none, got %v", o["inviteDomains"])
					}
					expect(t, "name unchanged", o["name"], "Acme Corp")
				}},
			{name: "400 name under 3 characters", req: updateOrg(acme, map[string]any{"organizationId": mocktest.AcmeOrgID, "name": "ab"}),
				status: 400, code: "invalid_argument", message: "name: must be at least 3 characters long"},
			{name: "400 invite domain not a domain", req: updateOrg(acme, map[string]any{"organizationId": mocktest.AcmeOrgID,
				"inviteDomains": map[string]any{"domains": []string{"not a domain"}}}),
				status: 400, code: "invalid_argument", message: `inviteDomains.domains.0: must match the pattern ^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,}$`},
			{name: "403 a plain member", req: updateOrg(acmeMember, map[string]any{"organizationId": mocktest.AcmeOrgID, "name": "Mine now"}),
				status: 403, code: "permission_denied", message: notAdmin("organizationId", mocktest.AcmeOrgID)},
		}, commonErrors(updateOrg(acme, acmeOrg))...),

		"DeleteOrganization": append([]contractCase{
			{name: "200 returns {}", req: deleteOrg(acme, acmeOrg), status: 200, check: emptyBody},
			{name: "400 missing id", req: deleteOrg(acme, map[string]any{}),
				status: 400, code: "invalid_argument", message: "organizationId: is required"},
			{name: "403 a plain member", req: deleteOrg(acmeMember, acmeOrg),
				status: 403, code: "permission_denied", message: notAdmin("organizationId", mocktest.AcmeOrgID)},
		}, commonErrors(deleteOrg(acme, acmeOrg))...),

		"ListMembers": append([]contractCase{
			{name: "200 the caller first, counted", req: listMembers(acmeMember, with(acmeOrg, "count", map[string]any{"include": true})), status: 200,
				check: func(t *testing.T, b map[string]any) {
					members := b["members"].([]any)
					if len(members) != 2 || members[0].(map[string]any)["userId"] != mocktest.AcmeMemberUserID {
						t.Errorf("members: want the caller first of 2, got %v", members)
					}
					expect(t, "count", b["count"], map[string]any{"value": float64(2), "relation": "COUNT_RESPONSE_RELATION_EQ"})
				}},
			{name: "200 filtered by role, none match: members is []", req: listMembers(acme, with(acmeOrg, "filter",
				map[string]any{"roles": []string{"ORGANIZATION_ROLE_ADMIN"}, "search": "mia"})), status: 200,
				check: func(t *testing.T, b map[string]any) {
					if m, ok := b["members"].([]any); !ok || len(m) != 0 {
						t.Errorf("members: want [], got %v", b["members"])
					}
				}},
			{name: "400 more than 25 userIds", req: listMembers(acme, with(acmeOrg, "filter", map[string]any{"userIds": make26IDs()})),
				status: 400, code: "invalid_argument", message: "filter.userIds: must have at most 25 items"},
			{name: "400 unknown sort field", req: listMembers(acme, with(acmeOrg, "sort", map[string]any{"field": "SORT_FIELD_EMAIL"})),
				status: 400, code: "invalid_argument", message: "sort.field: must be one of SORT_FIELD_UNSPECIFIED, SORT_FIELD_NAME, SORT_FIELD_DATE_JOINED"},
			{name: "403 another organization", req: listMembers(globex, acmeOrg),
				status: 403, code: "permission_denied", message: notMemberOf(mocktest.AcmeOrgID)},
		}, commonErrors(listMembers(acme, acmeOrg))...),

		"SetRole": append([]contractCase{
			{name: "200 promote returns {}", req: setRole(acme, promote), status: 200, check: emptyBody},
			{name: "400 no role", req: setRole(acme, map[string]any{"organizationId": mocktest.AcmeOrgID, "userId": mocktest.AcmeMemberUserID}),
				status: 400, code: "invalid_argument", message: "role: must be ORGANIZATION_ROLE_ADMIN or ORGANIZATION_ROLE_MEMBER"},
			{name: "400 demote the last admin", req: setRole(acme, map[string]any{"organizationId": mocktest.AcmeOrgID,
				"userId": mocktest.AcmeAdminUserID, "role": "ORGANIZATION_ROLE_MEMBER"}), status: 400, code: "failed_precondition",
				message: "role: user " + mocktest.AcmeAdminUserID + " is the last admin of organization " + mocktest.AcmeOrgID + "; make another member an admin first"},
			{name: "403 a plain member", req: setRole(acmeMember, promote),
				status: 403, code: "permission_denied", message: notAdmin("organizationId", mocktest.AcmeOrgID)},
			{name: "404 not a member", req: setRole(acme, with(promote, "userId", mocktest.GlobexAdminUserID)), status: 404, code: "not_found",
				message: "userId: user " + mocktest.GlobexAdminUserID + " is not a member of organization " + mocktest.AcmeOrgID},
		}, commonErrors(setRole(acme, promote))...),

		"LeaveOrganization": append([]contractCase{
			{name: "200 a member leaves", req: leave(acmeMember, map[string]any{"userId": mocktest.AcmeMemberUserID}), status: 200, check: emptyBody},
			{name: "200 documented example: the admin removes a member", req: leave(acme, map[string]any{"userId": mocktest.AcmeMemberUserID}), status: 200},
			{name: "400 the last admin", req: leave(acme, map[string]any{"userId": mocktest.AcmeAdminUserID}), status: 400, code: "failed_precondition",
				message: "userId: user " + mocktest.AcmeAdminUserID + " is the last admin of organization " + mocktest.AcmeOrgID + "; make another member an admin first"},
			{name: "403 a member removes someone else", req: leave(acmeMember, map[string]any{"userId": mocktest.AcmeAdminUserID}),
				status: 403, code: "permission_denied", message: notAdmin("userId", mocktest.AcmeOrgID)},
			{name: "404 not a member", req: leave(acme, map[string]any{"userId": unknownID}), status: 404, code: "not_found",
				message: "userId: user " + unknownID + " is not a member of organization " + mocktest.AcmeOrgID},
		}, commonErrors(leave(acme, map[string]any{"userId": mocktest.AcmeMemberUserID}))...),

		"CreateOrganizationInvite": append([]contractCase{
			{name: "200 a new invite", req: createInvite(acme, acmeOrg), status: 200, check: func(t *testing.T, b map[string]any) {
				if id := b["invite"].(map[string]any)["inviteId"]; id == mocktest.AcmeInviteID {
					t.Errorf("inviteId: the fixture's, want a new one")
				}
			}},
			{name: "400 id not a UUID", req: createInvite(acme, map[string]any{"organizationId": 7}),
				status: 400, code: "invalid_argument", message: "organizationId: must be a string"},
			{name: "403 a plain member", req: createInvite(acmeMember, acmeOrg),
				status: 403, code: "permission_denied", message: notAdmin("organizationId", mocktest.AcmeOrgID)},
		}, commonErrors(createInvite(acme, acmeOrg))...),

		"GetOrganizationInvite": append([]contractCase{
			// First: the success case that changes state (the 503 case repeats it).
			{name: "200 made when there is none", req: getInvite(acme, map[string]any{"organizationId": mocktest.AcmeLabsOrgID}), status: 200},
			{name: "200 the current invite", req: getInvite(acme, acmeOrg), status: 200, check: func(t *testing.T, b map[string]any) {
				expect(t, "inviteId", b["invite"].(map[string]any)["inviteId"], mocktest.AcmeInviteID)
			}},
			{name: "400 unknown field", req: getInvite(acme, with(acmeOrg, "inviteId", mocktest.AcmeInviteID)),
				status: 400, code: "invalid_argument", message: `unknown field "inviteId"`},
			{name: "403 a plain member", req: getInvite(acmeMember, acmeOrg),
				status: 403, code: "permission_denied", message: notAdmin("organizationId", mocktest.AcmeOrgID)},
		}, commonErrors(getInvite(acme, acmeOrg))...),

		"GetOrganizationInviteSummary": append([]contractCase{
			{name: "200 for anyone holding the invite", req: summary(globex, map[string]any{"inviteId": mocktest.AcmeInviteID}), status: 200,
				check: func(t *testing.T, b map[string]any) {
					expect(t, "summary", b, map[string]any{"organizationId": mocktest.AcmeOrgID, "organizationName": "Acme Corp", "organizationMemberCount": float64(2)})
				}},
			{name: "400 missing inviteId", req: summary(globex, map[string]any{}),
				status: 400, code: "invalid_argument", message: "inviteId: is required"},
			{name: "404 unknown invite", req: summary(globex, map[string]any{"inviteId": unknownID}), status: 404, code: "not_found",
				message: "inviteId: invite " + unknownID + " not found (a new invite replaces the previous one)"},
		}, commonErrors(summary(acme, map[string]any{"inviteId": mocktest.AcmeInviteID}))...),

		"CreateDomainVerification": append([]contractCase{
			{name: "200 pending, with the record to publish", req: createDomain(acme, with(acmeOrg, "domain", "Acme-Corp.com")), status: 200,
				check: func(t *testing.T, b map[string]any) {
					d := b["domainVerification"].(map[string]any)
					expect(t, "domain", d["domain"], "acme-corp.com")
					expect(t, "state", d["state"], "DOMAIN_VERIFICATION_STATE_PENDING")
					if tok, _ := d["verificationToken"].(string); len(tok) < 40 {
						t.Errorf("verificationToken %q: want a long random value", tok)
					}
					if _, ok := d["verifiedAt"]; ok {
						t.Errorf("verifiedAt on a pending domain")
					}
				}},
			{name: "400 not a domain name", req: createDomain(acme, with(acmeOrg, "domain", "acme_corp")),
				status: 400, code: "invalid_argument", message: `domain: must be a domain name such as example.com, got "acme_corp"`},
			{name: "400 domain under 4 characters", req: createDomain(acme, with(acmeOrg, "domain", "a.b")),
				status: 400, code: "invalid_argument", message: "domain: must be at least 4 characters long"},
			{name: "403 a plain member", req: createDomain(acmeMember, with(acmeOrg, "domain", "acme-corp.com")),
				status: 403, code: "permission_denied", message: notAdmin("organizationId", mocktest.AcmeOrgID)},
			{name: "409 verifying it already", req: createDomain(acme, with(acmeOrg, "domain", "acme.example")), status: 409, code: "already_exists",
				message: "domain: organization " + mocktest.AcmeOrgID + " is verifying acme.example already (domain verification " + mocktest.AcmeDomainID + ")"},
		}, commonErrors(createDomain(acme, with(acmeOrg, "domain", "acme-corp.com")))...),

		"GetDomainVerification": append([]contractCase{
			{name: "200 verified fixture", req: getDomain(acme, domainID), status: 200, check: func(t *testing.T, b map[string]any) {
				d := b["domainVerification"].(map[string]any)
				expect(t, "state", d["state"], "DOMAIN_VERIFICATION_STATE_VERIFIED")
				expect(t, "verifiedAt", d["verifiedAt"], "2026-01-02T10:05:00Z")
			}},
			{name: "400 id not a UUID", req: getDomain(acme, map[string]any{"domainVerificationId": "acme.example"}),
				status: 400, code: "invalid_argument", message: "domainVerificationId: must be a UUID"},
			{name: "403 a plain member", req: getDomain(acmeMember, domainID),
				status: 403, code: "permission_denied", message: notAdmin("domainVerificationId", mocktest.AcmeOrgID)},
			{name: "404 another organization's", req: getDomain(globex, domainID), status: 404, code: "not_found",
				message: "domainVerificationId: domain verification " + mocktest.AcmeDomainID + " not found"},
		}, commonErrors(getDomain(acme, domainID))...),

		"ListDomainVerifications": append([]contractCase{
			{name: "200 by creation", req: listDomains(acme, acmeOrg), status: 200, check: func(t *testing.T, b map[string]any) {
				items := b["domainVerifications"].([]any)
				if len(items) != 2 || items[0].(map[string]any)["id"] != mocktest.AcmeDomainID || items[1].(map[string]any)["id"] != mocktest.AcmePendingDomainID {
					t.Errorf("domainVerifications: want the verified then the pending fixture, got %v", items)
				}
			}},
			{name: "400 page token not ours", req: withQuery(listDomains(acme, acmeOrg), "token=token"),
				status: 400, code: "invalid_argument", message: "token: not a page token issued by this server for ListDomainVerifications"},
			{name: "403 a plain member", req: listDomains(acmeMember, acmeOrg),
				status: 403, code: "permission_denied", message: notAdmin("organizationId", mocktest.AcmeOrgID)},
		}, commonErrors(listDomains(acme, acmeOrg))...),

		"VerifyDomain": append([]contractCase{
			{name: "200 once the TXT record is published", req: verify(acme, pendingID), status: 200,
				before: func(t *testing.T, srv *mocktest.Server) {
					srv.Control().PublishTXT(t, "_gitpod-verification.acme-labs.example", "gitpod-domain-verification=acme-labs-4r7t1w6y")
				},
				check: func(t *testing.T, b map[string]any) {
					d := b["domainVerification"].(map[string]any)
					expect(t, "state", d["state"], "DOMAIN_VERIFICATION_STATE_VERIFIED")
					if !later(t, d["verifiedAt"], d["createdAt"]) {
						t.Errorf("verifiedAt %v: want now", d["verifiedAt"])
					}
				}},
			{name: "400 another value at the name does not verify", req: verify(acme, pendingID), status: 400, code: "failed_precondition",
				before: func(t *testing.T, srv *mocktest.Server) {
					srv.Control().PublishTXT(t, "_gitpod-verification.acme-labs.example", "gitpod-domain-verification=someone-else")
				},
				message: `domainVerificationId: no TXT record "gitpod-domain-verification=acme-labs-4r7t1w6y" at _gitpod-verification.acme-labs.example: publish it, then verify again`},
			{name: "200 verified stays verified", req: verify(acme, domainID), status: 200, check: func(t *testing.T, b map[string]any) {
				expect(t, "verifiedAt", b["domainVerification"].(map[string]any)["verifiedAt"], "2026-01-02T10:05:00Z")
			}},
			{name: "400 no TXT record published", req: verify(acme, pendingID), status: 400, code: "failed_precondition",
				message: `domainVerificationId: no TXT record "gitpod-domain-verification=acme-labs-4r7t1w6y" at _gitpod-verification.acme-labs.example: publish it, then verify again`},
			{name: "403 a plain member", req: verify(acmeMember, pendingID),
				status: 403, code: "permission_denied", message: notAdmin("domainVerificationId", mocktest.AcmeOrgID)},
			{name: "404 unknown id", req: verify(acme, map[string]any{"domainVerificationId": unknownID}), status: 404, code: "not_found",
				message: "domainVerificationId: domain verification " + unknownID + " not found"},
		}, commonErrors(verify(acme, domainID))...),

		"DeleteDomainVerification": append([]contractCase{
			{name: "200 returns {}", req: deleteDomain(acme, domainID), status: 200, check: emptyBody},
			{name: "400 missing id", req: deleteDomain(acme, map[string]any{}),
				status: 400, code: "invalid_argument", message: "domainVerificationId: is required"},
			{name: "403 a plain member", req: deleteDomain(acmeMember, domainID),
				status: 403, code: "permission_denied", message: notAdmin("domainVerificationId", mocktest.AcmeOrgID)},
			{name: "404 another organization's", req: deleteDomain(globex, domainID), status: 404, code: "not_found",
				message: "domainVerificationId: domain verification " + mocktest.AcmeDomainID + " not found"},
		}, commonErrors(deleteDomain(acme, domainID))...),
	}
}

// memberRefusals are the 403s a plain member gets from the SCIM and SSO operations.
func memberRefusals() map[string][]contractCase {
	scim := map[string]any{"scimConfigurationId": mocktest.AcmeSCIMID}
	sso := map[string]any{"ssoConfigurationId": mocktest.AcmeSSOID}
	refused := func(opName, field string, body map[string]any) contractCase {
		return contractCase{name: "403 a plain member", req: op(opName)(acmeMember, body),
			status: 403, code: "permission_denied", message: notAdmin(field, mocktest.AcmeOrgID)}
	}
	return map[string][]contractCase{
		"GetSCIMConfiguration":    {refused("GetSCIMConfiguration", "scimConfigurationId", scim)},
		"UpdateSCIMConfiguration": {refused("UpdateSCIMConfiguration", "scimConfigurationId", with(scim, "enabled", false))},
		"DeleteSCIMConfiguration": {refused("DeleteSCIMConfiguration", "scimConfigurationId", scim)},
		"RegenerateSCIMToken":     {refused("RegenerateSCIMToken", "scimConfigurationId", scim)},
		"ListSCIMConfigurations": {{name: "403 a plain member", req: op("ListSCIMConfigurations")(acmeMember, map[string]any{}),
			status: 403, code: "permission_denied",
			message: "only an admin of organization " + mocktest.AcmeOrgID + " (the caller's) may list its SCIM configurations, and the caller is a member"}},
		"GetSSOConfiguration":    {refused("GetSSOConfiguration", "ssoConfigurationId", sso)},
		"UpdateSSOConfiguration": {refused("UpdateSSOConfiguration", "ssoConfigurationId", with(sso, "displayName", "mine"))},
		"DeleteSSOConfiguration": {refused("DeleteSSOConfiguration", "ssoConfigurationId", sso)},
	}
}

// make26IDs is one UUID more than ListMembers' filter takes.
func make26IDs() []string {
	ids := make([]string, 26)
	for i := range ids {
		ids[i] = unknownID
	}
	return ids
}
