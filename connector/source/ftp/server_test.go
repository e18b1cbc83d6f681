package ftp

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"goftp.io/server/v2"
	"goftp.io/server/v2/driver/file"
)

// Test servers: a real FTP server (goftp.io/server/v2) in the process,
// serving a temp folder through its file driver, optionally wrapped to
// misbehave.

const (
	testUser     = "ecrin"
	testPassword = "s3cret-pw"
)

type testServer struct {
	host   string
	port   int
	root   string // the folder served
	caFile string // PEM of the server's certificate, when TLS
	logins atomic.Int32
}

type serverConfig struct {
	tls           string                            // TLSNone, TLSExplicit or TLSImplicit
	noMLSD        bool                              // remove MLSD/MLST: clients must LIST
	noMLSDButMLST bool                              // announce MLST but refuse MLSD
	wrap          func(server.Driver) server.Driver // misbehaviour
}

func startServer(t testing.TB, cfg serverConfig) *testServer {
	t.Helper()
	ts := &testServer{root: t.TempDir()}
	var driver server.Driver
	driver, err := file.NewDriver(ts.root)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.wrap != nil {
		driver = cfg.wrap(driver)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts.host = "127.0.0.1"
	ts.port = l.Addr().(*net.TCPAddr).Port
	opts := &server.Options{
		Driver:   driver,
		Auth:     &countingAuth{ts: ts},
		Perm:     server.NewSimplePerm(testUser, testUser),
		Hostname: ts.host,
		Port:     ts.port,
		Logger:   &server.DiscardLogger{},
	}
	if cfg.noMLSD || cfg.noMLSDButMLST {
		opts.Commands = make(map[string]server.Command)
		for k, v := range server.DefaultCommands() {
			if k != "MLSD" && (k != "MLST" || cfg.noMLSDButMLST) {
				opts.Commands[k] = v
			}
		}
	}
	if cfg.tls != TLSNone && cfg.tls != "" {
		tlsConf, caFile := selfSigned(t)
		ts.caFile = caFile
		opts.TLS, opts.TLSConfig = true, tlsConf
		opts.ExplicitFTPS = cfg.tls == TLSExplicit
	}
	s, err := server.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Shutdown() })
	if !opts.TLS {
		go s.Serve(l)
		return ts
	}
	// The server takes its TLS configuration only in ListenAndServe: free
	// the port picked above for it and wait until it answers.
	l.Close()
	go s.ListenAndServe()
	addr := net.JoinHostPort(ts.host, strconv.Itoa(ts.port))
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			return ts
		}
		if time.Now().After(deadline) {
			t.Fatalf("test server on %s: %v", addr, err)
		}
	}
}

type countingAuth struct{ ts *testServer }

func (a *countingAuth) CheckPasswd(_ *server.Context, user, pass string) (bool, error) {
	a.ts.logins.Add(1)
	return user == testUser && pass == testPassword, nil
}

// put writes a file of the served folder with the given modification time.
func (ts *testServer) put(t testing.TB, name, content string, mod time.Time) {
	t.Helper()
	p := filepath.Join(ts.root, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, mod, mod); err != nil {
		t.Fatal(err)
	}
}

// options returns client options for the server, fast polls and retries.
func (ts *testServer) options(mode string) Options {
	return Options{
		Host:     ts.host,
		Port:     ts.port,
		User:     testUser,
		Password: testPassword,
		TLS:      mode,
		CAFile:   ts.caFile,
		Timeout:  2 * time.Second,
		Rules:    sourceRules(),
	}
}

// selfSigned makes a certificate for 127.0.0.1 and returns the server
// config and the PEM file a client trusts it with.
func selfSigned(t testing.TB) (*tls.Config, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "ecrin test ftp"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true,

		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	cert := tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	return &tls.Config{Certificates: []tls.Certificate{cert}}, caFile
}

// cutOnce serves the first n downloads cut in half, then whole files.
type cutOnce struct {
	server.Driver
	cuts      atomic.Int32
	downloads atomic.Int32
}

func (d *cutOnce) GetFile(ctx *server.Context, path string, offset int64) (int64, io.ReadCloser, error) {
	d.downloads.Add(1)
	size, rc, err := d.Driver.GetFile(ctx, path, offset)
	if err != nil || d.cuts.Add(-1) < 0 {
		return size, rc, err
	}
	return size, struct {
		io.Reader
		io.Closer
	}{io.LimitReader(rc, size/2), rc}, nil
}

// stall serves downloads that never send a byte, until the test ends.
type stall struct {
	server.Driver
	release chan struct{}
}

func (d *stall) GetFile(ctx *server.Context, path string, offset int64) (int64, io.ReadCloser, error) {
	size, rc, err := d.Driver.GetFile(ctx, path, offset)
	if err != nil {
		return size, rc, err
	}
	return size, struct {
		io.Reader
		io.Closer
	}{blockingReader(d.release), rc}, nil
}

type blockingReader chan struct{}

func (b blockingReader) Read([]byte) (int, error) {
	<-b
	return 0, errors.New("released")
}

// renamed lists files under other names, as a hostile server could.
type renamed struct {
	server.Driver
	names map[string]string
}

func (d *renamed) ListDir(ctx *server.Context, path string, cb func(os.FileInfo) error) error {
	return d.Driver.ListDir(ctx, path, func(fi os.FileInfo) error {
		if n, ok := d.names[fi.Name()]; ok {
			fi = renamedInfo{fi, n}
		}
		return cb(fi)
	})
}

type renamedInfo struct {
	os.FileInfo
	name string
}

func (r renamedInfo) Name() string { return r.name }

// silentListener accepts connections and never answers: a stalled server.
func silentListener(t *testing.T) (host string, port int) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() { <-ctx.Done(); c.Close() }()
		}
	}()
	addr := l.Addr().(*net.TCPAddr)
	return addr.IP.String(), addr.Port
}
