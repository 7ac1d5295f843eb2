//go:build !race

package server_test

// raceScale divides the sizes of the longest tests under the race detector.
const raceScale = 1
