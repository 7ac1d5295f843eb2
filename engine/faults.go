package engine

import (
	"encoding/binary"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gitpod-mock/orgmock/engine/connect"
	"github.com/gitpod-mock/orgmock/engine/spec"
)

// FaultSpec is what POST /_mock/faults takes: for one operation, the next Count calls (or
// every call, when Count is 0), each with probability Fraction (1 when 0), get an added
// latency, a declared error status, or a dropped connection.
type FaultSpec struct {
	Operation string  `json:"operation"`           // the operationId
	Status    int     `json:"status,omitempty"`    // an error status the operation declares
	LatencyMs int     `json:"latencyMs,omitempty"` // added before the answer, up to 60000
	Drop      bool    `json:"drop,omitempty"`      // close the connection without an answer
	Count     int     `json:"count,omitempty"`     // how many calls; 0 is every call
	Fraction  float64 `json:"fraction,omitempty"`  // the probability per call; 0 is 1
}

// fault is an armed FaultSpec with the calls it has left.
type fault struct {
	FaultSpec
	Remaining int // for Count > 0
	Fired     int
}

// MaxFaultLatency bounds injected latency, so a typo cannot hang a CI job. A server must
// give a response longer than this to be written (http.Server.WriteTimeout), or a delayed
// answer becomes a silent drop.
const MaxFaultLatency = 60 * time.Second

// maxFaultLatency is MaxFaultLatency in the unit of FaultSpec.LatencyMs.
const maxFaultLatency = int(MaxFaultLatency / time.Millisecond)

// injectFault applies the session's armed fault for the operation, if any: it waits, then
// drops the connection or answers the fault's status.
func (s *Server) injectFault(c *call) error {
	c.se.mu.Lock()
	f := c.se.takeFault(c.route.OperationID())
	c.se.mu.Unlock()
	if f == nil {
		return nil
	}
	c.fault = f.describe()
	if f.LatencyMs > 0 {
		select {
		case <-time.After(time.Duration(f.LatencyMs) * time.Millisecond):
		case <-c.req.Context().Done():
		}
	}
	if f.Drop {
		c.dropped, c.answered = true, true
		return nil
	}
	if f.Status != 0 {
		return statusError(c.route, f.Status, "fault injected by the mock")
	}
	return nil
}

// statusError is the answer of an injected or preferred error status: the code Connect pairs
// with it. It is retryable: faults are meant to exercise the client's retries.
func statusError(r *spec.Route, status int, why string) *connect.Error {
	return &connect.Error{Code: connect.CodeOf(status), Status: status, Retryable: true,
		Message: fmt.Sprintf("%s: %s answers %d", why, r.OperationID(), status)}
}

// checkFault validates a fault request against the spec: the operation exists and the
// status is one of its declared error statuses.
func checkFault(sp *spec.Spec, f FaultSpec) error {
	route := sp.Operation(f.Operation)
	switch {
	case route == nil:
		return unknownOperation(sp, f.Operation)
	case f.Status == 0 && f.LatencyMs == 0 && !f.Drop:
		return connect.Errorf(connect.InvalidArgument, "a fault needs status, latencyMs or drop")
	case f.Status != 0 && (f.Status < 400 || !route.Declares(f.Status)):
		return connect.Errorf(connect.InvalidArgument, "status: %s declares no error status %d; declared: %s",
			f.Operation, f.Status, route.StatusList(400))
	case f.Status != 0 && f.Drop:
		return connect.Errorf(connect.InvalidArgument, "status and drop exclude each other")
	case f.LatencyMs < 0 || f.LatencyMs > maxFaultLatency:
		return connect.Errorf(connect.InvalidArgument, "latencyMs: must be between 0 and %d", maxFaultLatency)
	case f.Count < 0:
		return connect.Errorf(connect.InvalidArgument, "count: must be at least 0 (0 means every call)")
	case f.Fraction < 0 || f.Fraction > 1:
		return connect.Errorf(connect.InvalidArgument, "fraction: must be between 0 and 1")
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

// uniform draws from the session's random stream (deterministic under Config.Seed).
func (se *session) uniform() float64 {
	var b [8]byte
	_, _ = se.rand.Read(b[:])
	return float64(binary.LittleEndian.Uint64(b[:])>>11) / (1 << 53)
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
	return connect.Errorf(connect.InvalidArgument, "operation: unknown operation %q; known: %s",
		op, strings.Join(sp.OperationIDs(), ", "))
}

// dropConnection closes the client's connection without an answer.
func dropConnection(w http.ResponseWriter) error {
	hj, ok := w.(http.Hijacker)
	if !ok {
		// HTTP/2, or a writer the transcoder wraps: net/http resets the stream (or closes
		// the connection) when a handler panics with ErrAbortHandler, and logs nothing.
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return err
	}
	return conn.Close()
}
