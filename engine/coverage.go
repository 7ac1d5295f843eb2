package engine

import (
	"fmt"

	"github.com/gitpod-mock/orgmock/engine/spec"
)

// coverage counts the answers a session served: operationId -> status -> count, one counter
// per operation of the document and HTTP status at most.
type coverage map[string]map[int]int

func (cv coverage) add(op string, status int) {
	if cv[op] == nil {
		cv[op] = map[int]int{}
	}
	cv[op][status]++
}

// Coverage is the answer of GET /_mock/coverage.
type Coverage struct {
	// Operations counts, per operation of the document, how often each status was served.
	Operations []OperationCoverage `json:"operations"`
	// Unexercised lists "Operation status" pairs the spec declares and the session never served.
	Unexercised []string `json:"unexercised"`
	Exercised   int      `json:"exercised"` // pairs served at least once
	Declared    int      `json:"declared"`  // pairs the document declares
}

// OperationCoverage counts how often each declared status of one operation was served.
type OperationCoverage struct {
	Operation string           `json:"operation"` // the operationId
	Statuses  []StatusCoverage `json:"statuses"`  // every declared status, ascending
}

// StatusCoverage is one (operation, status) pair.
type StatusCoverage struct {
	Status int `json:"status"` // a declared HTTP status
	Count  int `json:"count"`  // how often it was served
}

// report lays the counts over every declared (operation, status) pair of the document.
func (cv coverage) report(sp *spec.Spec) Coverage {
	out := Coverage{Operations: []OperationCoverage{}, Unexercised: []string{}}
	for _, r := range sp.Operations() {
		oc := OperationCoverage{Operation: r.OperationID()}
		for _, st := range r.Statuses {
			n := cv[r.OperationID()][st]
			oc.Statuses = append(oc.Statuses, StatusCoverage{Status: st, Count: n})
			out.Declared++
			if n > 0 {
				out.Exercised++
			} else {
				out.Unexercised = append(out.Unexercised, fmt.Sprintf("%s %d", r.OperationID(), st))
			}
		}
		out.Operations = append(out.Operations, oc)
	}
	return out
}
