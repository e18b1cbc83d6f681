package erpgen

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/xml"
	"fmt"
	"hash/crc32"
	"io"
	"strconv"
	"strings"
	"time"
)

// sampleTime is the modification time of every part Zip writes: same parts, same bytes.
var sampleTime = time.Date(2026, 11, 21, 6, 0, 0, 0, time.UTC)

// Part is one file of a zip written by Zip: workbooks written part by part, so that
// the broken variants can be exactly as damaged as real ones are.
type Part struct {
	Name  string
	Data  []byte
	Store bool    // stored, not deflated
	CRC   *uint32 // the CRC written instead of the data's (a damaged part)
	// Mangle, when set, changes the compressed bytes before they are written (a
	// damaged deflate stream); sizes and CRC stay those of Data.
	Mangle func([]byte) []byte
}

// Zip writes parts as a zip archive with a fixed modification time.
func Zip(w io.Writer, parts []Part) error {
	zw := zip.NewWriter(w)
	for _, p := range parts {
		h := &zip.FileHeader{Name: p.Name, Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(p.Data),
			UncompressedSize64: uint64(len(p.Data))}
		h.Modified = sampleTime
		if p.CRC != nil {
			h.CRC32 = *p.CRC
		}
		body := p.Data
		if p.Store {
			h.Method = zip.Store
		} else {
			var b bytes.Buffer
			fw, _ := flate.NewWriter(&b, flate.BestCompression)
			fw.Write(p.Data)
			fw.Close()
			body = b.Bytes()
		}
		if p.Mangle != nil {
			body = p.Mangle(append([]byte(nil), body...))
		}
		h.CompressedSize64 = uint64(len(body))
		out, err := zw.CreateRaw(h)
		if err != nil {
			return err
		}
		if _, err := out.Write(body); err != nil {
			return err
		}
	}
	return zw.Close()
}

// Workbook is a small XLSX written part by part: sheets, shared strings, cell
// formats, and any extra part.
type Workbook struct {
	Sheets  []Sheet
	Strings []string // shared strings
	Styles  string   // xl/styles.xml; a default one when empty
	Extra   []Part
	// Edit, when set, may change or replace a part before it is zipped.
	Edit func(*Part)
}

// Sheet is one worksheet of a Workbook; XML is its whole worksheet part.
type Sheet struct {
	Name, State string
	XML         string
}

// DefaultStyles has two cell formats: General (0) and "0000000" (1), which keeps a
// numeric reference's leading zeros.
const DefaultStyles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="0000000"/></numFmts><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`

const relNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

// Parts returns the workbook's parts, in the order Zip writes them.
func (w *Workbook) Parts() []Part {
	var ct, wb, rels strings.Builder
	ct.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`)
	wb.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="` + relNS + `"><sheets>`)
	rels.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	parts := []Part{{Name: "[Content_Types].xml"}, {Name: "_rels/.rels", Data: []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="` + relNS + `/officeDocument" Target="xl/workbook.xml"/></Relationships>`)}}
	for i, s := range w.Sheets {
		n := strconv.Itoa(i + 1)
		state := ""
		if s.State != "" {
			state = ` state="` + s.State + `"`
		}
		fmt.Fprintf(&wb, `<sheet name="%s" sheetId="%s"%s r:id="rId%s"/>`, escape(s.Name), n, state, n)
		fmt.Fprintf(&rels, `<Relationship Id="rId%s" Type="%s/worksheet" Target="worksheets/sheet%s.xml"/>`, n, relNS, n)
		fmt.Fprintf(&ct, `<Override PartName="/xl/worksheets/sheet%s.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, n)
		parts = append(parts, Part{Name: "xl/worksheets/sheet" + n + ".xml", Data: []byte(s.XML)})
	}
	wb.WriteString(`</sheets></workbook>`)
	fmt.Fprintf(&rels, `<Relationship Id="rIdS" Type="%s/styles" Target="styles.xml"/>`, relNS)
	styles := w.Styles
	if styles == "" {
		styles = DefaultStyles
	}
	parts = append(parts, Part{Name: "xl/styles.xml", Data: []byte(styles)})
	if w.Strings != nil {
		fmt.Fprintf(&rels, `<Relationship Id="rIdT" Type="%s/sharedStrings" Target="sharedStrings.xml"/>`, relNS)
		var b strings.Builder
		fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, len(w.Strings), len(w.Strings))
		for _, s := range w.Strings {
			b.WriteString(`<si><t xml:space="preserve">` + escape(s) + `</t></si>`)
		}
		b.WriteString(`</sst>`)
		parts = append(parts, Part{Name: "xl/sharedStrings.xml", Data: []byte(b.String())})
		ct.WriteString(`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>`)
	}
	rels.WriteString(`</Relationships>`)
	ct.WriteString(`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`)
	parts[0].Data = []byte(ct.String())
	parts = append(parts, Part{Name: "xl/workbook.xml", Data: []byte(wb.String())}, Part{Name: "xl/_rels/workbook.xml.rels", Data: []byte(rels.String())})
	parts = append(parts, w.Extra...)
	if w.Edit != nil {
		for i := range parts {
			w.Edit(&parts[i])
		}
	}
	return parts
}

// Bytes returns the workbook zipped.
func (w *Workbook) Bytes() []byte {
	var b bytes.Buffer
	if err := Zip(&b, w.Parts()); err != nil {
		panic(err) // writing to memory
	}
	return b.Bytes()
}

func escape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// CestiaSheet returns a Stock worksheet of the articles (header on row 1) with its
// text in the shared strings *sst: the layout of the small broken Cestia variants.
func CestiaSheet(articles []Article, sst *[]string) string {
	idx := map[string]int{}
	for i, s := range *sst {
		idx[s] = i
	}
	str := func(s string) string {
		i, ok := idx[s]
		if !ok {
			i = len(*sst)
			idx[s] = i
			*sst = append(*sst, s)
		}
		return strconv.Itoa(i)
	}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	row := func(r int, cells ...string) {
		fmt.Fprintf(&b, `<row r="%d">`, r)
		for i, c := range cells {
			if c == "" {
				continue
			}
			ref := string(rune('A'+i)) + strconv.Itoa(r)
			if c[0] == '#' { // a number
				fmt.Fprintf(&b, `<c r="%s"><v>%s</v></c>`, ref, c[1:])
			} else {
				fmt.Fprintf(&b, `<c r="%s" t="s"><v>%s</v></c>`, ref, str(c))
			}
		}
		b.WriteString("</row>\n")
	}
	row(1, "Réf. fournisseur", "Fournisseur", "Libellé", "Taille", "Qté stock", "PV TTC", "Web")
	r := 1
	for _, a := range articles {
		if a.CatalogOnly {
			continue
		}
		r++
		web := "Oui"
		if a.Status != Active {
			web = "Non"
		}
		row(r, a.Ref, a.Brand, a.Label, a.Size, "#"+strconv.Itoa(a.Qty), "#"+centsText(a.PriceCents), web)
	}
	b.WriteString(`</sheetData></worksheet>`)
	return b.String()
}

func centsText(c int64) string {
	s := strconv.FormatInt(c/100, 10)
	if c%100 != 0 {
		s += fmt.Sprintf(".%02d", c%100)
	}
	return s
}
