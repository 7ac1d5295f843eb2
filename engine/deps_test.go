package engine_test

import (
	"go/build"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// TestEngineKnowsNoAPI: no engine package imports, even indirectly, a package of the module
// outside engine/ (the Gitpod slice: its generated api, handlers, store, fixtures, mocktest).
func TestEngineKnowsNoAPI(t *testing.T) {
	const module = "github.com/gitpod-mock/orgmock/"
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var walk func(path string)
	walk = func(path string) {
		if seen[path] {
			return
		}
		seen[path] = true
		if !strings.HasPrefix(path, module+"engine") {
			t.Errorf("the engine imports %s", path)
			return
		}
		pkg, err := build.ImportDir(filepath.Join(root, strings.TrimPrefix(path, module)), 0)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, imp := range pkg.Imports {
			if strings.HasPrefix(imp, module) {
				walk(imp)
			}
		}
	}
	// Every package under engine/.
	err = filepath.WalkDir(".", func(dir string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if d.Name() == "testdata" {
			return filepath.SkipDir
		}
		if files, _ := filepath.Glob(filepath.Join(dir, "*.go")); len(files) > 0 {
			walk(module + filepath.ToSlash(filepath.Join("engine", dir)))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) < 2 {
		t.Errorf("walked only %v", seen)
	}
}
