//go:build windows

// Package fsutil holds small filesystem helpers shared by the scanner packages.
package fsutil

// SyncDir is a no-op on Windows: NTFS journals renames, and a directory
// cannot be flushed without special open flags.
func SyncDir(string) error { return nil }
