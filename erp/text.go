package erp

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// TextReader reads delimited text (CSV, TSV, pipe-separated, 4D's EXPORT TEXT): the
// core that the Bijou3, M3Soft, 4D and generic profiles share. A profile fills
// Options with its defaults merged with the site's overrides.
type TextReader struct {
	Profile string
	Options Options

	// Marker, when set, receives the rows whose first field starts with '#' (M3Soft's
	// first line and trailer), with the number of article rows seen so far. It
	// returns false for a row that is not one of its markers: the row is then read as
	// any other (a reference may start with '#').
	Marker func(loc Location, fields []string, articles int) (bool, error)
	// MixedLineEnds accepts CR, LF and CRLF line ends mixed in one file (4D). Otherwise,
	// in a file whose first line ends with CRLF, a lone CR is not a line end: it reads
	// as a space.
	MixedLineEnds bool
	// End, when set, is called once the last row is read, with the location of the
	// last row and the number of article rows seen (records and row errors).
	End func(loc Location, articles int) error
}

// errTooLarge is returned by a limitedReader past its limit.
var errTooLarge = errors.New("size limit reached")

type limitedReader struct {
	r io.Reader
	n int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, errTooLarge
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

// oneByte checks a delimiter or quote option: one ASCII character, "\t" or "tab".
func oneByte(what, s string, def byte) (byte, error) {
	switch strings.ToLower(s) {
	case "":
		return def, nil
	case `\t`, "tab", "\t":
		return '\t', nil
	case "none":
		return 0, nil
	}
	if len(s) != 1 || s[0] >= 0x80 || s[0] == '\n' || s[0] == '\r' {
		return 0, fmt.Errorf("%s %q: expected one ASCII character", what, s)
	}
	return s[0], nil
}

// Check validates the options once, when a profile's reader is built.
func (t *TextReader) Check() error {
	if _, err := oneByte("delimiter", t.Options.Delimiter, ';'); err != nil {
		return err
	}
	if _, err := oneByte("quote", t.Options.Quote, '"'); err != nil {
		return err
	}
	if d := t.Options.Decimal; d != "" && d != "," && d != "." {
		return fmt.Errorf("decimal %q: expected \",\" or \".\"", d)
	}
	if _, _, err := LookupEncoding(t.Options.Encoding); err != nil {
		return err
	}
	if !t.Options.HasHeader() {
		if len(t.Options.Order) == 0 {
			return errors.New("no header and no column order: set order to the fields in column order")
		}
		if err := NewMapper("", t.Options).ByOrder(); err != nil {
			return errors.New(err.(*FileError).Message)
		}
	}
	return nil
}

// Read implements Reader.
func (t *TextReader) Read(ctx context.Context, name string, r io.Reader, sink Sink) (_ Summary, err error) {
	o := t.Options
	lim := o.Limits.WithDefaults()
	sum := Summary{Profile: t.Profile}
	fileErr := func(line int, code, msg string, err error) (Summary, error) {
		return sum, &FileError{Loc: Location{File: name, Line: line}, Code: code, Message: msg, Err: err}
	}
	// A last resort: no input may crash the service.
	defer func() {
		if p := recover(); p != nil {
			err = &FileError{Loc: Location{File: name}, Code: FileFormat, Message: fmt.Sprintf("the extract could not be read (internal error: %v)", p)}
		}
	}()
	delim, err := oneByte("delimiter", o.Delimiter, ';')
	if err != nil {
		return fileErr(0, FileFormat, "bad profile settings", err)
	}
	quote, err := oneByte("quote", o.Quote, '"')
	if err != nil {
		return fileErr(0, FileFormat, "bad profile settings", err)
	}
	lr := &limitedReader{r: ctxReader{ctx, r}, n: lim.MaxFileBytes}
	br := bufio.NewReaderSize(lr, 4<<10)
	head, _ := br.Peek(512)
	if code, msg := sniffText(head, strings.ToLower(strings.TrimSpace(o.Encoding)), "text extract"); code != "" {
		return fileErr(0, code, msg, nil)
	}
	var in io.Reader = br
	if !t.MixedLineEnds {
		in = &loneCR{r: br}
	}
	text, err := OpenText(in, o.Encoding)
	if err != nil {
		return fileErr(0, FileEncoding, "cannot decode the extract", err)
	}
	sum.Encoding = text.Encoding

	m := NewMapper(name, o)
	report := func(p Problem) {
		if p.Severity == Warning {
			sum.Warnings++
		} else {
			sum.RowErrors++
		}
		if sink.Problem != nil {
			sink.Problem(p)
		}
	}
	sp := newSplitter(text.R, delim, quote, lim.MaxFieldBytes)
	needHeader := o.HasHeader()
	if !needHeader {
		if err := m.ByOrder(); err != nil {
			return sum, err
		}
	}
	var (
		decoded  []byte
		ends     []int
		fields   []string
		articles int
		lastLine int
		dups     = newDupes()
		sniff    = !text.UTF8()
	)
	for rowNum := 1; ; rowNum++ {
		ok, err := sp.next()
		if err != nil {
			switch {
			case ctx.Err() != nil:
				return sum, ctx.Err()
			case errors.Is(err, errQuoteInField):
				return fileErr(sp.line, FileFormat, "text follows the quote that closes a field (a quote is unbalanced: rows would merge); the field started on line "+strconv.Itoa(sp.start), nil)
			case errors.Is(err, errTooLarge):
				return fileErr(0, FileTooLarge, fmt.Sprintf("the extract is larger than %d bytes", lim.MaxFileBytes), nil)
			case errors.Is(err, errUnterminated):
				return fileErr(sp.start, FileFormat, "a quoted field opened on this line is never closed", nil)
			}
			return fileErr(0, FileIO, "read the extract", err)
		}
		if !ok {
			break
		}
		if rowNum&0xfff == 0 {
			if err := ctx.Err(); err != nil {
				return sum, err
			}
		}
		lastLine = sp.start
		loc := Location{File: name, Line: sp.start}
		// The first row with a non-ASCII byte tells whether a single-byte extract is
		// in fact UTF-8 ("RÃ©f." once decoded).
		if sniff && !isASCII(sp.raw) {
			sniff = false
			if utf8.Valid(sp.raw) {
				return fileErr(sp.start, FileEncoding, fmt.Sprintf(
					"the extract looks UTF-8 encoded but the profile reads it as %s: set encoding to utf-8", text.Encoding), nil)
			}
		}
		if sp.dropped && needHeader {
			return fileErr(sp.start, FileFormat, fmt.Sprintf("the header has more than %d columns: is the delimiter right (the profile's is %q)?", maxFields, string(delim)), nil)
		}
		if sp.tooLong && !needHeader && (t.Marker == nil || !isMarker(sp.raw)) {
			// A field was cut at the limit, maybe inside a character. A mapped one
			// makes the row an error; an unmapped one is emptied.
			if f, mapped := m.mappedAmong(sp.long); mapped {
				articles++
				report(Problem{Loc: loc, Severity: RowError, Code: CodeFieldTooLong, Field: f,
					Message: fmt.Sprintf("expected at most %d bytes", lim.MaxFieldBytes)})
				continue
			}
			sp.blank(sp.long)
		}
		var good bool
		decoded, ends, good = text.Decode(decoded[:0], ends[:0], sp.raw, sp.ends)
		if !good {
			return fileErr(sp.start, FileEncoding, fmt.Sprintf(
				"bytes that are not valid %s: export the extract as %s or set the profile's encoding", text.Encoding, text.Encoding), nil)
		}
		fields = splitRow(fields[:0], decoded, ends)
		if t.Marker != nil && len(fields) > 0 && strings.HasPrefix(fields[0], "#") {
			done, err := t.Marker(loc, fields, articles)
			if err != nil {
				return sum, err
			}
			if done {
				continue
			}
		}
		if sp.multiline {
			if !needHeader && len(fields) != len(sum.Header) && len(sum.Header) > 0 {
				return fileErr(sp.start, FileFormat, fmt.Sprintf(
					"a quoted field opened on this line runs to line %d and the row has %d fields where the header has %d: a quote is unbalanced", sp.line-1, len(fields), len(sum.Header)), nil)
			}
			report(Problem{Loc: loc, Severity: Warning, Code: CodeMultiline,
				Message: fmt.Sprintf("a quoted field spans lines %d to %d", sp.start, sp.line-1)})
		}
		if needHeader {
			// header_row counts the file's lines, blank ones included.
			if o.HeaderRow > 0 && sp.start < o.HeaderRow {
				continue
			}
			if o.HeaderRow > 0 && sp.start > o.HeaderRow {
				return fileErr(o.HeaderRow, FileMissingColumn, fmt.Sprintf("header_row is %d but that line is blank", o.HeaderRow), nil)
			}
			sum.Header = append([]string(nil), fields...)
			sum.HeaderLine = sp.start
			if err := m.ByHeader(fields, loc); err != nil {
				return sum, err
			}
			needHeader = false
			continue
		}
		articles++
		if articles > lim.MaxRows {
			return fileErr(sp.start, FileTooLarge, fmt.Sprintf("more than %d rows", lim.MaxRows), nil)
		}
		rec, ok := m.Convert(fields, loc, report)
		if first := dups.see(sp.raw, sp.start); first > 0 {
			report(Problem{Loc: loc, Severity: Warning, Code: CodeDuplicateLine,
				Message: fmt.Sprintf("same line as line %d", first)})
		}
		if !ok {
			continue
		}
		if err := sink.Record(rec); err != nil {
			return sum, err
		}
		sum.Rows++
	}
	if needHeader {
		if sum.HeaderLine == 0 && lastLine == 0 {
			return fileErr(0, FileEmpty, "the file is empty", nil)
		}
		return fileErr(0, FileEmpty, "no header row found", nil)
	}
	if t.End != nil {
		if err := t.End(Location{File: name, Line: lastLine}, articles); err != nil {
			return sum, err
		}
	}
	if articles == 0 {
		return fileErr(0, FileEmpty, "no article row in the extract", nil)
	}
	return sum, nil
}

// splitRow cuts the decoded row at ends into fields, all substrings of one string.
func splitRow(fields []string, decoded []byte, ends []int) []string {
	row := string(decoded)
	start := 0
	for _, e := range ends {
		fields = append(fields, row[start:e])
		start = e
	}
	return fields
}

func isMarker(raw []byte) bool { return len(raw) > 0 && raw[0] == '#' }
