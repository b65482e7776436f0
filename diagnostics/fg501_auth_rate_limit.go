package diagnostics

import (
	"strings"
	"unicode"

	"github.com/flaskguard/flaskguard/diagnostics/syntax"
)

// FG501AuthViewNotRateLimited finds a view that accepts POST and
// authenticates — its URL rule or function name is about authentication,
// or its body checks a password or logs a user in — with no rate limit
// applying to it. A limit applies through @limiter.limit / shared_limit on
// the view, a limit on its blueprint (limiter.limit(...)(bp), anywhere in
// the project), a Limiter with default_limits (or a RATELIMIT_DEFAULT
// config) anywhere in the project, or a decorator of the project's own
// whose name says it limits. @limiter.exempt cancels all of these.
// Anchored on the route decorator.
//
// Views registered with X.add_url_rule(rule, endpoint, view_func,
// methods=...) — a function, or C.as_view(...) of a View / MethodView
// class — are judged by the project check of fg501_url_rules.go: the same
// criteria, with the endpoint and as_view name counting as names, a class
// accepting POST through its methods attribute or a post method, and its
// decorators attribute counting as its decorators. Anchored on the
// add_url_rule call, or on the view's name when it is defined in another
// file. Views registered only in ways the model cannot follow (a view
// function imported from a library, add_url_rule on an unknown object) are
// not judged.
var FG501AuthViewNotRateLimited = &Rule{
	Code:     "FG501",
	Name:     "auth-view-not-rate-limited",
	Severity: SeverityWarning,
	Summary:  "An authentication view accepts POST without a rate limit, so its passwords or codes can be guessed by brute force.",
	Fixable:  true,
	CheckStatement: func(p *StatementPass) {
		p.Stmt.Walk(func(n syntax.Node) bool {
			if n.Kind() == "decorated_definition" && n.Field("definition").Kind() == "function_definition" {
				checkAuthView(p, n)
			}
			return true
		})
	},
	CheckProject: checkURLRuleViews,
}

const fg501Message = "This authentication view accepts POST without a rate limit, so an attacker can try passwords or codes as fast as the server answers (brute force, credential stuffing)"

func checkAuthView(p *StatementPass, def syntax.Node) {
	fn := def.Field("definition")
	var decorators []syntax.Node
	for _, c := range def.NamedChildren() {
		if c.Kind() == "decorator" {
			decorators = append(decorators, c)
		}
	}
	var route, lastRoute syntax.Node // the first POST route decorator; the last route decorator
	var receiver syntax.Node
	var rule string
	limited, exempt := false, false
	for _, d := range decorators {
		e := d.NamedChild(0)
		call := e
		if e.Kind() == "call" {
			e = e.Field("function")
		}
		method := ""
		if e.Kind() == "attribute" {
			method = e.Field("attribute").Text()
		}
		switch {
		case routeMethods[method] && call.Kind() == "call":
			lastRoute = d
			if route.IsNull() && acceptsPost(method, call.Field("arguments")) {
				route, receiver = d, e.Field("object")
				if pos := PositionalArguments(call.Field("arguments")); len(pos) > 0 {
					rule, _ = StringValue(pos[0])
				}
			}
		case (method == "limit" || method == "shared_limit") && call.Kind() == "call":
			limited = true
		case method == "exempt" && isLimiterName(p, e.Field("object"), def):
			exempt = true
		case limitingDecorator(DottedName(e)) || limitingDecorator(p.Ctx.Qualify(DottedName(e))):
			limited = true
		}
	}
	if route.IsNull() || !(mentionsAuth(rule) || mentionsAuth(fn.Field("name").Text()) || authenticates(fn.Field("body"))) {
		return
	}
	if !exempt {
		rc := p.Ctx.Rule
		if limited || rc.DefaultLimits || rc.LimitedTargets[qualifyLocal(p.Ctx, DottedName(receiver))] ||
			rc.LimitedTargets[qualifyLocal(p.Ctx, fn.Field("name").Text())] {
			return
		}
	}
	var fixes []Fix
	if fix, ok := rateLimitFix(p, def, lastRoute, receiver); ok && !exempt {
		fixes = append(fixes, fix)
	}
	p.Report(route, fg501Message, fixes...)
}

// routeMethods are the decorators that register a view.
var routeMethods = map[string]bool{"route": true, "post": true, "get": true, "put": true, "patch": true, "delete": true}

// acceptsPost: @x.post(...), or @x.route(..., methods=[... "POST" ...]).
func acceptsPost(method string, args syntax.Node) bool {
	switch method {
	case "post":
		return true
	case "route":
		_, methods := KeywordArgument(args, "methods")
		switch methods.Kind() {
		case "list", "tuple", "set":
			for _, m := range methods.NamedChildren() {
				if s, ok := StringValue(m); ok && strings.EqualFold(s, "POST") {
					return true
				}
			}
		}
	}
	return false
}

// limitingDecorator: a decorator of the project's own (or a library such
// as ratelimit's @limits) whose name says it limits.
func limitingDecorator(name string) bool {
	l := strings.ToLower(name)
	return strings.Contains(l, "ratelimit") || strings.Contains(l, "rate_limit") || strings.Contains(l, "throttl")
}

// isLimiterName: X in @X.exempt is a Limiter (so @csrf.exempt is not).
func isLimiterName(p *StatementPass, x syntax.Node, at syntax.Node) bool {
	name := DottedName(x)
	if name == "" {
		return false
	}
	if p.Ctx.Rule.Limiters[name] || strings.Contains(strings.ToLower(lastPart(name)), "limiter") {
		return true
	}
	_, ok := localLimiter(p, at, name)
	return ok
}

// localLimiter finds "name = Limiter(...)" in the functions around at
// (a factory defining its views), before at; name "" accepts any name.
func localLimiter(p *StatementPass, at syntax.Node, name string) (string, bool) {
	for fn := at.Parent(); !fn.IsNull() && within(fn, p.Stmt); fn = fn.Parent() {
		if fn.Kind() != "function_definition" {
			continue
		}
		found := ""
		fn.Field("body").Walk(func(n syntax.Node) bool {
			if n.Start() >= at.Start() || found != "" {
				return false
			}
			if n.Kind() == "function_definition" || n.Kind() == "class_definition" {
				return false
			}
			if n.Kind() == "assignment" && n.Field("left").Kind() == "identifier" && n.Field("right").Kind() == "call" &&
				lastPart(DottedName(n.Field("right").Field("function"))) == "Limiter" &&
				(name == "" || n.Field("left").Text() == name) {
				found = n.Field("left").Text()
			}
			return true
		})
		if found != "" {
			return found, true
		}
	}
	return "", false
}

// qualifyLocal names a module-level name as mergeRuleFacts does.
func qualifyLocal(ctx *Context, d string) string {
	if d == "" {
		return ""
	}
	first, _, _ := strings.Cut(d, ".")
	if _, ok := ctx.Imports[first]; ok || ctx.Module == "" {
		return ctx.Qualify(d)
	}
	return ctx.Module + "." + d
}

// mentionsAuth reports a URL rule or function name about authentication.
// It matches words, not substrings, where a substring would mislead
// ("/authors" is not "auth", "/preset" is not "reset").
func mentionsAuth(s string) bool {
	words := splitWords(s)
	for i, w := range words {
		if authWords[w] || strings.HasPrefix(w, "authent") {
			return true
		}
		for _, sub := range authSubstrings {
			if strings.Contains(w, sub) {
				return true
			}
		}
		if i+1 < len(words) && authPairs[w+" "+words[i+1]] {
			return true
		}
	}
	return false
}

var authWords = map[string]bool{
	"auth": true, "authn": true, "oauth": true, "oauth2": true, "authorize": true,
	"register": true, "registration": true, "reset": true, "recover": true, "recovery": true,
	"token": true, "tokens": true, "otp": true, "totp": true, "hotp": true, "2fa": true, "mfa": true,
	"verify": true, "verification": true, "signon": true, "sso": true,
}

// authSubstrings also match inside compound words ("resetpassword", "userlogin").
var authSubstrings = []string{"login", "logon", "signin", "signup", "password", "passwd", "forgot"}

var authPairs = map[string]bool{"log in": true, "log on": true, "sign in": true, "sign up": true, "sign on": true}

// splitWords lowercases s and splits it into words at anything but
// letters and digits and at camelCase boundaries ("resetPassword").
func splitWords(s string) []string {
	var words []string
	var cur []rune
	prevLower := false
	flush := func() {
		if len(cur) > 0 {
			words = append(words, string(cur))
			cur = cur[:0]
		}
	}
	for _, r := range s {
		switch {
		case unicode.IsUpper(r):
			if prevLower {
				flush()
			}
			cur = append(cur, unicode.ToLower(r))
			prevLower = false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			cur = append(cur, r)
			prevLower = unicode.IsLower(r)
		default:
			flush()
			prevLower = false
		}
	}
	flush()
	return words
}

// authCalls check a password or log a user in (last part of the callee).
var authCalls = map[string]bool{
	"check_password_hash": true, "check_password": true, "verify_password": true, "checkpw": true,
	"login_user": true, "authenticate": true, "authenticate_user": true, "create_access_token": true,
	"create_refresh_token": true, "verify_totp": true, "verify_otp": true, "compare_digest_password": true,
}

// authenticates reports a function body (nested functions excluded) that
// checks a password or logs a user in.
func authenticates(body syntax.Node) bool {
	found := false
	body.Walk(func(n syntax.Node) bool {
		if found || n.Kind() == "function_definition" || n.Kind() == "class_definition" || n.Kind() == "lambda" {
			return false
		}
		if n.Kind() == "call" && authCall(n) {
			found = true
		}
		return !found
	})
	return found
}

// authCall reports a call that checks a password or logs a user in.
func authCall(call syntax.Node) bool {
	fn := call.Field("function")
	name := lastPart(DottedName(fn))
	if fn.Kind() == "attribute" {
		name = fn.Field("attribute").Text()
	}
	if authCalls[name] {
		return true
	}
	// pwd_context.verify(...), PasswordHasher().verify(...), totp.verify(...)
	if name == "verify" && fn.Kind() == "attribute" {
		obj := strings.ToLower(fn.Field("object").Text())
		for _, w := range []string{"pwd", "passw", "hasher", "totp", "otp", "crypt"} {
			if strings.Contains(obj, w) {
				return true
			}
		}
	}
	return false
}

// rateLimitFix adds @limiter.limit("5 per minute") under the view's last
// route decorator. With no Limiter in reach it also creates one right after
// the app: at module level through a Fix.Insert (outside the statement),
// or inside the factory that creates the app and defines the view.
func rateLimitFix(p *StatementPass, def, lastRoute, receiver syntax.Node) (Fix, bool) {
	t := p.File.Text
	name := ""
	fix := Fix{Title: "Rate-limit this view"}
	if len(p.Ctx.Rule.Limiters) > 0 {
		name = pickLimiter(p.Ctx.Rule.Limiters)
	} else if local, ok := localLimiter(p, def, ""); ok {
		name = local
	} else if p.Ctx.Rule.HasLimiter {
		return Fix{}, false // a Limiter exists but not under a name the view can use
	} else {
		name = "limiter"
		app, setup, ok := limiterSetup(p, def, receiver)
		if !ok {
			return Fix{}, false
		}
		text := "limiter = Limiter(get_remote_address, app=" + app + ")\n"
		if setup.IsNull() {
			fix.Inserts = []Insert{{After: app, Text: text}}
		} else {
			line := t.LineOf(setup.Start())
			at := t.LineStart(t.LineOf(setup.End()) + 1)
			fix.Edits = append(fix.Edits, TextEdit{Start: at, End: at, NewText: t.Indent(line) + strings.ReplaceAll(text, "\n", t.LineEnding())})
		}
		fix.Imports = []Import{{Module: "flask_limiter", Name: "Limiter"}, {Module: "flask_limiter.util", Name: "get_remote_address"}}
	}
	line := t.LineOf(lastRoute.Start())
	at := t.LineStart(t.LineOf(lastRoute.End()) + 1)
	fix.Edits = append(fix.Edits, TextEdit{Start: at, End: at,
		NewText: t.Indent(line) + "@" + name + limitDecorator + t.LineEnding()})
	return fix, true
}

// limiterSetup decides where "limiter = Limiter(get_remote_address,
// app=APP)" goes: after the statement creating the app in the function
// around the view (setup is that statement), or after the module-level
// statement binding the app (setup is null: a Fix.Insert). A blueprint's
// view uses the file's only module-level app.
func limiterSetup(p *StatementPass, def, receiver syntax.Node) (app string, setup syntax.Node, ok bool) {
	if receiver.Kind() == "identifier" {
		if v, local := localBinding(receiver); local {
			if v.IsNull() || !p.IsApp(receiver) {
				return "", syntax.Node{}, false
			}
			stmt := v.Parent().Parent() // right → assignment → expression_statement
			if v.Parent().Kind() != "assignment" || stmt.Kind() != "expression_statement" || stmt.Parent().Kind() != "block" {
				return "", syntax.Node{}, false
			}
			// The setup must run before the view is defined, in the same block.
			if !within(def, stmt.Parent()) {
				return "", syntax.Node{}, false
			}
			return receiver.Text(), stmt, true
		}
		if p.Ctx.KindOf(receiver.Text()) == KindApp {
			return receiver.Text(), syntax.Node{}, true
		}
	}
	if p.IsApp(receiver) {
		return "", syntax.Node{}, false // an app reached otherwise (an attribute): no place known
	}
	var apps []string
	for name, k := range p.Ctx.Kinds {
		if k == KindApp && !strings.Contains(name, ".") {
			apps = append(apps, name)
		}
	}
	if len(apps) != 1 {
		return "", syntax.Node{}, false
	}
	return apps[0], syntax.Node{}, true
}
