package orgmock_test

import (
	"testing"

	"github.com/gitpod-mock/orgmock/mocktest"
)

// The contract cases of an organization's settings of one record each: the OIDC token
// configuration, the announcement banner, the Stripe customer id and the custom domain.
// TestContract runs them with the others.

func settingsCases() map[string][]contractCase {
	var (
		getOIDC      = op("GetOIDCConfig")
		updateOIDC   = op("UpdateOIDCConfig")
		getBanner    = op("GetAnnouncementBanner")
		updateBanner = op("UpdateAnnouncementBanner")
		setStripe    = op("SetStripeCustomerID")
		createDomain = op("CreateCustomDomain")
		getDomain    = op("GetCustomDomain")
		updateDomain = op("UpdateCustomDomain")
		deleteDomain = op("DeleteCustomDomain")
	)
	acmeOrg := map[string]any{"organizationId": mocktest.AcmeOrgID}
	labsOrg := map[string]any{"organizationId": mocktest.AcmeLabsOrgID}
	v3 := with(acmeOrg, "oidcConfig", map[string]any{"v3": map[string]any{"extraSubFields": []string{"email", "groups"}}})
	awsDomain := map[string]any{"organizationId": mocktest.AcmeLabsOrgID, "domainName": "workspaces.acme-labs.example",
		"provider": "CUSTOM_DOMAIN_PROVIDER_AWS", "awsAccountId": "123456789012"}
	renamed := with(acmeOrg, "domainName", "dev.acme-corp.com")
	noCustomDomain := "organizationId: organization " + mocktest.AcmeLabsOrgID + " has no custom domain"
	emptyBody := func(t *testing.T, b map[string]any) {
		if len(b) != 0 {
			t.Errorf("body: want {}, got %v", b)
		}
	}

	return map[string][]contractCase{
		"GetOIDCConfig": append([]contractCase{
			{name: "200 the fixture's v3", req: getOIDC(acme, acmeOrg), status: 200, check: func(t *testing.T, b map[string]any) {
				expect(t, "oidcConfig", b["oidcConfig"], map[string]any{"v3": map[string]any{"extraSubFields": []any{"email"}}})
			}},
			{name: "200 never set: v2", req: getOIDC(acme, labsOrg), status: 200, check: func(t *testing.T, b map[string]any) {
				expect(t, "oidcConfig", b["oidcConfig"], map[string]any{"v2": map[string]any{}})
			}},
			{name: "400 id not a UUID", req: getOIDC(acme, map[string]any{"organizationId": "acme"}),
				status: 400, code: "invalid_argument", message: "organizationId: must be a UUID"},
			{name: "403 a plain member", req: getOIDC(acmeMember, acmeOrg),
				status: 403, code: "permission_denied", message: notAdmin("organizationId", mocktest.AcmeOrgID)},
		}, commonErrors(getOIDC(acme, acmeOrg))...),

		"UpdateOIDCConfig": append([]contractCase{
			{name: "200 v3 with extra sub fields", req: updateOIDC(acme, v3), status: 200, check: func(t *testing.T, b map[string]any) {
				expect(t, "oidcConfig", b["oidcConfig"], map[string]any{"v3": map[string]any{"extraSubFields": []any{"email", "groups"}}})
			}},
			{name: "200 back to v2", req: updateOIDC(acme, with(acmeOrg, "oidcConfig", map[string]any{"v2": map[string]any{}})), status: 200,
				check: func(t *testing.T, b map[string]any) {
					expect(t, "oidcConfig", b["oidcConfig"], map[string]any{"v2": map[string]any{}})
				}},
			{name: "400 no version", req: updateOIDC(acme, with(acmeOrg, "oidcConfig", map[string]any{})),
				status: 400, code: "invalid_argument", message: "oidcConfig: set v2 or v3"},
			{name: "400 both versions (a oneof)", req: updateOIDC(acme, with(acmeOrg, "oidcConfig", map[string]any{"v2": map[string]any{}, "v3": map[string]any{}})),
				status: 400, code: "invalid_argument", message: "oidcConfig.v2, oidcConfig.v3: set at most one of them (they are alternatives)"},
			{name: "400 a sub field twice", req: updateOIDC(acme, with(acmeOrg, "oidcConfig", map[string]any{"v3": map[string]any{"extraSubFields": []string{"email", "email"}}})),
				status: 400, code: "invalid_argument", message: "oidcConfig.v3.extraSubFields: must not contain duplicate items"},
			{name: "403 a plain member", req: updateOIDC(acmeMember, v3),
				status: 403, code: "permission_denied", message: notAdmin("organizationId", mocktest.AcmeOrgID)},
		}, commonErrors(updateOIDC(acme, v3))...),

		"GetAnnouncementBanner": append([]contractCase{
			{name: "200 for a plain member", req: getBanner(acmeMember, acmeOrg), status: 200, check: func(t *testing.T, b map[string]any) {
				expect(t, "banner", b["banner"], map[string]any{"organizationId": mocktest.AcmeOrgID,
					"message": "Scheduled maintenance on Saturday at 10:00 UTC", "enabled": true})
			}},
			{name: "200 never set: disabled, no message", req: getBanner(acme, labsOrg), status: 200, check: func(t *testing.T, b map[string]any) {
				expect(t, "banner", b["banner"], map[string]any{"organizationId": mocktest.AcmeLabsOrgID})
			}},
			{name: "400 missing organizationId", req: getBanner(acme, map[string]any{}),
				status: 400, code: "invalid_argument", message: "organizationId: is required"},
			{name: "403 another organization", req: getBanner(globex, acmeOrg),
				status: 403, code: "permission_denied", message: notMemberOf(mocktest.AcmeOrgID)},
		}, commonErrors(getBanner(acme, acmeOrg))...),

		"UpdateAnnouncementBanner": append([]contractCase{
			{name: "200 disable keeps the message", req: updateBanner(acme, with(acmeOrg, "enabled", false)), status: 200,
				check: func(t *testing.T, b map[string]any) {
					expect(t, "banner", b["banner"], map[string]any{"organizationId": mocktest.AcmeOrgID,
						"message": "Scheduled maintenance on Saturday at 10:00 UTC"})
				}},
			{name: "200 null leaves a field unchanged", req: updateBanner(acme, with(with(acmeOrg, "message", nil), "enabled", true)), status: 200},
			{name: "400 not on the enterprise tier", req: updateBanner(acme, with(labsOrg, "enabled", true)), status: 400, code: "failed_precondition",
				message: "organizationId: the announcement banner needs ORGANIZATION_TIER_ENTERPRISE, and organization " + mocktest.AcmeLabsOrgID + " is on ORGANIZATION_TIER_FREE"},
			{name: "400 message over 1000 characters", req: updateBanner(acme, with(acmeOrg, "message", string(make([]byte, 1001)))),
				status: 400, code: "invalid_argument", message: "message: must be at most 1000 characters long"},
			{name: "403 a plain member", req: updateBanner(acmeMember, with(acmeOrg, "enabled", false)),
				status: 403, code: "permission_denied", message: notAdmin("organizationId", mocktest.AcmeOrgID)},
		}, commonErrors(updateBanner(acme, with(acmeOrg, "enabled", false)))...),

		"SetStripeCustomerID": append([]contractCase{
			{name: "200 returns {}", req: setStripe(acme, with(acmeOrg, "stripeCustomerId", "cus_NffrFeUfNV2Hib")), status: 200, check: emptyBody},
			{name: "400 empty id", req: setStripe(acme, with(acmeOrg, "stripeCustomerId", "")),
				status: 400, code: "invalid_argument", message: "stripeCustomerId: must be at least 1 characters long"},
			{name: "400 blank id", req: setStripe(acme, with(acmeOrg, "stripeCustomerId", "  ")),
				status: 400, code: "invalid_argument", message: "stripeCustomerId: must not be blank"},
			{name: "403 a plain member", req: setStripe(acmeMember, with(acmeOrg, "stripeCustomerId", "cus_x")),
				status: 403, code: "permission_denied", message: notAdmin("organizationId", mocktest.AcmeOrgID)},
		}, commonErrors(setStripe(acme, with(acmeOrg, "stripeCustomerId", "cus_x")))...),

		"CreateCustomDomain": append([]contractCase{
			{name: "200 AWS", req: createDomain(acme, awsDomain), status: 200, check: func(t *testing.T, b map[string]any) {
				d := b["customDomain"].(map[string]any)
				expect(t, "provider", d["provider"], "CUSTOM_DOMAIN_PROVIDER_AWS")
				expect(t, "awsAccountId", d["awsAccountId"], "123456789012")
				expect(t, "cloudAccountId", d["cloudAccountId"], "123456789012")
				expect(t, "updatedAt", d["updatedAt"], d["createdAt"])
			}},
			{name: "200 GCP", req: createDomain(acme, map[string]any{"organizationId": mocktest.AcmeLabsOrgID, "domainName": "dev.acme-labs.example",
				"provider": "CUSTOM_DOMAIN_PROVIDER_GCP", "cloudAccountId": "acme-labs-prod"}), status: 200,
				check: func(t *testing.T, b map[string]any) {
					d := b["customDomain"].(map[string]any)
					if _, ok := d["awsAccountId"]; ok {
						t.Errorf("awsAccountId on a GCP domain: %v", d)
					}
				}},
			{name: "400 AWS account id not 12 digits", req: createDomain(acme, with(awsDomain, "awsAccountId", "12345")),
				status: 400, code: "invalid_argument", message: `awsAccountId: must be a 12-digit AWS account id for CUSTOM_DOMAIN_PROVIDER_AWS, got "12345"`},
			{name: "400 no provider, no account", req: createDomain(acme, map[string]any{"organizationId": mocktest.AcmeLabsOrgID, "domainName": "x.acme-labs.example"}),
				status: 400, code: "invalid_argument", message: "provider: must be CUSTOM_DOMAIN_PROVIDER_AWS or CUSTOM_DOMAIN_PROVIDER_GCP (or give awsAccountId)"},
			{name: "400 provider not an enum value", req: createDomain(acme, with(awsDomain, "provider", "AWS")),
				status: 400, code: "invalid_argument", message: "provider: must be one of CUSTOM_DOMAIN_PROVIDER_UNSPECIFIED, CUSTOM_DOMAIN_PROVIDER_AWS, CUSTOM_DOMAIN_PROVIDER_GCP"},
			{name: "403 a plain member", req: createDomain(acmeMember, with(awsDomain, "organizationId", mocktest.AcmeOrgID)),
				status: 403, code: "permission_denied", message: notAdmin("organizationId", mocktest.AcmeOrgID)},
			{name: "200 the same again: the one there", req: createDomain(acme, map[string]any{"organizationId": mocktest.AcmeOrgID,
				"domainName": "workspaces.acme-corp.com", "provider": "CUSTOM_DOMAIN_PROVIDER_AWS", "awsAccountId": "123456789012"}), status: 200,
				check: func(t *testing.T, b map[string]any) {
					expect(t, "id", b["customDomain"].(map[string]any)["id"], "5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f")
				}},
			{name: "409 another one", req: createDomain(acme, with(awsDomain, "organizationId", mocktest.AcmeOrgID)), status: 409, code: "already_exists",
				message: "organizationId: organization " + mocktest.AcmeOrgID + " has the custom domain workspaces.acme-corp.com already: update or delete it"},
		}, commonErrors(createDomain(acme, awsDomain))...),

		"GetCustomDomain": append([]contractCase{
			{name: "200 for a plain member", req: getDomain(acmeMember, acmeOrg), status: 200, check: func(t *testing.T, b map[string]any) {
				expect(t, "domainName", b["customDomain"].(map[string]any)["domainName"], "workspaces.acme-corp.com")
			}},
			{name: "400 unknown field", req: getDomain(acme, with(acmeOrg, "domainName", "x.example")),
				status: 400, code: "invalid_argument", message: `unknown field "domainName"`},
			{name: "403 another organization", req: getDomain(globex, acmeOrg),
				status: 403, code: "permission_denied", message: notMemberOf(mocktest.AcmeOrgID)},
			{name: "404 none", req: getDomain(acme, labsOrg), status: 404, code: "not_found", message: noCustomDomain},
		}, commonErrors(getDomain(acme, acmeOrg))...),

		"UpdateCustomDomain": append([]contractCase{
			{name: "200 renamed, the rest kept", req: updateDomain(acme, renamed), status: 200, check: func(t *testing.T, b map[string]any) {
				d := b["customDomain"].(map[string]any)
				expect(t, "domainName", d["domainName"], "dev.acme-corp.com")
				expect(t, "awsAccountId", d["awsAccountId"], "123456789012")
				if !later(t, d["updatedAt"], d["createdAt"]) {
					t.Errorf("updatedAt did not advance")
				}
			}},
			{name: "200 to GCP", req: updateDomain(acme, with(with(renamed, "provider", "CUSTOM_DOMAIN_PROVIDER_GCP"), "cloudAccountId", "acme-corp-prod")), status: 200,
				check: func(t *testing.T, b map[string]any) {
					d := b["customDomain"].(map[string]any)
					expect(t, "provider", d["provider"], "CUSTOM_DOMAIN_PROVIDER_GCP")
					if _, ok := d["awsAccountId"]; ok {
						t.Errorf("the AWS account stayed: %v", d)
					}
				}},
			{name: "400 to GCP without a project", req: updateDomain(acme, with(renamed, "provider", "CUSTOM_DOMAIN_PROVIDER_GCP")), status: 400, code: "invalid_argument",
				message: `cloudAccountId: must be a GCP project id (6 to 30 lower-case letters, digits or '-') for CUSTOM_DOMAIN_PROVIDER_GCP, got ""`},
			{name: "400 domainName missing", req: updateDomain(acme, acmeOrg),
				status: 400, code: "invalid_argument", message: "domainName: is required"},
			{name: "403 a plain member", req: updateDomain(acmeMember, renamed),
				status: 403, code: "permission_denied", message: notAdmin("organizationId", mocktest.AcmeOrgID)},
			{name: "404 none", req: updateDomain(acme, with(renamed, "organizationId", mocktest.AcmeLabsOrgID)), status: 404, code: "not_found", message: noCustomDomain},
		}, commonErrors(updateDomain(acme, renamed))...),

		"DeleteCustomDomain": append([]contractCase{
			{name: "200 returns {}", req: deleteDomain(acme, acmeOrg), status: 200, check: emptyBody},
			{name: "400 id not a UUID", req: deleteDomain(acme, map[string]any{"organizationId": "acme"}),
				status: 400, code: "invalid_argument", message: "organizationId: must be a UUID"},
			{name: "403 a plain member", req: deleteDomain(acmeMember, acmeOrg),
				status: 403, code: "permission_denied", message: notAdmin("organizationId", mocktest.AcmeOrgID)},
			{name: "404 none", req: deleteDomain(acme, labsOrg), status: 404, code: "not_found", message: noCustomDomain},
		}, commonErrors(deleteDomain(acme, acmeOrg))...),
	}
}
