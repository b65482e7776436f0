package config

import (
	"testing"
)

// FuzzLoad feeds arbitrary bytes to the loader as a pyproject.toml and as
// a flaskguard.toml: it must never panic, and what it accepts must give
// usable settings and matchers.
func FuzzLoad(f *testing.F) {
	f.Add([]byte("[tool.flaskguard]\nselect = [\"FG4\"]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, name := range []string{"pyproject.toml", "flaskguard.toml"} {
			cfg, err := Parse(name, data)
			if err != nil {
				if err.Error() == "" {
					t.Fatal("empty error message")
				}
				continue
			}
			st := cfg.SettingsFor("tests/app.py")
			for _, code := range append(st.Select, st.Ignore...) {
				if _, err := normalizeCode(code); err != nil {
					t.Fatalf("accepted code %q: %v", code, err)
				}
			}
			cfg.Excluded("migrations/env.py", false)
			cfg.Excluded("build", true)
		}
	})
}
