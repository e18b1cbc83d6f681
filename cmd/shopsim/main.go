// Command shopsim runs the reference web shop of ecrin's shop protocol
// (docs/shop-protocol.md) for one boutique, for the demo and the integration tests.
//
//	shopsim --addr 127.0.0.1:8099 --db shopsim.db --secret-file secret --catalog catalog.json --boutique B042
//
// The secret comes from --secret-file or, without it, from $SHOPSIM_SECRET. The
// /admin endpoints (faults, stats, state) answer loopback clients only.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/ecrin-connect/ecrin/connector/shopsim"
)

func main() {
	if err := run(); err != nil {
		log.Fatalf("shopsim: %v", err)
	}
}

func run() error {
	addr := flag.String("addr", "127.0.0.1:8099", "listen address")
	dbPath := flag.String("db", "shopsim.db", "SQLite file holding the catalog and the stock")
	secretFile := flag.String("secret-file", "", "file holding the boutique's secret (default: $SHOPSIM_SECRET)")
	catalog := flag.String("catalog", "", "JSON catalog file to load at start (optional)")
	boutique := flag.String("boutique", "", "the boutique id the shop serves")
	flag.Parse()

	secret := []byte(os.Getenv("SHOPSIM_SECRET"))
	if *secretFile != "" {
		b, err := os.ReadFile(*secretFile)
		if err != nil {
			return fmt.Errorf("read secret: %w", err)
		}
		secret = bytes.TrimSpace(b)
	}
	srv, err := shopsim.New(shopsim.Options{DBPath: *dbPath, Secret: secret, Boutique: *boutique})
	if err != nil {
		return err
	}
	defer srv.Close()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *catalog != "" {
		if err := srv.LoadCatalogFile(ctx, *catalog); err != nil {
			return err
		}
	}
	hs := &http.Server{Addr: *addr, Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- hs.ListenAndServe() }()
	log.Printf("shopsim: boutique %s listening on %s (database %s)", *boutique, *addr, *dbPath)
	select {
	case err := <-errc:
		return fmt.Errorf("listen on %s: %w", *addr, err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shut down: %w", err)
	}
	return nil
}
