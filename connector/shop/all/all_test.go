package all

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/ecrin-connect/ecrin/connector/shop"
)

// TestEveryKindHasAWorkingSample opens each registered kind from the sample.yaml
// beside it, and checks its README is there: a kind is one folder, documented.
func TestEveryKindHasAWorkingSample(t *testing.T) {
	for _, kind := range shop.Kinds() {
		t.Run(kind, func(t *testing.T) {
			dir := filepath.Join("..", kind)
			if _, err := os.Stat(filepath.Join(dir, "README.md")); err != nil {
				t.Errorf("kind %s has no README.md: %v", kind, err)
			}
			data, err := os.ReadFile(filepath.Join(dir, "sample.yaml"))
			if err != nil {
				t.Fatalf("kind %s has no sample.yaml: %v", kind, err)
			}
			var doc struct {
				Shop yaml.Node `yaml:"shop"`
			}
			if err := yaml.Unmarshal(data, &doc); err != nil {
				t.Fatal(err)
			}
			var head struct {
				Kind string `yaml:"kind"`
			}
			if err := doc.Shop.Decode(&head); err != nil || head.Kind != kind {
				t.Fatalf("sample.yaml: shop.kind %q, want %q (%v)", head.Kind, kind, err)
			}
			s, err := shop.Open(kind, &doc.Shop, shop.Env{Boutique: "b1", Secret: "sample-secret"})
			if err != nil {
				t.Fatalf("open %s from its sample: %v", kind, err)
			}
			if tr := s.Traits(); tr.MaxBatch < 1 {
				t.Errorf("%s takes batches of %d items", kind, tr.MaxBatch)
			}
			if s.String() == "" {
				t.Errorf("%s has no name", kind)
			}
		})
	}
}

func TestUnknownKindAndSetting(t *testing.T) {
	if _, err := shop.Open("magento", nil, shop.Env{}); err == nil {
		t.Error("an unknown kind opened")
	}
	var n yaml.Node
	if err := yaml.Unmarshal([]byte("kind: ecrin\nurl: https://x.example\nbatch_sise: 3\n"), &n); err != nil {
		t.Fatal(err)
	}
	_, err := shop.Open("ecrin", n.Content[0], shop.Env{Boutique: "b1", Secret: "s"})
	var se *shop.SettingError
	if !errors.As(err, &se) || se.Line != 3 {
		t.Errorf("a misspelled setting: %v, want a setting error at line 3", err)
	}
}
