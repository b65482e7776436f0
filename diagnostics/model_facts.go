package diagnostics

import (
	"bytes"
	"sort"
	"strings"

	"github.com/flaskguard/flaskguard/diagnostics/syntax"
)

// This file extracts, from one top-level statement, what the project model
// (model.go) is built from: scopes (functions, classes) with their
// decorators, parameters and body summaries, the calls the model cares
// about (Flask(...), Blueprint(...), extensions, config loading,
// register_blueprint, init_app, ...), config writes and name bindings.
//
// Facts hold no syntax nodes. Their offsets are relative to the start of
// the statement, so facts are cached by the statement's text (see
// Engine.Symbols) and stay valid when the statement moves: the absolute
// offset is ModuleSymbols.Starts[i] + the relative one. Names are as
// written; resolution through imports happens when the model is built.

// ModelFacts is what one top-level statement contributes to the model.
type ModelFacts struct {
	Scopes []ScopeFact // functions and classes, nested ones included, in source order
	Calls  []CallFact
	Binds  []LocalBind // name = value in any scope (module level included)
	Consts []EntryFact // module-level UPPER_CASE = value (for from_object(module) and pyfiles)
	// Rare is nil unless the statement has config writes by assignment or
	// star imports (most have none: the facts of every statement are kept).
	Rare *RareModelFacts
	// Literal strings anywhere in the statement (docstrings excluded)
	// naming a security header; see FG701.
	FrameOptions, ContentTypeOptions bool
	// Module-level code (outside any function) reads request.files.
	ReadsFiles bool
}

// RareModelFacts are the parts of ModelFacts few statements have.
type RareModelFacts struct {
	Sets  []SetFact // X.config["K"] = v, X.secret_key = v
	Stars []ImportFact
}

func (mf *ModelFacts) rare() *RareModelFacts {
	if mf.Rare == nil {
		mf.Rare = &RareModelFacts{}
	}
	return mf.Rare
}

// Span is a relative [Off, End) range.
type Span struct{ Off, End int }

// ScopeFact is a function or class definition. One exists per def and
// class of the project, so what only classes have is behind Cls.
type ScopeFact struct {
	Path   string // dotted path inside the module: "create_app.index", "MyApp.__init__"
	Name   string // (shares Path's bytes)
	Parent string // the enclosing scope's Path, "" at module level
	Span          // the definition, decorators included
	NameAt Span   // its name
	Decos  []DecoratorFact
	Body   []Span // the body's direct statements

	// Functions.
	Params  []ParamFact
	Returns []ValueRef
	// Validates lists X.validate_on_submit() / X.validate() calls.
	Validates []ValidateFact

	// Cls holds what only classes have; nil for functions (see cls).
	Cls *ClassScope

	Class bool
	// CSRFString: a string literal naming a csrf/xsrf token or nonce;
	// Aborts: abort(...) or raise. Together: the function checks a token.
	CSRFString, Aborts               bool
	ReadsForm, ReadsJSON, ReadsFiles bool
	// Authenticates: the function checks a password or logs a user in
	// (check_password_hash, login_user...; see FG501's authCall).
	Authenticates bool
}

// ClassScope is what a class definition has beyond ScopeFact.
type ClassScope struct {
	Bases       []string
	Entries     []EntryFact // UPPER = v in the body, self.UPPER = v in methods
	Props       []string    // @property methods with UPPER_CASE names (values unknown)
	Methods     []string    // method names
	MethodsAttr []string    // methods = ["GET", "POST"]
	LastEntry   int         // end of the last UPPER = v statement in the body, -1 when none

	// ViewDecos are the items of a View class's "decorators = [...]"
	// attribute (Name and Call as for decorators); HasViewDecos says the
	// attribute is assigned in the body, ViewDecosKind is "list" or "tuple"
	// when it is assigned a literal one (ViewDecosBox locates it), else "".
	ViewDecos     []DecoratorFact
	ViewDecosKind string
	ViewDecosBox  BoxFact

	HasViewDecos bool
	HasMethods   bool // a methods attribute is assigned (MethodsAttr nil when not literal)
	MetaCSRFOff  bool // class Meta: csrf = False (Flask-WTF)
}

// noClass is what cls returns for a function: read-only.
var noClass = ClassScope{LastEntry: -1}

// cls returns the class part of s, an empty one for a function. The
// result of a function's must not be written to.
func (s *ScopeFact) cls() *ClassScope {
	if s.Cls != nil {
		return s.Cls
	}
	return &noClass
}

// ParamFact is a function parameter and its default as written.
type ParamFact struct {
	Name    string
	Default *ArgFact // nil when there is none
}

// DecoratorFact is one decorator of a definition.
type DecoratorFact struct {
	Name string // dotted callee or name: "app.route", "csrf.exempt", "login_required"
	Call bool   // written as a call: @app.route(...)
	Args []ArgFact
	Kw   []KwFact
	Span
}

// ValidateFact is a form validation: X.validate_on_submit() or X.validate().
type ValidateFact struct {
	Recv     string // the receiver as written ("form"), or the callee of a call receiver ("LoginForm")
	RecvCall bool   // the receiver is a call: LoginForm().validate_on_submit()
	OnSubmit bool
}

// CallFact is a call the model cares about.
type CallFact struct {
	Scope string // Path of the enclosing scope, "" at module level
	Func  string // callee as written: "Flask", "app.config.update", "csrf.init_app"
	Bound string // the simple name the result is assigned to, "" otherwise
	Args  []ArgFact
	Kw    []KwFact
	Box   *BoxFact // the argument list of a config method call, nil otherwise (see box)
	Span
	Stmt   Span // the statement of the scope's body holding the call
	Return bool // the call is returned
	Direct bool // the call is that statement (or its right-hand side)
}

// box returns c.Box, a zero BoxFact when there is none.
func (c *CallFact) box() BoxFact {
	if c.Box != nil {
		return *c.Box
	}
	return BoxFact{}
}

// SetFact is a config write by assignment: X.config["K"] = v, X.secret_key = v.
type SetFact struct {
	Scope  string
	Recv   string // X as written
	Key    string // "SECRET_KEY" (attribute forms mapped to their key)
	Val    ValueFact
	ValAt  Span
	Span   // the assignment
	Stmt   Span
	Attr   bool // attribute form
	Direct bool
}

// EntryFact is one config key set in a mapping, call, class or module.
type EntryFact struct {
	Key   string
	Val   ValueFact
	Span       // the whole entry: K=v, "K": v, K = v
	ValAt Span // the value
}

// ValueFact summarises a value: Known is false for anything that is not a
// literal (names, calls, environment reads), which the model treats as
// set externally.
type ValueFact struct {
	Known  bool
	Truthy bool
	None   bool
	IsStr  bool
	Str    string
}

// LocalBind is "Name = value" in a scope.
type LocalBind struct {
	Scope string
	Name  string
	Ref   ValueRef
	Str   string    // string literal value (Ref.Str)
	Dict  *DictFact // a dict literal or dict(...) call; nil otherwise
	Call  int       // index of the CallFact of a call value in the same ModelFacts, -1 otherwise
	Off   int
}

// DictFact is a dict bound to a name.
type DictFact struct {
	Items []DictItem
}

// dictItems returns the items of a dict value, nil for other values.
func (b *LocalBind) dictItems() []DictItem {
	if b.Dict != nil {
		return b.Dict.Items
	}
	return nil
}

// DictItem is one entry of a dict literal bound to a name: {"prod": ProdConfig}.
type DictItem struct {
	Key   string // "" when not a string literal
	Value string // dotted name as written, "" when not a name
}

// ArgKind classifies an argument.
type ArgKind uint8

const (
	ArgNone      ArgKind = iota
	ArgName              // a dotted name
	ArgString            // a plain string literal
	ArgLiteral           // True/False/None/number
	ArgCall              // Name(...) with Args/Kw one level deep
	ArgSubscript         // Name[...]: Args[0] is the key
	ArgDict              // dict literal or dict(...) call: Entries
	ArgList              // list/tuple/set: Strs holds its string items when all are strings
	ArgOther
)

// ArgFact summarises an argument.
type ArgFact struct {
	Kind   ArgKind
	StrsOK bool
	Name   string // ArgName: the name; ArgCall: the callee; ArgSubscript: the subscripted value
	Str    string // ArgString
	Val    ValueFact
	Span
	Box   *BoxFact  // ArgDict: its braces or argument list; nil otherwise (see box)
	Items *ArgItems // nil when it would be empty (see items)
}

// ArgItems is what an argument contains, when it is a list, a dict or a
// call.
type ArgItems struct {
	Strs    []string    // ArgList: the items, when all are strings (StrsOK)
	Entries []EntryFact // ArgDict
	Args    []ArgFact   // ArgCall: its arguments; ArgSubscript: the key
	Kw      []KwFact    // ArgCall
}

var noArgItems ArgItems // read-only

// items returns a.Items, an empty ArgItems (not to be written to) when nil.
func (a *ArgFact) items() *ArgItems {
	if a.Items != nil {
		return a.Items
	}
	return &noArgItems
}

// box returns a.Box, a zero BoxFact when there is none.
func (a *ArgFact) box() BoxFact {
	if a.Box != nil {
		return *a.Box
	}
	return BoxFact{}
}

// KwFact is a keyword argument; Name "**" for a dictionary splat.
type KwFact struct {
	Name string
	Arg  ArgFact
	Span
}

// BoxFact locates a bracketed list of items so that a fix can add one.
type BoxFact struct {
	Open, Close int  // offsets of the opening and closing bracket
	Last        Span // the last item; Off == End == -1 when empty
	Comma       bool // a comma follows the last item
	Splat       bool // the list holds *x or **x
	Count       int
}

// Interesting method names whose calls are recorded whatever their form.
var modelMethods = map[string]bool{
	"add_url_rule": true, "register_blueprint": true, "init_app": true,
	"before_request": true, "before_app_request": true, "after_request": true, "after_app_request": true,
	"login_user": true, "exempt": true,
}

var configMethods = map[string]bool{
	"update": true, "from_object": true, "from_pyfile": true, "from_file": true, "from_envvar": true,
	"from_prefixed_env": true, "from_mapping": true, "setdefault": true,
}

// attrKeys maps Flask attributes that mirror config keys.
var attrKeys = map[string]string{
	"secret_key": "SECRET_KEY", "debug": "DEBUG", "testing": "TESTING",
	"session_cookie_name": "SESSION_COOKIE_NAME", "permanent_session_lifetime": "PERMANENT_SESSION_LIFETIME",
}

type scopeFrame struct {
	idx  int // into mf.Scopes
	end  int // absolute
	body []Span
}

type factWalker struct {
	mf    *ModelFacts
	base  int // absolute start of the statement
	stmt  Span
	stack []scopeFrame
}

// ExtractModelFacts reads one top-level statement for the project model.
func ExtractModelFacts(stmt syntax.Node) *ModelFacts {
	w := &factWalker{mf: &ModelFacts{}, base: stmt.Start()}
	w.stmt = Span{0, stmt.End() - stmt.Start()}
	stmt.Walk(w.visit)
	w.mf.compact()
	return w.mf
}

// exact returns s in an array of its length (nil when empty): facts are
// kept for every statement of every open or indexed file, and append
// leaves up to twice the room needed.
func exact[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	if len(s) == cap(s) {
		return s
	}
	return append(make([]T, 0, len(s)), s...)
}

func (mf *ModelFacts) compact() {
	mf.Scopes = exact(mf.Scopes)
	for i := range mf.Scopes {
		s := &mf.Scopes[i]
		for j := range s.Decos {
			compactCall(&s.Decos[j].Args, &s.Decos[j].Kw)
		}
		for j := range s.Params {
			if d := s.Params[j].Default; d != nil {
				compactArg(d)
			}
		}
		s.Returns = exact(s.Returns)
		s.Validates = exact(s.Validates)
		if c := s.Cls; c != nil {
			c.Bases = exact(c.Bases)
			c.Entries = exact(c.Entries)
			c.Props = exact(c.Props)
			c.Methods = exact(c.Methods)
			c.MethodsAttr = exact(c.MethodsAttr)
			c.ViewDecos = exact(c.ViewDecos)
		}
	}
	mf.Calls = exact(mf.Calls)
	for i := range mf.Calls {
		compactCall(&mf.Calls[i].Args, &mf.Calls[i].Kw)
	}
	mf.Binds = exact(mf.Binds)
	for i := range mf.Binds {
		if d := mf.Binds[i].Dict; d != nil {
			d.Items = exact(d.Items)
		}
	}
	mf.Consts = exact(mf.Consts)
	if r := mf.Rare; r != nil {
		r.Sets, r.Stars = exact(r.Sets), exact(r.Stars)
	}
}

func compactCall(args *[]ArgFact, kw *[]KwFact) {
	*args, *kw = exact(*args), exact(*kw)
	for i := range *args {
		compactArg(&(*args)[i])
	}
	for i := range *kw {
		compactArg(&(*kw)[i].Arg)
	}
}

func compactArg(a *ArgFact) {
	if it := a.Items; it != nil {
		it.Strs = exact(it.Strs)
		it.Entries = exact(it.Entries)
		compactCall(&it.Args, &it.Kw)
	}
}

func (w *factWalker) rel(n syntax.Node) Span { return Span{n.Start() - w.base, n.End() - w.base} }

func (w *factWalker) scope() *ScopeFact {
	if len(w.stack) == 0 {
		return nil
	}
	return &w.mf.Scopes[w.stack[len(w.stack)-1].idx]
}

func (w *factWalker) scopePath() string {
	if s := w.scope(); s != nil {
		return s.Path
	}
	return ""
}

// function is the innermost enclosing function (not class), or nil.
func (w *factWalker) function() *ScopeFact {
	if s := w.scope(); s != nil && !s.Class {
		return s
	}
	return nil
}

// bodyStmt finds the statement of the current scope's body that holds the
// relative offset off.
func (w *factWalker) bodyStmt(off int) Span {
	if len(w.stack) == 0 {
		return w.stmt
	}
	body := w.stack[len(w.stack)-1].body
	i := sort.Search(len(body), func(i int) bool { return body[i].End > off })
	if i < len(body) && body[i].Off <= off {
		return body[i]
	}
	return Span{off, off}
}

// statementOf returns the expression statement a call or assignment forms
// (directly, or as the right-hand side of an assignment), if any.
func statementOf(n syntax.Node) (syntax.Node, bool) {
	p := n.Parent()
	if p.Kind() == "assignment" && p.Field("right").Equal(n) {
		p = p.Parent()
	}
	if p.Kind() == "expression_statement" {
		return p, true
	}
	return syntax.Node{}, false
}

func (w *factWalker) place(n syntax.Node) (stmt Span, direct bool) {
	r := w.rel(n)
	stmt = w.bodyStmt(r.Off)
	if es, ok := statementOf(n); ok {
		direct = w.rel(es) == stmt
	}
	return stmt, direct
}

func (w *factWalker) visit(n syntax.Node) bool {
	start := n.Start()
	for len(w.stack) > 0 && start >= w.stack[len(w.stack)-1].end {
		w.stack = w.stack[:len(w.stack)-1]
	}
	switch n.Kind() {
	case "function_definition", "class_definition":
		w.definition(n)
	case "call":
		w.call(n)
	case "assignment":
		w.assignment(n)
	case "attribute":
		w.attribute(n)
	case "string":
		w.str(n)
		return false
	case "raise_statement":
		if f := w.function(); f != nil {
			f.Aborts = true
		}
	case "return_statement":
		if f := w.function(); f != nil {
			if v := n.NamedChild(0); !v.IsNull() {
				f.Returns = append(f.Returns, RefOf(v))
			}
		}
	case "import_from_statement":
		if len(w.stack) == 0 {
			for _, c := range n.NamedChildren() {
				if c.Kind() == "wildcard_import" {
					imp := ImportFact{Local: "*"}
					if mod := n.Field("module_name"); mod.Kind() == "relative_import" {
						for _, m := range mod.Children() {
							switch m.Kind() {
							case "import_prefix":
								imp.Level = strings.Count(m.Text(), ".")
							case "dotted_name":
								imp.Qualified = m.Text()
							}
						}
					} else {
						imp.Qualified = mod.Text()
					}
					w.mf.rare().Stars = append(w.mf.rare().Stars, imp)
				}
			}
		}
		return false
	case "import_statement", "comment":
		return false
	}
	return true
}

func (w *factWalker) definition(n syntax.Node) {
	isClass := n.Kind() == "class_definition"
	name := n.Field("name")
	outer := n
	if p := n.Parent(); p.Kind() == "decorated_definition" {
		outer = p
	}
	sf := ScopeFact{Parent: w.scopePath(), Class: isClass, Span: w.rel(outer), NameAt: w.rel(name)}
	if sf.Parent != "" {
		// One string for both: Name is the tail of Path.
		sf.Path = sf.Parent + "." + string(name.Bytes())
		sf.Name = sf.Path[len(sf.Parent)+1:]
	} else {
		sf.Name = name.Text()
		sf.Path = sf.Name
	}
	if outer.Kind() == "decorated_definition" {
		ds := outer.Children()
		k := 0
		for _, d := range ds {
			if d.Kind() == "decorator" {
				k++
			}
		}
		if k > 0 {
			sf.Decos = make([]DecoratorFact, 0, k)
			for _, d := range ds {
				if d.Kind() == "decorator" {
					sf.Decos = append(sf.Decos, w.decorator(d))
				}
			}
		}
	}
	stmts := n.Field("body").NamedChildren()
	k := 0
	for _, s := range stmts {
		if s.Kind() != "comment" {
			k++
		}
	}
	if k > 0 {
		sf.Body = make([]Span, 0, k)
		for _, s := range stmts {
			if s.Kind() != "comment" {
				sf.Body = append(sf.Body, w.rel(s))
			}
		}
	}
	if isClass {
		sf.Cls = &ClassScope{LastEntry: -1}
		for _, b := range n.Field("superclasses").NamedChildren() {
			if d := DottedName(b); d != "" {
				sf.Cls.Bases = append(sf.Cls.Bases, d)
			}
		}
	} else {
		sf.Params = w.params(n.Field("parameters"))
		if parent := w.scope(); parent != nil && parent.Class {
			pc := parent.Cls
			pc.Methods = append(pc.Methods, sf.Name)
			if isUpperName(sf.Name) {
				for _, d := range sf.Decos {
					if d.Name == "property" || strings.HasSuffix(d.Name, "cached_property") {
						pc.Props = append(pc.Props, sf.Name)
					}
				}
			}
		}
	}
	w.mf.Scopes = append(w.mf.Scopes, sf)
	w.stack = append(w.stack, scopeFrame{idx: len(w.mf.Scopes) - 1, end: n.End(), body: sf.Body})
}

func (w *factWalker) decorator(d syntax.Node) DecoratorFact {
	df := DecoratorFact{Span: w.rel(d)}
	e := d.NamedChild(0)
	if e.Kind() == "call" {
		df.Call = true
		df.Name = DottedName(e.Field("function"))
		// Only route decorators' arguments (methods=...) are read.
		if l := lastPart(df.Name); l == "route" || httpRouteMethods[l] != "" {
			df.Args, df.Kw, _ = w.arguments(e.Field("arguments"), 0)
		}
	} else {
		df.Name = DottedName(e)
	}
	return df
}

func (w *factWalker) params(ps syntax.Node) []ParamFact {
	var out []ParamFact
	cs := ps.NamedChildren()
	for _, p := range cs {
		if out == nil {
			out = make([]ParamFact, 0, len(cs))
		}
		switch p.Kind() {
		case "identifier":
			out = append(out, ParamFact{Name: p.Text()})
		case "default_parameter", "typed_default_parameter":
			d := w.arg(p.Field("value"), 1)
			out = append(out, ParamFact{Name: p.Field("name").Text(), Default: &d})
		case "typed_parameter":
			if id := p.NamedChild(0); id.Kind() == "identifier" {
				out = append(out, ParamFact{Name: id.Text()})
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func (w *factWalker) call(n syntax.Node) {
	fnNode := n.Field("function")
	fn := DottedName(fnNode)
	last := lastPart(fn)
	sc := w.function()
	if fnNode.Kind() == "attribute" && sc != nil {
		attr := fnNode.Field("attribute").Text()
		if attr == "validate_on_submit" || attr == "validate" {
			obj := fnNode.Field("object")
			v := ValidateFact{Recv: DottedName(obj), OnSubmit: attr == "validate_on_submit"}
			if obj.Kind() == "call" {
				v.Recv, v.RecvCall = DottedName(obj.Field("function")), true
			}
			sc.Validates = append(sc.Validates, v)
		}
		if strings.HasPrefix(fn, "request.") || strings.HasPrefix(fn, "flask.request.") {
			w.requestRead(fn)
		}
	}
	if fn == "abort" || fn == "flask.abort" {
		if sc != nil {
			sc.Aborts = true
		}
	}
	if sc != nil && !sc.Authenticates && authCall(n) {
		sc.Authenticates = true
	}
	if fn == "" {
		return
	}
	record := modelMethods[last] || configMethods[last] && strings.HasSuffix(fn, ".config."+last)
	bound, ret := "", false
	p := n.Parent()
	switch p.Kind() {
	case "assignment":
		if l := p.Field("left"); l.Kind() == "identifier" && p.Field("right").Equal(n) {
			bound, record = l.Text(), true
		}
	case "expression_statement":
		record = record || !strings.Contains(fn, ".") || isCapitalized(last)
	case "return_statement":
		ret = true
		record = record || isCapitalized(last)
	}
	if !record {
		return
	}
	cf := CallFact{Scope: w.scopePath(), Func: fn, Bound: bound, Return: ret, Span: w.rel(n)}
	var box BoxFact
	cf.Args, cf.Kw, box = w.arguments(n.Field("arguments"), 0)
	if configMethods[last] { // only config writes are merged into
		cf.Box = &box
	}
	cf.Stmt, cf.Direct = w.place(n)
	w.mf.Calls = append(w.mf.Calls, cf)
}

// arguments summarises an argument list.
func (w *factWalker) arguments(args syntax.Node, depth int) (pos []ArgFact, kw []KwFact, box BoxFact) {
	box = w.box(args)
	for _, a := range args.NamedChildren() {
		switch a.Kind() {
		case "comment":
		case "keyword_argument":
			kw = append(kw, KwFact{Name: a.Field("name").Text(), Arg: w.arg(a.Field("value"), depth+1), Span: w.rel(a)})
		case "dictionary_splat":
			kw = append(kw, KwFact{Name: "**", Arg: ArgFact{Kind: ArgOther, Span: w.rel(a)}, Span: w.rel(a)})
		case "list_splat":
			pos = append(pos, ArgFact{Kind: ArgOther, Span: w.rel(a)})
		default:
			pos = append(pos, w.arg(a, depth+1))
		}
	}
	return pos, kw, box
}

// box locates the items of a bracketed node (argument list, dict, list).
func (w *factWalker) box(n syntax.Node) BoxFact {
	b := BoxFact{Open: n.Start() - w.base, Close: n.End() - 1 - w.base, Last: Span{-1, -1}}
	var last syntax.Node
	for _, c := range n.Children() {
		switch {
		case c.IsNamed() && c.Kind() != "comment":
			last, b.Comma = c, false
			b.Count++
			if k := c.Kind(); k == "list_splat" || k == "dictionary_splat" {
				b.Splat = true
			}
		case c.Kind() == ",":
			b.Comma = true
		}
	}
	if !last.IsNull() {
		b.Last = w.rel(last)
	}
	return b
}

func (w *factWalker) arg(e syntax.Node, depth int) ArgFact {
	a := ArgFact{Kind: ArgOther, Span: w.rel(e)}
	if e.IsNull() {
		a.Kind = ArgNone
		return a
	}
	var it ArgItems
	switch e.Kind() {
	case "identifier", "attribute":
		if d := DottedName(e); d != "" {
			a.Kind, a.Name = ArgName, d
		}
	case "string", "concatenated_string":
		if s, ok := StringValue(e); ok {
			a.Kind, a.Str = ArgString, s
			a.Val = valueFact(e)
			if a.Val.Str == s {
				a.Val.Str = s // one copy of the bytes
			}
		}
	case "true", "false", "none", "integer", "float":
		a.Kind, a.Val = ArgLiteral, valueFact(e)
	case "binary_operator", "unary_operator": // 16 * 1024 * 1024
		if v := valueFact(e); v.Known {
			a.Kind, a.Val = ArgLiteral, v
		}
	case "parenthesized_expression":
		inner := w.arg(e.NamedChild(0), depth)
		return inner
	case "dictionary":
		a.Kind = ArgDict
		box := w.box(e)
		a.Box = &box
		for _, p := range e.NamedChildren() {
			if p.Kind() == "pair" {
				if k, ok := StringValue(p.Field("key")); ok {
					v := p.Field("value")
					it.Entries = append(it.Entries, EntryFact{Key: k, Val: valueFact(v), Span: w.rel(p), ValAt: w.rel(v)})
				}
			} else if p.Kind() == "dictionary_splat" {
				a.Box.Splat = true
			}
		}
	case "list", "tuple", "set":
		a.Kind, a.StrsOK = ArgList, true
		for _, c := range e.NamedChildren() {
			if s, ok := StringValue(c); ok {
				it.Strs = append(it.Strs, s)
			} else if c.Kind() != "comment" {
				a.StrsOK = false
			}
		}
	case "subscript":
		a.Kind, a.Name = ArgSubscript, DottedName(e.Field("value"))
		if depth < 3 {
			it.Args = []ArgFact{w.arg(e.Field("subscript"), depth+1)}
		}
	case "call":
		a.Kind, a.Name = ArgCall, DottedName(e.Field("function"))
		args := e.Field("arguments")
		if a.Name == "dict" {
			a.Kind = ArgDict
			box := w.box(args)
			a.Box = &box
			for _, c := range args.NamedChildren() {
				if c.Kind() == "keyword_argument" {
					v := c.Field("value")
					it.Entries = append(it.Entries, EntryFact{Key: c.Field("name").Text(), Val: valueFact(v), Span: w.rel(c), ValAt: w.rel(v)})
				}
			}
		} else if depth < 3 && args.Kind() == "argument_list" {
			it.Args, it.Kw, _ = w.arguments(args, depth)
		}
	}
	if it.Strs != nil || it.Entries != nil || it.Args != nil || it.Kw != nil {
		a.Items = &ArgItems{Strs: it.Strs, Entries: it.Entries, Args: it.Args, Kw: it.Kw}
	}
	return a
}

// valueFact summarises a value node.
func valueFact(n syntax.Node) ValueFact {
	truthy, known := LiteralTruth(n)
	if !known {
		return ValueFact{}
	}
	v := ValueFact{Known: true, Truthy: truthy}
	for n.Kind() == "parenthesized_expression" {
		n = n.NamedChild(0)
	}
	switch n.Kind() {
	case "none":
		v.None = true
	case "string", "concatenated_string":
		v.IsStr = true
		v.Str, _ = StringValue(n)
	}
	return v
}

func (w *factWalker) assignment(n syntax.Node) {
	left, right := n.Field("left"), n.Field("right")
	if right.IsNull() {
		return
	}
	for right.Kind() == "assignment" { // a = b = value
		right = right.Field("right")
	}
	sc := w.scope()
	switch left.Kind() {
	case "identifier":
		name := left.Text()
		w.bind(n, name, right)
		if sc != nil && sc.Class && w.inBody(n) {
			c := sc.Cls
			switch {
			case isUpperName(name):
				c.Entries = append(c.Entries, EntryFact{Key: name, Val: valueFact(right), Span: w.rel(n), ValAt: w.rel(right)})
				c.LastEntry = w.rel(n.Parent()).End
			case name == "methods":
				c.HasMethods = true
				if a := w.arg(right, 1); a.Kind == ArgList && a.StrsOK {
					c.MethodsAttr = a.items().Strs
				}
			case name == "decorators":
				w.viewDecorators(c, right)
			case name == "csrf" && sc.Name == "Meta":
				if t, known := LiteralTruth(right); known && !t {
					for i := len(w.stack) - 2; i >= 0; i-- {
						if p := &w.mf.Scopes[w.stack[i].idx]; p.Path == sc.Parent {
							if p.Cls == nil { // a function: never read
								p.Cls = &ClassScope{LastEntry: -1}
							}
							p.Cls.MetaCSRFOff = true
						}
					}
				}
			}
		}
		if sc == nil && isUpperName(name) {
			w.mf.Consts = append(w.mf.Consts, EntryFact{Key: name, Val: valueFact(right), Span: w.rel(n), ValAt: w.rel(right)})
		}
	case "subscript": // X.config["K"] = v
		obj := left.Field("value")
		if obj.Kind() == "attribute" && obj.Field("attribute").Text() == "config" {
			if key, ok := StringValue(left.Field("subscript")); ok {
				if recv := DottedName(obj.Field("object")); recv != "" {
					w.set(n, recv, key, false, right)
				}
			}
		}
	case "attribute":
		obj, attr := left.Field("object"), left.Field("attribute").Text()
		recv := DottedName(obj)
		if key, ok := attrKeys[attr]; ok && recv != "" {
			w.set(n, recv, key, true, right)
		}
		// self.UPPER = v in a method of a class: an instance attribute.
		if recv == "self" && isUpperName(attr) && sc != nil && !sc.Class {
			for i := len(w.stack) - 2; i >= 0; i-- {
				if p := &w.mf.Scopes[w.stack[i].idx]; p.Path == sc.Parent && p.Class {
					p.Cls.Entries = append(p.Cls.Entries, EntryFact{Key: attr, Val: valueFact(right), Span: w.rel(n), ValAt: w.rel(right)})
				}
			}
		}
	}
}

// viewDecorators reads a View class's "decorators = [...]" attribute.
func (w *factWalker) viewDecorators(sc *ClassScope, right syntax.Node) {
	sc.HasViewDecos, sc.ViewDecos, sc.ViewDecosKind = true, nil, ""
	if k := right.Kind(); k != "list" && k != "tuple" {
		return
	}
	sc.ViewDecosKind, sc.ViewDecosBox = right.Kind(), w.box(right)
	for _, e := range right.NamedChildren() {
		if e.Kind() == "comment" {
			continue
		}
		df := DecoratorFact{Name: DottedName(e), Span: w.rel(e)}
		if e.Kind() == "call" {
			df.Call, df.Name = true, DottedName(e.Field("function"))
		}
		sc.ViewDecos = append(sc.ViewDecos, df)
	}
}

// inBody reports an assignment that is a direct statement of the current
// scope's body.
func (w *factWalker) inBody(n syntax.Node) bool {
	es := n.Parent()
	if es.Kind() != "expression_statement" {
		return false
	}
	r := w.rel(es)
	return w.bodyStmt(r.Off) == r
}

func (w *factWalker) set(n syntax.Node, recv, key string, attr bool, value syntax.Node) {
	sf := SetFact{Scope: w.scopePath(), Recv: recv, Key: key, Attr: attr, Val: valueFact(value), ValAt: w.rel(value), Span: w.rel(n)}
	sf.Stmt = w.bodyStmt(sf.Off)
	if es := n.Parent(); es.Kind() == "expression_statement" {
		sf.Direct = w.rel(es) == sf.Stmt
	}
	w.mf.rare().Sets = append(w.mf.rare().Sets, sf)
}

func (w *factWalker) bind(n syntax.Node, name string, right syntax.Node) {
	b := LocalBind{Scope: w.scopePath(), Name: name, Ref: RefOf(right), Call: -1, Off: n.Start() - w.base}
	switch right.Kind() {
	case "string", "concatenated_string":
		if s, ok := StringValue(right); ok {
			b.Str, b.Ref.Str = s, true
		}
	case "dictionary":
		b.Dict = &DictFact{}
		for _, p := range right.NamedChildren() {
			if p.Kind() == "pair" {
				k, _ := StringValue(p.Field("key"))
				b.Dict.Items = append(b.Dict.Items, DictItem{Key: k, Value: DottedName(p.Field("value"))})
			}
		}
	case "call":
		if DottedName(right.Field("function")) == "dict" {
			b.Dict = &DictFact{}
			for _, c := range right.Field("arguments").NamedChildren() {
				if c.Kind() == "keyword_argument" {
					b.Dict.Items = append(b.Dict.Items, DictItem{Key: c.Field("name").Text(), Value: DottedName(c.Field("value"))})
				}
			}
		}
		// The call is visited after the assignment and, being bound, recorded
		// as the next CallFact (when its callee is a name).
		if DottedName(right.Field("function")) != "" {
			b.Call = len(w.mf.Calls)
		}
	}
	w.mf.Binds = append(w.mf.Binds, b)
}

func (w *factWalker) attribute(n syntax.Node) {
	b := n.Bytes()
	if !bytes.HasPrefix(b, []byte("request.")) && !bytes.HasPrefix(b, []byte("flask.request.")) {
		return
	}
	w.requestRead(string(b))
}

func (w *factWalker) requestRead(dotted string) {
	dotted = strings.TrimPrefix(dotted, "flask.")
	attr, _, _ := strings.Cut(strings.TrimPrefix(dotted, "request."), ".")
	sc := w.function()
	switch attr {
	case "files":
		if sc != nil {
			sc.ReadsFiles = true
		} else {
			w.mf.ReadsFiles = true
		}
		fallthrough
	case "form", "values":
		if sc != nil {
			sc.ReadsForm = true
		}
	case "json", "get_json":
		if sc != nil {
			sc.ReadsJSON = true
		}
	}
}

// containsFold reports whether b contains the lower-case ASCII pattern,
// ignoring case, without allocating.
func containsFold(b []byte, pattern string) bool {
	n := len(pattern)
	for i := 0; i+n <= len(b); i++ {
		j := 0
		for ; j < n; j++ {
			c := b[i+j]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != pattern[j] {
				break
			}
		}
		if j == n {
			return true
		}
	}
	return false
}

func (w *factWalker) str(n syntax.Node) {
	b := n.Bytes()
	if len(b) > 400 {
		b = b[:400]
	}
	if p := n.Parent(); p.Kind() == "expression_statement" {
		return // a docstring or a bare string: not code
	}
	if sc := w.function(); sc != nil && (containsFold(b, "csrf") || containsFold(b, "xsrf") || containsFold(b, "nonce")) {
		sc.CSRFString = true
	}
	if containsFold(b, "x-frame-options") || containsFold(b, "frame-ancestors") {
		w.mf.FrameOptions = true
	}
	if containsFold(b, "x-content-type-options") {
		w.mf.ContentTypeOptions = true
	}
}

func isUpperName(s string) bool {
	if s == "" || s[0] == '_' || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

func isCapitalized(s string) bool { return s != "" && s[0] >= 'A' && s[0] <= 'Z' }
