// Package shop is ecrin's client of the web shop: it speaks the shop protocol
// (docs/shop-protocol.md) — the paged catalog in, idempotent batches of stock
// decisions out, run uploads for the CSMs — with signed requests and retries that
// survive a flaky line.
//
// A Client knows nothing of runs or journals: the caller splits a plan into batches
// of Config.BatchSize and derives each batch's idempotency key; PushBatch sends one
// batch, retrying it with the same key and body until the shop answers.
package shop
