package syncstore_test

import (
	"encoding/json"
	"testing"

	"tongban/app/syncstore"
)

func TestPayloadRoundTrip(t *testing.T) {
	tests := []struct{ payload, reason string }{
		{`{}`, ""},
		{`{"items":[1]}`, "材料不全"},
		{``, "理由"},
	}
	for _, tt := range tests {
		wire := syncstore.PushPayload(json.RawMessage(tt.payload), tt.reason)
		back, reason := syncstore.PulledPayload("formal_review", wire)
		if got, want := reason, tt.reason; got != want {
			t.Fatalf("reason %q, want %q", got, want)
		}
		if tt.payload != "" && tt.reason != "" {
			var m map[string]any
			if err := json.Unmarshal(back, &m); err != nil || m["_reason"] != nil {
				t.Fatalf("payload after the round trip %s", back)
			}
		}
	}
	p, _ := syncstore.PulledPayload("official_number_assigned", json.RawMessage(`{"officialNumber":"410102-2026-000001","source":"platform"}`))
	var on struct{ Number string }
	if err := json.Unmarshal(p, &on); err != nil || on.Number != "410102-2026-000001" {
		t.Fatalf("official number payload %s", p)
	}
}

func FuzzPulledPayload(f *testing.F) {
	f.Add("accepted", []byte(`{"a":1,"_reason":"x"}`))
	f.Add("official_number_assigned", []byte(`{"officialNumber":"1"}`))
	f.Add("x", []byte(`[1,2]`))
	f.Add("x", []byte(`{"_reason":5}`))
	f.Fuzz(func(t *testing.T, kind string, b []byte) {
		out, _ := syncstore.PulledPayload(kind, b)
		if json.Valid(b) && len(b) > 0 && !json.Valid(out) {
			t.Fatalf("valid payload %q became invalid %q", b, out)
		}
	})
}
