package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/ecrin-connect/ecrin/connector/logging"
	"github.com/ecrin-connect/ecrin/connector/schedule"
	"github.com/ecrin-connect/ecrin/connector/service"
	"github.com/ecrin-connect/ecrin/connector/shop"
	_ "github.com/ecrin-connect/ecrin/connector/shop/all" // shop kinds
	"github.com/ecrin-connect/ecrin/connector/source"
	"github.com/ecrin-connect/ecrin/erp"
	"github.com/ecrin-connect/ecrin/mapping"
	"github.com/ecrin-connect/ecrin/reconcile"
)

// Defaults.
const (
	DefaultTimezone       = "Europe/Paris"
	DefaultLanguage       = "fr"
	DefaultReportKeepDays = 90
	DefaultBatchSize      = 500 // items per pushed batch
)

// Config is one site's configuration: one boutique, one ERP, one shop.
type Config struct {
	Path string `yaml:"-"` // the file it was read from, absolute

	Site     Site             `yaml:"site"`
	DataDir  string           `yaml:"data_dir"` // state, archive, reports, logs; default /var/lib/ecrin or %ProgramData%\ecrin
	ERP      ERP              `yaml:"erp"`
	Source   Source           `yaml:"source"`
	Shop     Shop             `yaml:"shop"`
	Mapping  mapping.Config   `yaml:"mapping"`
	Rules    reconcile.Rules  `yaml:"rules"`
	Guards   reconcile.Limits `yaml:"guards"`
	Push     Push             `yaml:"push"`
	Schedule schedule.Config  `yaml:"schedule"`
	Log      logging.Config   `yaml:"log"`
	Report   Report           `yaml:"report"`

	// Secrets, resolved by Load; never encoded, never logged.
	SourcePassword string `yaml:"-"`
	ShopSecret     string `yaml:"-"`

	// Warnings are advice found while loading (world-readable secret file, …).
	Warnings []string `yaml:"-"`
}

// Site names the boutique.
type Site struct {
	ID       string `yaml:"id"`       // the boutique's id at the shop
	Name     string `yaml:"name"`     // shown in reports
	Timezone string `yaml:"timezone"` // IANA zone for schedules and reports; default Europe/Paris
}

// ERP says how the extract is read.
type ERP struct {
	Profile string      `yaml:"profile"` // bijou3, cestia, m3soft, 4d, generic
	Options erp.Options `yaml:"options"` // overrides of the profile's defaults
}

// Source says where the extract comes from. Kind selects the backend; the other keys
// are the backend's own settings (see connector/source/folder and connector/source/ftp).
type Source struct {
	Kind     string    // folder or ftp
	Password Secret    // ftp only
	Settings yaml.Node // the whole source block, given to the backend as it is
}

// UnmarshalYAML keeps the source block whole for its backend, which checks its own
// settings, and reads the two keys the loader needs.
func (s *Source) UnmarshalYAML(n *yaml.Node) error {
	var head struct {
		Kind     string `yaml:"kind"`
		Password Secret `yaml:"password"`
	}
	if err := n.Decode(&head); err != nil {
		return err
	}
	s.Kind, s.Password, s.Settings = head.Kind, head.Password, *n
	return nil
}

// Shop says where decisions are pushed. Kind selects the shop kind (default
// ecrin, ecrin's own protocol); the other keys are the kind's own settings (see
// connector/shop/<kind>/README.md), and secret is where its credential comes from.
type Shop struct {
	Kind     string    // ecrin (default), vendure, medusa, …
	Secret   Secret    // the shop's credential: HMAC secret, API key or password
	Settings yaml.Node // the whole shop block, given to the kind as it is
}

// UnmarshalYAML keeps the shop block whole for its kind, which checks its own
// settings, and reads the two keys the loader needs.
func (s *Shop) UnmarshalYAML(n *yaml.Node) error {
	var head struct {
		Kind   string `yaml:"kind"`
		Secret Secret `yaml:"secret"`
	}
	if err := n.Decode(&head); err != nil {
		return err
	}
	s.Kind, s.Secret, s.Settings = head.Kind, head.Secret, *n
	if s.Kind == "" {
		s.Kind = shop.DefaultKind
	}
	return nil
}

// ShopEnv is what the shop kind gets beside its settings: the boutique's id and
// the resolved credential.
func (c *Config) ShopEnv() shop.Env {
	return shop.Env{Boutique: c.Site.ID, Secret: shop.Secret(c.ShopSecret)}
}

// Push tunes how changes are sent.
type Push struct {
	BatchSize       int           `yaml:"batch_size"`        // items per batch; default DefaultBatchSize, at most what the shop takes
	FullResyncEvery time.Duration `yaml:"full_resync_every"` // re-push everything this often to heal drift (e.g. 168h); 0 = never
}

// Report configures the CSMs' reports.
type Report struct {
	Language string `yaml:"language"`  // fr or en; default fr
	KeepDays int    `yaml:"keep_days"` // reports older than this are removed; default 90
	Upload   bool   `yaml:"upload"`    // also send each run's summary and report to the shop
}

// Error is a configuration error at a line of the file.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// Load reads, checks and completes a configuration file, and resolves its secrets.
func Load(path string) (*Config, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	b, err := os.ReadFile(abs)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	c, err := Parse(abs, b)
	if err != nil {
		return nil, err
	}
	if err := c.resolveSecrets(); err != nil {
		return nil, &Error{File: abs, Msg: err.Error()}
	}
	return c, nil
}

// Parse checks and completes a configuration without resolving its secrets.
func Parse(name string, b []byte) (*Config, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return nil, yamlError(name, err)
	}
	if len(root.Content) == 0 {
		return nil, &Error{File: name, Msg: "the configuration is empty"}
	}
	c := &Config{Path: name, Schedule: schedule.DefaultConfig(), Log: logging.DefaultConfig()}
	c.Schedule.Timezone = "" // the site's zone unless the schedule names one
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil {
		return nil, yamlError(name, err)
	}
	if err := c.complete(); err != nil {
		return nil, err
	}
	if err := c.validate(root.Content[0]); err != nil {
		return nil, err
	}
	return c, nil
}

// complete fills the defaults and makes paths absolute, relative to the file's folder
// (a service starts in System32 or /: never the working directory).
func (c *Config) complete() error {
	if c.Site.Timezone == "" {
		c.Site.Timezone = DefaultTimezone
	}
	if c.Schedule.Timezone == "" {
		c.Schedule.Timezone = c.Site.Timezone
	}
	if c.DataDir == "" {
		c.DataDir = service.DefaultDataDir()
	}
	base := filepath.Dir(c.Path)
	c.DataDir = absUnder(base, c.DataDir)
	for _, s := range []*Secret{&c.Source.Password, &c.Shop.Secret} {
		if s.File != "" {
			s.File = absUnder(base, s.File)
		}
	}
	if c.Push.BatchSize <= 0 {
		c.Push.BatchSize = DefaultBatchSize
	}
	if c.Report.Language == "" {
		c.Report.Language = DefaultLanguage
	}
	if c.Report.KeepDays == 0 {
		c.Report.KeepDays = DefaultReportKeepDays
	}
	if c.Log.MaxSizeMB == 0 {
		c.Log.MaxSizeMB = logging.DefaultMaxSizeMB
	}
	if c.Log.MaxFiles == 0 {
		c.Log.MaxFiles = logging.DefaultMaxFiles
	}
	if c.Log.Level == "" {
		c.Log.Level = logging.DefaultLevel
	}
	return nil
}

// validate checks what the types alone do not. Errors point at the line.
func (c *Config) validate(doc *yaml.Node) error {
	fail := func(msg string, path ...string) error {
		return &Error{File: c.Path, Line: lineOf(doc, path...), Msg: msg}
	}
	if c.Site.ID == "" {
		return fail("site.id is required: the boutique's id at the shop", "site")
	}
	if _, err := time.LoadLocation(c.Site.Timezone); err != nil {
		return fail(fmt.Sprintf("site.timezone %q is not a time zone (e.g. Europe/Paris)", c.Site.Timezone), "site", "timezone")
	}
	if c.ERP.Profile == "" {
		return fail(fmt.Sprintf("erp.profile is required (one of %s)", strings.Join(erp.Profiles(), ", ")), "erp")
	}
	if _, err := erp.New(c.ERP.Profile, c.ERP.Options); err != nil {
		return fail("erp: "+err.Error(), "erp", "profile")
	}
	if c.Source.Kind == "" {
		return fail(fmt.Sprintf("source.kind is required (one of %s)", strings.Join(source.Kinds(), ", ")), "source")
	}
	if _, err := source.Open(c.Source.Kind, &c.Source.Settings, source.Env{ArchiveDir: c.ArchiveDir()}); err != nil {
		var se *source.SettingError
		if errors.As(err, &se) {
			return &Error{File: c.Path, Line: se.Line, Msg: "source: " + se.Msg}
		}
		return fail("source: "+err.Error(), "source", "kind")
	}
	if c.Shop.Kind == "" {
		c.Shop.Kind = shop.DefaultKind
	}
	if _, err := shop.Open(c.Shop.Kind, &c.Shop.Settings, shop.Env{Boutique: c.Site.ID, Secret: "checked-at-load"}); err != nil {
		var se *shop.SettingError
		if errors.As(err, &se) {
			return &Error{File: c.Path, Line: se.Line, Msg: "shop: " + se.Msg}
		}
		return fail("shop: "+err.Error(), "shop")
	}
	if err := c.Log.Validate(); err != nil {
		return fail("log: "+err.Error(), "log")
	}
	if !c.Shop.Secret.IsSet() {
		return fail("shop.secret is required: {env: NAME} or {file: PATH}", "shop")
	}
	if _, err := mapping.New(c.Mapping); err != nil {
		return fail("mapping: "+err.Error(), "mapping")
	}
	if len(c.Mapping.Brands) == 0 {
		c.Warnings = append(c.Warnings, "mapping.brands is empty: every brand is left out")
	}
	if _, err := schedule.New(c.Schedule); err != nil {
		return fail("schedule: "+err.Error(), "schedule")
	}
	switch c.Report.Language {
	case "fr", "en":
	default:
		return fail(fmt.Sprintf("report.language %q: fr or en", c.Report.Language), "report", "language")
	}
	return nil
}

func (c *Config) resolveSecrets() error {
	warn := func(s string) { c.Warnings = append(c.Warnings, s) }
	var err error
	if c.ShopSecret, err = c.Shop.Secret.Resolve("shop.secret", warn); err != nil {
		return err
	}
	if c.Source.Password.IsSet() {
		if c.SourcePassword, err = c.Source.Password.Resolve("source.password", warn); err != nil {
			return err
		}
	}
	return nil
}

// Secrets lists the resolved secrets, for log redaction.
func (c *Config) Secrets() []string {
	var out []string
	for _, s := range []string{c.ShopSecret, c.SourcePassword} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Location returns the site's time zone.
func (c *Config) Location() *time.Location {
	loc, err := time.LoadLocation(c.Site.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// Folders under the data folder.
func (c *Config) StatePath() string  { return filepath.Join(c.DataDir, "state.db") }
func (c *Config) ArchiveDir() string { return filepath.Join(c.DataDir, "archive") }
func (c *Config) ReportDir() string  { return filepath.Join(c.DataDir, "reports") }

func absUnder(base, p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(base, p)
}
