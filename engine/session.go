package engine

import (
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"io"
	mathrand "math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/gitpod-mock/orgmock/engine/connect"
)

// SessionHeader names the test session a request belongs to. Each session has its own copy of
// the state, journal, coverage, faults and clock; no header means the default session.
const SessionHeader = "X-Mock-Session"

// sessionNameChars are what a session name may be made of, besides letters and digits.
const sessionNameChars = "._:/-"

// openSession finds the call's session (creating it on first use) and the state it acts on.
func (s *Server) openSession(c *call) error {
	se, err := s.sessions.get(c.req.Header.Get(SessionHeader))
	if err != nil {
		return err
	}
	c.se, c.state, c.at = se, se.current(), se.now()
	return nil
}

// session is one isolated world: state, journal, coverage, faults and clock.
type session struct {
	name string
	rand io.Reader // deterministic under Config.Seed
	clk  *clock    // nil: the real clock

	mu       sync.Mutex
	state    State
	journal  journal
	coverage coverage
	faults   []*fault
	lastUsed time.Time
}

// current is the session's state now (a reset or an import replaces it).
func (se *session) current() State {
	se.mu.Lock()
	defer se.mu.Unlock()
	return se.state
}

// env is what the session's states draw on.
func (se *session) env() Env {
	env := Env{Rand: se.rand}
	if se.clk != nil {
		env.Now = se.clk.Now
	}
	return env
}

// now is the session's time: its fake clock under Config.Clock, else the real one.
func (se *session) now() time.Time {
	if se.clk != nil {
		return se.clk.Now()
	}
	return time.Now().UTC()
}

// sessions creates sessions on first use, each from the same data, and drops named ones idle
// for longer than ttl.
type sessions struct {
	backend   Backend
	data      Data
	seed      *uint64
	clockAt   *time.Time
	ttl       time.Duration
	now       func() time.Time // real time, for idleness
	journalAt int              // journal capacity

	mu        sync.Mutex
	m         map[string]*session
	lastSweep time.Time
}

func newSessions(cfg Config) *sessions {
	return &sessions{backend: cfg.Backend, data: cfg.Data, seed: cfg.Seed, clockAt: cfg.Clock,
		ttl: cfg.Limits.SessionTTL, now: time.Now, journalAt: cfg.Limits.JournalSize, m: map[string]*session{}}
}

func (ss *sessions) get(name string) (*session, error) {
	if name != "" && !plainName(name, sessionNameChars) {
		return nil, connect.Errorf(connect.InvalidArgument,
			"%s: must be 1 to 128 letters, digits or %s characters", SessionHeader, sessionNameChars)
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

// count reports how many sessions exist.
func (ss *sessions) count() int {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return len(ss.m)
}

func (ss *sessions) newSession(name string) (*session, error) {
	se := &session{name: name, coverage: coverage{}}
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
	st, err := ss.backend.NewState(ss.data, se.env())
	if err != nil {
		return nil, err
	}
	se.state = st
	return se, nil
}

// clock is a fake clock: it stands still until the control plane moves it.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now is the clock's time.
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

// plainName reports whether s is 1 to 128 ASCII letters, digits and characters of extra.
// (A loop, not a regular expression: a {1,128} repetition compiles into a program of a few
// hundred KB at startup.)
func plainName(s, extra string) bool {
	if len(s) == 0 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(extra, c) >= 0) {
			return false
		}
	}
	return true
}
