package ftp

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecrin-connect/ecrin/connector/source"
	"go.yaml.in/yaml/v3"
	"goftp.io/server/v2"
)

func sourceRules() source.Rules {
	return source.Rules{StableInterval: 50 * time.Millisecond, MaxWait: 5 * time.Second, RetryBackoff: 10 * time.Millisecond}
}

func sum(content string) string {
	h := sha256.Sum256([]byte(content))
	return hex.EncodeToString(h[:])
}

func newSource(t *testing.T, opts Options, seen func(string) bool) (*Source, string) {
	t.Helper()
	archive := t.TempDir()
	s, err := New(opts, source.Env{ArchiveDir: archive, Seen: seen})
	if err != nil {
		t.Fatal(err)
	}
	return s, archive
}

func archived(t *testing.T, archive string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(archive, "*", "*", "*"))
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestFetchNewest(t *testing.T) {
	tests := []struct {
		desc string
		cfg  serverConfig
		mode string
		epsv bool
	}{
		{"plain, MLSD", serverConfig{}, TLSNone, true},
		{"plain, LIST and MDTM", serverConfig{noMLSD: true}, TLSNone, true},
		{"plain, MLSD announced but refused", serverConfig{noMLSDButMLST: true}, TLSNone, true},
		{"plain, PASV only", serverConfig{}, TLSNone, false},
		{"explicit TLS", serverConfig{tls: TLSExplicit}, TLSExplicit, true},
		// Implicit TLS is covered by the vsftpd integration test: this
		// server never marks implicit sessions as TLS and refuses PBSZ.
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			ts := startServer(t, tt.cfg)
			// A recent time to the minute: LIST without MDTM has no more.
			day := time.Now().UTC().Truncate(time.Minute).Add(-time.Hour)
			ts.put(t, "stock_20250130.csv", "old", day.Add(-24*time.Hour))
			ts.put(t, "stock_20250131.csv", "REF;QTY\nA;1\n", day)
			ts.put(t, "prices_20250201.csv", "not an extract", day.Add(time.Hour))
			opts := ts.options(tt.mode)
			opts.DisableEPSV = !tt.epsv
			s, archive := newSource(t, opts, nil)

			e, err := s.Fetch(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			want := source.Extract{
				Name:    "stock_20250131.csv",
				Path:    source.ArchivePath(archive, "stock_20250131.csv", day, sum("REF;QTY\nA;1\n")),
				Size:    12,
				ModTime: day,
				SHA256:  sum("REF;QTY\nA;1\n"),
			}
			if e != want {
				t.Fatalf("Fetch() = %+v\nwant %+v", e, want)
			}
			if got, err := os.ReadFile(e.Path); err != nil || string(got) != "REF;QTY\nA;1\n" {
				t.Fatalf("archived copy = %q, %v", got, err)
			}
		})
	}
}

func TestFetchInDir(t *testing.T) {
	ts := startServer(t, serverConfig{})
	if err := os.Mkdir(filepath.Join(ts.root, "export"), 0o755); err != nil {
		t.Fatal(err)
	}
	ts.put(t, "stock_1.csv", "top", time.Now().Add(time.Hour))
	ts.put(t, "export/stock_2.csv", "in export", time.Now())
	opts := ts.options(TLSNone)
	opts.Dir = "/export"
	s, _ := newSource(t, opts, nil)
	e, err := s.Fetch(context.Background())
	if err != nil || e.Name != "stock_2.csv" || e.SHA256 != sum("in export") {
		t.Fatalf("Fetch() = %+v, %v; want stock_2.csv from /export", e, err)
	}
}

func TestFetchWaitsForGrowingFile(t *testing.T) {
	ts := startServer(t, serverConfig{})
	f, err := os.Create(filepath.Join(ts.root, "stock_20250131.csv"))
	if err != nil {
		t.Fatal(err)
	}
	const lines = 40
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer f.Close()
		for i := 0; i < lines; i++ {
			f.WriteString("REF;1\n")
			time.Sleep(10 * time.Millisecond)
		}
	}()
	// 25 times the writer's pause before the file looks stable: a loaded machine
	// delays a goroutine, not that long.
	o := ts.options(TLSNone)
	o.StableInterval = 250 * time.Millisecond
	s, _ := newSource(t, o, nil)
	e, err := s.Fetch(context.Background())
	<-done
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(lines * len("REF;1\n")); e.Size != want {
		t.Fatalf("Fetch() took the file at %d bytes, want it complete at %d", e.Size, want)
	}
}

func TestFetchMarker(t *testing.T) {
	ts := startServer(t, serverConfig{})
	ts.put(t, "stock_20250131.csv", "x", time.Now())
	opts := ts.options(TLSNone)
	opts.Marker = source.MarkerOK
	s, _ := newSource(t, opts, nil)
	if _, err := s.Fetch(context.Background()); !errors.Is(err, source.ErrNoExtract) {
		t.Fatalf("Fetch() without marker = %v, want ErrNoExtract", err)
	}
	ts.put(t, "stock_20250131.ok", "", time.Now())
	if e, err := s.Fetch(context.Background()); err != nil || e.Name != "stock_20250131.csv" {
		t.Fatalf("Fetch() with marker = %+v, %v", e, err)
	}
}

func TestFetchRetriesCutTransfer(t *testing.T) {
	tests := []struct {
		cuts      int32
		ok        bool
		downloads int32
	}{
		{cuts: 1, ok: true, downloads: 2},
		{cuts: 2, ok: true, downloads: 3},
		{cuts: 3, ok: false, downloads: 3}, // Attempts = 3
	}
	for _, tt := range tests {
		drv := &cutOnce{}
		drv.cuts.Store(tt.cuts)
		ts := startServer(t, serverConfig{wrap: func(d server.Driver) server.Driver { drv.Driver = d; return drv }})
		content := strings.Repeat("REF;QTY;PRICE\n", 1000)
		ts.put(t, "stock_1.csv", content, time.Now())
		s, archive := newSource(t, ts.options(TLSNone), nil)
		e, err := s.Fetch(context.Background())
		if tt.ok && (err != nil || e.SHA256 != sum(content)) {
			t.Errorf("%d cuts: Fetch() = %+v, %v; want the whole file", tt.cuts, e, err)
		}
		if !tt.ok && !errors.Is(err, source.ErrSizeMismatch) {
			t.Errorf("%d cuts: Fetch() = %v, want ErrSizeMismatch", tt.cuts, err)
		}
		if n := drv.downloads.Load(); n != tt.downloads {
			t.Errorf("%d cuts: %d downloads, want %d", tt.cuts, n, tt.downloads)
		}
		if !tt.ok && len(archived(t, archive)) != 0 {
			t.Errorf("%d cuts: files left in the archive: %v", tt.cuts, archived(t, archive))
		}
	}
}

// guard fails the test if f does not return within a generous bound: a
// stalled operation must end on its deadline, not hang the run.
func guard(t *testing.T, f func() error) error {
	t.Helper()
	res := make(chan error, 1)
	go func() { res <- f() }()
	select {
	case err := <-res:
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("the operation hung past every deadline")
		return nil
	}
}

func TestStalledServerHitsDeadline(t *testing.T) {
	host, port := silentListener(t)
	opts := Options{Host: host, Port: port, User: testUser, Password: testPassword, Timeout: 100 * time.Millisecond, Rules: sourceRules()}
	opts.Attempts = 2
	s, _ := newSource(t, opts, nil)
	err := guard(t, func() error { _, err := s.Fetch(context.Background()); return err })
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Fetch() = %v, want a deadline error", err)
	}
}

func TestStalledDownloadHitsDeadline(t *testing.T) {
	drv := &stall{release: make(chan struct{})}
	t.Cleanup(func() { close(drv.release) })
	ts := startServer(t, serverConfig{wrap: func(d server.Driver) server.Driver { drv.Driver = d; return drv }})
	ts.put(t, "stock_1.csv", "never sent", time.Now())
	opts := ts.options(TLSNone)
	opts.Timeout = 200 * time.Millisecond
	opts.Attempts = 1
	s, archive := newSource(t, opts, nil)
	err := guard(t, func() error { _, err := s.Fetch(context.Background()); return err })
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Fetch() = %v, want a deadline error", err)
	}
	if files := archived(t, archive); len(files) != 0 {
		t.Errorf("files left in the archive: %v", files)
	}
}

func TestCancelStopsFetch(t *testing.T) {
	host, port := silentListener(t)
	opts := Options{Host: host, Port: port, Timeout: time.Hour, Rules: sourceRules()}
	s, _ := newSource(t, opts, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err := guard(t, func() error { _, err := s.Fetch(ctx); return err })
	if err == nil {
		t.Fatal("Fetch() on a cancelled context succeeded")
	}
}

func TestWrongPasswordNotRetried(t *testing.T) {
	ts := startServer(t, serverConfig{})
	ts.put(t, "stock_1.csv", "x", time.Now())
	opts := ts.options(TLSNone)
	opts.Password = "wrong-" + testPassword
	s, _ := newSource(t, opts, nil)
	_, err := s.Fetch(context.Background())
	if err == nil || errors.Is(err, source.ErrNoExtract) {
		t.Fatalf("Fetch() = %v, want a login error", err)
	}
	if strings.Contains(err.Error(), opts.Password) {
		t.Errorf("error shows the password: %v", err)
	}
	if n := ts.logins.Load(); n != 1 {
		t.Errorf("%d login attempts, want 1: a 530 is permanent", n)
	}
}

func TestUntrustedCertificateRefused(t *testing.T) {
	ts := startServer(t, serverConfig{tls: TLSExplicit})
	ts.put(t, "stock_1.csv", "x", time.Now())
	opts := ts.options(TLSExplicit)
	opts.CAFile = "" // system roots do not know the test certificate
	s, _ := newSource(t, opts, nil)
	if _, err := s.Fetch(context.Background()); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("Fetch() = %v, want a certificate error", err)
	}
	opts.InsecureSkipVerify = true
	s, _ = newSource(t, opts, nil)
	if _, err := s.Fetch(context.Background()); err != nil {
		t.Fatalf("Fetch() with insecure_skip_verify = %v", err)
	}
}

func TestFetchSkipsProcessed(t *testing.T) {
	drv := &cutOnce{}
	ts := startServer(t, serverConfig{wrap: func(d server.Driver) server.Driver { drv.Driver = d; return drv }})
	ts.put(t, "stock_1.csv", "processed", time.Now().Add(-time.Minute))
	var calls atomic.Int32
	seen := func(sha string) bool { calls.Add(1); return sha == sum("processed") }
	s, archive := newSource(t, ts.options(TLSNone), seen)
	for i := 0; i < 3; i++ {
		if _, err := s.Fetch(context.Background()); !errors.Is(err, source.ErrNoExtract) {
			t.Fatalf("fetch %d: Fetch() = %v, want ErrNoExtract", i, err)
		}
	}
	if n := drv.downloads.Load(); n != 1 {
		t.Errorf("%d downloads of a processed file, want 1", n)
	}
	if files := archived(t, archive); len(files) != 0 {
		t.Errorf("a processed file was archived again: %v", files)
	}
}

func TestFetchRefusesUnsafeNames(t *testing.T) {
	for _, bad := range []string{`..\..\stock_evil.csv`, "stock_..csv", "C:stock_1.csv"} {
		ts := startServer(t, serverConfig{wrap: func(d server.Driver) server.Driver {
			return &renamed{Driver: d, names: map[string]string{"stock_1.csv": bad}}
		}})
		ts.put(t, "stock_1.csv", "x", time.Now())
		opts := ts.options(TLSNone)
		opts.Pattern = "*stock_*.csv"
		s, archive := newSource(t, opts, nil)
		if _, err := s.Fetch(context.Background()); !errors.Is(err, source.ErrUnsafeName) {
			t.Errorf("listed as %q: Fetch() = %v, want ErrUnsafeName", bad, err)
		}
		if files := archived(t, archive); len(files) != 0 {
			t.Errorf("listed as %q: archived %v", bad, files)
		}
	}
}

func TestDone(t *testing.T) {
	tests := []struct {
		after string
		left  []string // in the served root
		moved []string // in /done
	}{
		{source.AfterKeep, []string{"stock_1.csv", "stock_1.csv.done"}, nil},
		{source.AfterDelete, nil, nil},
		{source.AfterMove, []string{"done"}, []string{"stock_1.csv", "stock_1.csv.done"}},
	}
	for _, tt := range tests {
		ts := startServer(t, serverConfig{})
		ts.put(t, "stock_1.csv", "x", time.Now())
		ts.put(t, "stock_1.csv.done", "", time.Now())
		opts := ts.options(TLSNone)
		opts.Marker, opts.After, opts.MoveTo = source.MarkerDone, tt.after, "/done"
		s, _ := newSource(t, opts, nil)
		e, err := s.Fetch(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Done(context.Background(), e); err != nil {
			t.Fatalf("after %s: Done() = %v", tt.after, err)
		}
		if got := names(ts.root); strings.Join(got, ",") != strings.Join(tt.left, ",") {
			t.Errorf("after %s: server root holds %q, want %q", tt.after, got, tt.left)
		}
		if got := names(filepath.Join(ts.root, "done")); strings.Join(got, ",") != strings.Join(tt.moved, ",") {
			t.Errorf("after %s: /done holds %q, want %q", tt.after, got, tt.moved)
		}
	}
}

func names(dir string) []string {
	entries, _ := os.ReadDir(dir)
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func TestOpenFromRegistry(t *testing.T) {
	ts := startServer(t, serverConfig{})
	ts.put(t, "stk_1.txt", "a", time.Now())
	conf := "host: 127.0.0.1\nport: " + itoa(ts.port) + "\nuser: ecrin\npassword: leaked\npattern: 'stk_*.txt'\nstable_interval: 20ms\ntimeout: 2s\n"
	var node yaml.Node
	if err := yaml.Unmarshal([]byte(conf), &node); err != nil {
		t.Fatal(err)
	}
	src, err := source.Open(Kind, node.Content[0], source.Env{ArchiveDir: t.TempDir(), Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	if want := "ftp://ecrin@127.0.0.1:" + itoa(ts.port) + "/"; src.String() != want {
		t.Errorf("String() = %q, want %q", src.String(), want)
	}
	if e, err := src.Fetch(context.Background()); err != nil || e.Name != "stk_1.txt" {
		t.Fatalf("Fetch() = %+v, %v", e, err)
	}
}

func TestString(t *testing.T) {
	tests := []struct {
		opts Options
		want string
	}{
		{Options{Host: "ftp.example.com", User: "shop", Password: "pw", Dir: "export"}, "ftp://shop@ftp.example.com:21/export"},
		{Options{Host: "ftp.example.com", TLS: TLSExplicit, Dir: "/a/b/"}, "ftpes://anonymous@ftp.example.com:21/a/b"},
		{Options{Host: "::1", TLS: TLSImplicit, User: "u"}, "ftps://u@[::1]:990/"},
	}
	for _, tt := range tests {
		s, err := New(tt.opts, source.Env{})
		if err != nil {
			t.Fatal(err)
		}
		if got := s.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestNewRefusesBadOptions(t *testing.T) {
	for _, opts := range []Options{
		{},
		{Host: "h", TLS: "starttls"},
		{Host: "h", CAFile: "/nonexistent/ca.pem"},
		{Host: "h", Rules: source.Rules{After: source.AfterMove}},
	} {
		if _, err := New(opts, source.Env{}); err == nil {
			t.Errorf("New(%+v) accepted", opts)
		}
	}
}

// The example in testdata decodes with every field known and is valid.
func TestExampleConfig(t *testing.T) {
	f, err := os.Open("../../../testdata/ftp/ftp.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := yaml.NewDecoder(f)
	dec.KnownFields(true)
	var opts Options
	if err := dec.Decode(&opts); err != nil {
		t.Fatal(err)
	}
	want := Options{
		Host: "ftp.boutique.example", Port: 21, User: "ecrin", TLS: TLSExplicit, Dir: "/export", Timeout: 30 * time.Second,
		Rules: source.Rules{
			Pattern: "stock_*.csv", StableInterval: 10 * time.Second, MaxWait: 10 * time.Minute,
			After: source.AfterMove, MoveTo: "/export/done", Attempts: 3, RetryBackoff: 2 * time.Second,
		},
	}
	if opts != want {
		t.Fatalf("decoded %+v\nwant %+v", opts, want)
	}
	if _, err := New(opts, source.Env{}); err != nil {
		t.Fatal(err)
	}
}
