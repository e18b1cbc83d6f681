package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/ecrin-connect/ecrin/connector/config"
)

// A service started with the example configuration (no secret yet) must not fail to
// start — the installer would roll back —: it waits, says why, and restarts once the
// file loads.
func TestServiceWaitsForAUsableConfiguration(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ecrin.yaml")
	example, err := os.ReadFile("../../installer/ecrin.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, example, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ECRIN_SHOP_SECRET", "")
	_, cause := config.Load(path)
	if cause == nil {
		t.Fatal("the example configuration loads without its secrets")
	}
	var logs bytes.Buffer
	work := configWaiter(path, cause, zerolog.New(&logs), 10*time.Millisecond)

	// Stopped while waiting: it ends with the stop.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := work(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("stopped while waiting: %v", err)
	}
	if !strings.Contains(logs.String(), "ECRIN_SHOP_SECRET is not set") {
		t.Errorf("the log does not say why: %s", logs.String())
	}

	// The file fixed: it ends so that the service manager restarts ecrin with it.
	fixed := strings.Replace(string(example), "file: /etc/ecrin/ftp-password", "value: x", 1)
	if err := os.WriteFile(path, []byte(fixed), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ECRIN_SHOP_SECRET", "s")
	done := make(chan error, 1)
	go func() { done <- work(context.Background()) }()
	select {
	case err := <-done:
		if !errors.Is(err, errConfigFixed) {
			t.Fatalf("after the fix: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("still waiting 5 s after the configuration was fixed")
	}
}
