package medusa

import "github.com/ecrin-connect/ecrin/reconcile"

// setEANs fills the product's EANs from its variants' ean (else barcode): each
// size's on a declinable product, the single variant's on a product without sizes.
func setEANs(out *reconcile.Product, p *wireProduct) {
	if !out.Declinable {
		if len(p.Variants) == 1 {
			out.EAN = eanOf(&p.Variants[0])
		}
		return
	}
	for i := range out.Variants {
		out.Variants[i].EAN = eanOf(&p.Variants[i])
	}
}
