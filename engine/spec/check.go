package spec

import (
	"net/http"

	"github.com/getkin/kin-openapi/openapi3filter"
)

// CheckRequest validates a request against the operation and returns its violations ("path:
// rule"), none when it is valid. body is the request body, already read; req.Body must read
// the same bytes. Bodies the fast path (fast.go) knows to be valid skip kin-openapi; every
// other request is decided and worded by kin-openapi.
func (r *Route) CheckRequest(req *http.Request, body []byte) []string {
	if r.fastRequest(req, body) {
		return nil
	}
	return r.kinRequest(req)
}

// ValidFast reports whether the fast path alone knows the request valid, which also means
// that the body is well-formed JSON; CheckRequest then returns no violation.
func (r *Route) ValidFast(req *http.Request, body []byte) bool { return r.fastRequest(req, body) }

func (r *Route) kinRequest(req *http.Request) []string {
	input := &openapi3filter.RequestValidationInput{Request: req, Route: r.Route, Options: r.spec.requestOptions}
	if err := openapi3filter.ValidateRequest(req.Context(), input); err != nil {
		return Violations(err)
	}
	return nil
}

// CheckResponse validates a response to req against the operation's declared responses and
// returns its violations, none when it is valid; like CheckRequest, with the fast path first.
func (r *Route) CheckResponse(req *http.Request, status int, header http.Header, body []byte) []string {
	if r.fastResponse(status, header, body) {
		return nil
	}
	return r.kinResponse(req, status, header, body)
}

func (r *Route) kinResponse(req *http.Request, status int, header http.Header, body []byte) []string {
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, Route: r.Route},
		Status:                 status,
		Header:                 header,
		Options:                r.spec.responseOptions,
	}
	input.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(req.Context(), input); err != nil {
		return Violations(err)
	}
	return nil
}
