package report

import (
	"fmt"
	"io"
	"strconv"
	"time"
	_ "time/tzdata" // Windows boutiques have no zone database

	"github.com/xuri/excelize/v2"
)

// kind is how a column's values are written.
type kind uint8

const (
	text    kind = iota // string
	number              // int
	money               // int64 cents, shown in euros; 0 leaves the cell empty
	percent             // float64 ratio 0..1
)

// column is one column of a sheet: its label (a translation key, numbered by n when
// n > 0, as in "Suggestion 2"), width and kind.
type column struct {
	label string
	width float64
	kind  kind
	n     int
}

// book is a workbook being written sheet after sheet, each through a StreamWriter.
type book struct {
	f      *excelize.File
	l      lang
	zone   *time.Location
	sheets int

	header, title, euros, ratio int // style IDs
}

// euroFormat shows an amount in euros whatever the reader's locale.
const euroFormat = `#,##0.00 "€"`

func newBook(opts Options, timeZone string) (*book, error) {
	l, err := opts.lang()
	if err != nil {
		return nil, err
	}
	zone, err := loadZone(timeZone)
	if err != nil {
		return nil, err
	}
	b := &book{f: excelize.NewFile(), l: l, zone: zone}
	styles := []struct {
		id *int
		s  excelize.Style
	}{
		{&b.header, excelize.Style{
			Font:   &excelize.Font{Bold: true},
			Fill:   excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
			Border: []excelize.Border{{Type: "bottom", Color: "8EA9DB", Style: 1}},
		}},
		{&b.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 13}}},
		{&b.euros, excelize.Style{CustomNumFmt: ptr(euroFormat)}},
		{&b.ratio, excelize.Style{NumFmt: 10}}, // 0.00%
	}
	for _, s := range styles {
		if *s.id, err = b.f.NewStyle(&s.s); err != nil {
			b.f.Close()
			return nil, fmt.Errorf("create report style: %w", err)
		}
	}
	return b, nil
}

func ptr[T any](v T) *T { return &v }

// loadZone loads the boutique's zone; empty means Europe/Paris. The zone database
// is embedded (time/tzdata): Windows has none.
func loadZone(name string) (*time.Location, error) {
	if name == "" {
		name = "Europe/Paris"
	}
	zone, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("load time zone %q: %w", name, err)
	}
	return zone, nil
}

// sheet starts a sheet named by the translation key name: the first one takes the
// place of the workbook's default sheet.
func (b *book) sheet(name string) (string, error) {
	title := b.l.t(name)
	b.sheets++
	if b.sheets == 1 {
		if err := b.f.SetSheetName(b.f.GetSheetName(0), title); err != nil {
			return "", fmt.Errorf("name sheet %q: %w", title, err)
		}
		return title, nil
	}
	if _, err := b.f.NewSheet(title); err != nil {
		return "", fmt.Errorf("add sheet %q: %w", title, err)
	}
	return title, nil
}

// table writes a sheet of n rows under a frozen, filterable header. each is called
// for i in [0, n) and fills row, a slice of len(cols) reused from row to row.
func (b *book) table(name string, cols []column, n int, each func(i int, row []any)) error {
	t, err := b.openTable(name, cols, n)
	if err != nil {
		return err
	}
	for i := range n {
		each(i, t.row)
		if err := t.add(); err != nil {
			return err
		}
	}
	return t.close()
}

// tableWriter streams the rows of one sheet: fill row, add, and close at the end.
type tableWriter struct {
	b     *book
	title string
	cols  []column
	sw    *excelize.StreamWriter
	row   []any // the next row, filled by the caller, cleared by add
	n     int   // rows written
}

// openTable starts a sheet of n rows (n sets the autofilter's range).
func (b *book) openTable(name string, cols []column, n int) (*tableWriter, error) {
	title, err := b.sheet(name)
	if err != nil {
		return nil, err
	}
	last, _ := excelize.CoordinatesToCellName(len(cols), n+1)
	// The autofilter is set on the worksheet before streaming: the StreamWriter
	// copies it after the rows when it flushes.
	if err := b.f.AutoFilter(title, "A1:"+last, nil); err != nil {
		return nil, fmt.Errorf("set autofilter on sheet %q: %w", title, err)
	}
	if err := b.printLayout(title); err != nil {
		return nil, err
	}
	sw, err := b.stream(title, cols)
	if err != nil {
		return nil, err
	}
	head := make([]any, len(cols))
	for c, col := range cols {
		head[c] = excelize.Cell{StyleID: b.header, Value: b.label(col)}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return nil, fmt.Errorf("write header of sheet %q: %w", title, err)
	}
	return &tableWriter{b: b, title: title, cols: cols, sw: sw, row: make([]any, len(cols))}, nil
}

// add writes the filled row and clears it for the next.
func (t *tableWriter) add() error {
	for c, col := range t.cols {
		t.row[c] = t.b.cell(col.kind, t.row[c])
	}
	cell, _ := excelize.CoordinatesToCellName(1, t.n+2)
	if err := t.sw.SetRow(cell, t.row); err != nil {
		return fmt.Errorf("write row %d of sheet %q: %w", t.n+2, t.title, err)
	}
	t.n++
	clear(t.row)
	return nil
}

func (t *tableWriter) close() error {
	if err := t.sw.Flush(); err != nil {
		return fmt.Errorf("write sheet %q: %w", t.title, err)
	}
	return nil
}

// printLayout prints a sheet landscape, one page wide: set before streaming, like
// the autofilter.
func (b *book) printLayout(title string) error {
	err := b.f.SetPageLayout(title, &excelize.PageLayoutOptions{
		Orientation: ptr("landscape"), FitToWidth: ptr(1), FitToHeight: ptr(0),
	})
	if err == nil {
		err = b.f.SetSheetProps(title, &excelize.SheetPropsOptions{FitToPage: ptr(true)})
	}
	if err != nil {
		return fmt.Errorf("set print layout of sheet %q: %w", title, err)
	}
	return nil
}

// stream opens a sheet's StreamWriter with its widths and frozen first row, which
// must both be set before any row.
func (b *book) stream(title string, cols []column) (*excelize.StreamWriter, error) {
	sw, err := b.f.NewStreamWriter(title)
	if err != nil {
		return nil, fmt.Errorf("stream sheet %q: %w", title, err)
	}
	for c, col := range cols {
		if err := sw.SetColWidth(c+1, c+1, col.width); err != nil {
			return nil, fmt.Errorf("set width of column %d of sheet %q: %w", c+1, title, err)
		}
	}
	err = sw.SetPanes(&excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	})
	if err != nil {
		return nil, fmt.Errorf("freeze header of sheet %q: %w", title, err)
	}
	return sw, nil
}

// label translates a column's label.
func (b *book) label(col column) string {
	if col.n > 0 {
		return fmt.Sprintf(b.l.t(col.label), col.n)
	}
	return b.l.t(col.label)
}

// cell turns a value filled by a table's row function into what excelize writes.
func (b *book) cell(k kind, v any) any {
	switch k {
	case money:
		cents, ok := v.(int64)
		if !ok || cents == 0 {
			return nil
		}
		return excelize.Cell{StyleID: b.euros, Value: euros(cents)}
	case percent:
		if v == nil {
			return nil
		}
		return excelize.Cell{StyleID: b.ratio, Value: v}
	}
	return v
}

// euros turns cents into the number a cell holds. The division is exact to the
// cent for any amount a boutique sells (below 2^53 cents), and excelize writes the
// shortest decimal that reads back as the same float: "1234.5", never "1234.4999".
func euros(cents int64) float64 { return float64(cents) / 100 }

// duration renders a run's length as "1 h 02 min 03 s", "2 min 05 s" or "4 s".
func duration(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	h, m := s/3600, s/60%60
	s %= 60
	switch {
	case h > 0:
		return fmt.Sprintf("%d h %02d min %02d s", h, m, s)
	case m > 0:
		return fmt.Sprintf("%d min %02d s", m, s)
	}
	return strconv.FormatInt(s, 10) + " s"
}

// write writes the finished workbook to w. The summary is already the active sheet:
// SetActiveSheet would parse every streamed sheet back into memory.
func (b *book) write(w io.Writer) error {
	if _, err := b.f.WriteTo(w); err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	return nil
}
