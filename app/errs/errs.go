// Package errs defines Tongban's domain errors: a stable code that survives
// process and network boundaries, an English message for logs and a
// Simplified Chinese message for the people at the counter.
package errs

import "errors"

// Codes understood by every layer (UI, platform API, CLI).
const (
	EINVALID      = "EINVALID"      // bad input from a user or a file
	ENOTFOUND     = "ENOTFOUND"     // the thing asked for does not exist
	ECONFLICT     = "ECONFLICT"     // state does not allow it, or a duplicate
	EFORBIDDEN    = "EFORBIDDEN"    // the role may not do it
	EUNAUTHORIZED = "EUNAUTHORIZED" // not logged in, or wrong credentials
	ELOCKED       = "ELOCKED"       // account locked after failures
	EOFFLINE      = "EOFFLINE"      // the platform cannot be reached
	ECORRUPT      = "ECORRUPT"      // a stored file is damaged
	ECURSOR       = "ECURSOR"       // the platform cannot continue a sync cursor
	ETOOLARGE     = "ETOOLARGE"     // a request or file exceeds a limit
	EINTERNAL     = "EINTERNAL"     // a bug or an unexpected failure
)

// Error is a domain error. Message is English (logs); Zh is what a user reads.
// Field, when set, names the input that is wrong (a form field or a config key).
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Zh      string `json:"zh"`
	Field   string `json:"field,omitempty"`
	Err     error  `json:"-"`
}

func (e *Error) Error() string {
	s := e.Code + ": " + e.Message
	if e.Field != "" {
		s = e.Code + ": " + e.Field + ": " + e.Message
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an Error with the given code and messages.
func New(code, message, zh string) *Error {
	return &Error{Code: code, Message: message, Zh: zh}
}

// Invalid reports a bad value of field.
func Invalid(field, message, zh string) *Error {
	return &Error{Code: EINVALID, Field: field, Message: message, Zh: zh}
}

// Wrap attaches a code and messages to an underlying error.
func Wrap(err error, code, message, zh string) *Error {
	return &Error{Code: code, Message: message, Zh: zh, Err: err}
}

// Code returns the code of the first *Error in err's chain, or EINTERNAL.
func Code(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// Zh returns the Chinese message for err, falling back to a generic one.
func Zh(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Zh != "" {
		return e.Zh
	}
	return "系统内部错误，请联系管理员（详情已写入日志）"
}
