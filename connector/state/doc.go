// Package state is ecrin's memory between runs: one SQLite file per site holding the
// run history, the state the web shop last acknowledged for each product and size
// variant, the push journal (every batch written with its idempotency key before it
// is sent, marked when the shop acknowledges it), the values each run replaced (for
// rollback) and the reference aliases CSMs keep.
//
// A Store has a single connection: it is the site's one writer. Several goroutines
// may share it. A second process opening the same file waits for the lock
// (busy_timeout) rather than failing or corrupting it. All times are stored in UTC
// as unix milliseconds.
//
// Retention (Prune, after every run) removes the runs older than keep_days with
// everything hanging off them, but keeps what a pending push, an approval, the
// guards and a rollback of the last RollbackRuns accepted runs need; the file is
// in auto_vacuum INCREMENTAL mode, so the space comes back to the disk. Run data
// above 4 KiB is stored gzipped.
package state
