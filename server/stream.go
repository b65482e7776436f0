package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"go.lsp.dev/jsonrpc2"
	"go.uber.org/zap"
)

// maxMessageSize bounds one message's body; larger ones are skipped and
// answered with an error rather than read into memory.
const maxMessageSize = 128 << 20

// stream frames LSP messages like jsonrpc2.NewStream, but survives bad
// input: jsonrpc2's own stream returns an error on a malformed header or
// body and its connection then stops for good. Here a malformed message is
// answered with a JSON-RPC error (id null, as the spec says when the id
// cannot be read) and reading goes on with the next message.
type stream struct {
	in  *bufio.Reader
	out io.Writer
	rc  io.Closer
	log *zap.Logger
	mu  sync.Mutex // serialises writes: the conn's and our error replies
	// pending is a header line found inside garbage, to be read next.
	pending string
	// ids are the substitutes of request ids jsonrpc2 would not echo as
	// sent (requestids.go).
	ids requestIDs
}

func newStream(r io.Reader, w io.Writer, c io.Closer, log *zap.Logger) *stream {
	return &stream{in: bufio.NewReaderSize(r, 64<<10), out: w, rc: c, log: log}
}

// Read returns the next well-formed message. It fails only when the input
// ends or breaks.
func (s *stream) Read(ctx context.Context) (jsonrpc2.Message, int64, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		body, n, err := s.readFrame()
		if err != nil {
			if err == errSkip {
				continue
			}
			return nil, n, err
		}
		msg, err := jsonrpc2.DecodeMessage(body)
		msg, err = s.ids.decode(body, msg, err)
		if err != nil {
			s.log.Warn("malformed message", zap.Error(err), zap.Int("bytes", len(body)))
			code := jsonrpc2.ParseError
			if json.Valid(body) {
				code = jsonrpc2.InvalidRequest
			}
			s.replyError(ctx, idOf(body), jsonrpc2.NewError(code, err.Error()))
			continue
		}
		return msg, n, nil
	}
}

var errSkip = fmt.Errorf("skip")

// maxHeaderLine bounds what is kept of one header line: a longer line is
// garbage, of which only the tail is kept (where a header may resume).
const maxHeaderLine = 8 << 10

// readFrame reads headers and body. A frame with bad headers is reported
// and skipped (errSkip); the input's end is io.EOF.
//
// Reading resynchronises on the next "Content-Length:" header: bytes left
// over from a body whose Content-Length was too small or too large, or from
// a frame with bad headers, run into the next frame's first header line
// (bodies have no line break of their own), so a header found inside a line
// starts a new frame there, and so does a Content-Length line that follows
// garbage. Memory stays bounded: a line longer than maxHeaderLine keeps
// only its tail.
func (s *stream) readFrame() ([]byte, int64, error) {
	var total, length int64 = 0, -1
	bad, headers := "", false
	skip := func() ([]byte, int64, error) {
		s.log.Warn("skipping malformed message", zap.String("reason", bad))
		s.replyError(context.Background(), nil, jsonrpc2.NewError(jsonrpc2.ParseError, bad))
		return nil, total, errSkip
	}
	for {
		line, n, err := s.readLine()
		total += n
		if err != nil {
			if err == io.EOF && strings.TrimSpace(line) != "" {
				s.log.Warn("input ended inside a message header", zap.String("partial", truncate(line, 80)))
			}
			return nil, total, err
		}
		if i := indexContentLength(line); i > 0 || i == 0 && bad != "" {
			// A header after garbage: report the garbage, and read the new
			// frame from here. The header is left for the next call.
			if bad == "" {
				bad = fmt.Sprintf("unexpected bytes before a header: %q", truncate(line[:i], 40))
			}
			s.pending = line[i:]
			return skip()
		}
		line = strings.TrimSpace(line)
		if line == "" {
			if !headers && bad == "" {
				continue // stray blank line between messages
			}
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok || !isToken(name) {
			if bad == "" {
				bad = fmt.Sprintf("invalid header line %q", truncate(line, 80))
			}
			continue
		}
		headers = true
		if strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
			v, err := strconv.ParseInt(strings.TrimSpace(value), 10, 64)
			if err != nil || v <= 0 {
				if bad == "" {
					bad = fmt.Sprintf("invalid Content-Length %q", truncate(value, 40))
				}
				continue
			}
			length = v
		}
	}
	if bad == "" && length < 0 {
		bad = "missing Content-Length header"
	}
	if bad != "" {
		return skip()
	}
	if length > maxMessageSize {
		s.log.Warn("skipping oversized message", zap.Int64("bytes", length))
		if _, err := io.CopyN(io.Discard, s.in, length); err != nil {
			return nil, total, err
		}
		s.replyError(context.Background(), nil, jsonrpc2.NewError(jsonrpc2.InvalidRequest,
			fmt.Sprintf("message of %d bytes exceeds the %d-byte limit", length, maxMessageSize)))
		return nil, total + length, errSkip
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(s.in, body); err != nil {
		s.log.Warn("input ended inside a message body", zap.Int64("want", length))
		return nil, total, io.EOF
	}
	return body, total + length, nil
}

// readLine returns the next line with its line break (a line left over by
// a resynchronisation first), keeping at most maxHeaderLine bytes of it,
// and the number of bytes consumed.
func (s *stream) readLine() (string, int64, error) {
	if s.pending != "" {
		line := s.pending
		s.pending = ""
		return line, 0, nil
	}
	var buf []byte
	var n int64
	for {
		chunk, err := s.in.ReadSlice('\n')
		n += int64(len(chunk))
		buf = append(buf, chunk...)
		if len(buf) > maxHeaderLine {
			buf = append(buf[:0], buf[len(buf)-maxHeaderLine:]...)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		return string(buf), n, err
	}
}

// indexContentLength finds a Content-Length header in line (any case), -1
// if there is none.
func indexContentLength(line string) int {
	const h = "content-length:"
	for i := 0; i+len(h) <= len(line); i++ {
		if line[i]|0x20 == 'c' && strings.EqualFold(line[i:i+len(h)], h) {
			return i
		}
	}
	return -1
}

// isToken reports whether name is an HTTP header field name.
func isToken(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

// Write frames msg. A response to a request whose id was substituted
// goes out with the id as the client sent it.
func (s *stream) Write(ctx context.Context, msg jsonrpc2.Message) (int64, error) {
	if data, ok, err := s.ids.encode(msg); ok {
		if err != nil {
			return 0, err
		}
		return s.writeRaw(data)
	}
	data, err := json.Marshal(msg)
	if err != nil {
		return 0, fmt.Errorf("marshaling message: %w", err)
	}
	return s.writeRaw(data)
}

func (s *stream) writeRaw(data []byte) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "Content-Length: %d\r\n\r\n", len(data))
	buf.Write(data)
	n, err := s.out.Write(buf.Bytes())
	return int64(n), err
}

// Close closes the input.
func (s *stream) Close() error {
	if s.rc != nil {
		return s.rc.Close()
	}
	return nil
}

// replyError answers a message that never reached the connection.
func (s *stream) replyError(_ context.Context, id json.RawMessage, e *jsonrpc2.Error) {
	if id == nil {
		id = json.RawMessage("null")
	}
	data, _ := json.Marshal(struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Error   *jsonrpc2.Error `json:"error"`
	}{"2.0", id, e})
	if _, err := s.writeRaw(data); err != nil {
		s.log.Warn("writing error reply", zap.Error(err))
	}
}

// idOf digs a usable id out of a body that failed to decode, so that a
// request with bad params still gets its error under its own id.
func idOf(body []byte) json.RawMessage {
	var probe struct {
		ID     json.RawMessage `json:"id"`
		Method *string         `json:"method"`
	}
	if json.Unmarshal(body, &probe) != nil || len(probe.ID) == 0 {
		return nil
	}
	switch probe.ID[0] {
	case '"', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return probe.ID
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
