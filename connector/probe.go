package connector

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/ecrin-connect/ecrin/connector/config"
	"github.com/ecrin-connect/ecrin/connector/shop"
	"github.com/ecrin-connect/ecrin/connector/source"
	"github.com/ecrin-connect/ecrin/connector/state"
)

// probeTimeout bounds each probe of `ecrin check`.
const probeTimeout = 30 * time.Second

// ProbeResult is one thing `ecrin check` tried to reach.
type ProbeResult struct {
	What   string // "data", "source", "shop"
	Target string // where, never with a secret
	Err    error
}

// lister is what a source backend offers to see its files without fetching one.
type lister interface {
	List(ctx context.Context) ([]source.File, error)
}

// Probe checks that the site's data folder is writable, its source answers and
// lists its files, and its shop answers a signed request.
func Probe(ctx context.Context, cfg *config.Config) []ProbeResult {
	var out []ProbeResult

	data := ProbeResult{What: "data", Target: cfg.DataDir}
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		data.Err = err
	} else if st, err := state.Open(ctx, cfg.StatePath()); err != nil {
		data.Err = err
	} else {
		st.Close()
	}
	out = append(out, data)

	src := ProbeResult{What: "source", Target: cfg.Source.Kind}
	s, err := source.Open(cfg.Source.Kind, &cfg.Source.Settings, source.Env{ArchiveDir: cfg.ArchiveDir(), Password: cfg.SourcePassword})
	if err != nil {
		src.Err = err
	} else {
		src.Target = s.String()
		if l, ok := s.(lister); ok {
			pctx, cancel := context.WithTimeout(ctx, probeTimeout)
			files, err := l.List(pctx)
			cancel()
			if err != nil {
				src.Err = err
			} else {
				src.Target = fmt.Sprintf("%s (%d files)", s, len(files))
			}
		}
	}
	out = append(out, src)

	sh := ProbeResult{What: "shop", Target: cfg.Shop.Kind}
	c, err := shop.Open(cfg.Shop.Kind, &cfg.Shop.Settings, cfg.ShopEnv())
	if err != nil {
		sh.Err = err
	} else {
		sh.Target = c.String()
		pctx, cancel := context.WithTimeout(ctx, probeTimeout)
		sh.Err = c.Ping(pctx)
		cancel()
	}
	return append(out, sh)
}
