package woocommerce

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Ping checks that WooCommerce answers and accepts the key for reading (GET
// system_status), then for writing: an empty products batch, which WooCommerce
// checks like any batch (key permissions, then the user's capability) and which
// changes nothing. A refusal says what to fix in WooCommerce.
func (a *Adapter) Ping(ctx context.Context) error {
	if _, err := a.get(ctx, "/system_status", nil, nil); err != nil {
		return fmt.Errorf("ping %s: read with the key %s: %w", a.where, a.keyHint(), explain(err, false))
	}
	if err := a.post(ctx, "/products/batch", struct{}{}, nil); err != nil {
		return fmt.Errorf("ping %s: write with the key %s (an empty products batch): %w", a.where, a.keyHint(), explain(err, true))
	}
	return nil
}

// keyHint names the key without its secret: its consumer key's last characters,
// as WooCommerce's key list shows them ("…a1b2c3d").
func (a *Adapter) keyHint() string {
	k := a.opts.ConsumerKey
	if len(k) > 7 {
		k = "…" + k[len(k)-7:]
	}
	return k
}

// ErrAuth is wrapped by the errors that mean WooCommerce refused the key.
var ErrAuth = errors.New("WooCommerce refused the REST API key")

// explain adds what to do to an error of WooCommerce's authentication.
func explain(err error, write bool) error {
	var se *StatusError
	if !errors.As(err, &se) {
		return err
	}
	msg := strings.ToLower(se.Message)
	switch {
	case se.Code == "woocommerce_rest_authentication_error" && strings.Contains(msg, "write permission"):
		return fmt.Errorf("%w: the key has Read permission only; ecrin writes stock and prices: in WooCommerce > Settings > Advanced > REST API, set the key's Permissions to Read/Write (%v)", ErrAuth, err)
	case se.Code == "woocommerce_rest_authentication_error" && strings.Contains(msg, "read permission"):
		return fmt.Errorf("%w: the key has Write permission only; ecrin reads the catalog and the orders: set the key's Permissions to Read/Write (%v)", ErrAuth, err)
	case se.Code == "woocommerce_rest_authentication_error" && strings.Contains(msg, "consumer key"):
		return fmt.Errorf("%w: WooCommerce knows no such consumer key: check shop.consumer_key (ck_…) against WooCommerce > Settings > Advanced > REST API (%v)", ErrAuth, err)
	case se.Code == "woocommerce_rest_authentication_error" && strings.Contains(msg, "consumer secret"):
		return fmt.Errorf("%w: the consumer secret does not match the key: check shop.secret (cs_…) (%v)", ErrAuth, err)
	case se.Code == "woocommerce_rest_authentication_error":
		return fmt.Errorf("%w: check shop.consumer_key and shop.secret (%v)", ErrAuth, err)
	case se.Code == "woocommerce_rest_cannot_view", se.Code == "woocommerce_rest_cannot_batch",
		se.Code == "woocommerce_rest_cannot_edit", se.Status == http.StatusUnauthorized || se.Status == http.StatusForbidden:
		if se.Status == http.StatusUnauthorized {
			return fmt.Errorf("%w: WooCommerce did not take the key as credentials: is shop.url https://, and does the web server pass the Authorization header to PHP? (%v)", ErrAuth, err)
		}
		what := "view products and orders"
		if write {
			what = "edit products"
		}
		return fmt.Errorf("%w: the key's WordPress user may not %s: make the key for a Shop manager or an Administrator (%v)", ErrAuth, what, err)
	}
	return err
}
