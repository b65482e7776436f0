package diagnostics

import (
	"strings"

	"github.com/flaskguard/flaskguard/diagnostics/source"
	"github.com/flaskguard/flaskguard/diagnostics/syntax"
)

// Edits for project-level fixes: code inserted right after an app is
// created and configured, a key added to a config class or merged into the
// app.config.update(...) call the app already uses.

// insertLinesAfter adds lines (indentation included; "" is a blank line)
// on new lines after the line holding offset after-1.
func insertLinesAfter(t *source.Text, after int, lines []string) TextEdit {
	nl := t.LineEnding()
	if after > 0 {
		after--
	}
	at := t.LineStart(t.LineOf(after) + 1)
	var b strings.Builder
	if at == len(t.Bytes) && at > 0 && t.Bytes[at-1] != '\n' {
		b.WriteString(nl)
	}
	for _, l := range lines {
		b.WriteString(l)
		b.WriteString(nl)
	}
	return TextEdit{Start: at, End: at, NewText: b.String()}
}

// indentUnit guesses one level of indentation from an existing indent.
func indentUnit(indent string) string {
	if strings.HasPrefix(indent, "\t") {
		return "\t"
	}
	return "    "
}

// appInsertion is where code goes after app is created and configured:
// after its creation statement and the config statements that directly
// follow it in the same block (module level or the factory's body), at the
// creation's indentation. ok is false when the app has no name to use.
func (m *Model) appInsertion(a *App) (f *File, after int, indent string, ok bool) {
	if a.Var == "" {
		return nil, 0, "", false
	}
	fi, c := a.site.fi, a.site.c
	t := fi.pf.File.Text
	if t == nil {
		return nil, 0, "", false
	}
	creation := a.site.base + c.Off
	if c.Direct {
		after = a.site.base + c.Stmt.End
		indent = t.Indent(t.LineOf(a.site.base + c.Stmt.Off))
		for _, op := range a.ops {
			if op.fi != fi || op.scope() != a.Scope || op.pos() < creation {
				continue
			}
			if st, direct := op.direct(); direct && op.base+st.End > after {
				after = op.base + st.End
			}
		}
	} else {
		// Created inside a compound statement: right after the creation,
		// when the call ends its line.
		after = a.site.base + c.End
		line := t.LineOf(after)
		if rest := strings.TrimSpace(string(t.Bytes[after:t.LineEnd(line)])); rest != "" && rest[0] != '#' {
			return nil, 0, "", false
		}
		indent = t.Indent(t.LineOf(creation))
	}
	return fi.pf.File, after, indent, true
}

// insertItems adds items to a bracketed list (arguments, a dict): one a
// line when the list is written one item a line, else inline.
func insertItems(t *source.Text, base int, b BoxFact, items []string) []TextEdit {
	if len(items) == 0 {
		return nil
	}
	open, close := base+b.Open, base+b.Close
	if b.Count == 0 {
		return []TextEdit{{Start: open + 1, End: open + 1, NewText: strings.Join(items, ", ")}}
	}
	lastOff, lastEnd := base+b.Last.Off, base+b.Last.End
	nl := t.LineEnding()
	if t.LineOf(lastOff) != t.LineOf(open) && t.LineOf(close) != t.LineOf(lastEnd) {
		var edits []TextEdit
		if !b.Comma {
			edits = append(edits, TextEdit{Start: lastEnd, End: lastEnd, NewText: ","})
		}
		indent := t.Indent(t.LineOf(lastOff))
		at := t.LineStart(t.LineOf(close))
		var sb strings.Builder
		for _, it := range items {
			sb.WriteString(indent + it + "," + nl)
		}
		return append(edits, TextEdit{Start: at, End: at, NewText: sb.String()})
	}
	if b.Comma {
		return []TextEdit{{Start: close, End: close, NewText: " " + strings.Join(items, ", ") + ","}}
	}
	return []TextEdit{{Start: lastEnd, End: lastEnd, NewText: ", " + strings.Join(items, ", ")}}
}

// boxOf locates the items of a bracketed node (absolute offsets).
func boxOf(n syntax.Node) BoxFact { return (&factWalker{}).box(n) }

// classInsertion adds "KEY = value" lines to a config class: after its
// last UPPER_CASE assignment, else after its docstring, else first.
func classInsertion(cls scopeRef, lines []string) (TextEdit, bool) {
	t := cls.fi.pf.File.Text
	s := cls.s
	if t == nil || len(s.Body) == 0 || t.LineOf(cls.base+s.Body[0].Off) == t.LineOf(cls.base+s.NameAt.Off) {
		return TextEdit{}, false
	}
	first := cls.base + s.Body[0].Off
	indent := t.Indent(t.LineOf(first))
	for i := range lines {
		lines[i] = indent + lines[i]
	}
	if s.cls().LastEntry >= 0 {
		return insertLinesAfter(t, cls.base+s.cls().LastEntry, lines), true
	}
	if c := t.Bytes[first]; c == '"' || c == '\'' || c == 'r' && first+1 < len(t.Bytes) && (t.Bytes[first+1] == '"' || t.Bytes[first+1] == '\'') {
		return insertLinesAfter(t, cls.base+s.Body[0].End, lines), true
	}
	at := t.LineStart(t.LineOf(first))
	return TextEdit{Start: at, End: at, NewText: strings.Join(lines, t.LineEnding()) + t.LineEnding()}, true
}

// configPlacement decides where a missing key goes for app a in scenario
// sc: the config class the scenario loads last, else the literal
// app.config.update(...) call of the app's creation block, else a new
// statement after the app's config. It returns the file and anchor of the
// finding (the class's name, or the app's Flask(...) call), a subject for
// the message and the edits setting key to value (nil when there is no
// safe place).
func (m *Model) configPlacement(a *App, sc Scenario, key, value string) (f *File, anchor Location, subject string, edits []TextEdit) {
	for i := len(sc) - 1; i >= 0; i-- {
		src := sc[i]
		if src.Kind != SourceClass || !src.class.valid() {
			continue
		}
		cls := src.class
		f, anchor, subject = cls.fi.pf.File, cls.loc(cls.s.NameAt), cls.s.Name
		if e, ok := classInsertion(cls, []string{key + " = " + value}); ok {
			edits = []TextEdit{e}
		}
		return f, anchor, subject, edits
	}
	f, anchor, subject = a.File, a.Call, "The app"
	for i := len(sc) - 1; i >= 0; i-- {
		src := sc[i]
		if src.update == nil || src.update.fi != a.site.fi || src.scope != a.Scope || !src.update.c.Direct {
			continue
		}
		c, base, t := src.update.c, src.update.base, a.File.Text
		if len(c.Args) == 1 && len(c.Kw) == 0 {
			arg := c.Args[0]
			item := key + "=" + value
			if arg.box().Open >= 0 && t.Bytes[base+arg.box().Open] == '{' {
				item = `"` + key + `": ` + value
			}
			return f, anchor, subject, insertItems(t, base, arg.box(), []string{item})
		}
		if len(c.Args) == 0 {
			return f, anchor, subject, insertItems(t, base, c.box(), []string{key + "=" + value})
		}
	}
	if file, after, indent, ok := m.appInsertion(a); ok {
		edits = []TextEdit{insertLinesAfter(file.Text, after, []string{indent + a.Var + `.config["` + key + `"] = ` + value})}
	}
	return f, anchor, subject, edits
}

// functionAfterApp inserts a function (lines without indentation) after
// the app's config, with blank lines around it as PEP 8 wants.
func (m *Model) functionAfterApp(a *App, lines []string) (TextEdit, bool) {
	f, after, indent, ok := m.appInsertion(a)
	if !ok {
		return TextEdit{}, false
	}
	t := f.Text
	blank := 2
	if indent != "" {
		blank = 1
	}
	unit := indentUnit(indent)
	var out []string
	for i := 0; i < blank; i++ {
		out = append(out, "")
	}
	for _, l := range lines {
		out = append(out, indent+strings.ReplaceAll(l, "\t", unit))
	}
	// Blank lines after it too, unless the next line already is one.
	next := t.LineOf(after) + 1
	if next < t.LineCount() && strings.TrimSpace(string(t.Line(next))) != "" {
		for i := 0; i < blank; i++ {
			out = append(out, "")
		}
	}
	return insertLinesAfter(t, after, out), true
}
