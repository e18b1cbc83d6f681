// Package folder is the source for an ERP that exports its stock extract to
// a local folder (C:\...\Export\stock_YYYYMMDD.csv).
package folder

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/ecrin-connect/ecrin/connector/source"
	"go.yaml.in/yaml/v3"
)

// Kind is the name this backend registers under.
const Kind = "folder"

func init() {
	source.Register(Kind, func(settings *yaml.Node, env source.Env) (source.Source, error) {
		var opts Options
		if err := source.Decode(settings, &opts); err != nil {
			return nil, fmt.Errorf("folder source settings: %w", err)
		}
		return New(opts, env)
	})
}

// Options configure a folder source.
type Options struct {
	// Path is the folder the ERP exports to.
	Path         string `yaml:"path"`
	source.Rules `yaml:",inline"`
}

// Source fetches extracts from a local folder.
type Source struct {
	dir     string
	rules   source.Rules
	fetcher *source.Fetcher
}

var _ source.Source = (*Source)(nil)

// New returns a folder source; it checks the options but not the folder,
// which may appear later.
func New(opts Options, env source.Env) (*Source, error) {
	if opts.Path == "" {
		return nil, errors.New("folder source: path is required")
	}
	rules := opts.Rules.WithDefaults()
	if err := rules.Validate(); err != nil {
		return nil, fmt.Errorf("folder source %s: %w", opts.Path, err)
	}
	dir := filepath.Clean(opts.Path)
	return &Source{
		dir:   dir,
		rules: rules,
		fetcher: &source.Fetcher{
			Rules: rules,
			Env:   env,
			Where: dir,
		},
	}, nil
}

// String returns the folder's path.
func (s *Source) String() string { return s.dir }

// Fetch takes the newest complete extract of the folder and archives it.
func (s *Source) Fetch(ctx context.Context) (source.Extract, error) {
	return s.fetcher.Fetch(ctx, s)
}

// Done deletes or moves the extract's original file (and its marker) when
// the options say so, and remembers it as processed.
func (s *Source) Done(ctx context.Context, e source.Extract) error {
	if err := source.CheckName(e.Name); err != nil {
		return fmt.Errorf("done with %s: %w", s.dir, err)
	}
	s.fetcher.Remember(e)
	names := append([]string{e.Name}, source.MarkerNames(e.Name, s.rules.Marker)...)
	for i, name := range names {
		from := filepath.Join(s.dir, name)
		var err error
		switch s.rules.After {
		case source.AfterDelete:
			err = os.Remove(from)
		case source.AfterMove:
			if err = os.MkdirAll(s.rules.MoveTo, 0o750); err == nil {
				err = os.Rename(from, filepath.Join(s.rules.MoveTo, name))
			}
		}
		if i > 0 && errors.Is(err, os.ErrNotExist) {
			continue // the marker that is not there
		}
		if err != nil {
			return fmt.Errorf("%s %q in %s: %w", s.rules.After, name, s.dir, err)
		}
	}
	return nil
}

// List returns the regular files of the folder.
func (s *Source) List(ctx context.Context) ([]source.File, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, err
	}
	files := make([]source.File, 0, len(entries))
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if errors.Is(err, os.ErrNotExist) {
			continue // removed since ReadDir
		}
		if err != nil {
			return nil, err
		}
		files = append(files, source.File{Name: e.Name(), Size: info.Size(), ModTime: info.ModTime().UTC()})
	}
	return files, nil
}

// Open opens the named file of the folder.
func (s *Source) Open(ctx context.Context, name string) (io.ReadCloser, error) {
	if err := source.CheckName(name); err != nil {
		return nil, err
	}
	return os.Open(filepath.Join(s.dir, name))
}
