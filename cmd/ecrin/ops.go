package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/ecrin-connect/ecrin/connector"
	"github.com/ecrin-connect/ecrin/connector/config"
	"github.com/ecrin-connect/ecrin/connector/report"
	"github.com/ecrin-connect/ecrin/connector/state"
	"github.com/ecrin-connect/ecrin/erp"
	"github.com/ecrin-connect/ecrin/reconcile"
)

// runArg parses the one RUN argument of approve, rollback and report.
func runArg(fs *flag.FlagSet) (state.RunID, error) {
	if fs.NArg() != 1 {
		return 0, fmt.Errorf("give one run number (see `ecrin runs`)")
	}
	n, err := strconv.ParseInt(fs.Arg(0), 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("run %q: a run number is expected (see `ecrin runs`)", fs.Arg(0))
	}
	return state.RunID(n), nil
}

func runRuns(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("runs", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sf := addSiteFlags(fs)
	limit := fs.Int("n", 30, "how many runs, newest first")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ctx, stop := interruptible()
	defer stop()
	cfg, err := loadConfig(*sf.config, localOnly)
	if err != nil {
		return fail(stderr, "runs", err)
	}
	st, err := state.Open(ctx, cfg.StatePath())
	if err != nil {
		return fail(stderr, "runs", err)
	}
	defer st.Close()
	runs, err := st.Runs(ctx, *limit)
	if err != nil {
		return fail(stderr, "runs", err)
	}
	loc := cfg.Location()
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RUN\tSTARTED\tTRIGGER\tSTATUS\tEXTRACT\tROWS\tMATCHED\tPUBLISHED\tUNPUBLISHED\tPUSHED")
	for _, r := range runs {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\n", r.ID, r.Started.In(loc).Format("2006-01-02 15:04"),
			r.Trigger, r.Status, r.ExtractName, r.Rows, r.Matched, r.Published, r.Unpublished, r.Pushed)
	}
	tw.Flush()
	return 0
}

// onRun is the shape of report, approve and rollback: flags, one RUN argument, the
// site opened, then the command's own work.
func onRun(name string, r reach, args []string, stderr io.Writer, do func(ctx context.Context, site *cliSite, id state.RunID) error, flags ...func(*flag.FlagSet)) int {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	sf := addSiteFlags(fs)
	for _, f := range flags {
		f(fs)
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	id, err := runArg(fs)
	if err != nil {
		return fail(stderr, name, err)
	}
	ctx, stop := interruptible()
	defer stop()
	site, err := openSite(ctx, sf, stderr, r)
	if err != nil {
		return fail(stderr, name, err)
	}
	defer site.Close()
	if err := do(ctx, site, id); err != nil {
		return fail(stderr, name, err)
	}
	return 0
}

func runReport(args []string, stdout, stderr io.Writer) int {
	var full bool
	return onRun("report", localOnly, args, stderr, func(ctx context.Context, site *cliSite, id state.RunID) error {
		path, err := site.ReportFull(ctx, id, full)
		if err == nil {
			fmt.Fprintln(stdout, path)
		}
		return err
	}, func(fs *flag.FlagSet) {
		fs.BoolVar(&full, "full", false, "add the sheet of every product and size as the shop holds them now (streamed from the state file)")
	})
}

func runApprove(args []string, stdout, stderr io.Writer) int {
	return onRun("approve", reachAll, args, stderr, func(ctx context.Context, site *cliSite, id state.RunID) error {
		out, err := site.Approve(ctx, id)
		if err == nil {
			printOutcome(stdout, out)
		}
		return err
	})
}

func runRollback(args []string, stdout, stderr io.Writer) int {
	return onRun("rollback", reachAll, args, stderr, func(ctx context.Context, site *cliSite, id state.RunID) error {
		out, unknown, err := site.Rollback(ctx, id)
		if err != nil {
			return err
		}
		printOutcome(stdout, out)
		if unknown > 0 {
			fmt.Fprintf(stdout, "  %d products or sizes were first pushed by run %d: no earlier value to restore, left as they are\n", unknown, id)
		}
		return nil
	})
}

func runCheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sf := addSiteFlags(fs)
	offline := fs.Bool("offline", false, "check the configuration only, reach neither the source nor the shop")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ctx, stop := interruptible()
	defer stop()
	cfg, err := config.Load(*sf.config)
	if err != nil {
		return fail(stderr, "check", err)
	}
	fmt.Fprintf(stdout, "configuration %s: ok (boutique %s, ERP %s, source %s)\n", cfg.Path, cfg.Site.ID, cfg.ERP.Profile, cfg.Source.Kind)
	for _, w := range cfg.Warnings {
		fmt.Fprintf(stdout, "  warning: %s\n", w)
	}
	if *offline {
		return 0
	}
	probe := connector.Probe(ctx, cfg)
	failed := false
	for _, p := range probe {
		mark := "ok"
		if p.Err != nil {
			mark, failed = "FAILED: "+p.Err.Error(), true
		}
		fmt.Fprintf(stdout, "%-8s %s: %s\n", p.What, p.Target, mark)
	}
	if failed {
		return 1
	}
	return 0
}

func runPrecheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("precheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "the site's configuration (profile, brand table, shop); optional with --erp and --catalog")
	profile := fs.String("erp", "", "ERP profile of the extract (default: the configuration's)")
	catalogFile := fs.String("catalog", "", "a catalog file (default: fetched from the shop): JSON (the shop's product shape), or CSV as a back office exports it,\n"+
		"a header row then brand;ref;size;product_id, optional variant_id;ean;category;published (other columns ignored);\n"+
		"the rows of one product_id with sizes make a declinable product; errors name file:line and the field")
	outDir := fs.String("out", ".", "folder for the workbook and the CSV of references to rewrite")
	lang := fs.String("lang", "fr", "language of the outputs: fr or en")
	minRate := fs.Float64("min-rate", connector.DefaultPrecheckMinRate, "match rate needed to be ready to connect (0..1)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		return fail(stderr, "precheck", fmt.Errorf("give one extract file"))
	}
	ctx, stop := interruptible()
	defer stop()
	in := connector.PrecheckInput{Extract: fs.Arg(0), Profile: *profile, MinRate: *minRate, Now: time.Now().UTC(), TimeZone: config.DefaultTimezone}
	var site *cliSite
	if *cfgPath != "" {
		var err error
		q := true
		r := shopOnly // the extract is a file: the source is not reached
		if *catalogFile != "" {
			r = localOnly // nor the shop, with a catalog file
		}
		site, err = openSite(ctx, siteFlags{config: cfgPath, quiet: &q}, stderr, r)
		if err != nil {
			return fail(stderr, "precheck", err)
		}
		defer site.Close()
		in.Site, in.TimeZone, in.Rules = site.cfg.Site.Name, site.cfg.Site.Timezone, site.cfg.Rules
		if in.Profile == "" {
			in.Profile, in.Options = site.cfg.ERP.Profile, site.cfg.ERP.Options
		}
		if in.Mapper, err = site.Mapper(ctx); err != nil {
			return fail(stderr, "precheck", err)
		}
	}
	if in.Profile == "" {
		return fail(stderr, "precheck", fmt.Errorf("--erp is required without --config (one of %v)", erp.Profiles()))
	}
	var err error
	switch {
	case *catalogFile != "":
		// Loaded while the extract is decoded; an error of it is Precheck's.
		in.LoadCatalog = func() ([]reconcile.Product, error) {
			c, err := connector.LoadCatalogFile(*catalogFile)
			in.Catalog = c // for the summary below, once Precheck is done
			return c, err
		}
		in.CatalogName = filepath.Base(*catalogFile)
	case site != nil:
		in.Catalog, err = site.Catalog(ctx)
		in.CatalogName = site.ShopName()
	default:
		err = fmt.Errorf("--catalog is required without --config")
	}
	if err != nil {
		return fail(stderr, "precheck", err)
	}
	p, err := connector.Precheck(ctx, in)
	if err != nil {
		return fail(stderr, "precheck", err)
	}
	opts := report.Options{Language: *lang}
	if err := os.MkdirAll(*outDir, 0o755); err != nil {
		return fail(stderr, "precheck", fmt.Errorf("--out: %w", err))
	}
	xlsx := filepath.Join(*outDir, report.PrecheckFile(in.Now))
	csvPath := filepath.Join(*outDir, report.RewriteFile(in.Now))
	if err := writeFile(xlsx, func(w io.Writer) error { return report.WritePrecheck(w, p, opts) }); err != nil {
		return fail(stderr, "precheck", err)
	}
	if err := writeFile(csvPath, func(w io.Writer) error { return report.WriteRewriteCSV(w, p, opts) }); err != nil {
		return fail(stderr, "precheck", err)
	}
	fmt.Fprintf(stdout, "extract %s against %s (%d products)\n", p.File, p.Catalog, len(in.Catalog))
	fmt.Fprintf(stdout, "  rows read %d, matched %d, unmatched %d, ambiguous %d, unmapped %d — match rate %.1f %%\n",
		p.Counts.RowsRead, p.Counts.Matched, p.Counts.Unmatched, p.Counts.Ambiguous, p.Counts.Unmapped, 100*p.Counts.MatchRate())
	if p.Ready() {
		fmt.Fprintln(stdout, "  verdict: ready to connect")
	} else {
		fmt.Fprintln(stdout, "  verdict: not ready:")
		for _, r := range p.Missing {
			fmt.Fprintf(stdout, "    - %s %s\n", r.Code, r.Detail)
		}
	}
	fmt.Fprintf(stdout, "  workbook   %s\n  rewrite    %s\n", xlsx, csvPath)
	return 0
}

// writeFile writes a file through a temporary name.
func writeFile(path string, write func(io.Writer) error) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return os.Rename(tmp, path)
}
