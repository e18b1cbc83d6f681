package service

import (
	"slices"
	"strings"
	"testing"

	"github.com/ecrin-connect/ecrin/installer/linux"
)

func TestServiceConfigWindows(t *testing.T) {
	kc, err := serviceConfig(Config{ConfigPath: `D:\ecrin\site.yaml`}, "windows")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"run", "--service", "--config", `D:\ecrin\site.yaml`}; !slices.Equal(kc.Arguments, want) {
		t.Errorf("arguments %q, want %q", kc.Arguments, want)
	}
	// Keys and types as kardianos/service v1.3.0 reads them (service_windows.go).
	want := map[string]any{
		"OnFailure":              "restart",
		"OnFailureDelayDuration": "60s",
		"OnFailureResetPeriod":   86400,
		"StartType":              "automatic",
		"DelayedAutoStart":       true,
	}
	for k, v := range want {
		if kc.Option[k] != v {
			t.Errorf("option %s = %#v, want %#v", k, kc.Option[k], v)
		}
	}
	if kc.Name != "ecrin" || kc.WorkingDirectory != "" {
		t.Errorf("name %q, working directory %q", kc.Name, kc.WorkingDirectory)
	}
}

func TestServiceConfigWindowsDefaultPath(t *testing.T) {
	kc, err := serviceConfig(Config{}, "windows")
	if err != nil {
		t.Fatal(err)
	}
	got := kc.Arguments[len(kc.Arguments)-1]
	if !strings.HasSuffix(got, `\ecrin\ecrin.yaml`) || !isWindowsAbs(got) {
		t.Errorf("default configuration %q is not under %%ProgramData%%", got)
	}
}

func TestServiceConfigLinuxUsesOurUnit(t *testing.T) {
	kc, err := serviceConfig(Config{ConfigPath: "/etc/ecrin/site.yaml", Executable: "/opt/ecrin/ecrin"}, "linux")
	if err != nil {
		t.Fatal(err)
	}
	unit, _ := kc.Option["SystemdScript"].(string)
	for _, want := range []string{
		"ExecStart=/opt/ecrin/ecrin run --service --config /etc/ecrin/site.yaml\n",
		"After=network-online.target", "Wants=network-online.target", "Restart=on-failure",
		"User=ecrin", "StateDirectory=ecrin", "ProtectSystem=strict", "ProtectHome=true",
		"NoNewPrivileges=true", "PrivateTmp=true", "ReadWritePaths=/var/lib/ecrin",
	} {
		if !strings.Contains(unit, want) {
			t.Errorf("unit lacks %q:\n%s", want, unit)
		}
	}
	if strings.Contains(unit, "{{") {
		t.Error("unit holds a template action")
	}
	if strings.Count(unit, "\n") != strings.Count(linux.Unit, "\n") {
		t.Error("the unit differs from installer/linux/ecrin.service beyond ExecStart")
	}
}

func TestRenderUnitRefusesOddPaths(t *testing.T) {
	for _, p := range []string{"/opt/my ecrin/ecrin", "/opt/{{x}}/ecrin", "/opt/%h/ecrin"} {
		if _, err := renderUnit(p, "/etc/ecrin/ecrin.yaml"); err == nil {
			t.Errorf("renderUnit(%q) succeeded", p)
		}
	}
}

func TestPaths(t *testing.T) {
	env := func(v string) func(string) string { return func(string) string { return v } }
	tests := []struct {
		goos, programData, data, conf string
	}{
		{"windows", `C:\ProgramData`, `C:\ProgramData\ecrin`, `C:\ProgramData\ecrin\ecrin.yaml`},
		{"windows", `E:\Data\`, `E:\Data\ecrin`, `E:\Data\ecrin\ecrin.yaml`},
		{"windows", "", `C:\ProgramData\ecrin`, `C:\ProgramData\ecrin\ecrin.yaml`},
		{"windows", `relative`, `C:\ProgramData\ecrin`, `C:\ProgramData\ecrin\ecrin.yaml`},
		{"linux", "", "/var/lib/ecrin", "/etc/ecrin/ecrin.yaml"},
	}
	for _, tt := range tests {
		if got := dataDir(tt.goos, env(tt.programData)); got != tt.data {
			t.Errorf("dataDir(%s, %q) = %s, want %s", tt.goos, tt.programData, got, tt.data)
		}
		if got := configPath(tt.goos, env(tt.programData)); got != tt.conf {
			t.Errorf("configPath(%s, %q) = %s, want %s", tt.goos, tt.programData, got, tt.conf)
		}
	}
}

func TestControlRejectsUnknownAction(t *testing.T) {
	_, err := Control("restart-everything", Config{ConfigPath: "/etc/ecrin/ecrin.yaml"})
	if err == nil || !strings.Contains(err.Error(), "unknown service action") {
		t.Errorf("Control() = %v", err)
	}
}
