package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/rs/zerolog"

	"github.com/ecrin-connect/ecrin/connector/demo"
	"github.com/ecrin-connect/ecrin/connector/logging"
)

func runDemo(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", demo.DefaultDir, "data folder of the demo (wiped first)")
	verbose := fs.Bool("v", false, "log every step of the runs")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	level := zerolog.WarnLevel
	if *verbose {
		level = zerolog.DebugLevel
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	log := logging.NewConsole(stderr, level, nil)
	if _, err := demo.Run(ctx, demo.Options{Dir: *dir, Out: stdout, Logger: log}); err != nil {
		fmt.Fprintf(stderr, "ecrin demo: %v\n", err)
		return 1
	}
	return 0
}
