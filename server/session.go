package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"io"
	mathrand "math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/gitpod-mock/orgmock/server/api"
	"github.com/gitpod-mock/orgmock/server/store"
)

// SessionHeader names the test session a request belongs to. Each session has its own copy of
// the fixture state, journal, coverage, faults and clock; no header means the default session.
const SessionHeader = "X-Mock-Session"

// DefaultSessionTTL is how long an idle named session lives unless Options say otherwise.
const DefaultSessionTTL = 30 * time.Minute

// sessionNameChars are what a session name may be made of, besides letters and digits.
const sessionNameChars = "._:/-"

// session is one isolated world: state, journal, coverage, faults and clock.
type session struct {
	name string
	rand io.Reader // deterministic under --seed
	clk  *clock

	mu       sync.Mutex
	st       *store.Store
	journal  journal
	coverage map[string]map[int]int // operationId -> status -> count
	faults   []*fault
	lastUsed time.Time
}

func (se *session) store() *store.Store {
	se.mu.Lock()
	defer se.mu.Unlock()
	return se.st
}

// sessions creates sessions on first use, each from the same validated fixture data (a few
// records: building one costs microseconds), and drops named ones idle for longer than ttl.
type sessions struct {
	data      store.Data
	seed      *uint64
	clockAt   *time.Time
	ttl       time.Duration
	now       func() time.Time // real time, for idleness
	journalAt int              // journal capacity

	mu        sync.Mutex
	m         map[string]*session
	lastSweep time.Time
}

func (ss *sessions) get(name string) (*session, error) {
	if name != "" && !plainName(name, sessionNameChars) {
		return nil, errorf(api.ErrorCodeInvalidArgument,
			"%s: must be 1 to 128 letters, digits or ._:/- characters", SessionHeader)
	}
	now := ss.now()
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.ttl > 0 && now.Sub(ss.lastSweep) > ss.ttl/4 {
		for k, se := range ss.m {
			se.mu.Lock()
			idle := now.Sub(se.lastUsed)
			se.mu.Unlock()
			if k != "" && idle > ss.ttl {
				delete(ss.m, k)
			}
		}
		ss.lastSweep = now
	}
	se := ss.m[name]
	if se == nil {
		var err error
		if se, err = ss.newSession(name); err != nil {
			return nil, err
		}
		ss.m[name] = se
	}
	se.mu.Lock()
	se.lastUsed = now
	se.mu.Unlock()
	return se, nil
}

// count reports how many sessions exist (for tests and the startup line).
func (ss *sessions) count() int {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return len(ss.m)
}

func (ss *sessions) newSession(name string) (*session, error) {
	se := &session{name: name, coverage: map[string]map[int]int{}}
	se.journal.max = ss.journalAt
	if ss.seed != nil {
		// Each session draws from its own stream, derived from the seed and its name, so
		// sessions do not perturb each other and a run replays byte for byte.
		key := sha256.Sum256(fmt.Appendf(nil, "%d/%s", *ss.seed, name))
		se.rand = &lockedReader{r: mathrand.NewChaCha8(key)}
	} else {
		se.rand = rand.Reader
	}
	if ss.clockAt != nil {
		se.clk = &clock{t: *ss.clockAt}
	}
	st, err := store.New(ss.data, se.storeOptions())
	if err != nil {
		return nil, err
	}
	se.st = st
	return se, nil
}

// storeOptions are the options of every store of the session: its random stream and clock.
func (se *session) storeOptions() store.Options {
	opts := store.Options{Rand: se.rand}
	if se.clk != nil {
		opts.Now = se.clk.Now
	}
	return opts
}

// clock is a fake clock: it stands still until the control plane moves it.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// lockedReader makes a deterministic generator safe for concurrent use.
type lockedReader struct {
	mu sync.Mutex
	r  io.Reader
}

func (l *lockedReader) Read(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Read(p)
}

// storeOf is the store of the request's session.
func (s *Server) storeOf(ctx context.Context) *store.Store {
	if cl := callOf(ctx); cl != nil && cl.se != nil {
		return cl.se.store()
	}
	return s.Store()
}

// now is the session's time: its fake clock under --clock, else the real one.
func (se *session) now() time.Time {
	if se.clk != nil {
		return se.clk.Now()
	}
	return time.Now().UTC()
}

// record adds a finished call to the journal and the coverage. respBody is copied: the
// caller's buffer is reused.
func (se *session) record(req *http.Request, status int, cl *call, respBody []byte) {
	op := cl.route.OperationID()
	e := JournalEntry{
		Time:               cl.at,
		Operation:          op,
		Method:             req.Method,
		Path:               req.URL.Path,
		Query:              req.URL.RawQuery,
		Status:             status,
		RequestViolations:  cl.reqViolations,
		ResponseViolations: cl.respViolations,
		Fault:              cl.fault,
	}
	resp := append([]byte(nil), respBody...)
	se.mu.Lock()
	defer se.mu.Unlock()
	se.journal.add(e, cl.reqBody, resp)
	if status != 0 {
		if se.coverage[op] == nil {
			se.coverage[op] = map[int]int{}
		}
		se.coverage[op][status]++
	}
}
