package platform

import (
	"encoding/json"
	"regexp"
	"testing"
	"time"

	"tongban/sync/protocol"
)

func TestActionFingerprint(t *testing.T) {
	a := protocol.Action{ID: "x", Kind: "received", DeviceTime: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Payload: json.RawMessage(`{"b":1,"a":[1,2.50,{"z":"中"}]}`)}
	same := a
	same.Payload = json.RawMessage(` { "a" : [1, 2.50, {"z":"中"}], "b":1 } `)
	same.DeviceTime = a.DeviceTime.In(time.FixedZone("CST", 8*3600))
	if got, want := ActionFingerprint(same), ActionFingerprint(a); got != want {
		t.Fatalf("equivalent actions differ: %s vs %s", got, want)
	}
	other := a
	other.Payload = json.RawMessage(`{"b":2,"a":[1,2.50,{"z":"中"}]}`)
	if ActionFingerprint(other) == ActionFingerprint(a) {
		t.Fatal("different payloads share a fingerprint")
	}
	big := a
	big.Payload = json.RawMessage(`{"n":12345678901234567890}`)
	bigger := a
	bigger.Payload = json.RawMessage(`{"n":12345678901234567891}`)
	if ActionFingerprint(big) == ActionFingerprint(bigger) {
		t.Fatal("large numbers lose precision in the fingerprint")
	}
}

func TestSecrets(t *testing.T) {
	code := NewEnrollCode()
	if !regexp.MustCompile(`^[A-HJ-NP-Z2-9]{4}(-[A-HJ-NP-Z2-9]{4}){3}$`).MatchString(code) {
		t.Fatalf("code %q", code)
	}
	if got, want := NormalizeEnrollCode("abcd efgh-jklm npqr"), "ABCDEFGHJKLMNPQR"; got != want {
		t.Fatalf("normalize = %q, want %q", got, want)
	}
	if NewToken() == NewToken() {
		t.Fatal("tokens repeat")
	}
	if got := HashSecret("a"); len(got) != 64 || got == HashSecret("b") {
		t.Fatalf("hash %q", got)
	}
	if got, want := FormatOfficialNumber("410102", 2026, 123), "410102-2026-000123"; got != want {
		t.Fatalf("number = %q, want %q", got, want)
	}
	h := HashPassword("pw", HashParams{Memory: 64, Time: 1, Threads: 1})
	if !regexp.MustCompile(`^\$argon2id\$v=19\$m=64,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`).MatchString(h) {
		t.Fatalf("hash format %q", h)
	}
}
