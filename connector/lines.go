package connector

import (
	"github.com/ecrin-connect/ecrin/erp"
	"github.com/ecrin-connect/ecrin/reconcile"
)

// lineOf turns a read record into the engine's input: raw fields only, the engine
// maps the brand, keys the reference and normalises the size.
func lineOf(r erp.Record) reconcile.Line {
	return reconcile.Line{
		Ref:        r.Ref,
		ERPBrand:   r.Brand,
		RawSize:    r.Size,
		Label:      r.Label,
		Qty:        r.Qty,
		OnOrder:    r.OnOrder,
		PriceCents: r.PriceCents,
		HasPrice:   r.HasPrice,
		Excluded:   r.Excluded,
		EAN:        r.EAN,
		Source:     r.Loc.String(),
	}
}
