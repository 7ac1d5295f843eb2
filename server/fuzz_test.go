package server_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/gitpod-mock/orgmock/engine/spec"
	"github.com/gitpod-mock/orgmock/server"
)

// fuzzPaths are the paths a fuzzed request goes to: every operation of the contract, then
// paths outside the API.
func fuzzPaths(sp *spec.Spec) []string {
	var out []string
	for _, r := range sp.Operations() {
		out = append(out, r.Path)
	}
	return append(out, "/", "/healthz", sp.ServicePath(), out[0]+"/x", server.ControlPrefix+"/nope")
}

// fuzzPath resolves a fuzzed target: an operationId or a path as it is, anything else one of
// the paths (so that corpus entries keep their meaning when operations are added).
func fuzzPath(sp *spec.Spec, paths []string, target string) string {
	if r := sp.Operation(target); r != nil {
		return r.Path
	}
	if u, err := url.ParseRequestURI(target); err == nil && strings.HasPrefix(target, "/") && u.Path == target {
		return target
	}
	h := 0
	for _, c := range []byte(target) {
		h = h*31 + int(c)
	}
	return paths[(h%len(paths)+len(paths))%len(paths)]
}

var fuzzMethods = []string{http.MethodPost, http.MethodGet, http.MethodPut, http.MethodOptions}

var (
	fuzzOnce sync.Once
	fuzzSrv  *server.Server
)

// FuzzRequest sends arbitrary bodies, content types, tokens, queries, methods and paths through
// the whole echo stack. Properties: no panic, no 5xx, every error body is a spec-valid Connect
// error, and a rejected request leaves the state exactly as it was.
//
//	go test -run '^$' -fuzz FuzzRequest -fuzztime 10m ./server/
func FuzzRequest(f *testing.F) {
	f.Add("UpdateSCIMConfiguration", uint8(0), "application/json", "acme-admin-token", "", []byte(`{"scimConfigurationId":"d2c94c27-3b76-4a42-b88c-95a85e392c68"}`))
	f.Add("CreateSCIMConfiguration", uint8(0), "application/json", "x", "", []byte(`{"organizationId":"b0e12f6c-4c67-429d-a4a6-d9838b5da047","ssoConfigurationId":"d2c94c27-3b76-4a42-b88c-95a85e392c68","tokenExpiresIn":"1e9s"}`))
	f.Add("ListSCIMConfigurations", uint8(0), "application/json; charset=utf-8", "acme-admin-token", "pageSize=1&token=x.y", []byte(`{"pagination":{"pageSize":2,"token":"eyJ9.AA"}}`))
	f.Add("UpdateSSOConfiguration", uint8(0), "application/json", "globex-admin-token", "", []byte(`{"ssoConfigurationId":"f53d2330-3795-4c5d-a1f3-453121af9c60","additionalScopes":{"scopes":[""]},"claims":{"a":1}}`))
	f.Add("CreateSSOConfiguration", uint8(0), "application/json", "acme-admin-token", "", []byte(`{"organizationId":"b0e12f6c-4c67-429d-a4a6-d9838b5da047","clientId":"c","clientSecret":"s","issuerUrl":"https://x","emailDomains":["a.io","a.io"]}`))
	f.Add("GetSCIMConfiguration", uint8(0), "text/plain", "", "", []byte(`{`))
	f.Add("GetSCIMConfiguration", uint8(1), "", "acme-admin-token", "", []byte(`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`))
	f.Add("/healthz", uint8(3), "application/json", "acme-admin-token", "", []byte(`null`))
	f.Add("RegenerateSCIMToken", uint8(0), "application/json", "acme-admin-token", "", []byte("{\"scimConfigurationId\":\"d2c94c27-3b76-4a42-b88c-95a85e392c68\",\"tokenExpiresIn\":\"\u00e9s\"}"))
	fuzzOnce.Do(func() {
		var err error
		if fuzzSrv, err = server.New(server.Options{Limits: server.Limits{JournalSize: 8}}); err != nil {
			f.Fatal(err)
		}
	})
	connectError := fuzzSrv.Spec().Schema("ConnectError")
	paths := fuzzPaths(fuzzSrv.Spec())
	f.Fuzz(func(t *testing.T, target string, methodSel uint8, contentType, token, query string, body []byte) {
		path := fuzzPath(fuzzSrv.Spec(), paths, target)
		req := httptest.NewRequest(fuzzMethods[int(methodSel)%len(fuzzMethods)], "http://mock.test"+path, strings.NewReader(string(body)))
		req.URL.RawQuery = query
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		before := fuzzSrv.Store().Snapshot()
		if len(before.SCIMConfigurations)+len(before.SSOConfigurations) > 200 {
			// Successful creates accumulate; start over so each run stays as fast as the first.
			reset := httptest.NewRecorder()
			fuzzSrv.ServeHTTP(reset, httptest.NewRequest(http.MethodPost, "http://mock.test"+server.ControlPrefix+"/reset", nil))
			before = fuzzSrv.Store().Snapshot()
		}
		rec := httptest.NewRecorder()
		fuzzSrv.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s?%s %q: %d %s", req.Method, path, query, body, rec.Code, rec.Body)
		}
		if rec.Code < 400 {
			return
		}
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Fatalf("error with Content-Type %q: %s", ct, rec.Body)
		}
		var v any
		if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
			t.Fatalf("error body is not JSON: %s", rec.Body)
		}
		if err := connectError.VisitJSON(v, openapi3.MultiErrors()); err != nil {
			t.Fatalf("error body is not a spec-valid Connect error: %v: %s", err, rec.Body)
		}
		if msg, _ := v.(map[string]any)["message"].(string); msg == "" {
			t.Fatalf("error without a message: %s", rec.Body)
		}
		if after := fuzzSrv.Store().Snapshot(); !reflect.DeepEqual(before, after) {
			t.Fatalf("a rejected request (%d %s) changed the state", rec.Code, rec.Body)
		}
	})
}
