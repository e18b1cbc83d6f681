package reconcile

import "strings"

// compareSource orders source locations naturally: "stock.csv:9" before
// "stock.csv:12". It is the order findings and decisions use, so a plan does not
// depend on the order the lines came in.
func compareSource(a, b string) int {
	for a != "" && b != "" {
		da, db := isDigit(a[0]), isDigit(b[0])
		if da && db {
			na, ra := digitRun(a)
			nb, rb := digitRun(b)
			ta, tb := strings.TrimLeft(na, "0"), strings.TrimLeft(nb, "0")
			if len(ta) != len(tb) {
				return len(ta) - len(tb)
			}
			if c := strings.Compare(ta, tb); c != 0 {
				return c
			}
			if len(na) != len(nb) {
				return len(na) - len(nb)
			}
			a, b = ra, rb
			continue
		}
		if a[0] != b[0] {
			return int(a[0]) - int(b[0])
		}
		a, b = a[1:], b[1:]
	}
	return len(a) - len(b)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func digitRun(s string) (run, rest string) {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return s[:i], s[i:]
}

// compareLine orders lines by source, then by every other field, so that equal
// sources (hand-made lines) still sort the same way every time.
func compareLine(a, b *Line) int {
	if c := compareWhere(a, b); c != 0 {
		return c
	}
	for _, p := range [...][2]string{{a.Ref, b.Ref}, {a.ERPBrand, b.ERPBrand}, {a.RawSize, b.RawSize}, {a.Label, b.Label}, {a.EAN, b.EAN}} {
		if c := strings.Compare(p[0], p[1]); c != 0 {
			return c
		}
	}
	switch {
	case a.Qty != b.Qty:
		return cmpInt(a.Qty, b.Qty)
	case a.OnOrder != b.OnOrder:
		return cmpInt(a.OnOrder, b.OnOrder)
	case a.PriceCents != b.PriceCents:
		return cmpInt(a.PriceCents, b.PriceCents)
	case a.HasPrice != b.HasPrice:
		return cmpBool(a.HasPrice, b.HasPrice)
	case a.Excluded != b.Excluded:
		return cmpBool(a.Excluded, b.Excluded)
	}
	return 0
}

func cmpInt[T int | int64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// compareWhere orders two lines' sources as compareSource orders their texts,
// without writing them when they share the text before their numbers: numbers
// written plainly order as their texts do, a shorter one being a smaller one.
func compareWhere(a, b *Line) int {
	if a.SourceLine > 0 && b.SourceLine > 0 && a.Source == b.Source {
		return cmpInt(a.SourceLine, b.SourceLine)
	}
	return compareSource(a.Where(), b.Where())
}
