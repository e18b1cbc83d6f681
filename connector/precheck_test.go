package connector

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

// TestPrecheckProposesTheRightReference: on a deliberately misspelled extract —
// separators, case, look-alike letters, the brand typed in front, swapped digits, a
// character missing — precheck connects what a key connects, proposes the right
// catalog reference first for every other respelled one, and nothing for the
// references the catalog does not have.
func TestPrecheckProposesTheRightReference(t *testing.T) {
	catalog, err := LoadCatalogFile("demo/data/catalog.json")
	if err != nil {
		t.Fatal(err)
	}
	var extract strings.Builder // 4D export: TAB, UTF-8, ref brand label size qty price status
	want := map[string]string{} // typed reference → the catalog reference to propose
	kinds := map[int]int{}
	for i, p := range catalog {
		kind := i % 7
		typed, connects := misspell(p.Ref, p.Brand, kind)
		size := ""
		if p.Declinable && len(p.Variants) > 0 {
			size = p.Variants[0].Size
		}
		fmt.Fprintf(&extract, "%s\t%s\tArticle %d\t%s\t1\t100.00\t\r", typed, p.Brand, i, size)
		if !connects {
			want[typed] = p.Ref
			kinds[kind]++
		}
	}
	// New collections the catalog does not have yet: nothing to propose.
	absent := map[string]string{"Tissot": "T150.417.11.051.00", "Pandora": "393001C01", "Thomas Sabo": "KE9999-777-11",
		"Swatch": "YVS555", "Longines": "L8.200.0.00.0", "Maty": "0999999"}
	for brand, ref := range absent {
		fmt.Fprintf(&extract, "%s\t%s\tNouveauté\t\t1\t100.00\t\r", ref, brand)
		want[ref] = ""
	}
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
	p, err := Precheck(context.Background(), PrecheckInput{Site: "Test", Profile: "4d", Extract: path, Catalog: catalog,
		CatalogName: "catalog.json", Mapper: m, Now: time.Now()})
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
	if p.Ready() {
		t.Error("a boutique with references to rewrite is reported ready to connect")
	}
}
