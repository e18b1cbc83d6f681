package source

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ErrSizeMismatch is returned when the bytes received differ from the size
// the source announced: a cut transfer, or a file still being written.
var ErrSizeMismatch = errors.New("size mismatch")

// ArchivePath is where an extract is archived:
// dir/YYYY/MM/<sha256[:12]>_<name>, by the file's modification time (UTC).
// The checksum prefix keeps two different files of the same name apart.
func ArchivePath(dir string, name string, mod time.Time, sha string) string {
	mod = mod.UTC()
	prefix := sha
	if len(prefix) > 12 {
		prefix = prefix[:12]
	}
	return filepath.Join(dir, mod.Format("2006"), mod.Format("01"), prefix+"_"+name)
}

// download copies file from b to "<name>.part" in its archive folder,
// retrying temporary errors and short transfers, checks it against Seen,
// then renames it to its archive path.
func (f *Fetcher) download(ctx context.Context, b Backend, file File) (Extract, error) {
	if f.Env.ArchiveDir == "" {
		return Extract{}, fmt.Errorf("fetch %q from %s: no archive folder", file.Name, f.Where)
	}
	dir := filepath.Dir(ArchivePath(f.Env.ArchiveDir, file.Name, file.ModTime, ""))
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return Extract{}, fmt.Errorf("fetch %q from %s: %w", file.Name, f.Where, err)
	}
	part := filepath.Join(dir, file.Name+".part")
	var sum string
	err := f.retry(ctx, func() error {
		var err error
		sum, err = copyFile(ctx, b, file, part)
		return err
	})
	if err != nil {
		_ = os.Remove(part)
		return Extract{}, fmt.Errorf("fetch %q from %s: %w", file.Name, f.Where, err)
	}
	if f.Env.Seen != nil && f.Env.Seen(sum) {
		_ = os.Remove(part)
		f.remember(file)
		return Extract{}, fmt.Errorf("%w: %q from %s already processed (sha256 %s)", ErrNoExtract, file.Name, f.Where, sum)
	}
	final := ArchivePath(f.Env.ArchiveDir, file.Name, file.ModTime, sum)
	if err := os.Rename(part, final); err != nil {
		_ = os.Remove(part)
		return Extract{}, fmt.Errorf("archive %q from %s: %w", file.Name, f.Where, err)
	}
	return Extract{
		Name:    file.Name,
		Path:    final,
		Size:    file.Size,
		ModTime: file.ModTime.UTC(),
		SHA256:  sum,
	}, nil
}

// copyFile writes the content of file to dst, synced, and returns its
// SHA-256. It fails with ErrSizeMismatch when the byte count differs from
// file.Size.
func copyFile(ctx context.Context, b Backend, file File, dst string) (sum string, err error) {
	rc, err := b.Open(ctx, file.Name)
	if err != nil {
		return "", err
	}
	defer func() {
		if cerr := rc.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o640)
	if err != nil {
		return "", err
	}
	defer out.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), rc)
	if err != nil {
		return "", err
	}
	if n != file.Size {
		return "", fmt.Errorf("%w: received %d bytes, announced %d", ErrSizeMismatch, n, file.Size)
	}
	if err := out.Sync(); err != nil {
		return "", err
	}
	if err := out.Close(); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// PruneArchive removes from the archive folder dir the extracts archived longer
// than keepDays ago at now (by the time their file was written), except those
// whose SHA-256 is in keep (the state still needs them: a held run an approval
// processes again, the last accepted run). Leftover ".part" downloads past
// keepDays go too; month and year folders left empty are removed. Files that do
// not look archived (no "<sha12>_" prefix) are left alone. It returns the paths
// removed, goes on past a file it cannot remove and reports every failure.
// keepDays <= 0 removes nothing.
func PruneArchive(dir string, keepDays int, keep map[string]bool, now time.Time) ([]string, error) {
	if keepDays <= 0 {
		return nil, nil
	}
	cutoff := now.Add(-time.Duration(keepDays) * 24 * time.Hour)
	kept := make(map[string]bool, len(keep))
	for sha := range keep {
		if len(sha) > 12 {
			sha = sha[:12]
		}
		kept[sha] = true
	}
	years, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list the archive %s: %w", dir, err)
	}
	var (
		removed []string
		errs    []error
	)
	for _, y := range years {
		if !y.IsDir() || !isDigits(y.Name(), 4) {
			continue
		}
		ydir := filepath.Join(dir, y.Name())
		months, err := os.ReadDir(ydir)
		if err != nil {
			errs = append(errs, fmt.Errorf("list the archive %s: %w", ydir, err))
			continue
		}
		for _, m := range months {
			if !m.IsDir() || !isDigits(m.Name(), 2) {
				continue
			}
			mdir := filepath.Join(ydir, m.Name())
			files, err := os.ReadDir(mdir)
			if err != nil {
				errs = append(errs, fmt.Errorf("list the archive %s: %w", mdir, err))
				continue
			}
			for _, f := range files {
				if !f.Type().IsRegular() || !archived(f.Name(), kept) {
					continue
				}
				info, err := f.Info()
				if err != nil || !info.ModTime().Before(cutoff) {
					continue // removed meanwhile, or recent
				}
				p := filepath.Join(mdir, f.Name())
				if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
					errs = append(errs, fmt.Errorf("remove archived extract: %w", err))
					continue
				}
				removed = append(removed, p)
			}
			_ = os.Remove(mdir) // fails while not empty: it stays
		}
		_ = os.Remove(ydir)
	}
	return removed, errors.Join(errs...)
}

// archived tells whether name is an archived extract ("<sha12>_<name>") that kept
// does not hold, or a leftover download ("<name>.part").
func archived(name string, kept map[string]bool) bool {
	if strings.HasSuffix(name, ".part") {
		return true
	}
	prefix, _, ok := strings.Cut(name, "_")
	return ok && len(prefix) == 12 && isHex(prefix) && !kept[prefix]
}

func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func isHex(s string) bool {
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
