package server_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/gitpod-mock/orgmock/mocktest"
)

func getSSO(t *testing.T, srv *mocktest.Server, id string) map[string]any {
	t.Helper()
	res := srv.Post(t, "GetSSOConfiguration", mocktest.AcmeToken, map[string]any{"ssoConfigurationId": id})
	if res.Status != 200 {
		t.Fatalf("get %s: %d %s", id, res.Status, res.Body)
	}
	return res.JSON(t)["ssoConfiguration"].(map[string]any)
}

func mustUpdateSSO(t *testing.T, srv *mocktest.Server, body string) {
	t.Helper()
	res := srv.Post(t, "UpdateSSOConfiguration", mocktest.AcmeToken, body)
	if res.Status != 200 || string(res.Body) != "{}\n" && string(res.Body) != "{}" {
		t.Fatalf("update %s: %d %s", body, res.Status, res.Body)
	}
}

func jsonOf(v any) string { b, _ := json.Marshal(v); return string(b) }

// TestSSOUpdateSemantics: presence decides for optional fields; claims and emailDomains
// replace only when non-empty; additionalScopes present replaces (empty clears);
// state UNSPECIFIED is no change; a new issuer re-derives the provider type.
func TestSSOUpdateSemantics(t *testing.T) {
	id := mocktest.AcmeSSO2ID // custom OIDC with emailDomains, additionalScopes and claims
	cases := []struct {
		name   string
		update string
		// expect maps a field to its JSON after the update ("<absent>" when omitted);
		// fields not named must be unchanged.
		expect map[string]string
	}{
		{name: "nothing but the id changes nothing", update: `{"ssoConfigurationId":"` + id + `"}`, expect: nil},
		{name: "null fields change nothing",
			update: `{"ssoConfigurationId":"` + id + `","clientId":null,"displayName":null,"state":null,"additionalScopes":null,"claimsExpression":null}`},
		{name: "empty claims and emailDomains change nothing",
			update: `{"ssoConfigurationId":"` + id + `","claims":{},"emailDomains":[]}`},
		{name: "state UNSPECIFIED changes nothing",
			update: `{"ssoConfigurationId":"` + id + `","state":"SSO_CONFIGURATION_STATE_UNSPECIFIED"}`},
		{name: "state INACTIVE", update: `{"ssoConfigurationId":"` + id + `","state":"SSO_CONFIGURATION_STATE_INACTIVE"}`,
			expect: map[string]string{"state": `"SSO_CONFIGURATION_STATE_INACTIVE"`}},
		{name: "non-empty claims and emailDomains replace",
			update: `{"ssoConfigurationId":"` + id + `","claims":{"email":"upn"},"emailDomains":["acme.io"]}`,
			expect: map[string]string{"claims": `{"email":"upn"}`, "emailDomains": `["acme.io"]`}},
		{name: "additionalScopes replaces", update: `{"ssoConfigurationId":"` + id + `","additionalScopes":{"scopes":["groups","offline_access"]}}`,
			expect: map[string]string{"additionalScopes": `["groups","offline_access"]`}},
		{name: "additionalScopes {} clears", update: `{"ssoConfigurationId":"` + id + `","additionalScopes":{}}`,
			expect: map[string]string{"additionalScopes": "<absent>"}},
		{name: "additionalScopes with an empty list clears", update: `{"ssoConfigurationId":"` + id + `","additionalScopes":{"scopes":[]}}`,
			expect: map[string]string{"additionalScopes": "<absent>"}},
		{name: "displayName empty string clears", update: `{"ssoConfigurationId":"` + id + `","displayName":""}`,
			expect: map[string]string{"displayName": "<absent>"}},
		{name: "claimsExpression set", update: `{"ssoConfigurationId":"` + id + `","claimsExpression":"claims.email_verified"}`,
			expect: map[string]string{"claimsExpression": `"claims.email_verified"`}},
		{name: "issuer to Google makes it built in", update: `{"ssoConfigurationId":"` + id + `","issuerUrl":"https://accounts.google.com"}`,
			expect: map[string]string{"issuerUrl": `"https://accounts.google.com"`, "providerType": `"PROVIDER_TYPE_BUILTIN"`}},
		{name: "credentials", update: `{"ssoConfigurationId":"` + id + `","clientId":"new-client-id","clientSecret":"new-client-secret"}`,
			expect: map[string]string{"clientId": `"new-client-id"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := mocktest.Start(t)
			before := getSSO(t, srv, id)
			mustUpdateSSO(t, srv, tc.update)
			after := getSSO(t, srv, id)
			for field, old := range before {
				want, named := tc.expect[field]
				got, present := after[field]
				switch {
				case !named && !reflect.DeepEqual(got, old):
					t.Errorf("%s changed: %s -> %s", field, jsonOf(old), jsonOf(got))
				case named && want == "<absent>" && present:
					t.Errorf("%s: want omitted, got %s", field, jsonOf(got))
				case named && want != "<absent>" && jsonOf(got) != want:
					t.Errorf("%s: got %s, want %s", field, jsonOf(got), want)
				}
			}
			for field, want := range tc.expect {
				if _, was := before[field]; !was && want != "<absent>" && jsonOf(after[field]) != want {
					t.Errorf("%s: got %s, want %s", field, jsonOf(after[field]), want)
				}
			}
		})
	}
}

// TestSSOSecretUpdateIsStored: the secret is kept (the store sees the new one) yet never shown.
func TestSSOSecretUpdateIsStored(t *testing.T) {
	srv := mocktest.Start(t)
	mustUpdateSSO(t, srv, `{"ssoConfigurationId":"`+mocktest.AcmeSSOID+`","clientSecret":"rotated-secret-42"}`)
	for _, c := range srv.Store().Snapshot().SSOConfigurations {
		if c.ID == mocktest.AcmeSSOID && c.ClientSecret != "rotated-secret-42" {
			t.Fatalf("stored secret %q, want the rotated one", c.ClientSecret)
		}
	}
}

// TestSSOCreateThenDelete: a new configuration lists, can be linked by SCIM, then refuses
// deletion until the link is gone.
func TestSSOCreateThenDelete(t *testing.T) {
	srv := mocktest.Start(t)
	res := srv.Post(t, "CreateSSOConfiguration", mocktest.AcmeToken, map[string]any{
		"organizationId": mocktest.AcmeOrgID, "clientId": "c", "clientSecret": "s", "issuerUrl": "https://idp.acme.example",
		"emailDomains": []string{"acme.example"}, "displayName": "New IdP", "additionalScopes": []string{"groups"},
	})
	if res.Status != 200 {
		t.Fatalf("create: %d %s", res.Status, res.Body)
	}
	sso := res.JSON(t)["ssoConfiguration"].(map[string]any)
	id := sso["id"].(string)
	if sso["state"] != "SSO_CONFIGURATION_STATE_INACTIVE" || sso["providerType"] != "PROVIDER_TYPE_CUSTOM" ||
		jsonOf(sso["additionalScopes"]) != `["groups"]` || jsonOf(sso["emailDomains"]) != `["acme.example"]` {
		t.Errorf("created: %v", sso)
	}
	scim := srv.Post(t, "CreateSCIMConfiguration", mocktest.AcmeToken, map[string]any{
		"organizationId": mocktest.AcmeOrgID, "ssoConfigurationId": id})
	if scim.Status != 200 {
		t.Fatalf("link: %d %s", scim.Status, scim.Body)
	}
	scimID := scim.JSON(t)["scimConfiguration"].(map[string]any)["id"].(string)
	del := srv.Post(t, "DeleteSSOConfiguration", mocktest.AcmeToken, map[string]any{"ssoConfigurationId": id})
	if del.Status != 400 || del.JSON(t)["code"] != "failed_precondition" {
		t.Fatalf("delete while linked: %d %s", del.Status, del.Body)
	}
	srv.Post(t, "DeleteSCIMConfiguration", mocktest.AcmeToken, map[string]any{"scimConfigurationId": scimID})
	if del := srv.Post(t, "DeleteSSOConfiguration", mocktest.AcmeToken, map[string]any{"ssoConfigurationId": id}); del.Status != 200 {
		t.Fatalf("delete after unlinking: %d %s", del.Status, del.Body)
	}
	if get := srv.Post(t, "GetSSOConfiguration", mocktest.AcmeToken, map[string]any{"ssoConfigurationId": id}); get.Status != 404 {
		t.Fatalf("get after delete: %d", get.Status)
	}
}
