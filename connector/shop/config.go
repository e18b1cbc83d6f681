package shop

import (
	"errors"
	"fmt"
	"net/url"
	"time"
)

// Defaults and limits of a Config.
const (
	DefaultBatchSize   = 500
	DefaultPageSize    = 500
	DefaultTimeout     = 30 * time.Second
	DefaultMaxRetries  = 8
	DefaultBackoffBase = time.Second
	DefaultBackoffMax  = time.Minute

	MaxBatchItems = 1000            // items per batch the protocol accepts
	MaxPageSize   = 1000            // products per catalog page the protocol serves
	MaxRetryAfter = 5 * time.Minute // a longer Retry-After is shortened to this
)

// Config is the shop section of a site's configuration.
type Config struct {
	// URL is the shop's base URL; the protocol lives under URL/v1.
	URL string `yaml:"url"`
	// Boutique is the boutique id the shop knows this site by.
	Boutique string `yaml:"boutique"`
	// Secret signs the requests. It is not read from the YAML file: the config loader
	// fills it from the secret store. It prints as "[redacted]".
	Secret Secret `yaml:"-"`
	// BatchSize is how many decisions go in one batch (1 to 1000; default 500). The
	// caller splits the plan; the client only checks the limit.
	BatchSize int `yaml:"batch_size"`
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
}

// Secret is a shared secret that never prints.
type Secret string

func (Secret) String() string   { return "[redacted]" }
func (Secret) GoString() string { return `"[redacted]"` }

// MarshalText keeps the secret out of any dump of the configuration.
func (Secret) MarshalText() ([]byte, error) { return []byte("[redacted]"), nil }

// withDefaults returns c with its zero fields set to the defaults, checked.
func (c Config) withDefaults() (Config, error) {
	if c.BatchSize == 0 {
		c.BatchSize = DefaultBatchSize
	}
	if c.PageSize == 0 {
		c.PageSize = DefaultPageSize
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	switch {
	case c.MaxRetries == 0:
		c.MaxRetries = DefaultMaxRetries
	case c.MaxRetries < 0:
		c.MaxRetries = 0
	}
	if c.BackoffBase == 0 {
		c.BackoffBase = DefaultBackoffBase
	}
	if c.BackoffMax == 0 {
		c.BackoffMax = max(DefaultBackoffMax, c.BackoffBase)
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
	case c.BatchSize < 1 || c.BatchSize > MaxBatchItems:
		return c, fmt.Errorf("shop batch_size %d: want 1 to %d", c.BatchSize, MaxBatchItems)
	case c.PageSize < 1 || c.PageSize > MaxPageSize:
		return c, fmt.Errorf("shop page_size %d: want 1 to %d", c.PageSize, MaxPageSize)
	case c.Timeout < 0 || c.BackoffBase < 0 || c.BackoffMax < c.BackoffBase:
		return c, errors.New("shop timeout and backoff must be positive, backoff_max at least backoff_base")
	}
	return c, nil
}
