package all

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/ecrin-connect/ecrin/erp"
)

var update = flag.Bool("update", false, "rewrite the .golden files in testdata/erp")

var testdata = filepath.Join("..", "..", "testdata", "erp")

// profileOptions reads testdata/erp/<profile>/profile.yaml when there is one: the
// site settings its samples are read with.
func profileOptions(t *testing.T, profile string) erp.Options {
	var o erp.Options
	b, err := os.ReadFile(filepath.Join(testdata, profile, "profile.yaml"))
	if errors.Is(err, os.ErrNotExist) {
		return o
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &o); err != nil {
		t.Fatalf("%s/profile.yaml: %v", profile, err)
	}
	return o
}

type goldenProblem struct {
	At       string `json:"at"`
	Severity string `json:"severity"`
	Code     string `json:"code"`
	Field    string `json:"field,omitempty"`
	Value    string `json:"value,omitempty"`
}

type goldenFileError struct {
	Code    string `json:"code"`
	At      string `json:"at"`
	Message string `json:"message"`
}

type golden struct {
	Profile    string           `json:"profile"`
	Encoding   string           `json:"encoding"`
	HeaderLine int              `json:"header_line"`
	Rows       int              `json:"rows"`
	RowErrors  int              `json:"row_errors"`
	Warnings   int              `json:"warnings"`
	Excluded   int              `json:"excluded"`
	FileError  *goldenFileError `json:"file_error"`
	Problems   []goldenProblem  `json:"problems,omitempty"` // the first 20
	Records    []erp.Record     `json:"records,omitempty"`  // the first 5 and the last
}

// fileOptions reads <extract>.yaml when there is one: settings of the site that
// drops this extract, applied over the profile's (a configured sheet, a format).
func fileOptions(t *testing.T, path string) erp.Options {
	var o erp.Options
	b, err := os.ReadFile(path + ".yaml")
	if errors.Is(err, os.ErrNotExist) {
		return o
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &o); err != nil {
		t.Fatalf("%s.yaml: %v", path, err)
	}
	return o
}

func readGolden(t *testing.T, profile, path string) golden {
	r, err := erp.New(profile, profileOptions(t, profile).Merge(fileOptions(t, path)))
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var g golden
	var last erp.Record
	sum, err := r.Read(context.Background(), filepath.Base(path), f, erp.Sink{
		Record: func(rec erp.Record) error {
			if len(g.Records) < 5 {
				g.Records = append(g.Records, rec)
			}
			if rec.Excluded {
				g.Excluded++
			}
			last = rec
			return nil
		},
		Problem: func(p erp.Problem) {
			if len(g.Problems) < 20 {
				g.Problems = append(g.Problems, goldenProblem{p.Loc.String(), p.Severity.String(), p.Code, p.Field, p.Value})
			}
		},
	})
	if sum.Rows > 5 {
		g.Records = append(g.Records, last)
	}
	g.Profile, g.Encoding, g.HeaderLine = sum.Profile, sum.Encoding, sum.HeaderLine
	g.Rows, g.RowErrors, g.Warnings = sum.Rows, sum.RowErrors, sum.Warnings
	var fe *erp.FileError
	switch {
	case errors.As(err, &fe):
		g.FileError = &goldenFileError{fe.Code, fe.Loc.String(), fe.Error()}
		g.Records, g.Excluded = nil, 0
	case err != nil:
		t.Fatalf("read %s: %v (want nil or a *FileError)", path, err)
	}
	return g
}

// TestGolden reads every sample and broken variant in testdata/erp/<profile>/ and
// compares what it gives (counts, first records, problems, file error) with its
// .golden file; run with -update to rewrite them after checking the diff.
func TestGolden(t *testing.T) {
	dirs := map[string]string{"bijou3": "bijou3", "m3soft": "m3soft", "4d": "4d", "cestia": "cestia", "generic": "generic"}
	n := 0
	for dir, profile := range dirs {
		for _, sub := range []string{"", "broken"} {
			entries, _ := os.ReadDir(filepath.Join(testdata, dir, sub))
			for _, e := range entries {
				name := e.Name()
				if e.IsDir() || strings.HasSuffix(name, ".golden") || strings.HasSuffix(name, ".yaml") {
					continue
				}
				path := filepath.Join(testdata, dir, sub, name)
				n++
				t.Run(filepath.ToSlash(filepath.Join(dir, sub, name)), func(t *testing.T) {
					got, err := json.MarshalIndent(readGolden(t, profile, path), "", "  ")
					if err != nil {
						t.Fatal(err)
					}
					got = append(got, '\n')
					gp := path + ".golden"
					if *update {
						if err := os.WriteFile(gp, got, 0o644); err != nil {
							t.Fatal(err)
						}
						return
					}
					want, err := os.ReadFile(gp)
					if err != nil {
						t.Fatalf("%v (run go test ./erp/all -run TestGolden -update)", err)
					}
					if !bytes.Equal(got, want) {
						t.Errorf("%s: result differs from %s:\n%s", path, gp, got)
					}
				})
			}
		}
	}
	if n < 30 {
		t.Errorf("found %d extracts in %s, want the samples and their broken variants", n, testdata)
	}
}
