// Package scanner takes page files from scanner hot folders and attaches
// them to the case and material slot the clerk has selected.
//
// A Watcher (Serve) watches one or more folders with fsnotify (or polling,
// for network shares), waits until a file is complete, stores it in a
// content-addressed blob store, splits multi-page TIFF and PDF files into
// pages, hands the pages to a Sink that records them durably, and only then
// removes the file from the hot folder. Files that are not pages go to a
// quarantine folder with a reason in English and Chinese. Nothing is lost
// and, because the Sink is idempotent on the file's SHA-256, nothing is
// attached twice, even if the process is killed at any point.
//
// The package never imports the application: the app provides the
// TargetSource (what the clerk selected), the Sink (SQLite) and the event
// callback (thumbnails, warnings).
package scanner
