// Package config loads a site's ecrin.yaml: which ERP profile reads the extract and
// with which overrides, where the extract comes from, which shop receives the pushes,
// the brand table and stock rules, the guards, the schedule, the logs and the reports.
//
// Errors name the file and the line. Secrets (the FTP password, the shop secret) are
// never written in the file itself in production: they come from an environment
// variable or a file readable only by the service account, and never reach a log
// line or an error message.
package config
