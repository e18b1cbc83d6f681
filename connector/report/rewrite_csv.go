package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
)

// WriteRewriteCSV writes the references a boutique must rewrite, one per line, as
// the CSV French Excel opens by double-click: UTF-8 with a byte order mark, ";"
// between fields, CRLF line ends, a header in the report's language.
func WriteRewriteCSV(w io.Writer, p Precheck, opts Options) error {
	l, err := opts.lang()
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return fmt.Errorf("write rewrite CSV: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.Comma, cw.UseCRLF = ';', true
	header := []string{"col.erp_brand", "col.erp_ref", "col.catalog_ref", "col.one_distance", "col.rule", "col.same_brand", "col.source"}
	for i, k := range header {
		header[i] = l.t(k)
	}
	_ = cw.Write(header) // errors are sticky: cw.Error reports them
	for _, u := range p.rewrites() {
		s := u.Suggestions[0]
		_ = cw.Write([]string{
			cellText(u.Brand), cellText(u.Ref), cellText(s.Ref), strconv.Itoa(s.Distance),
			l.t(s.Rule), l.yesNo(s.SameBrand), cellText(u.Source),
		})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write rewrite CSV: %w", err)
	}
	return nil
}

// cellText keeps a spreadsheet from reading a value as a formula: one that starts
// with = + - @ or a control character gets a leading quote.
func cellText(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}
