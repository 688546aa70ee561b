//go:build !linux

package main

// checkDisplay: Windows and macOS always have a desktop for the window.
func checkDisplay() error { return nil }
