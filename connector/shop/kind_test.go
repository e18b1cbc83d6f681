package shop

import (
	"errors"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// kindShop is a Shop of a kind opened by OpenKind in the test.
type kindShop struct {
	Shop
	opts  kindOptions
	retry Retrier
}

type kindOptions struct {
	URL string `yaml:"url"`
}

// TestOpenKind: the block decoded into the kind's options (an unknown key
// refused), build's error said at the block's line, OnRetry set from env.
func TestOpenKind(t *testing.T) {
	build := func(o kindOptions, env Env) (*kindShop, error) {
		if o.URL == "" {
			return nil, errors.New("url is missing")
		}
		return &kindShop{opts: o}, nil
	}
	retrier := func(s *kindShop) *Retrier { return &s.retry }
	block := func(src string) *yaml.Node {
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte("\n"+src), &doc); err != nil {
			t.Fatal(err)
		}
		return doc.Content[0]
	}
	called := false
	env := Env{OnRetry: func(string, int, time.Duration, error) { called = true }}

	s, err := OpenKind(block("url: https://shop.example\n"), env, build, retrier)
	if err != nil {
		t.Fatal(err)
	}
	ks := s.(*kindShop)
	if ks.opts.URL != "https://shop.example" || ks.retry.OnRetry == nil {
		t.Fatalf("opened %+v", ks)
	}
	ks.retry.OnRetry("GET /", 1, 0, nil)
	if !called {
		t.Error("OnRetry is not env's")
	}

	_, err = OpenKind(block("other: 1\n"), env, build, retrier)
	if err == nil {
		t.Fatal("an unknown key is accepted")
	}
	_, err = OpenKind(block("url: ''\n"), env, build, retrier)
	var se *SettingError
	if !errors.As(err, &se) || se.Line != 2 || se.Msg != "url is missing" {
		t.Fatalf("build's error: %#v", err)
	}
}
