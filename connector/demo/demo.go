package demo

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/ecrin-connect/ecrin/connector"
	"github.com/ecrin-connect/ecrin/connector/config"
	"github.com/ecrin-connect/ecrin/connector/shopsim"
)

//go:embed demo.yaml data
var files embed.FS

// Nights are the demo's extracts, in the order they are played.
var Nights = []string{"stock_20261121.csv", "stock_20261122.csv"}

// DefaultDir is where the demo keeps its data unless told otherwise.
const DefaultDir = "ecrin-demo"

// Night is what one demo night did.
type Night struct {
	Extract string
	connector.Outcome
}

// Options tune the demo.
type Options struct {
	Dir    string         // data folder; DefaultDir when empty
	Out    io.Writer      // where the nights are told; io.Discard when nil
	Logger zerolog.Logger // the runs' log
}

// Run plays the demo nights and returns what each did. The data folder is wiped
// first, so two demos in a row tell the same story.
func Run(ctx context.Context, o Options) ([]Night, error) {
	if o.Dir == "" {
		o.Dir = DefaultDir
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	dir, err := filepath.Abs(o.Dir)
	if err != nil {
		return nil, err
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, fmt.Errorf("clean demo folder: %w", err)
	}
	inbox := filepath.Join(dir, "inbox")
	if err := os.MkdirAll(inbox, 0o750); err != nil {
		return nil, fmt.Errorf("create demo folder: %w", err)
	}

	shopURL, stop, err := startShop(ctx, dir)
	if err != nil {
		return nil, err
	}
	defer stop()

	raw, err := files.ReadFile("demo.yaml")
	if err != nil {
		return nil, err
	}
	text := strings.NewReplacer("${DIR}", filepath.ToSlash(dir), "${SHOP_URL}", shopURL).Replace(string(raw))
	cfgPath := filepath.Join(dir, "ecrin.yaml")
	if err := os.WriteFile(cfgPath, []byte(text), 0o640); err != nil {
		return nil, err
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		return nil, err
	}
	site, err := connector.Open(ctx, cfg, connector.Options{Logger: o.Logger})
	if err != nil {
		return nil, err
	}
	defer site.Close()

	fmt.Fprintf(o.Out, "ecrin demo — boutique %q, Bijou3 extract, shop %s\ndata folder: %s\n", cfg.Site.Name, shopURL, dir)
	var nights []Night
	for i, name := range Nights {
		if err := drop(inbox, name); err != nil {
			return nights, err
		}
		out, err := site.RunOnce(ctx, connector.TriggerManual)
		if err != nil {
			return nights, fmt.Errorf("night %d: %w", i+1, err)
		}
		nights = append(nights, Night{Extract: name, Outcome: out})
		fmt.Fprintf(o.Out, "\nnight %d — %s (run %d, %s)\n", i+1, name, out.RunID, out.Status)
		fmt.Fprintf(o.Out, "  rows read     %6d  (row errors %d)\n", out.Rows, out.RowErrors)
		fmt.Fprintf(o.Out, "  matched       %6d\n", out.Matched)
		fmt.Fprintf(o.Out, "  published     %6d\n", out.Published)
		fmt.Fprintf(o.Out, "  unpublished   %6d\n", out.Unpublished)
		fmt.Fprintf(o.Out, "  items pushed  %6d  (rejected %d)\n", out.Pushed, out.Rejected)
		fmt.Fprintf(o.Out, "  report        %s\n", out.ReportPath)
	}
	return nights, nil
}

// drop writes a night's extract into the export folder the way an ERP does: the
// file, then its .done marker.
func drop(inbox, name string) error {
	b, err := files.ReadFile("data/" + name)
	if err != nil {
		return err
	}
	path := filepath.Join(inbox, name)
	if err := os.WriteFile(path, b, 0o640); err != nil {
		return fmt.Errorf("drop extract: %w", err)
	}
	return os.WriteFile(path+".done", nil, 0o640)
}

// startShop starts the reference shop on a loopback port with the demo catalog.
func startShop(ctx context.Context, dir string) (url string, stop func(), err error) {
	var products []shopsim.Product
	b, err := files.ReadFile("data/catalog.json")
	if err != nil {
		return "", nil, err
	}
	if err := json.Unmarshal(b, &products); err != nil {
		return "", nil, fmt.Errorf("demo catalog: %w", err)
	}
	srv, err := shopsim.New(shopsim.Options{DBPath: filepath.Join(dir, "shopsim.db"), Secret: []byte("demo-secret-not-for-production"), Boutique: "demo-bijouterie"})
	if err != nil {
		return "", nil, err
	}
	if err := srv.LoadCatalog(ctx, products); err != nil {
		srv.Close()
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		srv.Close()
		return "", nil, fmt.Errorf("listen on loopback: %w", err)
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	return "http://" + ln.Addr().String(), func() {
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		hs.Shutdown(shut)
		srv.Close()
	}, nil
}
