//go:build !windows

// Package fsutil holds small filesystem helpers shared by the scanner packages.
package fsutil

import "os"

// SyncDir fsyncs a directory so that a rename or create in it is durable.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
