package diagnostics

import (
	"strings"

	"github.com/flaskguard/flaskguard/diagnostics/syntax"
)

// Local data flow inside one function, enough for the template and upload
// rules to ask three questions about an expression:
//
//   - StaticText: is it a literal (or built only from literals)? FG301 and
//     FG302 fire on text that is not;
//   - IsUpload / FilenameSources: is it a file from request.files, and does
//     a path use an upload's .filename without secure_filename? (FG601);
//   - ChecksExtension: does a function check a file name's extension? (FG603).
//
// Names are followed to their bindings in the enclosing function
// (assignments, augmented assignments, walrus, unpacking, for loops,
// comprehensions, parameters), then to the file's module-level string
// constants through the Context. The analysis is flow-insensitive except for
// one cheap rule that matters in practice: a binding in a block that
// encloses the use (it runs before the use on every path) hides the earlier
// ones, so `name = escape(name)` cleans `name`; a binding in a nested block
// (if, try, loop body) adds to them. Nothing crosses function boundaries but
// closures: a name a nested function does not bind is looked up in the
// enclosing one.

type flowBindKind int

const (
	bindAssign  flowBindKind = iota // name = value, name := value
	bindAugment                     // name op= value: combines with the earlier bindings
	bindUnpack                      // a, b = value: element Index of Count
	bindLoop                        // for name in value (Index/Count when the target is a tuple)
	bindParam                       // a parameter; Value is its annotation (may be null)
	bindOther                       // with/except/import/def/class/global...: unknown
)

// binding is one way a name gets its value.
type flowBinding struct {
	Kind  flowBindKind
	Value syntax.Node // the assigned expression, the loop's iterable, or the annotation
	Index int         // element of a tuple target; -1 when the target is the name itself
	Count int         // elements in the tuple target
}

// reachingBindings returns the bindings of identifier id's name that may
// give it its value at id. local is false when the name is not bound in an
// enclosing function (module level, builtins, globals): the Context decides.
func reachingBindings(id syntax.Node) (bs []flowBinding, local bool) {
	name := id.Text()
	for scope := id.Parent(); !scope.IsNull(); scope = scope.Parent() {
		switch scope.Kind() {
		case "list_comprehension", "set_comprehension", "dictionary_comprehension", "generator_expression":
			for _, c := range scope.NamedChildren() {
				if c.Kind() != "for_in_clause" || within(id, c.Field("right")) {
					continue
				}
				if idx, count, ok := targetIndex(c.Field("left"), name); ok {
					return []flowBinding{{Kind: bindLoop, Value: c.Field("right"), Index: idx, Count: count}}, true
				}
			}
		case "class_definition", "module":
			return nil, false
		case "lambda":
			for _, p := range scope.Field("parameters").NamedChildren() {
				if paramName(p) == name {
					return []flowBinding{{Kind: bindParam}}, true
				}
			}
		case "function_definition":
			if bs, bound, global := functionBindings(scope, id, name); global {
				return nil, false
			} else if bound {
				return bs, true
			}
			// Not bound here: a closure variable of an enclosing function, or global.
		}
	}
	return nil, false
}

// functionBindings collects the bindings of name in fn before use.
func functionBindings(fn, use syntax.Node, name string) (bs []flowBinding, bound, global bool) {
	for _, p := range fn.Field("parameters").NamedChildren() {
		if paramName(p) == name {
			bs, bound = []flowBinding{{Kind: bindParam, Value: p.Field("type")}}, true
		}
	}
	body := fn.Field("body")
	add := func(site syntax.Node, b flowBinding) {
		bound = true
		// A binding whose block encloses the use runs before it on every
		// path: it replaces what came before. Augmented ones combine.
		if b.Kind != bindAugment && within(use, enclosingBlock(site, body)) {
			bs = bs[:0]
		}
		bs = append(bs, b)
	}
	body.Walk(func(n syntax.Node) bool {
		if n.Start() >= use.Start() {
			return false
		}
		switch n.Kind() {
		case "function_definition", "class_definition":
			if n.Field("name").Text() == name {
				add(n, flowBinding{Kind: bindOther, Index: -1})
			}
			return false
		case "lambda", "list_comprehension", "set_comprehension", "dictionary_comprehension", "generator_expression":
			return false // their own scopes
		case "global_statement", "nonlocal_statement":
			for _, g := range n.NamedChildren() {
				if g.Text() == name {
					global = n.Kind() == "global_statement"
					if !global {
						bound = false // nonlocal: the enclosing function's binding
						bs = nil
					}
				}
			}
		case "assignment":
			if within(use, n) {
				return true // "x = f(x)": the x on the right is the earlier x
			}
			left, right := n.Field("left"), n.Field("right")
			for right.Kind() == "assignment" { // a = b = value
				right = right.Field("right")
			}
			if right.IsNull() {
				return true // "x: int" binds nothing
			}
			if left.Kind() == "identifier" {
				if left.Text() == name {
					add(n, flowBinding{Kind: bindAssign, Value: right, Index: -1})
				}
			} else if idx, count, ok := targetIndex(left, name); ok {
				add(n, flowBinding{Kind: bindUnpack, Value: right, Index: idx, Count: count})
			}
		case "augmented_assignment":
			if !within(use, n) && n.Field("left").Kind() == "identifier" && n.Field("left").Text() == name {
				add(n, flowBinding{Kind: bindAugment, Value: n.Field("right"), Index: -1})
			}
		case "named_expression":
			if !within(use, n) && n.Field("name").Text() == name {
				add(n, flowBinding{Kind: bindAssign, Value: n.Field("value"), Index: -1})
			}
		case "for_statement":
			if within(use, n.Field("right")) {
				return true
			}
			if idx, count, ok := targetIndex(n.Field("left"), name); ok {
				add(n, flowBinding{Kind: bindLoop, Value: n.Field("right"), Index: idx, Count: count})
			}
		case "as_pattern_target", "import_statement", "import_from_statement":
			if containsName(n, name) && !within(use, n) {
				add(n, flowBinding{Kind: bindOther, Index: -1})
			}
		}
		return true
	})
	if global {
		return nil, false, true
	}
	return bs, bound, false
}

// targetIndex finds name in an assignment or loop target: the target itself
// (-1) or an element of a flat tuple; ok is false when name is not bound.
func targetIndex(target syntax.Node, name string) (idx, count int, ok bool) {
	switch target.Kind() {
	case "identifier":
		return -1, 0, target.Text() == name
	case "pattern_list", "tuple_pattern", "list_pattern", "tuple", "list":
		kids := target.NamedChildren()
		for i, k := range kids {
			if k.Kind() == "identifier" && k.Text() == name {
				return i, len(kids), true
			}
		}
		if containsName(target, name) {
			return -2, len(kids), true // nested or starred: element unknown
		}
	}
	return 0, 0, false
}

func paramName(p syntax.Node) string {
	switch p.Kind() {
	case "identifier":
		return p.Text()
	case "default_parameter", "typed_default_parameter":
		return p.Field("name").Text()
	case "typed_parameter", "list_splat_pattern", "dictionary_splat_pattern":
		for _, c := range p.NamedChildren() {
			if c.Kind() == "identifier" {
				return c.Text()
			}
			if c.Kind() == "list_splat_pattern" || c.Kind() == "dictionary_splat_pattern" {
				return paramName(c)
			}
		}
	}
	return ""
}

// enclosingBlock is the block a binding site runs in (a loop's target: the
// block around the loop).
func enclosingBlock(site, fallback syntax.Node) syntax.Node {
	for p := site.Parent(); !p.IsNull(); p = p.Parent() {
		if p.Kind() == "block" {
			return p
		}
		if p.Kind() == "function_definition" {
			break
		}
	}
	return fallback
}

// within reports n inside outer (or equal to it).
func within(n, outer syntax.Node) bool {
	return !outer.IsNull() && outer.Start() <= n.Start() && n.End() <= outer.End()
}

// maxFlowDepth bounds the recursion (nested expressions and chains of
// names); past it an expression counts as not static and not tainted.
const maxFlowDepth = 256

// flow walks expressions for one query. Each name use is resolved once
// (memo): a name rebound in many branches refers to all its earlier
// bindings, whose values refer to the earlier ones again, which without
// the memo is exponential. Bindings come before their use, so resolution
// always moves backwards in the text and ends.
type flow struct {
	ctx   *Context
	depth int
	// escapes: escaping calls (escape, Markup, render_template, bleach.clean)
	// make text safe. True for markup (FG301), false for template source
	// (FG302): an escaped "{{ 7*7 }}" is still a template.
	escapes bool
	memo    map[memoKey]bool
	srcMemo map[int][]syntax.Node
}

type memoKey struct {
	query byte // 's' static, 'u' upload, 'l' upload list, 'f' uses filename
	at    int  // the identifier's start
}

// remember returns the memoised answer of query about identifier id, or
// computes it (false while in progress).
func (fl *flow) remember(query byte, id syntax.Node, compute func() bool) bool {
	k := memoKey{query, id.Start()}
	if v, ok := fl.memo[k]; ok {
		return v
	}
	if fl.memo == nil {
		fl.memo = map[memoKey]bool{}
	}
	fl.memo[k] = false
	v := compute()
	fl.memo[k] = v
	return v
}

func (fl *flow) enter() bool {
	fl.depth++
	return fl.depth <= maxFlowDepth
}

func (fl *flow) leave() { fl.depth-- }

// StaticText reports whether e is a string literal or text built only from
// literals, numbers and (when escapes is true) escaped values: a plain or
// implicitly concatenated string, an f-string, "+", "%" or .format() whose
// parts are all static, a name whose every reaching binding is static, or a
// module-level string constant of the file or of a project module it imports.
func StaticText(ctx *Context, e syntax.Node, escapes bool) bool {
	fl := &flow{ctx: ctx, escapes: escapes}
	return fl.static(e)
}

// textPassThrough are str methods whose result is static when the receiver
// and the arguments are.
var textPassThrough = map[string]bool{
	"format": true, "join": true, "lower": true, "upper": true, "strip": true, "lstrip": true,
	"rstrip": true, "replace": true, "casefold": true, "title": true, "capitalize": true,
	"swapcase": true, "encode": true, "decode": true, "zfill": true, "ljust": true, "rjust": true,
	"center": true, "removeprefix": true, "removesuffix": true, "translate": true, "expandtabs": true,
	"format_map": true,
}

// numberCalls return numbers or booleans, never markup.
var numberCalls = map[string]bool{
	"len": true, "int": true, "float": true, "bool": true, "round": true, "abs": true, "hash": true,
	"ord": true, "id": true, "sum": true,
}

// escapingCalls return escaped or trusted markup (last part of the callee).
var escapingCalls = map[string]bool{
	"escape": true, "Markup": true, "render_template": true, "url_for": true, "csrf_token": true,
	"generate_csrf": true, "escape_silent": true, "xhtml_escape": true, "quoteattr": true,
	"urlencode": true, "quote": true, "quote_plus": true, "clean": true, "linkify": true,
	"sanitize": true, "sanitize_html": true, "clean_html": true,
}

// translationCalls mark a literal for translation; the result is the
// translated literal.
var translationCalls = map[string]bool{
	"_": true, "gettext": true, "ngettext": true, "lazy_gettext": true, "lazy_ngettext": true,
	"pgettext": true, "npgettext": true, "_l": true, "lazy_pgettext": true,
}

func (fl *flow) static(e syntax.Node) bool {
	if !fl.enter() {
		return false
	}
	defer fl.leave()
	switch e.Kind() {
	case "string":
		for _, c := range e.NamedChildren() {
			if c.Kind() == "interpolation" && !fl.static(c.Field("expression")) {
				return false
			}
		}
		return true
	case "concatenated_string", "tuple", "list", "set", "expression_list":
		for _, c := range e.NamedChildren() {
			if c.Kind() != "comment" && !fl.static(c) {
				return false
			}
		}
		return true
	case "dictionary":
		for _, c := range e.NamedChildren() {
			if c.Kind() != "pair" || !fl.static(c.Field("value")) {
				return false
			}
		}
		return true
	case "integer", "float", "true", "false", "none":
		return true
	case "parenthesized_expression":
		return fl.static(e.NamedChild(0))
	case "unary_operator":
		return fl.static(e.Field("argument"))
	case "binary_operator", "boolean_operator":
		if fl.escapes && e.Field("operator").Text() == "%" && fl.isMarkupCall(e.Field("left")) {
			return true // Markup("<b>%s</b>") % x escapes x
		}
		if e.Field("operator").Text() == "*" && (isPlainString(e.Field("left")) || isPlainString(e.Field("right"))) {
			return true // " " * width: a literal repeated, the other side is a count
		}
		return fl.static(e.Field("left")) && fl.static(e.Field("right"))
	case "comparison_operator", "not_operator":
		return true // a boolean
	case "conditional_expression":
		return fl.static(e.NamedChild(0)) && fl.static(e.NamedChild(2))
	case "list_comprehension", "set_comprehension", "generator_expression":
		return fl.static(e.Field("body"))
	case "call":
		return fl.staticCall(e)
	case "identifier":
		return fl.remember('s', e, func() bool {
			bs, local := reachingBindings(e)
			if !local {
				return fl.ctx != nil && fl.ctx.Rule.Strings[e.Text()]
			}
			if len(bs) == 0 {
				return false
			}
			for _, b := range bs {
				if !fl.staticBinding(b) {
					return false
				}
			}
			return true
		})
	}
	return false
}

func (fl *flow) staticBinding(b flowBinding) bool {
	switch b.Kind {
	case bindAssign, bindAugment:
		return fl.static(b.Value)
	case bindUnpack:
		if el, ok := element(b.Value, b.Index); ok {
			return fl.static(el)
		}
		return false
	case bindLoop:
		// for label in ("a", "b"): the items are literals.
		switch v := b.Value; v.Kind() {
		case "list", "tuple", "set":
			for _, item := range v.NamedChildren() {
				if el, ok := element(item, b.Index); !ok || !fl.static(el) {
					return false
				}
			}
			return true
		}
	}
	return false
}

// element is item i of a tuple or list literal (i < 0: the value itself).
func element(v syntax.Node, i int) (syntax.Node, bool) {
	if i == -1 {
		return v, true
	}
	switch v.Kind() {
	case "tuple", "list", "expression_list", "parenthesized_expression":
		kids := v.NamedChildren()
		if i >= 0 && i < len(kids) && v.Kind() != "parenthesized_expression" {
			return kids[i], true
		}
	}
	return syntax.Node{}, false
}

func (fl *flow) staticCall(call syntax.Node) bool {
	fn, args := call.Field("function"), call.Field("arguments")
	argsStatic := func() bool {
		if args.Kind() == "generator_expression" { // "".join(x for x in xs)
			return fl.static(args)
		}
		for _, a := range args.NamedChildren() {
			switch a.Kind() {
			case "comment":
			case "keyword_argument":
				if !fl.static(a.Field("value")) {
					return false
				}
			default:
				if !fl.static(a) {
					return false
				}
			}
		}
		return true
	}
	name := lastPart(DottedName(fn))
	if fn.Kind() == "attribute" {
		name = fn.Field("attribute").Text()
		if fl.escapes && (name == "format" || name == "join" || name == "format_map") && fl.isMarkupCall(fn.Field("object")) {
			return true // Markup("<b>{}</b>").format(x) escapes x
		}
		if textPassThrough[name] && fl.static(fn.Field("object")) {
			return argsStatic()
		}
	}
	switch {
	case numberCalls[name] && fn.Kind() == "identifier":
		return true
	case name == "str" && fn.Kind() == "identifier":
		return argsStatic()
	case translationCalls[name]:
		return argsStatic()
	case fl.escapes && escapingCalls[name]:
		return true
	}
	return false
}

func isPlainString(n syntax.Node) bool {
	_, ok := StringValue(n)
	return ok
}

// isMarkupCall reports Markup(...) (any import form): its methods and
// operators escape their arguments.
func (fl *flow) isMarkupCall(e syntax.Node) bool {
	for e.Kind() == "parenthesized_expression" {
		e = e.NamedChild(0)
	}
	if e.Kind() != "call" {
		return false
	}
	q := DottedName(e.Field("function"))
	if fl.ctx != nil {
		q = fl.ctx.Qualify(q)
	}
	return markupClasses[q]
}

// markupClasses are the qualified names of markupsafe's Markup.
var markupClasses = map[string]bool{
	"markupsafe.Markup": true, "flask.Markup": true, "jinja2.Markup": true, "jinja2.utils.Markup": true,
	"flask.helpers.Markup": true, "jinja2.runtime.Markup": true,
}

// IsUpload reports whether e is a file uploaded with the request:
// request.files["f"], request.files.get("f"), request.files.getlist("f")[i],
// the variable of a loop over request.files.getlist(...) / .values() /
// .items(), a name bound to any of these, or a parameter annotated
// FileStorage.
func IsUpload(ctx *Context, e syntax.Node) bool {
	fl := &flow{ctx: ctx}
	return fl.upload(e)
}

func (fl *flow) upload(e syntax.Node) bool {
	if !fl.enter() {
		return false
	}
	defer fl.leave()
	switch e.Kind() {
	case "subscript":
		v := e.Field("value")
		return fl.filesDict(v) || fl.uploadList(v)
	case "call":
		fn := e.Field("function")
		return fn.Kind() == "attribute" && fn.Field("attribute").Text() == "get" && fl.filesDict(fn.Field("object"))
	case "parenthesized_expression":
		return fl.upload(e.NamedChild(0))
	case "boolean_operator":
		return fl.upload(e.Field("left")) || fl.upload(e.Field("right"))
	case "conditional_expression":
		return fl.upload(e.NamedChild(0)) || fl.upload(e.NamedChild(2))
	case "identifier":
		return fl.remember('u', e, func() bool {
			bs, _ := reachingBindings(e)
			for _, b := range bs {
				switch b.Kind {
				case bindAssign:
					if fl.upload(b.Value) {
						return true
					}
				case bindLoop:
					if fl.uploadList(b.Value) && b.Index == -1 || fl.uploadItems(b.Value) && b.Index == 1 && b.Count == 2 {
						return true
					}
				case bindParam:
					if t := b.Value.Text(); strings.HasSuffix(t, "FileStorage") || strings.HasSuffix(t, "FileStorage]") {
						return true
					}
				}
			}
			return false
		})
	}
	return false
}

// filesDict reports request.files (flask's request, or any name request).
func (fl *flow) filesDict(e syntax.Node) bool {
	if e.Kind() != "attribute" || e.Field("attribute").Text() != "files" {
		return false
	}
	obj := DottedName(e.Field("object"))
	if obj == "" {
		return false
	}
	q := obj
	if fl.ctx != nil {
		q = fl.ctx.Qualify(obj)
	}
	return q == "request" || strings.HasSuffix(q, ".request")
}

// uploadList reports a collection of uploads: request.files.getlist(...),
// request.files.values(), request.files itself iterated by value? no: by key.
func (fl *flow) uploadList(e syntax.Node) bool {
	switch e.Kind() {
	case "call":
		fn := e.Field("function")
		if fn.Kind() != "attribute" || !fl.filesDict(fn.Field("object")) {
			return false
		}
		switch fn.Field("attribute").Text() {
		case "getlist", "values", "listvalues":
			return true
		}
	case "identifier":
		return fl.remember('l', e, func() bool {
			bs, _ := reachingBindings(e)
			for _, b := range bs {
				if b.Kind == bindAssign && fl.enter() {
					ok := fl.uploadList(b.Value)
					fl.leave()
					if ok {
						return true
					}
				}
			}
			return false
		})
	case "parenthesized_expression":
		return fl.uploadList(e.NamedChild(0))
	}
	return false
}

// uploadItems reports request.files.items() (pairs of name and upload).
func (fl *flow) uploadItems(e syntax.Node) bool {
	fn := e.Field("function")
	return e.Kind() == "call" && fn.Kind() == "attribute" && fn.Field("attribute").Text() == "items" && fl.filesDict(fn.Field("object"))
}

// FilenameSources returns the `upload.filename` expressions whose value
// reaches e without going through secure_filename: through names, string
// building (f-strings, "+", "%", .format(), str methods), os.path.join and
// pathlib. Other calls are taken to transform the name (a helper that makes
// a unique name), and os.path.basename, safe_join and an extension split off
// the name (splitext(...)[1], .rsplit(".", 1)[-1], Path(...).suffix) cannot
// climb out of the upload folder, so they stop the flow too. Empty: e does
// not use an upload's file name unsanitised.
func FilenameSources(ctx *Context, e syntax.Node) []syntax.Node {
	fl := &flow{ctx: ctx}
	var out []syntax.Node
	fl.sources(e, func(n syntax.Node) {
		for _, o := range out {
			if o.Equal(n) {
				return
			}
		}
		out = append(out, n)
	})
	return out
}

// pathPassThrough are calls whose result contains their arguments' text.
var pathPassThrough = map[string]bool{
	"join": true, "normpath": true, "abspath": true, "realpath": true, "expanduser": true,
	"str": true, "Path": true, "PurePath": true, "PosixPath": true, "PurePosixPath": true,
	"joinpath": true, "with_name": true, "resolve": true, "absolute": true, "as_posix": true,
	"fspath": true,
}

func (fl *flow) sources(e syntax.Node, emit func(syntax.Node)) {
	if e.IsNull() || !fl.enter() {
		return
	}
	defer fl.leave()
	switch e.Kind() {
	case "attribute":
		if e.Field("attribute").Text() == "filename" && fl.upload(e.Field("object")) {
			emit(e)
		}
	case "identifier":
		k := e.Start()
		got, done := fl.srcMemo[k]
		if !done {
			if fl.srcMemo == nil {
				fl.srcMemo = map[int][]syntax.Node{}
			}
			fl.srcMemo[k] = nil // in progress
			collect := func(n syntax.Node) {
				for _, g := range got {
					if g.Start() == n.Start() && g.End() == n.End() {
						return // the same source reached along another path
					}
				}
				got = append(got, n)
			}
			bs, _ := reachingBindings(e)
			for _, b := range bs {
				switch b.Kind {
				case bindAssign, bindAugment:
					fl.sources(b.Value, collect)
				case bindUnpack:
					fl.unpackSources(b, collect)
				}
			}
			fl.srcMemo[k] = got
		}
		for _, n := range got {
			emit(n)
		}
	case "string":
		for _, c := range e.NamedChildren() {
			if c.Kind() == "interpolation" {
				fl.sources(c.Field("expression"), emit)
			}
		}
	case "concatenated_string", "tuple", "list", "expression_list":
		for _, c := range e.NamedChildren() {
			fl.sources(c, emit)
		}
	case "dictionary":
		for _, c := range e.NamedChildren() {
			fl.sources(c.Field("value"), emit)
		}
	case "parenthesized_expression":
		fl.sources(e.NamedChild(0), emit)
	case "binary_operator", "boolean_operator":
		fl.sources(e.Field("left"), emit)
		fl.sources(e.Field("right"), emit)
	case "conditional_expression":
		fl.sources(e.NamedChild(0), emit)
		fl.sources(e.NamedChild(2), emit)
	case "subscript":
		v := e.Field("value")
		if isExtensionPart(v, e.Field("subscript")) {
			return
		}
		if v.Kind() == "call" {
			// splitext(name)[0], name.rsplit(".", 1)[0]: still the name.
			fn := v.Field("function")
			switch {
			case lastPart(DottedName(fn)) == "splitext":
				if pos := PositionalArguments(v.Field("arguments")); len(pos) > 0 {
					fl.sources(pos[0], emit)
				}
				return
			case fn.Kind() == "attribute" && splitMethods[fn.Field("attribute").Text()]:
				fl.sources(fn.Field("object"), emit)
				return
			}
		}
		fl.sources(v, emit)
	case "call":
		fn := e.Field("function")
		name := lastPart(DottedName(fn))
		if fn.Kind() == "attribute" {
			name = fn.Field("attribute").Text()
		}
		if !(textPassThrough[name] || pathPassThrough[name]) {
			return // secure_filename, basename, safe_join, a helper: not the raw name
		}
		if fn.Kind() == "attribute" {
			fl.sources(fn.Field("object"), emit)
		}
		args := e.Field("arguments")
		if args.Kind() == "generator_expression" {
			fl.sources(args.Field("body"), emit)
			return
		}
		for _, a := range args.NamedChildren() {
			if a.Kind() == "keyword_argument" {
				a = a.Field("value")
			}
			fl.sources(a, emit)
		}
	}
}

var splitMethods = map[string]bool{"split": true, "rsplit": true, "partition": true, "rpartition": true}

// unpackSources follows "stem, ext = os.path.splitext(name)" and
// "base, ext = name.rsplit('.', 1)": the extension carries no path.
func (fl *flow) unpackSources(b flowBinding, emit func(syntax.Node)) {
	v := b.Value
	if el, ok := element(v, b.Index); ok && b.Index >= 0 {
		fl.sources(el, emit)
		return
	}
	if v.Kind() == "call" {
		fn := v.Field("function")
		name := lastPart(DottedName(fn))
		if fn.Kind() == "attribute" {
			name = fn.Field("attribute").Text()
		}
		last := b.Index >= 0 && b.Index == b.Count-1
		switch name {
		case "splitext":
			if last {
				return
			}
			if pos := PositionalArguments(v.Field("arguments")); len(pos) > 0 {
				fl.sources(pos[0], emit)
			}
			return
		case "split", "rsplit", "rpartition", "partition":
			if dotSplit(v) && (last || name == "split" && !hasMaxSplit(v)) {
				return
			}
			fl.sources(fn.Field("object"), emit)
			return
		}
	}
	fl.sources(v, emit)
}

// isExtensionPart reports value[index] taking a file name's extension:
// os.path.splitext(x)[1] / [-1], x.rsplit(".", 1)[-1], x.split(".")[i].
func isExtensionPart(value, index syntax.Node) bool {
	if value.Kind() != "call" {
		return false
	}
	idx := index.Text()
	fn := value.Field("function")
	name := lastPart(DottedName(fn))
	if fn.Kind() == "attribute" {
		name = fn.Field("attribute").Text()
	}
	switch name {
	case "splitext":
		return idx == "1" || idx == "-1"
	case "rsplit", "split", "rpartition":
		if !dotSplit(value) {
			return false
		}
		return idx == "-1" || name == "split" && !hasMaxSplit(value) || name == "rpartition" && idx == "2" ||
			name == "rsplit" && idx == "1" && maxSplitOne(value)
	}
	return false
}

func dotSplit(call syntax.Node) bool {
	pos := PositionalArguments(call.Field("arguments"))
	if len(pos) == 0 {
		_, v := KeywordArgument(call.Field("arguments"), "sep")
		s, ok := StringValue(v)
		return ok && s == "."
	}
	s, ok := StringValue(pos[0])
	return ok && s == "."
}

func hasMaxSplit(call syntax.Node) bool {
	kw, _ := KeywordArgument(call.Field("arguments"), "maxsplit")
	return len(PositionalArguments(call.Field("arguments"))) > 1 || !kw.IsNull()
}

func maxSplitOne(call syntax.Node) bool {
	pos := PositionalArguments(call.Field("arguments"))
	if len(pos) > 1 {
		return pos[1].Text() == "1"
	}
	_, v := KeywordArgument(call.Field("arguments"), "maxsplit")
	return v.Text() == "1"
}

// ChecksExtension reports whether scope (a function) looks at a file
// name's extension or the file's type: os.path.splitext, .rsplit(".") /
// .split("."), .endswith, pathlib's .suffix, a comparison "in" an
// allow-list named like ALLOWED_EXTENSIONS / config["UPLOAD_EXTENSIONS"],
// content sniffing (imghdr, filetype, python-magic, mimetypes), or a call
// of a helper whose name says it checks (allowed_file, is_allowed,
// validate_upload, validate_on_submit with FileAllowed...).
func ChecksExtension(scope syntax.Node) bool {
	found := false
	scope.Walk(func(n syntax.Node) bool {
		if found {
			return false
		}
		switch n.Kind() {
		case "call":
			fn := n.Field("function")
			dotted := DottedName(fn)
			name := lastPart(dotted)
			if fn.Kind() == "attribute" {
				name = fn.Field("attribute").Text()
			}
			lower := strings.ToLower(name)
			switch {
			case name == "splitext" || name == "endswith" || name == "guess_type" || name == "guess_extension":
				found = true
			case (name == "rsplit" || name == "split" || name == "rpartition" || name == "partition") && dotSplit(n):
				found = true
			case strings.HasPrefix(dotted, "imghdr.") || strings.HasPrefix(dotted, "filetype.") || strings.HasPrefix(dotted, "magic.") || strings.HasPrefix(dotted, "puremagic."):
				found = true
			case strings.Contains(lower, "allowed") || strings.Contains(lower, "valid") || strings.Contains(lower, "extension") ||
				strings.Contains(lower, "is_image") || strings.Contains(lower, "file_type") || strings.Contains(lower, "filetype") ||
				strings.HasPrefix(lower, "check_file") || strings.HasPrefix(lower, "check_ext") || strings.HasPrefix(lower, "allow"):
				found = true
			}
		case "attribute":
			if a := n.Field("attribute").Text(); a == "suffix" || a == "suffixes" {
				found = true
			}
		case "identifier":
			if strings.Contains(strings.ToUpper(n.Text()), "EXTENSION") {
				found = true
			}
		case "string_content":
			if t := n.Text(); strings.ToUpper(t) == t && strings.Contains(t, "EXTENSION") {
				found = true
			}
		case "comparison_operator":
			for _, op := range n.Children() {
				if op.Kind() == "in" || op.Kind() == "not in" {
					right := n.NamedChildren()
					r := strings.ToUpper(right[len(right)-1].Text())
					if strings.Contains(r, "EXT") || strings.Contains(r, "ALLOWED") {
						found = true
					}
				}
			}
		}
		return true
	})
	return found
}

// UsesFilename reports whether e derives from an upload's .filename in
// any way, sanitised or not (secure_filename keeps the extension): through
// names bound in the function and into every call's arguments. A path
// that never looks at the file name ("uuid4().hex + '.png'") does not.
func UsesFilename(ctx *Context, e syntax.Node) bool {
	fl := &flow{ctx: ctx}
	return fl.usesFilename(e)
}

func (fl *flow) usesFilename(e syntax.Node) bool {
	if e.IsNull() || !fl.enter() {
		return false
	}
	defer fl.leave()
	found := false
	e.Walk(func(n syntax.Node) bool {
		if found {
			return false
		}
		switch n.Kind() {
		case "attribute":
			if n.Field("attribute").Text() == "filename" && fl.upload(n.Field("object")) {
				found = true
			}
		case "identifier":
			found = fl.remember('f', n, func() bool {
				bs, _ := reachingBindings(n)
				for _, b := range bs {
					if b.Kind <= bindLoop && fl.usesFilename(b.Value) {
						return true
					}
				}
				return false
			})
		}
		return !found
	})
	return found
}
