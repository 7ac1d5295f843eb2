package server_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gitpod-mock/orgmock/mocktest"
	"github.com/gitpod-mock/orgmock/server"
)

// benchCalls are one representative, successful call per operation (the seed first).
var benchCalls = []struct{ op, body string }{
	{"UpdateSCIMConfiguration", `{"scimConfigurationId":"d2c94c27-3b76-4a42-b88c-95a85e392c68"}`},
	{"GetSCIMConfiguration", `{"scimConfigurationId":"d2c94c27-3b76-4a42-b88c-95a85e392c68"}`},
	{"ListSCIMConfigurations", `{"pagination":{"pageSize":20}}`},
	{"CreateSCIMConfiguration", `{"organizationId":"b0e12f6c-4c67-429d-a4a6-d9838b5da047","ssoConfigurationId":"d2c94c27-3b76-4a42-b88c-95a85e392c68","tokenExpiresIn":"7776000s"}`},
	{"RegenerateSCIMToken", `{"scimConfigurationId":"d2c94c27-3b76-4a42-b88c-95a85e392c68"}`},
	{"GetSSOConfiguration", `{"ssoConfigurationId":"f53d2330-3795-4c5d-a1f3-453121af9c60"}`},
	{"UpdateSSOConfiguration", `{"ssoConfigurationId":"f53d2330-3795-4c5d-a1f3-453121af9c60","displayName":"Okta"}`},
	{"ListSSOConfigurations", `{"organizationId":"b0e12f6c-4c67-429d-a4a6-d9838b5da047"}`},
	{"CreateSSOConfiguration", `{"organizationId":"b0e12f6c-4c67-429d-a4a6-d9838b5da047","clientId":"c","clientSecret":"s","issuerUrl":"https://idp.example.com"}`},
}

// BenchmarkOperations serves each operation in-process, with full validation and without,
// so regressions show in ns/op and allocations: go test -bench Operations -benchmem ./server/
func BenchmarkOperations(b *testing.B) {
	for _, c := range benchCalls {
		for _, validation := range []bool{true, false} {
			name := c.op + "/validation=on"
			if !validation {
				name = c.op + "/validation=off"
			}
			b.Run(name, func(b *testing.B) {
				srv, err := server.New(server.Options{SkipValidation: !validation, JournalSize: 16})
				if err != nil {
					b.Fatal(err)
				}
				body := []byte(c.body)
				b.ReportAllocs()
				for b.Loop() {
					req := httptest.NewRequest(http.MethodPost, mocktest.ServicePath+c.op, bytes.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Authorization", "Bearer "+mocktest.AcmeToken)
					rec := httptest.NewRecorder()
					srv.ServeHTTP(rec, req)
					if rec.Code != http.StatusOK {
						b.Fatalf("%s: %d %s", c.op, rec.Code, rec.Body)
					}
				}
			})
		}
	}
}
