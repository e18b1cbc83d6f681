package mapping

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// BrandTable maps the brand names an ERP writes to the catalog's brands. Names are
// compared case and accent folded, spaces trimmed and collapsed. A brand that is not
// in the table is left out on purpose: the boutique does not want it online.
type BrandTable struct {
	byName map[string]string
}

// NewBrandTable builds a table from ERP name → catalog brand.
func NewBrandTable(m map[string]string) *BrandTable {
	t := &BrandTable{byName: make(map[string]string, len(m))}
	for erpName, catalog := range m {
		t.byName[FoldBrand(erpName)] = catalog
	}
	return t
}

// Lookup returns the catalog brand of an ERP brand name.
func (t *BrandTable) Lookup(erpBrand string) (string, bool) {
	c, ok := t.byName[FoldBrand(erpBrand)]
	return c, ok
}

// FoldBrand is the form brand names (and categories) are compared in: accents
// removed, upper case, spaces (no-break ones too) trimmed and collapsed, invisible
// characters and full-width forms folded. "  Hermès  paris" and
// "HERMES PARIS" fold alike.
func FoldBrand(s string) string {
	if isPlainASCII(s) {
		return strings.Join(strings.Fields(strings.ToUpper(s)), " ")
	}
	var b strings.Builder
	space := false
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r), invisible(r):
			continue
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}

func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
