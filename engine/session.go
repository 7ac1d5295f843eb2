package engine

import (
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"io"
	"log/slog"
	mathrand "math/rand/v2"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gitpod-mock/orgmock/engine/connect"
	"github.com/gitpod-mock/orgmock/engine/rfc3339"
)

// SessionHeader names the test session a request belongs to. Each session has its own copy of
// the state, journal, coverage, faults and clock; no header means the default session.
const SessionHeader = "X-Mock-Session"

// sessionNameChars are what a session name may be made of, besides letters and digits.
const sessionNameChars = "._:/-"

// openSession finds the call's session and the state it acts on. A session that does not
// exist yet is not made here: the call is checked against a fresh state, and admitSession
// makes the session once the caller is authenticated, so that unauthenticated callers
// cannot fill memory with sessions.
func (s *Server) openSession(c *call) error {
	if se := s.sessions.lookup(c.req.Header.Get(SessionHeader)); se != nil {
		s.enter(c, se)
		return nil
	}
	c.pending = true
	c.state = s.sessions.template
	return nil
}

// admitSession makes the session of an authenticated call that names a new one.
func (s *Server) admitSession(c *call) error {
	if !c.pending {
		return nil
	}
	se, err := s.sessions.get(c.req.Header.Get(SessionHeader))
	if err != nil {
		return err
	}
	c.pending = false
	s.enter(c, se)
	// The call was authenticated against a fresh state: the session's own must agree (it
	// is fresh too, unless another call changed it meanwhile).
	if c.route.Secured {
		return s.authenticate(c)
	}
	return nil
}

// enter makes se the call's session; leave is deferred by the caller of serve.
func (s *Server) enter(c *call, se *session) {
	se.calls.Add(1)
	c.se, c.state, c.at = se, se.current(), se.now()
}

// leave ends the call's use of its session.
func (c *call) leave() {
	if c.se != nil {
		c.se.calls.Add(-1)
	}
}

// SessionName is the session a name given in X-Mock-Session stands for. A name of 1 to 128
// letters, digits or ._:/- characters stands for itself; any other string (a Go subtest's
// name such as "TestX/#01" or "TestX/tenant=1", non-ASCII letters, a longer name) for a
// readable and unique one: each other character becomes "_", the result is cut to fit, and
// a hash of the whole string is appended ("TestX/tenant_1-3e9a0c51b2"). The server applies it
// to every name it receives, so a client may send t.Name() as it is.
func SessionName(s string) string {
	if s == "" || plainName(s, sessionNameChars) {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	suffix := fmt.Sprintf("-%x", sum[:5])
	var b strings.Builder
	for _, r := range s {
		if b.Len() == 128-len(suffix) {
			break
		}
		if r < 0x80 && plainName(string(r), sessionNameChars) {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String() + suffix
}

// checkSessionName checks a name read back from the state file (names received are mapped by
// SessionName, so only a file edited by hand holds another).
func checkSessionName(name string) error {
	if name != "" && !plainName(name, sessionNameChars) {
		return connect.Errorf(connect.InvalidArgument,
			"%s: must be 1 to 128 letters, digits or %s characters", SessionHeader, sessionNameChars)
	}
	return nil
}

// session is one isolated world: state, journal, coverage, faults and clock.
type session struct {
	name  string
	rand  io.Reader    // deterministic under Config.Seed
	clk   *clock       // nil: the real clock
	calls atomic.Int32 // calls in flight: a session serving one is never evicted

	// write makes the changes of a session kept in the state file one at a time (see
	// beginChange); stored and dropped are guarded by it.
	write   sync.Mutex
	stored  bool // the state file holds the session (else it is Config.Data, untouched)
	kept    bool // there is a state file: the session's states track their changes
	dropped bool // the session ended: nothing of it is written any more

	mu       sync.Mutex
	state    State
	journal  journal
	changed  chan struct{} // closed when the journal changes (see journalChanged)
	gone     bool          // the session ended (TTL, eviction): its event streams end too
	coverage coverage
	faults   []*fault
	lastUsed time.Time

	dns zone // the session's TXT records (Env.LookupTXT)
}

// current is the session's state now (a reset or an import replaces it).
func (se *session) current() State {
	se.mu.Lock()
	defer se.mu.Unlock()
	return se.state
}

// env is what the session's states draw on.
func (se *session) env() Env {
	env := Env{Rand: se.rand, TrackChanges: se.kept, LookupTXT: se.dns.lookup}
	if se.clk != nil {
		env.Now = se.clk.Now
	}
	return env
}

// position is what the session's next answers draw on besides its state, for the state
// file: its random stream's position (under Config.Seed) and its fake clock (under
// Config.Clock); nil for what the session does not have.
func (se *session) position() (rand, clock []byte, err error) {
	if lr, ok := se.rand.(*lockedReader); ok {
		lr.mu.Lock()
		rand, err = lr.r.MarshalBinary()
		lr.mu.Unlock()
		if err != nil {
			return nil, nil, err
		}
	}
	if se.clk != nil {
		clock, _ = se.clk.Now().MarshalText() // the clock stays within years 1 to 9999
	}
	return rand, clock, nil
}

// now is the session's time: its fake clock under Config.Clock, else the real one.
func (se *session) now() time.Time {
	if se.clk != nil {
		return se.clk.Now()
	}
	return time.Now().UTC()
}

// sessions creates sessions on first use, each from the same data, drops named ones idle for
// longer than ttl, and holds at most max: making one more evicts the least recently used
// session that serves no call, or is refused.
type sessions struct {
	backend   Backend
	data      Data
	seed      *uint64
	clockAt   *time.Time
	ttl       time.Duration
	max       int
	now       func() time.Time // real time, for idleness
	journals  *journals        // the bytes all journals share
	journalAt int              // journal capacity, in entries
	// template is a state fresh from data: callers naming a session that does not exist
	// yet are authenticated against it. It is never changed (only Authenticate is called).
	template State
	db       *stateDB     // nil without Config.StateFile
	log      *slog.Logger // for what happens to sessions outside a call

	mu        sync.Mutex
	m         map[string]*session
	lastSweep time.Time
}

func newSessions(cfg Config) (*sessions, error) {
	ss := &sessions{backend: cfg.Backend, data: cfg.Data, seed: cfg.Seed, clockAt: cfg.Clock,
		ttl: cfg.Limits.SessionTTL, max: cfg.Limits.MaxSessions, now: time.Now,
		journals: newJournals(cfg.Limits.JournalBytes), journalAt: cfg.Limits.JournalSize,
		m: map[string]*session{}}
	tpl, err := cfg.Backend.NewState(cfg.Data, Env{Rand: rand.Reader})
	if err != nil {
		return nil, err
	}
	ss.template = tpl
	return ss, nil
}

// lookup returns an existing session (and marks it used), or nil.
func (ss *sessions) lookup(name string) *session {
	name = SessionName(name)
	now := ss.now()
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.sweep(now)
	se := ss.m[name]
	if se != nil {
		se.mu.Lock()
		se.lastUsed = now
		se.mu.Unlock()
	}
	return se
}

// get returns the session, making it when it does not exist.
func (ss *sessions) get(name string) (*session, error) {
	name = SessionName(name)
	now := ss.now()
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.sweep(now)
	se := ss.m[name]
	if se == nil {
		if ss.max > 0 && len(ss.m) >= ss.max && !ss.evictOne() {
			return nil, connect.Errorf(connect.ResourceExhausted,
				"%s: %d sessions exist, the most allowed (--max-sessions), and every one is serving a call; "+
					"end some, or raise the limit", SessionHeader, len(ss.m))
		}
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

// sweep drops named sessions idle for longer than ttl, every ttl/4. Callers hold ss.mu.
func (ss *sessions) sweep(now time.Time) {
	if ss.ttl <= 0 || now.Sub(ss.lastSweep) <= ss.ttl/4 {
		return
	}
	for k, se := range ss.m {
		se.mu.Lock()
		idle := now.Sub(se.lastUsed)
		se.mu.Unlock()
		if k != "" && idle > ss.ttl && se.calls.Load() == 0 {
			ss.drop(k, se)
		}
	}
	ss.lastSweep = now
}

// evictOne drops the least recently used named session that serves no call; false when
// there is none. Callers hold ss.mu.
func (ss *sessions) evictOne() bool {
	var (
		victim string
		oldest time.Time
		found  bool
	)
	for k, se := range ss.m {
		if k == "" || se.calls.Load() > 0 {
			continue
		}
		se.mu.Lock()
		used := se.lastUsed
		se.mu.Unlock()
		if !found || used.Before(oldest) {
			victim, oldest, found = k, used, true
		}
	}
	if found {
		ss.drop(victim, ss.m[victim])
	}
	return found
}

// drop forgets a session, in the state file too, and gives back what its journal held.
// Callers hold ss.mu.
func (ss *sessions) drop(name string, se *session) {
	delete(ss.m, name)
	if ss.db != nil {
		se.write.Lock()
		se.dropped = true
		if err := ss.db.drop(name); err != nil {
			ss.log.Error("state file: an ended session could not be removed; it comes back at the next start",
				"path", ss.db.path, "session", name, "error", err)
		}
		se.write.Unlock()
	}
	se.mu.Lock()
	freed, dropped := se.journal.clear()
	se.gone = true
	se.notifyLocked()
	se.mu.Unlock()
	ss.journals.release(freed, dropped)
}

// count reports how many sessions exist.
// names lists the sessions' names, the default one first, then in order.
func (ss *sessions) names() []string {
	ss.mu.Lock()
	out := make([]string, 0, len(ss.m))
	for name := range ss.m {
		out = append(out, name)
	}
	ss.mu.Unlock()
	sort.Strings(out) // "" sorts first
	return out
}

func (ss *sessions) count() int {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return len(ss.m)
}

// restore makes a session the state file holds, in the place of a new one.
func (ss *sessions) restore(st storedSession, b Backend) error {
	se := ss.makeSession(st.name)
	if st.clock != nil && se.clk != nil {
		var t time.Time
		if err := t.UnmarshalText(st.clock); err != nil || !rfc3339.InRange(t) {
			return fmt.Errorf("clock: %q is not an RFC 3339 time within %s", st.clock, rfc3339.Range)
		}
		se.clk.set(t)
	}
	data, err := b.Load(st.records)
	if err != nil {
		return err
	}
	// The state draws its keys from the stream's start, as when the session was made (page
	// tokens stay valid); then the stream goes on from where it stood (under Config.Seed),
	// so that IDs do not repeat. Without a seed now, the stream is crypto/rand's.
	if se.state, err = b.NewState(data, se.env()); err != nil {
		return err
	}
	if lr, ok := se.rand.(*lockedReader); ok && st.rand != nil {
		if err := lr.r.UnmarshalBinary(st.rand); err != nil {
			return fmt.Errorf("random stream: %w", err)
		}
	}
	se.stored = true
	se.lastUsed = ss.now()
	ss.mu.Lock()
	ss.m[st.name] = se
	ss.mu.Unlock()
	return nil
}

func (ss *sessions) newSession(name string) (*session, error) {
	se := ss.makeSession(name)
	st, err := ss.backend.NewState(ss.data, se.env())
	if err != nil {
		return nil, err
	}
	se.state = st
	return se, nil
}

// makeSession makes a session without a state.
func (ss *sessions) makeSession(name string) *session {
	se := &session{name: name, coverage: coverage{}, kept: ss.db != nil}
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
	return se
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
	r  *mathrand.ChaCha8
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
