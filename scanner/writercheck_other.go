//go:build !linux

package scanner

import "os"

// openForWriting: on Windows a file that the scanner software still has
// open without sharing cannot be opened; elsewhere nothing is known.
func openForWriting(path string) writerState {
	f, err := os.Open(path)
	if err != nil {
		return writerActive
	}
	_ = f.Close()
	return writerUnknown
}
