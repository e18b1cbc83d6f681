package service

import (
	"os"
	"runtime"
	"strings"
)

// DefaultDataDir is where ecrin keeps its state, archive, reports and logs
// when the configuration does not say: %ProgramData%\ecrin on Windows,
// /var/lib/ecrin elsewhere. Never the working directory: a Windows service
// starts in System32.
func DefaultDataDir() string { return dataDir(runtime.GOOS, os.Getenv) }

// DefaultConfigPath is the configuration file the service reads by default:
// %ProgramData%\ecrin\ecrin.yaml on Windows, /etc/ecrin/ecrin.yaml elsewhere.
func DefaultConfigPath() string { return configPath(runtime.GOOS, os.Getenv) }

func dataDir(goos string, getenv func(string) string) string {
	if goos == "windows" {
		return windowsDir(getenv)
	}
	return "/var/lib/ecrin"
}

func configPath(goos string, getenv func(string) string) string {
	if goos == "windows" {
		return windowsDir(getenv) + `\ecrin.yaml`
	}
	return "/etc/ecrin/ecrin.yaml"
}

// windowsDir is %ProgramData%\ecrin, built with backslashes whatever the
// host, so that it can be tested anywhere.
func windowsDir(getenv func(string) string) string {
	base := strings.TrimRight(getenv("ProgramData"), `\/`)
	if !isWindowsAbs(base + `\`) {
		base = `C:\ProgramData`
	}
	return base + `\ecrin`
}

// isWindowsAbs tells whether p starts with a drive letter and a backslash.
func isWindowsAbs(p string) bool {
	return len(p) >= 3 && p[1] == ':' && (p[2] == '\\' || p[2] == '/') &&
		(p[0]|0x20 >= 'a' && p[0]|0x20 <= 'z')
}
