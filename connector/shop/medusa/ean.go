package medusa

import "github.com/ecrin-connect/ecrin/reconcile"

// setEANs fills the product's EANs from its variants' ean (else barcode) where the
// engine's types carry EANs; they do not yet, so it only keeps the place.
func setEANs(*reconcile.Product, *wireProduct) {}
