// Package orgmock is a mock and contract-testing server for Gitpod's Organization API
// (gitpod.v1.OrganizationService), generated from openapi.yaml, which it embeds (OpenAPI).
//
// The server lives in ./server, the binary in ./cmd/mock, the default data in ./fixtures.
// The contract tests in contract_test.go drive it over a real listener.
package orgmock

//go:generate go tool oapi-codegen -config oapi-codegen.yaml openapi.yaml
//go:generate go run ./internal/cmd/descgen -root proto -o server/contract/descriptor.binpb -go_out . -go_module github.com/gitpod-mock/orgmock gitpod/v1/organization.proto
