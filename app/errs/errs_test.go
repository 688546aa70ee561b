package errs_test

import (
	"errors"
	"fmt"
	"testing"

	"tongban/app/errs"
)

func TestCodeAndZhSurviveWrapping(t *testing.T) {
	base := errs.Invalid("hall.divisionCode", "must be 6 digits", "行政区划代码应为 6 位数字")
	wrapped := fmt.Errorf("save settings: %w", base)
	if got, want := errs.Code(wrapped), errs.EINVALID; got != want {
		t.Fatalf("Code = %q, want %q", got, want)
	}
	if got, want := errs.Zh(wrapped), "行政区划代码应为 6 位数字"; got != want {
		t.Fatalf("Zh = %q, want %q", got, want)
	}
	var e *errs.Error
	if !errors.As(wrapped, &e) || e.Field != "hall.divisionCode" {
		t.Fatalf("field lost: %+v", e)
	}
}

func TestPlainErrorsAreInternal(t *testing.T) {
	err := errors.New("disk on fire")
	if got := errs.Code(err); got != errs.EINTERNAL {
		t.Fatalf("Code = %q, want EINTERNAL", got)
	}
	if errs.Zh(err) == "" {
		t.Fatal("no Chinese fallback for an unexpected error")
	}
	if errs.Code(nil) != "" {
		t.Fatal("Code(nil) should be empty")
	}
}

func TestWrapKeepsCause(t *testing.T) {
	cause := errors.New("short read")
	err := errs.Wrap(cause, errs.ECORRUPT, "database damaged", "数据库已损坏")
	if !errors.Is(err, cause) {
		t.Fatal("Wrap lost the cause")
	}
	if got, want := err.Error(), "ECORRUPT: database damaged: short read"; got != want {
		t.Fatalf("Error() = %q, want %q", got, want)
	}
}
