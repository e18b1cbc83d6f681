// Package cestia reads Cestia stock extracts: an XLSX workbook (sheet "Stock", else
// the first), up to a few title rows above the header, numeric cells for numbers and
// sometimes for references and EANs, and a "Total" footer row (see README.md).
package cestia

import (
	"fmt"

	"github.com/ecrin-connect/ecrin/erp"
)

// Name is the profile's name in the configuration.
const Name = "cestia"

func init() { erp.Register(Name, New) }

// Defaults returns the profile's built-in settings.
func Defaults() erp.Options {
	return erp.Options{
		Format:  "xlsx",
		Sheet:   "Stock",
		Decimal: ",", // for prices typed as text; numeric cells are exact
		Header:  erp.Bool(true),
		Columns: map[string]string{
			erp.FieldCode:    "Réf. Cestia",
			erp.FieldRef:     "Réf. fournisseur",
			erp.FieldBrand:   "Fournisseur",
			erp.FieldLabel:   "Libellé",
			erp.FieldSize:    "Taille",
			erp.FieldQty:     "Qté stock",
			erp.FieldOnOrder: "Qté en commande",
			erp.FieldPrice:   "PV TTC",
			erp.FieldStatus:  "Web",
			erp.FieldEAN:     "EAN|Code barre|Gencod",
			erp.FieldStore:   "Magasin",
		},
		ExcludedStatuses: []string{"Non"},
	}
}

// Reader reads a Cestia workbook.
type Reader struct{ erp.SheetReader }

var _ erp.Reader = (*Reader)(nil)

// New returns a Cestia reader with the site's overrides applied to the defaults.
func New(overrides erp.Options) (erp.Reader, error) {
	o := Defaults().Merge(overrides)
	if d := o.Decimal; d != "," && d != "." {
		return nil, fmt.Errorf("%s profile: decimal %q: expected \",\" or \".\"", Name, d)
	}
	return &Reader{erp.SheetReader{
		Profile:   Name,
		Options:   o,
		Footer:    "total",
		LegacyXLS: "a legacy .xls workbook: export the Cestia stock as .xlsx",
		// "Stock" is the profile's default: a workbook without it is read from its
		// first visible sheet. A sheet the site names must exist.
		SheetOptional: overrides.Sheet == "",
	}}, nil
}
