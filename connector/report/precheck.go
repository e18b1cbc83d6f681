package report

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Precheck is the outcome of matching an extract against a catalog before a
// boutique is connected: nothing is pushed. Its verdict is Missing: empty when the
// boutique is ready to connect.
type Precheck struct {
	Site     string    `json:"site"`
	Profile  string    `json:"profile"`
	File     string    `json:"file"`
	SHA256   string    `json:"sha256,omitempty"`
	Catalog  string    `json:"catalog"` // where the catalog came from: the shop's address or a file name
	At       time.Time `json:"at"`      // UTC
	TimeZone string    `json:"time_zone,omitempty"`

	Counts         Counts          `json:"counts"`
	Brands         []BrandRate     `json:"brands,omitempty"`
	Unmatched      []Unmatched     `json:"unmatched,omitempty"` // with suggestions: to rewrite; without: no counterpart
	Ambiguous      []Ambiguous     `json:"ambiguous,omitempty"`
	Conflicts      []Conflict      `json:"conflicts,omitempty"` // EAN and reference disagree, or a shared EAN
	UnmappedBrands []UnmappedBrand `json:"unmapped_brands,omitempty"`
	RowErrors      []RowError      `json:"row_errors,omitempty"`
	Missing        []Reason        `json:"missing,omitempty"` // what stands between the boutique and connecting
}

// Ready reports whether the boutique can be connected.
func (p Precheck) Ready() bool { return len(p.Missing) == 0 }

// What a precheck finds missing.
const (
	MissingNoRows    = "no_rows"         // the extract has no article
	MissingMatchRate = "match_rate_low"  // below the required match rate
	MissingRewrites  = "refs_to_rewrite" // ERP references close to a catalog one
	MissingAmbiguous = "ambiguous_refs"  // catalog references that share a key
	MissingConflicts = "ean_conflicts"   // lines whose EAN names another product than their reference
	MissingUnmapped  = "unmapped_brands" // not used by Assess: an unmapped brand may be wanted
	MissingRowErrors = "rows_in_error"   // not used by Assess: those rows are skipped
)

// Assess lists what keeps a boutique from connecting: no article read, a match rate
// below minRate (0..1; 0 checks none), references to rewrite, ambiguous references,
// EAN conflicts.
// References with no counterpart in the catalog do not count: the boutique sells
// articles that are not online.
func Assess(p Precheck, minRate float64) []Reason {
	var missing []Reason
	if p.Counts.RowsRead == 0 {
		missing = append(missing, Reason{Code: MissingNoRows})
	}
	if r := p.Counts.MatchRate(); minRate > 0 && r < minRate {
		missing = append(missing, Reason{Code: MissingMatchRate, Detail: fmt.Sprintf("%.1f %% < %.1f %%", 100*r, 100*minRate)})
	}
	if n := len(p.rewrites()); n > 0 {
		missing = append(missing, Reason{Code: MissingRewrites, Detail: fmt.Sprint(n)})
	}
	if n := len(p.Ambiguous); n > 0 {
		missing = append(missing, Reason{Code: MissingAmbiguous, Detail: fmt.Sprint(n)})
	}
	if n := len(p.Conflicts); n > 0 {
		missing = append(missing, Reason{Code: MissingConflicts, Detail: fmt.Sprint(n)})
	}
	return missing
}

// rewrites are the unmatched references that have a suggestion.
func (p Precheck) rewrites() []Unmatched {
	return p.split(true)
}

func (p Precheck) split(suggested bool) []Unmatched {
	var out []Unmatched
	for _, u := range p.Unmatched {
		if (len(u.Suggestions) > 0) == suggested {
			out = append(out, u)
		}
	}
	return out
}

// WritePrecheck writes the precheck workbook: the summary with the verdict and the
// match rate per brand and the lines each matching rule connected, the references to
// rewrite with their evidence, those with no counterpart, the ambiguous references,
// the EAN conflicts, the unmapped brands and the row errors.
func WritePrecheck(w io.Writer, p Precheck, opts Options) error {
	b, err := newBook(opts, p.TimeZone)
	if err != nil {
		return err
	}
	defer b.f.Close()
	rewrites, alone := p.rewrites(), p.split(false)
	verdict := "ready"
	if !p.Ready() {
		verdict = "not_ready"
	}
	c := p.Counts
	items := []item{
		{label: "sum.profile", value: p.Profile},
		{label: "sum.file", value: p.File},
		{label: "sum.sha256", value: p.SHA256},
		{label: "sum.catalog", value: p.Catalog},
		{label: "sum.at", value: b.l.date(p.At, b.zone)},
		{label: "sum.time_zone", value: b.zone.String()},
		{label: "sum.verdict", value: b.l.t(verdict)},
		{label: "sum.rows_read", value: c.RowsRead},
		{label: "sum.row_errors", value: c.RowErrors},
		{label: "sum.match_rate", value: c.MatchRate(), kind: percent},
		{label: "sum.matched", value: c.Matched},
	}
	items = append(items, byRule(c)...)
	items = append(items, []item{
		{label: "sum.to_rewrite", value: len(rewrites)},
		{label: "sum.no_counterpart", value: len(alone)},
		{label: "sum.ambiguous", value: c.Ambiguous},
		{label: "sum.conflicts", value: c.Conflicts},
		{label: "sum.unmapped", value: c.Unmapped},
	}...)
	if err := b.summary("sum.precheck_title", p.Site, items, p.Brands, p.Missing); err != nil {
		return err
	}
	if err := b.table("sheet.rewrite", rewriteCols, len(rewrites), func(i int, row []any) {
		u := &rewrites[i]
		s := u.Suggestions[0]
		row[0], row[1], row[2], row[3], row[4] = u.Source, u.Brand, u.Ref, s.Ref, s.Distance
		row[5], row[6], row[7] = b.l.t(s.Rule), b.l.yesNo(s.SameBrand), alternatives(u.Suggestions)
	}); err != nil {
		return err
	}
	if err := b.table("sheet.no_counterpart", noCounterpartCols, len(alone), func(i int, row []any) {
		u := &alone[i]
		row[0], row[1], row[2], row[3], row[4] = u.Source, u.Brand, u.Ref, u.Size, u.Qty
	}); err != nil {
		return err
	}
	r := Run{Ambiguous: p.Ambiguous, RowErrors: p.RowErrors}
	if err := writeAmbiguous(b, &r); err != nil {
		return err
	}
	if err := writeConflictList(b, p.Conflicts); err != nil {
		return err
	}
	if err := writeUnmappedBrands(b, p.UnmappedBrands); err != nil {
		return err
	}
	if err := writeRowErrors(b, &r); err != nil {
		return err
	}
	return b.write(w)
}

var rewriteCols = []column{
	{label: "col.source", width: 26},
	{label: "col.erp_brand", width: 18},
	{label: "col.erp_ref", width: 22},
	{label: "col.catalog_ref", width: 28},
	{label: "col.one_distance", width: 10, kind: number},
	{label: "col.rule", width: 20},
	{label: "col.same_brand", width: 12},
	{label: "col.alternatives", width: 40},
}

var noCounterpartCols = []column{
	{label: "col.source", width: 26},
	{label: "col.erp_brand", width: 18},
	{label: "col.erp_ref", width: 22},
	{label: "col.size", width: 9},
	{label: "col.qty", width: 8, kind: number},
}

func (l lang) yesNo(v bool) string {
	if v {
		return l.t("yes")
	}
	return l.t("no")
}

// alternatives lists the suggestions after the first: "T1204071704101 (2), …".
func alternatives(list []Suggestion) string {
	if len(list) < 2 {
		return ""
	}
	parts := make([]string, 0, maxSuggestions-1)
	for _, s := range list[1:min(len(list), maxSuggestions)] {
		parts = append(parts, fmt.Sprintf("%s (%d)", s.Ref, s.Distance))
	}
	return strings.Join(parts, ", ")
}

// PrecheckOf turns the model of a run that pushed nothing into a precheck against
// catalog, assessed with minRate (see Assess).
func PrecheckOf(r Run, catalog string, minRate float64) Precheck {
	p := Precheck{
		Site: r.Site, Profile: r.Profile, File: r.File, SHA256: r.SHA256, Catalog: catalog,
		At: r.Started, TimeZone: r.TimeZone, Counts: r.Counts, Brands: r.Brands,
		Unmatched: r.Unmatched, Ambiguous: r.Ambiguous, Conflicts: r.Conflicts, UnmappedBrands: r.UnmappedBrands, RowErrors: r.RowErrors,
	}
	p.Missing = Assess(p, minRate)
	return p
}
