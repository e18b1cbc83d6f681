package ecrin

import (
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/ecrin-connect/ecrin/connector/shop"
)

// Defaults and limits of a Config.
const (
	DefaultPageSize = 500
	DefaultTimeout  = 30 * time.Second

	MaxBatchItems = 1000 // items per batch the protocol accepts
	MaxPageSize   = 1000 // products per catalog page the protocol serves
)

// Config is the `shop:` block of a site whose kind is ecrin.
type Config struct {
	// URL is the shop's base URL; the protocol lives under URL/v1.
	URL string `yaml:"url"`
	// Boutique is the boutique id the shop knows this site by: the site's id, set
	// by the loader (not a setting of the block).
	Boutique string `yaml:"-"`
	// Secret signs the requests. It is not read from the block: the loader fills it
	// from the secret store (shop.secret: {env:…} or {file:…}).
	Secret shop.Secret `yaml:"-"`
	// PageSize is how many products one catalog page asks for (1 to 1000; default 500).
	PageSize int `yaml:"page_size"`
	// Timeout bounds one HTTP attempt, body included (default 30s).
	Timeout time.Duration `yaml:"timeout"`
	// MaxRetries is how many times a failed request is retried (default 8; negative:
	// never).
	MaxRetries int `yaml:"max_retries"`
	// BackoffBase is the wait before the first retry, doubled at each retry up to
	// BackoffMax, with jitter (defaults 1s and 1m). A Retry-After answer overrides it.
	BackoffBase time.Duration `yaml:"backoff_base"`
	BackoffMax  time.Duration `yaml:"backoff_max"`
	// MaxTotalWait bounds the waits of one request across its retries (default 10m).
	MaxTotalWait time.Duration `yaml:"max_total_wait"`
}

// withDefaults returns c with its zero fields set to the defaults, checked.
func (c Config) withDefaults() (Config, error) {
	if c.PageSize == 0 {
		c.PageSize = DefaultPageSize
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	switch {
	case c.MaxRetries == 0:
		c.MaxRetries = shop.DefaultMaxRetries
	case c.MaxRetries < 0:
		c.MaxRetries = 0
	}
	if c.BackoffBase == 0 {
		c.BackoffBase = shop.DefaultBackoffBase
	}
	if c.BackoffMax == 0 {
		c.BackoffMax = max(shop.DefaultBackoffMax, c.BackoffBase)
	}
	if c.MaxTotalWait == 0 {
		c.MaxTotalWait = shop.DefaultMaxTotalWait
	}
	u, err := url.Parse(c.URL)
	switch {
	case c.URL == "":
		return c, errors.New("shop url is empty")
	case err != nil:
		return c, fmt.Errorf("shop url: %w", err)
	case u.Scheme != "https" && u.Scheme != "http", u.Host == "":
		return c, fmt.Errorf("shop url %q: want http(s)://host[/path]", u.Redacted())
	case c.Boutique == "":
		return c, errors.New("shop boutique is empty")
	case c.Secret == "":
		return c, errors.New("shop secret is empty")
	case c.PageSize < 1 || c.PageSize > MaxPageSize:
		return c, fmt.Errorf("shop page_size %d: want 1 to %d", c.PageSize, MaxPageSize)
	case c.Timeout < 0 || c.BackoffBase < 0 || c.BackoffMax < c.BackoffBase || c.MaxTotalWait < 0:
		return c, errors.New("shop timeout, backoff and max_total_wait must be positive, backoff_max at least backoff_base")
	}
	return c, nil
}
