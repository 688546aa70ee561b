package client

import (
	"encoding/json"
	"testing"
	"time"

	"tongban/sync/protocol"
)

const (
	idA = "01a241e9-66c1-7357-a4f6-980d5158927f"
	idB = "01a241e9-66cf-7af3-b2fe-f04992aa58b2"
)

func TestDecodeErrorKeepsPlatformCode(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		code   string
	}{
		{"platform body", 412, `{"error":{"code":"ECURSOR","message":"m","zh":"游标"}}`, protocol.ECURSOR},
		{"no body", 401, ``, protocol.EUNAUTHORIZED},
		{"html from a proxy", 502, `<html>bad gateway</html>`, protocol.EINTERNAL},
		{"tus checksum", 460, `ECHECKSUM`, ECHECKSUM},
		{"trailing garbage", 409, `{"error":{"code":"ECONFLICT","message":"m","zh":"z"}} x`, protocol.ECONFLICT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := decodeError(tt.status, []byte(tt.body))
			if got, want := e.Code, tt.code; got != want {
				t.Fatalf("code %q, want %q", got, want)
			}
			if e.Zh == "" {
				t.Fatal("no Chinese message")
			}
		})
	}
}

func TestValidatePushRejectsMismatchedAnswers(t *testing.T) {
	req := protocol.PushRequest{Actions: []protocol.Action{{ID: idA}, {ID: idB}}}
	ok := protocol.PushResponse{Actions: []protocol.ItemResult{{ID: idA, Status: "created"}, {ID: idB, Status: "duplicate"}}}
	if err := validatePush(req, ok); err != nil {
		t.Fatalf("valid answer refused: %v", err)
	}
	bad := []protocol.PushResponse{
		{Actions: ok.Actions[:1]},
		{Actions: []protocol.ItemResult{ok.Actions[1], ok.Actions[0]}},
		{Actions: []protocol.ItemResult{{ID: idA, Status: "maybe"}, ok.Actions[1]}},
		{Actions: []protocol.ItemResult{{ID: idA, Status: "rejected"}, ok.Actions[1]}},
	}
	for i, b := range bad {
		if err := validatePush(req, b); err == nil {
			t.Fatalf("answer %d accepted", i)
		}
	}
}

func TestValidatePullOrder(t *testing.T) {
	a := protocol.StoredAction{Action: protocol.Action{ID: idA, CaseID: idB, Kind: "received"}, Seq: 5, CaseVersion: 1}
	b := a
	b.ID, b.Seq = idB, 4
	if err := validatePull(protocol.PullResponse{Cursor: "c", Actions: []protocol.StoredAction{a}}); err != nil {
		t.Fatal(err)
	}
	if err := validatePull(protocol.PullResponse{Cursor: "c", Actions: []protocol.StoredAction{a, b}}); err == nil {
		t.Fatal("out-of-order batch accepted")
	}
	if err := validatePull(protocol.PullResponse{Actions: []protocol.StoredAction{a}}); err == nil {
		t.Fatal("batch without cursor accepted")
	}
}

func TestBackoffGrowsWithJitterWithinBounds(t *testing.T) {
	s := New(Config{Store: nil, MinBackoff: time.Second, MaxBackoff: 8 * time.Second, Seed: 7})
	var prev time.Duration
	for i := range 10 {
		d := s.nextBackoff(prev)
		lo := min(s.cfg.MinBackoff<<i, s.cfg.MaxBackoff) / 2
		if d < lo/2 || d > s.cfg.MaxBackoff {
			t.Fatalf("step %d: backoff %v outside [%v, %v]", i, d, lo/2, s.cfg.MaxBackoff)
		}
		prev = d
	}
}

func FuzzDecodeError(f *testing.F) {
	f.Add(412, []byte(`{"error":{"code":"ECURSOR","message":"m","zh":"z"}}`))
	f.Add(500, []byte(`{"error":null}`))
	f.Add(460, []byte{})
	f.Fuzz(func(t *testing.T, status int, b []byte) {
		e := decodeError(status, b)
		if e == nil || e.Code == "" || e.Zh == "" {
			t.Fatalf("decodeError(%d, %q) = %+v", status, b, e)
		}
	})
}

func FuzzDecodePushAnswer(f *testing.F) {
	req := protocol.PushRequest{Cases: []protocol.Case{{ID: idB}}, Actions: []protocol.Action{{ID: idA}}}
	good, _ := json.Marshal(protocol.PushResponse{Cases: []protocol.ItemResult{{ID: idB, Status: "created"}},
		Actions: []protocol.ItemResult{{ID: idA, Status: "duplicate", Seq: 3, ReceivedAt: "2026-03-02T09:00:00Z"}}})
	f.Add(good)
	f.Add([]byte(`{"cases":[],"actions":[]}`))
	f.Add([]byte(`{"cases":[{"id":"x","status":"rejected"}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var resp protocol.PushResponse
		if err := decodeInto(b, &resp); err != nil {
			return
		}
		if validatePush(req, resp) != nil {
			return
		}
		// An accepted answer can be used without panics: one result per item.
		if len(resp.Actions) != 1 || resp.Actions[0].ID != idA || len(resp.Cases) != 1 {
			t.Fatalf("validated answer does not match the request: %+v", resp)
		}
		if !stored(resp.Actions[0].Status) && resp.Actions[0].Error == nil {
			t.Fatal("refusal without error validated")
		}
	})
}

func FuzzDecodePull(f *testing.F) {
	good, _ := json.Marshal(protocol.PullResponse{Cursor: "abc", Actions: []protocol.StoredAction{{Action: protocol.Action{ID: idA,
		CaseID: idB, Kind: "received"}, Seq: 1, CaseVersion: 1}}})
	f.Add(good)
	f.Add([]byte(`{"cursor":"","more":true}`))
	f.Add([]byte(`{"actions":[{"seq":2},{"seq":1}],"cursor":"x"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var p protocol.PullResponse
		if err := decodeInto(b, &p); err != nil {
			return
		}
		if validatePull(p) != nil {
			return
		}
		for i := 1; i < len(p.Actions); i++ {
			if p.Actions[i].Seq <= p.Actions[i-1].Seq {
				t.Fatal("validated batch out of order")
			}
		}
		if p.Cursor == "" {
			t.Fatal("validated batch without cursor")
		}
	})
}

func FuzzParseOffset(f *testing.F) {
	for _, s := range []string{"0", "123", "-1", "", "9999999999999999999999", " 1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseOffset(s)
		if err == nil && n < 0 {
			t.Fatalf("negative offset %d accepted from %q", n, s)
		}
	})
}

func FuzzEnrollAnswer(f *testing.F) {
	good, _ := json.Marshal(protocol.EnrollResponse{DeviceID: idA, Token: "0123456789abcdef0123", Hall: "410102"})
	f.Add(good)
	f.Add([]byte(`{"deviceId":"x","token":""}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var r protocol.EnrollResponse
		if decodeInto(b, &r) != nil || validateEnroll(r) != nil {
			return
		}
		if !protocol.ValidUUIDv7(r.DeviceID) || r.Token == "" {
			t.Fatalf("incomplete credential validated: %+v", r)
		}
	})
}
