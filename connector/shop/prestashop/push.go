package prestashop

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/ecrin-connect/ecrin/connector/shop"
)

// PrestaShop's values for stock_availables.out_of_stock.
const (
	denyOrders  = "0"
	allowOrders = "1"
)

// noDate is PrestaShop's empty available_date.
const noDate = "0000-00-00"

// Push applies one batch and returns one result per item, in order (see
// PushItems: the webservice has no batch endpoint).
func (a *Adapter) Push(ctx context.Context, key string, items []shop.Item) ([]shop.Result, error) {
	out := make([]shop.Result, len(items))
	err := a.PushItems(ctx, key, items, func(i int, r shop.Result) error {
		out[i] = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// PushItems applies items one by one, at most Concurrency at once, and calls done
// with each answer as it comes (never concurrently). An item PrestaShop refuses
// (400, 404, 422…) is answered as rejected with its reason; a refused key (401,
// 403), a shop that stays unavailable after the retries or done's error stops the
// push: the items not answered yet are left for the next attempt. Every write
// sets absolute values, so applying an item again changes nothing.
func (a *Adapter) PushItems(ctx context.Context, key string, items []shop.Item, done func(i int, r shop.Result) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan int)
	var (
		wg     sync.WaitGroup
		doneMu sync.Mutex
	)
	for range min(a.opts.Concurrency, len(items)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				r, err := a.apply(ctx, items[i])
				if err == nil {
					doneMu.Lock()
					err = done(i, r)
					doneMu.Unlock()
				}
				if err != nil {
					cancel(fmt.Errorf("push %s: item %d (%s/%s): %w", key, i, items[i].ProductID, items[i].VariantID, err))
					return
				}
			}
		}()
	}
feed:
	for i := range items {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return err
	}
	return nil
}

// apply writes one item. It returns the shop's answer, or an error when the push
// must stop.
func (a *Adapter) apply(ctx context.Context, it shop.Item) (shop.Result, error) {
	res := shop.Result{ProductID: it.ProductID, VariantID: it.VariantID, Accepted: true}
	err := a.write(ctx, it)
	switch st := statusOf(err); {
	case err == nil:
		return res, nil
	case errors.Is(err, errNotApplied):
		res.Accepted, res.Reason = false, err.Error()
	case st == http.StatusUnauthorized || st == http.StatusForbidden:
		return res, fmt.Errorf("the shop refused the webservice key: %w", err)
	case st >= 400 && st < 500 && st != http.StatusTooManyRequests && st != http.StatusRequestTimeout:
		res.Accepted, res.Reason = false, err.Error()
	default:
		return res, err
	}
	return res, nil
}

// errNotApplied: the item cannot be applied (it names something the shop does
// not hold, or a value PrestaShop cannot take); the others go on.
var errNotApplied = errors.New("not applied")

// write applies one item: see README.md, "What a push changes".
func (a *Adapter) write(ctx context.Context, it shop.Item) error {
	pid, err := strconv.Atoi(it.ProductID)
	if err != nil || pid <= 0 {
		return fmt.Errorf("%w: product id %q is not a PrestaShop id", errNotApplied, it.ProductID)
	}
	cid := 0
	if it.VariantID != "" {
		if cid, err = strconv.Atoi(it.VariantID); err != nil || cid <= 0 {
			return fmt.Errorf("%w: combination id %q is not a PrestaShop id", errNotApplied, it.VariantID)
		}
	}
	info, err := a.productInfo(ctx, pid)
	if statusOf(err) == http.StatusNotFound {
		return fmt.Errorf("%w: product %d no longer exists", errNotApplied, pid)
	}
	if err != nil {
		return err
	}
	date := noDate
	if it.Published && (it.Availability == "preorder" || it.Availability == "backorder") {
		date = a.now().In(a.opts.zone).AddDate(0, 0, max(it.RestockDays, 0)).Format(time.DateOnly)
	}
	var price []field
	if it.PriceCents > 0 {
		net, err := netMicros(it.PriceCents, a.opts.taxBP)
		if err != nil {
			return fmt.Errorf("%w: %v", errNotApplied, err)
		}
		if cid > 0 {
			if info.priceErr != nil {
				return fmt.Errorf("%w: product %d's own price, the base of its sizes' impacts: %v", errNotApplied, pid, info.priceErr)
			}
			net -= info.priceMicros // a combination's price is an impact on its product's
		}
		price = []field{{"price", formatMicros(net)}}
	}
	switch {
	case cid > 0:
		if err := a.putStock(ctx, pid, cid, info.stock[cid], it); err != nil {
			return err
		}
		fields := append([]field{{"id", strconv.Itoa(cid)}, {"id_product", strconv.Itoa(pid)}}, price...)
		fields = append(fields, field{"available_date", date})
		return a.patch(ctx, "combinations", "combination", cid, fields)
	case info.declinable:
		// The product of sizes: its publication only; its sizes have items of their own.
		return a.patch(ctx, "products", "product", pid, []field{{"id", strconv.Itoa(pid)}, {"active", boolText(it.Published)}})
	default:
		if err := a.putStock(ctx, pid, 0, info.stock[0], it); err != nil {
			return err
		}
		fields := append([]field{{"id", strconv.Itoa(pid)}, {"active", boolText(it.Published)}}, price...)
		fields = append(fields, field{"available_date", date})
		return a.patch(ctx, "products", "product", pid, fields)
	}
}

// putStock sets the stock_available of product pid, combination cid (0: the
// product's own): quantity left to sell and whether orders are taken beyond it.
// A PUT replaces the whole resource, so the stock_available is read first and
// sent back whole with the two fields changed (and depends_on_stock off: ecrin,
// not the advanced stock management, sets the quantity).
func (a *Adapter) putStock(ctx context.Context, pid, cid, id int, it shop.Item) error {
	var s wireStock
	if id > 0 {
		err := a.getJSON(ctx, "stock_availables/"+strconv.Itoa(id), nil, func(b []byte) error { return decodeOne(b, "stock_available", &s) })
		if err != nil && statusOf(err) != http.StatusNotFound {
			return err
		}
	}
	if s.ID.Int() <= 0 || s.IDProduct.Int() != pid || s.IDAttribute.Int() != cid {
		var list []wireStock
		q := url.Values{"display": {"full"}, "filter[id_product]": {"[" + strconv.Itoa(pid) + "]"},
			"filter[id_product_attribute]": {"[" + strconv.Itoa(cid) + "]"}}
		if err := a.getJSON(ctx, "stock_availables", q, func(b []byte) error { return decodeList(b, "stock_availables", &list) }); err != nil {
			return err
		}
		s = wireStock{}
		for _, l := range list {
			if l.IDProduct.Int() == pid && l.IDAttribute.Int() == cid && (a.opts.Shop == 0 || l.IDShop.Int() == a.opts.Shop) {
				s = l
				break
			}
		}
		if s.ID.Int() <= 0 {
			return fmt.Errorf("%w: no stock_available for product %d combination %d", errNotApplied, pid, cid)
		}
	}
	out := denyOrders
	if it.Published && (it.Availability == "preorder" || it.Availability == "backorder") {
		out = allowOrders
	}
	qty := 0
	if it.Published {
		qty = max(it.OnHand, 0)
	}
	sid := s.ID.Int()
	body := xmlBody("stock_available",
		field{"id", strconv.Itoa(sid)},
		field{"id_product", strconv.Itoa(pid)},
		field{"id_product_attribute", strconv.Itoa(cid)},
		field{"id_shop", string(s.IDShop)},
		field{"id_shop_group", string(s.IDShopGroup)},
		field{"quantity", strconv.Itoa(qty)},
		field{"depends_on_stock", "0"},
		field{"out_of_stock", out},
		field{"location", string(s.Location)},
	)
	_, err := a.call(ctx, http.MethodPut, "stock_availables/"+strconv.Itoa(sid), nil, body)
	return err
}

// patch sends a PATCH of some fields of one resource (PrestaShop 8).
func (a *Adapter) patch(ctx context.Context, resources, resource string, id int, fields []field) error {
	_, err := a.call(ctx, http.MethodPatch, resources+"/"+strconv.Itoa(id), nil, xmlBody(resource, fields...))
	return err
}

func boolText(b bool) string {
	if b {
		return "1"
	}
	return "0"
}
