package erp

import (
	"bytes"
	"io"
)

// What a file is, told by its first bytes, so that a reader given the wrong kind of
// file says what it got and what to export instead.
var (
	magicOLE2 = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	magicZip  = []byte("PK\x03\x04")
	magicPDF  = []byte("%PDF-")
	magicGzip = []byte{0x1F, 0x8B}
)

// sniffText tells a file that a text or XML reader cannot read: a zip (an .xlsx,
// .ods…), an OLE2 file (legacy .xls, password-protected workbook), a PDF, a gzip, or
// UTF-16 without a byte-order mark when the profile reads a single-byte encoding or
// UTF-8. It returns the file error's code and message, or "" when head looks like
// text. what names the expected file ("text extract", "XML feed").
func sniffText(head []byte, encoding, what string) (code, msg string) {
	switch {
	case bytes.HasPrefix(head, magicZip) || bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return FileNotText, "a zip archive (an .xlsx or .ods workbook?), not a " + what + ": export the stock as " + exportAs(what) + ", or set the profile's format to xlsx for a workbook"
	case bytes.HasPrefix(head, magicOLE2):
		return FileNotText, "an Office 97-2003 file (a legacy .xls workbook, or a password-protected one), not a " + what + ": export the stock as " + exportAs(what)
	case bytes.HasPrefix(head, magicPDF):
		return FileNotText, "a PDF document, not a " + what + ": export the stock as " + exportAs(what)
	case bytes.HasPrefix(head, magicGzip):
		return FileNotText, "a gzip-compressed file, not a " + what + ": drop the extract uncompressed"
	}
	if hasBOM(head) {
		return "", ""
	}
	if enc := utf16NoBOM(head); enc != "" {
		switch encoding {
		case "utf-16le", "utf-16be", "utf-16":
			return "", ""
		}
		return FileEncoding, "the " + what + " looks " + enc + " encoded without a byte-order mark: set the profile's encoding to " + enc + ", or export it as UTF-8"
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return FileNotText, "binary data (NUL bytes), not a " + what + ": export the stock as " + exportAs(what)
	}
	return "", ""
}

func exportAs(what string) string {
	if what == "XML feed" {
		return "XML"
	}
	return "text (CSV)"
}

func hasBOM(head []byte) bool {
	return bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}) || bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF})
}

// utf16NoBOM recognises UTF-16 text without a byte-order mark: in its first bytes,
// ASCII characters alternate with NUL bytes. It returns "utf-16le", "utf-16be" or "".
func utf16NoBOM(head []byte) string {
	n := min(len(head), 512) &^ 1
	if n < 4 {
		return ""
	}
	var zeroEven, zeroOdd int
	for i := 0; i < n; i += 2 {
		if head[i] == 0 {
			zeroEven++
		}
		if head[i+1] == 0 {
			zeroOdd++
		}
	}
	pairs := n / 2
	switch {
	case zeroOdd*10 >= pairs*9 && zeroEven*10 < pairs:
		return "utf-16le"
	case zeroEven*10 >= pairs*9 && zeroOdd*10 < pairs:
		return "utf-16be"
	}
	return ""
}

// OLE2 compound files, told apart by the names of their streams.
const (
	ole2Unknown = iota
	ole2Encrypted
	ole2Workbook
	ole2Word
	ole2PowerPoint
)

// sniffOLE2 tells an encrypted (password-protected) Office Open XML file from a legacy
// .xls, a Word or a PowerPoint file by the stream names of the OLE2 compound file
// (UTF-16LE in its directory), looked for in its first 8 MiB.
func sniffOLE2(ra io.ReaderAt, size int64) int {
	names := []struct {
		name []byte
		kind int
	}{
		{utf16le("EncryptedPackage"), ole2Encrypted},
		{utf16le("Workbook"), ole2Workbook},
		{utf16le("Book\x00"), ole2Workbook},
		{utf16le("WordDocument"), ole2Word},
		{utf16le("PowerPoint Document"), ole2PowerPoint},
	}
	found := ole2Unknown
	buf := make([]byte, 64<<10)
	const keep = 64 // names overlapping two reads
	for off := int64(0); off < min(size, 8<<20); off += int64(len(buf) - keep) {
		n, _ := ra.ReadAt(buf, off)
		for _, nm := range names {
			if bytes.Contains(buf[:n], nm.name) && (found == ole2Unknown || nm.kind < found) {
				found = nm.kind
			}
		}
		if n < len(buf) {
			break
		}
	}
	return found
}

func utf16le(s string) []byte {
	b := make([]byte, 0, 2*len(s))
	for i := 0; i < len(s); i++ {
		b = append(b, s[i], 0)
	}
	return b
}
