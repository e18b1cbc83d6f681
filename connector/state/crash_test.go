package state

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/ecrin-connect/ecrin/reconcile"
)

// crashChildEnv, when set to a state file path, makes TestKilledMidWrite the
// child: it writes runs to that file until it is killed.
const crashChildEnv = "ECRIN_STATE_CRASH_CHILD"

const (
	crashBatches   = 10
	crashBatchSize = 500
)

// TestKilledMidWrite re-executes the test binary as a child that journals and
// acknowledges batches in a loop, SIGKILLs it at a random moment, and checks the
// file it leaves: intact, every batch either pending with no trace of its answers
// or acknowledged with all of them, the acknowledged state and the replaced values
// exactly those of the acknowledged batches. The pending batches then resume.
func TestKilledMidWrite(t *testing.T) {
	if path := os.Getenv(crashChildEnv); path != "" {
		crashChild(path)
		return
	}
	if testing.Short() {
		t.Skip("spawns processes")
	}
	path := filepath.Join(t.TempDir(), "site.db")
	for kill := range 6 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestKilledMidWrite$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
		cmd.Stderr = os.Stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// The child prints a line once it is writing.
		if _, err := bufio.NewReader(out).ReadString('\n'); err != nil {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("kill %d: child did not start writing: %v", kill, err)
		}
		time.Sleep(time.Duration(rand.IntN(400)) * time.Millisecond)
		if err := cmd.Process.Kill(); err != nil { // SIGKILL
			t.Fatal(err)
		}
		cmd.Wait()
		checkConsistent(t, path, kill)
	}
}

// crashChild resumes the pending batches, then pushes runs of crashBatches
// batches over the same targets, each run setting quantity = run id.
func crashChild(path string) {
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fmt.Println("writing")
	pending, err := s.Pending(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	for _, b := range pending {
		if err := s.Ack(ctx, b.Key, acceptAll(b.Items)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	for {
		id, err := s.BeginRun(ctx, RunStart{Started: time.Now(), Trigger: "crash"})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		ds := decisions("p", crashBatches*crashBatchSize)
		for i := range ds {
			ds[i].Quantity = int(id)
		}
		batches := split(id, ds, crashBatchSize)
		if err := s.Journal(ctx, id, batches); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		for _, b := range batches {
			if err := s.Ack(ctx, b.Key, acceptAll(b.Items)); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(2)
			}
		}
	}
}

func checkConsistent(t *testing.T, path string, kill int) {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("kill %d: reopen: %v", kill, err)
	}
	defer s.Close()
	var integrity string
	if err := s.db.QueryRow("PRAGMA integrity_check").Scan(&integrity); err != nil || integrity != "ok" {
		t.Fatalf("kill %d: integrity_check = %q, %v", kill, integrity, err)
	}
	var orphans int
	if err := s.db.QueryRow("SELECT count(*) FROM pragma_foreign_key_check").Scan(&orphans); err != nil || orphans != 0 {
		t.Fatalf("kill %d: %d foreign key violations, %v", kill, orphans, err)
	}

	// Replay the acknowledged batches, in order, to get the expected state.
	rows, err := s.db.Query(`SELECT b.id, b.run_id, b.status, b.items,
		(SELECT count(*) FROM item_results r WHERE r.batch_id = b.id) FROM batches b ORDER BY b.id`)
	if err != nil {
		t.Fatal(err)
	}
	want := map[reconcile.Target]reconcile.Decision{}
	replacedPerRun := map[RunID]int{}
	var pending int
	for rows.Next() {
		var (
			id, results int
			run         RunID
			status      string
			items       []byte
			ds          []reconcile.Decision
		)
		if err := rows.Scan(&id, &run, &status, &items, &results); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(items, &ds); err != nil {
			t.Fatal(err)
		}
		switch {
		case status == batchPending && results == 0:
			pending++
		case status == batchAcked && results == len(ds):
			for _, d := range ds {
				want[d.Key()] = d
			}
			replacedPerRun[run] += len(ds)
		default:
			t.Errorf("kill %d: batch %d is %s with %d of %d answers", kill, id, status, results, len(ds))
		}
	}
	rows.Close()

	acked, err := ackedMap(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if len(acked) != len(want) {
		t.Errorf("kill %d: %d acknowledged targets, want %d", kill, len(acked), len(want))
	}
	for k, d := range want {
		if acked[k] != d {
			t.Errorf("kill %d: acked %v = %+v, want %+v", kill, k, acked[k], d)
			break
		}
	}
	runs, err := s.db.Query(`SELECT run_id, count(*) FROM replaced GROUP BY run_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer runs.Close()
	got := map[RunID]int{}
	for runs.Next() {
		var (
			run RunID
			n   int
		)
		if err := runs.Scan(&run, &n); err != nil {
			t.Fatal(err)
		}
		got[run] = n
	}
	if fmt.Sprint(got) != fmt.Sprint(replacedPerRun) {
		t.Errorf("kill %d: replaced rows per run %v, want %v", kill, got, replacedPerRun)
	}
	t.Logf("kill %d: %d runs' values replaced, %d batches pending", kill, len(got), pending)
}
