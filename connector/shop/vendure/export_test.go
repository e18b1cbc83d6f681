package vendure

import (
	"context"
	"testing"

	"github.com/ecrin-connect/ecrin/connector/shop"
)

// For the tests of package vendure_test (through the whole connector).

type VariantState = variantState

func StatesOf(t testing.TB, a *Adapter, ids ...string) map[string]VariantState {
	return states(t, a, ids...)
}

func RealServer(t testing.TB, set string) (Options, shop.Secret) { return realServer(t, set) }

// VariantsOf returns the variant ids of products.
func VariantsOf(t testing.TB, a *Adapter, productIDs ...string) map[string][]string {
	t.Helper()
	ps, err := a.productsByID(context.Background(), productIDs)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string][]string{}
	for id, p := range ps {
		for _, v := range p.Variants {
			m[id] = append(m[id], v.ID)
		}
	}
	return m
}
