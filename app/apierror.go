package app

import (
	"encoding/json"
	"errors"
	"log/slog"

	"tongban/app/errs"
)

// APIError is what the UI receives when a bound method fails. Its Error()
// is the JSON form, because Wails rejects the JavaScript promise with the
// error string; the frontend's wrapper parses it back.
type APIError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Zh      string `json:"zh"`
	Field   string `json:"field,omitempty"`
	Rows    any    `json:"rows,omitempty"`
}

func (e *APIError) Error() string {
	b, err := json.Marshal(e)
	if err != nil {
		return `{"code":"EINTERNAL","message":"marshal error","zh":"系统内部错误"}`
	}
	return string(b)
}

// rowReporter is implemented by errors that carry row-level problems (a
// catalog import); the rows reach the UI unchanged.
type rowReporter interface {
	RowErrors() any
}

// toAPI turns any error into an *APIError for the UI, logging unexpected
// ones in English with their full chain (never personal data: domain
// errors do not carry it).
func toAPI(log *slog.Logger, op string, err error) error {
	if err == nil {
		return nil
	}
	var already *APIError
	if errors.As(err, &already) {
		return already
	}
	out := &APIError{Code: errs.Code(err), Message: err.Error(), Zh: errs.Zh(err)}
	var de *errs.Error
	if errors.As(err, &de) {
		out.Field = de.Field
	}
	var rr rowReporter
	if errors.As(err, &rr) {
		out.Rows = rr.RowErrors()
	}
	if out.Code == errs.EINTERNAL {
		log.Error("request failed", "op", op, "err", err)
	} else {
		log.Info("request refused", "op", op, "code", out.Code, "err", err)
	}
	return out
}
