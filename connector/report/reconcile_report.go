package report

import (
	"errors"
	"io"
	"strings"
)

// Write writes the reconcile report of run to w as an XLSX workbook: a summary
// sheet, then one sheet per kind of finding, each with its header frozen and
// filterable. Memory does not grow with the number of findings.
func Write(w io.Writer, run Run, opts Options) error {
	b, err := newBook(opts, run.TimeZone)
	if err != nil {
		return err
	}
	defer b.f.Close()
	for _, write := range []func(*book, *Run) error{
		writeSummary, writePublished, writeUnpublished, writeUnmatched, writeAmbiguous, writeConflicts,
		writeUnmapped, writeRowErrors, writePriceChanges, writeSizesWithoutPrice, writeRejections,
		writeSoldOnline,
	} {
		if err := write(b, &run); err != nil {
			return err
		}
	}
	if opts.Full != nil {
		if err := writeFull(b, opts.Full); err != nil {
			return err
		}
	}
	return b.write(w)
}

func writeSummary(b *book, r *Run) error {
	c := r.Counts
	items := []item{
		{label: "sum.run", value: r.ID},
		{label: "sum.profile", value: r.Profile},
		{label: "sum.file", value: r.File},
		{label: "sum.sha256", value: r.SHA256},
		{label: "sum.started", value: b.l.date(r.Started, b.zone)},
		{label: "sum.finished", value: b.l.date(r.Finished, b.zone)},
		{label: "sum.duration", value: duration(r.Duration())},
		{label: "sum.time_zone", value: b.zone.String()},
		{label: "sum.verdict", value: b.l.t(r.Verdict.Status)},
		{label: "sum.rows_read", value: c.RowsRead},
		{label: "sum.row_errors", value: c.RowErrors},
		{label: "sum.warnings", value: c.Warnings},
		{label: "sum.match_rate", value: c.MatchRate(), kind: percent},
		{label: "sum.matched", value: c.Matched},
	}
	items = append(items, byRule(c)...)
	items = append(items, []item{
		{label: "sum.unmatched", value: c.Unmatched},
		{label: "sum.ambiguous", value: c.Ambiguous},
		{label: "sum.conflicts", value: c.Conflicts},
		{label: "sum.unmapped", value: c.Unmapped},
		{label: "sum.excluded", value: c.Excluded},
		{label: "sum.published", value: c.Published},
		{label: "sum.unpublished", value: c.Unpublished},
		{label: "sum.preorder", value: c.Preorder},
		{label: "sum.backorder", value: c.Backorder},
		{label: "sum.pushed", value: c.Pushed},
		{label: "sum.rejected", value: c.Rejected},
		{label: "sum.sold_online", value: c.SoldOnline},
	}...)
	if c.Unlisted > 0 {
		items = append(items, item{label: "sum.unlisted", value: c.Unlisted})
	}
	if c.Unsuggested > 0 {
		items = append(items, item{label: "sum.unsuggested", value: c.Unsuggested})
	}
	return b.summary("sum.title", r.Site, items, r.Brands, r.Verdict.Reasons)
}

var outcomeCols = []column{
	{label: "col.source", width: 26},
	{label: "col.brand", width: 18},
	{label: "col.ref", width: 22},
	{label: "col.size", width: 9},
	{label: "col.product", width: 12},
	{label: "col.variant", width: 12},
	{label: "col.availability", width: 16},
	{label: "col.quantity", width: 10, kind: number},
	{label: "col.price", width: 13, kind: money},
	{label: "col.restock_days", width: 12, kind: number},
	{label: "col.reason", width: 30},
	{label: "col.match_rule", width: 24},
	{label: "col.change", width: 28},
}

// byRule are the summary's lines of the matched references by what connected them,
// every rule shown (0 when it connected nothing).
func byRule(c Counts) []item {
	items := make([]item, 0, len(MatchRules))
	for _, r := range MatchRules {
		items = append(items, item{label: "sum.rule." + r, value: c.Lines(r)})
	}
	return items
}

func outcomes(b *book, sheet string, list []Outcome) error {
	return b.table(sheet, outcomeCols, len(list), func(i int, row []any) {
		o := &list[i]
		row[0], row[1], row[2], row[3], row[4], row[5] = o.Source, o.Brand, o.Ref, o.Size, o.ProductID, o.VariantID
		row[6], row[7], row[8], row[10] = b.l.t(o.Availability), o.Quantity, o.PriceCents, b.l.t(o.Reason)
		if o.Rule != "" {
			row[11] = b.l.t(o.Rule)
		}
		if o.RestockDays > 0 {
			row[9] = o.RestockDays
		}
		if o.Change != "" {
			codes := strings.Split(o.Change, ",")
			for j, c := range codes {
				codes[j] = b.l.t("change." + c)
			}
			row[12] = strings.Join(codes, ", ")
		}
	})
}

func writePublished(b *book, r *Run) error { return outcomes(b, "sheet.published", r.Published) }

func writeUnpublished(b *book, r *Run) error { return outcomes(b, "sheet.unpublished", r.Unpublished) }

// maxSuggestions is how many suggestions the unmatched sheet shows.
const maxSuggestions = 3

var unmatchedCols = []column{
	{label: "col.source", width: 26},
	{label: "col.erp_brand", width: 18},
	{label: "col.erp_ref", width: 22},
	{label: "col.size", width: 9},
	{label: "col.qty", width: 8, kind: number},
	{label: "col.suggestion", width: 22, n: 1},
	{label: "col.distance", width: 11, kind: number, n: 1},
	{label: "col.suggestion", width: 22, n: 2},
	{label: "col.distance", width: 11, kind: number, n: 2},
	{label: "col.suggestion", width: 22, n: 3},
	{label: "col.distance", width: 11, kind: number, n: 3},
}

func writeUnmatched(b *book, r *Run) error {
	return b.table("sheet.unmatched", unmatchedCols, len(r.Unmatched), func(i int, row []any) {
		u := &r.Unmatched[i]
		row[0], row[1], row[2], row[3], row[4] = u.Source, u.Brand, u.Ref, u.Size, u.Qty
		for j, s := range u.Suggestions[:min(len(u.Suggestions), maxSuggestions)] {
			row[5+2*j], row[6+2*j] = s.Ref, s.Distance
		}
	})
}

var ambiguousCols = []column{
	{label: "col.source", width: 26},
	{label: "col.brand", width: 18},
	{label: "col.ref", width: 22},
	{label: "col.key", width: 22},
	{label: "col.candidates", width: 50},
}

func writeAmbiguous(b *book, r *Run) error {
	return b.table("sheet.ambiguous", ambiguousCols, len(r.Ambiguous), func(i int, row []any) {
		a := &r.Ambiguous[i]
		row[0], row[1], row[2], row[3], row[4] = a.Source, a.Brand, a.Ref, a.Key, strings.Join(a.Candidates, ", ")
	})
}

var conflictCols = []column{
	{label: "col.source", width: 26},
	{label: "col.erp_brand", width: 18},
	{label: "col.erp_ref", width: 22},
	{label: "col.size", width: 9},
	{label: "col.ean", width: 16},
	{label: "col.conflict", width: 44},
	{label: "col.by_ref", width: 40},
	{label: "col.by_ean", width: 40},
}

func writeConflicts(b *book, r *Run) error { return writeConflictList(b, r.Conflicts) }

// writeConflictList writes the lines whose EAN and reference disagree, or whose EAN
// several products share: a sheet of their own, with both candidates.
func writeConflictList(b *book, list []Conflict) error {
	return b.table("sheet.conflicts", conflictCols, len(list), func(i int, row []any) {
		c := &list[i]
		row[0], row[1], row[2], row[3], row[4] = c.Source, c.Brand, c.Ref, c.Size, c.EAN
		row[5], row[6], row[7] = b.l.t(c.Kind), strings.Join(c.ByRef, ", "), strings.Join(c.ByEAN, ", ")
	})
}

var unmappedCols = []column{
	{label: "col.source", width: 26},
	{label: "col.erp_brand", width: 24},
	{label: "col.lines", width: 10, kind: number},
}

func writeUnmapped(b *book, r *Run) error {
	return writeUnmappedBrands(b, r.UnmappedBrands)
}

func writeUnmappedBrands(b *book, list []UnmappedBrand) error {
	return b.table("sheet.unmapped", unmappedCols, len(list), func(i int, row []any) {
		u := &list[i]
		row[0], row[1], row[2] = u.Source, u.Brand, u.Lines
	})
}

var rowErrorCols = []column{
	{label: "col.source", width: 26},
	{label: "col.severity", width: 16},
	{label: "col.problem", width: 44},
	{label: "col.field", width: 12},
	{label: "col.value", width: 30},
}

func writeRowErrors(b *book, r *Run) error {
	return b.table("sheet.row_errors", rowErrorCols, len(r.RowErrors), func(i int, row []any) {
		e := &r.RowErrors[i]
		row[0], row[1], row[2], row[3], row[4] = e.Source, b.l.t(e.Severity), b.l.t(e.Code), e.Field, e.Value
	})
}

var priceCols = []column{
	{label: "col.source", width: 26},
	{label: "col.brand", width: 18},
	{label: "col.ref", width: 22},
	{label: "col.size", width: 9},
	{label: "col.old_price", width: 14, kind: money},
	{label: "col.new_price", width: 14, kind: money},
	{label: "col.reason", width: 44},
}

func writePriceChanges(b *book, r *Run) error {
	return b.table("sheet.price_changes", priceCols, len(r.PriceChanges), func(i int, row []any) {
		p := &r.PriceChanges[i]
		row[0], row[1], row[2], row[3], row[4], row[5] = p.Source, p.Brand, p.Ref, p.Size, p.OldCents, p.NewCents
		if p.Reason != "" {
			row[6] = b.l.t(p.Reason)
		}
	})
}

var sizeCols = []column{
	{label: "col.source", width: 26},
	{label: "col.brand", width: 18},
	{label: "col.ref", width: 22},
	{label: "col.size", width: 9},
	{label: "col.product", width: 12},
	{label: "col.variant", width: 12},
	{label: "col.reason", width: 44},
}

func writeSizesWithoutPrice(b *book, r *Run) error {
	return b.table("sheet.sizes_no_price", sizeCols, len(r.SizesWithoutPrice), func(i int, row []any) {
		s := &r.SizesWithoutPrice[i]
		row[0], row[1], row[2], row[3], row[4], row[5] = s.Source, s.Brand, s.Ref, s.Size, s.ProductID, s.VariantID
		if s.Why != "" {
			row[6] = b.l.t(s.Why)
		}
	})
}

var rejectionCols = []column{
	{label: "col.source", width: 26},
	{label: "col.ref", width: 22},
	{label: "col.size", width: 9},
	{label: "col.product", width: 12},
	{label: "col.variant", width: 12},
	{label: "col.shop_reason", width: 50},
}

func writeRejections(b *book, r *Run) error {
	return b.table("sheet.rejections", rejectionCols, len(r.Rejections), func(i int, row []any) {
		j := &r.Rejections[i]
		row[0], row[1], row[2], row[3], row[4], row[5] = j.Source, j.Ref, j.Size, j.ProductID, j.VariantID, j.Reason
	})
}

var soldOnlineCols = []column{
	{label: "col.order", width: 16},
	{label: "col.placed_at", width: 18},
	{label: "col.ref", width: 22},
	{label: "col.size", width: 9},
	{label: "col.quantity", width: 10, kind: number},
	{label: "col.product", width: 12},
	{label: "col.variant", width: 12},
	{label: "col.subtracted", width: 16},
}

// writeSoldOnline lists the open web orders: what the boutique must record in its
// till and pull from the showcase.
func writeSoldOnline(b *book, r *Run) error {
	return b.table("sheet.sold_online", soldOnlineCols, len(r.SoldOnline), func(i int, row []any) {
		o := &r.SoldOnline[i]
		row[0], row[1], row[2], row[3], row[4], row[5], row[6] = o.Order, b.l.date(o.PlacedAt, b.zone), o.Ref, o.Size, o.Quantity, o.ProductID, o.VariantID
		row[7] = b.l.yesNo(o.Subtracted)
	})
}

var fullCols = []column{
	{label: "col.ref", width: 22},
	{label: "col.size", width: 9},
	{label: "col.product", width: 12},
	{label: "col.variant", width: 12},
	{label: "col.published", width: 9},
	{label: "col.availability", width: 16},
	{label: "col.quantity", width: 10, kind: number},
	{label: "col.price", width: 13, kind: money},
	{label: "col.restock_days", width: 12, kind: number},
}

// writeFull streams every product and size as the shop holds them.
func writeFull(b *book, list FullList) error {
	var t *tableWriter
	err := list(func(n int) (err error) {
		t, err = b.openTable("sheet.full", fullCols, n)
		return err
	}, func(it FullItem) error {
		r := t.row
		r[0], r[1], r[2], r[3], r[4] = it.Ref, it.Size, it.ProductID, it.VariantID, b.l.yesNo(it.Published)
		r[5], r[6], r[7] = b.l.t(it.Availability), it.Quantity, it.PriceCents
		if it.RestockDays > 0 {
			r[8] = it.RestockDays
		}
		return t.add()
	})
	if err != nil {
		return err
	}
	if t == nil {
		return errors.New("full product list: no count given")
	}
	return t.close()
}
