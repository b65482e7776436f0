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

// ApplyFixes applies, for each finding, its first fix that is allowed
// (safe ones only unless unsafe is true), skipping a fix whose edits would
// overlap one already taken. Only edits to the finding's own file are applied.
func ApplyFixes(src []byte, findings []Finding, unsafe bool) (out []byte, applied int) {
	var edits []TextEdit
	taken := func(e TextEdit) bool {
		for _, t := range edits {
			if e.Start < t.End && t.Start < e.End || (e.Start == t.Start && e.End == t.End && e.Start == e.End && e.NewText == t.NewText) {
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
			for _, e := range fx.Edits {
				if e.Path != "" && e.Path != fd.Path || taken(e) {
					ok = false
				}
			}
			if ok {
				edits = append(edits, fx.Edits...)
				applied++
			}
			break
		}
	}
	out, _ = ApplyEdits(src, edits)
	return out, applied
}
