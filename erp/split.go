package erp

import (
	"errors"
	"io"
)

// maxFields caps the fields kept per row: a hostile line of delimiters cannot make
// the reader's memory grow.
const maxFields = 512

var (
	errUnterminated = errors.New("unterminated quote")
	errQuoteInField = errors.New("text after a closing quote")
)

// splitter cuts delimited text into rows of fields. It accepts CR, LF and CRLF line
// ends, even mixed, and quoted fields (RFC 4180 style, "" for a quote) when quote is
// not 0. It reuses its buffers: a row's bytes are valid until the next call.
type splitter struct {
	r        io.Reader
	buf      []byte
	pos, end int
	err      error

	delim, quote byte
	maxField     int

	line      int  // line of the next byte, 1-based
	pendingLF bool // the last line ended with CR: a following LF belongs to it

	start      int // line where the current row starts
	raw        []byte
	ends       []int // end offset in raw of each field
	fieldStart int
	tooLong    bool  // a field was cut at maxField+1 bytes
	long       []int // the fields cut
	dropped    bool  // fields past maxFields were dropped
	multiline  bool  // a quoted field holds a line end
}

func newSplitter(r io.Reader, delim, quote byte, maxField int) *splitter {
	return &splitter{r: r, buf: make([]byte, 64<<10), delim: delim, quote: quote, maxField: maxField, line: 1}
}

const (
	stField = iota // at the start of a field
	stPlain
	stQuoted
	stQuoteSeen // a quote inside a quoted field: end of field or an escaped quote
)

func (s *splitter) fill() bool {
	if s.err != nil {
		return false
	}
	for {
		n, err := s.r.Read(s.buf)
		s.pos, s.end = 0, n
		if err != nil {
			s.err = err
		}
		if n > 0 {
			return true
		}
		if err != nil {
			return false
		}
	}
}

func (s *splitter) appendField(b []byte) {
	if room := s.maxField + 1 - (len(s.raw) - s.fieldStart); len(b) > room {
		b = b[:max(room, 0)]
		if f := len(s.ends); len(s.long) == 0 || s.long[len(s.long)-1] != f {
			s.long = append(s.long, f)
		}
		s.tooLong = true
	}
	s.raw = append(s.raw, b...)
}

func (s *splitter) endField() {
	if len(s.ends) < maxFields {
		s.ends = append(s.ends, len(s.raw))
	} else {
		s.raw = s.raw[:s.fieldStart]
		s.dropped = true
	}
	s.fieldStart = len(s.raw)
}

// next reads the next non-blank row. It returns false at the end of the input, with
// the read error if any (io.EOF is not reported) or errUnterminated.
func (s *splitter) next() (bool, error) {
	s.raw, s.ends, s.fieldStart, s.tooLong = s.raw[:0], s.ends[:0], 0, false
	s.long, s.dropped, s.multiline = s.long[:0], false, false
	s.start = s.line
	state := stField
	for {
		if s.pos >= s.end && !s.fill() {
			if s.err != nil && s.err != io.EOF {
				return false, s.err
			}
			if state == stQuoted {
				return false, errUnterminated
			}
			if state == stField && len(s.ends) == 0 {
				return false, nil
			}
			s.endField()
			return true, nil
		}
		c := s.buf[s.pos]
		if s.pendingLF {
			s.pendingLF = false
			if c == '\n' {
				s.pos++
				continue
			}
		}
		switch state {
		case stField:
			if c == s.quote && s.quote != 0 {
				state = stQuoted
				s.pos++
				continue
			}
			if (c == '\n' || c == '\r') && len(s.ends) == 0 { // blank line
				s.newline(c)
				s.start = s.line
				continue
			}
			state = stPlain
		case stQuoteSeen:
			if c == s.quote {
				s.appendField(s.buf[s.pos : s.pos+1])
				s.pos++
				state = stQuoted
				continue
			}
			if c != s.delim && c != '\n' && c != '\r' {
				// "abc"def: the quote that closed the field was not meant to, or one
				// is missing earlier: rows would merge.
				return false, errQuoteInField
			}
			state = stPlain
		case stQuoted:
			j := s.pos
			for j < s.end && s.buf[j] != s.quote && s.buf[j] != '\n' && s.buf[j] != '\r' {
				j++
			}
			s.appendField(s.buf[s.pos:j])
			s.pos = j
			if j == s.end {
				continue
			}
			if c = s.buf[j]; c == s.quote {
				s.pos++
				state = stQuoteSeen
				continue
			}
			s.newline(c)
			s.appendField([]byte{'\n'})
			s.multiline = true
			continue
		}
		// stPlain: copy up to the next delimiter or line end.
		j := s.pos
		for j < s.end {
			if b := s.buf[j]; b == s.delim || b == '\n' || b == '\r' {
				break
			}
			j++
		}
		s.appendField(s.buf[s.pos:j])
		s.pos = j
		if j == s.end {
			continue
		}
		c = s.buf[j]
		if c == s.delim {
			s.pos++
			s.endField()
			state = stField
			continue
		}
		s.newline(c)
		s.endField()
		return true, nil
	}
}

// newline consumes the line end c at s.pos.
func (s *splitter) newline(c byte) {
	s.pos++
	s.line++
	s.pendingLF = c == '\r'
}

// loneCR turns a CR that is not followed by LF into a space, for extracts whose lines
// end with CRLF: a stray CR inside a field (a label typed with one) is not a line
// end, and would otherwise shift every line number after it.
type loneCR struct {
	r       io.Reader
	decided bool // the first line end was seen
	crlf    bool // it was CRLF
	held    bool // a CR from the end of the last read is held back
	err     error
}

func (l *loneCR) Read(p []byte) (int, error) {
	if len(p) < 2 {
		if l.held && len(p) == 1 {
			p[0], l.held = '\r', false
			return 1, nil
		}
		return l.r.Read(p)
	}
	off := 0
	if l.held {
		p[0], off = '\r', 1
		l.held = false
	}
	n := 0
	var err error
	if l.err == nil {
		n, err = l.r.Read(p[off:])
		l.err = err
	}
	n += off
	b := p[:n]
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '\r' && c != '\n' {
			continue
		}
		if !l.decided {
			if c == '\n' {
				l.decided = true
				continue
			}
			if i+1 == len(b) {
				if l.err == nil {
					l.held = true
					return i, nil
				}
				l.decided = true
				continue
			}
			l.decided, l.crlf = true, b[i+1] == '\n'
			continue
		}
		if c != '\r' || !l.crlf {
			continue
		}
		if i+1 == len(b) {
			if l.err == nil {
				l.held = true
				return i, nil
			}
			b[i] = ' '
			continue
		}
		if b[i+1] != '\n' {
			b[i] = ' '
		}
	}
	if n == 0 && l.held {
		return 0, nil
	}
	if n > 0 && err != nil {
		return n, nil // the error again on the next call
	}
	return n, l.err
}

// blank empties the given fields of the current row (fields cut at the limit in
// columns nobody reads).
func (s *splitter) blank(fields []int) {
	out := s.raw[:0]
	start, j := 0, 0
	for i, e := range s.ends {
		if j < len(fields) && fields[j] == i {
			j++
		} else {
			out = append(out, s.raw[start:e]...)
		}
		start = e
		s.ends[i] = len(out)
	}
	s.raw = out
}
