// Package client is the workstation side of the sync protocol: an outbox
// pushed in FIFO order (a case before its actions) with poison items
// quarantined, a pull by opaque cursor applied one complete batch at a
// time, resumable scan uploads (tus 1.0) and device enrollment. Local
// state lives behind LocalStore (app/syncstore implements it on the
// workstation's SQLite database); this package imports nothing of app/.
//
// A Syncer runs the loop: Serve(ctx) syncs on a timer and whenever Kick
// is called after a local write, backing off with jitter after failures.
package client
