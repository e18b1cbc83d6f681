package erp

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Record fields, as named in Options.Columns and Options.Order. "code" is the ERP's
// own article code, used as the reference when the supplier reference is empty.
const (
	FieldRef     = "ref"
	FieldCode    = "code"
	FieldBrand   = "brand"
	FieldLabel   = "label"
	FieldSize    = "size"
	FieldQty     = "qty"
	FieldOnOrder = "on_order"
	FieldPrice   = "price"
	FieldStatus  = "status"
	FieldEAN     = "ean"
	FieldStore   = "store"
)

const (
	fRef = iota
	fCode
	fBrand
	fLabel
	fSize
	fQty
	fOnOrder
	fPrice
	fStatus
	fEAN
	fStore
	numFields
)

var fieldNames = [numFields]string{FieldRef, FieldCode, FieldBrand, FieldLabel, FieldSize,
	FieldQty, FieldOnOrder, FieldPrice, FieldStatus, FieldEAN, FieldStore}

func fieldIndex(name string) int {
	name = strings.ToLower(strings.TrimSpace(name))
	for i, n := range fieldNames {
		if n == name {
			return i
		}
	}
	return -1
}

// Mapper turns the fields of one row into a Record: it knows which column holds which
// field (from a header, or from Options.Order) and parses each one. It is shared by
// every profile, text or workbook.
type Mapper struct {
	File  string // base name of the extract, for locations
	Sheet string // workbook sheet; when set, problems name the cell

	opts     Options
	decimal  byte
	maxField int
	col      [numFields]int
	width    int // fields a row must have
	excluded map[string]bool
}

// NewMapper returns a Mapper for the extract file read with the options o.
func NewMapper(file string, o Options) *Mapper {
	m := &Mapper{File: file, opts: o, decimal: ',', maxField: o.Limits.WithDefaults().MaxFieldBytes}
	if o.Decimal != "" {
		m.decimal = o.Decimal[0]
	}
	m.excluded = make(map[string]bool, len(o.ExcludedStatuses))
	for _, s := range o.ExcludedStatuses {
		m.excluded[strings.ToUpper(strings.TrimSpace(s))] = true
	}
	for i := range m.col {
		m.col[i] = -1
	}
	return m
}

// Column returns the index of the column holding field, or -1.
func (m *Mapper) Column(field string) int {
	if i := fieldIndex(field); i >= 0 {
		return m.col[i]
	}
	return -1
}

// MatchesHeader reports whether row holds every required column: workbook readers use
// it to find the header below title rows.
func (m *Mapper) MatchesHeader(row []string) bool {
	probe := *m
	return probe.resolve(row) == ""
}

// ByHeader finds each field's column in the header row by name, accents and case
// folded. A required column that is missing is a *FileError listing the columns found.
func (m *Mapper) ByHeader(header []string, loc Location) error {
	missing := m.resolve(header)
	if missing == "" {
		return nil
	}
	var found []string
	n := 0
	for _, h := range header {
		if h = strings.TrimSpace(h); h != "" {
			if n++; n <= 20 {
				found = append(found, fmt.Sprintf("%q", cut(h)))
			}
		}
	}
	if n > 20 {
		found = append(found, fmt.Sprintf("… (%d in all)", n))
	}
	return &FileError{Loc: loc, Code: FileMissingColumn,
		Message: fmt.Sprintf("required column %s not found in the header; columns found: %s",
			missing, strings.Join(found, ", "))}
}

// resolve maps columns by name and returns the description of the first required
// column missing, or "".
func (m *Mapper) resolve(header []string) string {
	folded := make([]string, len(header))
	for i, h := range header {
		folded[i] = FoldName(h)
	}
	for f := range numFields {
		m.col[f] = -1
		for _, alt := range strings.Split(m.opts.Columns[fieldNames[f]], "|") {
			key := FoldName(alt)
			if key == "" {
				continue
			}
			for i, h := range folded {
				if h == key {
					m.col[f] = i
					break
				}
			}
			if m.col[f] >= 0 {
				break
			}
		}
	}
	m.width = 0
	for _, c := range m.col {
		m.width = max(m.width, c+1)
	}
	switch {
	case m.col[fRef] < 0 && m.col[fCode] < 0:
		return m.describe(fRef)
	case m.col[fBrand] < 0 && m.opts.Brand == "":
		return m.describe(fBrand)
	case m.col[fQty] < 0:
		return m.describe(fQty)
	}
	return ""
}

func (m *Mapper) describe(f int) string {
	name := m.opts.Columns[fieldNames[f]]
	if name == "" {
		return fmt.Sprintf("for field %s (no column configured)", fieldNames[f])
	}
	return fmt.Sprintf("%q (field %s)", name, fieldNames[f])
}

// ByOrder takes the columns from Options.Order: the i-th name is the field of the
// i-th column ("" or "-" skips a column).
func (m *Mapper) ByOrder() error {
	for i, name := range m.opts.Order {
		name = strings.TrimSpace(name)
		if name == "" || name == "-" {
			continue
		}
		f := fieldIndex(name)
		if f < 0 {
			return &FileError{Loc: Location{File: m.File}, Code: FileFormat,
				Message: fmt.Sprintf("column order names an unknown field %q (known: %s)", name, strings.Join(fieldNames[:], ", "))}
		}
		m.col[f] = i
		m.width = i + 1
	}
	switch {
	case m.col[fRef] < 0 && m.col[fCode] < 0:
		return &FileError{Loc: Location{File: m.File}, Code: FileMissingColumn, Message: "the column order has no ref field"}
	case m.col[fQty] < 0:
		return &FileError{Loc: Location{File: m.File}, Code: FileMissingColumn, Message: "the column order has no qty field"}
	}
	return nil
}

// at returns the location of column col of the row at loc.
func (m *Mapper) at(loc Location, col int) Location {
	if m.Sheet != "" && col >= 0 {
		loc.Sheet = m.Sheet
		loc.Cell = ColumnName(col) + strconv.Itoa(loc.Line)
	}
	return loc
}

// ColumnName returns the spreadsheet letters of the 0-based column col: A, B, …, AA.
func ColumnName(col int) string {
	var b [8]byte
	i := len(b)
	for col >= 0 && i > 0 {
		i--
		b[i] = byte('A' + col%26)
		col = col/26 - 1
	}
	return string(b[i:])
}

// Convert turns the fields of the row at loc into a Record. It reports row errors and
// warnings to report and returns ok false when the row must be skipped.
func (m *Mapper) Convert(fields []string, loc Location, report func(Problem)) (rec Record, ok bool) {
	rec.Loc = loc
	if m.Sheet != "" {
		rec.Loc.Sheet = m.Sheet
	}
	fail := func(f int, code, msg string) (Record, bool) {
		report(Problem{Loc: m.at(loc, m.col[f]), Severity: RowError, Code: code,
			Field: fieldNames[f], Value: cut(m.get(fields, f)), Message: msg})
		return Record{}, false
	}
	if len(fields) < m.width {
		report(Problem{Loc: loc, Severity: RowError, Code: CodeTooFewFields,
			Message: fmt.Sprintf("expected %d fields, found %d", m.width, len(fields))})
		return Record{}, false
	}
	for f, c := range m.col {
		if c >= 0 && len(fields[c]) > m.maxField {
			return fail(f, CodeFieldTooLong, fmt.Sprintf("expected at most %d bytes, found %d", m.maxField, len(fields[c])))
		}
	}
	rec.Ref = m.get(fields, fRef)
	if rec.Ref == "" {
		rec.Ref = m.get(fields, fCode)
	}
	// A barcode that cannot be read is ignored with a warning, the row kept (the
	// reference still connects it); a valid one connects a row with no reference.
	if s := m.get(fields, fEAN); s != "" {
		if e, err := ParseEAN(s); err == nil {
			rec.EAN = e
		} else {
			msg := "barcode ignored: expected 8 to 14 digits"
			if strings.ContainsAny(s, "eE") && strings.ContainsAny(s, ".,") {
				msg = "barcode ignored: written in scientific notation by a spreadsheet, its digits are lost"
			}
			report(Problem{Loc: m.at(loc, m.col[fEAN]), Severity: Warning, Code: CodeBadEAN, Field: FieldEAN, Value: s, Message: msg})
		}
	}
	if rec.Ref == "" && rec.EAN == "" {
		f := fRef
		if m.col[f] < 0 {
			f = fCode
		}
		return fail(f, CodeMissingRef, "expected an article reference, found an empty field")
	}
	rec.Brand = m.get(fields, fBrand)
	if m.opts.Brand != "" {
		rec.Brand = m.opts.Brand
	}
	if rec.Brand == "" {
		return fail(fBrand, CodeMissingBrand, "expected a brand, found an empty field")
	}
	qty, err := ParseInt(m.get(fields, fQty), m.decimal)
	if err != nil {
		return fail(fQty, CodeBadQty, "expected a whole number of units in stock")
	}
	if qty < 0 {
		report(Problem{Loc: m.at(loc, m.col[fQty]), Severity: Warning, Code: CodeNegativeStock,
			Field: FieldQty, Value: m.get(fields, fQty), Message: "negative stock read as 0"})
		qty = 0
	}
	rec.Qty = qty
	if s := m.get(fields, fOnOrder); s != "" {
		n, err := ParseInt(s, m.decimal)
		if err != nil || n < 0 {
			return fail(fOnOrder, CodeBadOnOrder, "expected a whole number of units on order, 0 or more")
		}
		rec.OnOrder = n
	}
	if s := m.get(fields, fPrice); s != "" {
		c, err := ParseCents(s, m.decimal)
		if err != nil {
			return fail(fPrice, CodeBadPrice, fmt.Sprintf("expected a price in euros with a decimal %s, like %s",
				markName(m.decimal), example(m.decimal)))
		}
		rec.PriceCents, rec.HasPrice = c, true
	}
	rec.Label = m.get(fields, fLabel)
	rec.Size = m.get(fields, fSize)
	rec.Status = m.get(fields, fStatus)
	rec.Store = m.get(fields, fStore)
	if rec.Status != "" && len(m.excluded) > 0 {
		rec.Excluded = m.excluded[strings.ToUpper(rec.Status)]
	}
	return rec, true
}

func (m *Mapper) get(fields []string, f int) string {
	c := m.col[f]
	if c < 0 || c >= len(fields) {
		return ""
	}
	return strings.TrimSpace(fields[c])
}

func markName(d byte) string {
	if d == '.' {
		return "point"
	}
	return "comma"
}

func example(d byte) string {
	if d == '.' {
		return "1250.00"
	}
	return "1 250,00"
}

// cut shortens s to at most 80 bytes, on a rune boundary.
func cut(s string) string {
	if len(s) <= 80 {
		return s
	}
	i := 80
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

// mappedAmong returns the field of the first of the given columns that a field is
// read from.
func (m *Mapper) mappedAmong(cols []int) (string, bool) {
	for _, c := range cols {
		for f, mc := range m.col {
			if mc == c {
				return fieldNames[f], true
			}
		}
	}
	return "", false
}
