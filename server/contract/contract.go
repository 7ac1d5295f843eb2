// Package contract is the Gitpod Organization API's contract, openapi.yaml as embedded in the
// generated api package, loaded into the engine's spec once per process (loading takes about
// 10 ms, and tests start hundreds of mocks).
package contract

import (
	"errors"
	"fmt"
	"sync"

	"github.com/gitpod-mock/orgmock/engine/spec"
	"github.com/gitpod-mock/orgmock/server/api"
	"github.com/gitpod-mock/orgmock/server/store"
)

var load = sync.OnceValues(func() (*spec.Spec, error) {
	doc, err := api.GetSwagger()
	if err != nil {
		return nil, fmt.Errorf("loading embedded openapi.yaml: %w", err)
	}
	return spec.Load(doc)
})

// Spec returns the contract. Its document must not be changed.
func Spec() (*spec.Spec, error) { return load() }

// PageSizes are the List operations' page sizes as the contract states them: the default and
// the maximum of PaginationRequest.pageSize.
func PageSizes() (store.PageSizes, error) {
	sp, err := Spec()
	if err != nil {
		return store.PageSizes{}, err
	}
	ref := sp.Schema("PaginationRequest").Properties["pageSize"]
	if ref == nil || ref.Value == nil || ref.Value.Max == nil {
		return store.PageSizes{}, errors.New("contract: PaginationRequest.pageSize needs a maximum")
	}
	def, ok := ref.Value.Default.(float64)
	if !ok || def <= 0 {
		return store.PageSizes{}, errors.New("contract: PaginationRequest.pageSize needs a positive default")
	}
	return store.PageSizes{Default: int(def), Max: int(*ref.Value.Max)}, nil
}
