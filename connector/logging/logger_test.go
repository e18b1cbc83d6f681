package logging

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/rs/zerolog"
)

// recorder stands for the Windows Event Log or the journal.
type recorder struct {
	mu    sync.Mutex
	lines []string
}

func (r *recorder) add(level string, v []interface{}) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = append(r.lines, level+" "+fmt.Sprint(v...))
	return nil
}

func (r *recorder) Error(v ...interface{}) error   { return r.add("E", v) }
func (r *recorder) Warning(v ...interface{}) error { return r.add("W", v) }
func (r *recorder) Info(v ...interface{}) error    { return r.add("I", v) }

// A full run's worth of logging, through every sink, never shows a secret.
func TestNoSecretInAnyLogLine(t *testing.T) {
	secrets := []string{
		"ftp-P@ss w0rd/é",                 // needs URL escaping
		`shop"secret\with\escapes` + "\t", // needs JSON escaping
		"s3cr3t-token-42",
	}
	dir := t.TempDir()
	sys := &recorder{}
	var console bytes.Buffer
	c := DefaultConfig()
	c.Level = "debug"
	c.MaxSizeMB = 1
	log, err := Open(c, Options{DataDir: dir, Secrets: append(secrets, ""), System: sys, Console: &console})
	if err != nil {
		t.Fatal(err)
	}
	ftpURL := (&url.URL{Scheme: "ftp", User: url.UserPassword("boutique", secrets[0]), Host: "erp.example:21"}).String()
	log.Info().Str("source", ftpURL).Msg("fetching extract")
	log.Debug().Str("password", secrets[0]).Msg("login")
	log.Error().Err(fmt.Errorf("sign batch with %q: %w", secrets[1], errors.New("refused"))).Msg("push failed")
	Held(&log.Logger).Str("guard", "min_rows_ratio").Msg("run held: token " + secrets[2])
	log.Warn().Strs("args", []string{"--secret", secrets[1]}).Msg("odd arguments")
	log.Info().Interface("cfg", map[string]string{"secret": secrets[2]}).Msg("config loaded")
	log.Info().Msg("run finished")
	if err := log.Close(); err != nil {
		t.Fatal(err)
	}

	file, err := os.ReadFile(c.Path(dir))
	if err != nil {
		t.Fatal(err)
	}
	if got := filepath.Join(dir, "logs", "ecrin.log"); c.Path(dir) != got {
		t.Errorf("default path %s, want %s", c.Path(dir), got)
	}
	lines := strings.Split(strings.TrimSpace(string(file)), "\n")
	if len(lines) != 7 {
		t.Fatalf("%d lines in the file, want 7:\n%s", len(lines), file)
	}
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Errorf("line is not JSON: %v\n%s", err, l)
		}
		if ts, _ := m["time"].(string); !strings.HasSuffix(ts, "Z") {
			t.Errorf("time %q is not UTC in %s", ts, l)
		}
	}
	sinks := map[string]string{
		"file":    string(file),
		"console": console.String(),
		"system":  strings.Join(sys.lines, "\n"),
	}
	for name, text := range sinks {
		for _, s := range secrets {
			for _, form := range []string{s, url.QueryEscape(s), url.PathEscape(s), userinfoEncoded(s), jsonEscaped(s)} {
				if strings.Contains(text, form) {
					t.Errorf("%s log shows secret %q as %q:\n%s", name, s, form, text)
				}
			}
		}
		if !strings.Contains(text, Mask) {
			t.Errorf("%s log has no mask, so the test proves nothing:\n%s", name, text)
		}
	}
	for _, want := range []string{"fetching extract", "boutique", "erp.example", "run finished", "min_rows_ratio"} {
		if !strings.Contains(string(file), want) {
			t.Errorf("file lacks %q: the redactor hid too much", want)
		}
	}
	if len(sys.lines) != 2 || !strings.HasPrefix(sys.lines[0], "E push failed") || !strings.HasPrefix(sys.lines[1], "W run held") {
		t.Errorf("system log got %q, want the error then the held run", sys.lines)
	}
}

func jsonEscaped(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

func TestRedactorForms(t *testing.T) {
	tests := []struct {
		name    string
		secrets []string
		in      string
		want    string
	}{
		{"plain", []string{"hunter2"}, "pw=hunter2 end", "pw=*** end"},
		{"every occurrence", []string{"ab12"}, "ab12ab12 ab12", "****** ***"},
		{"longest first", []string{"abc", "abcdef"}, "x abcdef y abc", "x *** y ***"},
		{"json escaped", []string{`a"b\c`}, `{"s":"a\"b\\c"}`, `{"s":"***"}`},
		{"url escaped", []string{"p@ss word"}, "ftp://u:p%40ss%20word@h", "ftp://u:***@h"},
		{"query escaped", []string{"p@ss word"}, "?pw=p%40ss+word", "?pw=***"},
		{"no secrets", nil, "nothing to hide", "nothing to hide"},
		{"empty secret ignored", []string{""}, "nothing to hide", "nothing to hide"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			n, err := NewRedactor(&b, tt.secrets).Write([]byte(tt.in))
			if err != nil || n != len(tt.in) {
				t.Fatalf("Write = %d, %v; want %d, nil", n, err, len(tt.in))
			}
			if b.String() != tt.want {
				t.Errorf("got %q, want %q", b.String(), tt.want)
			}
		})
	}
}

func TestNewConsole(t *testing.T) {
	var b bytes.Buffer
	l := NewConsole(&b, zerolog.InfoLevel, []string{"topsecret"})
	l.Info().Str("file", "stock.csv").Msg("read topsecret extract")
	l.Debug().Msg("hidden")
	out := b.String()
	if strings.Contains(out, "topsecret") || strings.Contains(out, "hidden") {
		t.Errorf("console shows what it must not: %q", out)
	}
	if !strings.Contains(out, "INF read *** extract file=stock.csv") {
		t.Errorf("console line is not human-readable: %q", out)
	}
}

func TestConfig(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(*Config)
		wantErr string
	}{
		{"defaults", func(*Config) {}, ""},
		{"empty level is info", func(c *Config) { c.Level = "" }, ""},
		{"no backups", func(c *Config) { c.MaxFiles = 0 }, ""},
		{"bad level", func(c *Config) { c.Level = "verbose" }, "log.level"},
		{"trace refused", func(c *Config) { c.Level = "trace" }, "log.level"},
		{"zero size", func(c *Config) { c.MaxSizeMB = 0 }, "log.max_size_mb"},
		{"negative files", func(c *Config) { c.MaxFiles = -1 }, "log.max_files"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			tt.edit(&c)
			err := c.Validate()
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("Validate() = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestConfigPath(t *testing.T) {
	data := filepath.Join(string(filepath.Separator), "var", "lib", "ecrin")
	abs := filepath.Join(string(filepath.Separator), "var", "log", "ecrin.log")
	tests := []struct{ file, want string }{
		{"", filepath.Join(data, "logs", "ecrin.log")},
		{"custom.log", filepath.Join(data, "custom.log")},
		{abs, abs},
	}
	for _, tt := range tests {
		if got := (Config{File: tt.file}).Path(data); got != tt.want {
			t.Errorf("Path(%q) = %s, want %s", tt.file, got, tt.want)
		}
	}
}

func TestProgress(t *testing.T) {
	var b bytes.Buffer
	p := NewProgress(&b, "push", 200)
	for i := int64(0); i <= 200; i++ {
		p.Set(i)
	}
	p.Done(200)
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	// Not a terminal: one line per tenth (0 … 100 %) and the final one.
	if len(lines) != 12 {
		t.Fatalf("%d lines, want 12:\n%s", len(lines), b.String())
	}
	if lines[1] != "push: 20/200 (10%)" || lines[11] != "push: 200/200 (100%)" {
		t.Errorf("unexpected lines %q … %q", lines[1], lines[11])
	}

	b.Reset()
	u := NewProgress(&b, "rows", 0)
	u.Set(999)
	u.Set(1000)
	u.Done(1234)
	if got := b.String(); got != "rows: 999\nrows: 1000\nrows: 1234\n" {
		t.Errorf("unknown total drew %q", got)
	}
}
