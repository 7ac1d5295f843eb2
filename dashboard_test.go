package orgmock_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gitpod-mock/orgmock/mocktest"
	"github.com/gitpod-mock/orgmock/server"
)

// dashboardScreenshot is the README's picture of the dashboard; MOCK_UPDATE_SCREENSHOT=1 go
// test -run TestDashboard . writes it again.
const dashboardScreenshot = "docs/dashboard.png"

// waitFor polls a JavaScript expression in the page until it is true.
func waitFor(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
		t.Fatalf("Chromium: waiting for %s: %v\npage:\n%s", what, err, text)
	}
}

// eval runs a JavaScript expression in the page and returns its value.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("Chromium: %s: %v", expr, err)
	}
	return v
}

// TestDashboard: the page at /_mock/ui/ shows calls made after it loaded (live, through the
// event stream), each call's request, response and verdict, the coverage matrix, the armed
// faults with a button that clears them, and the sessions.
func TestDashboard(t *testing.T) {
	at := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)
	srv := mocktest.Start(t, mocktest.WithSeed(1), mocktest.WithClock(at))
	ctx := newBrowser(t)
	if _, err := chromedp.Run(ctx, chromedp.Navigate(srv.URL+"/_mock/")); err != nil { // redirects to /_mock/ui/
		t.Fatalf("Chromium: %v", err)
	}
	waitFor(t, ctx, "the live badge", `document.getElementById("live").textContent === "live"`)
	if d := eval[string](t, ctx, `getComputedStyle(document.getElementById("token-form")).display`); d != "none" {
		t.Errorf("the token form shows (display %q) on an unlocked control plane", d)
	}
	if path := eval[string](t, ctx, `location.pathname`); path != "/_mock/ui/" {
		t.Errorf("GET /_mock/ led to %s, want /_mock/ui/", path)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("#journal tbody tr").length`); n != 0 {
		t.Fatalf("%d rows before any call", n)
	}

	// Calls made after the page loaded: one served, one refused by the backend, one refused
	// by the contract.
	created := srv.Post(t, "CreateSCIMConfiguration", mocktest.AcmeToken, map[string]any{
		"organizationId": mocktest.AcmeOrgID, "ssoConfigurationId": mocktest.AcmeSSOID, "name": "Shown live"})
	if created.Status != 200 {
		t.Fatalf("create: %d %s", created.Status, created.Body)
	}
	id := created.JSON(t)["scimConfiguration"].(map[string]any)["id"].(string)
	srv.Post(t, "GetSCIMConfiguration", mocktest.AcmeToken, map[string]any{"scimConfigurationId": mocktest.AcmeOrgID})
	srv.Post(t, "ListSCIMConfigurations", mocktest.AcmeToken, map[string]any{"pagination": map[string]any{"pageSize": 1000}})
	waitFor(t, ctx, "three rows", `document.querySelectorAll("#journal tbody tr").length === 3`)
	rows := eval[[]string](t, ctx, `[...document.querySelectorAll("#journal tbody tr")].map(r => [...r.cells].map(c => c.textContent).join("|"))`)
	want := []string{ // newest first: seq, time, operation, protocol, status, verdict
		"3|" + "|ListSCIMConfigurations|connect+json|400 invalid_argument|✗ request",
		"2|" + "|GetSCIMConfiguration|connect+json|404 not_found|✓",
		"1|" + "|CreateSCIMConfiguration|connect+json|200|✓",
	}
	for i, row := range rows {
		cells := strings.Split(row, "|")
		cells[1] = "" // the local time of the browser
		if got := strings.Join(cells, "|"); i >= len(want) || got != want[i] {
			t.Errorf("row %d: %q, want %q", i, got, want[min(i, len(want)-1)])
		}
	}

	// A call's detail: request, response and verdict.
	eval[bool](t, ctx, `(document.querySelector('#journal tbody tr[data-seq="1"]').click(), true)`)
	detail := eval[string](t, ctx, `document.getElementById("detail").innerText`)
	for _, s := range []string{"POST /gitpod.v1.OrganizationService/CreateSCIMConfiguration → 200", "verdict: valid both ways",
		`"name": "Shown live"`, `"id": "` + id + `"`} {
		if !strings.Contains(detail, s) {
			t.Errorf("the detail of call 1 lacks %q:\n%s", s, detail)
		}
	}
	eval[bool](t, ctx, `(document.querySelector('#journal tbody tr[data-seq="3"]').click(), true)`)
	if detail := eval[string](t, ctx, `document.getElementById("detail").innerText`); !strings.Contains(detail, "request violations") ||
		!strings.Contains(detail, "pagination.pageSize: must be at most 100") {
		t.Errorf("the detail of call 3 lacks the violation:\n%s", detail)
	}

	// The coverage matrix: a cell per declared pair, the three served ones green.
	waitFor(t, ctx, "three served pairs", `document.querySelectorAll("#coverage rect.served").length === 3`)
	served := eval[[]string](t, ctx, `[...document.querySelectorAll("#coverage rect.served")].map(r => r.dataset.pair).sort()`)
	if strings.Join(served, ",") != "CreateSCIMConfiguration 200,GetSCIMConfiguration 404,ListSCIMConfigurations 400" {
		t.Errorf("served cells: %v", served)
	}
	cov := srv.Control().Coverage(t)
	if n := eval[int](t, ctx, `document.querySelectorAll("#coverage rect").length`); n != cov.Declared {
		t.Errorf("%d cells, want one per declared pair (%d)", n, cov.Declared)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("#coverage rect.fault").length`); n != len(cov.UnexercisedFaultOnly) {
		t.Errorf("%d fault-only cells, want %d", n, len(cov.UnexercisedFaultOnly))
	}

	// Faults: shown once armed, cleared by the button.
	srv.Control().AddFault(t, server.FaultSpec{Operation: "GetSCIMConfiguration", Status: 500, Count: 2})
	waitFor(t, ctx, "the armed fault", `document.getElementById("faults").innerText.includes("GetSCIMConfiguration: answer 500, 2 of 2 left, fired 0")`)
	srv.Control().WithSession("TestDashboard/other=1").Reset(t)
	waitFor(t, ctx, "the new session in the picker",
		`[...document.getElementById("session").options].some(o => o.value === "`+mocktest.SessionName("TestDashboard/other=1")+`")`)

	if os.Getenv("MOCK_UPDATE_SCREENSHOT") != "" {
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("Chromium: screenshot: %v", err)
		}
		if err := os.WriteFile(dashboardScreenshot, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	eval[bool](t, ctx, `(document.getElementById("clear-faults").click(), true)`)
	waitFor(t, ctx, "no fault", `document.getElementById("faults").innerText.includes("none armed")`)
	if f := srv.Control().Faults(t); len(f.Faults) != 0 {
		t.Errorf("after the button: %d faults armed", len(f.Faults))
	}

	// Another session: its own journal, live too.
	other := mocktest.SessionName("TestDashboard/other=1")
	eval[bool](t, ctx, `(document.getElementById("session").value = "`+other+`", document.getElementById("session").dispatchEvent(new Event("change")), true)`)
	waitFor(t, ctx, "the other session's empty journal", `document.querySelectorAll("#journal tbody tr").length === 0 && document.getElementById("live").textContent === "live"`)
	srv.Do(t, mocktest.Request{Operation: "GetSCIMConfiguration", Token: mocktest.AcmeToken, Session: "TestDashboard/other=1",
		Body: map[string]any{"scimConfigurationId": mocktest.AcmeSCIMID}})
	waitFor(t, ctx, "the other session's call", `document.querySelectorAll("#journal tbody tr").length === 1`)
	// Clear empties the journal; the stream's "clear" event empties the table.
	eval[bool](t, ctx, `(document.getElementById("clear-journal").click(), true)`)
	waitFor(t, ctx, "the emptied journal", `document.querySelectorAll("#journal tbody tr").length === 0`)
	if n := len(srv.Control().WithSession("TestDashboard/other=1").Requests(t, "")); n != 0 {
		t.Errorf("after the Clear button the journal holds %d entries", n)
	}
	if q := eval[string](t, ctx, `location.search`); !strings.Contains(q, "session=") {
		t.Errorf("the URL does not name the session: %q", q)
	}
}

// TestDashboardLocked: with a control token the page asks for it, and works once given.
func TestDashboardLocked(t *testing.T) {
	srv := mocktest.Start(t, mocktest.WithOptions(server.Options{Control: server.Control{Token: "control-token-for-ui"}}))
	ctx := newBrowser(t)
	if _, err := chromedp.Run(ctx, chromedp.Navigate(srv.URL+"/_mock/ui/")); err != nil {
		t.Fatalf("Chromium: %v", err)
	}
	waitFor(t, ctx, "the token form", `getComputedStyle(document.getElementById("token-form")).display !== "none" && document.getElementById("live").textContent === "locked"`)
	if n := eval[int](t, ctx, `document.querySelectorAll("#coverage rect").length`); n != 0 {
		t.Errorf("the locked page shows %d coverage cells", n)
	}
	eval[bool](t, ctx, `(document.getElementById("token").value = "control-token-for-ui", document.getElementById("token-form").requestSubmit(), true)`)
	waitFor(t, ctx, "the live badge", `document.getElementById("live").textContent === "live"`)
	srv.Post(t, "GetSCIMConfiguration", mocktest.AcmeToken, map[string]any{"scimConfigurationId": mocktest.AcmeSCIMID})
	waitFor(t, ctx, "the call", `document.querySelectorAll("#journal tbody tr").length === 1`)
}

// TestDashboardScreenshot: the README shows the dashboard's screenshot, and it is a PNG.
func TestDashboardScreenshot(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(readme, []byte("]("+dashboardScreenshot+")")) {
		t.Errorf("README.md does not show %s", dashboardScreenshot)
	}
	png, err := os.ReadFile(dashboardScreenshot)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) || len(png) < 10000 {
		t.Errorf("%s: not a screenshot (%d bytes, %v)", dashboardScreenshot, len(png), err)
	}
}
