package courier

import (
	"context"
	"testing"
	"time"

	"tongban/printing/perr"
)

func TestValidateEMS(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"EE123456785CN", "EE123456785CN", true},
		{"ee 123456785 cn", "EE123456785CN", true},
		{"RB123456785GB", "RB123456785GB", true},
		{"EE123456784CN", "", false}, // wrong check digit
		{"EE12345678CN", "", false},  // too short
		{"E1123456785CN", "", false},
		{"EE12345678ACN", "", false},
		{"DEMO0000000001", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, err := ValidateEMS(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ValidateEMS(%q) = %q, %v; want %q ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && perr.Zh(err) == "" {
			t.Errorf("no Chinese message for %q", tt.in)
		}
	}
}

func TestS10CheckDigitSpecialCases(t *testing.T) {
	// sum%11 == 1 gives 10 -> 0; sum%11 == 0 gives 11 -> 5
	for serial, want := range map[string]int{"00000000": 5, "12345678": 5, "00000001": 4} {
		got, err := S10CheckDigit(serial)
		if err != nil || got != want {
			t.Errorf("S10CheckDigit(%s) = %d, %v; want %d", serial, got, err, want)
		}
	}
	found0 := false
	for i := 0; i < 200 && !found0; i++ {
		s := []byte("0000000" + string(rune('0'+i%10)))
		s[6] = byte('0' + i/10%10)
		if d, _ := S10CheckDigit(string(s)); d == 0 {
			found0 = true
		}
	}
	if !found0 {
		t.Error("never produced check digit 0")
	}
}

func FuzzValidateEMS(f *testing.F) {
	for _, s := range []string{"EE123456785CN", "", "DEMO1", "ＥＥ１２３"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ValidateEMS(s)
		if err == nil {
			if len(got) != 13 {
				t.Fatalf("accepted %q as %q", s, got)
			}
			if again, err := ValidateEMS(got); err != nil || again != got {
				t.Fatalf("not idempotent: %q", got)
			}
		}
	})
}

func TestDemoCourier(t *testing.T) {
	d := NewDemo(func() time.Time { return time.Unix(0, 0) })
	ctx := context.Background()
	if _, err := d.CreateOrder(ctx, Order{}); perr.Code(err) != perr.EINVALID {
		t.Fatalf("empty order: %v", err)
	}
	w, err := d.CreateOrder(ctx, Order{Recipient: Address{Name: "张三", City: "深圳", Detail: "南山区"}})
	if err != nil {
		t.Fatal(err)
	}
	if !w.Demo || !IsDemo(w.TrackingNo) {
		t.Fatalf("demo waybill not marked: %+v", w)
	}
	if _, err := ValidateEMS(w.TrackingNo); err == nil {
		t.Fatalf("demo number %s passes as a real EMS number", w.TrackingNo)
	}
	ev, err := d.Track(ctx, w.TrackingNo)
	if err != nil || len(ev) != 1 || !ev[0].Demo {
		t.Fatalf("track: %v %+v", err, ev)
	}
	if _, err := d.Track(ctx, "EE123456785CN"); perr.Code(err) != perr.ENOTFOUND {
		t.Fatalf("unknown number: %v", err)
	}
}

func TestDemoParcelMovesAndStalls(t *testing.T) {
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	d := NewDemo(func() time.Time { return now })
	ctx := context.Background()
	order := Order{Ref: "JJ1", Sender: Address{City: "郑州"}, Recipient: Address{Org: "某中心", City: "杭州", Detail: "西湖区"}}
	a, err := d.CreateOrder(ctx, order)
	if err != nil {
		t.Fatal(err)
	}
	b, err := d.CreateOrder(ctx, order)
	if err != nil {
		t.Fatal(err)
	}
	if a.TrackingNo == b.TrackingNo {
		t.Fatalf("two orders got the same number %s", a.TrackingNo)
	}
	// A fresh courier (a restart) issues later numbers and still tracks old ones.
	restart := now.Add(time.Minute)
	d2 := NewDemo(func() time.Time { return restart })
	c, _ := d2.CreateOrder(ctx, order)
	if c.TrackingNo == a.TrackingNo {
		t.Fatalf("restart reused %s", a.TrackingNo)
	}
	restart = now.Add(13 * time.Hour)
	ev, err := d2.Track(ctx, a.TrackingNo)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(ev), 3; got != want {
		t.Fatalf("events after 13h = %d, want %d: %+v", got, want, ev)
	}
	now = now.Add(13 * time.Hour)
	d.Stall(b.TrackingNo)
	now = now.Add(48 * time.Hour)
	ev, _ = d.Track(ctx, a.TrackingNo)
	if got, want := ev[len(ev)-1].Status, "delivered"; got != want {
		t.Fatalf("last status %s, want %s", got, want)
	}
	if got, want := ev[len(ev)-1].Place, "杭州（演示网点）"; got != want {
		t.Fatalf("place %s, want %s", got, want)
	}
	ev, _ = d.Track(ctx, b.TrackingNo)
	if got, want := len(ev), 3; got != want {
		t.Fatalf("stalled parcel has %d events, want %d", got, want)
	}
	if _, err := d.Track(ctx, "DEMOxyz"); perr.Code(err) != perr.ENOTFOUND {
		t.Fatalf("bad demo number: %v", err)
	}
}
