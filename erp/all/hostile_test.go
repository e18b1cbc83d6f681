//go:build linux

package all

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ecrin-connect/ecrin/erp"
	"github.com/ecrin-connect/ecrin/erp/erpgen"
)

// Issue 14's big hostile inputs: each is made on the fly (a few MB at most in
// memory), read in a child process, and that process's peak RSS must stay under
// 256 MB, the readers' target for any input.

const rssLimit = 256 << 20

type hostile struct {
	profile string
	opts    erp.Options
	input   func(t *testing.T) io.Reader
	code    string // the file error expected; "" reads the extract
}

var xmlOpts = erp.Options{Format: "xml", Item: "article", Columns: map[string]string{"ref": "@ref", "brand": "marque", "qty": "stock/disponible"}}

func hostileCases() map[string]hostile {
	return map[string]hostile{
		// A valid 0.9 MB workbook with a 900 MB junk part (read to its end for its CRC).
		"xlsx_junk_900MB":         {"cestia", erp.Options{}, func(t *testing.T) io.Reader { return junkWorkbook(t, 900<<20) }, ""},
		"xlsx_junk_900MB_generic": {"generic", erp.Options{Format: "xlsx", Columns: map[string]string{"ref": "Réf. fournisseur", "brand": "Fournisseur", "qty": "Qté stock"}}, func(t *testing.T) io.Reader { return junkWorkbook(t, 900<<20) }, ""},
		// Shared strings that unzip to 500 MB: long strings, then many empty ones.
		"xlsx_shared_strings_500MB": {"cestia", erp.Options{}, func(t *testing.T) io.Reader { return sstBomb(t, 500<<20, strings.Repeat("x", 30000)) }, erp.FileTooLarge},
		"xlsx_shared_strings_text":  {"cestia", erp.Options{}, func(t *testing.T) io.Reader { return sstBomb(t, 250<<20, strings.Repeat("x", 5000)) }, erp.FileTooLarge},
		"xlsx_shared_strings_count": {"cestia", erp.Options{}, func(t *testing.T) io.Reader { return sstBomb(t, 250<<20, "") }, erp.FileTooLarge},
		"xlsx_styles_300MB":         {"cestia", erp.Options{}, func(t *testing.T) io.Reader { return stylesBomb(t, 300<<20) }, erp.FileTooLarge},
		"xlsx_dev_zero":             {"cestia", erp.Options{}, func(t *testing.T) io.Reader { return devZero(t) }, erp.FileNotXLSX},
		"xlsx_200k_parts":           {"cestia", erp.Options{}, manyParts, erp.FileTooLarge},
		"xml_text_node_200MB": {"generic", xmlOpts, func(*testing.T) io.Reader {
			return repeat("<catalogue><article ref=\"A\"><marque>", "a", 200<<20, "</marque></article></catalogue>")
		}, erp.FileTooLarge},
		"xml_nested_10M_outside_item": {"generic", xmlOpts, func(*testing.T) io.Reader { return repeat("<catalogue>", "<x>", 10_000_000, "") }, erp.FileFormat},
		"xml_comment_200MB":           {"generic", xmlOpts, func(*testing.T) io.Reader { return repeat("<catalogue><!--", "<>", 100<<20, "--></catalogue>") }, erp.FileTooLarge},
		"csv_line_200MB":              {"bijou3", erp.Options{Encoding: "utf-8"}, func(*testing.T) io.Reader { return repeat(csvHead+"R1;Tissot;", "x", 200<<20, ";1\r\n") }, ""},
		"csv_blank_lines_1M":          {"bijou3", erp.Options{Encoding: "utf-8"}, func(*testing.T) io.Reader { return repeat(csvHead, "\r\n", 1_000_000, "R1;Tissot;;1\r\n") }, ""},
	}
}

const csvHead = "Réf. fournisseur;Marque;Désignation;Stock\r\n"

// TestHostileMemory runs each case in a child process and checks its peak RSS. It
// takes a minute or two (encoding/xml goes through hundreds of MB), so it runs only
// when asked:
//
//	ERP_HOSTILE=1 go test -run TestHostileMemory -v ./erp/all
func TestHostileMemory(t *testing.T) {
	if os.Getenv("ERP_HOSTILE_CASE") != "" {
		t.Skip("in a child")
	}
	if os.Getenv("ERP_HOSTILE") == "" || testing.Short() {
		t.Skip("set ERP_HOSTILE=1 to read the big hostile inputs")
	}
	for name := range hostileCases() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0], "-test.run=^TestHostileChild$", "-test.v")
			cmd.Env = append(os.Environ(), "ERP_HOSTILE_CASE="+name)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("child: %v\n%s", err, out)
			}
			rss := int64(cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss) << 10
			res := regexp.MustCompile(`hostile: .*`).Find(out)
			t.Logf("%s: peak RSS %.1f MB, %s", name, float64(rss)/1e6, res)
			if rss > rssLimit {
				t.Errorf("%s: peak RSS %d MB, want at most %d MB", name, rss>>20, rssLimit>>20)
			}
		})
	}
}

// TestHostileChild reads the case named by $ERP_HOSTILE_CASE (run by TestHostileMemory).
func TestHostileChild(t *testing.T) {
	name := os.Getenv("ERP_HOSTILE_CASE")
	if name == "" {
		t.Skip("run by TestHostileMemory")
	}
	c, ok := hostileCases()[name]
	if !ok {
		t.Fatalf("no case %q", name)
	}
	r, err := erp.New(c.profile, c.opts)
	if err != nil {
		t.Fatal(err)
	}
	in := c.input(t)
	start := time.Now()
	sum, err := r.Read(context.Background(), "hostile", in, erp.Sink{Record: func(erp.Record) error { return nil }})
	code := ""
	var fe *erp.FileError
	switch {
	case errors.As(err, &fe):
		code = fe.Code
	case err != nil:
		t.Fatalf("err = %v, want nil or a *FileError", err)
	}
	fmt.Printf("hostile: %s in %v, rows %d, error %v\n", name, time.Since(start).Round(time.Millisecond), sum.Rows, err)
	if code != c.code {
		t.Errorf("file error %q (%v), want %q", code, err, c.code)
	}
}

// TestCancelWithinASecond cancels reads of endless or huge inputs: each returns
// within a second.
func TestCancelWithinASecond(t *testing.T) {
	if testing.Short() {
		t.Skip("big hostile inputs: not in -short")
	}
	for _, c := range []struct {
		name, profile string
		opts          erp.Options
		input         func(t *testing.T) io.Reader
	}{
		{"xlsx_shared_strings", "cestia", erp.Options{}, func(t *testing.T) io.Reader { return sstBomb(t, 100<<20, "") }},
		{"xml_endless", "generic", xmlOpts, func(*testing.T) io.Reader {
			return repeat("<catalogue>", "<article ref=\"A\"><marque>T</marque></article>\n", 1<<40, "")
		}},
		{"csv_endless", "bijou3", erp.Options{Encoding: "utf-8"}, func(*testing.T) io.Reader { return repeat(csvHead, "R1;Tissot;x;1\r\n", 1<<40, "") }},
		{"csv_endless_field", "bijou3", erp.Options{Encoding: "utf-8"}, func(*testing.T) io.Reader { return repeat(csvHead+"R1;", "x", 1<<40, "") }},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := erp.New(c.profile, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			in := c.input(t)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() {
				_, err := r.Read(ctx, "endless", in, erp.Sink{Record: func(erp.Record) error { return nil }})
				done <- err
			}()
			time.Sleep(300 * time.Millisecond)
			cancel()
			at := time.Now()
			select {
			case err := <-done:
				if !errors.Is(err, context.Canceled) {
					t.Errorf("err = %v, want context.Canceled", err)
				}
				t.Logf("returned %v after the cancellation", time.Since(at).Round(time.Millisecond))
			case <-time.After(time.Second):
				t.Fatal("still reading a second after the cancellation")
			}
		})
	}
}

// repeat streams prefix, unit n times, then suffix, without holding it.
func repeat(prefix, unit string, n int64, suffix string) io.Reader {
	k := max(1, 8192/len(unit)) // units per block
	block := strings.Repeat(unit, k)
	return io.MultiReader(strings.NewReader(prefix), &repeater{unit: []byte(block), n: n / int64(k)},
		&repeater{unit: []byte(unit), n: n % int64(k)}, strings.NewReader(suffix))
}

type repeater struct {
	unit []byte
	n    int64 // units left
	off  int
}

func (r *repeater) Read(p []byte) (int, error) {
	w := 0
	for w < len(p) && r.n > 0 {
		c := copy(p[w:], r.unit[r.off:])
		w += c
		if r.off += c; r.off == len(r.unit) {
			r.off = 0
			r.n--
		}
	}
	if w == 0 {
		return 0, io.EOF
	}
	return w, nil
}

// smallWorkbook returns the parts of a small valid Cestia workbook.
func smallWorkbook() []erpgen.Part {
	var sst []string
	sheet := erpgen.CestiaSheet(erpgen.Generate(1, 60), &sst)
	w := &erpgen.Workbook{Sheets: []erpgen.Sheet{{Name: "Stock", XML: sheet}}, Strings: sst}
	return w.Parts()
}

// bigZip writes parts, then a part named big streamed from r (deflated).
func bigZip(t *testing.T, parts []erpgen.Part, big string, r io.Reader) io.Reader {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	for _, p := range parts {
		w, err := zw.Create(p.Name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(p.Data)
	}
	w, err := zw.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(w, r); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(b.Bytes())
}

func junkWorkbook(t *testing.T, size int64) io.Reader {
	return bigZip(t, smallWorkbook(), "xl/media/junk.bin", repeat("", "\x00", size, ""))
}

// sstBomb is a workbook whose shared strings unzip to about size bytes.
func sstBomb(t *testing.T, size int64, text string) io.Reader {
	var parts []erpgen.Part
	for _, p := range smallWorkbook() {
		if p.Name != "xl/sharedStrings.xml" {
			parts = append(parts, p)
		}
	}
	unit := "<si><t>" + text + "</t></si>"
	return bigZip(t, parts, "xl/sharedStrings.xml", repeat(`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`, unit, size/int64(len(unit)), "</sst>"))
}

// stylesBomb is a workbook whose styles.xml unzips to about size bytes.
func stylesBomb(t *testing.T, size int64) io.Reader {
	var parts []erpgen.Part
	for _, p := range smallWorkbook() {
		if p.Name != "xl/styles.xml" {
			parts = append(parts, p)
		}
	}
	unit := `<xf numFmtId="0" fontId="-1" fillId="-1" borderId="-1" xfId="0"/>`
	return bigZip(t, parts, "xl/styles.xml", repeat(`<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs>`, unit, size/int64(len(unit)), "</cellXfs></styleSheet>"))
}

func devZero(t *testing.T) io.Reader {
	f, err := os.Open("/dev/zero")
	if err != nil {
		t.Skip(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// manyParts is a workbook with 200,000 more (empty) parts.
func manyParts(t *testing.T) io.Reader {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, p := range smallWorkbook() {
		w, _ := zw.Create(p.Name)
		w.Write(p.Data)
	}
	for i := range 200_000 {
		if _, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("xl/media/i%d", i), Method: zip.Store}); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(b.Bytes())
}
