package orgmock_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gitpod-mock/orgmock/mocktest"
	"github.com/gitpod-mock/orgmock/server"
)

// browserPage is served from another origin than the mock: it creates a SCIM configuration
// and reads it back with fetch() and a bearer token (a CORS preflight each time), then shows
// what it got.
const browserPage = `<!doctype html>
<html><body><pre id="out">pending</pre><script>
const base = %q;
const headers = {"Content-Type": "application/json", "Authorization": "Bearer acme-admin-token"};
async function call(op, body) {
  const res = await fetch(base + "/gitpod.v1.OrganizationService/" + op, {method: "POST", headers, body: JSON.stringify(body)});
  return {status: res.status, body: await res.json(), requestId: res.headers.get("X-Request-Id")};
}
(async () => {
  const created = await call("CreateSCIMConfiguration", {
    organizationId: "b0e12f6c-4c67-429d-a4a6-d9838b5da047",
    ssoConfigurationId: "d2c94c27-3b76-4a42-b88c-95a85e392c68",
    name: "from the browser"});
  const got = await call("GetSCIMConfiguration", {scimConfigurationId: created.body.scimConfiguration.id});
  document.getElementById("out").textContent = "created " + created.status + " " + created.body.scimConfiguration.id +
    "; got " + got.status + " " + got.body.scimConfiguration.name + "; request id " + (got.requestId ? "readable" : "hidden");
})().catch(e => { document.getElementById("out").textContent = "error: " + e; });
</script></body></html>`

// newBrowser starts headless Chromium for the rest of the test (skipped without Chromium,
// unless MOCK_REQUIRE_BROWSER is set, as in CI).
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("MOCK_REQUIRE_BROWSER") != "" {
			t.Fatal("MOCK_REQUIRE_BROWSER is set but no chromium is on PATH")
		}
		t.Skip("no Chromium installed (apt-get install chromium); .ci/run installs it so CI runs this test")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.WindowSize(1400, 900),
		chromedp.UserDataDir(t.TempDir()),
	)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	t.Cleanup(cancel)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelBrowser)
	return bctx
}

// runPage loads the page in headless Chromium and returns what it shows once it is done.
func runPage(t *testing.T, mockURL string) string {
	t.Helper()
	bctx := newBrowser(t)
	// The page and the mock listen on different ports: different origins.
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, browserPage, mockURL)
	}))
	t.Cleanup(page.Close)

	if _, err := chromedp.Run(bctx, chromedp.Navigate(page.URL)); err != nil {
		t.Fatalf("Chromium: navigating to the page: %v", err)
	}
	done := chromedp.Poll[bool](`document.getElementById("out").textContent !== "pending"`,
		chromedp.WithPollingTimeout(30*time.Second))
	if _, err := chromedp.Run(bctx, done); err != nil {
		t.Fatalf("Chromium: waiting for the page to finish: %v", err)
	}
	out, err := chromedp.Run(bctx, chromedp.TextContent("#out"))
	if err != nil {
		t.Fatalf("Chromium: reading the page: %v", err)
	}
	return out
}

// TestBrowserCrossOrigin: a page on another origin creates then reads a configuration with
// fetch() and a bearer token; the preflights are answered, the calls succeed, and the page
// can read X-Request-Id.
func TestBrowserCrossOrigin(t *testing.T) {
	srv := mocktest.Start(t)
	out := runPage(t, srv.URL)
	created := srv.Control().Requests(t, "CreateSCIMConfiguration")
	if len(created) != 1 {
		t.Fatalf("page said %q; the mock saw %d creates", out, len(created))
	}
	id := strings.Split(strings.TrimPrefix(out, "created 200 "), ";")[0]
	want := "created 200 " + id + "; got 200 from the browser; request id readable"
	if out != want || !strings.Contains(string(created[0].Response), id) {
		t.Fatalf("page shows %q, want %q", out, want)
	}
}

// TestBrowserOriginRestricted: with --cors-origins naming another origin, the browser refuses
// to let the page read the answer.
func TestBrowserOriginRestricted(t *testing.T) {
	srv := mocktest.Start(t, mocktest.WithOptions(server.Options{CORSOrigins: []string{"https://app.example.com"}}))
	out := runPage(t, srv.URL)
	if !strings.HasPrefix(out, "error: TypeError") {
		t.Fatalf("page shows %q, want a fetch error", out)
	}
}

// TestPreflight checks the CORS answers without a browser: a preflight needs no token and no
// body, and an actual cross-origin call carries the CORS headers.
func TestPreflight(t *testing.T) {
	srv := mocktest.Start(t)
	req, _ := http.NewRequest(http.MethodOptions, srv.URL+mocktest.ServicePath+"GetSCIMConfiguration", nil)
	req.Header.Set("Origin", "http://localhost:5173")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "authorization,content-type,connect-protocol-version,x-mock-session")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNoContent ||
		res.Header.Get("Access-Control-Allow-Origin") != "*" ||
		res.Header.Get("Access-Control-Allow-Headers") != "authorization,content-type,connect-protocol-version,x-mock-session" ||
		!strings.Contains(res.Header.Get("Access-Control-Allow-Methods"), "POST") {
		t.Fatalf("preflight: %d %v", res.StatusCode, res.Header)
	}
	actual := srv.Do(t, mocktest.Request{Operation: "GetSCIMConfiguration", Token: mocktest.AcmeToken,
		Body: map[string]any{"scimConfigurationId": mocktest.AcmeSCIMID}, Header: http.Header{"Origin": {"http://localhost:5173"}}})
	if actual.Status != 200 || actual.Header.Get("Access-Control-Allow-Origin") != "*" ||
		!strings.Contains(actual.Header.Get("Access-Control-Expose-Headers"), "X-Request-Id") {
		t.Fatalf("actual call: %d %v", actual.Status, actual.Header)
	}
	if n := len(srv.Control().Requests(t, "")); n != 1 {
		t.Errorf("the preflight reached the API pipeline: %d journal entries", n)
	}
}
