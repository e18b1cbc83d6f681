package erp

import (
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

func TestSplitter(t *testing.T) {
	type row struct {
		Line   int
		Fields []string
	}
	tests := []struct {
		name  string
		in    string
		quote byte
		want  []row
	}{
		{"crlf", "a;b\r\nc;d\r\n", '"', []row{{1, []string{"a", "b"}}, {2, []string{"c", "d"}}}},
		{"mixed line ends", "a\rb\r\nc\nd", 0, []row{{1, []string{"a"}}, {2, []string{"b"}}, {3, []string{"c"}}, {4, []string{"d"}}}},
		{"blank lines skipped", "a\r\n\r\n\nb\n", 0, []row{{1, []string{"a"}}, {4, []string{"b"}}}},
		{"empty fields", ";;\n", 0, []row{{1, []string{"", "", ""}}}},
		{"quoted", `"a;b";"say ""hi""";c` + "\n", '"', []row{{1, []string{"a;b", `say "hi"`, "c"}}}},
		{"quoted newline", "\"x\r\ny\";z\nq\n", '"', []row{{1, []string{"x\ny", "z"}}, {3, []string{"q"}}}},
		{"quote inside plain field", `a "b" c;d`, '"', []row{{1, []string{`a "b" c`, "d"}}}},
		{"no quoting", `"a;b"`, 0, []row{{1, []string{`"a`, `b"`}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// One byte per Read: every buffer boundary is exercised.
			s := newSplitter(iotest.OneByteReader(strings.NewReader(tt.in)), ';', tt.quote, 100)
			var got []row
			for {
				ok, err := s.next()
				if err != nil {
					t.Fatal(err)
				}
				if !ok {
					break
				}
				got = append(got, row{s.start, splitRow(nil, s.raw, s.ends)})
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSplitterLimits(t *testing.T) {
	s := newSplitter(strings.NewReader(strings.Repeat("x", 1000)+";y\n"), ';', '"', 10)
	if ok, err := s.next(); !ok || err != nil {
		t.Fatalf("next = %v, %v", ok, err)
	}
	if !s.tooLong || len(s.raw) != 12 {
		t.Errorf("tooLong = %v, raw %d bytes; want true, 12 bytes", s.tooLong, len(s.raw))
	}
	s = newSplitter(strings.NewReader(strings.Repeat(";", 10000)), ';', '"', 10)
	if ok, err := s.next(); !ok || err != nil || len(s.ends) != maxFields {
		t.Errorf("next = %v, %v, %d fields; want %d fields", ok, err, len(s.ends), maxFields)
	}
	s = newSplitter(strings.NewReader("a;\"open\n\n"), ';', '"', 10)
	if _, err := s.next(); err != errUnterminated {
		t.Errorf("unterminated quote: err = %v", err)
	}
}
