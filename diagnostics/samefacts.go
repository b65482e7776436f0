package diagnostics

import (
	"reflect"
)

// SameFactsApartFromPositions reports that two versions of a module have
// the same facts once the offsets inside them are set aside: the same
// statements binding, calling, decorating and configuring the same things,
// only at other places. Typing inside a function body moves the offsets of
// what follows in its statement, and nothing else. A server can then move
// the project findings by the edit rather than run the project rules (see
// server's moveProjectFindings), provided the edit adds or removes no line:
// offsets then move monotonically, so every order the rules compare holds.
//
// The comparison errs on the side of "different": a field is set aside only
// when it is known to be an offset (positionField); any other difference,
// including a field that is absent in one version and present in the other,
// counts.
func SameFactsApartFromPositions(a, b *ModuleSymbols) bool {
	if a == nil || b == nil || a.Module != b.Module || len(a.Facts) != len(b.Facts) {
		return false
	}
	for i := range a.Facts {
		if a.Facts[i] != b.Facts[i] && !equalApartFromPositions(reflect.ValueOf(a.Facts[i]), reflect.ValueOf(b.Facts[i])) {
			return false
		}
	}
	return true
}

var spanType = reflect.TypeOf(Span{})

// positionKind says how a struct field holding an offset is compared.
type positionKind uint8

const (
	notPosition  positionKind = iota
	offset                    // any two offsets are alike
	offsetOrNone              // an offset, or -1 for none: alike when both are or neither is
	spans                     // []Span: alike when of the same length
)

// positionFields are the int fields of the facts that hold offsets, by
// struct type and field name; fields of type Span are offsets by their
// type. TestEveryFactFieldIsClassified fails when a new int field is added
// to a fact without being listed here or in nonPositionFields.
var positionFields = map[reflect.Type]map[string]positionKind{
	reflect.TypeOf(LocalBind{}):  {"Off": offset},
	reflect.TypeOf(BoxFact{}):    {"Open": offset, "Close": offset},
	reflect.TypeOf(ClassScope{}): {"LastEntry": offsetOrNone},
	reflect.TypeOf(ScopeFact{}):  {"Body": spans},
}

func positionField(t reflect.Type, f reflect.StructField) positionKind {
	if f.Type == spanType {
		return offset
	}
	return positionFields[t][f.Name]
}

func equalApartFromPositions(a, b reflect.Value) bool {
	if a.Type() != b.Type() {
		return false
	}
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		if a.Pointer() == b.Pointer() {
			return true
		}
		return equalApartFromPositions(a.Elem(), b.Elem())
	case reflect.Struct:
		t := a.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			switch positionField(t, f) {
			case offset:
				continue
			case offsetOrNone:
				if (a.Field(i).Int() < 0) != (b.Field(i).Int() < 0) {
					return false
				}
				continue
			case spans:
				if a.Field(i).Len() != b.Field(i).Len() {
					return false
				}
				continue
			}
			if !equalApartFromPositions(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	case reflect.Slice:
		if a.Len() != b.Len() || a.IsNil() != b.IsNil() {
			return false
		}
		for i := 0; i < a.Len(); i++ {
			if !equalApartFromPositions(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Map:
		if a.Len() != b.Len() || a.IsNil() != b.IsNil() {
			return false
		}
		iter := a.MapRange()
		for iter.Next() {
			bv := b.MapIndex(iter.Key())
			if !bv.IsValid() || !equalApartFromPositions(iter.Value(), bv) {
				return false
			}
		}
		return true
	case reflect.String:
		return a.String() == b.String()
	case reflect.Bool:
		return a.Bool() == b.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return a.Int() == b.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return a.Uint() == b.Uint()
	case reflect.Float32, reflect.Float64:
		return a.Float() == b.Float()
	}
	// Kinds the facts do not use (interfaces, funcs, channels): only the
	// general comparison knows them.
	return a.CanInterface() && b.CanInterface() && reflect.DeepEqual(a.Interface(), b.Interface())
}
