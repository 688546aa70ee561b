//go:build windows

package printjobs

import "tongban/printing/spool"

// SystemSpooler is this OS's print spooler: the Windows spooler.
func SystemSpooler() spool.Printer { return spool.NewWindows() }
