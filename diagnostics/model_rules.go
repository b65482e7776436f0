package diagnostics

import (
	"fmt"
	"strings"
)

// Shared logic of the rules about an app's effective configuration
// (FG101, FG102, FG103, FG105, FG202, FG602).

// configCheck describes one config key a rule wants right.
type configCheck struct {
	Key     string
	Bad     func(v ValueFact) bool // a literal value that is wrong
	Missing bool                   // never setting the key is wrong (Flask's default is unsafe)
	Value   string                 // the right value, as Python
	Safe    bool                   // the fix keeps a correct app's behaviour
	Title   string                 // the fix's title
	BadMsg  string                 // message at a wrong value
	// MissingMsg has one %s: the app ("The app") or the config class lacking the key.
	MissingMsg string
	// Applies says whether the check concerns app (e.g. it has a session cookie).
	Applies func(m *Model, a *App) bool
}

func falsy(v ValueFact) bool { return !v.Truthy }

// reporter dedupes findings of one rule run (several apps and scenarios
// often reach the same config line).
type reporter struct {
	p    *ProjectPass
	seen map[string]bool
}

func newReporter(p *ProjectPass) *reporter { return &reporter{p: p, seen: map[string]bool{}} }

func (r *reporter) report(f *File, fd Finding) {
	if f == nil {
		return
	}
	k := fmt.Sprintf("%s\x00%d\x00%d\x00%s", f.Path, fd.Start, fd.End, fd.Message)
	if r.seen[k] {
		return
	}
	r.seen[k] = true
	r.p.ReportFinding(f, fd)
}

// apps lists the apps absence rules look at: not a test suite's, serving routes.
func (m *Model) checkedApps() []*App {
	var out []*App
	for _, a := range m.Apps {
		if !a.Test && a.Web {
			out = append(out, a)
		}
	}
	return out
}

// checkConfig runs one configCheck over every app and scenario.
func (p *ProjectPass) checkConfig(cc configCheck) {
	m := p.Model
	rep := newReporter(p)
	for _, a := range m.checkedApps() {
		if a.Config == nil || cc.Applies != nil && !cc.Applies(m, a) {
			continue
		}
		for _, sc := range a.Config.Scenarios() {
			if sc.Dev() {
				continue
			}
			eff := sc.Effective(cc.Key)
			switch {
			case eff.Entry != nil && eff.Entry.Value.Known:
				if cc.Bad != nil && cc.Bad(eff.Entry.Value) {
					p.reportBad(rep, cc, a, eff)
				}
			case eff.Entry != nil:
				// Read at run time (the environment, another name).
				if !p.Settings.AssumeExternalConfig && eff.Entry.InProject {
					if f := m.File(eff.Entry.At.Path); f != nil {
						rep.report(f, Finding{Start: eff.Entry.At.Start, End: eff.Entry.At.End, Severity: SeverityInfo,
							Message: cc.Key + " is set from a value known only at run time; make sure it is " + cc.Value + " in production"})
					}
				}
			case eff.Open:
				if !p.Settings.AssumeExternalConfig && cc.Missing {
					f, anchor, subject, _ := m.configPlacement(a, sc, cc.Key, cc.Value)
					rep.report(f, Finding{Start: anchor.Start, End: anchor.End, Severity: SeverityInfo,
						Message: fmt.Sprintf(cc.MissingMsg, subject) + " (unless " + eff.OpenSource.Name + " sets it)"})
				}
			case cc.Missing:
				f, anchor, subject, edits := m.configPlacement(a, sc, cc.Key, cc.Value)
				fd := Finding{Start: anchor.Start, End: anchor.End, Message: fmt.Sprintf(cc.MissingMsg, subject)}
				if len(edits) > 0 {
					fd.Fixes = []Fix{{Title: cc.Title, Safe: cc.Safe, Edits: edits}}
				}
				if anchor != a.Call {
					fd.Related = []Related{{Path: a.Call.Path, Start: a.Call.Start, End: a.Call.End, Message: "the app loading this config"}}
				}
				rep.report(f, fd)
			}
		}
	}
}

// reportBad reports a wrong value where it is written (or, when it comes
// from a file outside the project's Python files, where that file is loaded).
func (p *ProjectPass) reportBad(rep *reporter, cc configCheck, a *App, eff Effective) {
	e := eff.Entry
	if f := p.Model.File(e.At.Path); f != nil && e.InProject && !e.Synthetic {
		fd := Finding{Start: e.At.Start, End: e.At.End, Message: cc.BadMsg}
		fd.Fixes = []Fix{{Title: cc.Title, Safe: cc.Safe, Edits: []TextEdit{{Start: e.ValAt.Start, End: e.ValAt.End, NewText: cc.Value}}}}
		rep.report(f, fd)
		return
	}
	at := eff.Source.At
	if f := p.Model.File(at.Path); f != nil && at.End > at.Start {
		rep.report(f, Finding{Start: at.Start, End: at.End, Message: cc.BadMsg + " (in " + eff.Source.Name + ")"})
		return
	}
	rep.report(a.File, Finding{Start: a.Call.Start, End: a.Call.End, Message: cc.BadMsg + " (in " + eff.Source.Name + ")"})
}

// usesSession: the app has a session cookie worth protecting.
func usesSession(m *Model, _ *App) bool { return m.UsesSession }

// --- CSRF (FG201) ---

// viewProtected reports a view protected against CSRF by something other
// than a global extension: a before_request token check of its app or
// blueprint, or each of its functions validating a Flask-WTF form,
// checking a token itself, or only taking JSON.
func (m *Model) viewProtected(a *App, v *View) bool {
	if len(a.CSRFChecks) > 0 || v.Blue != nil && v.Blue.CSRFCheck {
		return true
	}
	if len(v.funcs) == 0 {
		return true // nothing to look at: do not guess
	}
	for _, fn := range v.funcs {
		if !m.functionProtected(fn) {
			return false
		}
	}
	return true
}

func (m *Model) functionProtected(fn scopeRef) bool {
	s := fn.s
	if checksToken(s) || s.ReadsJSON && !s.ReadsForm {
		return true
	}
	for _, d := range s.Decos {
		if l := strings.ToLower(d.Name); strings.Contains(l, "csrf") && !strings.HasSuffix(l, ".exempt") {
			return true
		}
	}
	for _, val := range s.Validates {
		if m.validatesCSRF(fn, val) {
			return true
		}
	}
	return false
}

type formKind uint8

const (
	formUnknown formKind = iota
	formCSRF             // a Flask-WTF form with CSRF on
	formNoCSRF           // Meta.csrf = False, or a plain WTForms form
)

// validatesCSRF reports a validation of a Flask-WTF form with CSRF on.
func (m *Model) validatesCSRF(fn scopeRef, val ValidateFact) bool {
	r := m.r
	pos := fn.base + fn.s.End
	kind := formUnknown
	if val.RecvCall {
		if cv := r.lookup(fn.fi, fn.s.Path, val.Recv, pos); cv.cls.valid() {
			kind = r.formKind(cv.cls)
		}
	} else if bs := fn.fi.bindsOf(fn.s.Path, val.Recv); len(bs) > 0 {
		b := bs[len(bs)-1]
		if c := b.call(); c != nil {
			if meta, ok := kwArg(c.Kw, "meta"); ok {
				for _, e := range meta.items().Entries {
					if e.Key == "csrf" && e.Val.Known && !e.Val.Truthy {
						return false
					}
				}
			}
			if cv := r.lookup(fn.fi, c.Scope, c.Func, b.base+c.Off); cv.cls.valid() {
				kind = r.formKind(cv.cls)
			}
		}
	}
	switch kind {
	case formCSRF:
		return true
	case formNoCSRF:
		return false
	}
	// validate_on_submit only exists on Flask-WTF forms; validate() on
	// something unknown may be anything.
	return val.OnSubmit
}

func (r *resolver) formKind(cls scopeRef) formKind {
	kind := formUnknown
	for _, c := range r.mro(cls) {
		if c.s.cls().MetaCSRFOff {
			return formNoCSRF
		}
		for _, b := range c.s.cls().Bases {
			bv := r.lookup(c.fi, c.s.Parent, b, c.base+c.s.Off)
			if bv.kind != vExternal {
				continue
			}
			switch {
			case formClasses[bv.q]:
				kind = formCSRF
			case strings.HasPrefix(bv.q, "wtforms.") && kind == formUnknown:
				kind = formNoCSRF
			}
		}
	}
	return kind
}
