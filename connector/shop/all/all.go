// Package all registers every shop kind: import it for its side effect.
package all

import (
	_ "github.com/ecrin-connect/ecrin/connector/shop/ecrin"       // ecrin's own protocol
	_ "github.com/ecrin-connect/ecrin/connector/shop/medusa"      // Medusa v2 (Admin API)
	_ "github.com/ecrin-connect/ecrin/connector/shop/prestashop"  // PrestaShop 8 (webservice)
	_ "github.com/ecrin-connect/ecrin/connector/shop/shopify"     // Shopify (Admin GraphQL API)
	_ "github.com/ecrin-connect/ecrin/connector/shop/vendure"     // Vendure (Admin GraphQL API)
	_ "github.com/ecrin-connect/ecrin/connector/shop/woocommerce" // WooCommerce (REST API v3)
)
