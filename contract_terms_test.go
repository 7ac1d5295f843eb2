package orgmock_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/gitpod-mock/orgmock/mocktest"
)

// The contract cases of the terms of service: versions, acceptances and their export.
// TestContract runs them with the others.

// The default fixtures' terms of service of acme: two versions; Alex accepted both, Mia the
// first.
const (
	termsV1 = "6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d"
	termsV2 = "8e9f0a1b-2c3d-4e5f-9a6b-7c8d9e0f1a2b"
)

func termsCases() map[string][]contractCase {
	var (
		getTerms    = op("GetTermsOfService")
		updateTerms = op("UpdateTermsOfService")
		accept      = op("AcceptTermsOfService")
		versions    = op("ListTermsOfServiceVersions")
		acceptances = op("ListTermsOfServiceAcceptances")
		export      = op("GetTermsOfServiceAcceptancesExport")
	)
	acmeOrg := map[string]any{"organizationId": mocktest.AcmeOrgID}
	labsOrg := map[string]any{"organizationId": mocktest.AcmeLabsOrgID}
	v2 := with(acmeOrg, "version", 2)
	publish := with(acmeOrg, "markdown", "# Acceptable use\n\nVersion three.")
	// statuses maps each member listed to its status.
	statuses := func(b map[string]any) map[string]any {
		out := map[string]any{}
		for _, a := range b["acceptances"].([]any) {
			a := a.(map[string]any)
			out[a["member"].(map[string]any)["fullName"].(string)] = a["status"]
		}
		return out
	}

	return map[string][]contractCase{
		"GetTermsOfService": append([]contractCase{
			{name: "200 the current version, and the caller's acceptance of it", req: getTerms(acme, acmeOrg), status: 200,
				check: func(t *testing.T, b map[string]any) {
					tos := b["termsOfService"].(map[string]any)
					expect(t, "enabled", tos["enabled"], true)
					expect(t, "currentVersion.id", tos["currentVersion"].(map[string]any)["id"], termsV2)
					expect(t, "currentUserAcceptance", tos["currentUserAcceptance"],
						map[string]any{"versionId": termsV2, "version": float64(2), "acceptedAt": "2026-02-10T09:05:00Z"})
				}},
			{name: "200 a member who has not accepted the current version", req: getTerms(acmeMember, acmeOrg), status: 200,
				check: func(t *testing.T, b map[string]any) {
					if a, ok := b["termsOfService"].(map[string]any)["currentUserAcceptance"]; ok {
						t.Errorf("currentUserAcceptance: want none, got %v", a)
					}
				}},
			{name: "200 never published", req: getTerms(acme, labsOrg), status: 200, check: func(t *testing.T, b map[string]any) {
				expect(t, "termsOfService", b["termsOfService"], map[string]any{"organizationId": mocktest.AcmeLabsOrgID})
			}},
			{name: "400 id not a UUID", req: getTerms(acme, map[string]any{"organizationId": "acme"}),
				status: 400, code: "invalid_argument", message: "organizationId: must be a UUID"},
			{name: "403 another organization", req: getTerms(globex, acmeOrg),
				status: 403, code: "permission_denied", message: notMemberOf(mocktest.AcmeOrgID)},
		}, commonErrors(getTerms(acme, acmeOrg))...),

		"UpdateTermsOfService": append([]contractCase{
			{name: "200 changed markdown publishes version 3", req: updateTerms(acme, publish), status: 200, check: func(t *testing.T, b map[string]any) {
				v := b["termsOfService"].(map[string]any)["currentVersion"].(map[string]any)
				expect(t, "version", v["version"], float64(3))
				expect(t, "createdByUserId", v["createdByUserId"], mocktest.AcmeAdminUserID)
				if _, ok := b["termsOfService"].(map[string]any)["currentUserAcceptance"]; ok {
					t.Errorf("the publisher has accepted a version just published")
				}
			}},
			{name: "200 the same markdown publishes nothing", req: updateTerms(acme, with(acmeOrg, "markdown",
				"# Acceptable use\n\nUse Acme's environments for Acme's work. Be kind.")), status: 200,
				check: func(t *testing.T, b map[string]any) {
					expect(t, "current", b["termsOfService"].(map[string]any)["currentVersion"].(map[string]any)["id"], termsV2)
				}},
			{name: "200 disable", req: updateTerms(acme, with(acmeOrg, "enabled", false)), status: 200, check: func(t *testing.T, b map[string]any) {
				if _, ok := b["termsOfService"].(map[string]any)["enabled"]; ok {
					t.Errorf("enabled: want omitted (false)")
				}
			}},
			{name: "400 markdown over 32000 characters", req: updateTerms(acme, with(acmeOrg, "markdown", strings.Repeat("x", 32001))),
				status: 400, code: "invalid_argument", message: "markdown: must be at most 32000 characters long"},
			{name: "400 not on the enterprise tier", req: updateTerms(acme, with(labsOrg, "markdown", "# Terms")), status: 400, code: "failed_precondition",
				message: "organizationId: terms of service needs ORGANIZATION_TIER_ENTERPRISE, and organization " + mocktest.AcmeLabsOrgID + " is on ORGANIZATION_TIER_FREE"},
			{name: "403 a plain member", req: updateTerms(acmeMember, publish),
				status: 403, code: "permission_denied", message: notAdmin("organizationId", mocktest.AcmeOrgID)},
		}, commonErrors(updateTerms(acme, publish))...),

		"AcceptTermsOfService": append([]contractCase{
			{name: "200 a member accepts the current version", req: accept(acmeMember, with(acmeOrg, "versionId", termsV2)), status: 200,
				check: func(t *testing.T, b map[string]any) {
					a := b["acceptance"].(map[string]any)
					expect(t, "versionId", a["versionId"], termsV2)
					expect(t, "version", a["version"], float64(2))
				}},
			{name: "200 accepted before: that acceptance", req: accept(acme, with(acmeOrg, "versionId", termsV1)), status: 200,
				check: func(t *testing.T, b map[string]any) {
					expect(t, "acceptedAt", b["acceptance"].(map[string]any)["acceptedAt"], "2026-01-02T09:05:00Z")
				}},
			{name: "400 versionId missing", req: accept(acme, acmeOrg),
				status: 400, code: "invalid_argument", message: "versionId: is required"},
			{name: "403 another organization", req: accept(globex, with(acmeOrg, "versionId", termsV2)),
				status: 403, code: "permission_denied", message: notMemberOf(mocktest.AcmeOrgID)},
			{name: "404 unknown version", req: accept(acme, with(acmeOrg, "versionId", unknownID)), status: 404, code: "not_found",
				message: "versionId: terms of service version " + unknownID + " not found in organization " + mocktest.AcmeOrgID},
		}, commonErrors(accept(acmeMember, with(acmeOrg, "versionId", termsV2)))...),

		"ListTermsOfServiceVersions": append([]contractCase{
			{name: "200 oldest first, for a plain member", req: withQuery(versions(acmeMember, acmeOrg), "pageSize=1"), status: 200,
				check: func(t *testing.T, b map[string]any) {
					vs := b["versions"].([]any)
					if len(vs) != 1 || vs[0].(map[string]any)["id"] != termsV1 {
						t.Errorf("versions: want version 1 alone, got %v", vs)
					}
					if next, _ := b["pagination"].(map[string]any)["nextToken"].(string); next == "" {
						t.Errorf("no nextToken before version 2")
					}
				}},
			{name: "200 none: versions is []", req: versions(acme, labsOrg), status: 200, check: func(t *testing.T, b map[string]any) {
				if vs, ok := b["versions"].([]any); !ok || len(vs) != 0 {
					t.Errorf("versions: want [], got %v", b["versions"])
				}
			}},
			{name: "400 page token not ours", req: withQuery(versions(acme, acmeOrg), "token=token"),
				status: 400, code: "invalid_argument", message: "token: not a page token issued by this server for ListTermsOfServiceVersions"},
			{name: "403 another organization", req: versions(globex, acmeOrg),
				status: 403, code: "permission_denied", message: notMemberOf(mocktest.AcmeOrgID)},
		}, commonErrors(versions(acme, acmeOrg))...),

		"ListTermsOfServiceAcceptances": append([]contractCase{
			{name: "200 each member's standing, by name", req: acceptances(acme, v2), status: 200, check: func(t *testing.T, b map[string]any) {
				expect(t, "statuses", statuses(b), map[string]any{
					"Alex Admin": "TERMS_OF_SERVICE_ACCEPTANCE_STATUS_ACCEPTED", "Mia Member": "TERMS_OF_SERVICE_ACCEPTANCE_STATUS_PENDING"})
				mia := b["acceptances"].([]any)[1].(map[string]any)
				expect(t, "Mia's latest acceptance", []any{mia["acceptedVersion"], mia["acceptedAt"]}, []any{float64(1), "2026-01-16T08:00:00Z"})
			}},
			{name: "200 filtered: pending, by search", req: acceptances(acme, with(v2, "filter",
				map[string]any{"statuses": []string{"TERMS_OF_SERVICE_ACCEPTANCE_STATUS_PENDING"}, "search": "MIA@"})), status: 200,
				check: func(t *testing.T, b map[string]any) {
					expect(t, "statuses", statuses(b), map[string]any{"Mia Member": "TERMS_OF_SERVICE_ACCEPTANCE_STATUS_PENDING"})
				}},
			{name: "400 no version", req: acceptances(acme, acmeOrg),
				status: 400, code: "invalid_argument", message: "version: must be at least 1"},
			{name: "400 version 0 written out", req: acceptances(acme, with(acmeOrg, "version", 0)),
				status: 400, code: "invalid_argument", message: "version: must be at least 1"},
			{name: "403 a plain member", req: acceptances(acmeMember, v2),
				status: 403, code: "permission_denied", message: notAdmin("organizationId", mocktest.AcmeOrgID)},
			{name: "404 a version never published", req: acceptances(acme, with(acmeOrg, "version", 9)), status: 404, code: "not_found",
				message: "version: organization " + mocktest.AcmeOrgID + " has no terms of service version 9"},
		}, commonErrors(acceptances(acme, v2))...),

		"GetTermsOfServiceAcceptancesExport": append([]contractCase{
			{name: "200 the CSV in a data URL", req: export(acme, v2), status: 200, check: func(t *testing.T, b map[string]any) {
				url, _ := b["downloadUrl"].(string)
				data, ok := strings.CutPrefix(url, "data:text/csv;base64,")
				csv, err := base64.StdEncoding.DecodeString(data)
				want := "user_id,full_name,email,status,accepted_version,accepted_at\n" +
					mocktest.AcmeAdminUserID + ",Alex Admin,alex@acme-corp.com,TERMS_OF_SERVICE_ACCEPTANCE_STATUS_ACCEPTED,2,2026-02-10T09:05:00Z\n" +
					mocktest.AcmeMemberUserID + ",Mia Member,mia@acme-corp.com,TERMS_OF_SERVICE_ACCEPTANCE_STATUS_PENDING,1,2026-01-16T08:00:00Z\n"
				if !ok || err != nil || string(csv) != want {
					t.Errorf("downloadUrl %q: got CSV %q (%v), want %q", url, csv, err, want)
				}
			}},
			{name: "400 unknown status", req: export(acme, with(v2, "filter", map[string]any{"statuses": []string{"ACCEPTED"}})), status: 400, code: "invalid_argument",
				message: "filter.statuses.0: must be one of TERMS_OF_SERVICE_ACCEPTANCE_STATUS_UNSPECIFIED, TERMS_OF_SERVICE_ACCEPTANCE_STATUS_ACCEPTED, TERMS_OF_SERVICE_ACCEPTANCE_STATUS_PENDING"},
			{name: "403 a plain member", req: export(acmeMember, v2),
				status: 403, code: "permission_denied", message: notAdmin("organizationId", mocktest.AcmeOrgID)},
			{name: "404 a version never published", req: export(acme, with(labsOrg, "version", 1)), status: 404, code: "not_found",
				message: "version: organization " + mocktest.AcmeLabsOrgID + " has no terms of service version 1"},
		}, commonErrors(export(acme, v2))...),
	}
}
