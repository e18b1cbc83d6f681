package ecrin

import (
	"errors"
	"fmt"
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
	// max_retries, backoff_base, backoff_max, max_total_wait.
	shop.RetryOptions `yaml:",inline"`
}

// withDefaults returns c with its zero fields set to the defaults, checked.
func (c Config) withDefaults() (Config, error) {
	if c.PageSize == 0 {
		c.PageSize = DefaultPageSize
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	c.RetryOptions = c.RetryOptions.WithDefaults()
	if err := shop.CheckURL(c.URL, "the base URL of the shop's ecrin protocol"); err != nil {
		return c, err
	}
	switch {
	case c.Boutique == "":
		return c, errors.New("shop boutique is empty")
	case c.Secret == "":
		return c, errors.New("shop secret is empty")
	case c.PageSize < 1 || c.PageSize > MaxPageSize:
		return c, fmt.Errorf("shop page_size %d: want 1 to %d", c.PageSize, MaxPageSize)
	case c.Timeout < 0:
		return c, errors.New("shop timeout must be positive")
	}
	return c, c.RetryOptions.Check()
}
