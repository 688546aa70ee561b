package protocol

import (
	"errors"
	"net/http"
)

// Error codes. The first ones are the same strings as app/errs so that a code
// survives the round trip to the workstation UI; ECURSOR is protocol-only.
const (
	EINVALID      = "EINVALID"
	ENOTFOUND     = "ENOTFOUND"
	ECONFLICT     = "ECONFLICT"
	EFORBIDDEN    = "EFORBIDDEN"
	EUNAUTHORIZED = "EUNAUTHORIZED"
	EINTERNAL     = "EINTERNAL"
	ETOOLARGE     = "ETOOLARGE"
	// ECURSOR: the server cannot continue this pull cursor (HTTP 412); the
	// client rebuilds from an empty cursor and keeps its pending outbox.
	ECURSOR = "ECURSOR"
)

// Error is the error body of every failed request ({"error": Error}) and of
// every failed item in a push. Message is English, Zh is for the user.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Zh      string `json:"zh"`
	Field   string `json:"field,omitempty"`
}

func (e *Error) Error() string {
	if e.Field != "" {
		return e.Code + ": " + e.Field + ": " + e.Message
	}
	return e.Code + ": " + e.Message
}

// ErrorBody is the JSON body of a failed request.
type ErrorBody struct {
	Error *Error `json:"error"`
}

// Errorf builds an *Error.
func Errorf(code, message, zh string) *Error { return &Error{Code: code, Message: message, Zh: zh} }

// Invalid reports a bad field.
func Invalid(field, message, zh string) *Error {
	return &Error{Code: EINVALID, Field: field, Message: message, Zh: zh}
}

// CodeOf returns the code of the first *Error in err's chain, or EINTERNAL.
func CodeOf(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// HTTPStatus maps a code to the status the server answers with.
func HTTPStatus(code string) int {
	switch code {
	case EINVALID:
		return http.StatusBadRequest
	case EUNAUTHORIZED:
		return http.StatusUnauthorized
	case EFORBIDDEN:
		return http.StatusForbidden
	case ENOTFOUND:
		return http.StatusNotFound
	case ECONFLICT:
		return http.StatusConflict
	case ECURSOR:
		return http.StatusPreconditionFailed
	case ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// CodeForStatus maps an HTTP status without a readable body back to a code.
func CodeForStatus(status int) string {
	switch status {
	case http.StatusBadRequest:
		return EINVALID
	case http.StatusUnauthorized:
		return EUNAUTHORIZED
	case http.StatusForbidden:
		return EFORBIDDEN
	case http.StatusNotFound:
		return ENOTFOUND
	case http.StatusConflict:
		return ECONFLICT
	case http.StatusPreconditionFailed:
		return ECURSOR
	case http.StatusRequestEntityTooLarge:
		return ETOOLARGE
	}
	return EINTERNAL
}
