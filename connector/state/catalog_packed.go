package state

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/ecrin-connect/ecrin/reconcile"
)

// The kept catalog is packed in one value: a header, the number of products, then
// for each product its id, brand, ref, category and EAN, a flags byte, and its
// variants (count, then id, size and EAN of each). Strings are a uvarint length
// and their bytes. Unpacking slices the strings out of the value read, one
// allocation for all of them.
const catalogMagic = "ecrin-catalog-1\n"

// minPackedProduct is the fewest bytes a packed product takes: five empty
// strings, its flags and no variants.
const minPackedProduct = 7

const (
	flagDeclinable = 1 << iota
	flagPublished
)

// errPackedCatalog: the packed catalog cannot be read back (a file damaged, or
// written by something else); the run fetches the catalog whole.
var errPackedCatalog = errors.New("packed catalog damaged")

func packCatalog(products []reconcile.Product) []byte {
	size := len(catalogMagic) + binary.MaxVarintLen64
	for i := range products {
		p := &products[i]
		size += 5*binary.MaxVarintLen32 + len(p.ID) + len(p.Brand) + len(p.Ref) + len(p.Category) + len(p.EAN) + 1 + binary.MaxVarintLen32
		for _, v := range p.Variants {
			size += 3*binary.MaxVarintLen32 + len(v.ID) + len(v.Size) + len(v.EAN)
		}
	}
	b := make([]byte, 0, size)
	b = append(b, catalogMagic...)
	b = binary.AppendUvarint(b, uint64(len(products)))
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	for i := range products {
		p := &products[i]
		str(p.ID)
		str(p.Brand)
		str(p.Ref)
		str(p.Category)
		str(p.EAN)
		var flags byte
		if p.Declinable {
			flags |= flagDeclinable
		}
		if p.Published {
			flags |= flagPublished
		}
		b = append(b, flags)
		b = binary.AppendUvarint(b, uint64(len(p.Variants)))
		for _, v := range p.Variants {
			str(v.ID)
			str(v.Size)
			str(v.EAN)
		}
	}
	return b
}

// unpackCatalog reads back what packCatalog wrote. The products' strings share
// data's memory.
func unpackCatalog(data string) ([]reconcile.Product, error) {
	if len(data) < len(catalogMagic) || data[:len(catalogMagic)] != catalogMagic {
		return nil, fmt.Errorf("%w: unknown header", errPackedCatalog)
	}
	r := packedReader{data: data, at: len(catalogMagic)}
	n := r.count()
	if r.err == nil && n > uint64(len(data)/minPackedProduct) {
		r.fail("product count")
	}
	if r.err != nil {
		return nil, r.err
	}
	products := make([]reconcile.Product, 0, n)
	for i := uint64(0); i < n && r.err == nil; i++ {
		p := reconcile.Product{ID: r.str(), Brand: r.str(), Ref: r.str(), Category: r.str(), EAN: r.str()}
		flags := r.byte()
		p.Declinable, p.Published = flags&flagDeclinable != 0, flags&flagPublished != 0
		if nv := r.count(); nv > 0 && r.err == nil {
			if nv > uint64((len(data)-r.at)/3) { // a variant takes at least 3 bytes
				r.fail("variant count")
				break
			}
			p.Variants = make([]reconcile.Variant, nv)
			for j := range p.Variants {
				p.Variants[j] = reconcile.Variant{ID: r.str(), Size: r.str(), EAN: r.str()}
			}
		}
		products = append(products, p)
	}
	if r.err == nil && r.at != len(data) {
		r.fail("trailing bytes")
	}
	if r.err != nil {
		return nil, r.err
	}
	return products, nil
}

// packedReader reads a packed catalog; the first error stops it.
type packedReader struct {
	data string
	at   int
	err  error
}

func (r *packedReader) fail(what string) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %s at byte %d", errPackedCatalog, what, r.at)
	}
}

func (r *packedReader) count() uint64 {
	if r.err != nil {
		return 0
	}
	var v uint64
	for shift := 0; ; shift += 7 {
		if r.at >= len(r.data) || shift > 63 {
			r.fail("number")
			return 0
		}
		c := r.data[r.at]
		r.at++
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v
		}
	}
}

func (r *packedReader) str() string {
	n := r.count()
	if r.err != nil {
		return ""
	}
	if n > uint64(len(r.data)-r.at) {
		r.fail("string length")
		return ""
	}
	s := r.data[r.at : r.at+int(n)]
	r.at += int(n)
	return s
}

func (r *packedReader) byte() byte {
	if r.err != nil {
		return 0
	}
	if r.at >= len(r.data) {
		r.fail("flags")
		return 0
	}
	c := r.data[r.at]
	r.at++
	return c
}
