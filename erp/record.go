package erp

import (
	"fmt"
	"strconv"
)

// Record is one article row of an extract, as the ERP wrote it (decoded, trimmed,
// numbers parsed). Spellings are not normalised here: that is the mapping's job.
type Record struct {
	Ref        string   // the article's reference as typed in the ERP; never empty
	Brand      string   // brand or supplier as typed in the ERP
	Label      string   // designation
	Size       string   // the TLD value (ring size, chain length, diameter), raw text
	Qty        int      // units in stock, never negative (a negative stock reads as 0, with a warning)
	OnOrder    int      // units ordered from the supplier, not yet received
	PriceCents int64    // retail price incl. VAT in cents; meaningful only when HasPrice
	HasPrice   bool     // the row carried a price
	Status     string   // the ERP's status code, raw
	Excluded   bool     // the profile's status codes keep this article off the web
	EAN        string   // barcode, digits only
	Store      string   // store code, for chains whose extract covers several boutiques
	Loc        Location // where the record came from
}

// Location says where a record or a problem comes from: a file and a line for text
// extracts, a file, a sheet and a row (and a cell when a field is at fault) for
// workbooks.
type Location struct {
	File  string // base name of the extract
	Line  int    // 1-based line (text) or row (workbook); 0 when the whole file is meant
	Sheet string // workbook sheet, empty for text extracts
	Cell  string // workbook cell of the field at fault, e.g. "F12"; may be empty
}

// LinePrefix returns what String writes before the line number, "stock.csv:" or
// "stock.xlsx Stock!", and false when String writes no line number (no line, or a
// cell). Every line of a file and sheet shares it: a reader of a million lines
// need not write a million texts.
func (l Location) LinePrefix() (string, bool) {
	switch {
	case l.Line <= 0 || l.Cell != "":
		return "", false
	case l.Sheet != "":
		return l.File + " " + l.Sheet + "!", true
	default:
		return l.File + ":", true
	}
}

// String renders the location the way every message shows it:
// "stock_20261122.csv:12", "stock.xlsx Stock!F12" or "stock.xlsx Stock!12".
func (l Location) String() string {
	switch {
	case l.Sheet != "" && l.Cell != "":
		return l.File + " " + l.Sheet + "!" + l.Cell
	case l.Sheet != "" && l.Line > 0:
		return l.File + " " + l.Sheet + "!" + strconv.Itoa(l.Line)
	case l.Sheet != "":
		return l.File + " " + l.Sheet
	case l.Line > 0:
		return l.File + ":" + strconv.Itoa(l.Line)
	default:
		return l.File
	}
}

// Severity tells a row error (the row is skipped) from a warning (the row is kept).
type Severity uint8

const (
	RowError Severity = iota // the row is skipped
	Warning                  // the row is kept, something is worth a look
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "row error"
}

// Problem codes: stable identifiers that reports translate for CSMs.
const (
	CodeMissingRef    = "missing_ref"    // the reference is empty
	CodeMissingBrand  = "missing_brand"  // the brand is empty and the profile fixes none
	CodeBadQty        = "bad_qty"        // the stock is not an integer
	CodeBadOnOrder    = "bad_on_order"   // the on-order quantity is not an integer ≥ 0
	CodeBadPrice      = "bad_price"      // the price is not an amount in euros
	CodeBadEAN        = "bad_ean"        // the barcode is not 8 to 14 digits
	CodeFieldTooLong  = "field_too_long" // a field is longer than the profile's limit
	CodeTooFewFields  = "too_few_fields" // the row has fewer fields than the header
	CodeNegativeStock = "negative_stock" // warning: a negative stock read as 0
	CodeNumericRef    = "numeric_ref"    // warning: a reference stored as a number (leading zeros at risk)
	CodeDuplicateLine = "duplicate_line" // warning: the same line appears again
	CodeMultiline     = "multiline"      // warning: a quoted field spans lines
	CodeOther         = "other"
)

// Problem is a row error or a warning: what is wrong, where, and what was expected.
type Problem struct {
	Loc      Location
	Severity Severity
	Code     string // one of the Code… constants
	Field    string // the record field at fault ("qty", "price", …), empty for the whole row
	Value    string // the offending text, cut to 80 bytes
	Message  string // what was expected, in English, for logs and developers
}

func (p Problem) Error() string {
	if p.Field == "" {
		return fmt.Sprintf("%s: %s: %s", p.Loc, p.Severity, p.Message)
	}
	return fmt.Sprintf("%s: %s: field %s %q: %s", p.Loc, p.Severity, p.Field, p.Value, p.Message)
}

// File error codes: stable identifiers that reports translate for CSMs.
const (
	FileEmpty         = "empty"          // no article in the extract
	FileEncoding      = "encoding"       // bytes that are not valid in the profile's encoding
	FileMissingColumn = "missing_column" // a required column is not in the header
	FileLegacyXLS     = "legacy_xls"     // an OLE2 .xls where .xlsx is expected
	FileNotXLSX       = "not_xlsx"       // not a zip workbook, or a damaged one
	FileNotText       = "not_text"       // a workbook, archive or binary file where text is expected
	FileEncrypted     = "encrypted"      // a password-protected workbook
	FileTruncated     = "truncated"      // trailer missing or count mismatch, cut file
	FileTooLarge      = "too_large"      // a limit against hostile files was reached
	FileFormat        = "format"         // any other layout error
	FileIO            = "io"             // the file could not be read
)

// FileError refuses a whole extract. Nothing is pushed, nothing unpublished from it.
type FileError struct {
	Loc     Location // the file, and the line or cell when one is to blame
	Code    string   // one of the File… constants
	Message string   // what is wrong and what to do, in English
	Err     error    // the underlying error, if any
}

func (e *FileError) Error() string {
	s := e.Loc.String() + ": extract refused: " + e.Message
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *FileError) Unwrap() error { return e.Err }
