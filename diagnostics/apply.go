package diagnostics

import (
	"sort"
)

// ApplyEdits applies non-overlapping edits to src. Edits are taken in
// position order; one that overlaps an earlier one is skipped and counted
// in skipped, so a batch of fixes never corrupts the text.
func ApplyEdits(src []byte, edits []TextEdit) (out []byte, skipped int) {
	sorted := append([]TextEdit(nil), edits...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if sorted[i].Start != sorted[j].Start {
			return sorted[i].Start < sorted[j].Start
		}
		return sorted[i].End < sorted[j].End
	})
	out = make([]byte, 0, len(src))
	at := 0
	for _, e := range sorted {
		if e.Start < at || e.End < e.Start || e.End > len(src) {
			skipped++
			continue
		}
		out = append(out, src[at:e.Start]...)
		out = append(out, e.NewText...)
		at = e.End
	}
	return append(out, src[at:]...), skipped
}

// SelectFixes picks, for each finding, its first allowed fix (safe ones
// only unless unsafe is true) whose edits stay in the finding's file and
// do not overlap a fix already picked, and returns their edits.
func SelectFixes(findings []Finding, unsafe bool) []TextEdit {
	var edits []TextEdit
	overlaps := func(e TextEdit) bool {
		for _, t := range edits {
			// Two insertions at one offset are both kept, in finding order
			// (two project fixes adding lines after an app's config); two
			// replacements of the same range conflict.
			if e.Start < t.End && t.Start < e.End || e.Start == t.Start && e.End == t.End && e.End > e.Start {
				return true
			}
		}
		return false
	}
	for _, fd := range findings {
		for _, fx := range fd.Fixes {
			if !fx.Safe && !unsafe {
				continue
			}
			ok := true
			var add []TextEdit
			for _, e := range fx.Edits {
				switch {
				case e.Path != "" && e.Path != fd.Path:
					ok = false
				case contains(edits, e):
					// the same import insertion as another fix: shared
				case overlaps(e):
					ok = false
				default:
					add = append(add, e)
				}
			}
			if ok {
				edits = append(edits, add...)
			}
			break
		}
	}
	return edits
}

// ApplyFixes applies SelectFixes' edits to src.
func ApplyFixes(src []byte, findings []Finding, unsafe bool) (out []byte, applied int) {
	edits := SelectFixes(findings, unsafe)
	out, skipped := ApplyEdits(src, edits)
	return out, len(edits) - skipped
}

func contains(edits []TextEdit, e TextEdit) bool {
	for _, t := range edits {
		if t == e {
			return true
		}
	}
	return false
}
