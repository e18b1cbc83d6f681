package erpgen

import (
	"bufio"
	"encoding/xml"
	"io"
	"iter"
)

// GenericXMLOptions are the generic profile's settings that read WriteGenericXML's
// feed, as they appear in a site's configuration.
const GenericXMLOptions = `format: xml
item: article
columns:
  ref: "@ref"
  brand: marque
  label: designation
  size: taille
  qty: stock/disponible
  on_order: stock/commande
  price: prix
  status: "@statut"
  ean: ean
excluded_statuses: [retire]
`

type xmlArticle struct {
	XMLName xml.Name `xml:"article"`
	Ref     string   `xml:"ref,attr"`
	Status  string   `xml:"statut,attr"`
	Brand   string   `xml:"marque"`
	Label   string   `xml:"designation"`
	Size    string   `xml:"taille,omitempty"`
	Qty     int      `xml:"stock>disponible"`
	OnOrder int      `xml:"stock>commande"`
	Price   xmlPrice `xml:"prix"`
	EAN     string   `xml:"ean,omitempty"`
}

type xmlPrice struct {
	Currency string `xml:"devise,attr"`
	Value    string `xml:",chardata"`
}

// WriteGenericXML writes a supplier's XML stock feed, read by the generic profile
// with GenericXMLOptions.
func WriteGenericXML(w io.Writer, articles iter.Seq[Article]) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(xml.Header + "<catalogue>\n")
	enc := xml.NewEncoder(bw)
	enc.Indent("  ", "  ")
	for a := range articles {
		if a.CatalogOnly {
			continue
		}
		st := "actif"
		if a.Status != Active {
			st = "retire"
		}
		x := xmlArticle{Ref: a.Ref, Status: st, Brand: a.Brand, Label: a.Label, Size: a.Size, Qty: a.Qty,
			OnOrder: a.OnOrder, Price: xmlPrice{"EUR", euros(a.PriceCents, '.', 0)}, EAN: a.EAN}
		if err := enc.Encode(x); err != nil {
			return err
		}
	}
	if err := enc.Flush(); err != nil {
		return err
	}
	bw.WriteString("\n</catalogue>\n")
	return bw.Flush()
}
