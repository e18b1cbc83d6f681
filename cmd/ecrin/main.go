// Command ecrin connects a jewelry boutique's ERP to its web shop: it runs as a
// service (Windows service or systemd) that reads the ERP's stock extract every night,
// reconciles it with the web catalog and pushes what changed, and offers the commands
// the boutique and its CSM use to set it up and follow it.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// version is set at build time: -ldflags "-X main.version=1.2.3".
var version = "dev"

// command is one ecrin sub-command.
type command struct {
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

func commands() map[string]command {
	return map[string]command{
		"demo":      {"play two demo nights against an in-process shop (no configuration needed)", runDemo},
		"run":       {"run once now (--once), or in the foreground on the schedule", runRun},
		"inspect":   {"read an extract with an ERP profile and say what is in it", runInspect},
		"check":     {"validate the configuration and reach the source and the shop", runCheck},
		"precheck":  {"onboarding: match an extract against the catalog, push nothing", runPrecheck},
		"runs":      {"list the run history", runRuns},
		"report":    {"write the report of a past run again", runReport},
		"approve":   {"release a run held by a guard", runApprove},
		"rollback":  {"push back the values a run replaced", runRollback},
		"install":   {"install the service", serviceCommand("install")},
		"uninstall": {"remove the service", serviceCommand("uninstall")},
		"start":     {"start the service", serviceCommand("start")},
		"stop":      {"stop the service", serviceCommand("stop")},
		"status":    {"tell whether the service runs", serviceCommand("status")},
		"version":   {"print the version", runVersion},
	}
}

func main() {
	stop := startProfile()
	code := dispatch(os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func dispatch(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		return 0
	}
	cmd, ok := commands()[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "ecrin: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	return cmd.run(args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "ecrin — stock connector between a jewelry boutique's ERP and its web shop")
	fmt.Fprintln(w, "\nUsage: ecrin <command> [flags]   (ecrin <command> -h for its flags)\n\nCommands:")
	cmds := commands()
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, cmds[n].summary)
	}
}

func runVersion(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintf(stdout, "ecrin %s\n", strings.TrimSpace(version))
	return 0
}
