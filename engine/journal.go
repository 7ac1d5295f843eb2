package engine

import (
	"encoding/json"
	"time"

	"github.com/gitpod-mock/orgmock/engine/spec"
)

// JournalEntry is one API request as the engine saw and answered it. Secrets are redacted:
// the Authorization header is never kept, and every field the document marks secret reads
// "[redacted]" in bodies, whatever the spelling of its name.
type JournalEntry struct {
	Seq                int             `json:"seq"`                          // 1 for the session's first call
	Time               time.Time       `json:"time"`                         // the session's time of the call
	Operation          string          `json:"operation"`                    // the operationId
	Method             string          `json:"method"`                       // the HTTP method
	Path               string          `json:"path"`                         // the URL path
	Query              string          `json:"query,omitempty"`              // the raw query string
	Status             int             `json:"status"`                       // 0 when a fault dropped the connection
	Code               string          `json:"code,omitempty"`               // the Connect code of an error answer
	Request            json.RawMessage `json:"request,omitempty"`            // the body sent (a string when not JSON)
	Response           json.RawMessage `json:"response,omitempty"`           // the body answered
	RequestViolations  []string        `json:"requestViolations,omitempty"`  // why the request was refused
	ResponseViolations []string        `json:"responseViolations,omitempty"` // why the answer became a 500
	Fault              string          `json:"fault,omitempty"`              // the fault applied, if any
}

// record adds a finished call to its session's journal and coverage (status 0: dropped).
func (s *Server) record(c *call, status int) {
	se := c.se
	if se == nil {
		return // refused before a session was known (a bad session name)
	}
	e := JournalEntry{
		Time:               c.at,
		Operation:          c.route.OperationID(),
		Method:             c.req.Method,
		Path:               c.req.URL.Path,
		Query:              c.req.URL.RawQuery,
		Status:             status,
		RequestViolations:  c.reqViolations,
		ResponseViolations: c.respViolations,
		Fault:              c.fault,
	}
	var resp []byte
	if status != 0 {
		resp = append([]byte(nil), c.rec.buf.Bytes()...) // the recorder's buffer is reused
	}
	se.mu.Lock()
	defer se.mu.Unlock()
	se.journal.add(e, c.route, c.reqBody, resp)
	if status != 0 {
		se.coverage.add(e.Operation, status)
	}
}

// journal is a bounded log of a session's requests. It keeps the raw bodies and redacts
// them only when read, so the hot path does no JSON work for it.
type journal struct {
	max     int
	seq     int
	entries []journalRecord
}

type journalRecord struct {
	entry             JournalEntry // without Request, Response and Code
	route             *spec.Route  // which fields are secret
	reqBody, respBody []byte
}

func (j *journal) add(e JournalEntry, route *spec.Route, reqBody, respBody []byte) {
	j.seq++
	e.Seq = j.seq
	j.entries = append(j.entries, journalRecord{entry: e, route: route, reqBody: reqBody, respBody: respBody})
	// Trim in one copy once twice the capacity is reached: amortised O(1) per call
	// (trimming on every call copied the whole journal each time).
	if j.max > 0 && len(j.entries) >= 2*j.max {
		j.entries = append(make([]journalRecord, 0, 2*j.max), j.entries[len(j.entries)-j.max:]...)
	}
}

// kept returns the records within capacity, oldest first.
func (j *journal) kept() []journalRecord {
	if j.max > 0 && len(j.entries) > j.max {
		return j.entries[len(j.entries)-j.max:]
	}
	return j.entries
}

func (j *journal) clear() { j.entries = nil }

// list returns the entries, oldest first, optionally only those of one operation.
func (j *journal) list(operation string) []JournalEntry {
	kept := j.kept()
	out := make([]JournalEntry, 0, len(kept))
	for _, r := range kept {
		if operation != "" && r.entry.Operation != operation {
			continue
		}
		e := r.entry
		e.Request = r.route.RedactRequest(r.reqBody)
		e.Response = r.route.RedactResponse(e.Status, r.respBody)
		if e.Status >= 400 {
			var ce struct {
				Code string `json:"code"`
			}
			if json.Unmarshal(r.respBody, &ce) == nil {
				e.Code = ce.Code
			}
		}
		out = append(out, e)
	}
	return out
}
