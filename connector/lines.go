package connector

import (
	"github.com/ecrin-connect/ecrin/erp"
	"github.com/ecrin-connect/ecrin/reconcile"
)

// lineMaker turns read records into the engine's input: raw fields only, the
// engine maps the brand, keys the reference and normalises the size. A record's
// source goes as the text before its line number, made once per file and sheet,
// and the number.
type lineMaker struct {
	file, sheet, prefix string
}

func (m *lineMaker) lineOf(r erp.Record) reconcile.Line {
	l := reconcile.Line{
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
	}
	if r.Loc.Line <= 0 || r.Loc.Cell != "" {
		l.Source = r.Loc.String()
		return l
	}
	if m.prefix == "" || r.Loc.File != m.file || r.Loc.Sheet != m.sheet {
		m.file, m.sheet = r.Loc.File, r.Loc.Sheet
		m.prefix, _ = r.Loc.LinePrefix()
	}
	l.Source, l.SourceLine = m.prefix, r.Loc.Line
	return l
}
