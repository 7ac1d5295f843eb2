package engine

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gitpod-mock/orgmock/engine/connect"
	"github.com/gitpod-mock/orgmock/engine/spec"
)

// call is what the pipeline learns about one API call. It rides on the request context (one
// value for everything): the backend reads the state and the principal from it, and the
// journal, the coverage and the request log read what happened.
type call struct {
	route *spec.Route
	req   *http.Request
	w     http.ResponseWriter // the client's
	rec   *recorder           // the answer, held until it is checked

	se        *session // nil until the session is known
	pending   bool     // the call names a session still to be made (admitSession)
	state     State    // the session's state when the call began
	principal string   // who the call acts for, once authenticated
	at        time.Time
	reqBody   []byte
	body      bodyReader // reads reqBody again, for the validators and the backend
	certain   bool       // the fast path found the request valid

	answered       bool // a step wrote the answer
	handled        bool // the backend's handler ran (it may have changed the state)
	changing       bool // the call holds se.write until its change is saved (persist.go)
	dropped        bool // a fault drops the connection instead
	reqViolations  []string
	respViolations []string
	violation      string // respViolations joined, for the log line
	fault          string
}

type callKey struct{}

// callOf is the API call a request context belongs to, or nil.
func callOf(ctx context.Context) *call {
	c, _ := ctx.Value(callKey{}).(*call)
	return c
}

// StateOf is the state of the session an API call belongs to (for the backend's handlers);
// nil outside an API call.
func StateOf(ctx context.Context) State {
	if c := callOf(ctx); c != nil {
		return c.state
	}
	return nil
}

// PrincipalOf is who an API call acts for: what State.Authenticate returned for its bearer
// token; "" for an operation without security, or outside an API call.
func PrincipalOf(ctx context.Context) string {
	if c := callOf(ctx); c != nil {
		return c.principal
	}
	return ""
}

// BodyOf is the request body of an API call as the engine read and checked it (for the
// backend's decoder: reading the request's Body gives the same bytes); nil outside a call.
func BodyOf(ctx context.Context) []byte {
	if c := callOf(ctx); c != nil {
		return c.reqBody
	}
	return nil
}

// bodyReader reads a body already in memory (bytes.Reader with a Close).
type bodyReader struct{ bytes.Reader }

func (*bodyReader) Close() error { return nil }

// fail makes err the call's answer, replacing whatever was written.
func (c *call) fail(err error) {
	c.rec.reset()
	writeError(c.rec, err)
	c.answered = true
}

// writeError sends a Connect error.
func writeError(w http.ResponseWriter, err error) { connect.Write(w, err) }

// send writes the checked answer to the client.
func (c *call) send() error {
	// Not for the transcoder (protocols.go): vanguard v0.4.0 mis-frames a gRPC or gRPC-Web
	// answer in the JSON codec from a length it is given (it panics); without one it
	// buffers the answer and frames it right.
	if _, transcoded := c.req.Context().Value(protocolKey{}).(string); !transcoded {
		c.rec.header.Set("Content-Length", strconv.Itoa(c.rec.buf.Len()))
	}
	c.w.WriteHeader(c.rec.status)
	_, err := c.w.Write(c.rec.buf.Bytes())
	return err
}

// recorders are reused across requests: their buffers keep their capacity.
var recorders = sync.Pool{New: func() any { return new(recorder) }}

// recorder captures an answer so that it can be checked before anything reaches the client.
// Headers go straight to the client's header map; status and body wait.
type recorder struct {
	header http.Header
	status int
	buf    bytes.Buffer
}

func newRecorder(header http.Header) *recorder {
	r := recorders.Get().(*recorder)
	r.header, r.status = header, http.StatusOK
	r.buf.Reset()
	return r
}

func (r *recorder) release() {
	r.header = nil
	recorders.Put(r)
}

func (r *recorder) reset() {
	r.status = http.StatusOK
	r.buf.Reset()
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) WriteHeader(status int)      { r.status = status }
func (r *recorder) Write(b []byte) (int, error) { return r.buf.Write(b) }
