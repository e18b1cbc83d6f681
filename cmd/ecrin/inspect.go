package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ecrin-connect/ecrin/erp"
	"github.com/ecrin-connect/ecrin/erp/inspect"
)

// inspectListed is how many row errors the text output lists.
const inspectListed = 20

// inspectConfig is the part of a site configuration that inspect reads.
type inspectConfig struct {
	ERP struct {
		Profile string      `yaml:"profile"`
		Options erp.Options `yaml:"options"`
	} `yaml:"erp"`
}

// runInspect implements "ecrin inspect": read an extract with an ERP profile and say
// what is in it. Exit status: 0 the extract is accepted, 1 it is refused (file
// error), 2 usage error.
func runInspect(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("inspect", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: ecrin inspect --erp PROFILE [--encoding E] [--delimiter D] [--decimal C] [--config FILE] [--json] FILE")
		fmt.Fprintf(stderr, "Profiles: %s\n\n", strings.Join(erp.Profiles(), ", "))
		fs.PrintDefaults()
	}
	var (
		profile  = fs.String("erp", "", "ERP profile: "+strings.Join(erp.Profiles(), ", "))
		encoding = fs.String("encoding", "", "override the profile's encoding (IANA name: utf-8, windows-1252, iso-8859-15, macintosh)")
		delim    = fs.String("delimiter", "", `override the profile's delimiter (one character, "\t" for TAB)`)
		decimal  = fs.String("decimal", "", `override the profile's decimal mark ("," or ".")`)
		config   = fs.String("config", "", "a site configuration (YAML) whose erp section gives the profile and its overrides")
		asJSON   = fs.Bool("json", false, "print the report as one JSON object")
	)
	// Flags may come before or after the file.
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			if err == flag.ErrHelp {
				return 0
			}
			return 2
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(files) != 1 {
		fmt.Fprintln(stderr, "ecrin inspect: give exactly one extract file")
		fs.Usage()
		return 2
	}
	var opts erp.Options
	if *config != "" {
		b, err := os.ReadFile(*config)
		if err != nil {
			fmt.Fprintf(stderr, "ecrin inspect: read the configuration: %v\n", err)
			return 2
		}
		var c inspectConfig
		if err := yaml.Unmarshal(b, &c); err != nil {
			fmt.Fprintf(stderr, "ecrin inspect: parse %s: %v\n", *config, err)
			return 2
		}
		opts = c.ERP.Options
		if *profile == "" {
			*profile = c.ERP.Profile
		}
	}
	opts = opts.Merge(erp.Options{Encoding: *encoding, Delimiter: *delim, Decimal: *decimal})
	if *profile == "" {
		fmt.Fprintln(stderr, "ecrin inspect: say which ERP profile reads the file: --erp PROFILE (or --config)")
		fs.Usage()
		return 2
	}
	if _, err := erp.New(*profile, opts); err != nil {
		fmt.Fprintf(stderr, "ecrin inspect: %v\n", err)
		return 2
	}
	rep := inspect.Run(context.Background(), *profile, opts, files[0])
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintf(stderr, "ecrin inspect: %v\n", err)
			return 2
		}
	} else {
		printInspect(stdout, rep)
	}
	if !rep.Accepted() {
		return 1
	}
	return 0
}

// printInspect writes the report for a CSM, in French.
func printInspect(w io.Writer, r inspect.Report) {
	fmt.Fprintf(w, "Fichier        : %s\n", r.File)
	fmt.Fprintf(w, "Profil         : %s\n", r.Profile)
	fmt.Fprintf(w, "Encodage       : %s\n", r.Encoding)
	if r.HeaderLine > 0 {
		fmt.Fprintf(w, "En-tête        : ligne %d : %s\n", r.HeaderLine, strings.Join(r.Header, " | "))
	} else {
		fmt.Fprintln(w, "En-tête        : aucun (colonnes dans l'ordre du profil)")
	}
	fmt.Fprintf(w, "Lignes lues    : %d (dont %d hors web par leur statut)\n", r.Rows, r.Excluded)
	fmt.Fprintf(w, "Erreurs        : %d ligne(s) ignorée(s)\n", r.ErrorCount)
	for i, e := range r.RowErrors {
		if i == inspectListed {
			fmt.Fprintf(w, "  … et %d autre(s)\n", r.ErrorCount-inspectListed)
			break
		}
		fmt.Fprintf(w, "  %s : %s\n", e.At, e.Reason)
	}
	fmt.Fprintf(w, "Avertissements : %d\n", r.WarnCount)
	if len(r.Brands) > 0 {
		fmt.Fprintf(w, "Marques (%d) :\n", len(r.Brands))
		for _, b := range inspect.Counts(r.Brands) {
			fmt.Fprintf(w, "  %-30s %6d\n", b, r.Brands[b])
		}
	}
	if len(r.Sizes) > 0 {
		fmt.Fprintf(w, "Tailles vues (%d) :\n", len(r.Sizes))
		for _, s := range inspect.Counts(r.Sizes) {
			fmt.Fprintf(w, "  %-30s %6d\n", s, r.Sizes[s])
		}
	}
	if r.FileError != nil {
		fmt.Fprintf(w, "\nExtrait REFUSÉ : %s\n", *r.FileError)
		return
	}
	fmt.Fprintln(w, "\nExtrait accepté.")
}
