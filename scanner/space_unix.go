//go:build !windows

package scanner

import "golang.org/x/sys/unix"

// freeSpace returns the bytes available to this user on dir's filesystem.
func freeSpace(dir string) (uint64, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return st.Bavail * uint64(st.Bsize), nil
}
