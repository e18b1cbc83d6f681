package erpgen

import (
	"bytes"
	"hash/crc32"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// hostileFiles adds the variants of issue 14 to files: workbooks cut or damaged in
// the ways real ones are (a sheet cut inside a valid zip, malformed XML, a damaged
// deflate stream, a CRC that does not match, row numbers out of order or out of
// range, a shared string that does not exist, sheets missing or hidden), files that
// are not what the profile reads (encrypted, .xlsb, .ods, a workbook or UTF-16 for a
// text profile), and the text and XML cases (unbalanced quote, repeated element,
// nested item…). Each is small; the big hostile inputs are made by the tests of
// erp/cestia and erp/generic, in memory, when they run.
func hostileFiles(t *testing.T, arts []Article, files map[string][]byte) {
	t.Helper()
	var sst []string
	sheet := CestiaSheet(arts[:60], &sst)
	book := func(edit func(*Workbook)) []byte {
		w := &Workbook{Sheets: []Sheet{{Name: "Stock", XML: sheet}}, Strings: append([]string(nil), sst...)}
		if edit != nil {
			edit(w)
		}
		return w.Bytes()
	}
	editSheet := func(f func(string) string) func(*Workbook) {
		return func(w *Workbook) { w.Sheets[0].XML = f(w.Sheets[0].XML) }
	}
	must := func(s, old, new string) string {
		t.Helper()
		if !strings.Contains(s, old) {
			t.Fatalf("%q not found", old)
		}
		return strings.Replace(s, old, new, 1)
	}
	c := "cestia/broken/"
	files[c+"small_good.xlsx"] = book(nil)
	// A sheet cut in the middle of a row, inside a valid zip.
	files[c+"cut_sheet.xlsx"] = book(editSheet(func(s string) string { return s[:len(s)/2] }))
	// Malformed XML in the middle of the sheet.
	files[c+"malformed_sheet.xlsx"] = book(editSheet(func(s string) string {
		return must(s, `<row r="31">`, `<row r="31"><c r="A31" t="s"><v>0</c>`)
	}))
	// A damaged deflate stream in the sheet.
	files[c+"corrupt_deflate.xlsx"] = book(func(w *Workbook) {
		w.Edit = func(p *Part) {
			if p.Name == "xl/worksheets/sheet1.xml" {
				p.Mangle = func(b []byte) []byte {
					for i := len(b) / 2; i < len(b)/2+8; i++ {
						b[i] ^= 0x55
					}
					return b
				}
			}
		}
	})
	// A stored sheet whose one quantity reads 9 where the CRC says 2.
	files[c+"bad_crc.xlsx"] = book(func(w *Workbook) {
		orig := w.Sheets[0].XML
		loc := regexp.MustCompile(`<c r="E(3\d)"><v>2</v>`).FindStringIndex(orig)
		if loc == nil {
			t.Fatal("no quantity 2 in rows 30-39")
		}
		changed := orig[:loc[1]-5] + "9" + orig[loc[1]-4:]
		crc := crc32.ChecksumIEEE([]byte(orig))
		w.Edit = func(p *Part) {
			if p.Name == "xl/worksheets/sheet1.xml" {
				p.Data, p.Store, p.CRC = []byte(changed), true, &crc
			}
		}
	})
	// A part nobody reads (a thumbnail) with a bad CRC: every part is checked.
	files[c+"bad_crc_other_part.xlsx"] = book(func(w *Workbook) {
		crc := uint32(0xdeadbeef)
		w.Extra = []Part{{Name: "docProps/thumbnail.jpeg", Data: bytes.Repeat([]byte{0xff, 0xd8, 0x00}, 200), Store: true, CRC: &crc}}
	})
	// A second sheet, not the one read, with a bad CRC.
	files[c+"bad_crc_other_sheet.xlsx"] = book(func(w *Workbook) {
		w.Sheets = append(w.Sheets, Sheet{Name: "Archive", XML: w.Sheets[0].XML})
		crc := uint32(0x12345678)
		w.Edit = func(p *Part) {
			if p.Name == "xl/worksheets/sheet2.xml" {
				p.CRC = &crc
			}
		}
	})
	files[c+"rows_out_of_order.xlsx"] = book(editSheet(func(s string) string { return must(s, `<row r="40">`, `<row r="12">`) }))
	files[c+"row_number_huge.xlsx"] = book(editSheet(func(s string) string { return must(s, `<row r="40">`, `<row r="2147483648">`) }))
	files[c+"row_number_int64.xlsx"] = book(editSheet(func(s string) string { return must(s, `<row r="40">`, `<row r="9223372036854775807">`) }))
	files[c+"shared_string_range.xlsx"] = book(editSheet(func(s string) string {
		m := regexp.MustCompile(`<c r="B20" t="s"><v>\d+</v>`).FindString(s)
		return must(s, m, `<c r="B20" t="s"><v>99999</v>`)
	}))
	files[c+"cut_shared_strings.xlsx"] = book(func(w *Workbook) {
		w.Edit = func(p *Part) {
			if p.Name == "xl/sharedStrings.xml" {
				p.Data = p.Data[:len(p.Data)*2/3]
			}
		}
	})
	// The site configures sheet "Inventaire" (missing_sheet.xlsx.yaml); the workbook
	// only has "Stock".
	files[c+"missing_sheet.xlsx"] = book(nil)
	files[c+"missing_sheet.xlsx.yaml"] = []byte("sheet: Inventaire\n")
	// A hidden first sheet of old figures, then the stock.
	files[c+"hidden_first_sheet.xlsx"] = book(func(w *Workbook) {
		var old []string
		old = sst
		stale := CestiaSheet(arts[100:110], &old)
		w.Strings = old
		w.Sheets = []Sheet{{Name: "Ancien", State: "hidden", XML: stale}, {Name: "Inventaire", XML: w.Sheets[0].XML}}
	})
	// Cell formats with negative font, fill and border ids (excelize's GetStyle
	// panicked on them), used by the cells.
	files[c+"negative_style_ids.xlsx"] = book(func(w *Workbook) {
		w.Styles = strings.Replace(DefaultStyles, `<xf numFmtId="164" fontId="0" fillId="0" borderId="0"`, `<xf numFmtId="164" fontId="-1" fillId="-1" borderId="-1"`, 1)
		w.Sheets[0].XML = strings.ReplaceAll(w.Sheets[0].XML, `"><v>`, `" s="1"><v>`)
	})
	// The same date in the size column reads the same way whatever other cells hold.
	files[c+"date_in_size.xlsx"] = book(func(w *Workbook) {
		w.Styles = strings.Replace(DefaultStyles, `</cellXfs>`, `<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>`, 1)
		s := w.Sheets[0].XML
		for _, r := range []string{"2", "4"} {
			date := `<c r="D` + r + `" s="2"><v>45306</v></c>`
			if d := regexp.MustCompile(`<c r="D` + r + `" t="s"><v>\d+</v></c>`); d.MatchString(s) {
				s = d.ReplaceAllString(s, date)
			} else {
				s = must(s, `<c r="E`+r+`">`, date+`<c r="E`+r+`">`)
			}
		}
		w.Sheets[0].XML = s
	})
	// Not an XLSX workbook: say what it is.
	files[c+"encrypted.xlsx"] = fakeEncrypted()
	files[c+"binary.xlsb"] = zipOf(t, []Part{
		{Name: "[Content_Types].xml", Data: []byte(`<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/xl/workbook.bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/></Types>`)},
		{Name: "xl/workbook.bin", Data: []byte{0x83, 0x01, 0x00, 0x80, 0x01, 0x00}},
		{Name: "xl/worksheets/sheet1.bin", Data: []byte{0x81, 0x01, 0x00, 0x93, 0x01, 0x00}},
	})
	files[c+"spreadsheet.ods"] = zipOf(t, []Part{
		{Name: "mimetype", Data: []byte("application/vnd.oasis.opendocument.spreadsheet"), Store: true},
		{Name: "content.xml", Data: []byte(`<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>`)},
	})

	// Text profiles.
	bijou := files["bijou3/stock_20261121.csv"]
	lines := strings.SplitAfter(string(bijou), "\r\n")[:41]
	small := func(edit func([]string)) []byte {
		l := append([]string(nil), lines...)
		if edit != nil {
			edit(l)
		}
		return []byte(strings.Join(l, ""))
	}
	field := func(line string, i int, v string) string {
		f := strings.Split(strings.TrimSuffix(line, "\r\n"), ";")
		f[i] = v
		return strings.Join(f, ";") + "\r\n"
	}
	b := "bijou3/broken/"
	// A quote opened on line 10 and never closed there: today the rows would merge.
	files[b+"unbalanced_quote.csv"] = small(func(l []string) {
		l[9] = field(l[9], 3, `"Montre Seastar`)
		l[10] = field(l[10], 3, `"Bague "Solitaire" 52"`)
	})
	files[b+"quoted_multiline.csv"] = small(func(l []string) { l[9] = field(l[9], 3, "\"Montre\r\nSeastar\"") })
	files[b+"workbook.csv"] = files["cestia/broken/small_good.xlsx"]
	u16, _ := unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewEncoder().Bytes(must2(charmap.Windows1252.NewDecoder().Bytes(small(nil))))
	files[b+"utf16_no_bom.csv"] = u16
	files[b+"header_too_wide.csv"] = small(func(l []string) {
		l[0] = strings.TrimSuffix(l[0], "\r\n") + strings.Repeat(";Colonne", 600) + "\r\n"
	})
	// A lone CR inside a label on line 10; a bad quantity on line 20 must be
	// reported on line 20.
	files[b+"lone_cr.csv"] = small(func(l []string) {
		l[9] = field(l[9], 3, "Montre\rSeastar")
		l[19] = field(l[19], 5, "deux")
	})
	// A 5.7 KB comment in a column no field reads.
	files[b+"long_unmapped.csv"] = small(func(l []string) {
		for i := range l {
			v := ""
			switch i {
			case 0:
				v = "Commentaire"
			case 12:
				v = strings.Repeat("Très long commentaire. ", 250)
			}
			l[i] = strings.TrimSuffix(l[i], "\r\n") + ";" + v + "\r\n"
		}
		enc, _ := charmap.Windows1252.NewEncoder().String(l[12])
		l[12] = enc
	})
	// M3Soft: an article code starting with '#'.
	m3 := files["m3soft/stock_20261121.txt"]
	files["m3soft/broken/hash_ref.txt"] = bytes.Replace(m3, []byte("\n100009|"), []byte("\n#100009|"), 1)

	// XML feeds.
	feed := string(files["generic/feed_20261121.xml"])
	g := "generic/broken/"
	third := strings.Index(feed, "<disponible>3</disponible>")
	files[g+"repeated_element.xml"] = []byte(feed[:third] + "<disponible>3</disponible><disponible>4</disponible>" + feed[third+len("<disponible>3</disponible>"):])
	files[g+"repeated_brand.xml"] = []byte(strings.Replace(feed, "<marque>LONGINES</marque>", "<marque>LONGINES</marque><marque>Swatch</marque>", 1))
	if !strings.Contains(feed, "<marque>LONGINES</marque>") {
		t.Fatal("no LONGINES in the feed")
	}
	second := strings.Index(feed[10:], "  <article ") + 10
	files[g+"nested_item.xml"] = []byte(feed[:second] + "  <article ref=\"X1\"><marque>TISSOT</marque><stock><disponible>1</disponible></stock>\n" + feed[second:])
	files[g+"deep_nesting.xml"] = []byte(strings.Replace(feed, "<catalogue>", "<catalogue>"+strings.Repeat("<x>", 100)+strings.Repeat("</x>", 100), 1))
	latin := "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>"
	cut4000 := feed[:4000]
	cut4000 = cut4000[:strings.LastIndex(cut4000, "</article>")+len("</article>")]
	files[g+"bom_declaration.xml"] = []byte("\xef\xbb\xbf" + strings.Replace(cut4000, `<?xml version="1.0" encoding="UTF-8"?>`, latin, 1) + "\n</catalogue>\n")
	x16, _ := unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewEncoder().String(strings.Replace(cut4000, `encoding="UTF-8"`, `encoding="UTF-16"`, 1) + "\n</catalogue>\n")
	files[g+"utf16_no_bom.xml"] = []byte(x16)
	// Generic workbooks, as a site configures them.
	genericXLSX := "format: xlsx\ncolumns:\n  ref: Réf. fournisseur\n  brand: Fournisseur\n  qty: Qté stock\n  price: PV TTC\n"
	files[g+"missing_sheet.xlsx"] = book(nil)
	files[g+"missing_sheet.xlsx.yaml"] = []byte(genericXLSX + "sheet: Inventaire\n")
	files[g+"cut_sheet.xlsx"] = files[c+"cut_sheet.xlsx"]
	files[g+"cut_sheet.xlsx.yaml"] = []byte(genericXLSX)
	files[g+"unbalanced_quote.csv"] = files[b+"unbalanced_quote.csv"]
	files[g+"unbalanced_quote.csv.yaml"] = []byte("format: csv\ndelimiter: \";\"\nencoding: windows-1252\ndecimal: \",\"\ncolumns:\n  ref: Réf. fournisseur\n  brand: Marque\n  qty: Stock\n  price: Prix TTC\n")
}

func must2(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func zipOf(t *testing.T, parts []Part) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Zip(&b, parts); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// fakeEncrypted returns the start of an OLE2 compound file as Office writes a
// password-protected workbook: the header, then a directory sector naming the
// EncryptionInfo and EncryptedPackage streams (the streams themselves left out).
func fakeEncrypted() []byte {
	b := make([]byte, 1536)
	copy(b, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	copy(b[0x18:], []byte{0x3E, 0x00, 0x03, 0x00, 0xFE, 0xFF, 0x09, 0x00}) // version 3, little-endian, 512-byte sectors
	for i, name := range []string{"Root Entry", "EncryptionInfo", "EncryptedPackage", "\x06DataSpaces"} {
		e := b[512+i*128:]
		for j := 0; j < len(name); j++ {
			e[2*j] = name[j]
		}
		e[64] = byte(2*len(name) + 2)
	}
	return b
}
