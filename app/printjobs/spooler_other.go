//go:build !windows

package printjobs

import "tongban/printing/spool"

// SystemSpooler is this OS's print spooler: CUPS ($CUPS_SERVER, else the
// local socket or localhost:631).
func SystemSpooler() spool.Printer { return spool.NewCUPS("") }
