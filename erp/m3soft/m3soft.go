// Package m3soft reads M3Soft stock extracts: fields separated by '|', no quoting,
// ISO-8859-15, a "#M3SOFT|STOCK|date|shop" first line, a header, and a "#FIN|n"
// trailer whose count is checked: a missing trailer or a wrong count means the
// extract was cut, and it is refused (see README.md).
package m3soft

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ecrin-connect/ecrin/erp"
)

// Name is the profile's name in the configuration.
const Name = "m3soft"

func init() { erp.Register(Name, New) }

// Defaults returns the profile's built-in settings.
func Defaults() erp.Options {
	return erp.Options{
		Format:    "csv",
		Encoding:  "iso-8859-15",
		Delimiter: "|",
		Quote:     "none",
		Decimal:   ".",
		Header:    erp.Bool(true),
		Columns: map[string]string{
			erp.FieldCode:    "REF",
			erp.FieldRef:     "REFFOUR",
			erp.FieldBrand:   "MARQUE",
			erp.FieldLabel:   "LIBELLE",
			erp.FieldSize:    "TLD",
			erp.FieldQty:     "QTE",
			erp.FieldOnOrder: "QTECDE",
			erp.FieldPrice:   "PVTTC",
			erp.FieldStatus:  "STATUT",
			erp.FieldEAN:     "GENCOD",
			erp.FieldStore:   "MAG",
		},
		ExcludedStatuses: []string{"1", "2"},
	}
}

// Reader reads an M3Soft extract.
type Reader struct{ text erp.TextReader }

var _ erp.Reader = (*Reader)(nil)

// New returns an M3Soft reader with the site's overrides applied to the defaults.
func New(overrides erp.Options) (erp.Reader, error) {
	r := &Reader{erp.TextReader{Profile: Name, Options: Defaults().Merge(overrides)}}
	if err := r.text.Check(); err != nil {
		return nil, fmt.Errorf("%s profile: %w", Name, err)
	}
	return r, nil
}

// Read implements erp.Reader: the text core, plus the first line and trailer checks.
func (r *Reader) Read(ctx context.Context, name string, in io.Reader, sink erp.Sink) (erp.Summary, error) {
	var (
		sawStart  bool
		trailer   erp.Location // where #FIN is; Line 0 when none
		announced int
		before    int // article rows before the trailer
	)
	t := r.text
	t.Marker = func(loc erp.Location, f []string, articles int) (bool, error) {
		switch strings.ToUpper(strings.TrimSpace(f[0])) {
		case "#M3SOFT":
			sawStart = true
		case "#FIN":
			if trailer.Line != 0 {
				return true, &erp.FileError{Loc: loc, Code: erp.FileFormat, Message: fmt.Sprintf("a second #FIN trailer (the first is on line %d)", trailer.Line)}
			}
			n := -1
			if len(f) > 1 {
				if v, err := strconv.Atoi(strings.TrimSpace(f[1])); err == nil {
					n = v
				}
			}
			if n < 0 {
				return true, &erp.FileError{Loc: loc, Code: erp.FileTruncated, Message: "the trailer must read #FIN|<number of article lines>"}
			}
			trailer, announced, before = loc, n, articles
		default:
			return false, nil // an article whose reference starts with '#'
		}
		return true, nil
	}
	t.End = func(last erp.Location, articles int) error {
		switch {
		case !sawStart:
			return &erp.FileError{Loc: erp.Location{File: name, Line: 1}, Code: erp.FileFormat,
				Message: "the first line must be #M3SOFT|STOCK|<date>|<shop>: is this an M3Soft stock extract?"}
		case trailer.Line == 0:
			return &erp.FileError{Loc: last, Code: erp.FileTruncated,
				Message: fmt.Sprintf("the #FIN|<count> trailer is missing after %d article lines: the extract is cut, export it again", articles)}
		case articles != before:
			return &erp.FileError{Loc: last, Code: erp.FileFormat,
				Message: fmt.Sprintf("%d article lines after the #FIN trailer on line %d", articles-before, trailer.Line)}
		case announced != articles:
			return &erp.FileError{Loc: trailer, Code: erp.FileTruncated,
				Message: fmt.Sprintf("the trailer announces %d article lines, the extract holds %d: the extract is cut, export it again", announced, articles)}
		}
		return nil
	}
	return t.Read(ctx, name, in, sink)
}
