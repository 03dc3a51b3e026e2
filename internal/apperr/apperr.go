// Package apperr is the one error type of Firebreak: every failure a person
// can act on carries a code and a message, and the HTTP API, the web UI and
// the CLI show that same message.
package apperr

import (
	"errors"
	"fmt"
)

// Code classifies an error for the edges (HTTP status, CLI exit, UI banner).
type Code string

// The codes a domain or store error may carry.
const (
	CodeInvalid         Code = "invalid"         // the input breaks a rule; Field names the culprit
	CodeNotFound        Code = "not_found"       // the thing asked for does not exist
	CodeConflict        Code = "conflict"        // it clashes with existing state (a duplicate name)
	CodeStale           Code = "stale"           // the caller's version is older than the stored one
	CodeForbidden       Code = "forbidden"       // the actor lacks the permission or the role
	CodeUnauthenticated Code = "unauthenticated" // no valid session or token
	CodeUnavailable     Code = "unavailable"     // overloaded or shutting down; try again later
	CodeInternal        Code = "internal"        // a bug or an outage; details go to the log only
)

// Error is a failure with a code and a message written for people.
type Error struct {
	Code    Code
	Message string
	Field   string // the input field at fault, for CodeInvalid
	Current any    // for CodeStale: the current state, so the caller can merge
	cause   error
}

func (e *Error) Error() string {
	if e.Field != "" {
		return e.Field + ": " + e.Message
	}
	return e.Message
}

// Unwrap returns the underlying cause, if any.
func (e *Error) Unwrap() error { return e.cause }

// Invalid reports bad input in one field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: CodeInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// NotFound reports a missing thing, e.g. NotFound("incident INC-4").
func NotFound(what string) *Error {
	return &Error{Code: CodeNotFound, Message: what + " does not exist"}
}

// Conflict reports a clash with stored state.
func Conflict(format string, args ...any) *Error {
	return &Error{Code: CodeConflict, Message: fmt.Sprintf(format, args...)}
}

// Stale reports an optimistic-concurrency failure and carries the current state.
func Stale(message string, current any) *Error {
	return &Error{Code: CodeStale, Message: message, Current: current}
}

// Forbidden reports a permission or role rule that refuses the action.
func Forbidden(format string, args ...any) *Error {
	return &Error{Code: CodeForbidden, Message: fmt.Sprintf(format, args...)}
}

// Unauthenticated reports a missing or invalid credential.
func Unauthenticated(message string) *Error {
	return &Error{Code: CodeUnauthenticated, Message: message}
}

// Unavailable reports a temporary refusal (overload, shutdown).
func Unavailable(message string) *Error {
	return &Error{Code: CodeUnavailable, Message: message}
}

// Internal wraps an unexpected error; its text is for the operator's log only.
func Internal(cause error) *Error {
	return &Error{Code: CodeInternal, Message: "internal error", cause: cause}
}

// CodeOf returns the code of err, CodeInternal for errors that carry none.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// As returns err as *Error, wrapping unknown errors as internal ones.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return Internal(err)
}

// Is reports whether err carries code.
func Is(err error, code Code) bool { return err != nil && CodeOf(err) == code }
