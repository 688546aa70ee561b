package scanner

import (
	"errors"
	"fmt"
	"syscall"

	"tongban/scanner/format"
	"tongban/scanner/pdf"
)

// Reason codes.
const (
	ReasonUnsupported = "unsupported"
	ReasonCorrupt     = "corrupt"
	ReasonEmpty       = "empty"
	ReasonUnreadable  = "unreadable"
)

func unsupportedReason(k format.Kind) *Reason {
	name := string(k)
	if k == format.Unknown {
		name = "unknown"
	}
	return &Reason{
		Code: ReasonUnsupported,
		EN:   fmt.Sprintf("unsupported file type (%s); accepted are JPEG, PNG, TIFF and PDF", name),
		ZH:   fmt.Sprintf("不支持的文件类型（%s），仅支持JPEG、PNG、TIFF、PDF", name),
	}
}

var emptyReason = &Reason{Code: ReasonEmpty, EN: "file is empty", ZH: "文件为空"}

// contentReason turns a content error from a decoder into a Reason, or
// returns nil when err is not about the file's content.
func contentReason(err error) *Reason {
	var fe *format.Error
	if errors.As(err, &fe) {
		return &Reason{Code: ReasonCorrupt, EN: fe.Error(), ZH: fe.ZH}
	}
	var pe *pdf.Error
	if errors.As(err, &pe) {
		return &Reason{Code: ReasonCorrupt, EN: pe.Error(), ZH: pe.ZH}
	}
	return nil
}

func unreadableReason(err error) *Reason {
	return &Reason{Code: ReasonUnreadable, EN: "file cannot be read: " + err.Error(), ZH: "文件无法读取：" + err.Error()}
}

// IsNoSpace reports whether err means the disk is full.
func IsNoSpace(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, errNoSpace)
}

var errNoSpace = errors.New("not enough free disk space")
