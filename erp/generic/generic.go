// Package generic reads the extract of any other ERP, or a supplier feed, entirely
// from configuration: the format (csv, tsv, xlsx, xml), the delimiter, quote,
// encoding and decimal mark, the header or the column order, which column is which
// field, excluded statuses and a fixed brand (see README.md and sample.yaml).
package generic

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ecrin-connect/ecrin/erp"
)

// Name is the profile's name in the configuration.
const Name = "generic"

func init() { erp.Register(Name, New) }

// Defaults returns the settings the configuration starts from.
func Defaults() erp.Options {
	return erp.Options{Format: "csv", Encoding: "utf-8", Delimiter: ",", Quote: `"`, Decimal: "."}
}

// Reader reads an extract as the configuration describes it.
type Reader struct{ erp.Reader }

var _ erp.Reader = (*Reader)(nil)

// New returns a reader for the configured format. The configuration must say which
// column holds each field (columns, or order when there is no header).
func New(overrides erp.Options) (erp.Reader, error) {
	o := Defaults()
	switch strings.ToLower(overrides.Format) {
	case "tsv":
		o.Delimiter, o.Quote = "\t", "none"
	case "xlsx":
		o.Encoding, o.Delimiter, o.Quote = "", "", ""
	}
	o = o.Merge(overrides)
	if len(o.Columns) == 0 && len(o.Order) == 0 {
		return nil, fmt.Errorf("%s profile: set columns (field: column name or path) or order", Name)
	}
	switch f := strings.ToLower(o.Format); f {
	case "csv", "tsv", "txt":
		t := erp.TextReader{Profile: Name, Options: o}
		if err := t.Check(); err != nil {
			return nil, fmt.Errorf("%s profile: %w", Name, err)
		}
		return &Reader{&t}, nil
	case "xlsx":
		return &Reader{&erp.SheetReader{Profile: Name, Options: o, Footer: "total"}}, nil
	case "xml":
		if o.Item == "" {
			return nil, errors.New(Name + " profile: xml format needs item, the element that holds one article")
		}
		if len(o.Columns) == 0 {
			return nil, errors.New(Name + " profile: xml format needs columns, the path of each field inside the item")
		}
		return &Reader{&erp.XMLReader{Profile: Name, Options: o}}, nil
	default:
		return nil, fmt.Errorf("%s profile: format %q: expected csv, tsv, xlsx or xml", Name, o.Format)
	}
}
