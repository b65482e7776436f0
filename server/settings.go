package server

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"path/filepath"

	"go.lsp.dev/jsonrpc2"
	"go.uber.org/zap"

	"github.com/flaskguard/flaskguard/config"
	"github.com/flaskguard/flaskguard/diagnostics"
)

// settingsPayload is what editors send as initializationOptions and in
// workspace/didChangeConfiguration (there under a "flaskguard" key). The
// same keys are used by every integration in editors/.
type settingsPayload struct {
	Select               []string          `json:"select"`
	Ignore               []string          `json:"ignore"`
	Severity             map[string]string `json:"severity"`
	LogLevel             string            `json:"logLevel"`
	AssumeExternalConfig *bool             `json:"assumeExternalConfig"`
}

func parseSettings(raw json.RawMessage) (settingsPayload, error) {
	var p settingsPayload
	if len(raw) == 0 || string(raw) == "null" {
		return p, nil
	}
	var wrapped struct {
		Flaskguard *json.RawMessage `json:"flaskguard"`
	}
	if json.Unmarshal(raw, &wrapped) == nil && wrapped.Flaskguard != nil {
		raw = *wrapped.Flaskguard
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		return settingsPayload{}, fmt.Errorf("flaskguard settings: %w", err)
	}
	return p, nil
}

// toSettings validates a payload into engine settings.
func (p settingsPayload) toSettings() (diagnostics.Settings, error) {
	st := diagnostics.DefaultSettings()
	st.Select = upper(p.Select)
	st.Ignore = upper(p.Ignore)
	if p.AssumeExternalConfig != nil {
		st.AssumeExternalConfig = *p.AssumeExternalConfig
	}
	if len(p.Severity) > 0 {
		st.Severity = map[string]diagnostics.Severity{}
		for code, level := range p.Severity {
			sev, err := diagnostics.ParseSeverity(level)
			if err != nil {
				return st, fmt.Errorf("severity of %s: %w", code, err)
			}
			st.Severity[strings.ToUpper(code)] = sev
		}
	}
	return st, nil
}

func upper(xs []string) []string {
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		if x = strings.ToUpper(strings.TrimSpace(x)); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// applySettings runs on the document loop: the editor's settings p are
// laid over the workspace's configuration file, and everything is
// re-analysed.
func (s *Server) applySettings(p settingsPayload) {
	s.editorSettings = p
	s.reloadSettings()
}

// reloadSettings (re)reads the configuration file of the first workspace
// folder ([tool.flaskguard] in pyproject.toml, or flaskguard.toml) and
// applies the editor's overrides on top. Only the folder's own: the server
// reads nothing outside its workspace, so neither one above the folder
// nor one reached through a link out of it (which is reported).
func (s *Server) reloadSettings() {
	var cfg *config.File
	if len(s.roots) > 0 {
		f, err := config.FindInDir(s.roots[0], s.readWorkspaceFile)
		if err != nil {
			s.log.Warn("configuration file", zap.Error(err))
			s.showMessage(1, "flaskguard: "+err.Error())
		} else {
			cfg = f
		}
	}
	st, err := s.editorSettings.overlay(cfg.Settings())
	if err != nil {
		s.log.Warn("invalid settings, keeping the previous ones", zap.Error(err))
		s.showMessage(1, "flaskguard: "+err.Error())
		return
	}
	s.config = cfg
	s.settings = st
	s.engine.Settings = st
	if p := s.editorSettings; p.LogLevel != "" && s.logLevel != nil {
		if err := s.logLevel.UnmarshalText([]byte(p.LogLevel)); err != nil {
			s.log.Warn("invalid logLevel", zap.String("logLevel", p.LogLevel))
		}
	}
	for _, d := range s.docs {
		d.cache = diagnostics.NewCache() // cached results were filtered by the old settings
		d.dirty = true
		s.place(d) // its exclusion may have changed
	}
	s.projectDirty = true
}

// overlay lays the editor's settings over base (from the config file):
// select replaces, ignore adds, severities override one by one.
func (p settingsPayload) overlay(base diagnostics.Settings) (diagnostics.Settings, error) {
	ed, err := p.toSettings()
	if err != nil {
		return base, err
	}
	if p.Select != nil {
		base.Select = ed.Select
	}
	base.Ignore = append(append([]string(nil), base.Ignore...), ed.Ignore...)
	if len(ed.Severity) > 0 {
		merged := map[string]diagnostics.Severity{}
		for k, v := range base.Severity {
			merged[k] = v
		}
		for k, v := range ed.Severity {
			merged[k] = v
		}
		base.Severity = merged
	}
	if p.AssumeExternalConfig != nil {
		base.AssumeExternalConfig = *p.AssumeExternalConfig
	}
	return base, nil
}

// isConfigFile names the files whose change reloads settings.
func isConfigFile(path string) bool {
	base := filepath.Base(path)
	return base == config.PyprojectTOML || base == config.FlaskguardTOML
}

func (s *Server) didChangeConfiguration(_ context.Context, _ jsonrpc2.Replier, params json.RawMessage) error {
	var p struct {
		Settings json.RawMessage `json:"settings"`
	}
	if err := decode(params, &p); err != nil {
		return err
	}
	if !mentionsFlaskguard(p.Settings) {
		// eglot and others send {} or other servers' sections: that is not
		// a request to reset ours to defaults.
		return nil
	}
	opts, err := parseSettings(p.Settings)
	if err != nil {
		s.showMessage(1, err.Error())
		return err
	}
	s.enqueue(func() { s.applySettings(opts) })
	return nil
}

// showMessage sends window/showMessage (1 error, 2 warning, 3 info).
func (s *Server) showMessage(typ int, msg string) {
	s.notify(context.Background(), "window/showMessage", map[string]interface{}{"type": typ, "message": msg})
}

// mentionsFlaskguard reports settings with a "flaskguard" section or any of
// our keys at the top level.
func mentionsFlaskguard(raw json.RawMessage) bool {
	var top map[string]json.RawMessage
	if json.Unmarshal(raw, &top) != nil {
		return false
	}
	for _, k := range []string{"flaskguard", "select", "ignore", "severity", "logLevel", "assumeExternalConfig"} {
		if _, ok := top[k]; ok {
			return true
		}
	}
	return false
}
