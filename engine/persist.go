package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/gitpod-mock/orgmock/engine/connect"
)

// persist writes the default session's state before the answer of a call that changed it
// leaves: one the document does not declare NO_SIDE_EFFECTS, answered by the backend with
// success. Named sessions live in memory only.
func (s *Server) persist(c *call) {
	if !c.handled || c.rec.status >= 300 || !c.route.ChangesState() {
		return
	}
	if err := s.save(c.se); err != nil {
		c.fail(err)
	}
}

// save writes the session's state when it is the persisted default session.
func (s *Server) save(se *session) error {
	if s.state == nil || se.name != "" {
		return nil
	}
	if err := s.state.save(se.current()); err != nil {
		s.log.Error("state file not written", "path", s.state.path, "error", err)
		return connect.Errorf(connect.Internal, "the change was made but could not be saved to the state file: %v", err)
	}
	return nil
}

// stateFile keeps the default session's state on disk (Config.StateFile), in the format of
// State.Export. Every acknowledged change is written before its response leaves: the whole
// state goes to a temporary file in the same directory, which is synced and renamed over the
// old one, and the directory is synced. A crash at any point leaves either the old or the new
// file, both complete.
type stateFile struct {
	path string
	lock *os.File   // held open with an exclusive lock (lockFile) while the server lives
	mu   sync.Mutex // one writer at a time, each writing a snapshot taken under the lock
}

// openStateFile locks the state file, then loads it into the default session, or writes the
// session's state to a new one. A file that does not load stops startup and is left as it
// is; so does one that cannot be written (a read-only file or directory), found now rather
// than at the first change.
func openStateFile(path string, b Backend, def *session) (*stateFile, error) {
	lock, err := lockFile(path + ".lock")
	if err != nil {
		return nil, fmt.Errorf("state file: %w", err)
	}
	f := &stateFile{path: path, lock: lock}
	fail := func(err error) (*stateFile, error) {
		lock.Close()
		return nil, err
	}
	// What a writer killed mid-write left behind (the lock says no one writes now).
	if stale, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")); len(stale) > 0 {
		for _, p := range stale {
			_ = os.Remove(p)
		}
	}
	raw, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := f.save(def.current()); err != nil {
			return fail(fmt.Errorf("state file: %w", err))
		}
		return f, nil
	case err != nil:
		return fail(fmt.Errorf("state file: %w", err))
	}
	if w, err := os.OpenFile(path, os.O_WRONLY, 0); err != nil {
		return fail(fmt.Errorf("state file %s cannot be written: %w", path, err))
	} else {
		w.Close()
	}
	data, err := b.Parse(filepath.Base(path), raw)
	if err != nil {
		return fail(fmt.Errorf("state file %s cannot be loaded (it is left as it is; fix or remove it): %v", path, err))
	}
	st, err := b.NewState(data, def.env())
	if err != nil {
		return fail(err)
	}
	def.mu.Lock()
	def.state = st
	def.mu.Unlock()
	return f, nil
}

// close releases the state file's lock.
func (f *stateFile) close() error { return f.lock.Close() }

// save writes st.
func (f *stateFile) save(st State) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	doc, err := st.Export()
	if err != nil {
		return err
	}
	dir := filepath.Dir(f.path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(f.path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing left to remove
	if _, err := tmp.Write(doc); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), f.path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
