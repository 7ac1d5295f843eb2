package store

import (
	"errors"
	"fmt"
)

// The kinds of failure the store reports. Handlers map them to Connect codes with errors.Is;
// the message of the wrapping *Error is meant for the client and names the field.
var (
	ErrInvalidArgument    = errors.New("invalid argument")
	ErrNotFound           = errors.New("not found")
	ErrPermissionDenied   = errors.New("permission denied")
	ErrFailedPrecondition = errors.New("failed precondition")
	ErrAlreadyExists      = errors.New("already exists")
)

// Error is a store failure: one of the sentinel kinds above and a client-facing message.
type Error struct {
	Kind    error
	Message string
}

// Error is the client-facing message.
func (e *Error) Error() string { return e.Message }

// Unwrap lets errors.Is match the kind.
func (e *Error) Unwrap() error { return e.Kind }

func errorf(kind error, format string, args ...any) error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}
