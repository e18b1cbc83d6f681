// Package connector runs ecrin at a boutique: one run fetches the newest extract from
// the site's source, reads it with the ERP profile, reconciles it with the web catalog,
// checks the guards, pushes to the shop only what changed — through a journal that
// survives a crash — and writes the CSMs' report.
//
// It is the edge where all I/O lives; the decisions themselves are taken by the pure
// packages reconcile and mapping. Its sub-packages hold the parts: config, source
// (folder, FTP), shop (client) and shopsim (reference shop), state (SQLite), report,
// schedule, service and logging.
package connector
