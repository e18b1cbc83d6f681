package logging

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/rs/zerolog"
)

// Options say where a Logger writes besides its file.
type Options struct {
	// DataDir anchors the default and relative log file paths.
	DataDir string
	// Secrets are masked in every line (passwords, shop secret…).
	Secrets []string
	// System, when set, also receives errors and held runs.
	System SystemLogger
	// Console, when set, also receives human-readable lines (manual runs).
	Console io.Writer
}

// Logger is the service's logger; Close it to close its file.
type Logger struct {
	zerolog.Logger
	file *RotatingFile
}

// Open returns a logger writing JSON lines, times in UTC, to the rotating
// file of c, and to the system log and the console when o asks, every line
// passed through a Redactor of o.Secrets.
func Open(c Config, o Options) (*Logger, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	level, _ := c.level()
	f, err := OpenRotating(c.Path(o.DataDir), int64(c.MaxSizeMB)<<20, c.MaxFiles)
	if err != nil {
		return nil, err
	}
	writers := []io.Writer{f}
	if o.System != nil {
		writers = append(writers, systemWriter{o.System})
	}
	if o.Console != nil {
		writers = append(writers, consoleWriter(o.Console))
	}
	w := NewRedactor(zerolog.MultiLevelWriter(writers...), o.Secrets)
	l := zerolog.New(w).Level(level).Hook(utcTime{})
	return &Logger{Logger: l, file: f}, nil
}

// Close closes the log file.
func (l *Logger) Close() error {
	if err := l.file.Close(); err != nil {
		return fmt.Errorf("close logger: %w", err)
	}
	return nil
}

// NewConsole returns the logger of CLI commands: human-readable lines to w
// (colored on a terminal), secrets masked.
func NewConsole(w io.Writer, level zerolog.Level, secrets []string) zerolog.Logger {
	return zerolog.New(NewRedactor(consoleWriter(w), secrets)).Level(level).With().Timestamp().Logger()
}

func consoleWriter(w io.Writer) zerolog.ConsoleWriter {
	return zerolog.ConsoleWriter{
		Out:          w,
		NoColor:      !isTerminal(w),
		TimeFormat:   time.TimeOnly,
		TimeLocation: time.Local,
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// utcTime stamps each line in UTC, whatever the zone of the machine.
type utcTime struct{}

func (utcTime) Run(e *zerolog.Event, _ zerolog.Level, _ string) {
	e.Time(zerolog.TimestampFieldName, time.Now().UTC())
}
