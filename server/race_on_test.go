//go:build race

package server_test

// raceScale divides the sizes of the longest tests under the race detector, which runs them
// ten times slower (the README's `go test ./...` runs them whole).
const raceScale = 4
