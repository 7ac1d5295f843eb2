package server

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/gitpod-mock/orgmock/server/api"
	"github.com/gitpod-mock/orgmock/server/store"
)

// httpStatus is Connect's code-to-HTTP table (the current column of the Connect protocol,
// as connect-go implements it). Every error the mock sends takes its status from here unless
// the failure is about HTTP itself (see Error.Status).
var httpStatus = map[api.ErrorCode]int{
	api.ErrorCodeCanceled:           499,
	api.ErrorCodeUnknown:            http.StatusInternalServerError,
	api.ErrorCodeInvalidArgument:    http.StatusBadRequest,
	api.ErrorCodeDeadlineExceeded:   http.StatusGatewayTimeout,
	api.ErrorCodeNotFound:           http.StatusNotFound,
	api.ErrorCodeAlreadyExists:      http.StatusConflict,
	api.ErrorCodePermissionDenied:   http.StatusForbidden,
	api.ErrorCodeResourceExhausted:  http.StatusTooManyRequests,
	api.ErrorCodeFailedPrecondition: http.StatusBadRequest,
	api.ErrorCodeAborted:            http.StatusConflict,
	api.ErrorCodeOutOfRange:         http.StatusBadRequest,
	api.ErrorCodeUnimplemented:      http.StatusNotImplemented,
	api.ErrorCodeInternal:           http.StatusInternalServerError,
	api.ErrorCodeUnavailable:        http.StatusServiceUnavailable,
	api.ErrorCodeDataLoss:           http.StatusInternalServerError,
	api.ErrorCodeUnauthenticated:    http.StatusUnauthorized,
}

// Error is a Connect error on its way to the client.
type Error struct {
	Code    api.ErrorCode
	Message string
	// Status overrides the HTTP status of Code, for failures of the HTTP layer itself:
	// 404 unknown path, 405 wrong method, 415 wrong content type.
	Status int
	// retryable leaves out X-Should-Retry: false, so SDKs apply their own retry rules
	// (injected faults are meant to exercise them).
	retryable bool
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// HTTPStatus is the status the error is sent with.
func (e *Error) HTTPStatus() int {
	if e.Status != 0 {
		return e.Status
	}
	if s, ok := httpStatus[e.Code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

func errorf(code api.ErrorCode, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// toConnect classifies any error the stack can return.
func toConnect(err error) *Error {
	var ce *Error
	if errors.As(err, &ce) {
		return ce
	}
	var se *store.Error
	if errors.As(err, &se) {
		switch {
		case errors.Is(se, store.ErrInvalidArgument):
			return errorf(api.ErrorCodeInvalidArgument, "%s", se.Message)
		case errors.Is(se, store.ErrNotFound):
			return errorf(api.ErrorCodeNotFound, "%s", se.Message)
		case errors.Is(se, store.ErrPermissionDenied):
			return errorf(api.ErrorCodePermissionDenied, "%s", se.Message)
		case errors.Is(se, store.ErrFailedPrecondition):
			return errorf(api.ErrorCodeFailedPrecondition, "%s", se.Message)
		}
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		switch he.Code {
		case http.StatusNotFound:
			return &Error{Code: api.ErrorCodeUnimplemented, Status: http.StatusNotFound,
				Message: "no such procedure: this server serves POST /gitpod.v1.OrganizationService/<Rpc>"}
		case http.StatusMethodNotAllowed:
			return &Error{Code: api.ErrorCodeUnimplemented, Status: http.StatusMethodNotAllowed,
				Message: "method not allowed: procedures are called with POST"}
		case http.StatusRequestEntityTooLarge:
			return errorf(api.ErrorCodeResourceExhausted, "request body is too large")
		case http.StatusBadRequest:
			return errorf(api.ErrorCodeInvalidArgument, "%v", he.Message)
		case http.StatusUnauthorized:
			return errorf(api.ErrorCodeUnauthenticated, "%v", he.Message)
		}
		return &Error{Code: api.ErrorCodeUnknown, Status: he.Code, Message: fmt.Sprint(he.Message)}
	}
	return errorf(api.ErrorCodeInternal, "internal error: %v", err)
}

// handleError is echo's HTTPErrorHandler: every error leaves in Connect's JSON shape.
// Errors are deterministic answers to the request, so retrying cannot help: the
// X-Should-Retry header keeps Stainless SDKs from retrying 429s and 5xx twice.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	ce := toConnect(err)
	msg := ce.Message
	if !ce.retryable {
		c.Response().Header().Set("X-Should-Retry", "false")
	}
	if werr := c.JSON(ce.HTTPStatus(), api.ConnectError{Code: ce.Code, Message: &msg}); werr != nil {
		s.log.Error("writing error response", "error", werr)
	}
}
