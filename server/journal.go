package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// DefaultJournalSize is how many requests each session's journal keeps (the oldest go first).
const DefaultJournalSize = 1000

// JournalEntry is one API request as the mock saw and answered it. Secrets are redacted:
// the Authorization header is never kept, `clientSecret` is masked anywhere in a body, and
// so is the top-level `token` of responses (the SCIM bearer token).
type JournalEntry struct {
	Seq                int             `json:"seq"`
	Time               time.Time       `json:"time"`
	Operation          string          `json:"operation"`
	Method             string          `json:"method"`
	Path               string          `json:"path"`
	Query              string          `json:"query,omitempty"`
	Status             int             `json:"status"`
	Code               string          `json:"code,omitempty"`
	Request            json.RawMessage `json:"request,omitempty"`
	Response           json.RawMessage `json:"response,omitempty"`
	RequestViolations  []string        `json:"requestViolations,omitempty"`
	ResponseViolations []string        `json:"responseViolations,omitempty"`
	Fault              string          `json:"fault,omitempty"`
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
	reqBody, respBody []byte
}

func (j *journal) add(e JournalEntry, reqBody, respBody []byte) {
	j.seq++
	e.Seq = j.seq
	j.entries = append(j.entries, journalRecord{entry: e, reqBody: reqBody, respBody: respBody})
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

// list returns the entries, oldest first, optionally only those of one operation.
func (j *journal) list(operation string) []JournalEntry {
	kept := j.kept()
	out := make([]JournalEntry, 0, len(kept))
	for _, r := range kept {
		if operation != "" && r.entry.Operation != operation {
			continue
		}
		e := r.entry
		e.Request = redactBody(r.reqBody, false)
		e.Response = redactBody(r.respBody, true)
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

const redacted = "[redacted]"

// redactBody returns body as JSON with secrets masked. topToken masks a top-level "token"
// (responses carrying a SCIM bearer token). A body that is not JSON is described, not kept.
func redactBody(body []byte, topToken bool) json.RawMessage {
	if len(body) == 0 {
		return nil
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		b, _ := json.Marshal(fmt.Sprintf("<%d bytes, not JSON>", len(body)))
		return b
	}
	if m, ok := v.(map[string]any); ok && topToken {
		if _, has := m["token"]; has {
			m["token"] = redacted
		}
	}
	maskKey(v, "clientSecret")
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // no \u003c escapes in stored bodies
	if err := enc.Encode(v); err != nil {
		return nil
	}
	return bytes.TrimRight(buf.Bytes(), "\n")
}

func maskKey(v any, key string) {
	switch x := v.(type) {
	case map[string]any:
		for k, sub := range x {
			if k == key {
				x[k] = redacted
				continue
			}
			maskKey(sub, key)
		}
	case []any:
		for _, sub := range x {
			maskKey(sub, key)
		}
	}
}
