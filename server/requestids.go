package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"go.lsp.dev/jsonrpc2"
)

// JSON-RPC 2.0 wants a response's id to equal its request's, but
// go.lsp.dev/jsonrpc2 keeps an id as a string or an int32 and loses some:
// the string "" becomes the number 0 (its ID uses the number when the
// name is empty), "-0" becomes 0, a number beyond int32 or written with a
// fraction or an exponent (1.5, 1e3) makes the whole message undecodable,
// and a string is re-encoded on the way out (escapes and HTML characters
// change). So the stream hands the library a substitute for every request
// id it might not echo as sent — every string id, and every number other
// than a nonzero int32 — and writes the response with the id's bytes as
// the client sent them.
//
// Substitutes are strings ("flaskguard-id:N"). No client id reaches the
// library as a string (they are all substituted), so a substitute cannot
// collide with a client's id. A $/cancelRequest naming a substituted id is
// translated to the substitute, so cancellation keeps working.
type requestIDs struct {
	mu    sync.Mutex
	next  uint64
	sent  map[string]json.RawMessage // substitute → the id as sent
	byKey map[string]string          // idKey of the id as sent → its latest substitute
}

const substitutePrefix = "flaskguard-id:"

// needsSubstitute reports whether the library might not echo raw (a
// request's id, as sent) byte for byte.
func needsSubstitute(raw json.RawMessage) bool {
	if len(raw) == 0 {
		return false
	}
	switch c := raw[0]; {
	case c == '"':
		return true
	case c == '-' || c >= '0' && c <= '9':
		v, err := strconv.ParseInt(string(raw), 10, 32)
		return err != nil || v == 0 || strconv.FormatInt(v, 10) != string(raw)
	}
	return false // null (a notification), or not an id at all: left to the library
}

// idKey identifies an id by value, for matching $/cancelRequest: strings
// by their decoded text, numbers as written.
func idKey(raw json.RawMessage) string {
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return "s" + s
		}
	}
	return "n" + string(raw)
}

// substitute decodes a request (a message with a method) whose id needs a
// substitute, with that substitute in its place. ok is false when the
// message is not such a request or does not decode even so.
func (t *requestIDs) substitute(body []byte) (msg jsonrpc2.Message, ok bool) {
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) != nil {
		return nil, false
	}
	raw, hasID := obj["id"]
	if _, hasMethod := obj["method"]; !hasID || !hasMethod || !needsSubstitute(raw) {
		return nil, false
	}
	t.mu.Lock()
	if t.sent == nil {
		t.sent, t.byKey = map[string]json.RawMessage{}, map[string]string{}
	}
	t.next++
	sub := substitutePrefix + strconv.FormatUint(t.next, 10)
	t.sent[sub] = append(json.RawMessage(nil), raw...)
	t.byKey[idKey(raw)] = sub
	t.mu.Unlock()
	obj["id"], _ = json.Marshal(sub)
	data, err := json.Marshal(obj)
	if err == nil {
		msg, err = jsonrpc2.DecodeMessage(data)
	}
	if err != nil {
		t.take(sub)
		return nil, false
	}
	return msg, true
}

// take returns (and forgets) the id as sent of a substitute.
func (t *requestIDs) take(sub string) (json.RawMessage, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	raw, ok := t.sent[sub]
	if !ok {
		return nil, false
	}
	delete(t.sent, sub)
	if k := idKey(raw); t.byKey[k] == sub {
		delete(t.byKey, k)
	}
	return raw, true
}

// cancel translates a $/cancelRequest naming a substituted id in flight.
func (t *requestIDs) cancel(n *jsonrpc2.Notification) jsonrpc2.Message {
	var params map[string]json.RawMessage
	if json.Unmarshal(n.Params(), &params) != nil {
		return n
	}
	raw, ok := params["id"]
	if !ok {
		return n
	}
	t.mu.Lock()
	sub, ok := t.byKey[idKey(raw)]
	t.mu.Unlock()
	if !ok {
		return n
	}
	params["id"], _ = json.Marshal(sub)
	data, err := json.Marshal(params)
	if err != nil {
		return n
	}
	if m, err := jsonrpc2.NewNotification(n.Method(), json.RawMessage(data)); err == nil {
		return m
	}
	return n
}

// decode is the stream's hook after jsonrpc2.DecodeMessage: msg and err
// are its results for body.
func (t *requestIDs) decode(body []byte, msg jsonrpc2.Message, err error) (jsonrpc2.Message, error) {
	if err == nil {
		switch m := msg.(type) {
		case *jsonrpc2.Call:
			// A nonzero number is the one id the library decodes only from
			// its canonical form, and echoes as such.
			if id := fmt.Sprintf("%q", m.ID()); strings.HasPrefix(id, "#") && id != "#0" {
				return msg, nil
			}
		case *jsonrpc2.Notification:
			if m.Method() == "$/cancelRequest" {
				return t.cancel(m), nil
			}
			return msg, nil
		default:
			return msg, nil
		}
	}
	if m, ok := t.substitute(body); ok {
		return m, nil
	}
	return msg, err
}

// encode writes a response to a substituted request with the id as sent;
// ok is false for any other message.
func (t *requestIDs) encode(msg jsonrpc2.Message) (data []byte, ok bool, err error) {
	r, isResponse := msg.(*jsonrpc2.Response)
	if !isResponse {
		return nil, false, nil
	}
	sub := fmt.Sprint(r.ID()) // a number prints as digits, never as a substitute
	if !strings.HasPrefix(sub, substitutePrefix) {
		return nil, false, nil
	}
	raw, found := t.take(sub)
	if !found {
		return nil, false, nil
	}
	w := struct {
		JSONRPC string           `json:"jsonrpc"`
		Result  *json.RawMessage `json:"result,omitempty"`
		Error   *jsonrpc2.Error  `json:"error,omitempty"`
	}{JSONRPC: "2.0"}
	if e := r.Err(); e != nil {
		var rpc *jsonrpc2.Error
		if !errors.As(e, &rpc) {
			rpc = &jsonrpc2.Error{Message: e.Error()}
		}
		w.Error = rpc
	} else {
		res := json.RawMessage(r.Result())
		if len(res) == 0 {
			res = json.RawMessage("null")
		}
		w.Result = &res
	}
	data, err = json.Marshal(w)
	if err != nil {
		return nil, true, fmt.Errorf("marshaling response: %w", err)
	}
	// The id last, as jsonrpc2 writes it, in the client's own bytes.
	data = append(data[:len(data)-1], `,"id":`...)
	data = append(data, raw...)
	return append(data, '}'), true, nil
}
