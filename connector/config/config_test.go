package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/ecrin-connect/ecrin/connector/source/folder"
	_ "github.com/ecrin-connect/ecrin/connector/source/ftp"
	_ "github.com/ecrin-connect/ecrin/erp/all"
	"github.com/ecrin-connect/ecrin/reconcile"
)

const minimal = `site:
  id: b42
  name: Bijouterie Test
data_dir: data
erp:
  profile: bijou3
source:
  kind: folder
  path: /srv/export
shop:
  url: https://shop.example/ecrin
  secret: {env: TEST_ECRIN_SHOP_SECRET}
mapping:
  brands: {TISSOT: Tissot}
`

func TestParseFillsDefaults(t *testing.T) {
	c, err := Parse("/etc/ecrin/ecrin.yaml", []byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	if c.DataDir != "/etc/ecrin/data" {
		t.Errorf("data_dir %q: a relative path is taken from the file's folder, never the working directory", c.DataDir)
	}
	if c.Site.Timezone != "Europe/Paris" || c.Schedule.Timezone != "Europe/Paris" || c.Schedule.Nightly == "" {
		t.Errorf("schedule defaults: site %q schedule %+v", c.Site.Timezone, c.Schedule)
	}
	if c.ShopEnv().Boutique != "b42" || c.Push.BatchSize <= 0 || c.Report.Language != "fr" {
		t.Errorf("defaults: boutique %q batch %d language %q", c.ShopEnv().Boutique, c.Push.BatchSize, c.Report.Language)
	}
	if c.Source.Kind != "folder" || c.Source.Settings.Kind == 0 {
		t.Errorf("source block not kept for its backend: %+v", c.Source)
	}
}

func TestParseErrorsNameTheLine(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown key", strings.Replace(minimal, "  name: Bijouterie Test", "  nmae: Bijouterie Test", 1), "config.yaml:3: "},
		{"bad timezone", strings.Replace(minimal, "  name: Bijouterie Test", "  timezone: Europe/Lyon", 1), "config.yaml:3: site.timezone"},
		{"missing shop url", strings.Replace(minimal, "  url: https://shop.example/ecrin\n", "", 1), "config.yaml:11: shop: shop.url is required"},
		{"unknown profile", strings.Replace(minimal, "profile: bijou3", "profile: bijou4", 1), "config.yaml:6: erp"},
		{"bad number", strings.Replace(minimal, "data_dir: data", "data_dir: data\npush: {batch_size: lots}", 1), "config.yaml:5: "},
		{"misspelled source setting", strings.Replace(minimal, "  path: /srv/export", "  path: /srv/export\n  patern: stock_*.csv", 1), "config.yaml:10: source: unknown source setting \"patern\""},
		{"bad source value", strings.Replace(minimal, "  path: /srv/export", "  path: /srv/export\n  stable_interval: soon", 1), "config.yaml:"},
		{"unknown source kind", strings.Replace(minimal, "kind: folder", "kind: sftp", 1), "config.yaml:8: source: "},
		{"bad regex", minimal + "  rules:\n    Tissot:\n      - replace: '(['\n", "mapping"},
		{"syntax", minimal + "  : :\n\t", "config.yaml:"},
		{"empty", "", "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("config.yaml", []byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestSecretsResolveWithoutLeaking(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ecrin.yaml")
	if err := os.WriteFile(path, []byte(minimal), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), "TEST_ECRIN_SHOP_SECRET is not set") {
		t.Fatalf("missing env: %v", err)
	}
	t.Setenv("TEST_ECRIN_SHOP_SECRET", "s3cr3t-value")
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.ShopSecret != "s3cr3t-value" || string(c.ShopEnv().Secret) != "s3cr3t-value" {
		t.Fatalf("secret not resolved")
	}
	if got := c.Secrets(); len(got) != 1 || got[0] != "s3cr3t-value" {
		t.Fatalf("Secrets() = %d values", len(got))
	}

	// From a file others can read: accepted, with a warning that never shows it.
	secretFile := filepath.Join(dir, "shop.secret")
	if err := os.WriteFile(secretFile, []byte("file-s3cr3t\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(minimal, "{env: TEST_ECRIN_SHOP_SECRET}", "{file: shop.secret}", 1)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err = Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.ShopSecret != "file-s3cr3t" {
		t.Fatalf("secret from file: trailing line end not trimmed")
	}
	if len(c.Warnings) == 0 || strings.Contains(strings.Join(c.Warnings, " "), "file-s3cr3t") {
		t.Fatalf("warnings %q: want a permission warning without the secret", c.Warnings)
	}
	if strings.Contains(c.ShopEnv().Secret.String(), "file-s3cr3t") {
		t.Fatal("the shop secret prints")
	}
}

// The example shipped with the packages must load.
func TestExampleConfigParses(t *testing.T) {
	b, err := os.ReadFile("../../installer/ecrin.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c, err := Parse("ecrin.example.yaml", b)
	if err != nil {
		t.Fatal(err)
	}
	// The guards it shows are the defaults its comments name: 0 for
	// max_unpublish_count means the default (1000), never "no limit".
	want := reconcile.Limits{MinRowsRatio: reconcile.DefaultMinRowsRatio, MaxUnpublishRatio: reconcile.DefaultMaxUnpublishRatio,
		MaxUnpublishCount: reconcile.DefaultMaxUnpublishCount, MaxMatchDrop: reconcile.DefaultMaxMatchDrop}
	if c.Guards != want {
		t.Errorf("example guards %+v, want the defaults %+v", c.Guards, want)
	}
	if strings.Contains(string(b), "no count limit") {
		t.Error("the example still says 0 means no count limit")
	}
}

// lineOfText is the 1-based line of the first line of text holding s.
func lineOfText(t *testing.T, text, s string) int {
	t.Helper()
	for i, l := range strings.Split(text, "\n") {
		if strings.Contains(l, s) {
			return i + 1
		}
	}
	t.Fatalf("%q not in the configuration", s)
	return 0
}

// in returns an edit of minimal that adds text after its line holding after.
func in(after, text string) func(string) string {
	return func(s string) string { return strings.Replace(s, after+"\n", after+"\n"+text, 1) }
}

// appended returns an edit of minimal that appends text.
func appended(text string) func(string) string {
	return func(s string) string { return s + text }
}

// Every bad setting is refused at its own line, saying what was expected: a value
// out of range would otherwise turn a guard off or make every run fail.
func TestBadSettingsAreRefusedAtTheirLine(t *testing.T) {
	tests := []struct {
		name string
		edit func(string) string
		at   string // text of the line the error must point at
		want []string
	}{
		{"ratio as a percentage", appended("guards:\n  max_unpublish_ratio: 20\n"), "max_unpublish_ratio", []string{"guards.max_unpublish_ratio 20", "0.2 means 20 %"}},
		{"min rows as a percentage", appended("guards:\n  min_rows_ratio: 50\n"), "min_rows_ratio", []string{"guards.min_rows_ratio 50", "0.5 means 50 %"}},
		{"ratio not a number", appended("guards:\n  max_unpublish_ratio: .nan\n"), "max_unpublish_ratio", []string{"guards.max_unpublish_ratio NaN: a number is expected"}},
		{"match drop over 100 points", appended("guards:\n  max_match_drop: 150\n"), "max_match_drop", []string{"guards.max_match_drop 150", "0 to 100"}},
		{"batch size over the protocol", appended("push:\n  batch_size: 2000\n"), "batch_size", []string{"push.batch_size 2000", "1 to 1000"}},
		{"negative batch size", appended("push:\n  batch_size: -5\n"), "batch_size", []string{"push.batch_size -5", "1 to 1000"}},
		{"negative resync", appended("push:\n  full_resync_every: -1h\n"), "full_resync_every", []string{"push.full_resync_every", "positive"}},
		{"negative keep_days", appended("report:\n  keep_days: -3\n"), "keep_days", []string{"report.keep_days -3", "1 to 3650"}},
		{"negative log size", appended("log:\n  max_size_mb: -1\n"), "max_size_mb", []string{"log.max_size_mb"}},
		{"huge log size", appended("log:\n  max_size_mb: 100000\n"), "max_size_mb", []string{"log.max_size_mb 100000", "1 to 1024"}},
		{"negative log files", appended("log:\n  max_files: -1\n"), "max_files", []string{"log.max_files"}},
		{"bad nightly", appended("schedule:\n  catch_up: true\n  nightly: \"25:99\"\n"), "nightly", []string{"schedule.nightly"}},
		{"bad interval", appended("schedule:\n  nightly: \"02:30\"\n  interval:\n    from: \"09:00\"\n    to: \"19:00\"\n    every: 10s\n"), "every: 10s", []string{"schedule.interval.every"}},
		{"interval backwards", appended("schedule:\n  nightly: \"02:30\"\n  interval:\n    every: 15m\n    from: \"19:00\"\n    to: \"09:00\"\n"), "interval:", []string{"schedule.interval"}},
		{"negative header row", in("  profile: bijou3", "  options:\n    header_row: -2\n"), "header_row", []string{"erp.options.header_row -2"}},
		{"negative erp limit", in("  profile: bijou3", "  options:\n    limits: {max_rows: -1}\n"), "max_rows", []string{"erp.options.limits.max_rows -1"}},
		{"negative source duration", in("  path: /srv/export", "  stable_interval: -10s\n"), "stable_interval", []string{"source.stable_interval -10s"}},
		{"source port", in("  path: /srv/export", "  port: 70000\n"), "port: 70000", []string{"source.port 70000"}},
		{"move without move_to", in("  path: /srv/export", "  pattern: x_*.csv\n  after: move\n"), "after", []string{"needs move_to"}},
		{"attempts", in("  path: /srv/export", "  attempts: -2\n"), "attempts", []string{"attempts -2"}},
		{"delay days negative", appended("rules:\n  backorder:\n    - brands: [Pandora]\n      delay_days: -7\n"), "delay_days", []string{"rules.backorder, rule 1: delay_days -7", "0 to 365"}},
		{"regex at its rule", appended("  rules:\n    Tissot:\n      - strip_prefix: T-\n      - replace: '(['\n        with: x\n"), "replace: '(['", []string{"mapping.rules.Tissot, rule 2", "regular expression"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := tt.edit(minimal)
			_, err := Parse("config.yaml", []byte(text))
			want := append([]string{fmt.Sprintf("config.yaml:%d: ", lineOfText(t, text, tt.at))}, tt.want...)
			for _, w := range want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Fatalf("error %v, want it to contain %q", err, w)
				}
			}
		})
	}
}

// Two ERP brand names that fold alike mapped a brand to one of two catalog brands
// at random, per process: refused, naming both lines.
func TestBrandsThatFoldAlikeAreRefused(t *testing.T) {
	for _, tt := range []struct{ name, text, first, second string }{
		{"brands", strings.Replace(minimal, "  brands: {TISSOT: Tissot}", "  brands:\n    SEIKO: Seiko\n    TISSOT: Tissot\n    Seiko: Swatch", 1), "SEIKO: Seiko", "Seiko: Swatch"},
		{"accents and spaces", strings.Replace(minimal, "  brands: {TISSOT: Tissot}", "  brands:\n    Hermès  Paris: Hermès\n    HERMES PARIS: Hermes", 1), "Hermès  Paris", "HERMES PARIS"},
		{"rules", minimal + "  rules:\n    Tissot:\n      - strip_prefix: T-\n    TISSOT:\n      - strip_leading_zeros: true\n", "    Tissot:", "    TISSOT:"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("config.yaml", []byte(tt.text))
			l1, l2 := lineOfText(t, tt.text, tt.first), lineOfText(t, tt.text, tt.second)
			want := fmt.Sprintf("config.yaml:%d: ", l2)
			if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), fmt.Sprintf("(line %d)", l1)) || !strings.Contains(err.Error(), fmt.Sprintf("(line %d)", l2)) {
				t.Fatalf("error %v, want it at line %d naming lines %d and %d", err, l2, l1, l2)
			}
		})
	}
}

// Values in range load; zero takes the default and a negative guard is off.
func TestNumbersInRange(t *testing.T) {
	c, err := Parse("config.yaml", []byte(minimal+"guards:\n  max_unpublish_ratio: 0.35\n  min_rows_ratio: -1\n  max_unpublish_count: 0\n  max_match_drop: 100\npush:\n  batch_size: 1000\nreport:\n  keep_days: 30\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Push.BatchSize != 1000 || c.Report.KeepDays != 30 || c.Guards.MaxUnpublishRatio != 0.35 {
		t.Fatalf("values not kept: %+v %+v %+v", c.Push, c.Report, c.Guards)
	}
	// A match drop written as a fraction is a drop of a fraction of a point:
	// strict, never off, so only a warning.
	c, err = Parse("config.yaml", []byte(minimal+"guards:\n  max_match_drop: 0.2\n"))
	if err != nil {
		t.Fatal(err)
	}
	if w := strings.Join(c.Warnings, "\n"); !strings.Contains(w, "0.2 means a fall of 0.2 points") {
		t.Errorf("warnings %q: want the meaning of max_match_drop 0.2", w)
	}
	c, err = Parse("config.yaml", []byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	if c.Push.BatchSize != 500 || c.Report.KeepDays != DefaultReportKeepDays {
		t.Fatalf("defaults: batch %d keep_days %d", c.Push.BatchSize, c.Report.KeepDays)
	}
}

// A secret that cannot be read is named at its line, never shown.
func TestSecretErrorsNameTheLine(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ecrin.yaml")
	empty := filepath.Join(dir, "empty.secret")
	if err := os.WriteFile(empty, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ftp := strings.Replace(minimal, "  kind: folder\n  path: /srv/export\n", "  kind: ftp\n  host: ftp.example\n  password: {file: missing.secret}\n", 1)
	t.Setenv("TEST_ECRIN_SHOP_SECRET", "s3cr3t-value")
	for _, tt := range []struct{ name, text, at, want string }{
		{"unset variable", strings.Replace(minimal, "TEST_ECRIN_SHOP_SECRET", "TEST_ECRIN_UNSET_VARIABLE", 1), "secret:", "TEST_ECRIN_UNSET_VARIABLE is not set"},
		{"missing file", strings.Replace(minimal, "{env: TEST_ECRIN_SHOP_SECRET}", "{file: nowhere.secret}", 1), "secret:", "nowhere.secret"},
		{"empty file", strings.Replace(minimal, "{env: TEST_ECRIN_SHOP_SECRET}", "{file: empty.secret}", 1), "secret:", "is empty"},
		{"source password", ftp, "password:", "missing.secret"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := os.WriteFile(path, []byte(tt.text), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Load(path)
			want := fmt.Sprintf("%s:%d: ", path, lineOfText(t, tt.text, tt.at))
			if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q and %q", err, want, tt.want)
			}
			if strings.Contains(err.Error(), "s3cr3t-value") {
				t.Fatal("the secret is in the error")
			}
		})
	}
}

// The commands that never reach the shop load without its secret.
func TestLoadWithoutShopSecret(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ecrin.yaml")
	if err := os.WriteFile(path, []byte(minimal), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err == nil {
		t.Fatal("Load resolves the shop secret: want an error with the variable unset")
	}
	c, err := Load(path, WithoutShopSecret())
	if err != nil {
		t.Fatal(err)
	}
	if c.ShopSecret != "" {
		t.Fatal("secret resolved")
	}
	if err := c.ResolveShopSecret(); err == nil || !strings.Contains(err.Error(), "TEST_ECRIN_SHOP_SECRET is not set") {
		t.Fatalf("late resolution: %v", err)
	}
	t.Setenv("TEST_ECRIN_SHOP_SECRET", "late-s3cr3t")
	if err := c.ResolveShopSecret(); err != nil || string(c.ShopEnv().Secret) != "late-s3cr3t" {
		t.Fatalf("late resolution: %v", err)
	}
}

// Every local path is taken from the configuration's folder, never the working
// directory (a Windows service starts in System32).
func TestRelativePathsFromTheConfigFolder(t *testing.T) {
	text := strings.Replace(minimal, "  path: /srv/export", "  path: export\n  after: move\n  move_to: export/done", 1) + "log:\n  file: logs/site.log\n"
	c, err := Parse("/etc/ecrin/ecrin.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	var opts struct {
		Path   string `yaml:"path"`
		MoveTo string `yaml:"move_to"`
	}
	if err := c.Source.Settings.Decode(&opts); err != nil {
		t.Fatal(err)
	}
	if opts.Path != "/etc/ecrin/export" || opts.MoveTo != "/etc/ecrin/export/done" {
		t.Errorf("source path %q move_to %q: want them under /etc/ecrin", opts.Path, opts.MoveTo)
	}
	if c.Log.File != "/etc/ecrin/logs/site.log" {
		t.Errorf("log.file %q: want it under /etc/ecrin", c.Log.File)
	}
	ftp := strings.Replace(minimal, "  kind: folder\n  path: /srv/export\n", "  kind: ftp\n  host: ftp.example\n  dir: export\n  after: move\n  move_to: export/done\n", 1)
	if c, err = Parse("/etc/ecrin/ecrin.yaml", []byte(ftp)); err != nil {
		t.Fatal(err)
	}
	if err := c.Source.Settings.Decode(&opts); err != nil {
		t.Fatal(err)
	}
	if opts.MoveTo != "export/done" {
		t.Errorf("ftp move_to %q: a path on the server is left as it is", opts.MoveTo)
	}
}
