package reconcile

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// lineSources holds the source of every line added, by line index, without a
// string per line: a source is a prefix shared by a run of lines ("stock.csv:")
// and the number ending it, kept in 4 bytes. A source that does not end in a
// number written plainly (no leading zero, at most 9 digits) is kept whole; an
// empty one costs its 4 bytes only.
type lineSources struct {
	nums []uint32          // by line: the number ending its source; noSource when empty
	runs []sourceRun       // by first line: the prefix of the lines from there on
	odd  map[uint32]string // by line: the sources kept whole
}

// noSource marks a line without a source: beyond any number splitSource keeps.
const noSource = ^uint32(0)

type sourceRun struct {
	from   uint32 // the run's first line
	prefix string
}

// addLine records the source of line i, the line after the last one added.
func (s *lineSources) addLine(i uint32, l *Line) {
	if l.SourceLine > 0 && l.SourceLine < 1e9 {
		s.addSplit(i, l.Source, uint32(l.SourceLine))
		return
	}
	s.add(i, l.Where())
}

// add records the source of line i, the line after the last one added.
func (s *lineSources) add(i uint32, src string) {
	if src == "" {
		s.nums = append(s.nums, noSource)
		return
	}
	prefix, n, ok := splitSource(src)
	if !ok {
		if s.odd == nil {
			s.odd = make(map[uint32]string)
		}
		s.odd[i] = src
		s.nums = append(s.nums, 0)
		return
	}
	s.addSplit(i, prefix, n)
}

// addSplit records prefix followed by n, written plainly, as the source of line i;
// n is at most 9 digits. (Whatever prefix ends with, prefix+n orders as n among
// the lines of one prefix: a shorter number is a smaller one.)
func (s *lineSources) addSplit(i uint32, prefix string, n uint32) {
	if len(s.runs) == 0 || s.runs[len(s.runs)-1].prefix != prefix {
		s.runs = append(s.runs, sourceRun{from: i, prefix: strings.Clone(prefix)})
	}
	s.nums = append(s.nums, n)
}

// source returns the source of line i as it was added.
func (s *lineSources) source(i uint32) string {
	if s.nums[i] == noSource {
		return ""
	}
	if src, ok := s.odd[i]; ok {
		return src
	}
	p := s.prefix(i)
	b := make([]byte, 0, len(p)+10)
	b = append(b, p...)
	return string(strconv.AppendUint(b, uint64(s.nums[i]), 10))
}

// splitSource splits src into a prefix and the number ending it, ok only when
// prefix followed by the number written plainly gives src back.
func splitSource(src string) (prefix string, n uint32, ok bool) {
	i := len(src)
	for i > 0 && isDigit(src[i-1]) {
		i--
	}
	d := src[i:]
	if d == "" || len(d) > 9 || d[0] == '0' && len(d) > 1 {
		return "", 0, false
	}
	v := uint32(0)
	for j := 0; j < len(d); j++ {
		v = v*10 + uint32(d[j]-'0')
	}
	return src[:i], v, true
}

// prefix returns the prefix of line i, a line whose source is split.
func (s *lineSources) prefix(i uint32) string {
	r, found := slices.BinarySearchFunc(s.runs, i, func(r sourceRun, i uint32) int {
		switch {
		case r.from < i:
			return -1
		case r.from > i:
			return 1
		}
		return 0
	})
	if !found {
		r--
	}
	return s.runs[r].prefix
}

// ref names line i for a decision: 0 when its source is empty.
func (s *lineSources) ref(i uint32) LineRef {
	if s.nums[i] == noSource {
		return 0
	}
	return LineRef(i + 1)
}

// compare orders lines i and j as compareSource orders their sources, without
// writing them out when they share a prefix: the prefix does not end in a digit
// and the numbers are written plainly, so the sources compare as the numbers do.
func (s *lineSources) compare(i, j uint32) int {
	a, b := s.nums[i], s.nums[j]
	switch {
	case i == j, a == noSource && b == noSource:
		return 0
	case a == noSource: // the empty source first
		return -1
	case b == noSource:
		return 1
	}
	if len(s.odd) == 0 || s.odd[i] == "" && s.odd[j] == "" {
		if s.prefix(i) == s.prefix(j) {
			return cmp.Compare(a, b)
		}
	}
	return compareSource(s.source(i), s.source(j))
}
