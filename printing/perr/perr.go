// Package perr is the error type of the printing packages: a stable code
// (the same strings as Tongban's app/errs codes), an English message for logs
// and a Simplified Chinese message for the clerk. The app maps it onto its own
// error type with errors.As.
package perr

import "errors"

// Codes, identical to the app's error codes.
const (
	EINVALID  = "EINVALID"  // bad document data, font file or template
	ENOTFOUND = "ENOTFOUND" // printer or font not found
	ECONFLICT = "ECONFLICT" // printer state does not allow the job
	EOFFLINE  = "EOFFLINE"  // printer or spooler cannot be reached
	EINTERNAL = "EINTERNAL" // unexpected failure
)

// Error is a printing error with a Chinese message a clerk can act on.
type Error struct {
	Code    string
	Message string
	Zh      string
	Err     error
}

func (e *Error) Error() string {
	s := e.Code + ": " + e.Message
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an Error.
func New(code, message, zh string) *Error { return &Error{Code: code, Message: message, Zh: zh} }

// Wrap returns an Error around err.
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

// Zh returns the Chinese message of err, or a generic one.
func Zh(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Zh != "" {
		return e.Zh
	}
	return "打印模块内部错误，请联系管理员"
}
