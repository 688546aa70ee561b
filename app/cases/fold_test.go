package cases

import (
	"encoding/json"
	"testing"
	"time"
)

func act(seq, basedOn int, k Kind, actor string, role Role, payload any) Action {
	b, _ := json.Marshal(payload)
	return Action{ID: "a" + string(rune('0'+seq)), CaseID: "c1", Seq: seq, Kind: k, Actor: actor, Role: role,
		DeviceTime: time.Date(2026, 12, 4, 0, seq, 0, 0, time.UTC), Payload: b, BasedOn: basedOn}
}

func TestFoldFlagsConcurrentDecisions(t *testing.T) {
	in := intake("张三", applicantID, crimeMatter())
	j := []Action{
		act(1, 0, KindReceived, "clerk1", RoleClerk, in),
		act(2, 1, KindIdentityChecked, "clerk1", RoleClerk, IdentityCheck{Who: "applicant", Source: "reader"}),
		act(3, 2, KindAccepted, "clerk1", RoleClerk, Receipt{}),
		// Decided offline on version 2 by another device, applied after sync:
		act(4, 2, KindRefused, "clerk2", RoleClerk, Refusal{Reasons: []string{"x"}}),
	}
	st, err := Fold(j)
	if err != nil {
		t.Fatal(err)
	}
	if st.Status != StatusAccepted || st.Version != 4 || len(st.Conflicts) != 1 || st.Conflicts[0].Seq != 4 {
		t.Fatalf("state = %s v%d conflicts %+v", st.Status, st.Version, st.Conflicts)
	}
	// The input journal is not modified by folding.
	if _, err := Fold(j[:3]); err != nil {
		t.Fatal(err)
	}
}

func TestFoldRejectsBrokenJournals(t *testing.T) {
	in := intake("张三", applicantID, crimeMatter())
	for name, j := range map[string][]Action{
		"first not received": {act(1, 0, KindAccepted, "c", RoleClerk, Receipt{})},
		"seq gap":            {act(1, 0, KindReceived, "c", RoleClerk, in), act(3, 1, KindIdentityChecked, "c", RoleClerk, nil)},
	} {
		if _, err := Fold(j); err == nil {
			t.Errorf("%s: folded without error", name)
		}
	}
}

// FuzzFold feeds arbitrary kinds, roles and payloads (as they might arrive
// from sync) through the fold: it must never panic, and Version always
// equals the journal length.
func FuzzFold(f *testing.F) {
	in, _ := json.Marshal(intake("张三", applicantID, crimeMatter()))
	f.Add(in, "accepted", "clerk", []byte(`{}`), 1)
	f.Add(in, "handled", "handler", []byte(`{"place":1}`), 0)
	f.Add([]byte(`{"matter":{"mode":"自助通办"}}`), "accepted", "kiosk", []byte(`null`), 3)
	f.Fuzz(func(t *testing.T, first []byte, kind, role string, payload []byte, basedOn int) {
		j := []Action{{ID: "1", CaseID: "c", Seq: 1, Kind: KindReceived, Actor: "a", Role: RoleClerk, Payload: first}}
		for i := 2; i < 5; i++ {
			j = append(j, Action{ID: "x", CaseID: "c", Seq: i, Kind: Kind(kind), Actor: "b", Role: Role(role), Payload: payload, BasedOn: basedOn})
		}
		st, err := Fold(j)
		if err == nil && st.Version != len(j) {
			t.Fatalf("version %d, want %d", st.Version, len(j))
		}
	})
}
