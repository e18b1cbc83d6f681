package connector

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/ecrin-connect/ecrin/reconcile"
)

// A CSV catalog is what a shop's back office exports: one row per product, or per
// size of a declinable product. The first row names the columns (in any order and
// case; others are ignored):
//
//	brand;ref;size;product_id[;variant_id][;ean][;category][;published]
//
// brand, ref and product_id are required; size, when given, makes the row a size
// of product_id, and the rows of one product_id (anywhere in the file) its sizes:
// a declinable product whose variants are named variant_id, or product_id-size
// without that column. ean is the product's barcode on a row without size, the
// size's on a row with one. published is 1/0, true/false, yes/no or oui/non; a
// product is published when the column is absent or empty. Fields are separated
// by ';' (',' or a tab when the header has no ';'), may be quoted ("…", "" for a
// quote), and the file is UTF-8 with or without a byte order mark.

// catalogColumns are the columns a CSV catalog may have.
var catalogColumns = [...]string{"brand", "ref", "size", "product_id", "variant_id", "ean", "category", "published"}

const (
	colBrand = iota
	colRef
	colSize
	colProductID
	colVariantID
	colEAN
	colCategory
	colPublished
)

// decodeCatalogCSV decodes a CSV catalog; name is the file's, for the errors
// (name:line: …).
func decodeCatalogCSV(name string, b []byte) ([]reconcile.Product, error) {
	b = bytes.TrimPrefix(b, []byte("\ufeff"))
	src := string(b) // the fields are substrings of one copy of the file
	sep := byte(';')
	header, _, _ := strings.Cut(src, "\n")
	if !strings.Contains(header, ";") {
		if strings.Contains(header, "\t") {
			sep = '\t'
		} else if strings.Contains(header, ",") {
			sep = ','
		}
	}
	r := csvScanner{src: src, sep: sep, line: 1}
	fields, ok, err := r.record(nil)
	if err != nil {
		return nil, fmt.Errorf("%s:%w", name, err)
	}
	if !ok {
		return nil, fmt.Errorf("%s: empty: the first row names the columns (%s)", name, strings.Join(catalogColumns[:4], ";"))
	}
	var col [len(catalogColumns)]int // column of each catalogColumns, -1 when absent
	for c := range col {
		col[c] = -1
	}
	for i, f := range fields {
		for c, n := range catalogColumns {
			if strings.EqualFold(strings.TrimSpace(f), n) {
				if col[c] >= 0 {
					return nil, fmt.Errorf("%s:1: column %s twice", name, n)
				}
				col[c] = i
			}
		}
	}
	for _, c := range []int{colBrand, colRef, colProductID} {
		if col[c] < 0 {
			return nil, fmt.Errorf("%s:1: no column %s (the first row names the columns: %s)", name, catalogColumns[c], strings.Join(catalogColumns[:4], ";"))
		}
	}
	rows := strings.Count(src, "\n")
	products := make([]reconcile.Product, 0, rows)
	ids := newProductIDs(rows)
	firstLine := make([]int32, 0, rows) // the line of each product's first row
	intern := make(map[string]string)
	internOf := func(s string) string {
		if s == "" {
			return ""
		}
		if v, ok := intern[s]; ok {
			return v
		}
		if len(intern) < 4096 {
			intern[s] = s
		}
		return s
	}
	var vals [len(catalogColumns)]string
	for {
		line := r.line
		fields, ok, err = r.record(fields)
		if err != nil {
			return nil, fmt.Errorf("%s:%w", name, err)
		}
		if !ok {
			break
		}
		if len(fields) == 1 && strings.TrimSpace(fields[0]) == "" {
			continue // an empty line
		}
		for c := range vals {
			vals[c] = ""
			if col[c] >= 0 && col[c] < len(fields) {
				vals[c] = strings.TrimSpace(fields[col[c]])
			}
		}
		for _, c := range []int{colBrand, colRef, colProductID} {
			if vals[c] == "" {
				return nil, fmt.Errorf("%s:%d: %s is empty", name, line, catalogColumns[c])
			}
		}
		published := true
		if v := vals[colPublished]; v != "" {
			switch strings.ToLower(v) {
			case "1", "true", "yes", "oui", "y", "o":
			case "0", "false", "no", "non", "n":
				published = false
			default:
				return nil, fmt.Errorf("%s:%d: published %q: want 1/0, true/false, yes/no or oui/non", name, line, v)
			}
		}
		id, size := vals[colProductID], vals[colSize]
		var variant reconcile.Variant
		if size != "" {
			variant = reconcile.Variant{ID: vals[colVariantID], Size: internOf(size), EAN: vals[colEAN]}
			if variant.ID == "" {
				variant.ID = id + "-" + size
			}
		}
		at, seen := ids.get(id)
		if !seen {
			p := reconcile.Product{ID: id, Brand: internOf(vals[colBrand]), Ref: vals[colRef],
				Category: internOf(vals[colCategory]), Published: published}
			if size == "" {
				p.EAN = vals[colEAN]
			} else {
				p.Declinable, p.Variants = true, []reconcile.Variant{variant}
			}
			ids.set(id, int32(len(products)))
			products = append(products, p)
			firstLine = append(firstLine, int32(line))
			continue
		}
		p, first := &products[at], firstLine[at]
		switch {
		case vals[colBrand] != p.Brand:
			return nil, fmt.Errorf("%s:%d: brand %q: product %s is %q on line %d", name, line, vals[colBrand], id, p.Brand, first)
		case vals[colRef] != p.Ref:
			return nil, fmt.Errorf("%s:%d: ref %q: product %s is %q on line %d", name, line, vals[colRef], id, p.Ref, first)
		case size == "" || !p.Declinable:
			return nil, fmt.Errorf("%s:%d: product_id %s is on line %d too: several rows of a product each give a size", name, line, id, first)
		case vals[colCategory] != "" && vals[colCategory] != p.Category:
			return nil, fmt.Errorf("%s:%d: category %q: product %s is %q on line %d", name, line, vals[colCategory], id, p.Category, first)
		case published != p.Published && vals[colPublished] != "":
			return nil, fmt.Errorf("%s:%d: published %q: product %s is published=%v on line %d", name, line, vals[colPublished], id, p.Published, first)
		}
		for _, v := range p.Variants {
			if v.Size == size {
				return nil, fmt.Errorf("%s:%d: size %q: product %s has it already", name, line, size, id)
			}
		}
		p.Variants = append(p.Variants, variant)
	}
	return products, nil
}

// csvScanner reads the records of a CSV text.
type csvScanner struct {
	src  string
	pos  int
	sep  byte
	line int // of the next record
}

// record returns the next record's fields (reusing dst), false at the end. An
// error is "line: what".
func (s *csvScanner) record(dst []string) ([]string, bool, error) {
	dst = dst[:0]
	if s.pos >= len(s.src) {
		return dst, false, nil
	}
	for {
		var f string
		if s.pos < len(s.src) && s.src[s.pos] == '"' {
			start := s.line
			var sb strings.Builder
			i := s.pos + 1
			for {
				j := strings.IndexByte(s.src[i:], '"')
				if j < 0 {
					return nil, false, fmt.Errorf("%d: a quote opened and never closed", start)
				}
				sb.WriteString(s.src[i : i+j])
				s.line += strings.Count(s.src[i:i+j], "\n")
				i += j + 1
				if i < len(s.src) && s.src[i] == '"' {
					sb.WriteByte('"')
					i++
					continue
				}
				break
			}
			f = sb.String()
			s.pos = i
			if s.pos < len(s.src) && s.src[s.pos] != s.sep && s.src[s.pos] != '\n' && s.src[s.pos] != '\r' {
				return nil, false, fmt.Errorf("%d: text after a closing quote", s.line)
			}
		} else {
			end := s.pos
			for end < len(s.src) && s.src[end] != s.sep && s.src[end] != '\n' {
				end++
			}
			f = strings.TrimSuffix(s.src[s.pos:end], "\r")
			s.pos = end
		}
		dst = append(dst, f)
		if s.pos < len(s.src) && s.src[s.pos] == '\r' {
			s.pos++
		}
		if s.pos >= len(s.src) {
			s.line++
			return dst, true, nil
		}
		c := s.src[s.pos]
		s.pos++
		if c == '\n' {
			s.line++
			return dst, true, nil
		}
	}
}

// productIDs finds a product by its product_id. Back offices number their
// products: an id written as a number without leading zeros is looked up in a
// slice when it is small (below 8 per row), in a map of numbers otherwise, which
// is much cheaper than a map of strings; any other id in a map of strings.
type productIDs struct {
	small []int32 // by id: the product's index + 1, 0 when none
	limit uint64  // ids below it go in small
	nums  map[uint64]int32
	strs  map[string]int32
}

func newProductIDs(rows int) *productIDs {
	return &productIDs{limit: 8*uint64(rows) + 1024, nums: make(map[uint64]int32), strs: make(map[string]int32)}
}

// number returns id as a number when it is written as one, without leading zeros
// (so that two spellings never make one number).
func (*productIDs) number(id string) (uint64, bool) {
	if len(id) == 0 || len(id) > 18 || (id[0] == '0' && len(id) > 1) {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(id); i++ {
		c := id[i] - '0'
		if c > 9 {
			return 0, false
		}
		n = n*10 + uint64(c)
	}
	return n, true
}

func (t *productIDs) get(id string) (int32, bool) {
	n, ok := t.number(id)
	switch {
	case !ok:
		at, seen := t.strs[id]
		return at, seen
	case n < t.limit:
		if n < uint64(len(t.small)) && t.small[n] > 0 {
			return t.small[n] - 1, true
		}
		return 0, false
	}
	at, seen := t.nums[n]
	return at, seen
}

func (t *productIDs) set(id string, at int32) {
	n, ok := t.number(id)
	switch {
	case !ok:
		t.strs[id] = at
	case n < t.limit:
		if n >= uint64(len(t.small)) {
			t.small = append(t.small, make([]int32, max(n+1, 2*uint64(len(t.small)))-uint64(len(t.small)))...)
			t.small = t.small[:cap(t.small)]
		}
		t.small[n] = at + 1
	default:
		t.nums[n] = at
	}
}
