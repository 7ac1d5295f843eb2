package orgmock_test

import (
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	gitpodcontract "github.com/gitpod-mock/orgmock/server/contract"
)

// TestReadmeOperationsTable: the README's table of operations lists exactly the operations of
// the contract, each with exactly the error statuses it declares.
func TestReadmeOperationsTable(t *testing.T) {
	raw, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	sp, err := gitpodcontract.Spec()
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(raw), "### Operations\n")
	if !ok {
		t.Fatal(`README.md has no "### Operations" section`)
	}
	row := regexp.MustCompile(`(?m)^\| (\w+) \| .* \| ([^|]*) \|$`)
	status := regexp.MustCompile(`\b[1-5][0-9][0-9]\b`)
	listed := map[string]bool{}
	for _, m := range row.FindAllStringSubmatch(strings.SplitN(table, "\n\n", 2)[0], -1) {
		if m[1] == "Operation" {
			continue // the header
		}
		listed[m[1]] = true
		r := sp.Operation(m[1])
		if r == nil {
			t.Errorf("README lists %s, which the contract does not declare", m[1])
			continue
		}
		var got, want []int
		for _, s := range status.FindAllString(m[2], -1) {
			n, _ := strconv.Atoi(s)
			got = append(got, n)
		}
		for _, s := range r.Statuses {
			if s >= 400 {
				want = append(want, s)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("README: %s can return %v; the contract declares %v", m[1], got, want)
		}
	}
	for _, op := range sp.OperationIDs() {
		if !listed[op] {
			t.Errorf("README's operations table lacks %s", op)
		}
	}
}
