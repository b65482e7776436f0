package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// A file that starts with a UTF-8 byte order mark is checked as editors
// hold it, without the mark: its findings (columns of the first line
// included) are those of the same file without it, as the server's are
// for its buffer; and fix keeps the mark.
func TestCheckAndFixWithAByteOrderMark(t *testing.T) {
	const text = "app.run(debug=True)  # é\nfrom flask import Flask\napp = Flask(__name__)\napp.run(debug=True)\n"
	const bom = "\xef\xbb\xbf"
	inProject(t, map[string]string{"bom.py": bom + text, "plain.py": text})
	got, report := checkJSON(t)
	var out, errOut bytes.Buffer
	byFile := map[string][]jsonFinding{}
	for _, fd := range got {
		byFile[fd.Filename] = append(byFile[fd.Filename], fd)
		fd.Filename = ""
	}
	strip := func(fs []jsonFinding) string {
		var b strings.Builder
		for _, fd := range fs {
			fd.Filename = ""
			j, _ := json.Marshal(fd)
			b.Write(j)
			b.WriteByte('\n')
		}
		return b.String()
	}
	if len(byFile["plain.py"]) != 2 {
		t.Fatalf("plain.py: %d findings, want 2 (the first line's and the last's): %s", len(byFile["plain.py"]), report)
	}
	if a, b := strip(byFile["bom.py"]), strip(byFile["plain.py"]); a != b {
		t.Errorf("findings differ with a byte order mark:\n%s\nwithout:\n%s", a, b)
	}
	if code := RunFix(FixOptions{}, &out, &errOut); code != ExitClean {
		t.Fatalf("fix: exit %d: %s", code, errOut.String())
	}
	fixedBOM, _ := os.ReadFile("bom.py")
	fixedPlain, _ := os.ReadFile("plain.py")
	if string(fixedBOM) != bom+string(fixedPlain) || bytes.Equal(fixedPlain, []byte(text)) {
		t.Errorf("fix: bom.py = %q, want the mark and plain.py's fixed text %q", fixedBOM, fixedPlain)
	}
}
