package syntax

/*
#include <stdint.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

void ts_set_allocator(void *(*)(size_t), void *(*)(size_t, size_t), void *(*)(void *, size_t), void (*)(void *));

// go-tree-sitter routes every tree-sitter allocation through a cgo
// callback into Go (which then calls C malloc). Point the library at libc
// directly: same allocator underneath, so memory allocated before the
// switch is freed correctly, without a Go round trip per malloc.
static void fg_use_libc_allocator(void) { ts_set_allocator(malloc, calloc, realloc, free); }

// Declarations of the tree-sitter C API (v0.25 layouts) that
// github.com/tree-sitter/go-tree-sitter compiles and links into the binary.
typedef struct TSTree TSTree;
typedef struct TSParser TSParser;
TSTree *ts_parser_parse_string(TSParser *self, const TSTree *old_tree, const char *string, uint32_t length);
void ts_parser_set_timeout_micros(TSParser *self, uint64_t timeout_micros);
void ts_parser_set_cancellation_flag(TSParser *self, const size_t *flag);
typedef struct { uint32_t context[4]; const void *id; const TSTree *tree; } TSNode;

// fg_parse is ts_parser_parse_string under a wall-clock bound, reporting
// the CPU time the parsing thread got meanwhile (0 when unknown), so that
// the caller can tell a parse too slow from a machine too busy. cancel,
// when not NULL, is polled by tree-sitter during the parse: a non-zero
// value halts it (NULL is returned); it is unset again before returning.
static TSTree *fg_parse(TSParser *p, const TSTree *old, const char *s, uint32_t n, uint64_t timeout_us, uint64_t *cpu_us, const size_t *cancel) {
	ts_parser_set_timeout_micros(p, timeout_us);
	ts_parser_set_cancellation_flag(p, cancel);
	*cpu_us = 0;
	TSTree *t;
#ifdef CLOCK_THREAD_CPUTIME_ID
	struct timespec a, b;
	int ok = clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a) == 0;
	t = ts_parser_parse_string(p, old, s, n);
	if (ok && clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b) == 0) {
		*cpu_us = (uint64_t)(b.tv_sec - a.tv_sec) * 1000000 + (uint64_t)((b.tv_nsec - a.tv_nsec) / 1000);
	}
#else
	t = ts_parser_parse_string(p, old, s, n);
#endif
	ts_parser_set_cancellation_flag(p, NULL);
	return t;
}
typedef struct { const void *tree; const void *id; uint32_t context[3]; } TSTreeCursor;
uint16_t ts_node_symbol(TSNode);
bool ts_node_is_named(TSNode);
bool ts_node_is_missing(TSNode);
bool ts_node_is_extra(TSNode);
bool ts_node_has_error(TSNode);
bool ts_node_is_error(TSNode);
uint32_t ts_node_start_byte(TSNode);
uint32_t ts_node_end_byte(TSNode);
uint32_t ts_node_descendant_count(TSNode);
TSTreeCursor ts_tree_cursor_new(TSNode);
void ts_tree_cursor_delete(TSTreeCursor *);
bool ts_tree_cursor_goto_first_child(TSTreeCursor *);
bool ts_tree_cursor_goto_next_sibling(TSTreeCursor *);
bool ts_tree_cursor_goto_parent(TSTreeCursor *);
TSNode ts_tree_cursor_current_node(const TSTreeCursor *);
uint16_t ts_tree_cursor_current_field_id(const TSTreeCursor *);

typedef struct {
	uint32_t start, end;
	int32_t parent, next;
	uint16_t kind, field;
	uint8_t flags;
} fg_node;

enum { FG_NAMED = 1, FG_MISSING = 2, FG_EXTRA = 4, FG_HAS_ERROR = 8, FG_ERROR = 16 };

// fg_flatten writes the subtree of n in pre-order into out (cap entries)
// with parent and next-sibling links, in one call: walking a tree through
// cgo costs several calls per node, this costs one per subtree.
static int fg_flatten(TSNode n, fg_node *out, int cap) {
	// Per-depth bookkeeping, sized by the node count (depth never exceeds
	// it), so no nesting is too deep to copy.
	int32_t *stack = malloc(sizeof(int32_t) * (size_t)(cap + 1));
	int32_t *parents = malloc(sizeof(int32_t) * (size_t)(cap + 1));
	if (!stack || !parents) { free(stack); free(parents); return 0; }
	TSTreeCursor c = ts_tree_cursor_new(n);
	int count = 0, depth = 0;
	parents[0] = -1;
	for (;;) {
		TSNode cur = ts_tree_cursor_current_node(&c);
		if (count >= cap) break;
		fg_node *f = &out[count];
		f->start = ts_node_start_byte(cur);
		f->end = ts_node_end_byte(cur);
		f->parent = parents[depth];
		f->next = -1;
		f->kind = ts_node_symbol(cur);
		f->field = ts_tree_cursor_current_field_id(&c);
		f->flags = (ts_node_is_named(cur) ? FG_NAMED : 0) | (ts_node_is_missing(cur) ? FG_MISSING : 0) |
			(ts_node_is_extra(cur) ? FG_EXTRA : 0) | (ts_node_has_error(cur) ? FG_HAS_ERROR : 0) |
			(ts_node_is_error(cur) ? FG_ERROR : 0);
		stack[depth] = count;
		count++;
		if (depth + 1 < cap && ts_tree_cursor_goto_first_child(&c)) {
			depth++;
			parents[depth] = count - 1;
			stack[depth] = -1;
			continue;
		}
		for (;;) {
			if (depth == 0) goto done;
			if (ts_tree_cursor_goto_next_sibling(&c)) {
				out[stack[depth]].next = count;
				break;
			}
			ts_tree_cursor_goto_parent(&c);
			depth--;
		}
	}
done:
	ts_tree_cursor_delete(&c);
	free(stack);
	free(parents);
	return count;
}

// fg_children writes n's children (named or not) into out with their
// ranges and symbols, so listing a module's statements is one call.
static int fg_children(TSNode n, TSNode *out, uint32_t *starts, uint32_t *ends, uint16_t *kinds, uint8_t *errs, int cap) {
	TSTreeCursor c = ts_tree_cursor_new(n);
	int count = 0;
	if (ts_tree_cursor_goto_first_child(&c)) {
		do {
			if (count >= cap) break;
			TSNode k = ts_tree_cursor_current_node(&c);
			out[count] = k;
			starts[count] = ts_node_start_byte(k);
			ends[count] = ts_node_end_byte(k);
			kinds[count] = ts_node_symbol(k);
			errs[count] = ts_node_has_error(k) || ts_node_is_error(k) || ts_node_is_missing(k);
			count++;
		} while (ts_tree_cursor_goto_next_sibling(&c));
	}
	ts_tree_cursor_delete(&c);
	return count;
}

uint32_t ts_node_child_count(TSNode);
*/
import "C"

import (
	"context"
	"sync/atomic"
	"unsafe"

	ts "github.com/tree-sitter/go-tree-sitter"
)

const (
	flagNamed    = 1
	flagMissing  = 2
	flagExtra    = 4
	flagHasError = 8
	flagError    = 16
)

// flatNode mirrors fg_node.
type flatNode struct {
	start, end   uint32
	parent, next int32
	kind, field  uint16
	flags        uint8
}

func init() {
	C.fg_use_libc_allocator()
	if unsafe.Sizeof(flatNode{}) != unsafe.Sizeof(C.fg_node{}) {
		panic("syntax: flatNode does not match fg_node")
	}
	if unsafe.Sizeof(ts.Parser{}) != unsafe.Sizeof(uintptr(0)) || unsafe.Sizeof(ts.Tree{}) != unsafe.Sizeof(uintptr(0)) {
		panic("syntax: go-tree-sitter Parser/Tree layout changed")
	}
	if unsafe.Sizeof(ts.Node{}) != unsafe.Sizeof(C.TSNode{}) {
		panic("syntax: TSNode layout changed in go-tree-sitter")
	}
}

// parseString parses src with tree-sitter's string input: the binding's
// Parse reads through a Go callback, a cgo call back into Go per chunk.
// Parser and Tree are single-pointer structs in go-tree-sitter v0.25 (the
// init check below guards that).
func parseString(p *ts.Parser, src []byte, old *ts.Tree, timeoutMicros uint64) *ts.Tree {
	return parseStringUnless(p, src, old, timeoutMicros, nil)
}

// parseStringUnless is parseString that halts (returning nil) once
// *cancel, C memory tree-sitter polls, is non-zero; nil: never.
func parseStringUnless(p *ts.Parser, src []byte, old *ts.Tree, timeoutMicros uint64, cancel *C.size_t) *ts.Tree {
	parser := *(**C.TSParser)(unsafe.Pointer(p))
	var oldC *C.TSTree
	if old != nil {
		oldC = *(**C.TSTree)(unsafe.Pointer(old))
	}
	var ptr *C.char
	if len(src) > 0 {
		ptr = (*C.char)(unsafe.Pointer(&src[0]))
	}
	var t *C.TSTree
	for attempt := 0; ; attempt++ {
		var cpu C.uint64_t
		t = C.fg_parse(parser, oldC, ptr, C.uint32_t(len(src)), C.uint64_t(timeoutMicros), &cpu, cancel)
		if cancel != nil && atomic.LoadUintptr((*uintptr)(unsafe.Pointer(cancel))) != 0 {
			break // cancelled, not timed out: not to be resumed
		}
		// The bound is wall-clock (tree-sitter's): when the thread got less
		// than half of it to run, the machine was busy, not the file slow.
		// Tree-sitter resumes a halted parse where it stopped: give it the
		// same time again, a few times (a busy machine is not an endless one).
		if !resumeParse(t != nil, attempt, uint64(cpu), timeoutMicros) {
			break
		}
		atomic.AddInt64(&parseRetries, 1)
	}
	if t == nil {
		return nil
	}
	out := new(ts.Tree)
	*(**C.TSTree)(unsafe.Pointer(out)) = t
	return out
}

// resumeParse decides whether to resume a parse halted by its wall-clock
// bound: only when the thread ran for less than half of it (cpu 0: not
// measured on this system), at most maxParseRetries times.
func resumeParse(done bool, attempt int, cpuMicros, boundMicros uint64) bool {
	return !done && attempt < maxParseRetries && (cpuMicros == 0 || cpuMicros < boundMicros/2)
}

// maxParseRetries bounds the resumptions of a parse halted on a busy
// machine; parseRetries counts them (read by tests).
const maxParseRetries = 3

var parseRetries int64

// parseCancellable is parse's path for a context that can be done: the
// parse halts (nil) soon after ctx is done. The flag tree-sitter polls is
// C memory (cgo forbids C keeping a Go pointer), set by a goroutine that
// is gone before the flag is freed.
func parseCancellable(ctx context.Context, p *ts.Parser, src []byte, old *ts.Tree, timeoutMicros uint64) (t *ts.Tree, cancelled bool) {
	flag := (*C.size_t)(C.calloc(1, C.size_t(unsafe.Sizeof(C.size_t(0)))))
	if flag == nil {
		return parseString(p, src, old, timeoutMicros), false
	}
	stop, gone := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(gone)
		select {
		case <-ctx.Done():
			atomic.StoreUintptr((*uintptr)(unsafe.Pointer(flag)), 1)
		case <-stop:
		}
	}()
	t = parseStringUnless(p, src, old, timeoutMicros, flag)
	close(stop)
	<-gone
	cancelled = atomic.LoadUintptr((*uintptr)(unsafe.Pointer(flag))) != 0
	C.free(unsafe.Pointer(flag))
	if cancelled && t != nil {
		// Done just as the parse ended: the tree is whole, keep it.
		cancelled = false
	}
	return t, cancelled
}

func cnode(n *ts.Node) C.TSNode { return *(*C.TSNode)(unsafe.Pointer(n)) }

// flatten copies the subtree of n into Go memory.
func flatten(n *ts.Node) []flatNode {
	c := cnode(n)
	count := int(C.ts_node_descendant_count(c))
	out := make([]flatNode, count)
	if count == 0 {
		return out
	}
	got := int(C.fg_flatten(c, (*C.fg_node)(unsafe.Pointer(&out[0])), C.int(count)))
	return out[:got]
}

// child is a child node with its range and kind, read in the same call.
type child struct {
	node       ts.Node
	start, end uint32
	kind       uint16
	hasError   bool
}

// children lists n's children in one call.
func children(n *ts.Node) []child {
	c := cnode(n)
	count := int(C.ts_node_child_count(c))
	if count == 0 {
		return nil
	}
	nodes := make([]ts.Node, count)
	starts := make([]uint32, count)
	ends := make([]uint32, count)
	kinds := make([]uint16, count)
	errs := make([]uint8, count)
	got := int(C.fg_children(c, (*C.TSNode)(unsafe.Pointer(&nodes[0])), (*C.uint32_t)(unsafe.Pointer(&starts[0])),
		(*C.uint32_t)(unsafe.Pointer(&ends[0])), (*C.uint16_t)(unsafe.Pointer(&kinds[0])),
		(*C.uint8_t)(unsafe.Pointer(&errs[0])), C.int(count)))
	out := make([]child, got)
	for i := range out {
		out[i] = child{node: nodes[i], start: starts[i], end: ends[i], kind: kinds[i], hasError: errs[i] != 0}
	}
	return out
}
