package mocktest_test

import (
	"testing"

	"github.com/gitpod-mock/orgmock/mocktest"
)

// BenchmarkStart: what a test pays for its own mock once the process has started one (the
// contract and the fixtures are loaded once per process).
func BenchmarkStart(b *testing.B) {
	mocktest.Start(b).Close() // the first, which loads what later ones share
	for b.Loop() {
		mocktest.Start(b).Close()
	}
}
