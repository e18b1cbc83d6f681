package connector

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ecrin-connect/ecrin/connector/report"
	"github.com/ecrin-connect/ecrin/erp"
	"github.com/ecrin-connect/ecrin/mapping"
)

// misspell types a catalog reference the way a boutique might: kind picks how.
// It returns the spelling and whether it still connects by its key alone.
func misspell(ref, brand string, kind int) (typed string, connects bool) {
	switch kind {
	case 1: // separators dropped
		return strings.NewReplacer(".", "", "-", "", " ", "").Replace(ref), true
	case 2: // lower case, spaces for dots
		return strings.ToLower(strings.ReplaceAll(ref, ".", " ")), true
	case 3: // look-alike letters: Cyrillic О and Greek Τ, Ι for Latin ones
		if la := strings.NewReplacer("O", "О", "T", "Τ", "I", "Ι").Replace(ref); la != ref {
			return la, true
		}
		return ref, true
	case 4: // the brand's name typed in front
		return strings.ToUpper(strings.ReplaceAll(brand, " ", "")) + "-" + ref, false
	case 5: // two neighbouring digits swapped
		b := []byte(ref)
		for i := len(b) - 2; i >= 0; i-- {
			if b[i] != b[i+1] && b[i] >= '0' && b[i] <= '9' && b[i+1] >= '0' && b[i+1] <= '9' {
				b[i], b[i+1] = b[i+1], b[i]
				return string(b), false
			}
		}
	case 6: // a letter or digit missing
		for i := len(ref) / 2; i < len(ref); i++ {
			if c := ref[i]; c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' {
				return ref[:i] + ref[i+1:], false
			}
		}
	}
	return ref, true
}

// eanOf is the barcode the test gives catalog product i (k < 0), or its k-th size.
func eanOf(i, k int) string {
	return mapping.WithCheckDigit(400_000_000_000 + uint64(i)*100 + uint64(k+1)).String()
}

// TestPrecheckProposesTheRightReference: on a deliberately misspelled extract —
// separators, case, look-alike letters, the brand typed in front, swapped digits, a
// character missing — precheck connects what a key connects, proposes the right
// catalog reference first for every other respelled one, and nothing for the
// references the catalog does not have.
//
// With barcodes on the catalog: a respelled reference whose line carries its EAN
// connects by it; a ring's EAN gives its size when the size column is empty; an
// EAN with a wrong check digit is a warning and the reference is proposed as
// without it; an EAN that names another product than a well-spelled reference is a
// conflict listed with both; the EAN of another brand's product is proposed.
func TestPrecheckProposesTheRightReference(t *testing.T) {
	catalog, err := LoadCatalogFile("demo/data/catalog.json")
	if err != nil {
		t.Fatal(err)
	}
	for i := range catalog {
		if len(catalog[i].Variants) == 0 {
			catalog[i].EAN = eanOf(i, -1)
		}
		for k := range catalog[i].Variants {
			catalog[i].Variants[k].EAN = eanOf(i, k)
		}
	}
	var extract strings.Builder // 4D export: TAB, UTF-8, ref brand label size qty price status ean
	want := map[string]string{} // typed reference → the catalog reference to propose
	kinds := map[int]int{}
	byEAN, sizedByEAN, badEANs := 0, 0, 0
	conflicts := map[string][2]string{} // source line → the references by reference and by EAN
	row := 0
	put := func(ref, brand, label, size, ean string) {
		row++
		fmt.Fprintf(&extract, "%s\t%s\t%s\t%s\t1\t100.00\t\t%s\r", ref, brand, label, size, ean)
	}
	for i, p := range catalog {
		kind := i % 7
		typed, connects := misspell(p.Ref, p.Brand, kind)
		size, ean := "", ""
		if p.Declinable && len(p.Variants) > 0 {
			size = p.Variants[0].Size
		}
		switch {
		case !connects && i%3 == 0 && len(p.Variants) == 0: // respelled, its EAN right: connects
			ean = p.EAN
			byEAN++
		case !connects && i%3 == 1 && len(p.Variants) == 0: // respelled, its EAN mistyped: a warning
			ean = p.EAN[:12] + string('0'+(p.EAN[12]-'0'+1)%10)
			badEANs++
		case connects && len(p.Variants) > 1 && i%2 == 0: // no size typed: the EAN names it
			size, ean = "", p.Variants[1].EAN
			sizedByEAN++
		}
		put(typed, p.Brand, fmt.Sprintf("Article %d", i), size, ean)
		if !connects && (ean == "" || ean != p.EAN) {
			want[typed] = p.Ref
			kinds[kind]++
		}
	}
	// New collections the catalog does not have yet: nothing to propose.
	absent := map[string]string{"Tissot": "T150.417.11.051.00", "Pandora": "393001C01", "Thomas Sabo": "KE9999-777-11",
		"Swatch": "YVS555", "Longines": "L8.200.0.00.0", "Maty": "0999999"}
	for brand, ref := range absent {
		put(ref, brand, "Nouveauté", "", "")
		want[ref] = ""
	}
	// Barcodes that point elsewhere: a well-spelled reference whose EAN names
	// another product (a conflict), and an unknown reference whose EAN names another
	// brand's product (proposed).
	simple := func(brand string, other bool) int {
		for i, p := range catalog {
			if len(p.Variants) == 0 && (p.Brand == brand) != other {
				return i
			}
		}
		t.Fatalf("no simple product of brand %s", brand)
		return -1
	}
	a, b := simple("Tissot", false), simple("Tissot", true)
	put(catalog[a].Ref, catalog[a].Brand, "Conflit", "", catalog[b].EAN)
	conflicts["stock.txt:"+fmt.Sprint(row)] = [2]string{catalog[a].Ref, catalog[b].Ref}
	put("T999.999.99.999.99", "Tissot", "Autre marque", "", catalog[b].EAN)
	want["T999.999.99.999.99"] = catalog[b].Ref
	path := filepath.Join(t.TempDir(), "stock.txt")
	if err := os.WriteFile(path, []byte(extract.String()), 0o640); err != nil {
		t.Fatal(err)
	}
	brands := map[string]string{}
	for _, p := range catalog {
		brands[p.Brand] = p.Brand
	}
	m, err := mapping.New(mapping.Config{Brands: brands})
	if err != nil {
		t.Fatal(err)
	}
	order := []string{erp.FieldRef, erp.FieldBrand, erp.FieldLabel, erp.FieldSize, erp.FieldQty, erp.FieldPrice, erp.FieldStatus, erp.FieldEAN}
	p, err := Precheck(context.Background(), PrecheckInput{Site: "Test", Profile: "4d", Options: erp.Options{Order: order},
		Extract: path, Catalog: catalog, CatalogName: "catalog.json", Mapper: m, Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if p.Counts.RowErrors != 0 {
		t.Fatalf("%d row errors: %+v", p.Counts.RowErrors, p.RowErrors)
	}
	got := map[string]bool{}
	for _, u := range p.Unmatched {
		got[u.Ref] = true
		w, ok := want[u.Ref]
		switch {
		case !ok:
			t.Errorf("%s: %q should have connected by its key", u.Source, u.Ref)
		case w == "" && len(u.Suggestions) > 0:
			t.Errorf("%s: %q has no counterpart, got %q proposed", u.Source, u.Ref, u.Suggestions[0].Ref)
		case w != "" && (len(u.Suggestions) == 0 || u.Suggestions[0].Ref != w):
			t.Errorf("%s: %q should propose %q first, got %+v", u.Source, u.Ref, w, u.Suggestions)
		}
	}
	for typed := range want {
		if !got[typed] {
			t.Errorf("%q is not listed as unmatched", typed)
		}
	}
	if kinds[4] == 0 || kinds[5] == 0 || kinds[6] == 0 {
		t.Fatalf("misspellings checked: %v", kinds)
	}
	// Every ring whose size came from its EAN connected (no row error above), by its
	// reference; the respelled references with their EAN right, by the EAN.
	if byEAN == 0 || sizedByEAN == 0 || badEANs == 0 {
		t.Fatalf("barcodes checked: %d by EAN, %d sized by EAN, %d mistyped", byEAN, sizedByEAN, badEANs)
	}
	if got := p.Counts.Lines("ean"); got != byEAN {
		t.Errorf("%d lines connected by EAN, want %d (counts %+v)", got, byEAN, p.Counts.ByRule)
	}
	warnings := 0
	for _, r := range p.RowErrors {
		if r.Code == mapping.GTINCodeCheckDigit && r.Field == "ean" {
			warnings++
		}
	}
	if warnings != badEANs || p.Counts.Warnings != badEANs {
		t.Errorf("%d check-digit warnings (%d counted), want %d", warnings, p.Counts.Warnings, badEANs)
	}
	if len(p.Conflicts) != len(conflicts) {
		t.Fatalf("conflicts %+v, want %v", p.Conflicts, conflicts)
	}
	for _, c := range p.Conflicts {
		w := conflicts[c.Source]
		if c.Kind != "ean_conflict" || len(c.ByRef) != 1 || !strings.HasPrefix(c.ByRef[0], w[0]+" (") ||
			len(c.ByEAN) != 1 || !strings.HasPrefix(c.ByEAN[0], w[1]+" (") {
			t.Errorf("conflict %+v, want %s by reference and %s by EAN", c, w[0], w[1])
		}
	}
	for _, u := range p.Unmatched {
		if u.Ref == "T999.999.99.999.99" && (u.Suggestions[0].Rule != "ean" || u.Suggestions[0].SameBrand) {
			t.Errorf("the EAN of another brand's product is proposed as %+v", u.Suggestions[0])
		}
	}
	if !slices.ContainsFunc(p.Missing, func(r report.Reason) bool { return r.Code == report.MissingConflicts }) {
		t.Errorf("missing %+v: the EAN conflicts are not listed", p.Missing)
	}
	if p.Ready() {
		t.Error("a boutique with references to rewrite is reported ready to connect")
	}
}
