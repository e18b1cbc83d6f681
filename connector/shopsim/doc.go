// Package shopsim is a reference web shop that speaks ecrin's shop protocol
// (docs/shop-protocol.md). It keeps one boutique's catalog and stock in SQLite, checks
// signatures, answers idempotent batches per item and stores uploaded runs.
//
// It is an independent implementation of the document — it does not import ecrin's
// engine — so the tests of the client check the protocol, not a shared struct. Tests
// start it in-process; cmd/shopsim runs it as a separate process for the demo and the
// crash tests. Fault switches (SetFault, or POST /admin/fault from loopback) make it
// answer 429/5xx, stall or drop connections.
package shopsim
