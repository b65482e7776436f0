package config

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// We read TOML with github.com/pelletier/go-toml/v2: its decoder validates
// the whole document (syntax, duplicate keys, redefined tables) and reports
// errors with their line and column, and its parser (package unstable)
// gives every key and value its place in the file, so that an unknown key
// or a bad value is reported on its own line. BurntSushi/toml's MetaData
// lists undecoded keys but not where they are.

// pos is a place in the file, 1-based.
type pos struct{ line, col int }

// value is a TOML value copied out of the parser (its nodes do not outlive
// the expression being parsed).
type value struct {
	kind  unstable.Kind
	str   string // String: the unescaped text; Bool: "true"/"false"
	elems []value
	at    pos
}

// entry is a key and its value (a leaf, or an array) in document order;
// value is nil for a table header ([a.b]), whose keys follow as entries of
// their own. Inline tables are flattened into entries.
type entry struct {
	path  []string
	keyAt pos
	value *value
}

func (e entry) key() string { return strings.Join(e.path, ".") }

// readTOML validates data and lists its entries.
func readTOML(path string, data []byte) ([]entry, error) {
	var any map[string]interface{}
	if err := toml.Unmarshal(data, &any); err != nil {
		e := &Error{Path: path, Msg: "invalid TOML: " + err.Error()}
		var de *toml.DecodeError
		if errors.As(err, &de) {
			e.Line, e.Column = de.Position()
			if k := de.Key(); len(k) > 0 {
				e.Key = strings.Join(k, ".")
			}
		}
		return nil, e
	}
	var entries []entry
	p := &unstable.Parser{}
	p.Reset(data)
	var table []string
	for p.NextExpression() {
		n := p.Expression()
		switch n.Kind {
		case unstable.Table, unstable.ArrayTable:
			keys, at := keyPath(p, n.Key())
			table = keys
			if n.Kind == unstable.ArrayTable {
				// [[a.b]]: an array of tables, never what we want; reported
				// as a value of kind ArrayTable.
				entries = append(entries, entry{path: keys, keyAt: at, value: &value{kind: unstable.ArrayTable, at: at}})
				continue
			}
			entries = append(entries, entry{path: keys, keyAt: at})
		case unstable.KeyValue:
			entries = keyValue(p, n, table, entries)
		}
	}
	if err := p.Error(); err != nil {
		// The decoder accepted the document, so this is not expected.
		return nil, &Error{Path: path, Msg: "invalid TOML: " + err.Error()}
	}
	return entries, nil
}

func keyValue(p *unstable.Parser, n *unstable.Node, table []string, out []entry) []entry {
	keys, at := keyPath(p, n.Key())
	full := append(append([]string(nil), table...), keys...)
	v := n.Value()
	if v.Kind == unstable.InlineTable {
		out = append(out, entry{path: full, keyAt: at}) // like a table header
		it := v.Children()
		for it.Next() {
			if kv := it.Node(); kv.Kind == unstable.KeyValue {
				out = keyValue(p, kv, full, out)
			}
		}
		return out
	}
	val := copyValue(p, v, at)
	return append(out, entry{path: full, keyAt: at, value: &val})
}

func keyPath(p *unstable.Parser, it unstable.Iterator) ([]string, pos) {
	var keys []string
	var at pos
	for it.Next() {
		k := it.Node()
		keys = append(keys, string(k.Data))
		if at.line == 0 {
			at = place(p, k.Raw, at)
		}
	}
	return keys, at
}

func copyValue(p *unstable.Parser, n *unstable.Node, fallback pos) value {
	v := value{kind: n.Kind, at: place(p, n.Raw, fallback)}
	switch n.Kind {
	case unstable.String, unstable.Bool, unstable.Integer, unstable.Float:
		v.str = string(n.Data)
	case unstable.Array:
		it := n.Children()
		for it.Next() {
			v.elems = append(v.elems, copyValue(p, it.Node(), v.at))
		}
	}
	return v
}

// place is where r starts, or fallback when the parser did not record it.
func place(p *unstable.Parser, r unstable.Range, fallback pos) pos {
	if r.Length == 0 || int(r.Offset)+int(r.Length) > len(p.Data()) {
		return fallback
	}
	s := p.Shape(r)
	return pos{s.Start.Line, s.Start.Column}
}

func kindName(k unstable.Kind) string {
	switch k {
	case unstable.String:
		return "a string"
	case unstable.Bool:
		return "a boolean"
	case unstable.Integer:
		return "an integer"
	case unstable.Float:
		return "a float"
	case unstable.Array:
		return "an array"
	case unstable.InlineTable:
		return "a table"
	case unstable.ArrayTable:
		return "an array of tables"
	case unstable.LocalDate, unstable.LocalTime, unstable.LocalDateTime, unstable.DateTime:
		return "a date/time"
	}
	return fmt.Sprintf("a %s", k)
}
