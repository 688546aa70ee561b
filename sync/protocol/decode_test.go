package protocol

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

const (
	goodCase   = `{"id":"0190d6a0-1a2b-7c3d-8e4f-0123456789ab","hall":"410102","handlingPlace":"330106","matterCode":"HN-1","mode":"异地代收代办","deviceId":"0190d6a0-1a2b-7c3d-8e4f-0123456789ac","createdAt":"2026-03-02T09:00:00Z","data":{"a":1}}`
	goodAction = `{"id":"0190d6a0-1a2b-7c3d-8e4f-0123456789ad","caseId":"0190d6a0-1a2b-7c3d-8e4f-0123456789ab","kind":"received","actor":"zhang","role":"clerk","deviceId":"0190d6a0-1a2b-7c3d-8e4f-0123456789ac","hall":"410102","deviceTime":"2026-03-02T09:00:00+08:00","basedOnVersion":0,"payload":{"x":[1,2]},"attachments":[{"sha256":"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef","size":3}]}`
)

func TestDecodePush(t *testing.T) {
	tests := []struct {
		name, body, code string
		cases, actions   int
	}{
		{"good", `{"cases":[` + goodCase + `],"actions":[` + goodAction + `]}`, "", 1, 1},
		{"empty", `{}`, "", 0, 0},
		{"unknown fields ignored", `{"cases":[],"future":1}`, "", 0, 0},
		{"not json", `{"cases":`, EINVALID, 0, 0},
		{"trailing", `{} {}`, EINVALID, 0, 0},
		{"wrong type", `{"cases":{}}`, EINVALID, 0, 0},
		{"too many", `{"actions":[` + strings.TrimSuffix(strings.Repeat(`{},`, MaxPushItems+1), ",") + `]}`, ETOOLARGE, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := DecodePush(strings.NewReader(tc.body))
			if got, want := CodeOf(err), tc.code; got != want {
				t.Fatalf("code = %q, want %q (%v)", got, want, err)
			}
			if err == nil {
				if got, want := len(req.Cases), tc.cases; got != want {
					t.Fatalf("cases = %d, want %d", got, want)
				}
				if got, want := len(req.Actions), tc.actions; got != want {
					t.Fatalf("actions = %d, want %d", got, want)
				}
			}
		})
	}
	req, err := DecodePush(strings.NewReader(`{"cases":[` + goodCase + `],"actions":[` + goodAction + `]}`))
	if err != nil {
		t.Fatal(err)
	}
	if e := ValidateCase(req.Cases[0]); e != nil {
		t.Fatalf("good case invalid: %v", e)
	}
	if e := ValidateAction(req.Actions[0]); e != nil {
		t.Fatalf("good action invalid: %v", e)
	}
	if got, want := req.Actions[0].DeviceTime.UTC(), time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("device time = %v, want %v", got, want)
	}
}

func TestValidateCasePlaces(t *testing.T) {
	base, err := Decode[Case](strings.NewReader(goodCase), MaxBodyBytes)
	if err != nil {
		t.Fatal(err)
	}
	many := make([]string, MaxCasePlaces+1)
	for i := range many {
		many[i] = fmt.Sprintf("%06d", 500100+i)
	}
	tests := []struct {
		name   string
		places []string
		ok     bool
	}{
		{"none", nil, true},
		{"two more", []string{"420106", "440305"}, true},
		{"at most", many[:MaxCasePlaces], true},
		{"too many", many, false},
		{"not a code", []string{"42010x"}, false},
		{"too short", []string{"4201"}, false},
		{"repeated", []string{"420106", "420106"}, false},
		{"the handling place again", []string{"330106"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := base
			c.Places = tc.places
			e := ValidateCase(c)
			if got, want := e == nil, tc.ok; got != want {
				t.Fatalf("valid = %v, want %v (%v)", got, want, e)
			}
			if e != nil && e.Field != "places" {
				t.Fatalf("field = %q, want places", e.Field)
			}
		})
	}
}

func TestValidateAction(t *testing.T) {
	base, err := Decode[Action](strings.NewReader(goodAction), MaxBodyBytes)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		field string
		edit  func(a *Action)
	}{
		{"id", func(a *Action) { a.ID = "0190d6a0-1a2b-4c3d-8e4f-0123456789ad" }}, // v4, not v7
		{"id", func(a *Action) { a.ID = "0190D6A0-1A2B-7C3D-8E4F-0123456789AD" }}, // upper case
		{"caseId", func(a *Action) { a.CaseID = "" }},
		{"kind", func(a *Action) { a.Kind = KindOfficialNumber }},
		{"role", func(a *Action) { a.Role = "system" }},
		{"role", func(a *Action) { a.Role = "boss" }},
		{"hall", func(a *Action) { a.Hall = "41010" }},
		{"deviceTime", func(a *Action) { a.DeviceTime = time.Time{} }},
		{"basedOnVersion", func(a *Action) { a.BasedOnVersion = -1 }},
		{"attachments", func(a *Action) { a.Attachments[0].SHA256 = "ABC" }},
		{"payload", func(a *Action) { a.Payload = []byte(`{bad`) }},
	}
	for _, tc := range tests {
		a := base
		a.Attachments = append([]Attachment(nil), base.Attachments...)
		tc.edit(&a)
		e := ValidateAction(a)
		if e == nil {
			t.Fatalf("%s: accepted", tc.field)
		}
		if got, want := e.Field, tc.field; got != want {
			t.Fatalf("field = %q, want %q", got, want)
		}
	}
}

// FuzzDecodePush: whatever arrives, decoding and validation never panic,
// and what they accept re-validates the same way.
func FuzzDecodePush(f *testing.F) {
	f.Add(`{"cases":[` + goodCase + `],"actions":[` + goodAction + `]}`)
	f.Add(`{}`)
	f.Add(`{"cases":[` + strings.Replace(goodCase, `"handlingPlace":"330106",`, `"handlingPlace":"330106","places":["420106","420106"],`, 1) + `]}`)
	f.Add(`{"actions":[{"payload":{"a":` + strings.Repeat("[", 100) + `}}]}`)
	f.Add(`{"cases":[{"createdAt":"9999-99-99"}]}`)
	f.Add("\x00\xff")
	f.Fuzz(func(t *testing.T, body string) {
		req, err := DecodePush(strings.NewReader(body))
		if err != nil {
			if CodeOf(err) == EINTERNAL {
				t.Fatalf("decode error without a code: %v", err)
			}
			return
		}
		for _, c := range req.Cases {
			e1, e2 := ValidateCase(c), ValidateCase(c)
			if (e1 == nil) != (e2 == nil) {
				t.Fatal("validation not deterministic")
			}
		}
		for _, a := range req.Actions {
			if e := ValidateAction(a); e == nil && (!ValidUUIDv7(a.ID) || a.Kind == KindOfficialNumber) {
				t.Fatalf("invalid action accepted: %+v", a)
			}
		}
	})
}

func FuzzDecodeEnroll(f *testing.F) {
	f.Add(`{"code":"ABCD-EFGH-JKLM-NPQR","deviceName":"1号窗口"}`)
	f.Add(`{"code":1}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, body string) {
		_, err := Decode[EnrollRequest](strings.NewReader(body), 4096)
		if err != nil && CodeOf(err) == EINTERNAL {
			t.Fatalf("error without a code: %v", err)
		}
	})
}

func TestValidUUIDv7(t *testing.T) {
	for s, want := range map[string]bool{
		"0190d6a0-1a2b-7c3d-8e4f-0123456789ab": true,
		"0190d6a0-1a2b-7c3d-ce4f-0123456789ab": false, // variant
		"0190d6a0-1a2b-7c3d-8e4f-0123456789a":  false,
		"0190d6a01a2b7c3d8e4f0123456789abcdef": false,
		"0190d6a0-1a2b-7c3d-8e4f-0123456789zz": false,
	} {
		if got := ValidUUIDv7(s); got != want {
			t.Errorf("ValidUUIDv7(%q) = %v, want %v", s, got, want)
		}
	}
}
