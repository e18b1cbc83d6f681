package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ecrin-connect/ecrin/connector/state"
	"github.com/ecrin-connect/ecrin/erp/erpgen"
)

// The crash tests of every shop kind share what follows: a site folder with its
// inbox and ecrin.yaml, the nights dropped in the inbox, and the loop that starts
// `ecrin run --once`, kills it with SIGKILL in the middle of its push and starts
// it again until the nights are done.

// newSiteDir is a fresh site folder and its inbox.
func newSiteDir(t *testing.T) (dir, inbox string) {
	t.Helper()
	dir = t.TempDir()
	inbox = filepath.Join(dir, "inbox")
	if err := os.MkdirAll(inbox, 0o750); err != nil {
		t.Fatal(err)
	}
	return dir, inbox
}

// writeSecret writes a secret file in dir, for a `secret: {file: …}`.
func writeSecret(t *testing.T, dir, name, secret string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// siteConfig is what differs between the ecrin.yaml of the crash tests.
type siteConfig struct {
	id, name string
	shop     string // the lines of the shop block, each indented by two spaces
	batch    int    // push.batch_size
	extra    string // more top-level sections (schedule…), if any
	brands   map[string]string
}

// writeSiteConfig writes dir/file, the ecrin.yaml of a site reading its nights
// from inbox (the folder source, .done markers), its state in dir/data, no guard
// against unpublishing, and returns its path.
func writeSiteConfig(t *testing.T, dir, inbox, file string, c siteConfig) string {
	t.Helper()
	var brandLines strings.Builder
	for erpName, cat := range c.brands {
		fmt.Fprintf(&brandLines, "    %q: %q\n", erpName, cat)
	}
	cfg := fmt.Sprintf(`site: {id: %s, name: %s}
data_dir: %s
erp: {profile: bijou3}
source: {kind: folder, path: %s, marker: .done}
shop:
%spush: {batch_size: %d}
guards:
  max_unpublish_ratio: -1
  max_unpublish_count: -1
%smapping:
  brands:
%s`, c.id, c.name, filepath.Join(dir, "data"), inbox, c.shop, c.batch, c.extra, brandLines.String())
	path := filepath.Join(dir, file)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// dropNight puts an extract in the inbox under name, then its .done marker.
func dropNight(t *testing.T, inbox, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(inbox, name)
	if err := os.WriteFile(path, data, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path+".done", nil, 0o640); err != nil {
		t.Fatal(err)
	}
	return path
}

// dropGeneratedNight drops night k of a generated boutique as a bijou3 extract
// named after 1100+k: the articles as generated for night 0, each changed by
// change on later nights.
func dropGeneratedNight(t *testing.T, inbox string, articles []erpgen.Article, k int, change func(i int, a *erpgen.Article)) string {
	t.Helper()
	arts := slices.Clone(articles)
	if k > 0 {
		for i := range arts {
			change(i, &arts[i])
		}
	}
	var buf bytes.Buffer
	if err := erpgen.WriteBijou3(&buf, slices.Values(arts)); err != nil {
		t.Fatal(err)
	}
	return dropNight(t, inbox, fmt.Sprintf("stock_2026%04d.csv", 1100+k), buf.Bytes())
}

// Night k of the ring boutiques (medusa, prestashop, shopify): every size in
// stock (1 to 5) at a price of its own, all changing from a night to the next.
func ringQty(k, i, j int) int     { return 1 + (k+i+2*j)%5 }
func ringPrice(k, i, j int) int64 { return int64(100_00 + 100*k + 10*j + i%10) }

// ringNight is the bijou3 extract of night k of rings rings (ref(i) their
// supplier reference) in every size, brand TEST.
func ringNight(k, rings int, sizes []string, ref func(i int) string) []byte {
	var b strings.Builder
	b.WriteString("Code article;R\xe9f. fournisseur;Marque;D\xe9signation;TLD;Stock;En commande;Prix TTC;Statut;EAN\r\n")
	for i := range rings {
		for j, sz := range sizes {
			p := ringPrice(k, i, j)
			fmt.Fprintf(&b, "%d;%s;TEST;Bague;%s;%d;0;%d,%02d;A;\r\n", i*100+j, ref(i), sz, ringQty(k, i, j), p/100, p%100)
		}
	}
	return []byte(b.String())
}

// pendingBatches is the number of batches the site's journal holds and has not
// acknowledged (0 while there is no state yet).
func pendingBatches(dir string) int {
	st, err := state.Open(context.Background(), filepath.Join(dir, "data", "state.db"))
	if err != nil {
		return 0
	}
	defer st.Close()
	p, _ := st.Pending(context.Background())
	return len(p)
}

// startEcrin starts the binary; done gets its end, out its output.
func startEcrin(t *testing.T, bin string, args ...string) (cmd *exec.Cmd, done chan error, out *bytes.Buffer) {
	t.Helper()
	cmd = exec.Command(bin, args...)
	out = &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done = make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	return cmd, done, out
}

// crashCounts is where a crash loop stands.
type crashCounts struct {
	kills       int // runs killed
	midPush     int // of which with batches journaled and not all acknowledged
	completions int // runs that completed
}

// crashLoop is the part of a crash test that differs between the shop kinds.
type crashLoop struct {
	bin, config, dir string
	maxAttempts      int                                                  // it fails after that many starts
	more             func(c crashCounts) bool                             // whether to start the binary again
	killAt           func(c crashCounts, done chan error) <-chan struct{} // when to kill the run just started; nil: never
	completed        func(c crashCounts, took time.Duration, out string)  // after a completed run (counted)
	killed           func(pending int)                                    // after a kill (counted), if any
	finalRun         bool                                                 // one more start when the loop is over: nothing left
}

// after is a channel closed after d.
// whenPushing returns a channel closed delay after the run's push began (its
// batches are journaled in dir's state file), or never when the run ends first —
// its end is then handed back on done. A kill there falls in the push, however
// fast the run got.
func whenPushing(dir string, done chan error, delay time.Duration) <-chan struct{} {
	kill := make(chan struct{})
	go func() {
		deadline := time.Now().Add(time.Minute)
		for pendingBatches(dir) == 0 && time.Now().Before(deadline) {
			select {
			case err := <-done:
				done <- err // finished first: hand the answer back
				return
			case <-time.After(25 * time.Millisecond):
			}
		}
		time.Sleep(delay)
		close(kill)
	}()
	return kill
}

func after(d time.Duration) <-chan struct{} {
	ch := make(chan struct{})
	time.AfterFunc(d, func() { close(ch) })
	return ch
}

// cutsWithinLastRun is the loop of the generated boutiques (vendure,
// woocommerce): each run is killed at a random point of a run as long as the last
// one that completed (runTime at first), and each completed night is followed by
// the next (next(k) drops night k) until wantMid kills fell in the middle of a
// push; then the last night is let complete. Set bin, config, dir and maxAttempts.
func cutsWithinLastRun(t *testing.T, rng *rand.Rand, wantMid int, runTime time.Duration, next func(k int)) crashLoop {
	k := 0
	var killAfter time.Duration
	return crashLoop{
		finalRun: true,
		more:     func(c crashCounts) bool { return c.midPush < wantMid || c.completions == 0 },
		killAt: func(c crashCounts, _ chan error) <-chan struct{} {
			killAfter = time.Duration(100+rng.Int64N(max(int64(runTime/time.Millisecond), 200))) * time.Millisecond
			if c.midPush >= wantMid {
				killAfter = 5 * time.Minute
			}
			return after(killAfter)
		},
		completed: func(c crashCounts, took time.Duration, output string) {
			// A run that only finished the push a kill cut is no measure of a
			// night: the next kills would all fall before the next push.
			if !strings.Contains(output, "no new extract") {
				runTime = took
			}
			t.Logf("night %d completed in %v", k, took.Round(time.Millisecond))
			if c.midPush < wantMid {
				k++
				next(k)
			}
		},
		killed: func(n int) {
			if n > 0 {
				t.Logf("killed after %v with %d batches journaled and not acknowledged", killAfter, n)
			}
		},
	}
}

// crashUntilDone runs the loop — start `ecrin run --once`, kill it with SIGKILL
// when killAt says, or let it complete — while more says, then checks that no
// batch is left pending, and returns the counts.
func crashUntilDone(t *testing.T, l crashLoop) crashCounts {
	t.Helper()
	var c crashCounts
	for attempt := 0; l.more(c); attempt++ {
		if attempt > l.maxAttempts {
			t.Fatalf("no convergence after %d attempts (%d kills, %d mid-push, %d completions)", attempt, c.kills, c.midPush, c.completions)
		}
		start := time.Now()
		cmd, done, out := startEcrin(t, l.bin, "run", "--once", "-q", "--config", l.config)
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("ecrin run --once: %v\n%s", err, out.String())
			}
			c.completions++
			if l.completed != nil {
				l.completed(c, time.Since(start), out.String())
			}
		case <-l.killAt(c, done):
			_ = cmd.Process.Signal(syscall.SIGKILL)
			<-done
			c.kills++
			n := pendingBatches(l.dir)
			if n > 0 {
				c.midPush++
			}
			if l.killed != nil {
				l.killed(n)
			}
		}
	}
	if l.finalRun {
		if out, err := exec.Command(l.bin, "run", "--once", "-q", "--config", l.config).CombinedOutput(); err != nil {
			t.Fatalf("final run: %v\n%s", err, out)
		}
	}
	if n := pendingBatches(l.dir); n != 0 {
		t.Fatalf("%d batches pending after the last run", n)
	}
	return c
}
