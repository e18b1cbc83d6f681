package erp

import (
	"context"
	"fmt"
	"io"
	"sort"
	"sync"
)

// Reader reads one extract with one profile.
type Reader interface {
	// Read streams the extract r (name is its base name, used in every message) and
	// calls sink.Record for each article row in file order and sink.Problem for each row
	// error or warning. Memory does not grow with the number of rows.
	//
	// It returns a *FileError when the extract must be refused, ctx.Err() when
	// cancelled, or the error sink.Record returned.
	Read(ctx context.Context, name string, r io.Reader, sink Sink) (Summary, error)
}

// Sink receives what a Reader reads.
type Sink struct {
	Record  func(Record) error // required
	Problem func(Problem)      // optional; nil drops problems
}

// Summary describes an extract once read.
type Summary struct {
	Profile    string   // profile name
	Encoding   string   // the encoding used (detected BOM or the profile's)
	Header     []string // the header found, as written; empty when the profile has none
	HeaderLine int      // 1-based line (or row) of the header; 0 when none
	Rows       int      // records emitted
	RowErrors  int      // rows skipped
	Warnings   int      // warnings raised
}

// Options are a profile's settings. A built-in profile fills its defaults; a site's
// configuration overrides any of them (zero values keep the default).
type Options struct {
	Format           string            `yaml:"format" json:"format,omitempty"`                       // generic: csv, tsv, xlsx, xml
	Encoding         string            `yaml:"encoding" json:"encoding,omitempty"`                   // IANA name: utf-8, windows-1252, iso-8859-15, macintosh, utf-16le
	Delimiter        string            `yaml:"delimiter" json:"delimiter,omitempty"`                 // one character; "\t" for TAB
	Quote            string            `yaml:"quote" json:"quote,omitempty"`                         // one character, or "none"
	Decimal          string            `yaml:"decimal" json:"decimal,omitempty"`                     // "," or "."
	Header           *bool             `yaml:"header" json:"header,omitempty"`                       // the extract has a header row
	HeaderRow        int               `yaml:"header_row" json:"header_row,omitempty"`               // 1-based; 0 finds it
	Columns          map[string]string `yaml:"columns" json:"columns,omitempty"`                     // record field → column name (or XML path)
	Order            []string          `yaml:"order" json:"order,omitempty"`                         // record fields in column order, when there is no header
	Sheet            string            `yaml:"sheet" json:"sheet,omitempty"`                         // workbook sheet
	ExcludedStatuses []string          `yaml:"excluded_statuses" json:"excluded_statuses,omitempty"` // status codes that keep an article off the web
	Brand            string            `yaml:"brand" json:"brand,omitempty"`                         // a fixed brand for every row
	Item             string            `yaml:"item" json:"item,omitempty"`                           // XML: the element that holds one article
	Limits           Limits            `yaml:"limits" json:"limits,omitempty"`
}

// Limits guard against hostile or broken files. Zero values take the defaults.
type Limits struct {
	MaxFileBytes  int64 `yaml:"max_file_bytes" json:"max_file_bytes,omitempty"`
	MaxUnzipBytes int64 `yaml:"max_unzip_bytes" json:"max_unzip_bytes,omitempty"`
	MaxRows       int   `yaml:"max_rows" json:"max_rows,omitempty"`
	MaxFieldBytes int   `yaml:"max_field_bytes" json:"max_field_bytes,omitempty"`
}

// Default limits.
const (
	DefaultMaxFileBytes  = 2 << 30 // 2 GiB
	DefaultMaxUnzipBytes = 4 << 30 // 4 GiB
	DefaultMaxRows       = 20_000_000
	DefaultMaxFieldBytes = 4 << 10 // 4 KiB
)

// WithDefaults returns l with zero values replaced by the defaults.
func (l Limits) WithDefaults() Limits {
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = DefaultMaxFileBytes
	}
	if l.MaxUnzipBytes <= 0 {
		l.MaxUnzipBytes = DefaultMaxUnzipBytes
	}
	if l.MaxRows <= 0 {
		l.MaxRows = DefaultMaxRows
	}
	if l.MaxFieldBytes <= 0 {
		l.MaxFieldBytes = DefaultMaxFieldBytes
	}
	return l
}

// Factory builds a profile's Reader from a site's overrides.
type Factory func(overrides Options) (Reader, error)

var (
	registryMu sync.RWMutex
	registry   = map[string]Factory{}
)

// Register makes a profile available by name. It panics on a duplicate name: that is
// a programming error, found at start-up.
func Register(name string, f Factory) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[name]; dup {
		panic("erp: profile registered twice: " + name)
	}
	registry[name] = f
}

// New returns the Reader of the named profile with the site's overrides.
func New(profile string, overrides Options) (Reader, error) {
	registryMu.RLock()
	f, ok := registry[profile]
	registryMu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("unknown ERP profile %q (known: %v)", profile, Profiles())
	}
	return f(overrides)
}

// Profiles lists the registered profile names, sorted.
func Profiles() []string {
	registryMu.RLock()
	defer registryMu.RUnlock()
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
