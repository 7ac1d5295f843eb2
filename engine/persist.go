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
	mu   sync.Mutex // one writer at a time, each writing a snapshot taken under the lock
}

// openStateFile loads an existing state file into the default session, or writes the
// session's state to a new one. A file that does not load stops startup and is left as it is.
func openStateFile(path string, b Backend, def *session) (*stateFile, error) {
	f := &stateFile{path: path}
	raw, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := f.save(def.current()); err != nil {
			return nil, fmt.Errorf("state file: %w", err)
		}
		return f, nil
	case err != nil:
		return nil, fmt.Errorf("state file: %w", err)
	}
	data, err := b.Parse(filepath.Base(path), raw)
	if err != nil {
		return nil, fmt.Errorf("state file %s cannot be loaded (it is left as it is; fix or remove it): %v", path, err)
	}
	st, err := b.NewState(data, def.env())
	if err != nil {
		return nil, err
	}
	def.mu.Lock()
	def.state = st
	def.mu.Unlock()
	return f, nil
}

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
