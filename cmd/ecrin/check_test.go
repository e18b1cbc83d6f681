package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const checkBase = `site:
  id: b42
  name: Bijouterie Test
data_dir: data
erp:
  profile: bijou3
source:
  kind: folder
  path: export
shop:
  url: https://shop.example/ecrin
  secret: {env: ECRIN_TEST_CHECK_SECRET}
mapping:
  brands:
    TISSOT: Tissot
    SEIKO: Seiko
`

// `ecrin check` refuses each bad configuration of issue 13 at its line.
func TestCheckRefusesBadConfigurationsAtTheirLine(t *testing.T) {
	t.Setenv("ECRIN_TEST_CHECK_SECRET", "check-s3cr3t")
	tests := []struct {
		name, text, at, want string
	}{
		{"ratio as a percentage", checkBase + "guards:\n  max_unpublish_ratio: 20\n", "max_unpublish_ratio", "0.2 means 20 %"},
		{"min rows as a percentage", checkBase + "guards:\n  min_rows_ratio: 50\n", "min_rows_ratio", "0.5 means 50 %"},
		{"batch size", checkBase + "push:\n  batch_size: 2000\n", "batch_size", "want 1 to 1000"},
		{"negative keep_days", checkBase + "report:\n  keep_days: -1\n", "keep_days", "report.keep_days -1"},
		{"brands that fold alike", checkBase + "    Seiko: Swatch\n", "Seiko: Swatch", `"SEIKO" (line 16) and "Seiko" (line 17)`},
		{"bad nightly", checkBase + "schedule:\n  nightly: \"2h30\"\n", "nightly", "schedule.nightly"},
		{"bad interval", checkBase + "schedule:\n  interval:\n    every: 15m\n    from: \"9h\"\n    to: \"19:00\"\n", "from:", "schedule.interval.from"},
		{"bad regex", checkBase + "  rules:\n    Tissot:\n      - replace: 'T(\\d+'\n", "replace:", "not a regular expression"},
		{"secret unset", strings.Replace(checkBase, "ECRIN_TEST_CHECK_SECRET", "ECRIN_TEST_UNSET_SECRET", 1), "secret:", "ECRIN_TEST_UNSET_SECRET is not set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "ecrin.yaml")
			if err := os.WriteFile(path, []byte(tt.text), 0o600); err != nil {
				t.Fatal(err)
			}
			line := 0
			for i, l := range strings.Split(tt.text, "\n") {
				if strings.Contains(l, tt.at) {
					line = i + 1
				}
			}
			var out, errOut bytes.Buffer
			code := dispatch([]string{"check", "--offline", "--config", path}, &out, &errOut)
			got := out.String() + errOut.String()
			if code != 1 || !strings.Contains(got, fmt.Sprintf("%s:%d: ", path, line)) || !strings.Contains(got, tt.want) {
				t.Errorf("exit %d\n%s\nwant line %d and %q", code, got, line, tt.want)
			}
			if strings.Contains(got, "check-s3cr3t") {
				t.Error("the secret is printed")
			}
		})
	}
	path := filepath.Join(t.TempDir(), "ecrin.yaml")
	if err := os.WriteFile(path, []byte(checkBase), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if code := dispatch([]string{"check", "--offline", "--config", path}, &out, &out); code != 0 {
		t.Fatalf("the base configuration: exit %d\n%s", code, out.String())
	}
}
