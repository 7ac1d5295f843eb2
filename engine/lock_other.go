//go:build !unix

package engine

import "os"

// lockFile opens path without a lock where the system has no flock: two mocks on one state
// file are not stopped there (the README says so).
func lockFile(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
}
