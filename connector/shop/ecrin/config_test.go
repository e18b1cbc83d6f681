package ecrin

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	eshop "github.com/ecrin-connect/ecrin/connector/shop"
)

func TestConfigDefaults(t *testing.T) {
	c, err := New(Config{URL: "https://shop.example/ecrin", Boutique: "B042", Secret: "x"})
	if err != nil {
		t.Fatal(err)
	}
	got := c.Config()
	want := Config{URL: "https://shop.example/ecrin", Boutique: "B042", Secret: "x",
		PageSize: DefaultPageSize, Timeout: DefaultTimeout, RetryOptions: eshop.RetryOptions{MaxRetries: eshop.DefaultMaxRetries,
			BackoffBase: eshop.DefaultBackoffBase, BackoffMax: eshop.DefaultBackoffMax, MaxTotalWait: eshop.DefaultMaxTotalWait}}
	if got != want {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestConfigRefused(t *testing.T) {
	good := Config{URL: "https://shop.example", Boutique: "B042", Secret: "topsecret-value"}
	tests := []struct {
		name string
		edit func(*Config)
	}{
		{"no url", func(c *Config) { c.URL = "" }},
		{"ftp url", func(c *Config) { c.URL = "ftp://shop.example" }},
		{"no host", func(c *Config) { c.URL = "https:///v1" }},
		{"bad url", func(c *Config) { c.URL = "https://shop example:x" }},
		{"no boutique", func(c *Config) { c.Boutique = "" }},
		{"no secret", func(c *Config) { c.Secret = "" }},
		{"page too big", func(c *Config) { c.PageSize = 1001 }},
		{"negative page", func(c *Config) { c.PageSize = -1 }},
		{"backoff max below base", func(c *Config) { c.BackoffBase, c.BackoffMax = time.Minute, time.Second }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good
			tt.edit(&c)
			_, err := New(c)
			if err == nil {
				t.Fatal("no error")
			}
			if strings.Contains(err.Error(), "topsecret") {
				t.Errorf("the error shows the secret: %v", err)
			}
		})
	}
}

func TestSecretNeverPrints(t *testing.T) {
	c := Config{URL: "https://shop.example", Secret: "topsecret-value"}
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		if s := fmt.Sprintf(format, c); strings.Contains(s, "topsecret") {
			t.Errorf("%s shows the secret: %s", format, s)
		}
	}
}

func TestConfigYAML(t *testing.T) {
	src := `
url: https://shop.example/ecrin
secret: must-not-be-read
page_size: 250
timeout: 10s
backoff_base: 200ms
`
	var c Config
	if err := yaml.Unmarshal([]byte(src), &c); err != nil {
		t.Fatal(err)
	}
	want := Config{URL: "https://shop.example/ecrin", PageSize: 250,
		Timeout: 10 * time.Second, RetryOptions: eshop.RetryOptions{BackoffBase: 200 * time.Millisecond}}
	if c != want {
		t.Errorf("got %+v\nwant %+v", c, want)
	}
}
