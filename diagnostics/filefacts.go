package diagnostics

import (
	"fmt"
	"hash/fnv"
	"sort"
	"strings"

	"github.com/flaskguard/flaskguard/diagnostics/syntax"
)

// File-wide facts for statement rules. A statement rule sees one top-level
// statement and the file's Context; what it must know about the rest of the
// file flows through three steps, each cached like the symbols of resolve.go:
//
//   - extractRuleFacts reads one statement (all of it, function bodies
//     included) into RuleFacts, kept in its StatementFacts: no nodes, no
//     offsets, so they are cached by the statement's text;
//   - mergeRuleFacts folds a module's RuleFacts into ModuleRuleFacts
//     (ModuleSymbols.Rule), qualifying names with the module's imports;
//   - buildRuleContext makes the file's RuleContext (Context.Rule): its own
//     facts, what its imports resolve to in project modules, and, when the
//     resolver sees the whole project, the project-wide facts (a Limiter's
//     default limits and a rate-limited blueprint usually live in another
//     file than the views). RuleContext.keys feed the Context fingerprint,
//     so cached statement results are dropped when a fact changes.

// RuleFacts is what one statement says about rate limiting and upload config.
type RuleFacts struct {
	Limiters        []LimiterFact
	LimitedTargets  []string // Y of X.limit(...)(Y), X.shared_limit(...)(Y): a blueprint given a limit, as written
	RateLimitConfig bool     // a RATELIMIT_DEFAULT / RATELIMIT_APPLICATION config key is set
	ExtensionConfig bool     // an UPLOAD_EXTENSIONS-style config key is set
}

// LimiterFact is a Limiter(...) call.
type LimiterFact struct {
	Callee        string // as written: "Limiter", "flask_limiter.Limiter"
	Bound         string // the module-level name it is assigned to; "" inside a function or unassigned
	DefaultLimits bool   // default_limits= or application_limits= given
}

// ModuleRuleFacts merges a module's RuleFacts.
type ModuleRuleFacts struct {
	Limiters        map[string]bool // module-level names bound to a Limiter
	HasLimiter      bool            // a Limiter is created somewhere in the module
	DefaultLimits   bool            // one with default limits, or RATELIMIT_DEFAULT config
	LimitedTargets  []string        // qualified names of blueprints given a limit
	ExtensionConfig bool
	Strings         map[string]bool // module-level names only ever bound to string literals
}

// RuleContext is Context.Rule.
type RuleContext struct {
	Limiters        map[string]bool // local names of Limiter instances (bound here or imported)
	HasLimiter      bool            // this file creates a Limiter
	DefaultLimits   bool            // default limits in this file, an imported limiter's module or the project
	LimitedTargets  map[string]bool // qualified names of blueprints given a limit (file and project)
	ExtensionConfig bool            // UPLOAD_EXTENSIONS-style config in the file or the project
	Strings         map[string]bool // local names of string constants (module-level or imported)
}

var noRuleFacts RuleFacts // read-only

func (rf *RuleFacts) empty() bool {
	return len(rf.Limiters) == 0 && len(rf.LimitedTargets) == 0 && !rf.RateLimitConfig && !rf.ExtensionConfig
}

func extractRuleFacts(stmt syntax.Node) RuleFacts {
	var rf RuleFacts
	stmt.Walk(func(n syntax.Node) bool {
		switch n.Kind() {
		case "call":
			fn := n.Field("function")
			if name := DottedName(fn); lastPart(name) == "Limiter" {
				lf := LimiterFact{Callee: name}
				for _, kw := range []string{"default_limits", "application_limits"} {
					if _, v := KeywordArgument(n.Field("arguments"), kw); !v.IsNull() && !emptyCollection(v) {
						lf.DefaultLimits = true
					}
				}
				if a := n.Parent(); a.Kind() == "assignment" && a.Field("left").Kind() == "identifier" && moduleScope(a) {
					lf.Bound = a.Field("left").Text()
				}
				rf.Limiters = append(rf.Limiters, lf)
			}
			if fn.Kind() == "call" {
				if m := fn.Field("function"); m.Kind() == "attribute" {
					if a := m.Field("attribute").Text(); a == "limit" || a == "shared_limit" {
						for _, t := range PositionalArguments(n.Field("arguments")) {
							if d := DottedName(t); d != "" {
								rf.LimitedTargets = append(rf.LimitedTargets, d)
							}
						}
					}
				}
			}
		case "keyword_argument":
			rf.configKey(n.Field("name").Text(), false)
		case "pair":
			if k, ok := StringValue(n.Field("key")); ok {
				rf.configKey(k, false)
			}
		case "assignment":
			switch l := n.Field("left"); l.Kind() {
			case "identifier":
				rf.configKey(l.Text(), moduleScope(n) && !inClassBody(n))
			case "subscript":
				if k, ok := StringValue(l.Field("subscript")); ok {
					rf.configKey(k, false)
				}
			}
		}
		return true
	})
	return rf
}

// configKey notes a config key being set. A module-level constant named
// ALLOWED_EXTENSIONS is the allow-list of Flask's upload pattern, not a
// config setting: only UPLOAD_* names count there.
func (rf *RuleFacts) configKey(k string, moduleConstant bool) {
	if k == "" || strings.ToUpper(k) != k {
		return
	}
	switch {
	case k == "RATELIMIT_DEFAULT" || k == "RATELIMIT_DEFAULTS" || k == "RATELIMIT_APPLICATION":
		rf.RateLimitConfig = true
	case strings.HasSuffix(k, "_EXTENSIONS") || strings.HasPrefix(k, "UPLOADED_") && strings.HasSuffix(k, "_ALLOW"):
		if !moduleConstant || strings.HasPrefix(k, "UPLOAD") {
			rf.ExtensionConfig = true
		}
	}
}

func emptyCollection(v syntax.Node) bool {
	switch v.Kind() {
	case "list", "tuple", "set", "dictionary":
		return v.NamedChildCount() == 0
	case "none":
		return true
	}
	return false
}

// moduleScope reports a node outside any function or class body.
func moduleScope(n syntax.Node) bool {
	for p := n.Parent(); !p.IsNull(); p = p.Parent() {
		switch p.Kind() {
		case "function_definition", "class_definition", "lambda":
			return false
		}
	}
	return true
}

func inClassBody(n syntax.Node) bool {
	for p := n.Parent(); !p.IsNull(); p = p.Parent() {
		switch p.Kind() {
		case "function_definition", "lambda":
			return false
		case "class_definition":
			return true
		}
	}
	return false
}

var limiterClasses = map[string]bool{
	"flask_limiter.Limiter":           true,
	"flask_limiter.extension.Limiter": true,
}

func mergeRuleFacts(m *ModuleSymbols) ModuleRuleFacts {
	mf := ModuleRuleFacts{Limiters: map[string]bool{}, Strings: map[string]bool{}}
	qualify := func(d string) string {
		first, rest, _ := strings.Cut(d, ".")
		if q, ok := m.Imports[first]; ok {
			if rest != "" {
				q += "." + rest
			}
			return q
		}
		if m.Module == "" {
			return d
		}
		return m.Module + "." + d
	}
	notStr := map[string]bool{}
	for _, f := range m.Facts {
		rule := f.Rule
		if rule == nil {
			rule = &noRuleFacts
		}
		for _, lf := range rule.Limiters {
			_, imported := m.Imports[strings.SplitN(lf.Callee, ".", 2)[0]]
			if !limiterClasses[qualify(lf.Callee)] && (imported || lf.Callee != "Limiter") {
				continue
			}
			mf.HasLimiter = true
			mf.DefaultLimits = mf.DefaultLimits || lf.DefaultLimits
			if lf.Bound != "" {
				mf.Limiters[lf.Bound] = true
			}
		}
		mf.DefaultLimits = mf.DefaultLimits || rule.RateLimitConfig
		mf.ExtensionConfig = mf.ExtensionConfig || rule.ExtensionConfig
		for _, t := range rule.LimitedTargets {
			mf.LimitedTargets = append(mf.LimitedTargets, qualify(t))
		}
		for _, b := range f.Binds {
			if b.Value.Str {
				mf.Strings[b.Name] = true
			} else {
				notStr[b.Name] = true
			}
		}
		for _, fn := range f.Funcs {
			notStr[fn.Name] = true
		}
		for _, c := range f.Classes {
			notStr[c.Name] = true
		}
		for _, imp := range f.Imports {
			notStr[imp.Local] = true
		}
	}
	for name := range notStr {
		delete(mf.Strings, name)
	}
	return mf
}

// projectRules is implemented by resolvers that see the whole project
// (Project): the rule facts merged over all its files.
type projectRules interface{ projectRuleFacts() *projectRuleFacts }

// projectRuleFacts are the project-wide parts of RuleContext, merged once
// per project generation rather than once per analysed file.
type projectRuleFacts struct {
	DefaultLimits, ExtensionConfig bool
	LimitedTargets                 []string
	hash                           uint64 // of the above, for staleness checks
}

func mergeProjectRuleFacts(files []*ProjectFile) *projectRuleFacts {
	agg := &projectRuleFacts{}
	seen := map[string]bool{}
	for _, f := range files {
		if s := f.Symbols; s != nil {
			agg.DefaultLimits = agg.DefaultLimits || s.Rule.DefaultLimits
			agg.ExtensionConfig = agg.ExtensionConfig || s.Rule.ExtensionConfig
			for _, t := range s.Rule.LimitedTargets {
				if !seen[t] {
					seen[t] = true
					agg.LimitedTargets = append(agg.LimitedTargets, t)
				}
			}
		}
	}
	sort.Strings(agg.LimitedTargets)
	h := fnv.New64a()
	fmt.Fprintf(h, "%t %t", agg.DefaultLimits, agg.ExtensionConfig)
	for _, t := range agg.LimitedTargets {
		h.Write([]byte{0})
		h.Write([]byte(t))
	}
	agg.hash = h.Sum64()
	return agg
}

// buildRuleContext merges m's rule facts with those of the modules it
// imports from (looked up through res) and, when project is not nil, the
// project's.
func buildRuleContext(m *ModuleSymbols, res Resolver, project *projectRuleFacts) RuleContext {
	rc := RuleContext{
		Limiters: map[string]bool{}, HasLimiter: m.Rule.HasLimiter, DefaultLimits: m.Rule.DefaultLimits,
		LimitedTargets: map[string]bool{}, ExtensionConfig: m.Rule.ExtensionConfig, Strings: map[string]bool{},
	}
	for name := range m.Rule.Limiters {
		rc.Limiters[name] = true
	}
	for name := range m.Rule.Strings {
		rc.Strings[name] = true
	}
	for _, t := range m.Rule.LimitedTargets {
		rc.LimitedTargets[t] = true
	}
	for local, q := range m.Imports {
		var ms *ModuleSymbols
		mod, name, _ := cutLast(q)
		if res != nil && mod != "" {
			ms = res.ModuleSymbols(mod)
		}
		switch {
		case ms != nil:
			if ms.Rule.Limiters[name] {
				rc.Limiters[local] = true
				rc.DefaultLimits = rc.DefaultLimits || ms.Rule.DefaultLimits
			}
			if ms.Rule.Strings[name] {
				rc.Strings[local] = true
			}
		case strings.Contains(strings.ToLower(local), "limiter") && !strings.HasPrefix(q, "flask_limiter"):
			// "from .extensions import limiter" from a module we cannot see.
			rc.Limiters[local] = true
		}
	}
	if project != nil {
		// The project's facts include m's own, already merged above.
		rc.DefaultLimits = rc.DefaultLimits || project.DefaultLimits
		rc.ExtensionConfig = rc.ExtensionConfig || project.ExtensionConfig
		for _, t := range project.LimitedTargets {
			rc.LimitedTargets[t] = true
		}
	}
	return rc
}

func cutLast(q string) (before, after string, ok bool) {
	if i := strings.LastIndexByte(q, '.'); i >= 0 {
		return q[:i], q[i+1:], true
	}
	return "", q, false
}

// keys renders the facts for the Context fingerprint.
func (rc RuleContext) keys() []string {
	var out []string
	add := func(prefix string, set map[string]bool) {
		for k, v := range set {
			if v {
				out = append(out, prefix+k)
			}
		}
	}
	add("rL", rc.Limiters)
	add("rT", rc.LimitedTargets)
	add("rS", rc.Strings)
	for flag, on := range map[string]bool{"rH": rc.HasLimiter, "rD": rc.DefaultLimits, "rE": rc.ExtensionConfig} {
		if on {
			out = append(out, flag)
		}
	}
	sort.Strings(out)
	return out
}
