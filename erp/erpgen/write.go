package erpgen

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/transform"
)

// euros formats cents with the decimal mark dec; style picks the thousands separator
// and suffix the way ERPs vary them: 0 plain "1250,00", 1 "1 250,00 €", 2 with a
// no-break space "1 250,00".
func euros(cents int64, dec byte, style int) string {
	units := strconv.FormatInt(cents/100, 10)
	if style > 0 && len(units) > 3 {
		sep := " "
		if style == 2 {
			sep = "\u00a0"
		}
		units = units[:len(units)-3] + sep + units[len(units)-3:]
	}
	s := fmt.Sprintf("%s%c%02d", units, dec, cents%100)
	if style == 1 {
		s += " €"
	}
	return s
}

// csvField quotes f when it holds the delimiter, a quote or a line end.
func csvField(f string, delim byte) string {
	if !strings.ContainsAny(f, string(delim)+"\"\r\n") {
		return f
	}
	return `"` + strings.ReplaceAll(f, `"`, `""`) + `"`
}

// lineWriter writes lines with a fixed line end, encoded to a single-byte charset.
type lineWriter struct {
	w   *bufio.Writer
	eol string
	err error
}

func newLineWriter(w io.Writer, cm *charmap.Charmap, eol string) (*lineWriter, func() error) {
	var tw io.WriteCloser = nopCloser{w}
	if cm != nil {
		tw = transform.NewWriter(w, cm.NewEncoder())
	}
	lw := &lineWriter{w: bufio.NewWriterSize(tw, 64<<10), eol: eol}
	return lw, func() error {
		if lw.err != nil {
			return lw.err
		}
		if err := lw.w.Flush(); err != nil {
			return err
		}
		return tw.Close()
	}
}

func (l *lineWriter) line(fields []string, delim byte) {
	if l.err != nil {
		return
	}
	for i, f := range fields {
		if i > 0 {
			l.w.WriteByte(delim)
		}
		l.w.WriteString(f)
	}
	_, l.err = l.w.WriteString(l.eol)
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

func itoa(n int) string { return strconv.Itoa(n) }

// WriteBijou3 writes a Bijou3 extract: ';', Windows-1252, CRLF, decimal comma.
func WriteBijou3(w io.Writer, articles iter.Seq[Article]) error {
	lw, done := newLineWriter(w, charmap.Windows1252, "\r\n")
	lw.line([]string{"Code article", "Réf. fournisseur", "Marque", "Désignation", "TLD", "Stock", "En commande", "Prix TTC", "Statut", "EAN"}, ';')
	status := [...]string{Active: "A", NotWeb: "NW", Deleted: "S", Dormant: "S"}
	i := 0
	for a := range articles {
		if a.CatalogOnly {
			continue
		}
		i++
		lw.line([]string{a.Code, csvField(a.Ref, ';'), a.Brand, csvField(a.Label, ';'), a.Size,
			itoa(a.Qty), itoa(a.OnOrder), euros(a.PriceCents, ',', i%3), status[a.Status], a.EAN}, ';')
	}
	return done()
}

// WriteM3Soft writes an M3Soft extract: '|', ISO-8859-15, LF, decimal point, the
// #M3SOFT first line and the #FIN|n trailer.
func WriteM3Soft(w io.Writer, articles iter.Seq[Article], date, shop string) error {
	lw, done := newLineWriter(w, charmap.ISO8859_15, "\n")
	lw.line([]string{"#M3SOFT", "STOCK", date, shop}, '|')
	lw.line([]string{"REF", "REFFOUR", "MARQUE", "LIBELLE", "TLD", "QTE", "QTECDE", "PVTTC", "STATUT", "GENCOD"}, '|')
	status := [...]string{Active: "0", NotWeb: "2", Deleted: "2", Dormant: "1"}
	n := 0
	for a := range articles {
		if a.CatalogOnly {
			continue
		}
		n++
		lw.line([]string{a.Code, a.Ref, strings.ToUpper(a.Brand), strings.ReplaceAll(a.Label, "|", " "), a.Size,
			itoa(a.Qty), itoa(a.OnOrder), euros(a.PriceCents, '.', 0), status[a.Status], a.EAN}, '|')
	}
	lw.line([]string{"#FIN", itoa(n)}, '|')
	return done()
}

// Write4D writes a 4D EXPORT TEXT extract in the 4D profile's default column order
// (ref, brand, label, size, qty, price, status): TAB, UTF-8, records ended by eol
// ("\r" as 4D on macOS writes).
func Write4D(w io.Writer, articles iter.Seq[Article], eol string) error {
	lw, done := newLineWriter(w, nil, eol)
	status := [...]string{Active: "A", NotWeb: "NW", Deleted: "S", Dormant: "D"}
	clean := strings.NewReplacer("\t", " ", "\r", " ", "\n", " ")
	for a := range articles {
		if a.CatalogOnly {
			continue
		}
		lw.line([]string{clean.Replace(a.Ref), a.Brand, clean.Replace(a.Label), a.Size,
			itoa(a.Qty), euros(a.PriceCents, '.', 0), status[a.Status]}, '\t')
	}
	return done()
}

// CatalogProduct has exactly the JSON shape of the web catalog's product
// (reconcile.Product), which erp does not import.
type CatalogProduct struct {
	ID         string           `json:"id"`
	Brand      string           `json:"brand"`
	Ref        string           `json:"ref"`
	Category   string           `json:"category,omitempty"`
	Declinable bool             `json:"declinable"`
	Variants   []CatalogVariant `json:"variants,omitempty"`
	Published  bool             `json:"published"`
	EAN        string           `json:"ean,omitempty"` // the article's barcode, for a product without sizes
}

// CatalogVariant is one size of a declinable catalog product.
type CatalogVariant struct {
	ID   string `json:"id"`
	Size string `json:"size"`
	EAN  string `json:"ean,omitempty"` // the size's barcode
}

// Catalog returns the web catalog that goes with the articles: one product per
// catalogued article of a mapped brand, with its sizes as variants, in order.
func Catalog(articles iter.Seq[Article]) []CatalogProduct {
	var out []CatalogProduct
	index := map[string]int{}
	for a := range articles {
		if a.CatalogBrand == "" || a.CatalogRef == "" {
			continue
		}
		i, ok := index[a.ProductID]
		if !ok {
			i = len(out)
			index[a.ProductID] = i
			out = append(out, CatalogProduct{ID: a.ProductID, Brand: a.CatalogBrand, Ref: a.CatalogRef,
				Category: a.Category, Declinable: a.Declinable, Published: a.Published})
			if !a.Declinable {
				out[i].EAN = a.EAN
			}
		}
		if a.Declinable {
			out[i].Variants = append(out[i].Variants, CatalogVariant{ID: a.VariantID, Size: a.Size, EAN: a.EAN})
		}
	}
	return out
}

// WriteCatalog writes the web catalog that goes with the articles as a JSON array.
func WriteCatalog(w io.Writer, articles iter.Seq[Article]) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	cat := Catalog(articles)
	if cat == nil {
		cat = []CatalogProduct{}
	}
	return enc.Encode(cat)
}
