// Package reconcile is ecrin's engine: from the extract lines, the web catalog, the
// site's rules and the state the shop last acknowledged, it decides what the shop
// must show for every catalog product and size variant (the Plan), lists the
// findings CSMs act on, and checks the guards that hold a run which looks wrong.
//
// A run streams the extract through an Engine, so that a million-line extract is
// never held in memory:
//
//	e := reconcile.NewEngine(catalog, rules, mapper) // mapper from mapping.New
//	for each record read { e.Add(line) }              // raw fields only
//	plan := e.Plan()
//	verdict := reconcile.Guard(reconcile.GuardInput{Stats: plan.Stats, Previous: last, Limits: limits})
//	changes := reconcile.Diff(plan.Decisions, acked) // push these unless verdict.Held
//
// Reconcile does the same from lines already in memory.
//
// A line connects to its catalog product, in this order, by its exact reference, by
// its key (mapping: the brand's rules and aliases), by its reference without the
// size typed into it (size_suffix), and last by its EAN/GTIN — when the catalog has
// barcodes, through a packed GTIN table. A barcode that names another product than
// the reference, or another size than the size column, is a conflict
// (Findings.EANConflicts): the line is not matched. A barcode several catalog
// products share decides nothing on its own. Plan.MatchedBy, Decision.Rule and
// Stats.ByRule say what connected each line.
//
// It is pure: no I/O, no clock, no randomness. The same inputs give the same plan,
// byte for byte, whatever the order of the lines.
package reconcile
