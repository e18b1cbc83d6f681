// Package erpgen generates realistic jewelry-boutique stock extracts, for tests,
// benchmarks and demos: real-looking brands and references (Tissot watches, Pandora
// rings in several sizes with per-size prices, Thomas Sabo chains in 40/45/50 cm…),
// the spellings a boutique really types, and the web catalog that goes with them.
//
// The same seed always gives the same boutique. Writers turn the articles into each
// ERP's format (WriteBijou3, WriteM3Soft, Write4D, WriteCestia, WriteGenericXML) and
// into the web catalog (WriteCatalog).
package erpgen

import (
	"fmt"
	"iter"
	"math/rand/v2"
	"slices"
	"strings"
)

// Status is an article's ERP status, written with each ERP's own codes.
type Status uint8

const (
	Active  Status = iota
	NotWeb         // kept off the web by the boutique
	Deleted        // deleted in the ERP, still exported
	Dormant        // no longer sold
)

// Article is one row of an extract (one size of a sized product), with what the web
// catalog knows of it.
type Article struct {
	Code       string // the ERP's own article code
	Ref        string // the reference as the boutique typed it
	Brand      string // the brand as typed in the ERP
	Label      string
	Category   string // catalog category: montres, bagues, colliers, bracelets, charms
	Size       string // TLD: ring size "52", chain length "45 cm"; empty when not sized
	Qty        int    // may be negative (sold before received)
	OnOrder    int
	PriceCents int64
	Status     Status
	EAN        string

	// The catalog side.
	CatalogBrand string // the catalog's brand name; empty for a brand the shop does not sell online
	CatalogRef   string // the brand's canonical reference; empty when the catalog lacks the article
	ProductID    string
	VariantID    string // for a size of a declinable product
	Declinable   bool
	Published    bool // published in the catalog today
	CatalogOnly  bool // in the catalog but not in the extract (sold out and removed from the ERP)
}

type kind uint8

const (
	watch kind = iota
	ring
	chain
	bracelet
	charm
)

type brand struct {
	name     string // catalog name
	erp      string // as typed in the ERP
	mapped   bool   // the shop sells it online
	kind     kind
	category string
	labels   []string
	ref      func(r *rand.Rand) string
	euros    [2]int
	eanStem  string // GS1 prefix; empty: no barcode
}

func digits(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.IntN(10))
	}
	return string(b)
}

var brands = []brand{
	{"Tissot", "Tissot", true, watch, "montres",
		[]string{"Montre PRX Powermatic 80", "Montre Seastar 1000", "Montre Le Locle", "Montre Gentleman", "Montre Everytime"},
		func(r *rand.Rand) string {
			return fmt.Sprintf("T%03d.%03d.%02d.%03d.00", 100+r.IntN(40), 400+r.IntN(30), 11+r.IntN(27), r.IntN(100))
		}, [2]int{295, 1450}, "761"},
	{"Longines", "LONGINES", true, watch, "montres",
		[]string{"Montre HydroConquest 41 mm", "Montre Master Collection", "Montre DolceVita", "Montre Spirit"},
		func(r *rand.Rand) string {
			return fmt.Sprintf("L%d.%03d.%d.%02d.%d", 2+r.IntN(2), 700+r.IntN(200), 4+r.IntN(2), r.IntN(100), r.IntN(10))
		}, [2]int{1100, 3600}, "761"},
	{"Swatch", "Swatch", true, watch, "montres",
		[]string{"Montre Big Bold", "Montre Irony", "Montre Skin Classic", "Montre Gent"},
		func(r *rand.Rand) string { return "SO28" + string(rune('A'+r.IntN(6))) + digits(r, 3) }, [2]int{75, 185}, "761"},
	{"Seiko", "SEIKO", true, watch, "montres",
		[]string{"Montre Presage Cocktail", "Montre Prospex Diver", "Montre 5 Sports"},
		func(r *rand.Rand) string { return "SRPD" + digits(r, 2) + "K1" }, [2]int{250, 690}, "490"},
	{"Pandora", "Pandora", true, ring, "bagues",
		[]string{"Bague Pavé Cœur", "Bague Couronne Scintillante", "Bague Infini", "Bague Étoile"},
		func(r *rand.Rand) string { return "19" + digits(r, 4) + "C01" }, [2]int{49, 129}, "57"},
	{"Pandora", "Pandora", true, charm, "charms",
		[]string{"Charm Cœur Rose", "Charm Étoile Filante", "Charm Tour Eiffel"},
		func(r *rand.Rand) string { return "79" + digits(r, 4) + "C01" }, [2]int{39, 89}, "57"},
	{"Thomas Sabo", "THOMAS SABO", true, chain, "colliers",
		[]string{"Chaîne argent maille vénitienne", "Collier Étoile", "Chaîne ancre argent"},
		func(r *rand.Rand) string { return "KE" + digits(r, 4) + "-001-21" }, [2]int{69, 159}, "405"},
	{"Thomas Sabo", "THOMAS SABO", true, ring, "bagues",
		[]string{"Bague Étoiles", "Bague Serpent", "Bague Cœur argent"},
		func(r *rand.Rand) string { return "TR" + digits(r, 4) + "-051-14" }, [2]int{59, 149}, "405"},
	{"Fope", "Fope", true, bracelet, "bracelets",
		[]string{"Bracelet Flex'it Prima", "Bracelet Flex'it Solo", "Bracelet Eka"},
		func(r *rand.Rand) string { return "7" + digits(r, 2) + "B-BBR" }, [2]int{1190, 3450}, ""},
	{"Maty", "MATY", true, chain, "colliers",
		[]string{"Chaîne forçat or 18 carats", "Chaîne maille gourmette or jaune", "Collier perles de culture"},
		func(r *rand.Rand) string { return "0" + digits(r, 6) }, [2]int{119, 690}, ""},
	{"Maty", "MATY", true, ring, "bagues",
		[]string{"Bague solitaire or blanc diamant", "Bague or jaune topaze", "Bague argent oxydes"},
		func(r *rand.Rand) string { return "0" + digits(r, 6) }, [2]int{89, 990}, ""},
	{"Cristal", "Cristal", true, ring, "bagues",
		[]string{"Alliance or jaune 750 3 mm", "Alliance or blanc 750 4 mm", "Alliance demi-tour diamants"},
		func(r *rand.Rand) string { return "AL" + digits(r, 4) }, [2]int{290, 890}, ""},
	{"Atelier Martin", "Atelier Martin", false, bracelet, "bracelets",
		[]string{"Bracelet jonc argent martelé", "Bracelet cuir et argent"},
		func(r *rand.Rand) string { return "AM-" + digits(r, 3) }, [2]int{45, 180}, ""},
	{"Divers", "Divers", false, charm, "charms",
		[]string{"Pochette cadeau", "Écrin bague"},
		func(r *rand.Rand) string { return "DIV" + digits(r, 3) }, [2]int{5, 25}, ""},
}

var (
	ringSizes  = []string{"48", "50", "52", "54", "56", "58", "60", "62"}
	chainSizes = []string{"40 cm", "45 cm", "50 cm"}
)

// Generate returns the n extract rows of the boutique of this seed (plus the catalog
// products absent from the extract, marked CatalogOnly).
func Generate(seed uint64, n int) []Article { return slices.Collect(Stream(seed, n)) }

// Stream yields the boutique of this seed article by article, n extract rows in all,
// without holding them: for extracts of a million rows.
func Stream(seed uint64, n int) iter.Seq[Article] {
	return func(yield func(Article) bool) {
		r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
		rows, product := 0, 0
		for rows < n {
			product++
			b := brands[r.IntN(len(brands))]
			canon := b.ref(r)
			base := int64(b.euros[0]+r.IntN(b.euros[1]-b.euros[0]+1)) * 100
			if base > 20000 {
				base = base / 1000 * 1000 // 1 250,00
			}
			p := Article{
				Brand: b.erp, Label: b.labels[r.IntN(len(b.labels))], Category: b.category,
				ProductID: fmt.Sprintf("P%06d", product), Published: r.IntN(10) > 0,
			}
			if b.mapped {
				p.CatalogBrand = b.name
				p.CatalogRef = canon
			}
			p.Ref = respell(r, b, canon)
			switch x := r.IntN(100); {
			case x < 4:
				p.Status = NotWeb
			case x < 6:
				p.Status = Deleted
			case x < 8:
				p.Status = Dormant
			}
			if b.mapped && r.IntN(100) < 5 {
				p.CatalogRef = "" // a new article the web catalog does not have yet
			}
			catalogOnly := b.mapped && p.CatalogRef != "" && r.IntN(100) < 4
			var sizes []string
			switch b.kind {
			case ring:
				lo := r.IntN(3)
				sizes = ringSizes[lo : lo+3+r.IntN(len(ringSizes)-lo-2)]
			case chain:
				sizes = chainSizes[:2+r.IntN(2)]
			default:
				sizes = []string{""}
			}
			p.Declinable = sizes[0] != ""
			for i, size := range sizes {
				a := p
				a.Code = fmt.Sprintf("%06d", 100000+rows)
				a.Size = size
				a.CatalogOnly = catalogOnly
				if a.Declinable {
					a.VariantID = fmt.Sprintf("%s-%s", p.ProductID, strings.TrimSuffix(size, " cm"))
				}
				a.PriceCents = base
				if b.kind == ring && b.name == "Cristal" || b.kind == chain {
					a.PriceCents = base + int64(i)*1200 // larger sizes cost more
				}
				a.Qty = stock(r)
				if r.IntN(10) == 0 {
					a.OnOrder = 1 + r.IntN(3)
				}
				if b.eanStem != "" {
					a.EAN = ean13(b.eanStem + digits(r, 12-len(b.eanStem)))
				}
				if !catalogOnly {
					rows++
				}
				if !yield(a) || rows >= n {
					return
				}
			}
		}
	}
}

func stock(r *rand.Rand) int {
	switch x := r.IntN(100); {
	case x < 30:
		return 0
	case x < 31:
		return -1 // sold before it was received
	case x < 90:
		return 1 + r.IntN(3)
	default:
		return 4 + r.IntN(9)
	}
}

// respell returns the reference the way the boutique typed it: mostly as the brand
// writes it, sometimes without separators, in lower case, with a brand prefix, or
// with a typo.
func respell(r *rand.Rand, b brand, canon string) string {
	switch x := r.IntN(100); {
	case x < 10:
		return strings.NewReplacer(".", "", "-", "", " ", "").Replace(canon)
	case x < 15:
		return strings.ToLower(strings.ReplaceAll(canon, ".", " "))
	case x < 19:
		return strings.ToUpper(strings.ReplaceAll(b.name, " ", "")) + "-" + canon
	case x < 21 && len(canon) > 4:
		i := 1 + r.IntN(len(canon)-2)
		s := []byte(canon)
		s[i], s[i+1] = s[i+1], s[i]
		return string(s)
	}
	return canon
}

// ean13 completes 12 digits with their check digit.
func ean13(d12 string) string {
	sum := 0
	for i := range 12 {
		n := int(d12[i] - '0')
		if i%2 == 1 {
			n *= 3
		}
		sum += n
	}
	return d12 + string(rune('0'+(10-sum%10)%10))
}
