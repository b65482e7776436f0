package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"go.lsp.dev/jsonrpc2"
)

// Ids jsonrpc2 would not echo as sent get a substitute; the response goes
// out with the original bytes (a result, an RPC error or a plain error),
// once, and $/cancelRequest naming the id by value reaches the substitute.
func TestRequestIDsRoundTrip(t *testing.T) {
	var ids requestIDs
	results := []struct {
		err  error
		want string // the reply without its id
	}{
		{nil, `{"jsonrpc":"2.0","result":{"ok":1}`},
		{jsonrpc2.NewError(jsonrpc2.MethodNotFound, "no"), `{"jsonrpc":"2.0","error":{"code":-32601,"message":"no"}`},
		{errors.New("plain"), `{"jsonrpc":"2.0","error":{"code":0,"message":"plain"}`},
	}
	for _, tc := range []struct {
		id         string
		substitute bool
	}{
		{`7`, false}, {`-1`, false}, {`2147483647`, false},
		{`0`, true}, {`-0`, true}, {`""`, true}, {`"7"`, true}, {`"\u0041"`, true}, {`"<>"`, true},
		{`1.5e3`, true}, {`2147483648`, true}, {`1E400`, true},
	} {
		for _, res := range results {
			body := []byte(`{"jsonrpc":"2.0","id":` + tc.id + `,"method":"m","params":{"x":1}}`)
			msg, err := jsonrpc2.DecodeMessage(body)
			msg, err = ids.decode(body, msg, err)
			if err != nil {
				t.Fatalf("id %s: %v", tc.id, err)
			}
			call := msg.(*jsonrpc2.Call)
			if got := fmt.Sprint(call.ID()); (got != tc.id) != tc.substitute {
				t.Errorf("id %s: the library sees %s", tc.id, got)
			}
			if string(call.Params()) != `{"x":1}` {
				t.Errorf("id %s: params %s", tc.id, call.Params())
			}
			if tc.substitute {
				cancel, _ := jsonrpc2.NewNotification("$/cancelRequest", json.RawMessage(`{"id":`+tc.id+`}`))
				got, _ := ids.decode(nil, cancel, nil)
				var p struct{ ID jsonrpc2.ID }
				if err := json.Unmarshal(got.(*jsonrpc2.Notification).Params(), &p); err != nil || fmt.Sprint(p.ID) != fmt.Sprint(call.ID()) {
					t.Errorf("id %s: cancel names %v (%v), want %v", tc.id, p.ID, err, call.ID())
				}
			}
			resp, _ := jsonrpc2.NewResponse(call.ID(), map[string]int{"ok": 1}, res.err)
			data, ok, err := ids.encode(resp)
			if ok != tc.substitute || err != nil {
				t.Fatalf("id %s: encode ok=%v err=%v", tc.id, ok, err)
			}
			if ok && string(data) != res.want+`,"id":`+tc.id+`}` {
				t.Errorf("id %s: reply %s", tc.id, data)
			}
			if _, again, _ := ids.encode(resp); again {
				t.Errorf("id %s: substitute still known after its reply", tc.id)
			}
		}
	}
	if len(ids.sent) != 0 || len(ids.byKey) != 0 {
		t.Errorf("left: %d substitutes, %d keys", len(ids.sent), len(ids.byKey))
	}
}
