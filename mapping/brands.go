package mapping

import "strings"

// BrandTable maps the brand names an ERP writes to the catalog's brands. Names are
// compared case-folded and trimmed. A brand that is not in the table is left out on
// purpose: the boutique does not want it online.
type BrandTable struct {
	byName map[string]string
}

// NewBrandTable builds a table from ERP name → catalog brand.
func NewBrandTable(m map[string]string) *BrandTable {
	t := &BrandTable{byName: make(map[string]string, len(m))}
	for erpName, catalog := range m {
		t.byName[foldBrand(erpName)] = catalog
	}
	return t
}

// Lookup returns the catalog brand of an ERP brand name.
func (t *BrandTable) Lookup(erpBrand string) (string, bool) {
	c, ok := t.byName[foldBrand(erpBrand)]
	return c, ok
}

func foldBrand(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }
