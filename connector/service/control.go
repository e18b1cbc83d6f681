package service

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"runtime"
	"strings"

	kservice "github.com/kardianos/service"
	"github.com/rs/zerolog"

	"github.com/ecrin-connect/ecrin/installer/linux"
)

// Name is the service name: the Windows service, the systemd unit ecrin.service.
const Name = "ecrin"

// Windows recovery actions set at install: restart a minute after a
// failure, and forget failures after a day.
const (
	restartDelay = "60s"
	resetPeriod  = 24 * 60 * 60 // seconds
)

// linuxUser is the account the systemd unit runs as.
const linuxUser = "ecrin"

// unitPaths are where the packages install the unit.
var unitPaths = []string{"/usr/lib/systemd/system/ecrin.service", "/lib/systemd/system/ecrin.service"}

// Config says which configuration the service runs with.
type Config struct {
	// ConfigPath is the ecrin.yaml the service reads; made absolute.
	// Empty means DefaultConfigPath().
	ConfigPath string
	// Executable is the ecrin binary; empty means the running one.
	Executable string
}

// Service is ecrin as a system service.
type Service struct {
	svc  kservice.Service
	prog *Program
}

// New returns the service for cfg; it does not touch the system.
func New(cfg Config) (*Service, error) {
	kc, err := serviceConfig(cfg, runtime.GOOS)
	if err != nil {
		return nil, err
	}
	prog := NewProgram(nil, zerolog.Nop())
	svc, err := kservice.New(prog, kc)
	if err != nil {
		return nil, fmt.Errorf("set up service %s: %w", Name, err)
	}
	return &Service{svc: svc, prog: prog}, nil
}

// SystemLogger returns the Windows Event Log or the journal (syslog), or the
// console when ecrin runs interactively. It satisfies logging.SystemLogger.
func (s *Service) SystemLogger() (kservice.Logger, error) {
	l, err := s.svc.Logger(nil)
	if err != nil {
		return nil, fmt.Errorf("open system log: %w", err)
	}
	return l, nil
}

// Run runs work as the service (or in the foreground when started by hand)
// until the service manager stops it or the process gets SIGTERM/Ctrl-C.
func (s *Service) Run(work Work, log zerolog.Logger) error {
	s.prog.work, s.prog.log = work, log
	if err := s.svc.Run(); err != nil {
		return fmt.Errorf("run service %s: %w", Name, err)
	}
	return nil
}

// Actions are the actions Control accepts.
var Actions = []string{"install", "uninstall", "start", "stop", "status"}

// Control performs action (install, uninstall, start, stop, status) on the
// service described by cfg and returns a line for the user.
func Control(action string, cfg Config) (string, error) {
	s, err := New(cfg)
	if err != nil {
		return "", err
	}
	return s.Control(action)
}

// Control performs action on s and returns a line for the user.
func (s *Service) Control(action string) (string, error) {
	switch action {
	case "status":
		st, err := s.svc.Status()
		switch {
		case errors.Is(err, kservice.ErrNotInstalled):
			return "ecrin is not installed", nil
		case err != nil:
			return "", fmt.Errorf("status of service %s: %w", Name, err)
		case st == kservice.StatusRunning:
			return "ecrin is running", nil
		case st == kservice.StatusStopped:
			return "ecrin is installed and stopped", nil
		default:
			return "ecrin is in an unknown state", nil
		}
	case "install":
		if runtime.GOOS == "linux" {
			if msg, done := linuxPrecheck(); done {
				return msg, nil
			}
		}
	case "uninstall", "start", "stop":
	default:
		return "", fmt.Errorf("unknown service action %q (want %s)", action, strings.Join(Actions, ", "))
	}
	if err := kservice.Control(s.svc, action); err != nil {
		return "", fmt.Errorf("%s service %s: %w", action, Name, err)
	}
	return fmt.Sprintf("ecrin: %s done", action), nil
}

// linuxPrecheck points the admin to the package when it installed the unit,
// and refuses an install the unit could not run (no ecrin user).
func linuxPrecheck() (string, bool) {
	for _, p := range unitPaths {
		if _, err := os.Stat(p); err == nil {
			return fmt.Sprintf("ecrin is installed by its package (%s): run `systemctl enable --now ecrin`", p), true
		}
	}
	if _, err := user.Lookup(linuxUser); err != nil {
		return fmt.Sprintf("install the .deb/.rpm package, or first create the service account: "+
			"useradd --system --user-group --home-dir /var/lib/ecrin --shell /usr/sbin/nologin %s", linuxUser), true
	}
	return "", false
}

// serviceConfig builds the kardianos configuration for goos.
func serviceConfig(cfg Config, goos string) (*kservice.Config, error) {
	conf := cfg.ConfigPath
	if conf == "" {
		conf = configPath(goos, os.Getenv)
	}
	if goos == runtime.GOOS && !filepath.IsAbs(conf) {
		abs, err := filepath.Abs(conf)
		if err != nil {
			return nil, fmt.Errorf("locate configuration %s: %w", conf, err)
		}
		conf = abs
	}
	kc := &kservice.Config{
		Name:        Name,
		DisplayName: "ecrin stock connector",
		Description: "Reads the jewelry boutique's ERP stock extract every night and updates the web shop.",
		Arguments:   []string{"run", "--service", "--config", conf},
		Executable:  cfg.Executable,
		Option:      kservice.KeyValue{},
	}
	switch goos {
	case "windows":
		kc.Option["StartType"] = "automatic"
		kc.Option["DelayedAutoStart"] = true // after the network is up
		kc.Option["OnFailure"] = "restart"
		kc.Option["OnFailureDelayDuration"] = restartDelay
		kc.Option["OnFailureResetPeriod"] = resetPeriod
	case "linux":
		exe := cfg.Executable
		if exe == "" {
			var err error
			if exe, err = os.Executable(); err != nil {
				return nil, fmt.Errorf("locate the ecrin binary: %w", err)
			}
		}
		unit, err := renderUnit(exe, conf)
		if err != nil {
			return nil, err
		}
		kc.UserName = linuxUser
		kc.Option["SystemdScript"] = unit
	}
	return kc, nil
}

// renderUnit returns installer/linux/ecrin.service with ExecStart naming exe
// and conf, ready for kardianos' template engine (which must find no action in it).
func renderUnit(exe, conf string) (string, error) {
	for _, p := range []string{exe, conf} {
		if strings.ContainsAny(p, "{}\"\\\n%$") || strings.Contains(p, " ") {
			return "", fmt.Errorf("write systemd unit: path %q needs quoting; install the package instead", p)
		}
	}
	old := "ExecStart=" + linux.Binary + " run --service --config " + linux.ConfigPath
	if !strings.Contains(linux.Unit, old) {
		return "", errors.New("write systemd unit: the embedded unit has no ExecStart line to fill")
	}
	return strings.Replace(linux.Unit, old, "ExecStart="+exe+" run --service --config "+conf, 1), nil
}
