package outside

import (
	"testing"

	"github.com/gitpod-mock/orgmock/mocktest"
)

var scim = map[string]any{"scimConfigurationId": mocktest.AcmeSCIMID}

// TestTable: table-driven subtests with names the session header cannot take as they are,
// each in its own session of one shared mock.
func TestTable(t *testing.T) {
	srv := mocktest.Start(t)
	for _, name := range []string{"", "", "tenant=1", "ünïcode/ok"} {
		t.Run(name, func(t *testing.T) {
			se := srv.Session(t)
			if res := se.Post(t, "GetSCIMConfiguration", mocktest.AcmeToken, scim); res.Status != 200 {
				t.Fatalf("the fixture is missing in a new session: %d %s", res.Status, res.Body)
			}
			if res := se.Post(t, "DeleteSCIMConfiguration", mocktest.AcmeToken, scim); res.Status != 200 {
				t.Fatalf("delete: %d %s", res.Status, res.Body)
			}
			// A server error: the mock logs a warning, which lands in this subtest's log.
			se.Control.AddFault(t, mocktest.FaultSpec{Operation: "ListSCIMConfigurations", Status: 500, Count: 1})
			if res := se.Post(t, "ListSCIMConfigurations", mocktest.AcmeToken, map[string]any{}); res.Status != 500 {
				t.Fatalf("fault: %d %s", res.Status, res.Body)
			}
			t.Logf("session %s", se.Name)
		})
	}
}
