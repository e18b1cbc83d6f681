// Package report writes what customer success managers (CSMs) read about a boutique:
// the reconcile report of a run and the onboarding precheck, as XLSX workbooks in
// French (English on option), and the CSV of references a boutique must rewrite.
//
// Its input is its own model (Run, Precheck), plain data with JSON tags: the same
// value is kept in the run history, so any run's report can be written again.
// FromPlan builds a Run from the reconcile engine's plan. Workbooks are written with
// excelize's StreamWriter, so memory does not grow with the number of findings.
package report
