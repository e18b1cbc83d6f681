package connector

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/ecrin-connect/ecrin/connector/config"
	"github.com/ecrin-connect/ecrin/connector/shop"
	"github.com/ecrin-connect/ecrin/connector/source"
	"github.com/ecrin-connect/ecrin/connector/state"
	"github.com/ecrin-connect/ecrin/erp"
	"github.com/ecrin-connect/ecrin/mapping"
	"github.com/ecrin-connect/ecrin/reconcile"

	_ "github.com/ecrin-connect/ecrin/connector/shop/all"      // shop kinds
	_ "github.com/ecrin-connect/ecrin/connector/source/folder" // source backends
	_ "github.com/ecrin-connect/ecrin/connector/source/ftp"
	_ "github.com/ecrin-connect/ecrin/erp/all" // ERP profiles
)

// Site is one configured boutique with everything a run needs, opened once: the
// state file, the extract source, the shop client and the ERP reader. Runs on a Site
// never overlap.
type Site struct {
	cfg    *config.Config
	store  *state.Store
	src    source.Source
	shop   shop.Shop
	reader erp.Reader
	log    zerolog.Logger
	now    func() time.Time

	mu sync.Mutex // one run at a time
}

// Options tune a Site beyond its configuration.
type Options struct {
	Logger zerolog.Logger   // where the run logs; zero value: discard
	Now    func() time.Time // the clock; default time.Now
	Source source.Source    // replaces the configured source (tests, demo)
	Shop   shop.Shop        // replaces the configured shop
	Store  *state.Store     // an already open state file
}

// Open prepares a site: creates its data folders, opens its state file, its source
// and its shop client.
func Open(ctx context.Context, cfg *config.Config, o Options) (*Site, error) {
	s := &Site{cfg: cfg, log: o.Logger, now: o.Now, store: o.Store, src: o.Source, shop: o.Shop}
	if s.now == nil {
		s.now = time.Now
	}
	for _, dir := range []string{cfg.DataDir, cfg.ArchiveDir(), cfg.ReportDir()} {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create data folder: %w", err)
		}
	}
	var err error
	if s.reader, err = erp.New(cfg.ERP.Profile, cfg.ERP.Options); err != nil {
		return nil, err
	}
	if s.store == nil {
		if s.store, err = state.Open(ctx, cfg.StatePath()); err != nil {
			return nil, err
		}
	}
	if s.src == nil {
		env := source.Env{ArchiveDir: cfg.ArchiveDir(), Password: cfg.SourcePassword, Seen: s.seen}
		if s.src, err = source.Open(cfg.Source.Kind, &cfg.Source.Settings, env); err != nil {
			s.store.Close()
			return nil, fmt.Errorf("source: %w", err)
		}
	}
	if s.shop == nil && cfg.ShopSecret == "" {
		// Loaded without the shop's secret (config.WithoutShopSecret): the command
		// does not reach the shop, and says so if it tries.
		s.shop = noShop{kind: cfg.Shop.Kind}
	}
	if s.shop == nil {
		env := cfg.ShopEnv()
		env.OnRetry = s.logRetry
		if s.shop, err = shop.Open(cfg.Shop.Kind, &cfg.Shop.Settings, env); err != nil {
			s.store.Close()
			return nil, fmt.Errorf("shop: %w", err)
		}
	}
	return s, nil
}

// logRetry logs a request to the shop that is about to be tried again.
func (s *Site) logRetry(request string, retry int, wait time.Duration, cause error) {
	s.log.Warn().Str("request", request).Int("retry", retry).Dur("wait", wait).Err(cause).
		Msgf("the shop did not answer %s: next attempt in %s", request, wait.Round(time.Second))
}

// begin takes the site's run lock, in this process and across processes; the
// returned func releases it.
func (s *Site) begin() (func(), error) {
	s.mu.Lock()
	l, err := acquire(s.cfg.DataDir)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	return func() { l.release(); s.mu.Unlock() }, nil
}

// Close releases the state file.
func (s *Site) Close() error { return s.store.Close() }

// Store is the site's state file.
func (s *Site) Store() *state.Store { return s.store }

// Config is the site's configuration.
func (s *Site) Config() *config.Config { return s.cfg }

// seen tells the source whether an extract was already processed.
func (s *Site) seen(sha string) bool {
	_, ok, err := s.store.ProcessedSHA(context.Background(), sha)
	if err != nil {
		s.log.Warn().Err(err).Msg("check extract history")
		return false
	}
	return ok
}

// mapper builds the site's mapping with the aliases CSMs keep in the state file.
func (s *Site) mapper(ctx context.Context) (*mapping.Mapper, error) {
	mc := s.cfg.Mapping
	aliases, err := s.store.Aliases(ctx)
	if err != nil {
		return nil, err
	}
	mc.Aliases = append([]mapping.Alias(nil), mc.Aliases...)
	for _, a := range aliases {
		mc.Aliases = append(mc.Aliases, mapping.Alias{Brand: a.Brand, Old: a.OldRef, Canonical: a.Canonical})
	}
	return mapping.New(mc)
}

// noShop stands for the shop of a command loaded without the shop's secret.
type noShop struct{ kind string }

var _ shop.Shop = noShop{}

var errNoShop = errors.New("this command does not reach the shop: its secret was not loaded")

func (noShop) Catalog(context.Context) ([]reconcile.Product, error) { return nil, errNoShop }
func (noShop) Push(context.Context, string, []shop.Item) ([]shop.Result, error) {
	return nil, errNoShop
}
func (noShop) OpenOrders(context.Context) ([]shop.OrderLine, error) { return nil, errNoShop }
func (noShop) Ping(context.Context) error                           { return errNoShop }
func (noShop) Traits() shop.Traits                                  { return shop.Traits{MaxBatch: 1} }
func (n noShop) String() string                                     { return n.kind + " shop (not reached)" }
