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

	"github.com/xuri/excelize/v2"
)

// headerScanRows is how many rows a workbook reader looks through for the header
// when the profile does not fix its row (title rows, shop name, date, blank lines).
const headerScanRows = 10

// SheetReader reads an XLSX workbook, streaming its rows through excelize's row
// iterator (never the whole sheet in memory): the core of the Cestia profile and of
// the generic profile's XLSX format.
type SheetReader struct {
	Profile string
	Options Options
	// Footer is the folded first-cell text of a footer row that is not an article
	// ("total").
	Footer string
	// LegacyXLS is the message of the file error for a legacy .xls (OLE2) file.
	LegacyXLS string
}

// Numeric fields are read from the cell's raw value, not as displayed: a price
// formatted "#,##0.00 €" or an EAN displayed "7.61161E+12" keep their exact value.
var rawFields = [...]string{FieldQty, FieldOnOrder, FieldPrice, FieldEAN}

var (
	magicOLE2 = []byte{0xD0, 0xCF, 0x11, 0xE0}
	magicZip  = []byte("PK\x03\x04")
)

// Read implements Reader.
func (s *SheetReader) Read(ctx context.Context, name string, r io.Reader, sink Sink) (Summary, error) {
	o := s.Options
	lim := o.Limits.WithDefaults()
	sum := Summary{Profile: s.Profile}
	fileErr := func(loc Location, code, msg string, err error) (Summary, error) {
		if loc.File == "" {
			loc.File = name
		}
		return sum, &FileError{Loc: loc, Code: code, Message: msg, Err: err}
	}
	// A zip needs random access: the workbook is held in memory (its rows are not).
	data, err := io.ReadAll(&limitedReader{r: r, n: lim.MaxFileBytes})
	switch {
	case errors.Is(err, errTooLarge):
		return fileErr(Location{}, FileTooLarge, fmt.Sprintf("the workbook is larger than %d bytes", lim.MaxFileBytes), nil)
	case err != nil:
		return fileErr(Location{}, FileIO, "read the workbook", err)
	case len(data) == 0:
		return fileErr(Location{}, FileEmpty, "the file is empty", nil)
	case bytes.HasPrefix(data, magicOLE2):
		msg := s.LegacyXLS
		if msg == "" {
			msg = "a legacy .xls workbook: save it as .xlsx"
		}
		return fileErr(Location{}, FileLegacyXLS, msg, nil)
	case !bytes.HasPrefix(data, magicZip):
		return fileErr(Location{}, FileNotXLSX, "not an .xlsx workbook (not a zip archive)", nil)
	}
	sum.Encoding = "xlsx"
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    lim.MaxUnzipBytes,
		UnzipXMLSizeLimit: min(lim.MaxUnzipBytes, 16<<20),
	})
	if err != nil {
		if errors.Is(err, excelize.ErrOptionsUnzipSizeLimit) || strings.Contains(err.Error(), "unzip size exceeds") {
			return fileErr(Location{}, FileTooLarge, fmt.Sprintf("the workbook unzips to more than %d bytes", lim.MaxUnzipBytes), err)
		}
		return fileErr(Location{}, FileNotXLSX, "not a readable .xlsx workbook", err)
	}
	defer f.Close()
	sheet := ""
	list := f.GetSheetList()
	for _, n := range list {
		if o.Sheet != "" && strings.EqualFold(n, o.Sheet) {
			sheet = n
		}
	}
	if sheet == "" {
		if len(list) == 0 {
			return fileErr(Location{}, FileEmpty, "the workbook has no sheet", nil)
		}
		sheet = list[0]
	}
	// Numbers are read raw. References are read as displayed, which differs from
	// the raw value only under a zero-padding number format: a second pass over the
	// sheet gives the displayed values when the workbook has one.
	raws, err := f.Rows(sheet)
	if err != nil {
		return fileErr(Location{Sheet: sheet}, FileNotXLSX, "open sheet "+sheet, err)
	}
	defer raws.Close()
	var shown *excelize.Rows
	if hasPaddedFormat(f) {
		if shown, err = f.Rows(sheet); err != nil {
			return fileErr(Location{Sheet: sheet}, FileNotXLSX, "open sheet "+sheet, err)
		}
		defer shown.Close()
	}

	m := NewMapper(name, o)
	m.Sheet = sheet
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
	for row := 1; raws.Next(); row++ {
		if row&0xfff == 0 {
			if err := ctx.Err(); err != nil {
				return sum, err
			}
		}
		rawCells, err := raws.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return fileErr(Location{Sheet: sheet, Line: row}, FileNotXLSX, "read row", err)
		}
		cells := rawCells
		if shown != nil && shown.Next() {
			if cells, err = shown.Columns(); err != nil {
				return fileErr(Location{Sheet: sheet, Line: row}, FileNotXLSX, "read row", err)
			}
		}
		if blank(cells) {
			continue
		}
		loc := Location{File: name, Line: row, Sheet: sheet}
		if needHeader {
			switch {
			case o.HeaderRow > 0 && row < o.HeaderRow:
				continue
			case o.HeaderRow > 0 || m.MatchesHeader(cells):
			case row < headerScanRows:
				if nonEmpty(cells) > nonEmpty(best) {
					best, bestRow = cells, row
				}
				continue
			default:
				if best == nil {
					best, bestRow = cells, row
				}
				return sum, m.ByHeader(best, Location{File: name, Line: bestRow, Sheet: sheet})
			}
			if err := m.ByHeader(cells, loc); err != nil {
				return sum, err
			}
			sum.Header, sum.HeaderLine = cells, row
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
		if refCol >= 0 && refCol < len(rawCells) && isNumber(rawCells[refCol]) {
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
	if err := raws.Error(); err != nil {
		return fileErr(Location{Sheet: sheet}, FileNotXLSX, "read sheet "+sheet, err)
	}
	if needHeader {
		if best == nil {
			return fileErr(Location{Sheet: sheet}, FileEmpty, "the sheet is empty", nil)
		}
		return sum, m.ByHeader(best, Location{File: name, Line: bestRow, Sheet: sheet})
	}
	if articles == 0 {
		return fileErr(Location{Sheet: sheet}, FileEmpty, "no article row in the sheet", nil)
	}
	return sum, nil
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

// hasPaddedFormat reports whether the workbook has a custom number format that pads
// numbers with zeros ("000000"), under which a numeric reference displays otherwise
// than its raw value.
func hasPaddedFormat(f *excelize.File) bool {
	for i := 0; ; i++ {
		st, err := f.GetStyle(i)
		if err != nil {
			return false
		}
		if c := st.CustomNumFmt; c != nil && strings.Contains(*c, "00") && !strings.Contains(*c, ".") {
			return true
		}
	}
}
