package all

import (
	"path/filepath"
	"testing"
)

// TestBroken states, independently of the .golden files, what each broken variant
// must give: the file error (code and where), or the first row error (code and
// where) when the extract is read with the bad rows skipped.
func TestBroken(t *testing.T) {
	tests := []struct {
		file    string
		code    string // the file error, or the first row error
		at      string
		fileErr bool
	}{
		{"bijou3/broken/empty.csv", "empty", "empty.csv", true},
		{"bijou3/broken/header_only.csv", "empty", "header_only.csv", true},
		{"bijou3/broken/wrong_encoding.csv", "encoding", "wrong_encoding.csv:1", true},
		{"bijou3/broken/missing_column.csv", "missing_column", "missing_column.csv:1", true},
		{"bijou3/broken/truncated.csv", "too_few_fields", "truncated.csv:177", false},
		{"bijou3/broken/garbage_numbers.csv", "bad_qty", "garbage_numbers.csv:4", false},
		{"m3soft/broken/empty.txt", "empty", "empty.txt", true},
		{"m3soft/broken/wrong_encoding.txt", "encoding", "wrong_encoding.txt:4", true},
		{"m3soft/broken/missing_column.txt", "missing_column", "missing_column.txt:2", true},
		{"m3soft/broken/truncated.txt", "truncated", "truncated.txt:120", true},
		{"m3soft/broken/trailer_mismatch.txt", "truncated", "trailer_mismatch.txt:303", true},
		{"m3soft/broken/garbage_numbers.txt", "bad_qty", "garbage_numbers.txt:4", false},
		{"4d/broken/empty.txt", "empty", "empty.txt", true},
		{"4d/broken/wrong_encoding.txt", "encoding", "wrong_encoding.txt:2", true},
		{"4d/broken/truncated.txt", "too_few_fields", "truncated.txt:178", false},
		{"4d/broken/missing_column.txt", "too_few_fields", "missing_column.txt:1", false},
		{"4d/broken/garbage_numbers.txt", "bad_qty", "garbage_numbers.txt:4", false},
		{"cestia/broken/empty.xlsx", "empty", "empty.xlsx", true},
		{"cestia/broken/legacy.xls", "legacy_xls", "legacy.xls", true},
		{"cestia/broken/not_xlsx.xlsx", "not_xlsx", "not_xlsx.xlsx", true},
		{"cestia/broken/truncated.xlsx", "not_xlsx", "truncated.xlsx", true},
		{"cestia/broken/missing_column.xlsx", "missing_column", "missing_column.xlsx Stock!4", true},
		{"cestia/broken/garbage_numbers.xlsx", "bad_qty", "garbage_numbers.xlsx Stock!F7", false}, // Stock!B6: no reference, but an EAN that connects it
		{"generic/broken/empty.xml", "empty", "empty.xml", true},
		{"generic/broken/truncated.xml", "format", "truncated.xml:1549", true},
		{"generic/broken/garbage_numbers.xml", "bad_price", "garbage_numbers.xml:3", false},

		// Issue 14: cut or damaged workbooks are refused, never read in part.
		{"cestia/broken/cut_sheet.xlsx", "truncated", "cut_sheet.xlsx Stock!30", true},
		{"cestia/broken/malformed_sheet.xlsx", "not_xlsx", "malformed_sheet.xlsx Stock!31", true},
		{"cestia/broken/corrupt_deflate.xlsx", "not_xlsx", "corrupt_deflate.xlsx Stock!25", true},
		{"cestia/broken/bad_crc.xlsx", "not_xlsx", "bad_crc.xlsx Stock!59", true},
		{"cestia/broken/bad_crc_other_part.xlsx", "not_xlsx", "bad_crc_other_part.xlsx", true},
		{"cestia/broken/bad_crc_other_sheet.xlsx", "not_xlsx", "bad_crc_other_sheet.xlsx", true},
		{"cestia/broken/cut_shared_strings.xlsx", "truncated", "cut_shared_strings.xlsx", true},
		{"cestia/broken/rows_out_of_order.xlsx", "format", "rows_out_of_order.xlsx Stock!39", true},
		{"cestia/broken/row_number_huge.xlsx", "format", "row_number_huge.xlsx Stock!39", true},
		{"cestia/broken/row_number_int64.xlsx", "format", "row_number_int64.xlsx Stock!39", true},
		{"cestia/broken/shared_string_range.xlsx", "format", "shared_string_range.xlsx Stock!B20", true},
		{"cestia/broken/missing_sheet.xlsx", "format", "missing_sheet.xlsx", true},
		{"cestia/broken/encrypted.xlsx", "encrypted", "encrypted.xlsx", true},
		{"cestia/broken/binary.xlsb", "not_xlsx", "binary.xlsb", true},
		{"cestia/broken/spreadsheet.ods", "not_xlsx", "spreadsheet.ods", true},
		{"generic/broken/cut_sheet.xlsx", "truncated", "cut_sheet.xlsx Stock!30", true},
		{"generic/broken/missing_sheet.xlsx", "format", "missing_sheet.xlsx", true},
		// Text: an unbalanced quote, files that are not text.
		{"bijou3/broken/unbalanced_quote.csv", "format", "unbalanced_quote.csv:11", true},
		{"generic/broken/unbalanced_quote.csv", "format", "unbalanced_quote.csv:11", true},
		{"bijou3/broken/workbook.csv", "not_text", "workbook.csv", true},
		{"bijou3/broken/utf16_no_bom.csv", "encoding", "utf16_no_bom.csv", true},
		{"bijou3/broken/header_too_wide.csv", "format", "header_too_wide.csv:1", true},
		{"bijou3/broken/lone_cr.csv", "bad_qty", "lone_cr.csv:20", false},
		// XML: one value per field and article, items do not nest, depth is bounded.
		{"generic/broken/repeated_element.xml", "format", "repeated_element.xml:29", true},
		{"generic/broken/repeated_brand.xml", "format", "repeated_brand.xml:4", true},
		{"generic/broken/nested_item.xml", "format", "nested_item.xml:4", true},
		{"generic/broken/deep_nesting.xml", "format", "deep_nesting.xml:2", true},
		{"generic/broken/utf16_no_bom.xml", "encoding", "utf16_no_bom.xml", true},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			profile := filepath.Dir(filepath.Dir(tt.file))
			g := readGolden(t, profile, filepath.Join(testdata, filepath.FromSlash(tt.file)))
			if tt.fileErr {
				if g.FileError == nil || g.FileError.Code != tt.code || g.FileError.At != tt.at {
					t.Errorf("file error = %+v, want %s at %s", g.FileError, tt.code, tt.at)
				}
				return
			}
			if g.FileError != nil {
				t.Fatalf("file error %+v, want the extract read with row errors", g.FileError)
			}
			for _, p := range g.Problems {
				if p.Severity == "row error" {
					if p.Code != tt.code || p.At != tt.at {
						t.Errorf("first row error = %+v, want %s at %s", p, tt.code, tt.at)
					}
					return
				}
			}
			t.Errorf("no row error, want %s at %s", tt.code, tt.at)
		})
	}
}

// TestSurvived checks the variants that must read like the clean sample.
func TestSurvived(t *testing.T) {
	for _, tt := range []struct {
		file           string
		rows, warnings int
	}{
		{"4d/broken/mixed_line_ends.txt", 300, 4},
		{"bijou3/broken/duplicated_lines.csv", 305, 4 + 5},
		{"m3soft/broken/duplicated_lines.txt", 305, 4 + 5},
		{"4d/broken/duplicated_lines.txt", 305, 4 + 5},
		{"cestia/broken/duplicated_lines.xlsx", 42, 3 + 4}, // 4 of the 5 repeated articles are in the extract
		// Issue 14: read in full.
		{"cestia/broken/small_good.xlsx", 58, 0},
		{"cestia/broken/hidden_first_sheet.xlsx", 58, 0}, // the visible sheet, not the hidden one
		{"cestia/broken/negative_style_ids.xlsx", 58, 0},
		{"cestia/broken/date_in_size.xlsx", 58, 0},
		{"bijou3/broken/quoted_multiline.csv", 40, 1},
		{"bijou3/broken/long_unmapped.csv", 40, 0},
		{"m3soft/broken/hash_ref.txt", 300, 4},
		{"generic/broken/bom_declaration.xml", 13, 0},
	} {
		profile := filepath.Dir(filepath.Dir(tt.file))
		g := readGolden(t, profile, filepath.Join(testdata, filepath.FromSlash(tt.file)))
		if g.FileError != nil || g.Rows != tt.rows || g.Warnings != tt.warnings || g.RowErrors != 0 {
			t.Errorf("%s: rows %d, warnings %d, row errors %d, file error %v; want %d rows, %d warnings",
				tt.file, g.Rows, g.Warnings, g.RowErrors, g.FileError, tt.rows, tt.warnings)
		}
	}
}
