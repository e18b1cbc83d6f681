// Package demo plays two nights of a Bijou3 boutique end to end with no
// configuration and no network beyond loopback: an in-process reference shop
// (shopsim) loaded with a sample catalog, a local export folder fed with the
// night's extract, a real state file, real pushes and real XLSX reports.
//
// Night 2 is night 1 with a few sales, a delivery and one article withdrawn from
// the web: it pushes only what changed.
package demo
