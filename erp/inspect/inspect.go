// Package inspect reads an extract with an ERP profile and reports what is in it:
// the encoding and header found, the rows read, the row errors and warnings, the
// brands and the sizes. It is what "ecrin inspect" prints, for a CSM checking a file
// a boutique sent, and what scripts read as JSON.
package inspect

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ecrin-connect/ecrin/erp"
	_ "github.com/ecrin-connect/ecrin/erp/all" // every built-in profile
)

// MaxListed bounds the row errors and warnings a Report lists (all are counted).
const MaxListed = 1000

// Report is what an extract holds, read with one profile.
type Report struct {
	File       string         `json:"file"`
	Profile    string         `json:"profile"`
	Encoding   string         `json:"encoding"`
	Header     []string       `json:"header"`
	HeaderLine int            `json:"header_line"`
	Rows       int            `json:"rows"`     // records read
	Excluded   int            `json:"excluded"` // records whose status keeps them off the web
	RowErrors  []Issue        `json:"row_errors"`
	Warnings   []Issue        `json:"warnings"`
	ErrorCount int            `json:"row_error_count"`
	WarnCount  int            `json:"warning_count"`
	FileError  *string        `json:"file_error"` // null when the extract is accepted
	Brands     map[string]int `json:"brands"`     // brand as typed → records
	Sizes      map[string]int `json:"sizes"`      // size as typed → records
}

// Issue is one row error or warning.
type Issue struct {
	Line   int    `json:"line"`            // line, or row for a workbook
	At     string `json:"at"`              // "stock.csv:12" or "stock.xlsx Stock!F12"
	Code   string `json:"code"`            // an erp.Code… constant
	Field  string `json:"field,omitempty"` // the record field at fault
	Value  string `json:"value,omitempty"` // the offending text
	Reason string `json:"reason"`          // what was expected
}

// Accepted reports whether the extract would be taken (no file error).
func (r *Report) Accepted() bool { return r.FileError == nil }

// Run reads the extract at path with the profile and the site's overrides.
func Run(ctx context.Context, profile string, opts erp.Options, path string) Report {
	rep := Report{File: filepath.Base(path), Profile: profile, Header: []string{},
		RowErrors: []Issue{}, Warnings: []Issue{}, Brands: map[string]int{}, Sizes: map[string]int{}}
	fail := func(err error) Report {
		msg := err.Error()
		rep.FileError = &msg
		return rep
	}
	rd, err := erp.New(profile, opts)
	if err != nil {
		return fail(err)
	}
	f, err := os.Open(path)
	if err != nil {
		return fail(fmt.Errorf("open the extract: %w", err))
	}
	defer f.Close()
	sum, err := rd.Read(ctx, rep.File, f, erp.Sink{
		Record: func(rec erp.Record) error {
			rep.Brands[rec.Brand]++
			if rec.Size != "" {
				rep.Sizes[rec.Size]++
			}
			if rec.Excluded {
				rep.Excluded++
			}
			return nil
		},
		Problem: func(p erp.Problem) {
			is := Issue{Line: p.Loc.Line, At: p.Loc.String(), Code: p.Code, Field: p.Field, Value: p.Value, Reason: reason(p)}
			if p.Severity == erp.Warning {
				if rep.WarnCount++; len(rep.Warnings) < MaxListed {
					rep.Warnings = append(rep.Warnings, is)
				}
				return
			}
			if rep.ErrorCount++; len(rep.RowErrors) < MaxListed {
				rep.RowErrors = append(rep.RowErrors, is)
			}
		},
	})
	rep.Encoding, rep.HeaderLine, rep.Rows = sum.Encoding, sum.HeaderLine, sum.Rows
	if sum.Header != nil {
		rep.Header = sum.Header
	}
	var fe *erp.FileError
	switch {
	case errors.As(err, &fe):
		return fail(fe)
	case err != nil:
		return fail(err)
	}
	return rep
}

func reason(p erp.Problem) string {
	if p.Field == "" {
		return p.Message
	}
	return fmt.Sprintf("%s %q: %s", p.Field, p.Value, p.Message)
}

// Counts returns the keys of m sorted by count, highest first, then by name.
func Counts(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if m[a] != m[b] {
			return m[b] - m[a]
		}
		return strings.Compare(a, b)
	})
	return keys
}
