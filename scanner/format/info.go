package format

import (
	"errors"
	"fmt"
)

// ImageInfo describes one image page as found by a check.
type ImageInfo struct {
	Width, Height int
	Components    int     // colour components (JPEG), 0 if unknown
	DPIX, DPIY    float64 // 0 when the file does not say
}

// Error is a problem with the content of a file: the file is not usable,
// and retrying will not help. It carries the reason in English and Chinese
// so that the quarantine note can show both.
type Error struct {
	Kind Kind
	EN   string
	ZH   string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Kind, e.EN) }

// IsContentError reports whether err is (or wraps) a content *Error.
func IsContentError(err error) bool {
	var e *Error
	return errors.As(err, &e)
}

func bad(k Kind, en, zh string) *Error { return &Error{Kind: k, EN: en, ZH: zh} }

func truncated(k Kind) *Error {
	return bad(k, "file is truncated (incomplete write?)", "文件不完整（可能未写完或已损坏）")
}
