package erp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// headerScanRows is how many rows a workbook reader looks through for the header
// when the profile does not fix its row (title rows, shop name, date, blank lines).
const headerScanRows = 10

// SheetReader reads an XLSX workbook, streaming its rows (never the whole sheet in
// memory; see xlsx.go): the core of the Cestia profile and of the generic profile's
// XLSX format.
type SheetReader struct {
	Profile string
	Options Options
	// Footer is the folded first-cell text of a footer row that is not an article
	// ("total").
	Footer string
	// LegacyXLS is the message of the file error for a legacy .xls (OLE2) file.
	LegacyXLS string
	// SheetOptional lets a reader fall back on the first visible sheet when the
	// workbook has no sheet named Options.Sheet (a profile's default name, not one the
	// site configured).
	SheetOptional bool
}

// Numeric fields are read from the cell's raw value, not as displayed: a price
// formatted "#,##0.00 €" or an EAN displayed "7.61161E+12" keep their exact value.
var rawFields = [...]string{FieldQty, FieldOnOrder, FieldPrice, FieldEAN}

// Workbook limits when the profile sets none: the workbook is read through random
// access (a file, or a temporary copy) and its parts as streams.
const (
	DefaultMaxWorkbookBytes = 256 << 20 // 256 MiB
	DefaultMaxWorkbookUnzip = 1 << 30   // 1 GiB
)

// Read implements Reader.
func (s *SheetReader) Read(ctx context.Context, name string, r io.Reader, sink Sink) (sum Summary, err error) {
	o := s.Options
	if o.Limits.MaxFileBytes <= 0 {
		o.Limits.MaxFileBytes = DefaultMaxWorkbookBytes
	}
	if o.Limits.MaxUnzipBytes <= 0 {
		o.Limits.MaxUnzipBytes = DefaultMaxWorkbookUnzip
	}
	lim := o.Limits.WithDefaults()
	sum = Summary{Profile: s.Profile}
	fileErr := func(loc Location, code, msg string, err error) (Summary, error) {
		if loc.File == "" {
			loc.File = name
		}
		return sum, &FileError{Loc: loc, Code: code, Message: msg, Err: err}
	}
	// A last resort: no input may crash the service.
	defer func() {
		if p := recover(); p != nil {
			sum, err = fileErr(Location{}, FileFormat, fmt.Sprintf("the workbook could not be read (internal error: %v)", p), nil)
		}
	}()
	ra, size, done, err := readerAtOf(ctx, r, lim.MaxFileBytes)
	defer done()
	switch {
	case errors.Is(err, errTooLarge):
		return fileErr(Location{}, FileTooLarge, fmt.Sprintf("the workbook is larger than %d bytes", lim.MaxFileBytes), nil)
	case ctx.Err() != nil:
		return sum, ctx.Err()
	case err != nil:
		return fileErr(Location{}, FileIO, "read the workbook", err)
	case size == 0:
		return fileErr(Location{}, FileEmpty, "the file is empty", nil)
	}
	head := make([]byte, min(size, 512))
	if _, err := ra.ReadAt(head, 0); err != nil && err != io.EOF {
		return fileErr(Location{}, FileIO, "read the workbook", err)
	}
	switch {
	case bytes.HasPrefix(head, magicOLE2):
		switch sniffOLE2(ra, size) {
		case ole2Encrypted:
			return fileErr(Location{}, FileEncrypted, "a password-protected (encrypted) workbook: save it without a password, as .xlsx", nil)
		case ole2Word:
			return fileErr(Location{}, FileNotXLSX, "a Word 97-2003 document (.doc), not a workbook: export the stock as .xlsx", nil)
		case ole2PowerPoint:
			return fileErr(Location{}, FileNotXLSX, "a PowerPoint 97-2003 file (.ppt), not a workbook: export the stock as .xlsx", nil)
		}
		msg := s.LegacyXLS
		if msg == "" {
			msg = "a legacy .xls workbook: save it as .xlsx"
		}
		return fileErr(Location{}, FileLegacyXLS, msg, nil)
	case !bytes.HasPrefix(head, magicZip) && !bytes.HasPrefix(head, []byte("PK\x05\x06")):
		msg := "not an .xlsx workbook (not a zip archive)"
		if code, what := sniffText(head, "", "workbook"); code == FileNotText && !bytes.HasPrefix(head, magicZip) {
			msg = "not an .xlsx workbook: " + strings.SplitN(what, ", not a workbook", 2)[0]
		} else if isText(head) {
			msg = "not an .xlsx workbook (not a zip archive): this looks like a text (CSV) file; export the stock as .xlsx, or read it with a text profile"
		}
		return fileErr(Location{}, FileNotXLSX, msg, nil)
	}
	sum.Encoding = "xlsx"
	wb, err := openWorkbook(ctx, ra, size, lim)
	if err != nil {
		return sum, s.wrap(name, Location{}, err)
	}
	if len(wb.sheets) == 0 {
		return fileErr(Location{}, FileEmpty, "the workbook has no sheet", nil)
	}
	sheet, err := s.pickSheet(wb.sheets)
	if err != nil {
		return fileErr(Location{}, FileFormat, err.Error(), nil)
	}
	if err := wb.checkSheets(sheet); err != nil {
		return sum, s.wrap(name, Location{}, err)
	}
	rows, err := wb.rows(sheet)
	if err != nil {
		return sum, s.wrap(name, Location{Sheet: sheet.name}, err)
	}
	defer rows.Close()

	m := NewMapper(name, o)
	m.Sheet = sheet.name
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
	needHeader := o.HasHeader()
	if !needHeader {
		if err := m.ByOrder(); err != nil {
			return sum, err
		}
	}
	var (
		best     []string // the widest row seen while looking for the header
		bestRow  int
		raw      []int // columns read raw
		refCol   = -1
		articles int
		key      []byte // a row's raw cells, to find duplicated rows
		dups     = newDupes()
		cells    []string
		nrows    int
	)
	setup := func() {
		for _, fld := range rawFields {
			if c := m.Column(fld); c >= 0 {
				raw = append(raw, c)
			}
		}
		refCol = m.Column(FieldRef)
		if refCol < 0 {
			refCol = m.Column(FieldCode)
		}
	}
	if !needHeader {
		setup()
	}
	for rows.next() {
		row := rows.row
		if nrows++; nrows&0xff == 0 {
			if err := ctx.Err(); err != nil {
				return sum, err
			}
		}
		rawCells := rows.raw
		cells = append(cells[:0], rows.show...)
		if blank(cells) {
			continue
		}
		loc := Location{File: name, Line: row, Sheet: sheet.name}
		if needHeader {
			// header_row counts sheet rows, as the workbook numbers them.
			switch {
			case o.HeaderRow > 0 && row < o.HeaderRow:
				continue
			case o.HeaderRow > 0 && row > o.HeaderRow:
				return fileErr(Location{Sheet: sheet.name, Line: o.HeaderRow}, FileMissingColumn,
					fmt.Sprintf("header_row is %d but that row of the sheet is empty", o.HeaderRow), nil)
			case o.HeaderRow > 0 || m.MatchesHeader(cells):
			case row < headerScanRows:
				if nonEmpty(cells) > nonEmpty(best) {
					best, bestRow = append([]string(nil), cells...), row
				}
				continue
			default:
				if best == nil {
					best, bestRow = cells, row
				}
				return sum, m.ByHeader(best, Location{File: name, Line: bestRow, Sheet: sheet.name})
			}
			if err := m.ByHeader(cells, loc); err != nil {
				return sum, err
			}
			sum.Header, sum.HeaderLine = append([]string(nil), cells...), row
			needHeader = false
			setup()
			continue
		}
		if s.Footer != "" && FoldName(cells[0]) == s.Footer {
			continue
		}
		articles++
		if articles > lim.MaxRows {
			return fileErr(loc, FileTooLarge, fmt.Sprintf("more than %d rows", lim.MaxRows), nil)
		}
		if len(cells) < m.width {
			cells = append(cells, make([]string, m.width-len(cells))...)
		}
		for _, c := range raw {
			if c < len(rawCells) && c < len(cells) {
				cells[c] = rawNumber(rawCells[c], m.decimal, c == m.col[fEAN])
			}
		}
		if refCol >= 0 && refCol < len(rawCells) && rows.numeric(refCol) {
			report(Problem{Loc: m.at(loc, refCol), Severity: Warning, Code: CodeNumericRef, Field: FieldRef,
				Value: cells[refCol], Message: "the reference is a number in the workbook: check it kept its leading zeros (format the column as text)"})
		}
		rec, ok := m.Convert(cells, loc, report)
		key = key[:0]
		for _, c := range rawCells {
			key = append(append(key, c...), 0)
		}
		if first := dups.see(key, row); first > 0 {
			report(Problem{Loc: loc, Severity: Warning, Code: CodeDuplicateLine,
				Message: fmt.Sprintf("same row as row %d", first)})
		}
		if !ok {
			continue
		}
		if err := sink.Record(rec); err != nil {
			return sum, err
		}
		sum.Rows++
	}
	if err := rows.finish(); err != nil {
		return sum, s.wrap(name, Location{Sheet: sheet.name}, err)
	}
	if needHeader {
		if best == nil {
			return fileErr(Location{Sheet: sheet.name}, FileEmpty, "the sheet is empty", nil)
		}
		return sum, m.ByHeader(best, Location{File: name, Line: bestRow, Sheet: sheet.name})
	}
	if articles == 0 {
		return fileErr(Location{Sheet: sheet.name}, FileEmpty, "no article row in the sheet", nil)
	}
	return sum, nil
}

// pickSheet chooses the sheet to read: the configured one (refused when the workbook
// has none by that name), else the profile's preferred one when there is one, else
// the first visible sheet.
func (s *SheetReader) pickSheet(sheets []xlsxSheet) (xlsxSheet, error) {
	want := s.Options.Sheet
	if want != "" {
		for _, sh := range sheets {
			if strings.EqualFold(strings.TrimSpace(sh.name), strings.TrimSpace(want)) {
				return sh, nil
			}
		}
		if !s.SheetOptional {
			return xlsxSheet{}, fmt.Errorf("the workbook has no sheet named %q (sheets: %s): set sheet to one of them", want, sheetNames(sheets))
		}
	}
	for _, sh := range sheets {
		if sh.state == "" || sh.state == "visible" {
			return sh, nil
		}
	}
	return xlsxSheet{}, fmt.Errorf("every sheet of the workbook is hidden (sheets: %s): set sheet to the one to read", sheetNames(sheets))
}

func sheetNames(sheets []xlsxSheet) string {
	var b strings.Builder
	for i, sh := range sheets {
		if i == 8 {
			fmt.Fprintf(&b, ", … (%d in all)", len(sheets))
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q", cut(sh.name))
		if sh.state != "" && sh.state != "visible" {
			b.WriteString(" (hidden)")
		}
	}
	return b.String()
}

// wrap turns an error from the workbook code into the FileError of this extract.
func (s *SheetReader) wrap(name string, loc Location, err error) error {
	var we *errWorkbook
	if !errors.As(err, &we) {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		return &FileError{Loc: Location{File: name}, Code: FileNotXLSX, Message: "not a readable .xlsx workbook", Err: err}
	}
	l := we.loc
	if l.Sheet == "" {
		l.Sheet = loc.Sheet
	}
	l.File = name
	return &FileError{Loc: l, Code: we.code, Message: we.msg, Err: we.err}
}

// isText reports whether head looks like text: no control bytes but TAB, CR and LF.
func isText(head []byte) bool {
	for _, c := range head {
		if c < 0x20 && c != '\t' && c != '\r' && c != '\n' {
			return false
		}
	}
	return len(head) > 0
}

func blank(cells []string) bool { return nonEmpty(cells) == 0 }

func nonEmpty(cells []string) int {
	n := 0
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			n++
		}
	}
	return n
}

// isNumber reports whether a raw cell value is a number as a workbook stores it:
// digits, an optional point and an optional exponent.
func isNumber(s string) bool {
	if s == "" {
		return false
	}
	_, err := strconv.ParseFloat(s, 64)
	return err == nil && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= '0' && r <= '9' || r == '.' || r == '-' || r == 'E' || r == 'e' || r == '+')
	}) < 0
}

// rawNumber rewrites a raw numeric cell value for the Mapper: a barcode as its
// digits ("7.611608293295E+12" → "7611608293295"), any other number with the
// profile's decimal mark, rounded to cents. Text cells are returned unchanged.
func rawNumber(s string, decimal byte, digits bool) string {
	if !isNumber(s) {
		return s
	}
	v, _ := strconv.ParseFloat(s, 64)
	if digits {
		if v < 0 || v >= 1e15 || v != math.Trunc(v) || lossy(s) {
			return s
		}
		return strconv.FormatInt(int64(v), 10)
	}
	if math.Abs(v) >= 1e15 {
		return s
	}
	cents := int64(math.Round(v * 100))
	neg := cents < 0
	if neg {
		cents = -cents
	}
	out := strconv.FormatInt(cents/100, 10)
	if c := cents % 100; c != 0 {
		out += string(decimal) + fmt.Sprintf("%02d", c)
	}
	if neg {
		out = "-" + out
	}
	return out
}

// lossy reports whether a number in exponent form lost digits: "7.61161E+12" (six
// significant digits for a 13-digit barcode) cannot be turned back into the barcode.
func lossy(s string) bool {
	i := strings.IndexAny(s, "Ee")
	if i < 0 {
		return false
	}
	exp, err := strconv.Atoi(s[i+1:])
	if err != nil {
		return true
	}
	mant := strings.TrimLeft(strings.Replace(s[:i], ".", "", 1), "0")
	return len(mant) < exp+1
}
