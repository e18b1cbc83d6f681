// Package ftp is the source for an ERP extract published on an FTP or FTPS
// server (explicit or implicit TLS), built on github.com/jlaffaye/ftp.
//
// Every read and write has a deadline, TLS data connections resume the
// control connection's session, listings use MLSD when the server has it
// and LIST otherwise (with MDTM for precise times), and a failed operation
// is retried when the failure is temporary (see shouldRetry).
package ftp

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ecrin-connect/ecrin/connector/source"
	"go.yaml.in/yaml/v3"
)

// Kind is the name this backend registers under.
const Kind = "ftp"

// TLS modes (Options.TLS).
const (
	TLSNone     = "none"
	TLSExplicit = "explicit" // AUTH TLS on the plain port (FTPES)
	TLSImplicit = "implicit" // TLS from the first byte (FTPS, port 990)
)

// Defaults for Options.
const (
	DefaultPort         = 21
	DefaultImplicitPort = 990
	DefaultTimeout      = 30 * time.Second
)

func init() {
	source.Register(Kind, func(settings *yaml.Node, env source.Env) (source.Source, error) {
		var opts Options
		if err := source.Decode(settings, &opts); err != nil {
			return nil, fmt.Errorf("ftp source settings: %w", err)
		}
		opts.Password = env.Password
		return New(opts, env)
	})
}

// Options configure an FTP source.
type Options struct {
	// Host is the server's name or address.
	Host string `yaml:"host"`
	// Port defaults to 21, or 990 with implicit TLS.
	Port int `yaml:"port"`
	// User is the login; "anonymous" when empty.
	User string `yaml:"user"`
	// Password is filled by the configuration loader from the environment
	// or a file (source.Env.Password); it is never logged.
	Password string `yaml:"-"`
	// TLS is "none" (default), "explicit" or "implicit".
	TLS string `yaml:"tls"`
	// InsecureSkipVerify accepts any server certificate (self-signed
	// servers without a ca_file). Prefer CAFile.
	InsecureSkipVerify bool `yaml:"insecure_skip_verify"`
	// CAFile is a PEM file of the certificates to trust instead of the
	// system's.
	CAFile string `yaml:"ca_file"`
	// DisableEPSV makes data connections use PASV only, for servers or
	// firewalls that break EPSV.
	DisableEPSV bool `yaml:"disable_epsv"`
	// Dir is the server folder holding the extracts; the login folder
	// when empty.
	Dir string `yaml:"dir"`
	// Timeout bounds every network operation: dial, and each read or
	// write. Default 30s.
	Timeout      time.Duration `yaml:"timeout"`
	source.Rules `yaml:",inline"`
}

// Source fetches extracts from an FTP server. It opens one FTP session per
// Fetch or Done and closes it before returning.
type Source struct {
	opts    Options
	roots   *x509.CertPool
	fetcher *source.Fetcher
	noMLSD  atomic.Bool // the server announced MLSD but failed it: use LIST
	mu      sync.Mutex  // one session at a time
}

var _ source.Source = (*Source)(nil)

// New returns an FTP source; it checks the options without connecting.
func New(opts Options, env source.Env) (*Source, error) {
	if opts.Host == "" {
		return nil, errors.New("ftp source: host is required")
	}
	switch opts.TLS {
	case "":
		opts.TLS = TLSNone
	case TLSNone, TLSExplicit, TLSImplicit:
	default:
		return nil, fmt.Errorf("ftp source %s: tls %q: want %q, %q or %q", opts.Host, opts.TLS, TLSNone, TLSExplicit, TLSImplicit)
	}
	if opts.Port == 0 {
		opts.Port = DefaultPort
		if opts.TLS == TLSImplicit {
			opts.Port = DefaultImplicitPort
		}
	}
	if opts.User == "" {
		opts.User = "anonymous"
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	opts.Rules = opts.Rules.WithDefaults()
	if err := opts.Rules.Validate(); err != nil {
		return nil, fmt.Errorf("ftp source %s: %w", opts.Host, err)
	}
	roots, err := loadRoots(opts.CAFile)
	if err != nil {
		return nil, fmt.Errorf("ftp source %s: %w", opts.Host, err)
	}
	s := &Source{opts: opts, roots: roots}
	s.fetcher = &source.Fetcher{Rules: opts.Rules, Env: env, Where: s.String(), Temporary: shouldRetry}
	return s, nil
}

// String returns the server's URL without the password:
// ftp://user@host:21/dir ("ftpes" for explicit TLS, "ftps" for implicit).
func (s *Source) String() string {
	scheme := "ftp"
	switch s.opts.TLS {
	case TLSExplicit:
		scheme = "ftpes"
	case TLSImplicit:
		scheme = "ftps"
	}
	u := url.URL{Scheme: scheme, User: url.User(s.opts.User), Host: s.addr(), Path: "/" + trimSlash(s.opts.Dir)}
	return u.String()
}

func (s *Source) addr() string {
	return net.JoinHostPort(s.opts.Host, strconv.Itoa(s.opts.Port))
}

// Fetch takes the newest complete extract on the server and archives it.
func (s *Source) Fetch(ctx context.Context) (source.Extract, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := &session{s: s}
	defer sess.hangUp()
	return s.fetcher.Fetch(ctx, sess)
}

// Done deletes or moves the extract's remote file (and its marker) when
// the options say so, and remembers it as processed.
func (s *Source) Done(ctx context.Context, e source.Extract) error {
	if err := source.CheckName(e.Name); err != nil {
		return fmt.Errorf("done with %s: %w", s, err)
	}
	s.fetcher.Remember(e)
	if s.opts.After == source.AfterKeep {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := &session{s: s}
	defer sess.hangUp()
	return sess.done(ctx, e.Name)
}
