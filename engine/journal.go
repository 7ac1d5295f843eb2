package engine

import (
	"encoding/json"
	"fmt"
	"sort"
	"sync"
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
	Protocol           string          `json:"protocol"`                     // how the call arrived, e.g. "grpc+proto" (see classify)
	Method             string          `json:"method"`                       // the HTTP method the pipeline served
	Path               string          `json:"path"`                         // the URL path
	Query              string          `json:"query,omitempty"`              // the raw query string
	Status             int             `json:"status"`                       // 0 when a fault dropped the connection
	Code               string          `json:"code,omitempty"`               // the Connect code of an error answer
	Request            json.RawMessage `json:"request,omitempty"`            // the body sent (a string when not JSON or not kept)
	RequestBytes       int             `json:"requestBytes"`                 // the size of the body sent
	Response           json.RawMessage `json:"response,omitempty"`           // the body answered
	RequestViolations  []string        `json:"requestViolations,omitempty"`  // why the request was refused
	ResponseViolations []string        `json:"responseViolations,omitempty"` // why the answer became a 500
	Fault              string          `json:"fault,omitempty"`              // the fault applied, if any
}

// Bounds of the journal.
const (
	// DefaultJournalBytes is what the bodies of all journals may hold together.
	DefaultJournalBytes = 64 << 20
	// keptRefused is the largest body of a refused request a journal keeps; a larger one is
	// recorded by its size only (its prefix could not be shown: it might cut a secret in half).
	keptRefused = 4 << 10
	// entryCost is what an entry costs besides its bodies, for the budget.
	entryCost = 512
)

// record adds a finished call to its session's journal and coverage (status 0: dropped).
func (s *Server) record(c *call, status int) {
	se := c.se
	if se == nil {
		return // refused before a session was known (a bad name, or no admission)
	}
	e := JournalEntry{
		Time:               c.at,
		Operation:          c.route.OperationID(),
		Protocol:           protocolOf(c.req),
		Method:             c.req.Method,
		Path:               c.req.URL.Path,
		Query:              c.req.URL.RawQuery,
		Status:             status,
		RequestBytes:       len(c.reqBody),
		RequestViolations:  c.reqViolations,
		ResponseViolations: c.respViolations,
		Fault:              c.fault,
	}
	req := c.reqBody
	if !c.handled && len(req) > keptRefused {
		req = nil // a body the backend never saw (refused, say) is kept only when small
	}
	var resp []byte
	if status != 0 {
		resp = append([]byte(nil), c.rec.buf.Bytes()...) // the recorder's buffer is reused
	}
	se.mu.Lock()
	seq, added, freed, dropped := se.journal.add(e, c.route, req, resp)
	se.notifyLocked()
	if status != 0 {
		se.coverage.add(e.Operation, status)
	}
	se.mu.Unlock()
	s.sessions.journals.release(freed, dropped)
	s.sessions.journals.added(se, seq, added)
}

// journal is a bounded log of a session's requests. It keeps the raw bodies and redacts
// them only when read, so the hot path does no JSON work for it.
type journal struct {
	max     int // entries
	seq     int
	clears  int   // how often it was cleared (the event streams tell their clients)
	bytes   int64 // what the kept entries cost
	entries []journalRecord
	first   int // entries[first:] are kept
}

type journalRecord struct {
	entry             JournalEntry // without Request, Response and Code
	route             *spec.Route  // which fields are secret
	reqBody, respBody []byte
}

func (r *journalRecord) cost() int64 { return int64(len(r.reqBody) + len(r.respBody) + entryCost) }

// add appends an entry and returns its seq, what it costs, and what trimming the journal to
// its capacity freed (bytes and entries).
func (j *journal) add(e JournalEntry, route *spec.Route, reqBody, respBody []byte) (seq int, added, freed int64, dropped int) {
	j.seq++
	e.Seq = j.seq
	r := journalRecord{entry: e, route: route, reqBody: reqBody, respBody: respBody}
	j.entries = append(j.entries, r)
	j.bytes += r.cost()
	for j.max > 0 && len(j.entries)-j.first > j.max {
		freed += j.dropOldest()
		dropped++
	}
	return e.Seq, r.cost(), freed, dropped
}

// dropOldest forgets the oldest kept entry and returns its cost. The slice is compacted in
// one copy once half of it is forgotten: amortised O(1) per entry.
func (j *journal) dropOldest() int64 {
	if j.first >= len(j.entries) {
		return 0
	}
	c := j.entries[j.first].cost()
	j.entries[j.first] = journalRecord{}
	j.first++
	j.bytes -= c
	if j.first > len(j.entries)/2 {
		j.entries = append([]journalRecord(nil), j.entries[j.first:]...)
		j.first = 0
	}
	return c
}

// oldest is the seq of the oldest kept entry, 0 when there is none.
func (j *journal) oldest() int {
	if j.first >= len(j.entries) {
		return 0
	}
	return j.entries[j.first].entry.Seq
}

// clear forgets every entry and returns what they cost, and how many there were.
func (j *journal) clear() (freed int64, dropped int) {
	freed, dropped = j.bytes, len(j.entries)-j.first
	j.entries, j.first, j.bytes = nil, 0, 0
	j.clears++
	return freed, dropped
}

// kept returns a copy of the kept records with seq > since, oldest first, at most limit of
// them (0: all), optionally only those of one operation.
func (j *journal) kept(operation string, status statusFilter, since, limit int) []journalRecord {
	var out []journalRecord
	kept := j.entries[j.first:]
	// Seqs only grow: skip those up to since without looking at each (the event streams
	// ask this on every call recorded).
	kept = kept[sort.Search(len(kept), func(i int) bool { return kept[i].entry.Seq > since }):]
	for _, r := range kept {
		if (operation != "" && r.entry.Operation != operation) || !status.match(r.entry.Status) {
			continue
		}
		out = append(out, r)
		if limit > 0 && len(out) == limit {
			break
		}
	}
	return out
}

// view is the entry as the journal shows it: bodies redacted, the code of an error answer.
func (r *journalRecord) view() JournalEntry {
	e := r.entry
	switch {
	case r.reqBody != nil:
		e.Request = r.route.RedactRequest(r.reqBody)
	case e.RequestBytes > 0:
		e.Request, _ = json.Marshal(fmt.Sprintf("<%d bytes, not kept>", e.RequestBytes))
	}
	e.Response = r.route.RedactResponse(e.Status, r.respBody)
	if e.Status >= 400 {
		var ce struct {
			Code string `json:"code"`
		}
		if json.Unmarshal(r.respBody, &ce) == nil {
			e.Code = ce.Code
		}
	}
	return e
}

// list returns the kept entries as shown, oldest first.
func (j *journal) list(operation string) []JournalEntry {
	kept := j.kept(operation, statusFilter{}, 0, 0)
	out := make([]JournalEntry, 0, len(kept))
	for i := range kept {
		out = append(out, kept[i].view())
	}
	return out
}

// journals is the byte budget all sessions' journals share (Limits.JournalBytes): when the
// bodies they keep cost more, the oldest entries, across sessions, go first.
type journals struct {
	mu    sync.Mutex
	max   int64
	used  int64
	order []journalRef // every entry added, oldest first; some already gone (skipped)
	live  int          // entries of order still kept
}

// journalRef names one entry of one session.
type journalRef struct {
	se  *session
	seq int
}

func newJournals(max int64) *journals { return &journals{max: max} }

// added accounts for an entry just added, then drops the oldest entries until the budget
// holds again. Callers hold no session lock.
func (js *journals) added(se *session, seq int, cost int64) {
	js.mu.Lock()
	defer js.mu.Unlock()
	js.used += cost
	js.order = append(js.order, journalRef{se, seq})
	js.live++
	for js.max > 0 && js.used > js.max && len(js.order) > 0 {
		ref := js.order[0]
		js.order = js.order[1:]
		ref.se.mu.Lock()
		if ref.se.journal.oldest() == ref.seq {
			js.used -= ref.se.journal.dropOldest()
		}
		ref.se.mu.Unlock()
		js.live--
	}
	// Entries gone another way (a session's own capacity, a clear, an eviction) leave their
	// references behind: compact once they outnumber the live ones.
	if len(js.order) > 2*js.live+1024 {
		kept := js.order[:0:0]
		for _, ref := range js.order {
			ref.se.mu.Lock()
			gone := ref.seq < ref.se.journal.oldest() || ref.se.journal.oldest() == 0
			ref.se.mu.Unlock()
			if !gone {
				kept = append(kept, ref)
			}
		}
		js.order, js.live = kept, len(kept)
	}
}

// release gives back what entries dropped another way cost.
func (js *journals) release(freed int64, dropped int) {
	if dropped == 0 {
		return
	}
	js.mu.Lock()
	js.used -= freed
	js.live -= dropped
	js.mu.Unlock()
}

// usage reports what the journals hold, for tests.
func (js *journals) usage() int64 {
	js.mu.Lock()
	defer js.mu.Unlock()
	return js.used
}
