// Package logging sets up ecrin's logs: JSON lines to a size-rotated file
// owned by the service, errors and held runs also to the system log (Windows
// Event Log or the journal), human-readable lines for the CLI, and a writer
// that blanks out the configuration's secrets from every line whatever
// logged them.
package logging

import (
	"fmt"
	"path/filepath"

	"github.com/rs/zerolog"
)

// Defaults applied by DefaultConfig.
const (
	DefaultMaxSizeMB = 10
	DefaultMaxFiles  = 5
	DefaultLevel     = "info"
	// DefaultFile is the log file, relative to the data directory.
	DefaultFile = "logs/ecrin.log"
)

// Config is the log section of ecrin.yaml. Decode the YAML over
// DefaultConfig() so that absent keys keep their defaults.
type Config struct {
	// File is the log file; empty means <data_dir>/logs/ecrin.log.
	File string `yaml:"file"`
	// MaxSizeMB is the size at which the file is rotated, in MB.
	MaxSizeMB int `yaml:"max_size_mb"`
	// MaxFiles is how many rotated files are kept beside the current one.
	MaxFiles int `yaml:"max_files"`
	// Level is the least severe level written: debug, info, warn or error.
	Level string `yaml:"level"`
}

// DefaultConfig returns 10 MB files, 5 kept, level info.
func DefaultConfig() Config {
	return Config{MaxSizeMB: DefaultMaxSizeMB, MaxFiles: DefaultMaxFiles, Level: DefaultLevel}
}

// Validate reports the first problem in c, naming the key at fault.
func (c Config) Validate() error {
	if c.MaxSizeMB < 1 {
		return fmt.Errorf("log.max_size_mb: %d, want at least 1", c.MaxSizeMB)
	}
	if c.MaxFiles < 0 {
		return fmt.Errorf("log.max_files: %d, want 0 or more", c.MaxFiles)
	}
	if _, err := c.level(); err != nil {
		return err
	}
	return nil
}

// Path returns the log file: File, or its default under dataDir. A relative
// File is taken relative to dataDir, never to the working directory (a
// Windows service starts in System32).
func (c Config) Path(dataDir string) string {
	switch {
	case c.File == "":
		return filepath.Join(dataDir, filepath.FromSlash(DefaultFile))
	case filepath.IsAbs(c.File):
		return c.File
	default:
		return filepath.Join(dataDir, c.File)
	}
}

func (c Config) level() (zerolog.Level, error) {
	switch c.Level {
	case "":
		return zerolog.InfoLevel, nil
	case "debug", "info", "warn", "error":
		l, err := zerolog.ParseLevel(c.Level)
		if err != nil {
			return zerolog.InfoLevel, fmt.Errorf("log.level: %w", err)
		}
		return l, nil
	default:
		return zerolog.InfoLevel, fmt.Errorf("log.level: %q, want debug, info, warn or error", c.Level)
	}
}
