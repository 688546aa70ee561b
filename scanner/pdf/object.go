// Package pdf is a small, defensive PDF reader and writer for scanned
// documents: it counts pages, splits a file into single-page PDFs and
// combines pages (from PDFs or images) into one PDF. It reads the
// cross-reference table or stream and object streams, copies page content
// byte for byte (no content is decoded or re-rendered) and refuses
// encrypted files. Input is untrusted: every size and depth is bounded.
package pdf

import (
	"errors"
	"fmt"
)

// Object is a PDF object: nil (null), bool, int64, float64, Name, String,
// Array, Dict, Ref or *Stream.
type Object any

// Name is a PDF name, without the leading slash.
type Name string

// String is a PDF string's bytes.
type String []byte

// Array is a PDF array.
type Array []Object

// Dict is a PDF dictionary.
type Dict map[Name]Object

// Ref is an indirect reference.
type Ref struct {
	Num int
	Gen int
}

// Stream is a stream object. Its raw (still encoded) data is Length bytes
// at Offset in the source.
type Stream struct {
	Dict   Dict
	Offset int64
	Length int64
	src    *Document
}

// Error is a problem with the content of a PDF file: it is not usable and
// retrying will not help.
type Error struct {
	EN, ZH string
}

func (e *Error) Error() string { return "pdf: " + e.EN }

// IsContentError reports whether err is (or wraps) a content *Error.
func IsContentError(err error) bool {
	var e *Error
	return errors.As(err, &e)
}

func malformed(format string, args ...any) *Error {
	return &Error{EN: "malformed file: " + fmt.Sprintf(format, args...), ZH: "PDF文件结构损坏"}
}

var (
	errEncrypted = &Error{EN: "encrypted PDF files are not supported", ZH: "不支持加密的PDF文件"}
	errNoPages   = &Error{EN: "PDF has no pages", ZH: "PDF中没有页面"}
)
