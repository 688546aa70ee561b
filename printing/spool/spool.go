// Package spool sends PDFs to a printer through the operating system's
// spooler and follows the job until it is really done: CUPS over IPP on
// Linux, the Windows spooler on Windows. A job is reported printed only
// when the spooler says it completed; a stopped, rejecting, missing or
// offline printer, or a job that was aborted or canceled, is an error with
// a Chinese message, and the job is canceled so a retry cannot print twice.
package spool

import (
	"context"
	"time"
)

// Job is one document to print.
type Job struct {
	Title  string // job name shown in the queue
	PDF    []byte
	Copies int
}

// Result is a finished job.
type Result struct {
	Printer string
	JobID   string
	State   string // completed
	Elapsed time.Duration
}

// Info describes a printer.
type Info struct {
	Name      string
	State     string // idle, processing, stopped
	Accepting bool
	Reasons   []string // printer-state-reasons
	Default   bool
}

// Printer is an OS print spooler.
type Printer interface {
	// Printers lists the printers the spooler knows.
	Printers(ctx context.Context) ([]Info, error)
	// Print submits job to printer and waits until it completed or failed.
	Print(ctx context.Context, printer string, job Job) (Result, error)
}
