package config

import (
	"fmt"
	"os"
	"runtime"
	"strings"
)

// Secret says where a secret comes from: an environment variable, a file, or (for
// demos and tests only) the configuration itself.
type Secret struct {
	Env   string `yaml:"env"`   // name of an environment variable holding the secret
	File  string `yaml:"file"`  // a file holding the secret (trailing newline ignored); readable only by the service account
	Value string `yaml:"value"` // the secret in clear: demos and tests only
}

// IsSet reports whether a source is named.
func (s Secret) IsSet() bool { return s.Env != "" || s.File != "" || s.Value != "" }

// Resolve returns the secret. Errors say where it was looked for, never what it is.
// warn receives advice that is not fatal (a file others can read, a clear-text value).
func (s Secret) Resolve(what string, warn func(string)) (string, error) {
	switch {
	case s.Env != "":
		v, ok := os.LookupEnv(s.Env)
		if !ok || v == "" {
			return "", fmt.Errorf("%s: environment variable %s is not set", what, s.Env)
		}
		return v, nil
	case s.File != "":
		st, err := os.Stat(s.File)
		if err != nil {
			return "", fmt.Errorf("%s: read secret file: %w", what, err)
		}
		if runtime.GOOS != "windows" && st.Mode().Perm()&0o077 != 0 && warn != nil {
			warn(fmt.Sprintf("%s: secret file %s is readable by other users (mode %v): chmod 600 it", what, s.File, st.Mode().Perm()))
		}
		b, err := os.ReadFile(s.File)
		if err != nil {
			return "", fmt.Errorf("%s: read secret file: %w", what, err)
		}
		v := strings.TrimRight(string(b), "\r\n")
		if v == "" {
			return "", fmt.Errorf("%s: secret file %s is empty", what, s.File)
		}
		return v, nil
	case s.Value != "":
		if warn != nil {
			warn(fmt.Sprintf("%s: the secret is written in the configuration; use env or file instead", what))
		}
		return s.Value, nil
	}
	return "", fmt.Errorf("%s: no secret configured (set env or file)", what)
}
