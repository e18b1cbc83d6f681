package report

import (
	"fmt"
	"time"
)

// Options choose how a report is written.
type Options struct {
	Language string // "fr" (default when empty) or "en"
	// Full, when set, adds the sheet of every product and size as the shop holds
	// it (`ecrin report RUN --full`), streamed: the list is never held in memory.
	Full FullList
}

// FullList streams the whole product list: it calls count once with the number of
// items, then add for each, in order.
type FullList func(count func(n int) error, add func(FullItem) error) error

// FullItem is one product (VariantID empty) or size, as the shop holds it.
type FullItem struct {
	Ref, Size, ProductID, VariantID string
	Published                       bool
	Availability                    string
	Quantity                        int
	PriceCents                      int64
	RestockDays                     int
}

// lang is a language of the translation table: an index into its entries.
type lang int

const (
	french lang = iota
	english
)

func (o Options) lang() (lang, error) {
	switch o.Language {
	case "", "fr":
		return french, nil
	case "en":
		return english, nil
	}
	return 0, fmt.Errorf("report language %q: want fr or en", o.Language)
}

// t translates a label or a code. An unknown code is shown as is, so a code added
// elsewhere still reads in the report (the tests keep the table complete).
func (l lang) t(key string) string {
	if e, ok := texts[key]; ok {
		return e[l]
	}
	return key
}

// date renders a UTC time in the boutique's zone.
func (l lang) date(t time.Time, zone *time.Location) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(zone)
	if l == english {
		return t.Format("2006-01-02 15:04:05 MST")
	}
	return t.Format("02/01/2006 15:04:05 MST")
}

// texts holds every label and code of the reports, in French then English.
var texts = map[string][2]string{
	// Sheets.
	"sheet.summary":        {"Synthèse", "Summary"},
	"sheet.published":      {"Publiés ou changés ce soir", "Online, changed tonight"},
	"sheet.unpublished":    {"Dépubliés ce soir", "Offline, changed tonight"},
	"sheet.unmatched":      {"Références inconnues", "Unmatched references"},
	"sheet.ambiguous":      {"Références ambiguës", "Ambiguous references"},
	"sheet.unmapped":       {"Marques non mappées", "Unmapped brands"},
	"sheet.row_errors":     {"Erreurs de lignes", "Row errors"},
	"sheet.price_changes":  {"Changements de prix", "Price changes"},
	"sheet.sizes_no_price": {"Tailles sans prix", "Sizes without price"},
	"sheet.rejections":     {"Rejets de la boutique", "Shop rejections"},
	"sheet.sold_online":    {"Vendus en ligne, pas en caisse", "Sold online, not in the till"},
	"sheet.full":           {"Tous les produits", "All products"},
	"col.published":        {"Publié", "Published"},
	"sheet.rewrite":        {"Références à réécrire", "References to rewrite"},
	"sheet.no_counterpart": {"Sans correspondance", "No counterpart"},
	"sheet.conflicts":      {"Conflits EAN", "EAN conflicts"},

	// Summary.
	"sum.title":            {"Rapport de synchronisation", "Reconcile report"},
	"sum.precheck_title":   {"Pré-contrôle de connexion", "Connection precheck"},
	"sum.item":             {"Rubrique", "Item"},
	"sum.value":            {"Valeur", "Value"},
	"sum.run":              {"Exécution", "Run"},
	"sum.site":             {"Boutique", "Boutique"},
	"sum.profile":          {"Logiciel de caisse (profil)", "ERP profile"},
	"sum.file":             {"Fichier d'extraction", "Extract file"},
	"sum.sha256":           {"Empreinte SHA-256", "SHA-256 checksum"},
	"sum.catalog":          {"Catalogue", "Catalog"},
	"sum.started":          {"Début", "Started"},
	"sum.finished":         {"Fin", "Finished"},
	"sum.at":               {"Date", "Date"},
	"sum.duration":         {"Durée", "Duration"},
	"sum.time_zone":        {"Fuseau horaire", "Time zone"},
	"sum.verdict":          {"Verdict", "Verdict"},
	"sum.reason":           {"Motif", "Reason"},
	"sum.detail":           {"Détail", "Detail"},
	"sum.rows_read":        {"Lignes lues", "Rows read"},
	"sum.row_errors":       {"Lignes en erreur", "Rows in error"},
	"sum.warnings":         {"Avertissements", "Warnings"},
	"sum.matched":          {"Références trouvées", "Matched references"},
	"sum.unmatched":        {"Références inconnues", "Unmatched references"},
	"sum.ambiguous":        {"Références ambiguës", "Ambiguous references"},
	"sum.conflicts":        {"Conflits EAN (EAN et référence en désaccord)", "EAN conflicts (EAN and reference disagree)"},
	"sum.rule.exact":       {"  dont : référence exacte", "  of which: exact reference"},
	"sum.rule.key":         {"  dont : clé (séparateurs, casse, caractères sosies)", "  of which: key (separators, case, look-alikes)"},
	"sum.rule.brand_rule":  {"  dont : règle de la marque", "  of which: brand rule"},
	"sum.rule.alias":       {"  dont : table des alias", "  of which: alias table"},
	"sum.rule.size_suffix": {"  dont : taille tapée dans la référence", "  of which: size typed into the reference"},
	"sum.rule.ean":         {"  dont : code EAN", "  of which: EAN barcode"},
	"sum.unmapped":         {"Lignes de marques non mappées", "Lines of unmapped brands"},
	"sum.excluded":         {"Lignes exclues (statut)", "Excluded lines (status)"},
	"sum.match_rate":       {"Taux de correspondance", "Match rate"},
	"sum.published":        {"Publiés", "Published"},
	"sum.unpublished":      {"Non publiés", "Not published"},
	"sum.preorder":         {"En précommande", "On pre-order"},
	"sum.backorder":        {"En réassort", "On backorder"},
	"sum.pushed":           {"Envoyés à la boutique", "Sent to the shop"},
	"sum.rejected":         {"Rejetés par la boutique", "Rejected by the shop"},
	"sum.to_rewrite":       {"Références à réécrire", "References to rewrite"},
	"sum.no_counterpart":   {"Références sans correspondance", "References with no counterpart"},
	"sum.brands":           {"Correspondance par marque", "Match rate per brand"},
	"sum.reasons":          {"Motifs du verdict", "Verdict reasons"},

	// Columns.
	"col.source":          {"Ligne source", "Source line"},
	"col.brand":           {"Marque", "Brand"},
	"col.erp_brand":       {"Marque (ERP)", "Brand (ERP)"},
	"col.ref":             {"Référence", "Reference"},
	"col.erp_ref":         {"Référence ERP", "ERP reference"},
	"col.key":             {"Clé de correspondance", "Matching key"},
	"col.candidates":      {"Produits du catalogue", "Catalog products"},
	"col.size":            {"Taille", "Size"},
	"col.product":         {"Produit", "Product"},
	"col.variant":         {"Déclinaison", "Variant"},
	"col.availability":    {"Disponibilité", "Availability"},
	"col.quantity":        {"Quantité", "Quantity"},
	"col.price":           {"Prix", "Price"},
	"col.restock_days":    {"Délai (jours)", "Delay (days)"},
	"col.reason":          {"Motif", "Reason"},
	"col.qty":             {"Stock", "Stock"},
	"col.suggestion":      {"Suggestion %d", "Suggestion %d"},
	"col.distance":        {"Distance %d", "Distance %d"},
	"col.lines":           {"Lignes", "Lines"},
	"col.matched":         {"Trouvées", "Matched"},
	"col.unmatched":       {"Inconnues", "Unmatched"},
	"col.rate":            {"Taux", "Rate"},
	"col.severity":        {"Gravité", "Severity"},
	"col.problem":         {"Problème", "Problem"},
	"col.field":           {"Champ", "Field"},
	"col.value":           {"Valeur lue", "Value read"},
	"col.old_price":       {"Ancien prix", "Old price"},
	"col.new_price":       {"Nouveau prix", "New price"},
	"col.shop_reason":     {"Motif de la boutique", "Shop's reason"},
	"col.catalog_ref":     {"Référence catalogue proposée", "Suggested catalog reference"},
	"col.rule":            {"Règle appliquée", "Rule applied"},
	"col.same_brand":      {"Même marque", "Same brand"},
	"col.one_distance":    {"Distance", "Distance"},
	"col.alternatives":    {"Autres propositions", "Other suggestions"},
	"col.match_rule":      {"Trouvé par", "Matched by"},
	"col.ean":             {"EAN", "EAN"},
	"col.conflict":        {"Conflit", "Conflict"},
	"col.by_ref":          {"Produit selon la référence", "Product by reference"},
	"col.by_ean":          {"Produit selon l'EAN", "Product by EAN"},
	"sum.sold_online":     {"Vendus en ligne, pas encore en caisse", "Sold online, not yet in the till"},
	"sum.unsuggested":     {"Références inconnues sans suggestion cherchée (ecrin precheck)", "Unmatched references not searched (ecrin precheck)"},
	"sum.unlisted":        {"Changements non listés (ecrin report --full)", "Changes not listed (ecrin report --full)"},
	"col.order":           {"Commande web", "Web order"},
	"col.change":          {"Changement de ce soir", "Tonight's change"},
	"change.new":          {"premier envoi", "first push"},
	"change.online":       {"mis en ligne", "put online"},
	"change.offline":      {"retiré", "taken offline"},
	"change.availability": {"disponibilité", "availability"},
	"change.quantity":     {"quantité", "quantity"},
	"change.price":        {"prix", "price"},
	"change.restock":      {"délai", "restock delay"},
	"col.placed_at":       {"Passée le", "Placed at"},
	"col.subtracted":      {"Déduit par ecrin", "Subtracted by ecrin"},

	"yes": {"oui", "yes"},
	"no":  {"non", "no"},

	// Verdicts.
	StatusAccepted: {"accepté : envoyé à la boutique", "accepted: sent to the shop"},
	StatusHeld:     {"retenu : rien n'a été envoyé", "held: nothing was sent"},
	StatusFailed:   {"échec : rien n'a été envoyé", "failed: nothing was sent"},
	StatusDryRun:   {"essai : rien n'a été envoyé", "dry run: nothing was sent"},
	"ready":        {"prêt à connecter", "ready to connect"},
	"not_ready":    {"pas encore prêt : voir les motifs", "not ready yet: see the reasons"},

	// Guard reasons.
	GuardEmptyExtract:  {"extraction vide", "empty extract"},
	GuardFileError:     {"fichier d'extraction refusé", "extract file refused"},
	GuardRowsDrop:      {"beaucoup moins de lignes que la dernière extraction acceptée", "far fewer rows than the last accepted extract"},
	GuardUnpublishRate: {"trop de produits seraient dépubliés (part)", "too many products would be unpublished (share)"},
	GuardUnpublishMax:  {"trop de produits seraient dépubliés (nombre)", "too many products would be unpublished (count)"},
	GuardMatchDrop:     {"forte baisse du taux de correspondance", "match rate fell sharply"},
	GuardApproved:      {"approuvé manuellement", "approved by hand"},
	GuardCatalogIDs:    {"identifiants en double dans le catalogue de la boutique en ligne", "ids repeated in the web shop's catalog"},

	// Precheck: what is missing.
	MissingMatchRate: {"taux de correspondance insuffisant", "match rate too low"},
	MissingRewrites:  {"références à réécrire dans le logiciel de caisse", "references to rewrite in the ERP"},
	MissingAmbiguous: {"références ambiguës dans le catalogue", "ambiguous references in the catalog"},
	MissingConflicts: {"EAN en désaccord avec la référence", "EANs that disagree with the reference"},
	MissingUnmapped:  {"marques à ajouter à la table des marques", "brands to add to the brand table"},
	MissingRowErrors: {"lignes en erreur dans l'extraction", "rows in error in the extract"},
	MissingNoRows:    {"aucune ligne lue", "no row read"},

	// Decision reasons (reconcile.Reason…).
	"in_stock":           {"en stock", "in stock"},
	"preorder":           {"précommande", "pre-order"},
	"backorder":          {"réassort", "backorder"},
	"no_stock":           {"plus de stock", "out of stock"},
	"absent":             {"absent de l'extraction", "absent from the extract"},
	"excluded":           {"exclu par son statut", "excluded by its status"},
	"showcase":           {"vitrine (marque gardée en ligne)", "showcase (brand kept online)"},
	"size_without_price": {"taille sans prix", "size without a price"},
	"unavailable":        {"indisponible", "unavailable"},
	"price_conflict":     {"prix différents entre lignes : le plus élevé est gardé", "rows disagree on the price: the highest is kept"},
	"not_in_extract":     {"taille absente de l'extraction (d'autres tailles y sont)", "size not in the extract (other sizes are)"},
	"no_price":           {"taille sans prix dans l'extraction", "size listed without a price"},

	// How a suggestion was found (mapping rules).
	"edit_distance":      {"distance d'édition", "edit distance"},
	"strip_prefix":       {"préfixe retiré", "prefix removed"},
	"swapped_characters": {"deux caractères voisins inversés", "two neighbouring characters swapped"},
	"brand_prefix":       {"nom de la marque tapé devant la référence", "brand name typed before the reference"},
	"strip_zeros":        {"zéros de tête retirés", "leading zeros removed"},
	"replace":            {"motif remplacé", "pattern replaced"},
	"alias":              {"table des alias", "alias table"},

	// What connected a line (reconcile.MatchRule; "alias" above), EAN conflicts.
	"exact":        {"référence exacte", "exact reference"},
	"key":          {"clé de correspondance", "matching key"},
	"brand_rule":   {"règle de la marque", "brand rule"},
	"size_suffix":  {"taille tapée dans la référence", "size typed into the reference"},
	"ean":          {"code EAN", "EAN barcode"},
	"ean_conflict": {"l'EAN désigne un autre produit que la référence", "the EAN names another product than the reference"},
	"ean_size":     {"l'EAN désigne une autre taille que la colonne taille", "the EAN names another size than the size column"},
	"shared_ean":   {"EAN partagé par plusieurs produits du catalogue", "EAN shared by several catalog products"},
	"lookalike":    {"lettres sosies (O/0, cyrillique…)", "look-alike letters (O/0, Cyrillic…)"},

	// Row problems (erp.Code…), severities.
	SeverityError:     {"ligne ignorée", "row skipped"},
	SeverityWarning:   {"avertissement", "warning"},
	"missing_ref":     {"référence vide", "empty reference"},
	"missing_brand":   {"marque vide", "empty brand"},
	"bad_qty":         {"stock illisible (nombre entier attendu)", "unreadable stock (whole number expected)"},
	"bad_on_order":    {"quantité en commande illisible", "unreadable on-order quantity"},
	"bad_price":       {"prix illisible (montant en euros attendu)", "unreadable price (amount in euros expected)"},
	"bad_ean":         {"code-barres invalide (8 à 14 chiffres)", "invalid barcode (8 to 14 digits)"},
	"ean_check_digit": {"EAN ignoré : clé de contrôle fausse", "EAN ignored: wrong check digit"},
	"ean_scientific":  {"EAN ignoré : écrit en notation scientifique par un tableur (chiffres perdus)", "EAN ignored: written in scientific notation by a spreadsheet (digits lost)"},
	"ean_length":      {"EAN ignoré : 8 à 14 chiffres attendus", "EAN ignored: 8 to 14 digits expected"},
	"ean_syntax":      {"EAN ignoré : chiffres seulement", "EAN ignored: digits only"},
	"field_too_long":  {"champ trop long", "field too long"},
	"too_few_fields":  {"ligne incomplète (colonnes manquantes)", "incomplete row (missing columns)"},
	"negative_stock":  {"stock négatif lu comme 0", "negative stock read as 0"},
	"numeric_ref":     {"référence enregistrée comme un nombre (zéros de tête perdus ?)", "reference stored as a number (leading zeros lost?)"},
	"duplicate_line":  {"ligne en double", "duplicated line"},
	"other":           {"autre problème", "other problem"},
	"missing_size":    {"taille manquante pour un produit décliné en plusieurs tailles", "size missing for a product with several sizes"},
	"unknown_size":    {"taille inconnue du catalogue", "size unknown to the catalog"},
	"multiline":       {"champ entre guillemets sur plusieurs lignes", "quoted field over several lines"},
}
