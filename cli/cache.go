package cli

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"hash/fnv"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"github.com/flaskguard/flaskguard/diagnostics"
)

// check's persistent cache, like Ruff's: for each Python file, keyed by
// path, module and a hash of its text, what a later run may reuse (the
// facts the project model and the other files' contexts are built from,
// and the statement rules' findings with the fingerprint of the context
// they were computed in; see diagnostics.Prior). A warm run parses only
// the files whose text or context changed; the project rules always run.
//
// One file per build and engine settings in the cache directory; entries
// of files a run did not look at are kept for other runs (pre-commit
// passes a few files at a time) until unused for cacheMaxAge.

// cacheSchema changes when what an entry means changes in a way the build
// key would not catch (it catches any other build of flaskguard).
const cacheSchema = 2

// DefaultCacheDir is where check keeps its cache unless told otherwise:
// flaskguard's directory in the user's cache directory ($XDG_CACHE_HOME,
// ~/.cache), like Go's build cache, and not in the project as Ruff's
// .ruff_cache is: a security check must not take its findings from a file
// someone committed to the repository it checks. "" when there is no such
// directory (check then runs without a cache).
func DefaultCacheDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "flaskguard")
}

// cacheMaxAge is how long an entry no run used is kept.
const cacheMaxAge = 30 * 24 * time.Hour

var cacheMagic = []byte("flaskguard cache\n")

// CacheStats says what the cache did in a run.
type CacheStats struct {
	Enabled bool
	// Loaded: entries read from the cache file; Hits: Python files served
	// from it with their findings; Reanalysed: files whose text was cached
	// but whose context changed, so their statement rules ran again;
	// Parsed: Python files analysed from scratch.
	Loaded, Hits, Reanalysed, Parsed int
	Written                          bool  // the cache file was rewritten
	Err                              error // reading (ignored: the run goes on without) or writing failed
}

type cacheEntry struct {
	Path, Module string
	Hash         [sha256.Size]byte
	Used         int64 // unix day of the last run that used it
	Prior        diagnostics.Prior
}

func (e *cacheEntry) key() string { return e.Path + "\x00" + e.Module }

// resultCache is the cache of one check run.
type resultCache struct {
	file    string // path of the cache file
	entries map[string]*cacheEntry
	today   int64
	// The file's chunks as read, by their entries' keys (see chunkID), and
	// the entries this run changed: a chunk none of whose entries changed
	// is written back as it was read, not encoded again.
	chunks map[string][]byte
	dirty  map[*cacheEntry]bool
}

// openCache reads dir's cache file for this build, settings and working
// directory (the paths entries are keyed by are relative to it). A missing,
// unreadable or foreign file gives an empty cache (and the reason, for a
// file that exists): a run never fails for its cache.
func openCache(dir string, settings diagnostics.Settings) (*resultCache, error) {
	wd, _ := os.Getwd()
	name := buildKey()[:16] + "-" + settingsKey(settings, wd)[:16] + ".cache"
	c := &resultCache{file: filepath.Join(dir, name), entries: map[string]*cacheEntry{}, today: time.Now().Unix() / 86400,
		chunks: map[string][]byte{}, dirty: map[*cacheEntry]bool{}}
	data, err := os.ReadFile(c.file)
	if errors.Is(err, os.ErrNotExist) {
		return c, nil
	}
	if err == nil {
		var chunks []decodedChunk
		if chunks, err = decodeCache(data); err == nil {
			for _, ch := range chunks {
				for _, e := range ch.entries {
					c.entries[e.key()] = e
				}
				c.chunks[chunkID(ch.entries)] = ch.raw
			}
		}
	}
	if err != nil {
		return c, fmt.Errorf("ignoring the cache %s: %w", c.file, err)
	}
	return c, nil
}

// lookup returns the entry for a file's text, or nil.
func (c *resultCache) lookup(path, module string, hash [sha256.Size]byte) *cacheEntry {
	e := c.entries[path+"\x00"+module]
	if e == nil || e.Hash != hash {
		return nil
	}
	return e
}

// update records what a run learned about its files and writes the cache
// file if anything changed. learned[i] is nil for files with nothing to
// keep (their old entry goes too).
func (c *resultCache) update(files []*projectFile, learned []*diagnostics.Prior) (written bool, err error) {
	changed := false
	for i, f := range files {
		k := f.path + "\x00" + f.module
		old := c.entries[k]
		switch {
		case learned[i] == nil:
			if old != nil {
				delete(c.entries, k)
				changed = true
			}
		case old != nil && old.Hash == f.hash && &old.Prior == learned[i]:
			if old.Used != c.today {
				old.Used, changed = c.today, true
				c.dirty[old] = true
			}
		default:
			e := &cacheEntry{Path: f.path, Module: f.module, Hash: f.hash, Used: c.today, Prior: *learned[i]}
			c.entries[k], changed = e, true
			c.dirty[e] = true
		}
	}
	oldest := c.today - int64(cacheMaxAge/(24*time.Hour))
	entries := make([]*cacheEntry, 0, len(c.entries))
	for k, e := range c.entries {
		if e.Used < oldest {
			delete(c.entries, k)
			changed = true
			continue
		}
		entries = append(entries, e)
	}
	if !changed {
		return false, nil
	}
	data, err := encodeCache(entries, func(chunk []*cacheEntry) []byte {
		for _, e := range chunk {
			if c.dirty[e] {
				return nil
			}
		}
		return c.chunks[chunkID(chunk)]
	})
	if err != nil {
		return false, err
	}
	if err := writeCacheFile(c.file, data); err != nil {
		return false, err
	}
	return true, nil
}

// The file: the magic line, then chunks of entries, each a length, a
// CRC-32C (a damaged file is detected, not decoded into wrong facts) and a
// gob stream; chunks decode on all cores. Entries are sorted by key and a
// chunk ends after a key whose hash says so (about one in 64, at most
// maxChunk entries): a file added, changed or removed changes only
// its own chunk, and the others are copied from the old file as they were.
const maxChunk = 256

// chunkID identifies a chunk by its entries' keys.
func chunkID(chunk []*cacheEntry) string {
	h := sha256.New()
	for _, e := range chunk {
		h.Write([]byte(e.key()))
		h.Write([]byte{0xff})
	}
	return string(h.Sum(nil))
}

// chunkEnds reports a key after which a chunk ends.
func chunkEnds(key string) bool {
	h := fnv.New64a()
	h.Write([]byte(key))
	return h.Sum64()>>58 == 0 // the top 6 bits (FNV's low ones mix badly): one in 64
}

// encodeCache writes entries; reuse returns the raw bytes of a chunk read
// earlier with the same entries, unchanged, or nil to encode it.
func encodeCache(entries []*cacheEntry, reuse func([]*cacheEntry) []byte) ([]byte, error) {
	sort.Slice(entries, func(i, j int) bool { return entries[i].key() < entries[j].key() })
	var groups [][]*cacheEntry
	start := 0
	for i, e := range entries {
		if i+1 == len(entries) || i+1-start == maxChunk || chunkEnds(e.key()) {
			groups = append(groups, entries[start:i+1])
			start = i + 1
		}
	}
	chunks := make([][]byte, len(groups))
	errs := make([]error, len(groups))
	diagnostics.Parallel(len(groups), func(i int) {
		if reuse != nil {
			if raw := reuse(groups[i]); raw != nil {
				chunks[i] = raw
				return
			}
		}
		var b bytes.Buffer
		errs[i] = gob.NewEncoder(&b).Encode(groups[i])
		chunks[i] = b.Bytes()
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	out := append([]byte(nil), cacheMagic...)
	out = binary.AppendUvarint(out, uint64(len(chunks)))
	for _, ch := range chunks {
		out = binary.AppendUvarint(out, uint64(len(ch)))
		out = binary.LittleEndian.AppendUint32(out, crc32.Checksum(ch, castagnoli))
		out = append(out, ch...)
	}
	return out, nil
}

// decodedChunk is one chunk of a cache file: its gob stream and entries.
type decodedChunk struct {
	raw     []byte
	entries []*cacheEntry
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func decodeCache(data []byte) ([]decodedChunk, error) {
	rest, ok := bytes.CutPrefix(data, cacheMagic)
	if !ok {
		return nil, errors.New("not a flaskguard cache file")
	}
	var chunks [][]byte
	n, k := binary.Uvarint(rest)
	if k <= 0 || n > uint64(len(rest)) {
		return nil, errors.New("truncated")
	}
	rest = rest[k:]
	var sums []uint32
	for ; n > 0; n-- {
		size, k := binary.Uvarint(rest)
		if k <= 0 || len(rest)-k < 4 || size > uint64(len(rest)-k-4) {
			return nil, errors.New("truncated")
		}
		sums = append(sums, binary.LittleEndian.Uint32(rest[k:]))
		chunks = append(chunks, rest[k+4:k+4+int(size)])
		rest = rest[k+4+int(size):]
	}
	if len(rest) > 0 {
		return nil, errors.New("trailing bytes")
	}
	decoded := make([][]*cacheEntry, len(chunks))
	errs := make([]error, len(chunks))
	diagnostics.Parallel(len(chunks), func(i int) {
		if crc32.Checksum(chunks[i], castagnoli) != sums[i] {
			errs[i] = fmt.Errorf("chunk %d is damaged", i)
			return
		}
		errs[i] = gob.NewDecoder(bytes.NewReader(chunks[i])).Decode(&decoded[i])
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	out := make([]decodedChunk, len(chunks))
	for i, d := range decoded {
		for _, e := range d {
			if e == nil || e.Prior.Symbols == nil {
				return nil, errors.New("an entry without symbols")
			}
		}
		out[i] = decodedChunk{raw: chunks[i], entries: d}
	}
	return out, nil
}

// writeCacheFile replaces the cache file atomically (a concurrent run
// reads the old one or the new one, never half of it), creating the
// directory tagged as a cache that git ignores, and removes the cache
// files of other builds that no run wrote for a week.
func writeCacheFile(file string, data []byte) error {
	dir := filepath.Dir(file)
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		// As Ruff and pytest do: backup tools skip it, git ignores it.
		_ = os.WriteFile(filepath.Join(dir, "CACHEDIR.TAG"), []byte("Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by flaskguard.\n"), 0o644)
		_ = os.WriteFile(filepath.Join(dir, ".gitignore"), []byte("# Created by flaskguard automatically.\n*\n"), 0o644)
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	w := bufio.NewWriter(tmp)
	_, err = w.Write(data)
	if err == nil {
		err = w.Flush()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), file)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return err
	}
	build := strings.SplitN(filepath.Base(file), "-", 2)[0]
	if others, _ := filepath.Glob(filepath.Join(dir, "*.cache")); len(others) > 0 {
		for _, o := range others {
			// Not at once: two builds in use side by side (the one
			// pre-commit installed and another) would each delete the
			// other's cache on every run.
			if info, err := os.Stat(o); err == nil && !strings.HasPrefix(filepath.Base(o), build+"-") &&
				time.Since(info.ModTime()) > otherBuildsMaxAge {
				os.Remove(o)
			}
		}
	}
	return nil
}

// otherBuildsMaxAge is how long a cache file of another build of
// flaskguard is kept after its last write.
const otherBuildsMaxAge = 7 * 24 * time.Hour

// buildKey identifies this build of flaskguard: a release or a clean
// checkout by version and commit; anything else (a modified checkout, go
// run, a test binary) by its executable's path, size and time too, so that
// changed rules never read findings an older build cached.
func buildKey() string {
	h := sha256.New()
	fmt.Fprintln(h, cacheSchema, runtime.Version(), Version, runtime.GOOS, runtime.GOARCH)
	exact := false
	if bi, ok := debug.ReadBuildInfo(); ok {
		fmt.Fprintln(h, bi.Main.Path, bi.Main.Version, bi.Main.Sum)
		revision, modified := "", true
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.modified":
				modified = s.Value != "false"
			}
		}
		fmt.Fprintln(h, revision, modified)
		exact = revision != "" && !modified || bi.Main.Version != "" && bi.Main.Version != "(devel)"
	}
	if !exact {
		exe, err := os.Executable()
		if err == nil {
			var st os.FileInfo
			if st, err = os.Stat(exe); err == nil {
				fmt.Fprintln(h, exe, st.Size(), st.ModTime().UnixNano())
			}
		}
		if err != nil {
			fmt.Fprintln(h, time.Now().UnixNano()) // no key to trust: never reuse
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// settingsKey identifies the engine settings findings depend on before
// each file's select, ignore and severities are applied (which the cache
// leaves to every run), and the working directory.
func settingsKey(s diagnostics.Settings, wd string) string {
	h := sha256.New()
	fmt.Fprintln(h, wd, s.AssumeExternalConfig, s.Select, s.Ignore)
	keys := make([]string, 0, len(s.Severity))
	for k, v := range s.Severity {
		keys = append(keys, fmt.Sprint(k, "=", v))
	}
	sort.Strings(keys)
	fmt.Fprintln(h, keys)
	return hex.EncodeToString(h.Sum(nil))
}
