// Package ecrin is the shop kind `ecrin`: ecrin's own protocol
// (docs/shop-protocol.md), which the platform hosting the boutiques' sites
// implements and connector/shopsim is the reference of — the paged catalog in,
// idempotent signed batches of on-hand stock out, the open web orders, run uploads
// for the CSMs, with retries that survive a flaky line.
//
// A Client knows nothing of runs or journals: the caller splits a plan into
// batches and derives each batch's idempotency key; Push sends one batch, retrying
// it with the same key and body until the shop answers.
package ecrin
