package state

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestAliases(t *testing.T) {
	s, path := openTemp(t)
	ctx := context.Background()
	before := time.Now().Add(-time.Second)
	for _, a := range []Alias{
		{Brand: "TISSOT", OldRef: "T1204071704100", Canonical: "T120.407.17.041.00", Note: "ancien format"},
		{Brand: "GUESS", OldRef: "W0001", Canonical: "GW0001G1"},
		{Brand: "TISSOT", OldRef: "T0001", Canonical: "T000.1"},
		{Brand: "GUESS", OldRef: "W0001", Canonical: "GW0001G2", Note: "corrigé"}, // replaces
	} {
		if err := s.PutAlias(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DeleteAlias(ctx, "TISSOT", "T0001"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteAlias(ctx, "TISSOT", "T0001"); !errors.Is(err, ErrNotFound) {
		t.Errorf("second delete = %v, want ErrNotFound", err)
	}
	s.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Aliases(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []Alias{
		{Brand: "GUESS", OldRef: "W0001", Canonical: "GW0001G2", Note: "corrigé"},
		{Brand: "TISSOT", OldRef: "T1204071704100", Canonical: "T120.407.17.041.00", Note: "ancien format"},
	}
	if len(got) != len(want) {
		t.Fatalf("aliases %+v, want %+v", got, want)
	}
	for i := range want {
		u := got[i].Updated
		if u.Before(before) || u.Location() != time.UTC {
			t.Errorf("alias %d updated %v", i, u)
		}
		got[i].Updated = time.Time{}
		if got[i] != want[i] {
			t.Errorf("alias %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestPutAliasRejectsEmpty(t *testing.T) {
	s, _ := openTemp(t)
	for _, a := range []Alias{
		{OldRef: "a", Canonical: "b"},
		{Brand: "x", Canonical: "b"},
		{Brand: "x", OldRef: "a"},
	} {
		if err := s.PutAlias(context.Background(), a); err == nil {
			t.Errorf("PutAlias(%+v) accepted", a)
		}
	}
}
