package report

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// File names of the reports, stamped with the run's start (UTC) so they sort by date.
const stamp = "20060102T150405Z"

// ReportFile names the reconcile report of a run: its start (so names sort by
// date) and its number (two runs may start within one second).
func ReportFile(started time.Time, run string) string {
	return "report-" + started.UTC().Format(stamp) + "-run" + run + ".xlsx"
}

// PrecheckFile names a precheck workbook.
func PrecheckFile(at time.Time) string { return "precheck-" + at.UTC().Format(stamp) + ".xlsx" }

// RewriteFile names a precheck's CSV of references to rewrite.
func RewriteFile(at time.Time) string { return "precheck-" + at.UTC().Format(stamp) + "-rewrite.csv" }

// isReportFile tells the files this package names from anything else in the folder.
func isReportFile(name string) bool {
	return (strings.HasPrefix(name, "report-") || strings.HasPrefix(name, "precheck-")) &&
		(strings.HasSuffix(name, ".xlsx") || strings.HasSuffix(name, ".csv"))
}

// Retention says which report files to keep. A zero field does not limit.
type Retention struct {
	MaxAge   time.Duration `yaml:"max_age" json:"max_age,omitempty"`     // remove files modified longer ago
	MaxFiles int           `yaml:"max_files" json:"max_files,omitempty"` // keep only the newest files
}

// Prune removes from dir the report files that keep does not retain at now, and
// returns their names. Other files and folders are left alone. It goes on past a
// file it cannot remove and reports every failure.
func Prune(dir string, keep Retention, now time.Time) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("list reports in %s: %w", dir, err)
	}
	type file struct {
		name string
		mod  time.Time
	}
	var files []file
	for _, e := range entries {
		if !e.Type().IsRegular() || !isReportFile(e.Name()) {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // removed meanwhile
		}
		files = append(files, file{e.Name(), info.ModTime()})
	}
	slices.SortFunc(files, func(a, b file) int { // newest first
		if c := b.mod.Compare(a.mod); c != 0 {
			return c
		}
		return strings.Compare(b.name, a.name)
	})
	var removed []string
	var errs []error
	for i, f := range files {
		tooMany := keep.MaxFiles > 0 && i >= keep.MaxFiles
		tooOld := keep.MaxAge > 0 && now.Sub(f.mod) > keep.MaxAge
		if !tooMany && !tooOld {
			continue
		}
		if err := os.Remove(filepath.Join(dir, f.name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, fmt.Errorf("remove old report: %w", err))
			continue
		}
		removed = append(removed, f.name)
	}
	return removed, errors.Join(errs...)
}
