//go:build linux

package scanner

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// writerState tells whether another process has the file open for
// writing. A read lease can only be taken when nobody has the file open
// for writing; it is released at once. The answer is writerUnknown when
// leases are not available (not the owner without CAP_LEASE, or a
// filesystem without leases such as many network shares).
func openForWriting(path string) writerState {
	f, err := os.Open(path)
	if err != nil {
		return writerUnknown
	}
	defer f.Close()
	fd := int(f.Fd())
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_SETLEASE, unix.F_RDLCK); err != nil {
		if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EBUSY) {
			return writerActive
		}
		return writerUnknown
	}
	_, _ = unix.FcntlInt(uintptr(fd), unix.F_SETLEASE, unix.F_UNLCK)
	return writerNone
}
