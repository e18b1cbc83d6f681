// Package reconciletest generates large, realistic catalogs and extracts for the
// engine's benchmarks and property tests: a jewelry boutique's brands, watches with
// dotted references, rings and chains in several sizes, and the usual noise of an
// extract (respelled references, typos, unmapped brands, excluded articles,
// duplicated lines).
//
// Everything is derived from the index of an article, so the same arguments give the
// same data, and lines are produced one at a time: a million-line extract is never
// held in memory.
package reconciletest

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ecrin-connect/ecrin/mapping"
	"github.com/ecrin-connect/ecrin/reconcile"
)

// Brands is the number of catalog brands; ERP brand names are their upper-case
// spellings, plus UnmappedBrands brands the brand table leaves out.
const (
	Brands         = 200
	UnmappedBrands = 5
)

var ringSizes = []string{"48", "50", "52", "54", "56", "58", "60", "62"}

func brand(i int) string { return "Maison " + strconv.Itoa(i%Brands) }

// ref is the catalog reference of article i: "M12.345.67.8", the way brands print
// them.
func ref(i int) string {
	n := uint64(i)*2654435761%1_000_000_000 + uint64(i)
	var d [10]byte
	for k := len(d) - 1; k >= 0; k-- {
		d[k] = byte('0' + n%10)
		n /= 10
	}
	b := make([]byte, 0, 14)
	b = append(b, 'M')
	b = append(b, d[:3]...)
	b = append(b, '.')
	b = append(b, d[3:6]...)
	b = append(b, '.')
	b = append(b, d[6:8]...)
	b = append(b, '.')
	b = append(b, d[8:]...)
	return string(b)
}

// declinable says whether article i comes in sizes (one in ten).
func declinable(i int) bool { return i%10 == 3 }

// Catalog returns n products. One in ten is a ring with 3 to 8 sizes; one in a
// thousand has the reference of the one before it with dashes for dots (an
// ambiguous key); ids are sorted.
func Catalog(n int) []reconcile.Product {
	out := make([]reconcile.Product, n)
	for i := range out {
		p := reconcile.Product{
			ID:        fmt.Sprintf("p%07d", i),
			Brand:     brand(i),
			Ref:       ref(i),
			Category:  "Montres",
			Published: i%7 != 0,
		}
		if i%1000 == 501 {
			p.Brand, p.Ref = brand(i-1), strings.ReplaceAll(ref(i-1), ".", "-")
		}
		if declinable(i) {
			p.Category, p.Declinable = "Bagues", true
			for _, s := range ringSizes[:3+i%6] {
				p.Variants = append(p.Variants, reconcile.Variant{ID: p.ID + "-" + s, Size: s})
			}
		}
		out[i] = p
	}
	return out
}

// EAN is the barcode (an EAN-13) of article i, or of its k-th size (k ≥ 0; -1:
// the article itself).
func EAN(i, k int) string {
	return mapping.WithCheckDigit(760_000_000_000 + uint64(i)*16 + uint64(k+1)).String()
}

// CatalogWithEANs is Catalog with barcodes: on each size of a ring, on the other
// products themselves. One product in ten thousand has the barcode of the one before
// it (a catalog mistake: a barcode two products share).
func CatalogWithEANs(n int) []reconcile.Product {
	out := Catalog(n)
	for i := range out {
		p := &out[i]
		if len(p.Variants) == 0 {
			p.EAN = EAN(i, -1)
			if i%10000 == 9 && i > 0 && len(out[i-1].Variants) == 0 {
				p.EAN = out[i-1].EAN
			}
			continue
		}
		for k := range p.Variants {
			p.Variants[k].EAN = EAN(i, k)
		}
	}
	return out
}

// MapperConfig returns the brand table of the generated data: every catalog brand
// mapped from its upper-case ERP spelling, with a prefix rule on a few brands.
func MapperConfig() mapping.Config {
	c := mapping.Config{Brands: make(map[string]string, Brands), Rules: map[string][]mapping.KeyRule{}}
	for b := range Brands {
		name := brand(b)
		c.Brands["MAISON "+strconv.Itoa(b)] = name
		if b%50 == 0 {
			c.Rules[name] = []mapping.KeyRule{{StripPrefix: "MSN-"}}
		}
	}
	return c
}

// Lines calls emit for each line of an extract of about n lines against a catalog of
// size products made by Catalog. Per hundred articles: one with a typo in its
// reference (unmatched), one of an unmapped brand, one excluded, two duplicated on a
// second line (another store) with a higher price; about one in five out of stock,
// one ring size in four missing. Per thousand rings, ten lines without a size and
// ten with a size the catalog lacks. night shifts stock and prices, so that two nights
// differ by about one article in a hundred.
func Lines(size, n, night int, emit func(reconcile.Line)) { lines(size, n, night, false, emit) }

// LinesWithEANs is Lines against a catalog made by CatalogWithEANs, each line
// carrying its article's barcode (its size's for a ring). Per hundred articles, the
// one with a typo in its reference connects by its barcode, one has a barcode with
// a wrong check digit, one the barcode of another article (a conflict), and one an
// empty reference (connected by its barcode).
func LinesWithEANs(size, n, night int, emit func(reconcile.Line)) { lines(size, n, night, true, emit) }

func lines(size, n, night int, eans bool, emit func(reconcile.Line)) {
	line := 1
	put := func(l reconcile.Line) {
		line++
		l.Source = "stock.csv:" + strconv.Itoa(line)
		emit(l)
	}
	for i := 0; i < size && line <= n; i++ {
		l := reconcile.Line{
			Ref:        ref(i),
			ERPBrand:   "MAISON " + strconv.Itoa(i%Brands),
			Label:      "Article " + strconv.Itoa(i),
			Qty:        (i / 5) % 4,
			PriceCents: int64(10000 + i%900*100),
			HasPrice:   true,
		}
		if (i+night)%100 == 0 {
			l.Qty++ // the night's sales and deliveries
		}
		switch i % 100 {
		case 11:
			l.Ref = ref(i) + "X" // a typo: unmatched, with suggestions
		case 22:
			l.ERPBrand = "FOURNISSEUR " + strconv.Itoa(i%UnmappedBrands)
		case 33:
			l.Excluded = true
		case 44:
			l.Ref = "t" + ref(i)[1:] // respelled, same key
		}
		if i%Brands%50 == 0 && i%2 == 0 {
			l.Ref = "MSN-" + l.Ref
		}
		ean := func(k int) string {
			switch {
			case !eans:
				return ""
			case i%100 == 55:
				e := []byte(EAN(i, k))
				e[len(e)-1] = '0' + (e[len(e)-1]-'0'+1)%10 // a wrong check digit
				return string(e)
			case i%100 == 66:
				return EAN(i+1, k) // another article's
			}
			return EAN(i, k)
		}
		if eans && i%100 == 77 {
			l.Ref = ""
		}
		if !declinable(i) {
			l.EAN = ean(-1)
			put(l)
			if i%50 == 5 {
				l.PriceCents += 500
				put(l)
			}
			continue
		}
		for k, s := range ringSizes[:3+i%6] {
			if (i+k)%4 == 0 {
				continue
			}
			l.RawSize = "T" + s
			switch {
			case k == 0 && i%100 == 63:
				l.RawSize = "" // a row error: which size?
			case k == 2 && i%100 == 73:
				l.RawSize = "T99" // not a size of the catalog
			}
			l.PriceCents = int64(80000 + k*2500)
			l.EAN = ean(k)
			put(l)
		}
	}
}
