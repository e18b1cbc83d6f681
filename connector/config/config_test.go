package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/ecrin-connect/ecrin/connector/source/folder"
	_ "github.com/ecrin-connect/ecrin/connector/source/ftp"
	_ "github.com/ecrin-connect/ecrin/erp/all"
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
	if _, err := Parse("ecrin.example.yaml", b); err != nil {
		t.Fatal(err)
	}
}
