// Package source fetches the ERP's stock extract for a run.
//
// A Source (an FTP/FTPS server in package ftp, a local export folder in
// package folder) takes the newest file matching the site's pattern, only
// once it is complete, and archives a local copy with its SHA-256 under the
// data folder. The rules shared by every backend live here: completeness
// over two polls or a marker file, download to a temporary name with a size
// check, bounded retries, archive layout and remote name safety.
//
// Backends register themselves by kind ("ftp", "folder") so the
// configuration loader can open one from its YAML settings:
//
//	import _ "github.com/ecrin-connect/ecrin/connector/source/ftp"
//
//	src, err := source.Open("ftp", node, source.Env{ArchiveDir: dir, Password: pw, Seen: seen})
package source
