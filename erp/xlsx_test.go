package erp

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestTokenGuard(t *testing.T) {
	big := strings.Repeat("a", 200)
	tests := []struct {
		name, in string
		ok       bool
	}{
		{"small tokens", "<a x=\"1\">text</a>" + strings.Repeat("<b>short</b>", 100), true},
		{"long text", "<a>" + big + "</a>", false},
		{"long tag", "<a x=\"" + big + "\">", false},
		{"'>' inside an attribute", "<a x=\">" + strings.Repeat(">", 150) + "\">", false},
		{"long comment of <>", "<!--" + strings.Repeat("<>", 100) + "-->", false},
		{"long CDATA of <>", "<![CDATA[" + strings.Repeat("<>", 100) + "]]>", false},
		{"long processing instruction", "<?pi " + strings.Repeat("<", 150) + "?>", false},
		{"comment then text", "<!-- x --><a>" + strings.Repeat("b", 90) + "</a>", true},
		{"CDATA then text", "<a><![CDATA[<x>]]>" + strings.Repeat("b", 90) + "</a>", true},
		{"doctype", "<!DOCTYPE a [<!ENTITY x \"y\">]><a>" + strings.Repeat("b", 90) + "</a>", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := io.Copy(io.Discard, newTokenGuard(iotest.HalfReader(strings.NewReader(tt.in)), 100))
			if (err == nil) != tt.ok {
				t.Errorf("err = %v, want ok %v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, errTokenTooLarge) {
				t.Errorf("err = %v, want errTokenTooLarge", err)
			}
		})
	}
}

func TestLoneCR(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a\r\nb\rc\r\nd\r\n", "a\r\nb c\r\nd\r\n"}, // CRLF file: a lone CR is data
		{"a\rb\r\nc\r", "a\rb\r\nc\r"},              // CR file (4D on macOS): kept
		{"a\nb\rc\n", "a\nb\rc\n"},                  // LF file: kept
		{"a\r\nb\r", "a\r\nb "},                     // a CR at the very end
		{"\r\n\r\r\n", "\r\n \r\n"},
	}
	for _, tt := range tests {
		for name, wrap := range map[string]func(io.Reader) io.Reader{
			"whole": func(r io.Reader) io.Reader { return r }, "byte by byte": iotest.OneByteReader, "halves": iotest.HalfReader,
		} {
			got, err := io.ReadAll(&loneCR{r: wrap(strings.NewReader(tt.in))})
			if err != nil || string(got) != tt.want {
				t.Errorf("%q %s: got %q, %v; want %q", tt.in, name, got, err, tt.want)
			}
		}
	}
}

func TestSniffText(t *testing.T) {
	u16 := func(s string, be bool) []byte {
		var b []byte
		for i := 0; i < len(s); i++ {
			if be {
				b = append(b, 0, s[i])
			} else {
				b = append(b, s[i], 0)
			}
		}
		return b
	}
	tests := []struct {
		name     string
		head     []byte
		encoding string
		code     string
		msg      string
	}{
		{"csv", []byte("Réf;Marque\r\n"), "", "", ""},
		{"xlsx", []byte("PK\x03\x04\x14\x00"), "", FileNotText, "a zip archive"},
		{"xls", magicOLE2, "", FileNotText, "legacy .xls"},
		{"pdf", []byte("%PDF-1.7"), "", FileNotText, "PDF"},
		{"gzip", []byte{0x1f, 0x8b, 8, 0}, "", FileNotText, "gzip"},
		{"utf-16le without BOM", u16("ref;marque;stock\r\n", false), "windows-1252", FileEncoding, "utf-16le"},
		{"utf-16be without BOM", u16("ref;marque;stock\r\n", true), "", FileEncoding, "utf-16be"},
		{"utf-16le configured", u16("ref;marque;stock\r\n", false), "utf-16le", "", ""},
		{"utf-16le with BOM", append([]byte{0xff, 0xfe}, u16("ref;marque\r\n", false)...), "", "", ""},
		{"binary", []byte("ab\x00cd\x00\x00\x01"), "", FileNotText, "NUL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, msg := sniffText(tt.head, tt.encoding, "text extract")
			if code != tt.code || !strings.Contains(msg, tt.msg) {
				t.Errorf("got %q %q, want %q with %q", code, msg, tt.code, tt.msg)
			}
		})
	}
}

func TestClassifyFormat(t *testing.T) {
	tests := []struct {
		code string
		want cellFormat
	}{
		{"0000000", cellFormat{fmtPadded, 7}},
		{"000000;-000000", cellFormat{fmtPadded, 6}},
		{"0", cellFormat{fmtPadded, 1}},
		{"General", cellFormat{}},
		{`#,##0.00\ "€"`, cellFormat{}},
		{"0.00%", cellFormat{}},
		{"dd/mm/yyyy", cellFormat{kind: fmtDate}},
		{"[$-40C]d mmmm yyyy", cellFormat{kind: fmtDate}},
		{"[h]:mm:ss", cellFormat{kind: fmtDate}},
		{`"Taille "0`, cellFormat{fmtPadded, 1}},
		{`"day"0.0`, cellFormat{}},
		{"[Red]0", cellFormat{fmtPadded, 1}},
	}
	for _, tt := range tests {
		if got := classifyFormat(tt.code); got != tt.want {
			t.Errorf("classifyFormat(%q) = %+v, want %+v", tt.code, got, tt.want)
		}
	}
}

func TestSplitCellRef(t *testing.T) {
	tests := []struct {
		ref      string
		col, row int
		ok       bool
	}{
		{"A1", 1, 1, true},
		{"XFD1048576", 16384, 1048576, true},
		{"ab12", 28, 12, true},
		{"XFE1", 0, 0, false},
		{"A1048577", 0, 0, false},
		{"A0", 0, 0, false},
		{"A-1", 0, 0, false},
		{"A+1", 0, 0, false},
		{"12", 0, 0, false},
		{"A", 0, 0, false},
		{"AAAAA1", 0, 0, false},
		{"A9223372036854775807", 0, 0, false},
	}
	for _, tt := range tests {
		col, row, ok := splitCellRef(tt.ref)
		if col != tt.col || row != tt.row || ok != tt.ok {
			t.Errorf("splitCellRef(%q) = %d, %d, %v; want %d, %d, %v", tt.ref, col, row, ok, tt.col, tt.row, tt.ok)
		}
	}
}

func TestExcelDate(t *testing.T) {
	tests := []struct {
		serial float64
		d1904  bool
		want   string
	}{
		{45306, false, "2024-01-15"},
		{45306.5, false, "2024-01-15 12:00:00"},
		{1, false, "1900-01-01"},
		{61, false, "1900-03-01"},
		{43844, true, "2024-01-15"},
		{-1, false, "def"},
		{1e300, false, "def"},
	}
	for _, tt := range tests {
		if got := excelDate(tt.serial, tt.d1904, "def"); got != tt.want {
			t.Errorf("excelDate(%v, %v) = %q, want %q", tt.serial, tt.d1904, got, tt.want)
		}
	}
}

func TestLocationString(t *testing.T) {
	for _, tt := range []struct {
		l    Location
		want string
	}{
		{Location{File: "s.xlsx", Sheet: "Stock"}, "s.xlsx Stock"},
		{Location{File: "s.xlsx", Sheet: "Stock", Line: 4}, "s.xlsx Stock!4"},
		{Location{File: "s.xlsx", Sheet: "Stock", Line: 4, Cell: "B4"}, "s.xlsx Stock!B4"},
		{Location{File: "s.csv", Line: 3}, "s.csv:3"},
		{Location{File: "s.csv"}, "s.csv"},
	} {
		if got := tt.l.String(); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.l, got, tt.want)
		}
	}
}

// TestSpool: a workbook that comes as a stream is kept in memory up to
// spoolMemBytes, on disk past it, and what is not a zip is never spooled.
func TestSpool(t *testing.T) {
	ctx := context.Background()
	big := append([]byte("PK\x03\x04"), bytes.Repeat([]byte{1}, spoolMemBytes+1000)...)
	ra, size, done, err := readerAtOf(ctx, iotest.HalfReader(bytes.NewReader(big)), 1<<30)
	defer done()
	if err != nil || size != int64(len(big)) {
		t.Fatalf("size %d, err %v", size, err)
	}
	if _, ok := ra.(*bytes.Reader); ok {
		t.Errorf("a %d-byte stream kept in memory", len(big))
	}
	tail := make([]byte, 10)
	if _, err := ra.ReadAt(tail, size-10); err != nil || !bytes.Equal(tail, big[len(big)-10:]) {
		t.Errorf("tail %v, %v", tail, err)
	}
	_, size, _, err = readerAtOf(ctx, io.LimitReader(zeros{}, 1<<40), 1<<30)
	if err != nil || size != 512 {
		t.Errorf("endless zeros: size %d, err %v; want the first 512 bytes only", size, err)
	}
	_, _, _, err = readerAtOf(ctx, iotest.HalfReader(bytes.NewReader(big)), 1<<20)
	if !errors.Is(err, errTooLarge) {
		t.Errorf("err = %v, want errTooLarge", err)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func TestSniffOLE2(t *testing.T) {
	file := func(streams ...string) []byte {
		b := append([]byte(nil), magicOLE2...)
		b = append(b, make([]byte, 504)...)
		for _, s := range streams {
			e := make([]byte, 128)
			copy(e, utf16le(s))
			b = append(b, e...)
		}
		return b
	}
	for _, tt := range []struct {
		name    string
		streams []string
		want    int
	}{
		{"encrypted xlsx", []string{"Root Entry", "EncryptionInfo", "EncryptedPackage"}, ole2Encrypted},
		{"xls", []string{"Root Entry", "Workbook", "\x05SummaryInformation"}, ole2Workbook},
		{"excel 5 xls", []string{"Root Entry", "Book"}, ole2Workbook},
		{"doc", []string{"Root Entry", "WordDocument", "1Table"}, ole2Word},
		{"ppt", []string{"Root Entry", "PowerPoint Document"}, ole2PowerPoint},
		{"other", []string{"Root Entry", "Contents"}, ole2Unknown},
	} {
		b := file(tt.streams...)
		if got := sniffOLE2(bytes.NewReader(b), int64(len(b))); got != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestZipDirectory(t *testing.T) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range []string{"a", "b", "c"} {
		w, _ := zw.Create(name)
		w.Write([]byte(name))
	}
	zw.Close()
	n, dir := zipDirectory(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if n != 3 || dir <= 0 || dir > 300 {
		t.Errorf("entries %d, directory %d bytes", n, dir)
	}
	if n, dir := zipDirectory(strings.NewReader("not a zip"), 9); n != -1 || dir != -1 {
		t.Errorf("not a zip: %d, %d", n, dir)
	}
}
