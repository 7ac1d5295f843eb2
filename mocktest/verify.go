package mocktest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/gitpod-mock/orgmock/server"
)

// Call is one journaled call of an operation, its request body decoded into Req: a request
// type of package server/api (api.CreateSCIMConfigurationRequest), or map[string]any.
type Call[Req any] struct {
	server.JournalEntry
	Body      Req   // the request body, decoded
	DecodeErr error // why Body is zero: the body sent was not a Req (the mock refused it too)
}

// Calls lists the session's calls of an operation ("" for all), oldest first, with their
// request bodies decoded:
//
//	calls := mocktest.Calls[api.CreateSCIMConfigurationRequest](t, se.Control, "CreateSCIMConfiguration")
//	if len(calls) != 1 || calls[0].Status != 200 || calls[0].Body.Name == nil { ... }
func Calls[Req any](t testing.TB, c *Control, operation string) []Call[Req] {
	t.Helper()
	entries := c.Requests(t, operation)
	calls := make([]Call[Req], len(entries))
	for i, e := range entries {
		calls[i].JournalEntry = e
		if len(e.Request) > 0 {
			calls[i].DecodeErr = json.Unmarshal(e.Request, &calls[i].Body)
		}
	}
	return calls
}

// CountCalls counts the session's calls of an operation ("" for all).
func CountCalls(t testing.TB, c *Control, operation string) int {
	t.Helper()
	return len(c.Requests(t, operation))
}

// FindCall returns the first call of an operation that match accepts (nil accepts any).
func FindCall[Req any](t testing.TB, c *Control, operation string, match func(Call[Req]) bool) (Call[Req], bool) {
	t.Helper()
	for _, call := range Calls[Req](t, c, operation) {
		if match == nil || match(call) {
			return call, true
		}
	}
	return Call[Req]{}, false
}

// WaitForCall waits until a call of an operation that match accepts (nil accepts any) is in the
// journal, for a client that calls in the background; the test fails after timeout, naming the
// calls that did arrive.
func WaitForCall[Req any](t testing.TB, c *Control, operation string, timeout time.Duration, match func(Call[Req]) bool) Call[Req] {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if call, ok := FindCall(t, c, operation, match); ok {
			return call
		}
		if time.Now().After(deadline) {
			var seen []string
			for _, e := range c.Requests(t, "") {
				seen = append(seen, e.Operation)
			}
			t.Fatalf("mocktest: no matching %s call within %v (calls in session %q: %v)", operation, timeout, c.Session, seen)
			return Call[Req]{}
		}
		time.Sleep(10 * time.Millisecond)
	}
}
