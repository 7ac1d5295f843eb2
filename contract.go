package orgmock

import _ "embed"

// OpenAPI is openapi.yaml, the contract, as written: the mock serves it at /openapi.yaml.
//
//go:embed openapi.yaml
var OpenAPI []byte
