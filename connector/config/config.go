package config

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
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
	shopMaxBatch   int    // the most items the shop kind takes in one batch

	// Warnings are advice found while loading (world-readable secret file, …).
	Warnings []string `yaml:"-"`

	doc *yaml.Node // the parsed file, for the lines of errors found after Parse
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
	BatchSize       int           `yaml:"batch_size"`        // items per batch; default DefaultBatchSize or what the shop takes if less
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

// LoadOption tunes Load.
type LoadOption func(*loadOptions)

type loadOptions struct {
	skipShopSecret, skipSourcePassword bool
}

// WithoutShopSecret makes Load leave the shop secret unresolved (ShopSecret empty):
// for the commands that never reach the shop (runs, report), so that they work on a
// machine where the shop secret's variable or file is not there. The configuration
// must still say where the secret comes from; ResolveShopSecret resolves it later.
func WithoutShopSecret() LoadOption {
	return func(o *loadOptions) { o.skipShopSecret = true }
}

// WithoutSourcePassword makes Load leave the source password unresolved, for the
// commands that never reach the source; ResolveSourcePassword resolves it later.
func WithoutSourcePassword() LoadOption {
	return func(o *loadOptions) { o.skipSourcePassword = true }
}

// Load reads, checks and completes a configuration file, and resolves its secrets.
func Load(path string, opts ...LoadOption) (*Config, error) {
	var o loadOptions
	for _, opt := range opts {
		opt(&o)
	}
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
	if !o.skipShopSecret {
		if err := c.ResolveShopSecret(); err != nil {
			return nil, err
		}
	}
	if !o.skipSourcePassword {
		if err := c.ResolveSourcePassword(); err != nil {
			return nil, err
		}
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
	c := &Config{Path: name, Schedule: schedule.DefaultConfig(), Log: logging.DefaultConfig(), doc: root.Content[0]}
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
	c.Log.File = absUnder(base, c.Log.File)
	for _, key := range localPaths[c.Source.Kind] {
		if n := child(&c.Source.Settings, key); n != nil && n.Kind == yaml.ScalarNode {
			n.Value = absUnder(base, n.Value)
		}
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
	// keyed turns an error whose message starts with its key path
	// ("schedule.interval.every: …") into an Error at that key's line.
	keyed := func(err error, fallback ...string) error {
		if m := keyPrefix.FindStringSubmatch(err.Error()); m != nil {
			return fail(err.Error(), strings.Split(m[1], ".")...)
		}
		return fail(err.Error(), fallback...)
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
	if err := c.validateSourceNumbers(); err != nil {
		return err
	}
	if _, err := source.Open(c.Source.Kind, &c.Source.Settings, source.Env{ArchiveDir: c.ArchiveDir()}); err != nil {
		var se *source.SettingError
		if errors.As(err, &se) {
			return &Error{File: c.Path, Line: se.Line, Msg: "source: " + se.Msg}
		}
		return &Error{File: c.Path, Line: sourceKeyLine(&c.Source.Settings, err.Error()), Msg: "source: " + err.Error()}
	}
	if c.Shop.Kind == "" {
		c.Shop.Kind = shop.DefaultKind
	}
	sh, err := shop.Open(c.Shop.Kind, &c.Shop.Settings, shop.Env{Boutique: c.Site.ID, Secret: "checked-at-load"})
	if err != nil {
		var se *shop.SettingError
		if errors.As(err, &se) {
			return &Error{File: c.Path, Line: se.Line, Msg: "shop: " + se.Msg}
		}
		return fail("shop: "+err.Error(), "shop")
	}
	c.shopMaxBatch = sh.Traits().MaxBatch
	if c.Push.BatchSize == 0 { // the default, within what the shop kind takes
		c.Push.BatchSize = min(DefaultBatchSize, c.shopMaxBatch)
	}
	if err := c.Log.Validate(); err != nil {
		return keyed(err, "log")
	}
	if c.Log.MaxSizeMB > maxLogSizeMB {
		return fail(fmt.Sprintf("log.max_size_mb %d: want 1 to %d (megabytes per log file)", c.Log.MaxSizeMB, maxLogSizeMB), "log", "max_size_mb")
	}
	if c.Log.MaxFiles > maxLogFiles {
		return fail(fmt.Sprintf("log.max_files %d: want 0 to %d (rotated files kept)", c.Log.MaxFiles, maxLogFiles), "log", "max_files")
	}
	if !c.Shop.Secret.IsSet() {
		return fail("shop.secret is required: {env: NAME} or {file: PATH}", "shop")
	}
	if err := c.validateMapping(doc); err != nil {
		return err
	}
	if len(c.Mapping.Brands) == 0 {
		c.Warnings = append(c.Warnings, "mapping.brands is empty: every brand is left out")
	}
	if err := c.validateNumbers(doc); err != nil {
		return err
	}
	if _, err := schedule.New(c.Schedule); err != nil {
		return keyed(err, "schedule")
	}
	switch c.Report.Language {
	case "fr", "en":
	default:
		return fail(fmt.Sprintf("report.language %q: fr or en", c.Report.Language), "report", "language")
	}
	return nil
}

// validateSourceNumbers refuses a source port out of range and a negative
// duration (a timeout, a wait), at the key's line, whatever the backend.
func (c *Config) validateSourceNumbers() error {
	n := &c.Source.Settings
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Value == "port" {
			if p, err := strconv.Atoi(v.Value); err == nil && (p < 0 || p > 65535) {
				return &Error{File: c.Path, Line: k.Line, Msg: fmt.Sprintf("source.port %d: want 1 to 65535 (0 or absent: the default)", p)}
			}
			continue
		}
		if d, err := time.ParseDuration(v.Value); err == nil && d < 0 {
			return &Error{File: c.Path, Line: k.Line, Msg: fmt.Sprintf("source.%s %s: want a positive duration (e.g. 30s), or 0 or absent for the default", k.Value, v.Value)}
		}
	}
	return nil
}

// sourceKeyLine is the line of the source setting a backend's message names
// first, else of the source block's kind.
func sourceKeyLine(n *yaml.Node, msg string) int {
	line, at := 0, len(msg)+1
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Value == "kind" || k.Value == "password" {
				continue
			}
			re := regexp.MustCompile(`\b` + regexp.QuoteMeta(k.Value) + `\b`)
			if loc := re.FindStringIndex(msg); loc != nil && loc[0] < at {
				line, at = k.Line, loc[0]
			}
		}
		if line == 0 {
			if k := child(n, "kind"); k != nil {
				line = k.Line
			}
		}
	}
	if line == 0 {
		line = n.Line
	}
	return line
}

// keyPrefix finds the key path an error message starts with.
var keyPrefix = regexp.MustCompile(`^([a-z_]+(?:\.[a-z_]+)+)[: ]`)

// Bounds of the numeric settings.
const (
	maxLogSizeMB = 1024
	maxLogFiles  = 100
	maxKeepDays  = 3650
	maxDelayDays = 365
)

// validateNumbers refuses numeric settings out of their range, saying what the
// value means: a ratio written as a percentage (20 for 0.2) would turn a guard off.
func (c *Config) validateNumbers(doc *yaml.Node) error {
	fail := func(msg string, path ...string) error {
		return &Error{File: c.Path, Line: lineOf(doc, path...), Msg: msg}
	}
	o := c.ERP.Options
	if o.HeaderRow < 0 {
		return fail(fmt.Sprintf("erp.options.header_row %d: want the 1-based row of the header, or 0 to find it", o.HeaderRow), "erp", "options", "header_row")
	}
	for _, l := range []struct {
		key string
		v   int64
	}{{"max_file_bytes", o.Limits.MaxFileBytes}, {"max_unzip_bytes", o.Limits.MaxUnzipBytes}, {"max_rows", int64(o.Limits.MaxRows)}, {"max_field_bytes", int64(o.Limits.MaxFieldBytes)}} {
		if l.v < 0 {
			return fail(fmt.Sprintf("erp.options.limits.%s %d: want a positive limit, or 0 or absent for the default", l.key, l.v), "erp", "options", "limits", l.key)
		}
	}
	g := c.Guards
	for _, f := range []struct {
		key string
		v   float64
	}{{"min_rows_ratio", g.MinRowsRatio}, {"max_unpublish_ratio", g.MaxUnpublishRatio}, {"max_match_drop", g.MaxMatchDrop}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return fail(fmt.Sprintf("guards.%s %g: a number is expected", f.key, f.v), "guards", f.key)
		}
	}
	ratio := func(key string, v float64, example string) error {
		if v > 1 {
			return fail(fmt.Sprintf("guards.%s %g: a ratio from 0 to 1 is expected (%s); 0 or absent takes the default, a negative value turns the check off",
				key, v, example), "guards", key)
		}
		return nil
	}
	if err := ratio("min_rows_ratio", g.MinRowsRatio, "0.5 means 50 % of the rows of the last accepted extract"); err != nil {
		return err
	}
	if err := ratio("max_unpublish_ratio", g.MaxUnpublishRatio, "0.2 means 20 % of the published products"); err != nil {
		return err
	}
	if g.MaxMatchDrop > 100 {
		return fail(fmt.Sprintf("guards.max_match_drop %g: percentage points from 0 to 100 are expected (20 means a fall of 20 points); 0 or absent takes the default, a negative value turns the check off",
			g.MaxMatchDrop), "guards", "max_match_drop")
	}
	if g.MaxMatchDrop > 0 && g.MaxMatchDrop < 1 {
		c.warn(fmt.Sprintf("guards.max_match_drop %g is in percentage points: %g means a fall of %g points, not %g %%; write %g for that",
			g.MaxMatchDrop, g.MaxMatchDrop, g.MaxMatchDrop, g.MaxMatchDrop*100, g.MaxMatchDrop*100))
	}
	if c.Push.BatchSize < 1 || c.Push.BatchSize > c.shopMaxBatch {
		return fail(fmt.Sprintf("push.batch_size %d: want 1 to %d items per batch (the most the %s shop takes); 0 or absent: %d",
			c.Push.BatchSize, c.shopMaxBatch, c.Shop.Kind, DefaultBatchSize), "push", "batch_size")
	}
	if c.Push.FullResyncEvery < 0 {
		return fail(fmt.Sprintf("push.full_resync_every %s: want a positive duration (e.g. 168h), or 0 for never", c.Push.FullResyncEvery), "push", "full_resync_every")
	}
	for _, kind := range []string{"preorder", "backorder", "showcase"} {
		list := child(child(doc, "rules"), kind)
		if list == nil || list.Kind != yaml.SequenceNode {
			continue
		}
		for i, item := range list.Content {
			n := child(item, "delay_days")
			if n == nil {
				continue
			}
			if d, err := strconv.Atoi(n.Value); err == nil && (d < 0 || d > maxDelayDays) {
				return &Error{File: c.Path, Line: n.Line, Msg: fmt.Sprintf("rules.%s, rule %d: delay_days %d: want 0 to %d days", kind, i+1, d, maxDelayDays)}
			}
		}
	}
	if c.Report.KeepDays < 1 || c.Report.KeepDays > maxKeepDays {
		return fail(fmt.Sprintf("report.keep_days %d: want 1 to %d days (0 or absent: %d)", c.Report.KeepDays, maxKeepDays, DefaultReportKeepDays), "report", "keep_days")
	}
	return nil
}

// validateMapping checks the brand table and the reference rules at their lines:
// two ERP names that fold alike would map a brand to one of two catalog brands at
// random, and a pattern that does not compile is named at its rule.
func (c *Config) validateMapping(doc *yaml.Node) error {
	m := child(doc, "mapping")
	for _, section := range []struct{ key, what string }{
		{"brands", "ERP brand names"},
		{"rules", "catalog brands"},
	} {
		n := child(m, section.key)
		if n == nil || n.Kind != yaml.MappingNode {
			continue
		}
		seen := map[string]*yaml.Node{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			f := mapping.FoldBrand(k.Value)
			if first, ok := seen[f]; ok {
				return &Error{File: c.Path, Line: k.Line, Msg: fmt.Sprintf(
					"mapping.%s: %q (line %d) and %q (line %d) are the same brand once case, accents and spaces are ignored: keep one (%s are compared folded)",
					section.key, first.Value, first.Line, k.Value, k.Line, section.what)}
			}
			seen[f] = k
		}
	}
	if rules := child(m, "rules"); rules != nil && rules.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(rules.Content); i += 2 {
			brand, list := rules.Content[i].Value, rules.Content[i+1]
			if list.Kind != yaml.SequenceNode {
				continue
			}
			for j, item := range list.Content {
				re := child(item, "replace")
				if re == nil {
					continue
				}
				if _, err := regexp.Compile(re.Value); err != nil {
					return &Error{File: c.Path, Line: re.Line, Msg: fmt.Sprintf("mapping.rules.%s, rule %d: replace %q is not a regular expression (RE2): %v",
						brand, j+1, re.Value, err)}
				}
			}
		}
	}
	if _, err := mapping.New(c.Mapping); err != nil {
		return &Error{File: c.Path, Line: lineOf(doc, "mapping"), Msg: "mapping: " + err.Error()}
	}
	return nil
}

// ResolveShopSecret reads the shop secret from where the configuration says, once
// (Load does it unless WithoutShopSecret). Its errors name the line of shop.secret,
// never the secret.
func (c *Config) ResolveShopSecret() error {
	if c.ShopSecret != "" {
		return nil
	}
	v, err := c.Shop.Secret.Resolve("shop.secret", c.warn)
	if err != nil {
		return c.errAt(err.Error(), "shop", "secret")
	}
	c.ShopSecret = v
	return nil
}

// ResolveSourcePassword reads the source password, when the source has one, from
// where the configuration says (Load does it unless WithoutSourcePassword).
func (c *Config) ResolveSourcePassword() error {
	if !c.Source.Password.IsSet() || c.SourcePassword != "" {
		return nil
	}
	v, err := c.Source.Password.Resolve("source.password", c.warn)
	if err != nil {
		return c.errAt(err.Error(), "source", "password")
	}
	c.SourcePassword = v
	return nil
}

func (c *Config) warn(s string) { c.Warnings = append(c.Warnings, s) }

// errAt is an Error at the line of the key path (or its deepest part present).
func (c *Config) errAt(msg string, path ...string) error {
	return &Error{File: c.Path, Line: lineOf(c.doc, path...), Msg: msg}
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

// localPaths are the source settings, per kind, that name a file or folder of this
// machine: a relative one is taken from the configuration's folder. (An FTP dir or
// move_to is a path on the server: left as it is.)
var localPaths = map[string][]string{
	"folder": {"path", "move_to"},
	"ftp":    {"ca_file"},
}

func absUnder(base, p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(base, p)
}
