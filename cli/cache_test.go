package cli

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/flaskguard/flaskguard/diagnostics"
)

// cacheFixtures are the directories the cache tests check as projects:
// the multi-module projects, every rule's fixtures and the examples.
func cacheFixtures(t *testing.T) []string {
	t.Helper()
	var dirs []string
	for _, pattern := range []string{"../testdata/projects/*", "../testdata/rules/*", "../examples/*"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range m {
			if info, err := os.Stat(d); err == nil && info.IsDir() {
				dirs = append(dirs, d)
			}
		}
	}
	if len(dirs) < 20 {
		t.Fatalf("found %d fixture directories, want the projects, rules and examples", len(dirs))
	}
	return dirs
}

// copyDir copies a fixture into a fresh directory, so that runs may edit
// it and the cache lives outside the repository.
func copyDir(t testing.TB, from string) string {
	t.Helper()
	to := t.TempDir()
	err := filepath.Walk(from, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return to
}

// reportOf is a run's full JSON report (every field of every finding,
// fixes included), what two runs must agree on.
func reportOf(t *testing.T, res *Result) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteJSON(&b, res); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func pythonFiles(res *Result) int {
	n := 0
	for _, f := range res.Files {
		if diagnostics.ClassifyPath(f.Path) == diagnostics.KindPython {
			n++
		}
	}
	return n
}

// A run with the cache reports exactly what a run without it does, cold
// (analysing everything, then writing the cache) and warm (parsing
// nothing, writing nothing).
func TestCacheReplaysFindings(t *testing.T) {
	for _, fixture := range cacheFixtures(t) {
		t.Run(filepath.Base(filepath.Dir(fixture))+"/"+filepath.Base(fixture), func(t *testing.T) {
			dir := copyDir(t, fixture)
			cacheDir := filepath.Join(t.TempDir(), "cache")
			want, err := Check([]string{dir}, Overrides{Isolated: true})
			if err != nil {
				t.Fatal(err)
			}
			py := pythonFiles(want)
			for run, expect := range []CacheStats{
				{Enabled: true, Loaded: 0, Parsed: py, Written: py > 0},
				{Enabled: true, Loaded: py, Hits: py},
			} {
				got, err := CheckCached([]string{dir}, Overrides{Isolated: true}, cacheDir)
				if err != nil {
					t.Fatal(err)
				}
				if got.Cache != expect {
					t.Errorf("run %d: cache stats %+v, want %+v", run, got.Cache, expect)
				}
				if g, w := reportOf(t, got), reportOf(t, want); g != w {
					t.Fatalf("run %d with the cache reports\n%s\nwithout it\n%s", run, g, w)
				}
			}
		})
	}
}

// Random edits to a project's files, each followed by a run with the cache
// and one without, which must agree: the cache must notice every change
// to a file and every change to what another file imports from it.
func TestCacheAfterEdits(t *testing.T) {
	total := CacheStats{}
	for fi, fixture := range cacheFixtures(t) {
		dir := copyDir(t, fixture)
		cacheDir := filepath.Join(t.TempDir(), "cache")
		var files []string
		filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
			if err == nil && !info.IsDir() && diagnostics.ClassifyPath(p) == diagnostics.KindPython {
				files = append(files, p)
			}
			return nil
		})
		if len(files) == 0 {
			continue
		}
		rng := rand.New(rand.NewSource(int64(fi)))
		if _, err := CheckCached([]string{dir}, Overrides{Isolated: true}, cacheDir); err != nil {
			t.Fatal(err)
		}
		for step := 0; step < 12; step++ {
			file := files[rng.Intn(len(files))]
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var what string
			switch rng.Intn(8) {
			case 0:
				// A new module, which may shadow or satisfy what others import.
				names := []string{"config.py", "extensions.py", "views.py", "settings.py", "__init__.py"}
				file = filepath.Join(filepath.Dir(files[rng.Intn(len(files))]), names[rng.Intn(len(names))])
				for {
					if _, err := os.Stat(file); err != nil {
						break
					}
					file = strings.TrimSuffix(file, ".py") + "_2.py"
				}
				what = "created with another file's text"
				files = append(files, file)
			case 1:
				if len(files) > 1 {
					if err := os.Remove(file); err != nil {
						t.Fatal(err)
					}
					for i, f := range files {
						if f == file {
							files = append(files[:i:i], files[i+1:]...)
							break
						}
					}
					what = "deleted"
					break
				}
				fallthrough
			default:
				src, what = mutatePython(rng, string(src))
			}
			if what != "deleted" {
				if err := os.WriteFile(file, src, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got, err := CheckCached([]string{dir}, Overrides{Isolated: true}, cacheDir)
			if err != nil {
				t.Fatal(err)
			}
			if got.Cache.Err != nil {
				t.Fatal(got.Cache.Err)
			}
			want, err := Check([]string{dir}, Overrides{Isolated: true})
			if err != nil {
				t.Fatal(err)
			}
			if g, w := reportOf(t, got), reportOf(t, want); g != w {
				t.Fatalf("%s, step %d: %s in %s\nwith the cache:\n%s\nwithout it:\n%s", fixture, step, what, file, g, w)
			}
			total.Hits += got.Cache.Hits
			total.Reanalysed += got.Cache.Reanalysed
			total.Parsed += got.Cache.Parsed
		}
	}
	t.Logf("cache over all edits: %+v", total)
	// Each path of the cache must have been taken, or the test proves
	// little: files served whole, files whose context changed, and files
	// whose text did.
	if total.Hits == 0 || total.Reanalysed == 0 || total.Parsed == 0 {
		t.Errorf("edits exercised hits %d, reanalysed %d, parsed %d; want each > 0", total.Hits, total.Reanalysed, total.Parsed)
	}
}

var identifier = regexp.MustCompile(`\b[A-Za-z_][A-Za-z_0-9]*\b`)

// mutatePython makes one random edit of the kinds that change what a
// module binds, imports or configures, and says what it did.
func mutatePython(rng *rand.Rand, text string) ([]byte, string) {
	out, what := mutatePythonText(rng, text)
	return []byte(out), what
}

func mutatePythonText(rng *rand.Rand, src string) (string, string) {
	lines := strings.SplitAfter(src, "\n")
	i := rng.Intn(len(lines))
	switch rng.Intn(5) {
	case 0:
		return strings.Join(append(lines[:i:i], lines[i+1:]...), ""), fmt.Sprintf("deleted line %d", i+1)
	case 1:
		return strings.Join(append(lines[:i+1:i+1], lines[i:]...), ""), fmt.Sprintf("doubled line %d", i+1)
	case 2:
		ids := identifier.FindAllStringIndex(src, -1)
		if len(ids) == 0 {
			return src + "x = 1\n", "appended x = 1"
		}
		at := ids[rng.Intn(len(ids))]
		return src[:at[0]] + src[at[0]:at[1]] + "_" + src[at[1]:], fmt.Sprintf("renamed %q at %d", src[at[0]:at[1]], at[0])
	case 3:
		swaps := [][2]string{{"True", "False"}, {"False", "True"}, {"import", "imp0rt"}, {"app", "api"}, {"SECRET", "SECRE"}}
		s := swaps[rng.Intn(len(swaps))]
		return strings.Replace(src, s[0], s[1], 1), fmt.Sprintf("replaced the first %q with %q", s[0], s[1])
	default:
		return "from flask import Flask\nlimiter = None\n" + src, "prepended an import and a binding"
	}
}

// A cache file that is not one (or a truncated one) is reported, ignored
// and replaced: the run's findings are unaffected.
func TestCacheIgnoresBrokenFile(t *testing.T) {
	dir := copyDir(t, "../testdata/projects/blueprints_unprotected")
	cacheDir := filepath.Join(t.TempDir(), "cache")
	cold, err := CheckCached([]string{dir}, Overrides{Isolated: true}, cacheDir)
	if err != nil {
		t.Fatal(err)
	}
	caches, _ := filepath.Glob(filepath.Join(cacheDir, "*.cache"))
	if len(caches) != 1 {
		t.Fatalf("cache files %v, want one", caches)
	}
	good, err := os.ReadFile(caches[0])
	if err != nil {
		t.Fatal(err)
	}
	for name, broken := range map[string][]byte{
		"garbage":   []byte("not a cache"),
		"truncated": good[:len(good)/2],
		"corrupt":   append(append([]byte(nil), good[:len(good)-40]...), bytes.Repeat([]byte{0xff}, 40)...),
	} {
		if err := os.WriteFile(caches[0], broken, 0o644); err != nil {
			t.Fatal(err)
		}
		res, err := CheckCached([]string{dir}, Overrides{Isolated: true}, cacheDir)
		if err != nil {
			t.Fatal(err)
		}
		if res.Cache.Err == nil || !strings.Contains(res.Cache.Err.Error(), "ignoring the cache") {
			t.Errorf("%s: cache error %v, want it ignored and said", name, res.Cache.Err)
		}
		if res.Cache.Hits != 0 || !res.Cache.Written {
			t.Errorf("%s: stats %+v, want no hits and the file rewritten", name, res.Cache)
		}
		if reportOf(t, res) != reportOf(t, cold) {
			t.Errorf("%s: findings differ from the cold run's", name)
		}
		again, err := CheckCached([]string{dir}, Overrides{Isolated: true}, cacheDir)
		if err != nil || again.Cache.Err != nil || again.Cache.Hits != pythonFiles(again) {
			t.Errorf("%s: the run after it: %v, stats %+v", name, err, again.Cache)
		}
	}
}

// The cache directory is tagged as one, ignored by git, and keeps other
// builds' files only while they are in use; entries no run used for a
// month go.
func TestCacheDirectoryHousekeeping(t *testing.T) {
	dir := copyDir(t, "../testdata/projects/factory_dict")
	cacheDir := filepath.Join(t.TempDir(), "cache")
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(cacheDir, "0000000000000000-0000000000000000.cache")
	if err := os.WriteFile(stale, []byte("an older build's"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(cacheDir) // first write creates the directory and its tags
	if _, err := CheckCached([]string{dir}, Overrides{Isolated: true}, cacheDir); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"CACHEDIR.TAG", ".gitignore"} {
		if _, err := os.Stat(filepath.Join(cacheDir, name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := os.WriteFile(stale, []byte("an older build's"), 0o644); err != nil {
		t.Fatal(err)
	}
	weekAgo := time.Now().Add(-otherBuildsMaxAge - time.Hour)
	if err := os.Chtimes(stale, weekAgo, weekAgo); err != nil {
		t.Fatal(err)
	}
	// Another build's recent file stays: two builds may be in use at once.
	recent := filepath.Join(cacheDir, "1111111111111111-0000000000000000.cache")
	if err := os.WriteFile(recent, []byte("another build's"), 0o644); err != nil {
		t.Fatal(err)
	}
	// An entry unused for longer than cacheMaxAge is dropped on the next write.
	c, err := openCache(cacheDir, diagnostics.DefaultSettings())
	if err != nil || len(c.entries) == 0 {
		t.Fatalf("reopened cache: %v, %d entries", err, len(c.entries))
	}
	var old *cacheEntry
	for _, e := range c.entries {
		old = e
		break
	}
	old.Used = c.today - int64(cacheMaxAge.Hours()/24) - 1
	if written, err := c.update(nil, nil); err != nil || !written {
		t.Fatalf("update: written %v, %v", written, err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("another build's cache file, unwritten for a week, is still there: %v", err)
	}
	if _, err := os.Stat(recent); err != nil {
		t.Errorf("another build's recent cache file went: %v", err)
	}
	c2, err := openCache(cacheDir, diagnostics.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	if len(c2.entries) != len(c.entries) || c2.entries[old.key()] != nil {
		t.Errorf("after pruning: %d entries (want %d), the old one kept: %v", len(c2.entries), len(c.entries), c2.entries[old.key()] != nil)
	}
}

// Engine settings the cached findings depend on, and working directories
// (which the paths it holds are relative to), get a file of their own.
func TestCacheKeyedBySettings(t *testing.T) {
	a, b := diagnostics.DefaultSettings(), diagnostics.DefaultSettings()
	b.AssumeExternalConfig = false
	if settingsKey(a, "/w") == settingsKey(b, "/w") {
		t.Error("AssumeExternalConfig does not change the cache's key")
	}
	if settingsKey(a, "/w") == settingsKey(a, "/v") {
		t.Error("the working directory does not change the cache's key")
	}
	if settingsKey(a, "/w") != settingsKey(diagnostics.DefaultSettings(), "/w") || buildKey() != buildKey() {
		t.Error("the keys are not stable")
	}
}

// gob, which writes the cache, skips unexported fields and cannot write
// functions or channels: a fact or finding type that grows one would make
// the cache lose it silently. Interfaces would need registering.
func TestCacheEntryIsEncodable(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var check func(t reflect.Type, path string) []string
	check = func(ty reflect.Type, path string) (bad []string) {
		if seen[ty] {
			return nil
		}
		seen[ty] = true
		switch ty.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array:
			return check(ty.Elem(), path+"[]")
		case reflect.Map:
			return append(check(ty.Key(), path+"{key}"), check(ty.Elem(), path+"{}")...)
		case reflect.Struct:
			for i := 0; i < ty.NumField(); i++ {
				f := ty.Field(i)
				if !f.IsExported() {
					bad = append(bad, path+"."+f.Name+" is unexported")
					continue
				}
				bad = append(bad, check(f.Type, path+"."+f.Name)...)
			}
		case reflect.Interface, reflect.Func, reflect.Chan, reflect.UnsafePointer, reflect.Uintptr:
			bad = append(bad, path+" is a "+ty.Kind().String())
		}
		return bad
	}
	for _, problem := range check(reflect.TypeOf(cacheEntry{}), "cacheEntry") {
		t.Error(problem)
	}
}

// Any bytes as a cache file, and as the gob stream of a chunk whose
// checksum is right: an error or entries, never a panic, and entries it
// accepts analyse without one.
func FuzzDecodeCache(f *testing.F) {
	dir := copyDir(f, "../testdata/projects/blueprints_unprotected")
	cacheDir := f.TempDir()
	if _, err := CheckCached([]string{dir}, Overrides{Isolated: true}, cacheDir); err != nil {
		f.Fatal(err)
	}
	caches, _ := filepath.Glob(filepath.Join(cacheDir, "*.cache"))
	if len(caches) != 1 {
		f.Fatalf("cache files %v", caches)
	}
	good, err := os.ReadFile(caches[0])
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:len(good)/3])
	f.Add(cacheMagic)
	// The first chunk's gob stream, after the magic, the chunk count, the
	// chunk's length and its checksum.
	rest := good[len(cacheMagic):]
	_, k := binary.Uvarint(rest)
	size, k2 := binary.Uvarint(rest[k:])
	f.Add(rest[k+k2+4 : k+k2+4+int(size)])
	f.Fuzz(func(t *testing.T, data []byte) {
		analyse(t, data)
		wrapped := binary.AppendUvarint(append([]byte(nil), cacheMagic...), 1)
		wrapped = binary.AppendUvarint(wrapped, uint64(len(data)))
		wrapped = binary.LittleEndian.AppendUint32(wrapped, crc32.Checksum(data, castagnoli))
		analyse(t, append(wrapped, data...))
	})
}

func analyse(t *testing.T, data []byte) {
	chunks, err := decodeCache(data)
	if err != nil {
		return
	}
	var inputs []diagnostics.Input
	for _, ch := range chunks {
		for _, e := range ch.entries {
			if e.Prior.Symbols == nil {
				t.Fatal("an entry without symbols was accepted")
			}
			inputs = append(inputs, diagnostics.Input{Path: "m.py", Module: e.Module, Src: []byte("x = 1\n"), Prior: &e.Prior})
		}
	}
	diagnostics.NewEngine(diagnostics.DefaultSettings(), nil).AnalyzeAllLearning(inputs)
}

// Runs that share a cache directory at the same time (parallel CI jobs,
// an editor's on-save hook next to pre-commit) leave one whole cache file:
// each writes a temporary file and renames it over the old one.
func TestCacheConcurrentRuns(t *testing.T) {
	dir := copyDir(t, "../testdata/projects/blueprints_unprotected")
	cacheDir := filepath.Join(t.TempDir(), "cache")
	want, err := Check([]string{dir}, Overrides{Isolated: true})
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		go func() {
			res, err := CheckCached([]string{dir}, Overrides{Isolated: true}, cacheDir)
			switch {
			case err != nil:
				errs <- err
			case res.Cache.Err != nil:
				errs <- res.Cache.Err
			case reportOf(t, res) != reportOf(t, want):
				errs <- fmt.Errorf("a concurrent run's findings differ")
			default:
				errs <- nil
			}
		}()
	}
	for i := 0; i < 8; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	res, err := CheckCached([]string{dir}, Overrides{Isolated: true}, cacheDir)
	if err != nil || res.Cache.Err != nil || res.Cache.Hits != pythonFiles(res) {
		t.Errorf("the run after them: %v, cache %+v", err, res.Cache)
	}
	if left, _ := filepath.Glob(filepath.Join(cacheDir, ".tmp-*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// A cache that cannot be written (here its directory is a file) costs the
// run nothing but a warning.
func TestCacheUnwritable(t *testing.T) {
	dir := copyDir(t, "../testdata/projects/factory_dict")
	notADir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notADir, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	want, err := Check([]string{dir}, Overrides{Isolated: true})
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := RunCheck(CheckOptions{Paths: []string{dir}, Overrides: Overrides{Isolated: true}, CacheDir: notADir, Format: "json"}, &stdout, &stderr)
	if code != ExitFindings || !strings.Contains(stderr.String(), "flaskguard: warning: cache:") {
		t.Errorf("exit %d, stderr %q; want 1 and a warning", code, stderr.String())
	}
	if stdout.String() != reportOf(t, want) {
		t.Errorf("the report differs from a run without the cache")
	}
}

// A run that changes one file of many re-encodes only that file's chunk:
// the others are copied from the old file byte for byte, and the file
// still reads back whole.
func TestCacheRewritesOnlyChangedChunks(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{}
	for i := 0; i < 600; i++ {
		files[fmt.Sprintf("pkg/m%03d.py", i)] = fmt.Sprintf("from flask import Flask\napp%d = Flask(__name__)\napp%d.run(debug=True)\n", i, i)
	}
	writeTree(t, dir, files)
	cacheDir := filepath.Join(t.TempDir(), "cache")
	if _, err := CheckCached([]string{dir}, Overrides{Isolated: true}, cacheDir); err != nil {
		t.Fatal(err)
	}
	caches, _ := filepath.Glob(filepath.Join(cacheDir, "*.cache"))
	before, err := os.ReadFile(caches[0])
	if err != nil {
		t.Fatal(err)
	}
	oldChunks, err := decodeCache(before)
	if err != nil {
		t.Fatal(err)
	}
	if len(oldChunks) < 4 {
		t.Fatalf("%d chunks for 600 entries, want several", len(oldChunks))
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(dir, "pkg", "m123.py"), []byte("x = 1\n"), 0o644))
	res, err := CheckCached([]string{dir}, Overrides{Isolated: true}, cacheDir)
	must(err)
	if res.Cache.Parsed != 1 || res.Cache.Hits != 599 || !res.Cache.Written {
		t.Fatalf("cache %+v, want 1 parsed, 599 hits, written", res.Cache)
	}
	after, err := os.ReadFile(caches[0])
	must(err)
	newChunks, err := decodeCache(after)
	must(err)
	old := map[string]bool{}
	for _, ch := range oldChunks {
		old[string(ch.raw)] = true
	}
	copied := 0
	for _, ch := range newChunks {
		if old[string(ch.raw)] {
			copied++
		}
	}
	if copied != len(newChunks)-1 {
		t.Errorf("%d of %d chunks copied as they were, want all but the changed file's", copied, len(newChunks))
	}
	// And what was copied still serves: a third run hits everything.
	res, err = CheckCached([]string{dir}, Overrides{Isolated: true}, cacheDir)
	must(err)
	if res.Cache.Hits != 600 || res.Cache.Written {
		t.Errorf("third run: cache %+v, want 600 hits and no write", res.Cache)
	}
}
