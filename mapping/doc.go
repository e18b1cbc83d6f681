// Package mapping turns what a boutique typed into what the catalog knows: ERP brand
// names to catalog brands, reference spellings to matching keys (with the brands'
// rules, aliases and size_suffix), barcodes to GTINs (check digit verified), sizes to
// one spelling, and near-match suggestions for the references that do not connect.
//
// It is pure: no I/O, deterministic.
package mapping
