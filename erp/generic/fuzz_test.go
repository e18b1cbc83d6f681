package generic

import (
	"testing"

	"github.com/ecrin-connect/ecrin/erp"
	"github.com/ecrin-connect/ecrin/erp/internal/erptest"
)

// FuzzRead fuzzes the XML feed reader, with the sample feed's settings.
func FuzzRead(f *testing.F) {
	erptest.Fuzz(f, Name, "generic", erp.Options{Format: "xml", Item: "article", Columns: map[string]string{
		"ref": "@ref", "brand": "marque", "qty": "stock/disponible", "price": "prix", "ean": "ean"}})
}

// FuzzReadCSV fuzzes the generic CSV reader.
func FuzzReadCSV(f *testing.F) {
	erptest.Fuzz(f, Name, "bijou3", erp.Options{Format: "csv", Delimiter: ";", Encoding: "windows-1252", Decimal: ",",
		Columns: map[string]string{"ref": "Réf. fournisseur", "brand": "Marque", "qty": "Stock", "price": "Prix TTC"}})
}
