package source

import (
	"errors"
	"fmt"
	"strings"
)

// ErrUnsafeName is returned for a file name that could escape the archive
// or export folder.
var ErrUnsafeName = errors.New("unsafe file name")

// CheckName refuses a file name that is not a plain base name: empty, "."
// or "..", containing "/", "\", "..", a NUL or control character, a colon
// (drive letters, NTFS streams) or ending in a dot or space (Windows trims
// them).
func CheckName(name string) error {
	bad := name == "" || name == "." ||
		strings.Contains(name, "..") ||
		strings.ContainsAny(name, `/\:`) ||
		strings.HasSuffix(name, ".") || strings.HasSuffix(name, " ")
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			bad = true
		}
	}
	if bad {
		return fmt.Errorf("%w: %q", ErrUnsafeName, name)
	}
	return nil
}
