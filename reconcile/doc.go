// Package reconcile is ecrin's engine: from the mapped extract lines, the web
// catalog, the site's rules and the state the shop last acknowledged, it decides what
// the shop must show for every catalog product and size variant (the Plan), lists the
// findings CSMs act on, and checks the guards that hold a run which looks wrong.
//
// It is pure: no I/O, no clock, no randomness. The same inputs give the same plan,
// byte for byte.
package reconcile
