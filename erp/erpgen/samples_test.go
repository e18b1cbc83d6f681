package erpgen

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

var update = flag.Bool("update", false, "rewrite the samples in testdata/erp")

const (
	sampleSeed = 20261121
	sampleRows = 300
	sampleDate = "2026-11-21"
	sampleShop = "Bijouterie Martin — Lyon"
)

var testdata = filepath.Join("..", "..", "testdata", "erp")

// sampleFiles builds every sample and broken variant, by path under testdata/erp.
func sampleFiles(t *testing.T) map[string][]byte {
	t.Helper()
	arts := Generate(sampleSeed, sampleRows)
	seq := slices.Values(arts)
	files := map[string][]byte{}
	write := func(name string, fn func(*bytes.Buffer) error) []byte {
		var b bytes.Buffer
		if err := fn(&b); err != nil {
			t.Fatalf("write %s: %v", name, err)
		}
		files[name] = b.Bytes()
		return b.Bytes()
	}
	write("catalog.json", func(b *bytes.Buffer) error { return WriteCatalog(b, seq) })

	// Bijou3.
	bijou := write("bijou3/stock_20261121.csv", func(b *bytes.Buffer) error { return WriteBijou3(b, seq) })
	utf8, _ := charmap.Windows1252.NewDecoder().Bytes(bijou)
	files["bijou3/broken/wrong_encoding.csv"] = utf8
	files["bijou3/broken/missing_column.csv"] = bytes.Replace(bijou, []byte(";Stock;"), []byte(";Stk;"), 1)
	files["bijou3/broken/truncated.csv"] = bijou[:len(bijou)*3/5]
	files["bijou3/broken/empty.csv"] = []byte{}
	files["bijou3/broken/header_only.csv"] = bijou[:bytes.Index(bijou, []byte("\r\n"))+2]
	files["bijou3/broken/garbage_numbers.csv"] = garble(bijou, "\r\n", ';', map[int]string{5: "deux", 7: "12.50", 9: "7.61161E+12"})
	files["bijou3/broken/duplicated_lines.csv"] = duplicate(bijou, "\r\n", 10, 15, 0)

	// M3Soft.
	m3 := write("m3soft/stock_20261121.txt", func(b *bytes.Buffer) error { return WriteM3Soft(b, seq, sampleDate, "LYON01") })
	m3utf8, _ := charmap.ISO8859_15.NewDecoder().Bytes(m3)
	files["m3soft/broken/wrong_encoding.txt"] = m3utf8
	files["m3soft/broken/missing_column.txt"] = bytes.Replace(m3, []byte("|QTE|"), []byte("|QTY|"), 1)
	files["m3soft/broken/truncated.txt"] = cutAtLine(m3, "\n", 120)
	files["m3soft/broken/trailer_mismatch.txt"] = bytes.Replace(m3, []byte("#FIN|"+itoa(sampleRows)), []byte("#FIN|"+itoa(sampleRows+12)), 1)
	files["m3soft/broken/empty.txt"] = []byte{}
	files["m3soft/broken/garbage_numbers.txt"] = garble(m3, "\n", '|', map[int]string{5: "N/A", 7: "1,250.00.0", 9: "761-ABC"})
	files["m3soft/broken/duplicated_lines.txt"] = bytes.Replace(duplicate(m3, "\n", 10, 15, 1),
		[]byte("#FIN|"+itoa(sampleRows)), []byte("#FIN|"+itoa(sampleRows+5)), 1)

	// 4D: records ended by CR, as 4D on macOS writes them.
	fourd := write("4d/stock_20261121.txt", func(b *bytes.Buffer) error { return Write4D(b, seq, "\r") })
	cp, _ := charmap.Macintosh.NewEncoder().Bytes(fourd)
	files["4d/broken/wrong_encoding.txt"] = cp
	files["4d/broken/mixed_line_ends.txt"] = mixEnds(fourd)
	files["4d/broken/truncated.txt"] = fourd[:len(fourd)*3/5]
	files["4d/broken/missing_column.txt"] = dropLastField(fourd, '\t')
	files["4d/broken/empty.txt"] = []byte{}
	files["4d/broken/garbage_numbers.txt"] = garble(fourd, "\r", '\t', map[int]string{4: "1O", 5: "prix"})
	files["4d/broken/duplicated_lines.txt"] = duplicate(fourd, "\r", 10, 15, -1)

	// Cestia.
	xlsx := write("cestia/stock_20261121.xlsx", func(b *bytes.Buffer) error { return WriteCestia(b, seq, sampleShop, "21/11/2026") })
	files["cestia/broken/legacy.xls"] = append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 504)...)
	files["cestia/broken/not_xlsx.xlsx"] = bijou
	files["cestia/broken/truncated.xlsx"] = xlsx[:len(xlsx)/2]
	files["cestia/broken/empty.xlsx"] = []byte{}
	files["cestia/broken/missing_column.xlsx"] = cestia(t, arts[:40], slices.Concat(cestiaHeader[:5], []string{"Qté"}, cestiaHeader[6:]), nil)
	files["cestia/broken/duplicated_lines.xlsx"] = cestia(t, slices.Concat(arts[:40], arts[10:15]), cestiaHeader, nil)
	files["cestia/broken/garbage_numbers.xlsx"] = cestia(t, arts[:40], cestiaHeader, func(n int, cells []any) {
		switch n {
		case 2:
			cells[0], cells[1] = nil, " " // no reference at all
		case 3:
			cells[5] = "trois"
		case 4:
			cells[7] = "sur demande"
		case 5:
			cells[9] = "7.61161E+12" // an EAN typed as displayed
		case 6:
			cells[5] = -2
		}
	})
	// Generic: a supplier's XML feed.
	feed := write("generic/feed_20261121.xml", func(b *bytes.Buffer) error { return WriteGenericXML(b, seq) })
	files["generic/profile.yaml"] = []byte(GenericXMLOptions)
	files["generic/broken/truncated.xml"] = feed[:len(feed)/2]
	files["generic/broken/empty.xml"] = []byte{}
	files["generic/broken/garbage_numbers.xml"] = bytes.Replace(bytes.Replace(feed,
		[]byte("<disponible>1</disponible>"), []byte("<disponible>un</disponible>"), 2),
		[]byte("<prix devise=\"EUR\">"), []byte("<prix devise=\"EUR\">env. "), 1)
	hostileFiles(t, arts, files)
	return files
}

func cestia(t *testing.T, arts []Article, header []string, mangle func(int, []any)) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := writeCestia(&b, slices.Values(arts), sampleShop, "21/11/2026", header, mangle); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// garble replaces field f of the lines 3, 4, 5… (one per entry, in field order) by
// the given text.
func garble(b []byte, eol string, delim byte, repl map[int]string) []byte {
	lines := strings.Split(string(b), eol)
	keys := make([]int, 0, len(repl))
	for k := range repl {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, f := range keys {
		n := 3 + i*7
		fields := strings.Split(lines[n], string(delim))
		if f < len(fields) {
			fields[f] = repl[f]
		}
		lines[n] = strings.Join(fields, string(delim))
	}
	return []byte(strings.Join(lines, eol))
}

// duplicate appends lines from..to again before the line at end from the end
// (0: at the very end, 1: before the trailer; -1: at the end of a file whose last
// line has a line end).
func duplicate(b []byte, eol string, from, to, end int) []byte {
	lines := strings.Split(strings.TrimSuffix(string(b), eol), eol)
	at := len(lines) - max(end, 0)
	out := slices.Concat(lines[:at], lines[from:to], lines[at:])
	return []byte(strings.Join(out, eol) + eol)
}

func cutAtLine(b []byte, eol string, n int) []byte {
	lines := strings.SplitAfter(string(b), eol)
	return []byte(strings.Join(lines[:n], ""))
}

// mixEnds rewrites CR record ends as a mix of CR, CRLF and LF.
func mixEnds(b []byte) []byte {
	var out []byte
	n := 0
	for _, c := range b {
		if c != '\r' {
			out = append(out, c)
			continue
		}
		switch n % 3 {
		case 0:
			out = append(out, '\r')
		case 1:
			out = append(out, '\r', '\n')
		case 2:
			out = append(out, '\n')
		}
		n++
	}
	return out
}

func dropLastField(b []byte, delim byte) []byte {
	lines := strings.Split(string(b), "\r")
	for i, l := range lines {
		if j := strings.LastIndexByte(l, delim); j >= 0 {
			lines[i] = l[:j]
		}
	}
	return []byte(strings.Join(lines, "\r"))
}

// TestSamples checks that the samples in testdata/erp are what the generator makes;
// run it with -update to write them.
func TestSamples(t *testing.T) {
	files := sampleFiles(t)
	for name, want := range files {
		path := filepath.Join(testdata, filepath.FromSlash(name))
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%s: %v (run go test ./erp/erpgen -run TestSamples -update)", name, err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from what the generator makes (run with -update)", name)
		}
	}
}
