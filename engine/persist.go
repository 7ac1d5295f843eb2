package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/gitpod-mock/orgmock/engine/connect"
)

// The state file (Config.StateFile) is a bbolt database: one bucket per session that has
// been changed, holding its records (the keys and values of State.Records) and what the
// session's next answers depend on besides them: its random stream's position and its fake
// clock. Every acknowledged change is one transaction, synced before the answer leaves, that
// writes only the records the change touched: its cost grows with the change, not with the
// state (O(log n) in the records kept). bbolt writes copy-on-write pages and a new meta page
// last, so a crash at any moment leaves the last committed transaction, and nothing else.
const (
	sessionBucketPrefix = "session:" // + the session's name ("" for the default session)
	recordsBucket       = "records"
	randKey             = "rand"  // the position of the session's random stream, under Config.Seed
	clockKey            = "clock" // the session's fake clock, under Config.Clock (RFC 3339)
)

// stateDB is the open state file. bbolt holds an exclusive lock on it for as long as it is
// open, so a second mock on the same file stops at startup.
type stateDB struct {
	path string
	db   *bbolt.DB
}

// storedSession is one session as the state file holds it.
type storedSession struct {
	name    string
	records []Record
	rand    []byte // nil without Config.Seed
	clock   []byte // nil without Config.Clock
}

// lockWait is how long startup waits for another process's lock on the state file.
const lockWait = 200 * time.Millisecond

// openStateDB opens (or creates) the state file. What stops startup, with a message that
// says so: a file another mock holds, one that is not a state database (it is left as it
// is), one that cannot be written.
func openStateDB(path string, maxBytes int64) (*stateDB, error) {
	if info, err := os.Stat(path); err == nil && info.Mode().IsRegular() && info.Size() > 0 {
		// bbolt would write to the file before it knows what it holds; a file that does
		// not open read-write is refused before that.
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			return nil, fmt.Errorf("state file %s cannot be written: %w", path, err)
		}
		f.Close()
	}
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{
		Timeout:      lockWait,
		FreelistType: bbolt.FreelistMapType,
		MaxSize:      int(maxBytes),
	})
	switch {
	case err == nil:
		return &stateDB{path: path, db: db}, nil
	case errors.Is(err, berrors.ErrTimeout):
		return nil, fmt.Errorf("state file %s is locked: another mock uses this state file", path)
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrVersionMismatch),
		errors.Is(err, berrors.ErrChecksum), strings.Contains(err.Error(), "file size too small"):
		return nil, fmt.Errorf("state file %s cannot be loaded (it is left as it is; fix or remove it): "+
			"it is not a state database of this mock (a JSON state document is imported with PUT %s/state, or given as fixtures)",
			path, ControlPrefix)
	case errors.Is(err, fs.ErrPermission):
		return nil, fmt.Errorf("state file %s cannot be written: %w", path, err)
	default:
		return nil, fmt.Errorf("state file %s: %w", path, err)
	}
}

// close releases the file and its lock.
func (d *stateDB) close() error { return d.db.Close() }

// load reads every stored session, in name order.
func (d *stateDB) load() ([]storedSession, error) {
	var out []storedSession
	err := d.db.View(func(tx *bbolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bbolt.Bucket) error {
			n, ok := strings.CutPrefix(string(name), sessionBucketPrefix)
			if !ok {
				return fmt.Errorf("unknown bucket %q", name)
			}
			st, err := readSession(n, b)
			out = append(out, st)
			return err
		})
	})
	return out, err
}

// loadSession reads one stored session; ok is false when the file holds none of it.
func (d *stateDB) loadSession(name string) (st storedSession, ok bool, err error) {
	err = d.db.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(sessionBucketPrefix + name))
		if b == nil {
			return nil
		}
		ok = true
		st, err = readSession(name, b)
		return err
	})
	return st, ok, err
}

// readSession copies a session's bucket out of its transaction.
func readSession(name string, b *bbolt.Bucket) (storedSession, error) {
	st := storedSession{name: name, rand: clone(b.Get([]byte(randKey))), clock: clone(b.Get([]byte(clockKey)))}
	rb := b.Bucket([]byte(recordsBucket))
	if rb == nil {
		return st, nil
	}
	err := rb.ForEach(func(k, v []byte) error {
		st.records = append(st.records, Record{Key: string(k), Value: clone(v)})
		return nil
	})
	return st, err
}

// clone copies what bbolt returns (valid only inside the transaction); nil stays nil.
func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte{}, b...)
}

// write stores one change of a session in one synced transaction. With full, recs are all
// of the session's records and replace what the file held of it; otherwise they are the
// records that changed (a nil Value deletes one).
func (d *stateDB) write(name string, full bool, recs []Record, rand, clock []byte) error {
	return d.db.Update(func(tx *bbolt.Tx) error {
		key := []byte(sessionBucketPrefix + name)
		if full {
			if err := tx.DeleteBucket(key); err != nil && !errors.Is(err, berrors.ErrBucketNotFound) {
				return err
			}
		}
		b, err := tx.CreateBucketIfNotExists(key)
		if err != nil {
			return err
		}
		rb, err := b.CreateBucketIfNotExists([]byte(recordsBucket))
		if err != nil {
			return err
		}
		for _, r := range recs {
			if r.Value == nil {
				err = rb.Delete([]byte(r.Key))
			} else {
				err = rb.Put([]byte(r.Key), r.Value)
			}
			if err != nil {
				return fmt.Errorf("record %q: %w", r.Key, err)
			}
		}
		for k, v := range map[string][]byte{randKey: rand, clockKey: clock} {
			if v != nil {
				if err := b.Put([]byte(k), v); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// drop forgets a session.
func (d *stateDB) drop(name string) error {
	return d.db.Update(func(tx *bbolt.Tx) error {
		err := tx.DeleteBucket([]byte(sessionBucketPrefix + name))
		if errors.Is(err, berrors.ErrBucketNotFound) {
			return nil
		}
		return err
	})
}

// beginChange is called before the backend handles a call that may change the state: with
// a state file, the session's changes are made one at a time, each saved before the next
// begins, so that each transaction holds one call's change and a failed one can be undone.
func (s *Server) beginChange(c *call) {
	if s.db == nil || !c.route.ChangesState() {
		return
	}
	c.se.write.Lock()
	c.changing = true
	c.state = c.se.current() // a reset or an import may have replaced it meanwhile
}

// persist saves the change the call made before its answer leaves. A change that cannot be
// saved is undone, and the call answers unavailable.
func (s *Server) persist(c *call) {
	if !c.changing {
		return
	}
	defer c.se.write.Unlock()
	if err := s.saveChanges(c.se, c.state, false); err != nil {
		c.fail(err)
	}
}

// saveChanges writes what changed in st, the session's state, since the last save: all of
// its records the first time, else the records it reports as changed, with the session's
// random stream and clock. With always, it writes even when no record changed (the clock
// moved). Callers hold se.write. On failure the session goes back to what the file holds.
func (s *Server) saveChanges(se *session, st State, always bool) error {
	changed, err := st.Changes()
	if err != nil {
		return s.undo(se, err)
	}
	if len(changed) == 0 && !always || se.dropped {
		return nil
	}
	full := !se.stored
	if full {
		if changed, err = st.Records(); err != nil {
			return s.undo(se, err)
		}
	}
	rand, clock, err := se.position()
	if err == nil {
		err = s.db.write(se.name, full, changed, rand, clock)
	}
	if err != nil {
		return s.undo(se, err)
	}
	se.stored = true
	return nil
}

// undo puts back the state the file holds for the session after a change could not be
// saved, and says so. Callers hold se.write.
func (s *Server) undo(se *session, cause error) error {
	s.log.Error("state file not written; the change is undone", "path", s.db.path, "session", se.name, "error", cause)
	if err := s.reload(se); err != nil {
		s.log.Error("state file: the change could not be undone", "path", s.db.path, "session", se.name, "error", err)
		return connect.Errorf(connect.Internal, "the change could not be saved to the state file (%v), nor undone (%v)", cause, err)
	}
	return connect.Errorf(connect.Unavailable, "the change could not be saved to the state file, so it was not made: %v", cause)
}

// reload rebuilds the session's state from the state file (from Config.Data when the file
// holds none of it).
func (s *Server) reload(se *session) error {
	data := s.cfg.Data
	stored, ok, err := s.db.loadSession(se.name)
	if err != nil {
		return err
	}
	if ok {
		if data, err = s.cfg.Backend.Load(stored.records); err != nil {
			return err
		}
	}
	st, err := s.cfg.Backend.NewState(data, se.env())
	if err != nil {
		return err
	}
	se.mu.Lock()
	se.state = st
	se.mu.Unlock()
	se.stored = ok
	return nil
}

// restoreSessions makes the sessions the state file holds, at most Limits.MaxSessions of
// them (the default session and then the others in name order; the rest are dropped from
// the file, and logged).
func (s *Server) restoreSessions() error {
	stored, err := s.db.load()
	if err != nil {
		return fmt.Errorf("state file %s cannot be loaded (it is left as it is; fix or remove it): %v", s.db.path, err)
	}
	kept := 0
	for _, st := range stored {
		if kept >= s.cfg.Limits.MaxSessions || st.name != "" && checkSessionName(st.name) != nil {
			s.log.Warn("state file: session dropped (over --max-sessions, or a bad name)", "session", st.name)
			if err := s.db.drop(st.name); err != nil {
				return fmt.Errorf("state file %s: %w", s.db.path, err)
			}
			continue
		}
		if err := s.sessions.restore(st, s.cfg.Backend); err != nil {
			where := "the default session"
			if st.name != "" {
				where = fmt.Sprintf("session %q", st.name)
			}
			return fmt.Errorf("state file %s cannot be loaded (it is left as it is; fix or remove it): %s: %v", s.db.path, where, err)
		}
		kept++
	}
	return nil
}
