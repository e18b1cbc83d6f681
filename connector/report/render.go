package report

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Render reads a workbook back and renders what its reader sees, as text: for each
// sheet its frozen pane, autofilter, column widths and every row's formatted
// cells. Tests compare it with golden files; a CSM can diff two nights with it.
func Render(xlsx []byte) ([]byte, error) {
	f, err := excelize.OpenReader(bytes.NewReader(xlsx))
	if err != nil {
		return nil, fmt.Errorf("open workbook: %w", err)
	}
	defer f.Close()
	filters := map[string]string{}
	for _, d := range f.GetDefinedName() {
		if d.Name == "_xlnm._FilterDatabase" {
			filters[d.Scope] = d.RefersTo
		}
	}
	var out strings.Builder
	for _, sheet := range f.GetSheetList() {
		panes, err := f.GetPanes(sheet)
		if err != nil {
			return nil, fmt.Errorf("sheet %s: %w", sheet, err)
		}
		fmt.Fprintf(&out, "=== %s\nfrozen=%v top-left=%s autofilter=%s\nwidths:", sheet, panes.Freeze, panes.TopLeftCell, filters[sheet])
		rows, err := f.Rows(sheet)
		if err != nil {
			return nil, fmt.Errorf("sheet %s: %w", sheet, err)
		}
		var body strings.Builder
		cols := 0
		for rows.Next() {
			cells, err := rows.Columns()
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("sheet %s: %w", sheet, err)
			}
			cols = max(cols, len(cells))
			body.WriteString(strings.Join(cells, " | "))
			body.WriteByte('\n')
		}
		if err := rows.Close(); err != nil {
			return nil, fmt.Errorf("sheet %s: %w", sheet, err)
		}
		for c := 1; c <= cols; c++ {
			name, _ := excelize.ColumnNumberToName(c)
			w, err := f.GetColWidth(sheet, name)
			if err != nil {
				return nil, fmt.Errorf("sheet %s: %w", sheet, err)
			}
			fmt.Fprintf(&out, " %s=%g", name, w)
		}
		out.WriteString("\n" + body.String())
	}
	return []byte(out.String()), nil
}
