package server

import (
	"encoding/binary"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gitpod-mock/orgmock/server/api"
	"github.com/gitpod-mock/orgmock/server/spec"
)

// FaultSpec is what POST /_mock/faults takes: for one operation, the next Count calls (or
// every call, when Count is 0), each with probability Fraction (1 when 0), get an added
// latency, a declared error status, or a dropped connection.
type FaultSpec struct {
	Operation string  `json:"operation"`
	Status    int     `json:"status,omitempty"`
	LatencyMs int     `json:"latencyMs,omitempty"`
	Drop      bool    `json:"drop,omitempty"`
	Count     int     `json:"count,omitempty"`
	Fraction  float64 `json:"fraction,omitempty"`
}

// fault is an armed FaultSpec with the calls it has left.
type fault struct {
	FaultSpec
	Remaining int `json:"remaining,omitempty"` // for Count > 0
	Fired     int `json:"fired"`
}

// maxFaultLatency bounds injected latency, so a typo cannot hang a CI job.
const maxFaultLatency = 60_000

// checkFault validates a fault request against the spec: the operation exists and the
// status is one of its declared error statuses.
func checkFault(sp *spec.Spec, f FaultSpec) error {
	route := sp.Operation(f.Operation)
	switch {
	case route == nil:
		return unknownOperation(sp, f.Operation)
	case f.Status == 0 && f.LatencyMs == 0 && !f.Drop:
		return errorf(api.ErrorCodeInvalidArgument, "a fault needs status, latencyMs or drop")
	case f.Status != 0 && (f.Status < 400 || !route.Declares(f.Status)):
		return errorf(api.ErrorCodeInvalidArgument, "status: %s declares no error status %d; declared: %s",
			f.Operation, f.Status, statusList(route, 400))
	case f.Status != 0 && f.Drop:
		return errorf(api.ErrorCodeInvalidArgument, "status and drop exclude each other")
	case f.LatencyMs < 0 || f.LatencyMs > maxFaultLatency:
		return errorf(api.ErrorCodeInvalidArgument, "latencyMs: must be between 0 and %d", maxFaultLatency)
	case f.Count < 0:
		return errorf(api.ErrorCodeInvalidArgument, "count: must be at least 0 (0 means every call)")
	case f.Fraction < 0 || f.Fraction > 1:
		return errorf(api.ErrorCodeInvalidArgument, "fraction: must be between 0 and 1")
	}
	return nil
}

// takeFault returns the fault to apply to this call of op, if any, and counts it.
// Callers hold se.mu.
func (se *session) takeFault(op string) *fault {
	for i, f := range se.faults {
		if f.Operation != op {
			continue
		}
		if f.Fraction > 0 && f.Fraction < 1 && se.uniform() >= f.Fraction {
			continue
		}
		f.Fired++
		if f.Count > 0 {
			f.Remaining--
			if f.Remaining == 0 {
				se.faults = append(se.faults[:i:i], se.faults[i+1:]...)
			}
		}
		return f
	}
	return nil
}

// uniform draws from the session's random stream (deterministic under --seed).
func (se *session) uniform() float64 {
	var b [8]byte
	_, _ = se.rand.Read(b[:])
	return float64(binary.LittleEndian.Uint64(b[:])>>11) / (1 << 53)
}

// faultError is the body of an injected error status: the code Connect pairs with it.
func faultError(f *fault) *Error {
	code := map[int]api.ErrorCode{
		400: api.ErrorCodeInvalidArgument, 401: api.ErrorCodeUnauthenticated, 403: api.ErrorCodePermissionDenied,
		404: api.ErrorCodeNotFound, 409: api.ErrorCodeAborted, 415: api.ErrorCodeInvalidArgument,
		429: api.ErrorCodeResourceExhausted, 500: api.ErrorCodeInternal, 503: api.ErrorCodeUnavailable,
	}[f.Status]
	if code == "" {
		code = api.ErrorCodeUnknown
	}
	return &Error{Code: code, Status: f.Status, retryable: true,
		Message: fmt.Sprintf("fault injected by the mock: %s answers %d", f.Operation, f.Status)}
}

func (f *fault) describe() string {
	var parts []string
	if f.LatencyMs > 0 {
		parts = append(parts, "latency "+(time.Duration(f.LatencyMs)*time.Millisecond).String())
	}
	if f.Status != 0 {
		parts = append(parts, "status "+strconv.Itoa(f.Status))
	}
	if f.Drop {
		parts = append(parts, "drop")
	}
	return strings.Join(parts, ", ")
}

func unknownOperation(sp *spec.Spec, op string) error {
	var ops []string
	for _, r := range sp.Operations() {
		ops = append(ops, r.OperationID())
	}
	return errorf(api.ErrorCodeInvalidArgument, "operation: unknown operation %q; known: %s", op, strings.Join(ops, ", "))
}

func statusList(r *spec.Route, from int) string {
	var out []string
	for _, s := range r.Statuses {
		if s >= from {
			out = append(out, strconv.Itoa(s))
		}
	}
	return strings.Join(out, ", ")
}

// dropConnection closes the client's connection without an answer.
func dropConnection(w http.ResponseWriter) error {
	hj, ok := w.(http.Hijacker)
	if !ok {
		return fmt.Errorf("cannot drop the connection: %T is not a Hijacker", w)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return err
	}
	return conn.Close()
}
