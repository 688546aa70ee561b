package catalog

import (
	"encoding/json"
	"fmt"

	"tongban/app/errs"
)

// ImportError reports every bad row of an import; nothing was imported.
// It unwraps to an *errs.Error with code EINVALID, and exposes Rows to the
// UI through RowErrors.
type ImportError struct {
	Err  *errs.Error
	Rows []RowError
}

func newImportError(rows []RowError) *ImportError {
	return &ImportError{
		Err: errs.New(errs.EINVALID,
			fmt.Sprintf("catalog import rejected: %d problem(s)", len(rows)),
			fmt.Sprintf("导入文件有 %d 处问题，未导入任何事项，请修改后重新导入", len(rows))),
		Rows: rows,
	}
}

func (e *ImportError) Error() string {
	s := e.Err.Error()
	for i, r := range e.Rows {
		if i == 5 {
			s += fmt.Sprintf("; … %d more", len(e.Rows)-5)
			break
		}
		s += fmt.Sprintf("; %s row %d %s: %s", r.Sheet, r.Row, r.Column, r.Reason)
	}
	return s
}

func (e *ImportError) Unwrap() error { return e.Err }

// RowErrors returns the rows for the UI (see app.rowReporter).
func (e *ImportError) RowErrors() any { return e.Rows }

// MarshalJSON gives the ApiError shape of docs/api.md, rows included.
func (e *ImportError) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		*errs.Error
		Rows []RowError `json:"rows"`
	}{e.Err, e.Rows})
}
