package server

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/gitpod-mock/orgmock/fixtures"
	"github.com/gitpod-mock/orgmock/server/api"
	"github.com/gitpod-mock/orgmock/server/store"
)

// stateFile keeps the default session's state on disk (Options.StateFile), in the fixture
// format. Every acknowledged change is written before its response leaves: the whole state
// goes to a temporary file in the same directory, which is synced and renamed over the old
// one, and the directory is synced. A crash at any point leaves either the old or the new
// file, both complete.
type stateFile struct {
	path string
	mu   sync.Mutex // one writer at a time, each writing a snapshot taken under the lock
}

// loadStateFile reads an existing state file; a missing one is not an error (found is
// false). A file that does not load stops startup and is left untouched.
func loadStateFile(path string) (data store.Data, found bool, err error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return store.Data{}, false, nil
	}
	if err != nil {
		return store.Data{}, false, fmt.Errorf("state file: %w", err)
	}
	data, err = fixtures.Parse(filepath.Base(path), raw)
	if err != nil {
		return store.Data{}, false, fmt.Errorf("state file %s cannot be loaded (it is left as it is; fix or remove it): %s",
			path, strings.TrimPrefix(err.Error(), "fixtures: "))
	}
	return data, true, nil
}

// save writes the current state of st.
func (f *stateFile) save(st *store.Store) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	doc, err := fixtures.Encode(st.Snapshot())
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

// mutates reports whether an operation can change the state.
func mutates(operationID string) bool {
	for _, p := range []string{"Create", "Update", "Delete", "Regenerate"} {
		if strings.HasPrefix(operationID, p) {
			return true
		}
	}
	return false
}

// persist writes the default session's state when a state file is configured; other
// sessions live in memory only.
func (s *Server) persist(se *session) error {
	if s.state == nil || se.name != "" {
		return nil
	}
	if err := s.state.save(se.store()); err != nil {
		s.log.Error("state file not written", "path", s.state.path, "error", err)
		return errorf(api.ErrorCodeInternal, "the change was made but could not be saved to the state file: %v", err)
	}
	return nil
}
