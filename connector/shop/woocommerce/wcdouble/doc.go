// Package wcdouble is a contract double of the WooCommerce REST API v3
// (/wp-json/wc/v3): an http.Handler the woocommerce shop kind's tests, and the
// binary's crash test, talk to instead of a WordPress server.
//
// It follows the public WooCommerce REST API documentation
// (woocommerce.github.io/woocommerce-rest-api-docs, "REST API v3", WooCommerce
// 9.x) and, where the documentation is silent, the behaviour its public source
// shows (class-wc-rest-authentication.php, class-wc-rest-controller.php); no code
// of WooCommerce is copied. It implements, deliberately, only what ecrin uses:
//
//   - authentication by consumer key and secret in HTTP Basic auth, over TLS
//     only (WooCommerce asks OAuth 1.0a over plain HTTP: the double answers such a
//     request as unauthenticated, unless Options.BasicOverHTTP); a wrong key or
//     secret answers 401 woocommerce_rest_authentication_error, no credentials
//     401 woocommerce_rest_cannot_view; a key with Read permission writing
//     answers 401 woocommerce_rest_authentication_error ("does not have write
//     permissions"), a Write-only key reading the same for read; a key whose
//     user lacks the capability answers woocommerce_rest_cannot_batch;
//   - GET system_status (a few fields), GET products (page, per_page ≤ 100,
//     status, tag, category, include; X-WP-Total and X-WP-TotalPages), GET
//     products/<id>/variations (same paging);
//   - POST products/batch and products/<id>/variations/batch, update only
//     (create and delete answer a per-item error): at most 100 objects a request
//     (woocommerce_rest_batch_items_limit), else 413
//     woocommerce_rest_request_entity_too_large and nothing applied; an item
//     that cannot be applied gets an error object in the 200 answer
//     ({"id":…,"error":{"code","message","data":{"status"}}}) and the others
//     are applied;
//   - the fields status, regular_price (a decimal string), manage_stock,
//     stock_quantity, backorders (no, notify, yes), stock_status (set only when
//     stock is not managed; else derived as WooCommerce does: instock above 0,
//     onbackorder at 0 or below with backorders allowed, outofstock otherwise),
//     global_unique_id (9.2+), sku, meta_data (updated by key);
//   - GET orders (status as a comma list, page, per_page) with line_items
//     (product_id, variation_id, quantity, sku, meta_data) and date_created_gmt;
//     PlaceOrder decrements stock as WooCommerce does when an order goes
//     processing or on-hold, and refuses what is not purchasable.
//
// Besides the API it offers the tests a seed (AddSimple, AddVariable), a view of
// the state (Product, Variation), counters (Stats), and injected faults (Fail,
// Refuse). It keeps everything in memory and is safe for concurrent use.
package wcdouble
