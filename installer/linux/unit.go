// Package linux holds the systemd unit that the .deb and .rpm packages
// install, embedded so that `ecrin install` writes the very same file.
package linux

import _ "embed"

// Unit is installer/linux/ecrin.service.
//
//go:embed ecrin.service
var Unit string

// Binary and ConfigPath are the paths Unit's ExecStart names.
const (
	Binary     = "/usr/bin/ecrin"
	ConfigPath = "/etc/ecrin/ecrin.yaml"
)
