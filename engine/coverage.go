package engine

import (
	"fmt"
	"net/http"

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
	// Unexercised lists "Operation status" pairs the spec declares, a client can reach by its
	// own calls, and the session never served.
	Unexercised []string `json:"unexercised"`
	// UnexercisedFaultOnly lists the pairs never served that the mock answers only under a
	// fault (see StatusCoverage.FaultOnly), apart, so that a client's own gaps stand out.
	UnexercisedFaultOnly []string `json:"unexercisedFaultOnly"`
	Exercised            int      `json:"exercised"` // pairs served at least once
	Declared             int      `json:"declared"`  // pairs the document declares
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
	// FaultOnly: a client's ordinary calls do not reach this status; a fault does. The mock
	// has no rate limit and answers 429 only to a fault or a body over the size limit, 503
	// only to a fault or a state file it cannot write, 502 and 504 only to a fault, 500 only
	// to a fault or its own drift from the contract, and 415 only to a body of another media
	// type than the protocol's.
	FaultOnly bool `json:"faultOnly,omitempty"`
}

// faultOnly says whether the engine answers status only under a fault (see StatusCoverage).
func faultOnly(status int) bool {
	switch status {
	case http.StatusUnsupportedMediaType, http.StatusTooManyRequests, http.StatusInternalServerError,
		http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// report lays the counts over every declared (operation, status) pair of the document.
func (cv coverage) report(sp *spec.Spec) Coverage {
	out := Coverage{Operations: []OperationCoverage{}, Unexercised: []string{}, UnexercisedFaultOnly: []string{}}
	for _, r := range sp.Operations() {
		oc := OperationCoverage{Operation: r.OperationID()}
		for _, st := range r.Statuses {
			n := cv[r.OperationID()][st]
			oc.Statuses = append(oc.Statuses, StatusCoverage{Status: st, Count: n, FaultOnly: faultOnly(st)})
			out.Declared++
			switch {
			case n > 0:
				out.Exercised++
			case faultOnly(st):
				out.UnexercisedFaultOnly = append(out.UnexercisedFaultOnly, fmt.Sprintf("%s %d", r.OperationID(), st))
			default:
				out.Unexercised = append(out.Unexercised, fmt.Sprintf("%s %d", r.OperationID(), st))
			}
		}
		out.Operations = append(out.Operations, oc)
	}
	return out
}
