package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/ecrin-connect/ecrin/connector"
	"github.com/ecrin-connect/ecrin/connector/config"
	"github.com/ecrin-connect/ecrin/connector/logging"
	"github.com/ecrin-connect/ecrin/connector/service"
)

// siteFlags are the flags every command on a configured site takes.
type siteFlags struct {
	config *string
	quiet  *bool
}

func addSiteFlags(fs *flag.FlagSet) siteFlags {
	return siteFlags{
		config: fs.String("config", service.DefaultConfigPath(), "the site's configuration file"),
		quiet:  fs.Bool("q", false, "log only warnings and errors to the console"),
	}
}

// cliSite is a site opened by a manual command: the run logs to the site's log file
// and, human-readable, to the console.
type cliSite struct {
	*connector.Site
	cfg *config.Config
	log *logging.Logger
}

func (c *cliSite) Close() {
	c.Site.Close()
	c.log.Close()
}

// reach says what a command reaches beyond the site's own files: only what it
// reaches needs a secret.
type reach int

const (
	reachAll  reach = iota // the shop and the source (run, approve, rollback)
	localOnly              // the state file and the reports (runs, report)
	shopOnly               // precheck: the extract is a file, the catalog comes from the shop
)

// loadConfig loads the configuration, resolving only the secrets the command needs.
func loadConfig(path string, r reach) (*config.Config, error) {
	switch r {
	case localOnly:
		return config.Load(path, config.WithoutShopSecret(), config.WithoutSourcePassword())
	case shopOnly:
		return config.Load(path, config.WithoutSourcePassword())
	}
	return config.Load(path)
}

func openSite(ctx context.Context, f siteFlags, stderr io.Writer, r reach) (*cliSite, error) {
	cfg, err := loadConfig(*f.config, r)
	if err != nil {
		return nil, err
	}
	console := stderr
	if *f.quiet {
		console = nil
	}
	log, err := logging.Open(cfg.Log, logging.Options{DataDir: cfg.DataDir, Secrets: cfg.Secrets(), Console: console})
	if err != nil {
		return nil, err
	}
	for _, w := range cfg.Warnings {
		log.Warn().Msg(w)
	}
	site, err := connector.Open(ctx, cfg, connector.Options{Logger: log.Logger})
	if err != nil {
		log.Close()
		return nil, err
	}
	return &cliSite{Site: site, cfg: cfg, log: log}, nil
}

// interruptible is the context of a manual command: Ctrl-C or SIGTERM cancels it.
func interruptible() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

func fail(stderr io.Writer, cmd string, err error) int {
	fmt.Fprintf(stderr, "ecrin %s: %v\n", cmd, err)
	return 1
}

func printOutcome(w io.Writer, o connector.Outcome) {
	fmt.Fprintf(w, "run %d: %s\n", o.RunID, o.Status)
	if o.Extract != "" {
		fmt.Fprintf(w, "  extract      %s\n", o.Extract)
	}
	fmt.Fprintf(w, "  rows read    %d (row errors %d)\n  matched      %d\n  published    %d\n  unpublished  %d\n  pushed       %d (rejected %d)\n",
		o.Rows, o.RowErrors, o.Matched, o.Published, o.Unpublished, o.Pushed, o.Rejected)
	for _, r := range o.Held {
		fmt.Fprintf(w, "  held: %s — %s\n", r.Code, r.Message)
	}
	switch {
	case o.ReportPath != "":
		fmt.Fprintf(w, "  report       %s\n", o.ReportPath)
	case o.RunID != 0:
		fmt.Fprintf(w, "  report       NOT WRITTEN (see the log); the next start writes it again\n")
	}
}
