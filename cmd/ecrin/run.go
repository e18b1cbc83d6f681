package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	_ "time/tzdata" // the zone database, for Windows machines that lack one

	"github.com/rs/zerolog"

	"github.com/ecrin-connect/ecrin/connector"
	"github.com/ecrin-connect/ecrin/connector/config"
	"github.com/ecrin-connect/ecrin/connector/logging"
	"github.com/ecrin-connect/ecrin/connector/schedule"
	"github.com/ecrin-connect/ecrin/connector/service"
	"github.com/ecrin-connect/ecrin/connector/state"
)

// Exit statuses of `ecrin run --once`.
const (
	exitHeld = 3 // a guard held the run
)

func runRun(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sf := addSiteFlags(fs)
	once := fs.Bool("once", false, "run once now and exit (status 0 done or nothing new, 3 held, 1 error)")
	asService := fs.Bool("service", false, "run as the system service (set by `ecrin install`)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	limitNightMemory()
	if !*once {
		return runScheduled(*sf.config, *asService, stderr)
	}
	ctx, stop := interruptible()
	defer stop()
	site, err := openSite(ctx, sf, stderr, reachAll)
	if err != nil {
		return fail(stderr, "run", err)
	}
	defer site.Close()
	out, err := site.RunOnce(ctx, connector.TriggerManual)
	if out.Resumed > 0 {
		fmt.Fprintf(stdout, "interrupted push finished: %d batches sent\n", out.Resumed)
	}
	if err != nil {
		return fail(stderr, "run", err)
	}
	if out.Status == state.StatusNoExtract {
		fmt.Fprintln(stdout, "no new extract")
		return 0
	}
	printOutcome(stdout, out)
	if out.Status == state.StatusHeld {
		return exitHeld
	}
	return 0
}

// runScheduled runs ecrin on its schedule until stopped: under the service manager
// with --service, else in the foreground.
func runScheduled(configPath string, asService bool, stderr io.Writer) int {
	cfg, err := config.Load(configPath)
	if err != nil && asService {
		return waitForConfig(configPath, err)
	}
	if err != nil {
		return fail(stderr, "run", err)
	}
	svc, err := service.New(service.Config{ConfigPath: cfg.Path})
	if err != nil {
		return fail(stderr, "run", err)
	}
	opts := logging.Options{DataDir: cfg.DataDir, Secrets: cfg.Secrets()}
	if sys, err := svc.SystemLogger(); err == nil {
		opts.System = sys
	}
	if !asService {
		opts.Console = stderr
	}
	log, err := logging.Open(cfg.Log, opts)
	if err != nil {
		return fail(stderr, "run", err)
	}
	defer log.Close()
	for _, w := range cfg.Warnings {
		log.Warn().Msg(w)
	}
	sched, err := schedule.New(cfg.Schedule)
	if err != nil {
		return fail(stderr, "run", err)
	}
	work := func(ctx context.Context) error {
		site, err := connector.Open(ctx, cfg, connector.Options{Logger: log.Logger})
		if err != nil {
			return err
		}
		defer site.Close()
		if err := site.Resume(ctx); err != nil {
			log.Error().Err(err).Msg("resume the interrupted push (the next run tries again)")
		}
		last := time.Time{}
		if runs, err := site.Store().Runs(ctx, 1); err == nil && len(runs) > 0 {
			last = runs[0].Started
		}
		s := schedule.NewScheduler(sched, schedule.Options{Log: log.Logger, LastRun: last})
		return s.Run(ctx, func(ctx context.Context) error {
			_, err := site.RunOnce(ctx, connector.TriggerSchedule)
			return err
		})
	}
	log.Info().Str("config", cfg.Path).Str("version", version).Msg("ecrin starting")
	if err := svc.Run(work, log.Logger); err != nil {
		log.Error().Err(err).Msg("ecrin stopped on an error")
		return 1
	}
	return 0
}

// configRecheck is how often a service that cannot use its configuration looks at
// the file again.
const configRecheck = time.Minute

// waitForConfig runs the service while its configuration cannot be used — the MSI
// starts the service with the example file, before the boutique's settings and
// secrets are in. Failing to start would make the installation fail, so the service
// starts, says why in the system log and its log file, looks at the file again every
// minute and, once it loads, ends so that the service manager restarts ecrin with it.
func waitForConfig(configPath string, cause error) int {
	abs, err := filepath.Abs(configPath)
	if err != nil {
		return 1
	}
	svc, err := service.New(service.Config{ConfigPath: abs})
	if err != nil {
		return 1
	}
	opts := logging.Options{DataDir: service.DefaultDataDir()}
	if sys, err := svc.SystemLogger(); err == nil {
		opts.System = sys
	}
	log, err := logging.Open(logging.DefaultConfig(), opts)
	if err != nil {
		return 1
	}
	defer log.Close()
	if err := svc.Run(configWaiter(abs, cause, log.Logger, configRecheck), log.Logger); err != nil {
		return 1
	}
	return 0
}

// errConfigFixed ends a waiting service: its configuration now loads.
var errConfigFixed = errors.New("the configuration now loads: restarting to use it")

// configWaiter is the work of a service waiting for a usable configuration.
func configWaiter(path string, cause error, log zerolog.Logger, every time.Duration) service.Work {
	return func(ctx context.Context) error {
		log.Error().Err(cause).Msg("the configuration cannot be used: ecrin waits until it is fixed (check it with `ecrin check`)")
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-tick.C:
				if _, err := config.Load(path); err == nil {
					log.Info().Msg("configuration fixed: ecrin restarts to use it")
					return errConfigFixed
				}
			}
		}
	}
}

func serviceCommand(action string) func(args []string, stdout, stderr io.Writer) int {
	return func(args []string, stdout, stderr io.Writer) int {
		fs := flag.NewFlagSet(action, flag.ContinueOnError)
		fs.SetOutput(stderr)
		cfgPath := fs.String("config", service.DefaultConfigPath(), "the configuration the service runs with")
		if err := fs.Parse(args); err != nil {
			return 2
		}
		line, err := service.Control(action, service.Config{ConfigPath: *cfgPath})
		if err != nil {
			return fail(stderr, action, err)
		}
		fmt.Fprintln(stdout, line)
		return 0
	}
}
