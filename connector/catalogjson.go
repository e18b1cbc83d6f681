package connector

import (
	"encoding/json"
	"runtime"
	"sync"
	"unicode/utf8"

	"github.com/ecrin-connect/ecrin/reconcile"
)

// decodeCatalogJSON decodes a JSON array of products as json.Unmarshal does, faster.
//
// The array's elements are found first (a scan that only follows strings and
// brackets), then decoded in parallel straight into their place in the slice. An
// element in the usual shape (the known keys spelled as the tags are, strings
// without escapes, booleans, variants) is decoded by hand; any other element (an
// unknown or differently cased key, an escape, a null, a number…) by
// json.Unmarshal. Whenever anything fails, the whole file is decoded again by
// json.Unmarshal, so that the result and the error are encoding/json's.
func decodeCatalogJSON(b []byte) ([]reconcile.Product, error) {
	if spans, ok := catalogSpans(b); ok {
		products := make([]reconcile.Product, len(spans))
		if decodeSpans(b, spans, products) {
			return products, nil
		}
	}
	var products []reconcile.Product
	err := json.Unmarshal(b, &products)
	return products, err
}

// span is an element of the top-level array: b[start:end].
type span struct{ start, end int }

// catalogSpans returns the elements of the top-level array b, false when b is not
// an array of objects as far as brackets and strings tell.
func catalogSpans(b []byte) ([]span, bool) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '[' {
		return nil, false
	}
	spans := make([]span, 0, len(b)/128+1)
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return spans, skipSpace(b, i+1) == len(b)
	}
	for {
		if i >= len(b) || b[i] != '{' {
			return nil, false
		}
		start, depth := i, 0
	elem:
		for ; i < len(b); i++ {
			switch b[i] {
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					i++
					break elem
				}
			case '"':
				for i++; i < len(b) && b[i] != '"'; i++ {
					if b[i] == '\\' {
						i++
					}
				}
			}
		}
		if depth != 0 {
			return nil, false
		}
		spans = append(spans, span{start, i})
		i = skipSpace(b, i)
		if i >= len(b) {
			return nil, false
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case ']':
			return spans, skipSpace(b, i+1) == len(b)
		default:
			return nil, false
		}
	}
}

// decodeSpans decodes the elements into products on GOMAXPROCS goroutines; false
// when one of them is not a valid product.
func decodeSpans(b []byte, spans []span, products []reconcile.Product) bool {
	workers := max(1, min(runtime.GOMAXPROCS(0), len(spans)/4096))
	var wg sync.WaitGroup
	oks := make([]bool, workers)
	for w := range workers {
		lo, hi := w*len(spans)/workers, (w+1)*len(spans)/workers
		wg.Go(func() {
			d := productDecoder{intern: make(map[string]string)}
			for j := lo; j < hi; j++ {
				e := b[spans[j].start:spans[j].end]
				if !d.product(e, &products[j]) {
					products[j] = reconcile.Product{}
					if json.Unmarshal(e, &products[j]) != nil {
						return
					}
				}
			}
			oks[w] = true
		})
	}
	wg.Wait()
	for _, ok := range oks {
		if !ok {
			return false
		}
	}
	return true
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
		i++
	}
	return i
}

// productDecoder decodes products in the usual shape by hand. The values that
// repeat (brands, categories) are interned.
type productDecoder struct {
	b      []byte
	i      int
	intern map[string]string
}

// product decodes the object e into p; false when e is not in the usual shape
// (p is then partly set).
func (d *productDecoder) product(e []byte, p *reconcile.Product) bool {
	d.b, d.i = e, 0
	ok := d.object(func(key []byte) bool {
		switch string(key) {
		case "id":
			return d.str(&p.ID, false)
		case "brand":
			return d.str(&p.Brand, true)
		case "ref":
			return d.str(&p.Ref, false)
		case "category":
			return d.str(&p.Category, true)
		case "ean":
			return d.str(&p.EAN, false)
		case "declinable":
			return d.boolean(&p.Declinable)
		case "published":
			return d.boolean(&p.Published)
		case "variants":
			return d.variants(&p.Variants)
		}
		return false
	})
	return ok && skipSpace(d.b, d.i) == len(d.b)
}

func (d *productDecoder) variants(vs *[]reconcile.Variant) bool {
	d.i = skipSpace(d.b, d.i)
	if d.i >= len(d.b) || d.b[d.i] != '[' {
		return false
	}
	d.i = skipSpace(d.b, d.i+1)
	out := []reconcile.Variant{}
	if d.i < len(d.b) && d.b[d.i] == ']' {
		d.i++
		*vs = out
		return true
	}
	for {
		var v reconcile.Variant
		if !d.object(func(key []byte) bool {
			switch string(key) {
			case "id":
				return d.str(&v.ID, false)
			case "size":
				return d.str(&v.Size, true)
			case "ean":
				return d.str(&v.EAN, false)
			}
			return false
		}) {
			return false
		}
		out = append(out, v)
		d.i = skipSpace(d.b, d.i)
		if d.i >= len(d.b) {
			return false
		}
		switch d.b[d.i] {
		case ',':
			d.i++
		case ']':
			d.i++
			*vs = out
			return true
		default:
			return false
		}
	}
}

// object decodes an object whose keys are plain strings, calling field at each
// key with the decoder before its value.
func (d *productDecoder) object(field func(key []byte) bool) bool {
	d.i = skipSpace(d.b, d.i)
	if d.i >= len(d.b) || d.b[d.i] != '{' {
		return false
	}
	d.i = skipSpace(d.b, d.i+1)
	if d.i < len(d.b) && d.b[d.i] == '}' {
		d.i++
		return true
	}
	for {
		key, ok := d.raw()
		if !ok {
			return false
		}
		d.i = skipSpace(d.b, d.i)
		if d.i >= len(d.b) || d.b[d.i] != ':' {
			return false
		}
		d.i++
		if !field(key) {
			return false
		}
		d.i = skipSpace(d.b, d.i)
		if d.i >= len(d.b) {
			return false
		}
		switch d.b[d.i] {
		case ',':
			d.i = skipSpace(d.b, d.i+1)
		case '}':
			d.i++
			return true
		default:
			return false
		}
	}
}

// raw returns the bytes of a string without escapes nor control characters, in
// valid UTF-8; false for any other string.
func (d *productDecoder) raw() ([]byte, bool) {
	d.i = skipSpace(d.b, d.i)
	if d.i >= len(d.b) || d.b[d.i] != '"' {
		return nil, false
	}
	start := d.i + 1
	ascii := true
	for j := start; j < len(d.b); j++ {
		switch c := d.b[j]; {
		case c == '"':
			d.i = j + 1
			s := d.b[start:j]
			return s, ascii || utf8.Valid(s)
		case c == '\\' || c < 0x20:
			return nil, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return nil, false
}

func (d *productDecoder) str(dst *string, intern bool) bool {
	s, ok := d.raw()
	if !ok {
		return false
	}
	if !intern {
		*dst = string(s)
		return true
	}
	if v, ok := d.intern[string(s)]; ok {
		*dst = v
		return true
	}
	*dst = string(s)
	if len(d.intern) < 4096 {
		d.intern[*dst] = *dst
	}
	return true
}

func (d *productDecoder) boolean(dst *bool) bool {
	d.i = skipSpace(d.b, d.i)
	switch {
	case len(d.b)-d.i >= 4 && string(d.b[d.i:d.i+4]) == "true":
		*dst, d.i = true, d.i+4
	case len(d.b)-d.i >= 5 && string(d.b[d.i:d.i+5]) == "false":
		*dst, d.i = false, d.i+5
	default:
		return false
	}
	return true
}
