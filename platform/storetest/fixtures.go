// Package storetest is the conformance suite every platform.Store passes:
// sqlitestore and pgstore run the same tests (Run) against their database.
package storetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"

	"tongban/platform"
	"tongban/sync/protocol"
)

// Places of the fixtures: A collects, B handles (another province), C is a
// third hall that must see nothing of A's and B's cases.
var (
	PlaceA = platform.Place{Code: "410102", Name: "郑州市中原区政务服务中心", Province: "河南省"}
	PlaceB = platform.Place{Code: "330106", Name: "杭州市西湖区行政服务中心", Province: "浙江省"}
	PlaceC = platform.Place{Code: "410105", Name: "郑州市金水区政务服务中心", Province: "河南省"}
)

// T0 is the fixtures' clock.
var T0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// NewID returns a UUIDv7.
func NewID() string { return uuid.Must(uuid.NewV7()).String() }

// SeedPlaces creates A, B and C.
func SeedPlaces(t testing.TB, s platform.Store) {
	t.Helper()
	for _, p := range []platform.Place{PlaceA, PlaceB, PlaceC} {
		if err := s.PutPlace(context.Background(), p); err != nil {
			t.Fatalf("put place %s: %v", p.Code, err)
		}
	}
}

// Enroll creates an enrollment code for hall and uses it, returning the
// device and its token.
func Enroll(t testing.TB, s platform.Store, hall string) (platform.Device, string) {
	t.Helper()
	ctx := context.Background()
	code := platform.NewEnrollCode()
	if err := s.CreateEnrollCode(ctx, platform.EnrollCode{Hash: platform.HashSecret(platform.NormalizeEnrollCode(code)),
		Hall: hall, CreatedAt: T0, ExpiresAt: T0.Add(time.Hour)}); err != nil {
		t.Fatalf("create enroll code: %v", err)
	}
	token := platform.NewToken()
	d, err := s.Enroll(ctx, platform.HashSecret(platform.NormalizeEnrollCode(code)),
		platform.Device{ID: NewID(), Name: "窗口 " + hall}, platform.HashSecret(token), T0.Add(time.Minute))
	if err != nil {
		t.Fatalf("enroll: %v", err)
	}
	return d, token
}

// NewCase returns a case collected by d and handled at place.
func NewCase(d platform.Device, place string) protocol.Case {
	return protocol.Case{ID: NewID(), Hall: d.Hall, HandlingPlace: place, MatterCode: "HN-0001", Mode: "异地代收代办",
		ProvisionalNumber: "L-" + d.Hall + "-0001", DeviceID: d.ID, CreatedAt: T0,
		Data: json.RawMessage(`{"applicant":{"name":"张三","idNo":"410102199001011234"}}`)}
}

// NewAction returns an action of kind by d on c, based on version.
func NewAction(d platform.Device, caseID, kind string, version int) protocol.Action {
	return protocol.Action{ID: NewID(), CaseID: caseID, Kind: kind, Actor: "clerk1", Role: "clerk", DeviceID: d.ID,
		Hall: d.Hall, DeviceTime: T0.Add(time.Duration(version) * time.Minute), BasedOnVersion: version,
		Payload: json.RawMessage(`{"note":"ok","n":1}`)}
}
