package identity

import (
	"context"
	"errors"

	"tongban/app/errs"
)

// Reader is a card-reader driver. Vendors differ (SDK DLLs, serial
// protocols, local services); each gets a driver that returns a Card with
// Source "reader". Read blocks until a card is read, ctx ends (ErrTimeout),
// or the device is missing (ErrUnplugged).
type Reader interface {
	Read(ctx context.Context) (Card, error)
}

// Sentinels for errors.Is; the *errs.Error values returned by drivers wrap
// them, so the UI gets a code and a Chinese message and code can branch.
var (
	ErrUnplugged = errors.New("card reader not connected")
	ErrTimeout   = errors.New("no card read before timeout")
)

// Unplugged is the error a driver returns when its device is missing.
func Unplugged(err error) error {
	if err == nil {
		err = ErrUnplugged
	} else {
		err = errors.Join(ErrUnplugged, err)
	}
	return errs.Wrap(err, errs.EOFFLINE, "card reader not connected",
		"未检测到身份证读卡器：请检查读卡器连接线和电源后重试，或改为手工录入（将记录为手工录入）")
}

// TimedOut is the error a driver returns when no card was read in time.
func TimedOut(err error) error {
	if err == nil {
		err = ErrTimeout
	} else {
		err = errors.Join(ErrTimeout, err)
	}
	return errs.Wrap(err, errs.EOFFLINE, "no card read before timeout",
		"读卡超时：请将证件平放在读卡器感应区再试一次，或改为手工录入（将记录为手工录入）")
}
