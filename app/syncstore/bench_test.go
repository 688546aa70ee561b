package syncstore_test

import (
	"context"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	"tongban/platform/storetest"
	"tongban/sync/client"
)

// BenchmarkDeviceRoundTrip pushes 200 cases of 5 actions from one
// workstation through the client, syncstore and an in-process HTTP platform
// on SQLite (durable writes on both sides), pulls them (with the platform's
// official numbers) into an empty device, then runs a round with nothing new.
//
//	go test -run '^$' -bench DeviceRoundTrip -benchtime 1x ./app/syncstore
//
// TONGBAN_BENCH_CASES=N changes the 200 cases. (Issue 6's 10,000-case push
// with 3 × 200 KB scans is bench/sync/figures: -fig a -cases 10000 -scan 200000.)
func BenchmarkDeviceRoundTrip(b *testing.B) {
	n := 200
	if v, err := strconv.Atoi(os.Getenv("TONGBAN_BENCH_CASES")); err == nil && v > 0 {
		n = v
	}
	for range b.N {
		b.StopTimer()
		ctx := context.Background()
		p := newPlatform(b)
		a := newDevice(b, storetest.PlaceA.Code)
		a.enroll(p)
		for i := range n {
			a.accept(a.openCase("申请人" + string(rune(0x4e00+i))))
		}
		ct := &countingTransport{}
		s := a.syncer(client.Config{HTTP: &http.Client{Transport: ct}})
		b.StartTimer()
		t0 := time.Now()
		rep, err := s.SyncNow(ctx)
		if err != nil {
			b.Fatal(err)
		}
		push := time.Since(t0)
		pushReq := ct.n
		e := newDevice(b, storetest.PlaceA.Code)
		e.enroll(p)
		ce := &countingTransport{}
		t1 := time.Now()
		rep2, err := e.syncer(client.Config{HTTP: &http.Client{Transport: ce}}).SyncNow(ctx)
		if err != nil {
			b.Fatal(err)
		}
		pull := time.Since(t1)
		before := ct.n
		if _, err := s.SyncNow(ctx); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(rep.Pushed), "actions_pushed")
		b.ReportMetric(push.Seconds(), "push_s")
		b.ReportMetric(float64(pushReq), "push_requests")
		b.ReportMetric(float64(rep2.Pulled), "actions_pulled")
		b.ReportMetric(pull.Seconds(), "pull_s")
		b.ReportMetric(float64(ce.n), "pull_requests")
		b.ReportMetric(float64(ct.n-before), "idle_round_requests")
	}
}
