package connector

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrBusy is returned when another ecrin process is running a run of the same site
// (the service and a manual `ecrin run --once`, say).
var ErrBusy = errors.New("another ecrin run of this site is in progress")

// lockFile is the name of the site's run lock, in its data folder.
const lockFile = "run.lock"

// runLock is the site's cross-process run lock: one run at a time, whatever
// process starts it. The operating system releases it if the process dies.
type runLock struct{ f *os.File }

// acquire takes the lock without waiting.
func acquire(dataDir string) (*runLock, error) {
	f, err := os.OpenFile(filepath.Join(dataDir, lockFile), os.O_CREATE|os.O_RDWR, 0o640)
	if err != nil {
		return nil, fmt.Errorf("open run lock: %w", err)
	}
	if err := lockExclusive(f); err != nil {
		f.Close()
		if errors.Is(err, errLocked) {
			return nil, ErrBusy
		}
		return nil, fmt.Errorf("take run lock: %w", err)
	}
	return &runLock{f: f}, nil
}

func (l *runLock) release() { l.f.Close() } // closing the file releases the lock

var errLocked = errors.New("locked")
