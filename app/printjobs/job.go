// Package printjobs records every attempt to print a case document: which
// document, which copy (original or n-th 补打), printer, the spooler's job
// id, and whether the spooler reported it completed. A document counts as
// printed only through Finish, which callers reach only after the spooler
// said the job completed.
package printjobs

import "time"

// Status of an attempt.
type Status string

// Statuses.
const (
	StatusPrinting Status = "printing" // sent to the spooler, not finished
	StatusPrinted  Status = "printed"  // the spooler reported it completed
	StatusFailed   Status = "failed"   // refused, aborted, or the outcome is unknown
)

// Job is one attempt to print a document of a case.
type Job struct {
	ID         string    `json:"id"`
	CaseID     string    `json:"caseId"`
	Kind       string    `json:"kind"` // printing.Kind
	Copy       int       `json:"copy"` // 0 original; n > 0: n-th reprint (补打)
	Printer    string    `json:"printer"`
	Paper      string    `json:"paper"`
	Status     Status    `json:"status"`
	SpoolJobID string    `json:"spoolJobId,omitempty"`
	ErrorCode  string    `json:"errorCode,omitempty"`
	ErrorZh    string    `json:"errorZh,omitempty"`
	RetryOf    string    `json:"retryOf,omitempty"`
	Actor      string    `json:"actor"`
	Pages      int       `json:"pages"`
	Bytes      int       `json:"bytes"`
	CreatedAt  time.Time `json:"createdAt"`
	FinishedAt time.Time `json:"finishedAt,omitzero"`
}

// Reprint reports whether the job prints a copy marked 补打.
func (j Job) Reprint() bool { return j.Copy > 0 }

// StaleAfter is how long an attempt may stay "printing" before it is taken
// as interrupted (the program stopped while the spooler worked): longer
// than the spooler's own wait for a job.
const StaleAfter = 5 * time.Minute

// ErrInterruptedZh is the message of an attempt found interrupted.
const ErrInterruptedZh = "打印过程中程序中断，无法确认是否已打印：请核对打印机出纸，未打印时重试"
