package all

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/ecrin-connect/ecrin/erp"
	"github.com/ecrin-connect/ecrin/erp/bijou3"
	"github.com/ecrin-connect/ecrin/erp/cestia"
	"github.com/ecrin-connect/ecrin/erp/fourd"
	"github.com/ecrin-connect/ecrin/erp/m3soft"
)

type siteConfig struct {
	ERP struct {
		Profile string      `yaml:"profile"`
		Options erp.Options `yaml:"options"`
	} `yaml:"erp"`
}

// TestSampleYAML checks that each profile's sample.yaml parses, builds a reader, and
// writes out the profile's defaults as they are.
func TestSampleYAML(t *testing.T) {
	defaults := map[string]erp.Options{
		"bijou3": bijou3.Defaults(), "cestia": cestia.Defaults(), "fourd": fourd.Defaults(), "m3soft": m3soft.Defaults(),
	}
	for _, dir := range []string{"bijou3", "cestia", "fourd", "m3soft", "generic"} {
		b, err := os.ReadFile(filepath.Join("..", dir, "sample.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		var c siteConfig
		if err := yaml.Unmarshal(b, &c); err != nil {
			t.Fatalf("%s/sample.yaml: %v", dir, err)
		}
		if _, err := erp.New(c.ERP.Profile, c.ERP.Options); err != nil {
			t.Errorf("%s/sample.yaml: %v", dir, err)
		}
		def, ok := defaults[dir]
		if !ok {
			continue
		}
		got := def.Merge(c.ERP.Options)
		got.Limits, def.Limits = erp.Limits{}, erp.Limits{}
		if !reflect.DeepEqual(got, def) {
			t.Errorf("%s/sample.yaml differs from the defaults:\n got %+v\nwant %+v", dir, got, def)
		}
	}
}
