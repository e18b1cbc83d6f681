package report

import (
	"fmt"

	"github.com/xuri/excelize/v2"
)

// item is one line of a summary: a label (translation key) and its value.
type item struct {
	label string
	value any
	kind  kind
}

// summaryCols fit the brand table; a long value (checksum, file name) runs over
// the empty cells on its right.
var summaryCols = []column{{width: 38}, {width: 14}, {width: 12}, {width: 12}, {width: 12}}

// summary writes the first sheet: the items under a title row, the reasons of the
// verdict, and the match rate per brand.
func (b *book) summary(title, site string, items []item, brands []BrandRate, reasons []Reason) error {
	name, err := b.sheet("sheet.summary")
	if err != nil {
		return err
	}
	if err := b.printLayout(name); err != nil {
		return err
	}
	sw, err := b.stream(name, summaryCols)
	if err != nil {
		return err
	}
	r := 0
	put := func(vals ...any) error {
		r++
		cell, _ := excelize.CoordinatesToCellName(1, r)
		if err := sw.SetRow(cell, vals); err != nil {
			return fmt.Errorf("write row %d of sheet %q: %w", r, name, err)
		}
		return nil
	}
	head := func(keys ...string) error {
		vals := make([]any, len(keys))
		for i, k := range keys {
			vals[i] = excelize.Cell{StyleID: b.header, Value: b.l.t(k)}
		}
		return put(vals...)
	}
	if err := put(excelize.Cell{StyleID: b.header, Value: b.l.t(title)}, excelize.Cell{StyleID: b.header, Value: site}); err != nil {
		return err
	}
	for _, it := range items {
		if err := put(b.l.t(it.label), b.cell(it.kind, it.value)); err != nil {
			return err
		}
	}
	r++ // a blank line between sections
	if err := put(excelize.Cell{StyleID: b.title, Value: b.l.t("sum.reasons")}); err != nil {
		return err
	}
	if err := head("sum.reason", "sum.detail"); err != nil {
		return err
	}
	for _, rs := range reasons {
		if err := put(b.l.t(rs.Code), rs.Detail); err != nil {
			return err
		}
	}
	r++
	if err := put(excelize.Cell{StyleID: b.title, Value: b.l.t("sum.brands")}); err != nil {
		return err
	}
	if err := head("col.brand", "col.lines", "col.matched", "col.unmatched", "col.rate"); err != nil {
		return err
	}
	for _, br := range brands {
		if err := put(br.Brand, br.Lines, br.Matched, br.Unmatched, b.cell(percent, br.Rate())); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("write sheet %q: %w", name, err)
	}
	return nil
}
