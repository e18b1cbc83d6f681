// Package fourd reads the stock extracts of shops' own 4D applications (EXPORT
// TEXT): fields separated by TAB, records ended by CR, CRLF or LF (even mixed), no
// quoting, UTF-8 by default, and no header row: the column order comes from the
// profile (see README.md).
package fourd

import (
	"fmt"

	"github.com/ecrin-connect/ecrin/erp"
)

// Name is the profile's name in the configuration.
const Name = "4d"

func init() { erp.Register(Name, New) }

// Defaults returns the profile's built-in settings.
func Defaults() erp.Options {
	return erp.Options{
		Format:    "tsv",
		Encoding:  "utf-8",
		Delimiter: "\t",
		Quote:     "none",
		Decimal:   ".",
		Header:    erp.Bool(false),
		Order:     []string{erp.FieldRef, erp.FieldBrand, erp.FieldLabel, erp.FieldSize, erp.FieldQty, erp.FieldPrice, erp.FieldStatus},
		// Used when header is true: columns found by these names.
		Columns: map[string]string{
			erp.FieldRef:     "ref|reference|référence|ref fournisseur",
			erp.FieldCode:    "code|code article",
			erp.FieldBrand:   "brand|marque|fournisseur",
			erp.FieldLabel:   "label|designation|libellé",
			erp.FieldSize:    "size|taille|tld",
			erp.FieldQty:     "qty|stock|quantite",
			erp.FieldOnOrder: "on_order|en commande",
			erp.FieldPrice:   "price|prix|prix ttc",
			erp.FieldStatus:  "status|statut",
			erp.FieldEAN:     "ean|gencod",
			erp.FieldStore:   "store|magasin",
		},
	}
}

// Reader reads a 4D extract.
type Reader struct{ erp.TextReader }

var _ erp.Reader = (*Reader)(nil)

// New returns a 4D reader with the site's overrides applied to the defaults.
func New(overrides erp.Options) (erp.Reader, error) {
	r := &Reader{erp.TextReader{Profile: Name, Options: Defaults().Merge(overrides), MixedLineEnds: true}}
	if err := r.Check(); err != nil {
		return nil, fmt.Errorf("%s profile: %w", Name, err)
	}
	return r, nil
}
