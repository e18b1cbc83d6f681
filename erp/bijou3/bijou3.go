// Package bijou3 reads Bijou3 stock extracts: CSV separated by ';', Windows-1252, CRLF,
// one header row, decimal comma (see README.md). Import it for its side effect, or
// erp/all for every profile:
//
//	import _ "github.com/ecrin-connect/ecrin/erp/bijou3"
//	r, err := erp.New("bijou3", overrides)
package bijou3

import (
	"fmt"

	"github.com/ecrin-connect/ecrin/erp"
)

// Name is the profile's name in the configuration.
const Name = "bijou3"

func init() { erp.Register(Name, New) }

// Defaults returns the profile's built-in settings.
func Defaults() erp.Options {
	return erp.Options{
		Format:    "csv",
		Encoding:  "windows-1252",
		Delimiter: ";",
		Quote:     `"`,
		Decimal:   ",",
		Header:    erp.Bool(true),
		Columns: map[string]string{
			erp.FieldCode:    "Code article",
			erp.FieldRef:     "Réf. fournisseur",
			erp.FieldBrand:   "Marque",
			erp.FieldLabel:   "Désignation",
			erp.FieldSize:    "TLD",
			erp.FieldQty:     "Stock",
			erp.FieldOnOrder: "En commande",
			erp.FieldPrice:   "Prix TTC",
			erp.FieldStatus:  "Statut",
			erp.FieldEAN:     "EAN",
			erp.FieldStore:   "Magasin",
		},
		ExcludedStatuses: []string{"NW", "S"},
	}
}

// Reader reads a Bijou3 extract.
type Reader struct{ erp.TextReader }

var _ erp.Reader = (*Reader)(nil)

// New returns a Bijou3 reader with the site's overrides applied to the defaults.
func New(overrides erp.Options) (erp.Reader, error) {
	r := &Reader{erp.TextReader{Profile: Name, Options: Defaults().Merge(overrides)}}
	if err := r.Check(); err != nil {
		return nil, fmt.Errorf("%s profile: %w", Name, err)
	}
	return r, nil
}
