package logging

import (
	"bytes"
	"strings"

	"github.com/rs/zerolog"
)

// SystemLogger is the system log: the Windows Event Log or the journal. The
// service.Logger of github.com/kardianos/service satisfies it.
type SystemLogger interface {
	Error(v ...interface{}) error
	Warning(v ...interface{}) error
	Info(v ...interface{}) error
}

// FieldEvent and EventHeld mark the line that says a run was held by a guard;
// that line goes to the system log too. Log it with Held.
const (
	FieldEvent = "event"
	EventHeld  = "held"
)

// Held starts the log event that says a run was held by a guard.
func Held(l *zerolog.Logger) *zerolog.Event {
	return l.Warn().Str(FieldEvent, EventHeld)
}

var heldMark = []byte(`"` + FieldEvent + `":"` + EventHeld + `"`)

// systemWriter passes errors and held runs to a SystemLogger, as one short
// human-readable line each; it drops the rest.
type systemWriter struct {
	sys SystemLogger
}

func (w systemWriter) Write(p []byte) (int, error) { return len(p), nil }

// WriteLevel never fails: a system log that is not there must not stop the
// file log.
func (w systemWriter) WriteLevel(l zerolog.Level, p []byte) (int, error) {
	switch {
	case l >= zerolog.ErrorLevel && l <= zerolog.PanicLevel:
		_ = w.sys.Error(humanLine(p))
	case bytes.Contains(p, heldMark):
		_ = w.sys.Warning(humanLine(p))
	}
	return len(p), nil
}

// humanLine renders one JSON log line as "message key=value …".
func humanLine(p []byte) string {
	var b bytes.Buffer
	cw := zerolog.ConsoleWriter{
		Out:          &b,
		NoColor:      true,
		PartsExclude: []string{zerolog.TimestampFieldName, zerolog.LevelFieldName},
	}
	if _, err := cw.Write(p); err != nil {
		return strings.TrimSpace(string(p))
	}
	return strings.TrimSpace(b.String())
}
