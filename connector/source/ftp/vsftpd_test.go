package ftp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecrin-connect/ecrin/connector/source"
	"github.com/jlaffaye/ftp"
)

// Integration tests against Debian's vsftpd, started by .ci/vsftpd.sh:
//
//	ECRIN_VSFTPD=127.0.0.1:2121,127.0.0.1:2122[,127.0.0.1:2123]  plain, explicit TLS, implicit TLS
//	ECRIN_VSFTPD_USER, ECRIN_VSFTPD_PASSWORD                      the FTP login
//	ECRIN_VSFTPD_CA                                               the servers' certificate (PEM)
//
// All the servers serve the same home folder; each test works in a
// folder of its own, set up through the plain server.

type vsftpd struct {
	addrs          map[string]string // by TLS mode
	user, password string
	ca             string
}

func vsftpdEnv(t *testing.T) vsftpd {
	t.Helper()
	list := os.Getenv("ECRIN_VSFTPD")
	if list == "" {
		t.Skip("ECRIN_VSFTPD is not set: run `bash .ci/vsftpd.sh > env && . env` (as root) to test against vsftpd")
	}
	v := vsftpd{
		addrs:    map[string]string{},
		user:     os.Getenv("ECRIN_VSFTPD_USER"),
		password: os.Getenv("ECRIN_VSFTPD_PASSWORD"),
		ca:       os.Getenv("ECRIN_VSFTPD_CA"),
	}
	for i, addr := range strings.Split(list, ",") {
		if i < 3 && addr != "" {
			v.addrs[[]string{TLSNone, TLSExplicit, TLSImplicit}[i]] = addr
		}
	}
	if v.addrs[TLSNone] == "" || v.user == "" {
		t.Fatal("ECRIN_VSFTPD needs a plain server first, and ECRIN_VSFTPD_USER a login")
	}
	return v
}

func (v vsftpd) options(t *testing.T, mode, dir string) Options {
	t.Helper()
	host, port, err := net.SplitHostPort(v.addrs[mode])
	if err != nil {
		t.Fatal(err)
	}
	p, _ := strconv.Atoi(port)
	rules := sourceRules()
	rules.StableInterval = 300 * time.Millisecond
	return Options{
		Host: host, Port: p, User: v.user, Password: v.password,
		TLS: mode, CAFile: v.ca, Dir: dir, Timeout: 5 * time.Second, Rules: rules,
	}
}

// setup logs in to the plain server and makes a fresh folder for the
// test, removed at the end.
func (v vsftpd) setup(t *testing.T) (*ftp.ServerConn, string) {
	t.Helper()
	c, err := ftp.Dial(v.addrs[TLSNone], ftp.DialWithTimeout(5*time.Second), ftp.DialWithWritingMDTM(true))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login(v.user, v.password); err != nil {
		t.Fatal(err)
	}
	dir := fmt.Sprintf("/%s-%d", strings.ReplaceAll(t.Name(), "/", "-"), time.Now().UnixNano())
	if err := c.MakeDir(dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = c.RemoveDirRecur(dir)
		_ = c.Quit()
	})
	return c, dir
}

func upload(t *testing.T, c *ftp.ServerConn, p, content string, mod time.Time) {
	t.Helper()
	if err := c.Stor(p, strings.NewReader(content)); err != nil {
		t.Fatal(err)
	}
	if err := c.SetTime(p, mod); err != nil {
		t.Fatal(err)
	}
}

func TestVsftpdFetch(t *testing.T) {
	v := vsftpdEnv(t)
	for _, mode := range []string{TLSNone, TLSExplicit, TLSImplicit} {
		if v.addrs[mode] == "" {
			continue
		}
		t.Run(mode, func(t *testing.T) {
			c, dir := v.setup(t)
			day := time.Date(2025, 1, 31, 22, 15, 7, 0, time.UTC)
			content := strings.Repeat("T120.407.17.041.00;1;450.00\n", 20000) // several data blocks
			upload(t, c, dir+"/stock_20250130.csv", "old", day.Add(-24*time.Hour))
			upload(t, c, dir+"/stock_20250131.csv", content, day)
			upload(t, c, dir+"/prices_20250201.csv", "other", day.Add(time.Hour))

			var seenCalls atomic.Int32
			processed := map[string]bool{}
			seen := func(sha string) bool { seenCalls.Add(1); return processed[sha] }
			opts := v.options(t, mode, dir)
			opts.After = source.AfterDelete
			s, archive := newSource(t, opts, seen)

			e, err := s.Fetch(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if e.Name != "stock_20250131.csv" || !e.ModTime.Equal(day) || e.SHA256 != sum(content) || e.Size != int64(len(content)) {
				t.Fatalf("Fetch() = %+v, want stock_20250131.csv of %s, %d bytes", e, day, len(content))
			}
			if got, err := os.ReadFile(e.Path); err != nil || !bytes.Equal(got, []byte(content)) {
				t.Fatalf("archived copy: %d bytes, %v", len(got), err)
			}

			// The run history knows it: the next fetch drops it.
			processed[e.SHA256] = true
			s2, _ := newSource(t, opts, seen)
			if _, err := s2.Fetch(context.Background()); !errors.Is(err, source.ErrNoExtract) {
				t.Fatalf("Fetch() of a processed file = %v, want ErrNoExtract", err)
			}
			if len(archived(t, archive)) != 1 {
				t.Errorf("archive holds %v, want the one extract", archived(t, archive))
			}

			if err := s.Done(context.Background(), e); err != nil {
				t.Fatal(err)
			}
			left, err := c.NameList(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range left {
				if strings.HasSuffix(n, "stock_20250131.csv") {
					t.Errorf("Done with after=delete left %q on the server", n)
				}
			}
		})
	}
}

func TestVsftpdWaitsForGrowingFile(t *testing.T) {
	v := vsftpdEnv(t)
	c, dir := v.setup(t)
	p := dir + "/stock_20250131.csv"
	if err := c.Stor(p, strings.NewReader("")); err != nil {
		t.Fatal(err)
	}
	const chunks = 15
	done := make(chan error, 1)
	go func() {
		for i := 0; i < chunks; i++ {
			if err := c.Append(p, strings.NewReader("REF;1\n")); err != nil {
				done <- err
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		done <- nil
	}()
	s, _ := newSource(t, v.options(t, TLSNone, dir), nil)
	e, err := s.Fetch(context.Background())
	if werr := <-done; werr != nil {
		t.Fatal(werr)
	}
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(chunks * len("REF;1\n")); e.Size != want {
		t.Fatalf("Fetch() took the file at %d bytes, want it complete at %d", e.Size, want)
	}
}

func TestVsftpdWrongPassword(t *testing.T) {
	v := vsftpdEnv(t)
	opts := v.options(t, TLSNone, "")
	opts.Password = "not-" + v.password
	s, _ := newSource(t, opts, nil)
	_, err := s.Fetch(context.Background())
	if err == nil || !strings.Contains(err.Error(), "530") || strings.Contains(err.Error(), opts.Password) {
		t.Fatalf("Fetch() = %v, want a 530 without the password", err)
	}
}
