// Command floor is the benchmark's raw floor: a plain net/http server that answers the
// benchmarked path with a fixed body, no validation, no state. No mock can be faster.
package main

import (
	"flag"
	"log"
	"net/http"
)

// body is the UpdateSCIMConfiguration answer for the fixture record, as the mock sends it.
const body = `{"scimConfiguration":{"createdAt":"2026-01-10T12:00:00Z","enabled":true,"id":"d2c94c27-3b76-4a42-b88c-95a85e392c68","name":"Okta provisioning","organizationId":"b0e12f6c-4c67-429d-a4a6-d9838b5da047","ssoConfigurationId":"f53d2330-3795-4c5d-a1f3-453121af9c60","tokenExpiresAt":"2027-01-10T12:00:00Z","updatedAt":"2026-11-28T16:30:00.000Z"}}` + "\n"

func main() {
	addr := flag.String("addr", "127.0.0.1:4011", "listen address")
	flag.Parse()
	http.HandleFunc("POST /gitpod.v1.OrganizationService/UpdateSCIMConfiguration", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(body))
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}
