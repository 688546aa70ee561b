// Package scans files scanned pages under cases: it is the SQLite side of
// the scanner hot folder. It implements the scanner's Sink (durable and
// idempotent on the file's SHA-256) and TargetSource (the case and
// material slot the clerk selected, per hot folder), keeps the page table
// ordered per case and slot with the clerk's rotation, lets the clerk
// reorder, rotate, delete and move pages, journals every change, and tells
// the blob collector which blobs are still referenced (including kept
// originals until their case is synced).
package scans
