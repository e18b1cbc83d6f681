package erp

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path"
	"strconv"
	"strings"
	"time"
)

// The workbook is read with archive/zip and encoding/xml, part by part, as streams:
// excelize (used to write reports) holds every part of a workbook in memory, reads
// the shared strings whole, iterates over every missing row number, and does not
// tell a cut sheet from a complete one. Here every part is read to its end, so
// archive/zip checks its size and CRC; a sheet must reach its closing tag; row and
// cell numbers must increase and stay within a sheet's bounds; a shared-string index
// must exist; and what is kept in memory is capped.
const (
	maxZipEntries    = 10_000    // parts in a workbook
	maxZipDirectory  = 8 << 20   // bytes from the zip's central directory to its end
	maxPartBytes     = 1 << 30   // unzipped bytes of any one part (a sheet)
	maxMetaPartBytes = 64 << 20  // unzipped bytes of workbook.xml, its relationships, styles.xml
	maxSharedBytes   = 64 << 20  // shared-string text kept in memory
	maxSharedPart    = 256 << 20 // unzipped bytes of the shared strings part
	maxSharedCount   = 4 << 20   // shared strings
	maxCellFormats   = 1 << 16   // cell formats (Excel's own limit is 64,000)
	maxSheets        = 1 << 12
	maxSheetRows     = 1 << 20 // 1,048,576 rows: XLSX's bound
	maxSheetCols     = 1 << 14 // 16,384 columns (XFD)
	maxRowBytes      = 4 << 20 // text in one row
	maxXLSXDepth     = 32
	spoolMemBytes    = 16 << 20 // a workbook read from a stream beyond this goes to a temporary file
)

// errWorkbook is a workbook that must be refused; loc is filled by the caller.
type errWorkbook struct {
	code string
	msg  string
	loc  Location
	err  error
}

func (e *errWorkbook) Error() string { return e.msg }

func wbErr(code, msg string, err error) *errWorkbook {
	return &errWorkbook{code: code, msg: msg, err: err}
}

// readerAtOf gives random access to r: directly when it is a file or a bytes.Reader,
// else through memory up to spoolMemBytes, then a temporary file, up to max bytes.
func readerAtOf(ctx context.Context, r io.Reader, max int64) (io.ReaderAt, int64, func(), error) {
	nop := func() {}
	type seekReaderAt interface {
		io.ReaderAt
		io.Seeker
	}
	regular := true
	if f, ok := r.(*os.File); ok {
		st, err := f.Stat()
		regular = err == nil && st.Mode().IsRegular()
	}
	if s, ok := r.(seekReaderAt); ok && regular {
		cur, err1 := s.Seek(0, io.SeekCurrent)
		end, err2 := s.Seek(0, io.SeekEnd)
		if err1 == nil && err2 == nil && end >= cur {
			if end-cur > max {
				return nil, 0, nop, errTooLarge
			}
			return io.NewSectionReader(s, cur, end-cur), end - cur, nop, nil
		}
	}
	in := &limitedReader{r: ctxReader{ctx, r}, n: max}
	var buf bytes.Buffer
	// What is not a zip is refused from its first bytes: never spool it.
	if _, err := io.CopyN(&buf, in, 512); err != nil && err != io.EOF {
		return nil, 0, nop, err
	}
	if b := buf.Bytes(); !bytes.HasPrefix(b, magicZip) && !bytes.HasPrefix(b, []byte("PK\x05\x06")) && !bytes.HasPrefix(b, magicOLE2) {
		return bytes.NewReader(b), int64(len(b)), nop, nil
	}
	_, err := io.CopyN(&buf, in, spoolMemBytes-512)
	if err == io.EOF {
		return bytes.NewReader(buf.Bytes()), int64(buf.Len()), nop, nil
	}
	if err != nil {
		return nil, 0, nop, err
	}
	f, err := os.CreateTemp("", "ecrin-workbook-*.xlsx")
	if err != nil {
		return nil, 0, nop, err
	}
	done := func() { f.Close(); os.Remove(f.Name()) }
	if _, err := f.Write(buf.Bytes()); err != nil {
		done()
		return nil, 0, nop, err
	}
	spooled := int64(buf.Len())
	buf = bytes.Buffer{}
	m, err := io.Copy(f, in)
	if err != nil {
		done()
		return nil, 0, nop, err
	}
	return f, spooled + m, done, nil
}

// zipDirectory reads, from the end of a zip's central directory, the number of
// entries announced and how many bytes lie from the directory's start to the end of
// the file (archive/zip reads headers in all of them, whatever the count says),
// before archive/zip allocates them. It returns -1, -1 when it cannot tell.
func zipDirectory(ra io.ReaderAt, size int64) (entries, dirBytes int64) {
	tail := min(size, 65535+22)
	buf := make([]byte, tail)
	if _, err := ra.ReadAt(buf, size-tail); err != nil && err != io.EOF {
		return -1, -1
	}
	i := bytes.LastIndex(buf, []byte("PK\x05\x06"))
	if i < 0 || i+22 > len(buf) {
		return -1, -1
	}
	n := int64(binary.LittleEndian.Uint16(buf[i+10:]))
	off := int64(binary.LittleEndian.Uint32(buf[i+16:]))
	if i >= 20 && bytes.Equal(buf[i-20:i-16], []byte("PK\x06\x07")) {
		loc := int64(binary.LittleEndian.Uint64(buf[i-20+8:]))
		var rec [56]byte
		if loc < 0 || loc > size-56 {
			return -1, -1
		}
		if _, err := ra.ReadAt(rec[:], loc); err != nil || !bytes.Equal(rec[:4], []byte("PK\x06\x06")) {
			return -1, -1
		}
		n = int64(min(binary.LittleEndian.Uint64(rec[32:]), math.MaxInt32))
		off = int64(min(binary.LittleEndian.Uint64(rec[48:]), math.MaxInt64/2))
	}
	if off > size {
		return n, -1
	}
	return n, size - off
}

// xlsxSheet is a sheet as the workbook lists it.
type xlsxSheet struct {
	name, state, part string
}

// workbook is an XLSX workbook opened for streaming.
type workbook struct {
	ctx      context.Context
	zr       *zip.Reader
	parts    map[string]*zip.File // by lower-case name
	unzipMax int64                // unzipped bytes left for all parts
	unzipLim int64                // max_unzip_bytes
	date1904 bool
	sheets   []xlsxSheet
	sst      []string // shared strings back to back, in chunks
	sstEnds  []uint32 // where each starts: chunk<<20 | offset in the chunk
	formats  []cellFormat
	maxField int
	// the worksheet parts the relationships name (checked by checkSheets)
	sheetParts []string
}

// openWorkbook opens the zip, checks it is an XLSX workbook (and says what it is
// otherwise), checks every part's size and CRC, and loads the sheet list, the cell
// formats and the shared strings.
func openWorkbook(ctx context.Context, ra io.ReaderAt, size int64, lim Limits) (*workbook, error) {
	switch n, dir := zipDirectory(ra, size); {
	case n > maxZipEntries:
		return nil, wbErr(FileTooLarge, fmt.Sprintf("the zip holds %d parts, more than %d: not a stock workbook", n, maxZipEntries), nil)
	case dir > maxZipDirectory:
		return nil, wbErr(FileTooLarge, fmt.Sprintf("the zip's directory and what follows it take %d bytes, more than %d: not a stock workbook", dir, maxZipDirectory), nil)
	}
	zr, err := zip.NewReader(ra, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, wbErr(FileNotXLSX, "not a readable .xlsx workbook (the zip archive is cut or damaged)", err)
	}
	if len(zr.File) > maxZipEntries {
		return nil, wbErr(FileTooLarge, fmt.Sprintf("the zip holds %d parts, more than %d: not a stock workbook", len(zr.File), maxZipEntries), nil)
	}
	wb := &workbook{ctx: ctx, zr: zr, parts: make(map[string]*zip.File, len(zr.File)), unzipMax: lim.MaxUnzipBytes, unzipLim: lim.MaxUnzipBytes, maxField: lim.MaxFieldBytes}
	for _, f := range zr.File {
		wb.parts[strings.ToLower(strings.TrimPrefix(f.Name, "/"))] = f
	}
	if err := wb.identify(); err != nil {
		return nil, err
	}
	// Every part is checked (size and CRC) once: the parts read below as they are
	// read, the worksheets by checkSheets and rows.
	root := wb.officeDocument()
	rels := path.Join(path.Dir(root), "_rels", path.Base(root)+".rels")
	targets, err := wb.relationships(rels, path.Dir(root))
	if err != nil {
		return nil, err
	}
	for _, r := range targets {
		if strings.HasSuffix(r.typ, "/worksheet") {
			wb.sheetParts = append(wb.sheetParts, r.part)
		}
	}
	stylesPart := targets.byType("styles", path.Join(path.Dir(root), "styles.xml"))
	sstPart := targets.byType("sharedStrings", path.Join(path.Dir(root), "sharedStrings.xml"))
	for _, f := range zr.File {
		name := strings.ToLower(strings.TrimPrefix(f.Name, "/"))
		if strings.HasSuffix(name, "/") || name == strings.ToLower(stylesPart) || name == strings.ToLower(sstPart) || targets.isSheet(name) {
			continue
		}
		if err := wb.check(f); err != nil {
			return nil, err
		}
	}
	if err := wb.readWorkbook(root, targets); err != nil {
		return nil, err
	}
	if err := wb.readStyles(stylesPart); err != nil {
		return nil, err
	}
	if err := wb.readSharedStrings(sstPart); err != nil {
		return nil, err
	}
	return wb, nil
}

// identify says what a zip that is not an XLSX workbook is.
// checkSheets checks the size and CRC of every worksheet but the one read (its rows
// check it).
func (wb *workbook) checkSheets(except xlsxSheet) error {
	for _, part := range wb.sheetParts {
		if strings.EqualFold(part, except.part) {
			continue
		}
		if f := wb.part(part); f != nil {
			if err := wb.check(f); err != nil {
				return err
			}
		}
	}
	return nil
}

func (wb *workbook) identify() error {
	if f := wb.parts["mimetype"]; f != nil && f.UncompressedSize64 < 256 {
		var b bytes.Buffer
		if rc, err := wb.open(f, 256); err == nil {
			_, _ = io.Copy(&b, rc)
			rc.Close()
		}
		mt := strings.TrimSpace(b.String())
		if strings.Contains(mt, "opendocument.spreadsheet") {
			return wbErr(FileNotXLSX, "an OpenDocument spreadsheet (.ods), not an .xlsx workbook: save it as Excel 2007-365 (.xlsx)", nil)
		}
		if strings.HasPrefix(mt, "application/vnd.oasis.opendocument") {
			return wbErr(FileNotXLSX, "an OpenDocument file ("+cut(mt)+"), not an .xlsx workbook: export the stock as .xlsx", nil)
		}
	}
	if wb.parts["xl/workbook.bin"] != nil {
		return wbErr(FileNotXLSX, "an Excel binary workbook (.xlsb), not an .xlsx workbook: save it as Excel Workbook (.xlsx)", nil)
	}
	switch {
	case wb.parts["word/document.xml"] != nil:
		return wbErr(FileNotXLSX, "a Word document (.docx), not an .xlsx workbook: export the stock as .xlsx", nil)
	case wb.parts["ppt/presentation.xml"] != nil:
		return wbErr(FileNotXLSX, "a PowerPoint presentation (.pptx), not an .xlsx workbook: export the stock as .xlsx", nil)
	case wb.parts["[content_types].xml"] == nil && wb.parts["xl/workbook.xml"] == nil:
		return wbErr(FileNotXLSX, "a zip archive that is not an .xlsx workbook (no workbook inside): export the stock as .xlsx, not zipped", nil)
	}
	return nil
}

// open opens a part for reading, within the part's cap and the workbook's total.
func (wb *workbook) open(f *zip.File, max int64) (io.ReadCloser, error) {
	if f.UncompressedSize64 > uint64(max) {
		return nil, wbErr(FileTooLarge, fmt.Sprintf("part %s unzips to %d bytes, more than %d", f.Name, f.UncompressedSize64, max), nil)
	}
	if f.UncompressedSize64 > uint64(max64(wb.unzipMax, 0)) {
		return nil, wbErr(FileTooLarge, fmt.Sprintf("the workbook unzips to more than %d bytes (max_unzip_bytes); part %s alone is %d bytes", wb.unzipLim, f.Name, f.UncompressedSize64), nil)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, wbErr(FileNotXLSX, "part "+f.Name+" of the workbook cannot be read (damaged zip)", err)
	}
	return &partReader{wb: wb, f: f, rc: rc, left: max}, nil
}

func max64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

// partReader reads one part: it counts its bytes against the caps, checks the
// context, and turns zip errors (bad CRC, size, corrupt deflate) into workbook errors.
type partReader struct {
	wb   *workbook
	f    *zip.File
	rc   io.ReadCloser
	left int64
	crc  uint32
}

func (p *partReader) Read(b []byte) (int, error) {
	if err := p.wb.ctx.Err(); err != nil {
		return 0, err
	}
	if len(b) > 64<<10 {
		b = b[:64<<10]
	}
	n, err := p.rc.Read(b)
	p.crc = crc32.Update(p.crc, crc32.IEEETable, b[:n])
	if err == io.EOF && p.f.CRC32 == 0 && p.crc != 0 {
		err = zip.ErrChecksum // archive/zip skips the check when the stored CRC is 0
	}
	p.left -= int64(n)
	p.wb.unzipMax -= int64(n)
	switch {
	case p.left < 0:
		return n, wbErr(FileTooLarge, fmt.Sprintf("part %s unzips to more bytes than the limit", p.f.Name), nil)
	case p.wb.unzipMax < 0:
		return n, wbErr(FileTooLarge, fmt.Sprintf("the workbook unzips to more than %d bytes (max_unzip_bytes)", p.wb.unzipLim), nil)
	case err == nil || err == io.EOF:
		return n, err
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return n, err
	case errors.Is(err, zip.ErrChecksum):
		return n, wbErr(FileNotXLSX, "part "+p.f.Name+" of the workbook is damaged (its CRC does not match its content): export the stock again", err)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, zip.ErrFormat):
		return n, wbErr(FileNotXLSX, "part "+p.f.Name+" of the workbook is cut or damaged (its size does not match): export the stock again", err)
	}
	return n, wbErr(FileNotXLSX, "part "+p.f.Name+" of the workbook is damaged (bad compressed data): export the stock again", err)
}

func (p *partReader) Close() error { return p.rc.Close() }

// check reads a part to its end: archive/zip then checks its size and CRC.
func (wb *workbook) check(f *zip.File) error {
	rc, err := wb.open(f, maxPartBytes)
	if err != nil {
		return err
	}
	defer rc.Close()
	_, err = io.Copy(io.Discard, rc)
	return err
}

// part returns the named part or nil.
func (wb *workbook) part(name string) *zip.File {
	return wb.parts[strings.ToLower(strings.TrimPrefix(name, "/"))]
}

// officeDocument returns the workbook part named by the package relationships.
func (wb *workbook) officeDocument() string {
	t, err := wb.relationships("_rels/.rels", "")
	if err == nil {
		if p := t.byType("officeDocument", ""); p != "" && wb.part(p) != nil {
			return p
		}
	}
	return "xl/workbook.xml"
}

type relTargets map[string]relTarget // by id

type relTarget struct{ typ, part string }

func (t relTargets) byType(suffix, def string) string {
	for _, r := range t {
		if strings.HasSuffix(r.typ, "/"+suffix) {
			return r.part
		}
	}
	return def
}

func (t relTargets) isSheet(name string) bool {
	for _, r := range t {
		if strings.HasSuffix(r.typ, "/worksheet") && strings.EqualFold(r.part, name) {
			return true
		}
	}
	return false
}

// relationships reads a .rels part; targets are resolved against dir.
func (wb *workbook) relationships(name, dir string) (relTargets, error) {
	t := relTargets{}
	f := wb.part(name)
	if f == nil {
		return t, nil
	}
	err := wb.walk(f, maxMetaPartBytes, func(d *xmlWalk, se xml.StartElement) error {
		if se.Name.Local != "Relationship" || len(t) >= maxZipEntries {
			return nil
		}
		var id, typ, target, mode string
		for _, a := range se.Attr {
			switch a.Name.Local {
			case "Id":
				id = a.Value
			case "Type":
				typ = a.Value
			case "Target":
				target = a.Value
			case "TargetMode":
				mode = a.Value
			}
		}
		if mode == "External" {
			return nil
		}
		p := target
		if strings.HasPrefix(target, "/") {
			p = strings.TrimPrefix(target, "/")
		} else {
			p = path.Join(dir, target)
		}
		t[id] = relTarget{typ, p}
		return nil
	}, nil)
	return t, err
}

func (wb *workbook) readWorkbook(name string, targets relTargets) error {
	f := wb.part(name)
	if f == nil {
		return wbErr(FileNotXLSX, "not an .xlsx workbook (no workbook part inside the zip): export the stock as .xlsx", nil)
	}
	return wb.walk(f, maxMetaPartBytes, func(d *xmlWalk, se xml.StartElement) error {
		switch se.Name.Local {
		case "workbookPr":
			if v := attr(se, "date1904"); v == "1" || v == "true" {
				wb.date1904 = true
			}
		case "sheet":
			if len(wb.sheets) >= maxSheets {
				return wbErr(FileTooLarge, fmt.Sprintf("more than %d sheets", maxSheets), nil)
			}
			s := xlsxSheet{name: attr(se, "name"), state: attr(se, "state")}
			for _, a := range se.Attr {
				if a.Name.Local == "id" && a.Name.Space != "" {
					if r, ok := targets[a.Value]; ok && strings.HasSuffix(r.typ, "/worksheet") {
						s.part = r.part
					}
				}
			}
			wb.sheets = append(wb.sheets, s)
		}
		return nil
	}, nil)
}

func attr(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// Cell formats: how a numeric cell is displayed.
type cellFormat struct {
	kind  uint8 // fmtGeneral, fmtPadded, fmtDate
	width uint8 // digits of a zero-padding format
}

const (
	fmtGeneral = iota
	fmtPadded
	fmtDate
)

func (wb *workbook) readStyles(name string) error {
	f := wb.part(name)
	if f == nil {
		return nil
	}
	custom := map[int]cellFormat{}
	err := wb.walk(f, maxMetaPartBytes, func(d *xmlWalk, se xml.StartElement) error {
		switch se.Name.Local {
		case "numFmt":
			id, err := strconv.Atoi(attr(se, "numFmtId"))
			if err == nil && id >= 0 && len(custom) < maxCellFormats {
				custom[id] = classifyFormat(attr(se, "formatCode"))
			}
		case "xf":
			if d.parent() != "cellXfs" {
				return nil
			}
			if len(wb.formats) >= maxCellFormats {
				return wbErr(FileFormat, fmt.Sprintf("styles.xml holds more than %d cell formats", maxCellFormats), nil)
			}
			id, err := strconv.Atoi(attr(se, "numFmtId"))
			var cf cellFormat
			switch {
			case err != nil || id < 0:
			case custom[id] != (cellFormat{}):
				cf = custom[id]
			case id >= 14 && id <= 22, id >= 27 && id <= 36, id >= 45 && id <= 47, id >= 50 && id <= 58:
				cf.kind = fmtDate
			}
			wb.formats = append(wb.formats, cf)
		}
		return nil
	}, nil)
	return err
}

// classifyFormat tells a zero-padding format ("000000") and a date or time format
// from the others, which display a number as it is stored.
func classifyFormat(code string) cellFormat {
	if i := strings.IndexByte(code, ';'); i >= 0 {
		code = code[:i]
	}
	var plain strings.Builder
	for i := 0; i < len(code); i++ {
		switch c := code[i]; c {
		case '"':
			j := strings.IndexByte(code[i+1:], '"')
			if j < 0 {
				i = len(code)
			} else {
				i += j + 1
			}
		case '\\', '_', '*':
			i++
		case '[':
			j := strings.IndexByte(code[i:], ']')
			if j < 0 {
				i = len(code)
				break
			}
			if t := strings.ToLower(code[i+1 : i+j]); t == "h" || t == "hh" || t == "m" || t == "mm" || t == "s" || t == "ss" {
				plain.WriteByte('h')
			}
			i += j
		default:
			plain.WriteByte(c)
		}
	}
	p := strings.ToLower(plain.String())
	if p != "" && strings.Trim(p, "0") == "" && len(p) < 256 {
		return cellFormat{kind: fmtPadded, width: uint8(len(p))}
	}
	if p != "general" && strings.ContainsAny(p, "ymdhs") {
		return cellFormat{kind: fmtDate}
	}
	return cellFormat{}
}

// readSharedStrings loads the shared strings in chunks of sstChunk bytes (a string
// never spans two chunks, and a chunk never grows: no copy of the whole on growth).
// A string longer than the field limit is kept cut just past it, which is enough to
// report it as too long when a mapped column holds it.
func (wb *workbook) readSharedStrings(name string) error {
	f := wb.part(name)
	if f == nil {
		return nil
	}
	var (
		chunk strings.Builder
		cur   []byte // the current string
		total int
		inSI  bool
		limit = min(wb.maxField+1, sstChunk-1)
	)
	chunk.Grow(sstChunk)
	err := wb.walk(f, maxSharedPart, func(d *xmlWalk, se xml.StartElement) error {
		if se.Name.Local == "si" {
			if len(wb.sstEnds) >= maxSharedCount {
				return wbErr(FileTooLarge, fmt.Sprintf("more than %d shared strings", maxSharedCount), nil)
			}
			inSI, cur = true, cur[:0]
		}
		return nil
	}, func(d *xmlWalk, text []byte) error {
		if !inSI || d.top() != "t" || d.has("rPh") {
			return nil
		}
		if room := limit - len(cur); len(text) > room {
			text = text[:max(room, 0)]
		}
		cur = append(cur, text...)
		return nil
	}, func(d *xmlWalk, name string) error {
		if name != "si" || !inSI {
			return nil
		}
		inSI = false
		if chunk.Len()+len(cur) > sstChunk {
			wb.sst = append(wb.sst, chunk.String())
			total += sstChunk
			if total+sstChunk > maxSharedBytes {
				return wbErr(FileTooLarge, fmt.Sprintf("the shared strings hold more than %d bytes of text", maxSharedBytes), nil)
			}
			chunk = strings.Builder{}
			chunk.Grow(sstChunk)
		}
		start := chunk.Len()
		chunk.Write(cur)
		wb.sstEnds = append(wb.sstEnds, uint32(len(wb.sst))<<20|uint32(start))
		return nil
	})
	wb.sst = append(wb.sst, chunk.String())
	return err
}

// sstChunk is the size of a chunk of shared-string text.
const sstChunk = 1 << 20

func (wb *workbook) sharedString(i int) string {
	e := wb.sstEnds[i]
	c, off := e>>20, e&(sstChunk-1)
	end := uint32(len(wb.sst[c]))
	if i+1 < len(wb.sstEnds) && wb.sstEnds[i+1]>>20 == c {
		end = wb.sstEnds[i+1] & (sstChunk - 1)
	}
	return wb.sst[c][off:end]
}

// xmlWalk decodes one part, bounding tokens and depth, and calls back for elements
// and text; it checks the part reaches the closing tag of its root element and its
// end (size and CRC).
type xmlWalk struct {
	stack []string
	line  func() int
}

func (d *xmlWalk) top() string {
	if len(d.stack) == 0 {
		return ""
	}
	return d.stack[len(d.stack)-1]
}

func (d *xmlWalk) parent() string {
	if len(d.stack) < 2 {
		return ""
	}
	return d.stack[len(d.stack)-2]
}

func (d *xmlWalk) has(name string) bool {
	for _, s := range d.stack {
		if s == name {
			return true
		}
	}
	return false
}

func (wb *workbook) walk(f *zip.File, max int64, start func(*xmlWalk, xml.StartElement) error,
	text func(*xmlWalk, []byte) error, end ...func(*xmlWalk, string) error) error {
	rc, err := wb.open(f, max)
	if err != nil {
		return err
	}
	defer rc.Close()
	dec := xml.NewDecoder(newTokenGuard(rc, maxXMLToken))
	dec.CharsetReader = func(string, io.Reader) (io.Reader, error) {
		return nil, errors.New("a workbook part must be UTF-8")
	}
	d := &xmlWalk{line: func() int { l, _ := dec.InputPos(); return l }}
	closed := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return partError(f, d, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if closed {
				return wbErr(FileNotXLSX, fmt.Sprintf("part %s has content after its root element (line %d)", f.Name, d.line()), nil)
			}
			if len(d.stack) >= maxXLSXDepth {
				return wbErr(FileFormat, fmt.Sprintf("part %s nests elements deeper than %d (line %d)", f.Name, maxXLSXDepth, d.line()), nil)
			}
			d.stack = append(d.stack, t.Name.Local)
			if start != nil {
				if err := start(d, t); err != nil {
					return err
				}
			}
		case xml.CharData:
			if text != nil && len(d.stack) > 0 {
				if err := text(d, t); err != nil {
					return err
				}
			}
		case xml.EndElement:
			for _, e := range end {
				if err := e(d, t.Name.Local); err != nil {
					return err
				}
			}
			d.stack = d.stack[:len(d.stack)-1]
			closed = len(d.stack) == 0
		}
	}
	if !closed {
		return wbErr(FileTruncated, fmt.Sprintf("part %s is cut: it ends before the closing tag of its root element: export the stock again", f.Name), nil)
	}
	return nil
}

// partError turns a decoding error into a workbook error.
func partError(f *zip.File, d *xmlWalk, err error) error {
	var we *errWorkbook
	switch {
	case errors.As(err, &we):
		return we
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.Is(err, errTokenTooLarge):
		return wbErr(FileTooLarge, fmt.Sprintf("part %s, line %d: %v", f.Name, d.line(), err), nil)
	}
	if isCut(err) {
		return wbErr(FileTruncated, fmt.Sprintf("part %s is cut: it ends before the closing tag of its root element: export the stock again", f.Name), err)
	}
	return wbErr(FileNotXLSX, fmt.Sprintf("part %s is not well-formed XML (line %d): the workbook is damaged, export the stock again", f.Name, d.line()), err)
}

// isCut reports whether a decoding error is XML that ends with elements still open.
func isCut(err error) bool {
	var se *xml.SyntaxError
	return errors.As(err, &se) && se.Msg == "unexpected EOF"
}

// sheetRows streams the rows of a worksheet part. Each call of next yields a row
// that holds at least one cell, with its number, its raw cell values (numbers as
// stored, shared strings resolved) and its displayed values (zero-padding and date
// formats applied). The slices are reused by the next call.
type sheetRows struct {
	wb    *workbook
	f     *zip.File
	rc    io.ReadCloser
	dec   *xml.Decoder
	walk  xmlWalk
	sheet string

	row       int // the current row number
	raw, show []string
	num       []bool // the cell is a number
	closed    bool
	ended     bool
	err       error

	// the cell being read
	col     int
	typ     string
	style   int
	value   []byte
	inValue bool
	inIS    bool
	rowText int
}

func (wb *workbook) rows(s xlsxSheet) (*sheetRows, error) {
	f := wb.part(s.part)
	if f == nil {
		return nil, wbErr(FileNotXLSX, fmt.Sprintf("sheet %s has no content in the workbook (part %q is missing): the workbook is damaged", s.name, s.part), nil)
	}
	rc, err := wb.open(f, maxPartBytes)
	if err != nil {
		return nil, err
	}
	sr := &sheetRows{wb: wb, f: f, rc: rc, sheet: s.name}
	sr.dec = xml.NewDecoder(newTokenGuard(rc, maxXMLToken))
	sr.dec.CharsetReader = func(string, io.Reader) (io.Reader, error) {
		return nil, errors.New("a worksheet must be UTF-8")
	}
	sr.walk.line = func() int { l, _ := sr.dec.InputPos(); return l }
	return sr, nil
}

func (sr *sheetRows) Close() { sr.rc.Close() }

func (sr *sheetRows) cellErr(cell, msg string) error {
	return &errWorkbook{code: FileFormat, msg: msg, loc: Location{Sheet: sr.sheet, Line: sr.row, Cell: cell}}
}

// next reads the next row holding cells; false at the end of the sheet or on error
// (see err).
func (sr *sheetRows) next() bool {
	if sr.err != nil || sr.ended {
		return false
	}
	sr.raw, sr.show, sr.num = sr.raw[:0], sr.show[:0], sr.num[:0]
	d := &sr.walk
	for {
		tok, err := sr.dec.Token()
		if err == io.EOF {
			sr.ended = true
			if !sr.closed {
				sr.err = &errWorkbook{code: FileTruncated, loc: Location{Sheet: sr.sheet, Line: sr.row},
					msg: fmt.Sprintf("the sheet is cut after row %d: its XML ends before </worksheet>: export the stock again", sr.row)}
			}
			return false
		}
		if err != nil {
			sr.err = partError(sr.f, d, err)
			if we, ok := sr.err.(*errWorkbook); ok {
				we.loc = Location{Sheet: sr.sheet, Line: sr.row}
				var se *xml.SyntaxError
				switch {
				case isCut(err):
					we.code = FileTruncated
					we.msg = fmt.Sprintf("the sheet is cut after row %d: its XML ends before </worksheet>: export the stock again", sr.row)
				case errors.As(err, &se):
					we.msg = fmt.Sprintf("the sheet's XML is damaged after row %d (part %s, line %d): export the stock again", sr.row, sr.f.Name, d.line())
				}
			}
			return false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if sr.closed {
				sr.err = sr.cellErr("", "content after </worksheet>")
				return false
			}
			if len(d.stack) >= maxXLSXDepth {
				sr.err = sr.cellErr("", fmt.Sprintf("elements nested deeper than %d", maxXLSXDepth))
				return false
			}
			d.stack = append(d.stack, t.Name.Local)
			if sr.err = sr.start(t); sr.err != nil {
				return false
			}
		case xml.CharData:
			if sr.inValue || (sr.inIS && d.top() == "t" && !d.has("rPh")) {
				if len(sr.value) <= sr.wb.maxField {
					room := sr.wb.maxField + 1 - len(sr.value)
					sr.value = append(sr.value, t[:min(len(t), room)]...)
				}
			}
		case xml.EndElement:
			name := t.Name.Local
			d.stack = d.stack[:len(d.stack)-1]
			if len(d.stack) == 0 {
				sr.closed = true
			}
			switch {
			case name == "v" && d.top() == "c":
				sr.inValue = false
			case name == "is" && d.top() == "c":
				sr.inIS = false
			case name == "c" && d.top() == "row":
				if sr.err = sr.endCell(); sr.err != nil {
					return false
				}
			case name == "row" && d.top() == "sheetData":
				if len(sr.raw) > 0 {
					return true
				}
			}
		}
	}
}

func (sr *sheetRows) start(t xml.StartElement) error {
	d := &sr.walk
	switch {
	case t.Name.Local == "row" && d.parent() == "sheetData":
		n := sr.row + 1
		if r := attr(t, "r"); r != "" {
			v, err := strconv.ParseInt(r, 10, 64)
			if err != nil || v < 1 || v > maxSheetRows {
				return &errWorkbook{code: FileFormat, loc: Location{Sheet: sr.sheet, Line: sr.row},
					msg: fmt.Sprintf("row number r=%q after row %d: expected a number from 1 to %d", cut(r), sr.row, maxSheetRows)}
			}
			if int(v) <= sr.row {
				return &errWorkbook{code: FileFormat, loc: Location{Sheet: sr.sheet, Line: sr.row},
					msg: fmt.Sprintf("row %d comes after row %d: rows out of order, the workbook is damaged", v, sr.row)}
			}
			n = int(v)
		}
		if n > maxSheetRows {
			return &errWorkbook{code: FileFormat, loc: Location{Sheet: sr.sheet}, msg: fmt.Sprintf("more than %d rows", maxSheetRows)}
		}
		sr.row, sr.col, sr.rowText = n, 0, 0
	case t.Name.Local == "c" && d.parent() == "row":
		col := sr.col + 1
		if r := attr(t, "r"); r != "" {
			c, row, ok := splitCellRef(r)
			if !ok || row != sr.row {
				return sr.cellErr(ColumnName(sr.col), fmt.Sprintf("cell reference r=%q in row %d: expected a column and this row's number", cut(r), sr.row))
			}
			if c <= sr.col {
				return sr.cellErr(ColumnName(c-1), fmt.Sprintf("cell %s comes after column %s: cells out of order, the workbook is damaged", cut(r), ColumnName(sr.col-1)))
			}
			col = c
		}
		if col > maxSheetCols {
			return sr.cellErr("", fmt.Sprintf("a cell beyond column %d", maxSheetCols))
		}
		sr.col = col
		sr.typ = attr(t, "t")
		sr.style = -1
		if s := attr(t, "s"); s != "" {
			if v, err := strconv.Atoi(s); err == nil {
				sr.style = v
			}
		}
		sr.value = sr.value[:0]
	case t.Name.Local == "v" && d.parent() == "c":
		sr.inValue = true
	case t.Name.Local == "is" && d.parent() == "c":
		sr.inIS = true
	}
	return nil
}

// endCell stores the cell just read at its column.
func (sr *sheetRows) endCell() error {
	cell := ColumnName(sr.col-1) + strconv.Itoa(sr.row)
	v := string(sr.value)
	raw, show := v, v
	switch sr.typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(v))
		if v == "" {
			raw, show = "", ""
			break
		}
		if err != nil || i < 0 || i >= len(sr.wb.sstEnds) {
			return sr.cellErr(cell, fmt.Sprintf("the cell refers to shared string %q, the workbook holds %d: the workbook is damaged", cut(v), len(sr.wb.sstEnds)))
		}
		raw = sr.wb.sharedString(i)
		show = raw
	case "b":
		switch strings.TrimSpace(v) {
		case "1", "true":
			raw, show = "TRUE", "TRUE"
		case "0", "false":
			raw, show = "FALSE", "FALSE"
		}
	case "", "n":
		show = sr.display(v)
	}
	sr.rowText += len(raw) + len(show)
	if sr.rowText > maxRowBytes {
		return sr.cellErr(cell, fmt.Sprintf("row %d holds more than %d bytes of text", sr.row, maxRowBytes))
	}
	for len(sr.raw) < sr.col-1 {
		sr.raw, sr.show, sr.num = append(sr.raw, ""), append(sr.show, ""), append(sr.num, false)
	}
	sr.raw, sr.show = append(sr.raw, raw), append(sr.show, show)
	sr.num = append(sr.num, (sr.typ == "" || sr.typ == "n") && raw != "")
	return nil
}

// numeric reports whether the cell at col (0-based) of the current row is a number.
func (sr *sheetRows) numeric(col int) bool { return col < len(sr.num) && sr.num[col] }

// display renders a numeric cell as a spreadsheet shows it under the cell's format,
// for the formats that matter for text fields: zero padding keeps a reference's
// leading zeros; a date shows as a date. Other formats show the stored number.
func (sr *sheetRows) display(v string) string {
	if sr.style < 0 || sr.style >= len(sr.wb.formats) || v == "" {
		return v
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil {
		return v
	}
	switch cf := sr.wb.formats[sr.style]; cf.kind {
	case fmtPadded:
		if math.Abs(f) >= 1e15 {
			return v
		}
		n := int64(math.Round(f))
		s := strconv.FormatInt(max(n, -n), 10)
		if len(s) < int(cf.width) {
			s = strings.Repeat("0", int(cf.width)-len(s)) + s
		}
		if n < 0 {
			s = "-" + s
		}
		return s
	case fmtDate:
		return excelDate(f, sr.wb.date1904, v)
	}
	return v
}

// excelDate renders a date serial as yyyy-mm-dd (and the time when there is one).
func excelDate(serial float64, date1904 bool, def string) string {
	if serial < 0 || serial > 2958465 { // 9999-12-31
		return def
	}
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	switch {
	case date1904:
		base = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	case serial < 61:
		base = time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC) // Lotus' 1900-02-29
	}
	days := math.Floor(serial)
	secs := math.Round((serial - days) * 86400)
	t := base.AddDate(0, 0, int(days)).Add(time.Duration(secs) * time.Second)
	if secs == 0 {
		return t.Format("2006-01-02")
	}
	return t.Format("2006-01-02 15:04:05")
}

// splitCellRef parses "AB12" into column 28 (1-based) and row 12.
func splitCellRef(r string) (col, row int, ok bool) {
	i := 0
	for i < len(r) && i < 4 {
		c := r[i] | 0x20
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
		i++
	}
	if i == 0 || col > maxSheetCols || i == len(r) || len(r)-i > 7 {
		return 0, 0, false
	}
	n, err := strconv.Atoi(r[i:])
	if err != nil || n < 1 || n > maxSheetRows || r[i] == '+' || r[i] == '-' {
		return 0, 0, false
	}
	return col, n, true
}

// finish reads what is left of the sheet part, so that archive/zip checks its size
// and CRC.
func (sr *sheetRows) finish() error {
	if sr.err != nil {
		return sr.err
	}
	if _, err := io.Copy(io.Discard, sr.rc); err != nil {
		return partError(sr.f, &sr.walk, err)
	}
	return nil
}
