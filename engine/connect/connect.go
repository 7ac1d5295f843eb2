// Package connect is the engine's error vocabulary: Connect's codes, the one table that maps
// them to HTTP statuses (both ways), and the JSON error body every failure leaves in.
package connect

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
)

// Code is a Connect error code, spelled as on the wire ("invalid_argument").
type Code string

// The codes of the Connect protocol (those of gRPC, in snake_case).
const (
	Canceled           Code = "canceled"
	Unknown            Code = "unknown"
	InvalidArgument    Code = "invalid_argument"
	DeadlineExceeded   Code = "deadline_exceeded"
	NotFound           Code = "not_found"
	AlreadyExists      Code = "already_exists"
	PermissionDenied   Code = "permission_denied"
	ResourceExhausted  Code = "resource_exhausted"
	FailedPrecondition Code = "failed_precondition"
	Aborted            Code = "aborted"
	OutOfRange         Code = "out_of_range"
	Unimplemented      Code = "unimplemented"
	Internal           Code = "internal"
	Unavailable        Code = "unavailable"
	DataLoss           Code = "data_loss"
	Unauthenticated    Code = "unauthenticated"
)

// table is Connect's code-to-HTTP mapping (the current column of the Connect protocol, as
// connect-go implements it), read both ways. Where several codes share a status, the first
// listed is the one a bare status stands for (CodeOf): an injected 500 is `internal`.
var table = []struct {
	code   Code
	status int
}{
	{Canceled, 499},
	{Internal, http.StatusInternalServerError},
	{Unknown, http.StatusInternalServerError},
	{DataLoss, http.StatusInternalServerError},
	{InvalidArgument, http.StatusBadRequest},
	{FailedPrecondition, http.StatusBadRequest},
	{OutOfRange, http.StatusBadRequest},
	{DeadlineExceeded, http.StatusGatewayTimeout},
	{NotFound, http.StatusNotFound},
	{Aborted, http.StatusConflict},
	{AlreadyExists, http.StatusConflict},
	{PermissionDenied, http.StatusForbidden},
	{ResourceExhausted, http.StatusTooManyRequests},
	{Unimplemented, http.StatusNotImplemented},
	{Unavailable, http.StatusServiceUnavailable},
	{Unauthenticated, http.StatusUnauthorized},
}

// Codes lists every code, in the table's order.
func Codes() []Code {
	out := make([]Code, len(table))
	for i, row := range table {
		out[i] = row.code
	}
	return out
}

// HTTPStatus is the status Connect sends the code with; 500 for a code it does not know.
func (c Code) HTTPStatus() int {
	for _, row := range table {
		if row.code == c {
			return row.status
		}
	}
	return http.StatusInternalServerError
}

// CodeOf is the code an HTTP status stands for: the table's first code with that status;
// for a status outside the table (415, say, a failure of HTTP itself), invalid_argument for
// a 4xx and unknown otherwise.
func CodeOf(status int) Code {
	for _, row := range table {
		if row.status == status {
			return row.code
		}
	}
	if status >= 400 && status < 500 {
		return InvalidArgument
	}
	return Unknown
}

// Error is a Connect error on its way to the client.
type Error struct {
	// Code is the Connect code sent in the body.
	Code Code
	// Message is the developer-facing message: it names the field and the rule.
	Message string
	// Status overrides the HTTP status of Code, for failures of the HTTP layer itself (an
	// unknown path, a wrong method or content type) and for injected statuses.
	Status int
	// Retryable leaves out X-Should-Retry: false, so that SDKs apply their own retry rules
	// (injected faults are meant to exercise them).
	Retryable bool
}

// Errorf builds an error of code with a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Error is the code and the message.
func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// HTTPStatus is the status the error is sent with.
func (e *Error) HTTPStatus() int {
	if e.Status != 0 {
		return e.Status
	}
	return e.Code.HTTPStatus()
}

// From finds the Connect error in err's chain; any other error is an internal one.
func From(err error) *Error {
	var ce *Error
	if errors.As(err, &ce) {
		return ce
	}
	return Errorf(Internal, "internal error: %v", err)
}

// Body is Connect's JSON error body.
type Body struct {
	Code    Code   `json:"code"`              // the error code
	Message string `json:"message,omitempty"` // what went wrong, naming the field and the rule
}

// Marshal is the error's JSON body, as Write sends it.
func (e *Error) Marshal() []byte {
	b, _ := json.Marshal(Body{Code: e.Code, Message: e.Message}) // strings only: cannot fail
	return append(b, '\n')
}

// Write sends err in Connect's JSON shape with the status of its code. Errors are
// deterministic answers to the request, so retrying cannot help: unless the error is
// Retryable, X-Should-Retry: false keeps Stainless SDKs from retrying 429s and 5xx.
func Write(w http.ResponseWriter, err error) {
	e := From(err)
	body := e.Marshal()
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if !e.Retryable {
		h.Set("X-Should-Retry", "false")
	}
	w.WriteHeader(e.HTTPStatus())
	_, _ = w.Write(body)
}
