package courier

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"tongban/printing/perr"
)

// DemoPrefix starts every demo tracking number; such numbers fail
// ValidateEMS and are printed with 演示 on the waybill.
const DemoPrefix = "DEMO"

// IsDemo reports whether a tracking number comes from the demo provider.
func IsDemo(trackingNo string) bool { return strings.HasPrefix(trackingNo, DemoPrefix) }

// demoDigits is the number of digits after DemoPrefix: the order's Unix
// second followed by a 2-digit sequence, so numbers stay unique across
// restarts and Track can follow a parcel ordered by another workstation or
// before a restart.
const demoDigits = 12

// demoLeg is one step of a demo parcel's journey, after the order.
type demoLeg struct {
	after  time.Duration
	status string
	at     string // "from", "to" or a fixed place
	note   string
}

// demoJourney is what every demo parcel goes through: collected, leaves the
// sender's city, reaches the destination's centre, out for delivery,
// delivered after a day.
var demoJourney = []demoLeg{
	{0, "accepted", "from", "演示数据：已收寄"},
	{2 * time.Hour, "in_transit", "from", "演示数据：离开收寄城市处理中心"},
	{12 * time.Hour, "in_transit", "to", "演示数据：到达目的地处理中心"},
	{20 * time.Hour, "delivering", "to", "演示数据：派送中"},
	{24 * time.Hour, "delivered", "to", "演示数据：已签收"},
}

// Demo is a courier for training and tests: nothing is shipped. Its
// parcels move along demoJourney as its clock advances; Stall freezes one
// where it is (a parcel stuck on the way).
type Demo struct {
	mu      sync.Mutex
	last    int64 // last number issued (seconds*100 + sequence)
	orders  map[string]Order
	stalled map[string]time.Time
	now     func() time.Time
}

// NewDemo returns a demo courier.
func NewDemo(now func() time.Time) *Demo {
	if now == nil {
		now = time.Now
	}
	return &Demo{orders: map[string]Order{}, stalled: map[string]time.Time{}, now: now}
}

// CreateOrder implements Courier.
func (d *Demo) CreateOrder(_ context.Context, o Order) (Waybill, error) {
	if strings.TrimSpace(o.Recipient.Detail) == "" || strings.TrimSpace(o.Recipient.Name+o.Recipient.Org) == "" {
		return Waybill{}, perr.New(perr.EINVALID, "recipient name and address required", "收件人姓名和地址不能为空")
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	// A random start inside the second makes two couriers started in the
	// same second unlikely to collide; the store refuses duplicates anyway.
	n := max(d.last+1, d.now().Unix()*100+rand.Int64N(50))
	d.last = n
	no := fmt.Sprintf("%s%0*d", DemoPrefix, demoDigits, n)
	d.orders[no] = o
	return Waybill{TrackingNo: no, RouteCode: "演示-" + o.Recipient.City, Demo: true}, nil
}

// Stall freezes the parcel where it is now: Track returns no later events
// (a training scenario for the stuck-parcel alert).
func (d *Demo) Stall(trackingNo string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.stalled[trackingNo] = d.now()
}

// demoOrderTime decodes the order time from a demo number.
func demoOrderTime(no string) (time.Time, bool) {
	digits := strings.TrimPrefix(no, DemoPrefix)
	if !IsDemo(no) || len(digits) != demoDigits {
		return time.Time{}, false
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || n < 0 {
		return time.Time{}, false
	}
	return time.Unix(n/100, 0), true
}

// Track implements Courier: the legs of demoJourney reached by now (or by
// the time the parcel was stalled).
func (d *Demo) Track(_ context.Context, no string) ([]Event, error) {
	at, ok := demoOrderTime(no)
	if !ok {
		return nil, perr.New(perr.ENOTFOUND, "demo waybill "+no+" not found", "未找到演示运单 "+no)
	}
	d.mu.Lock()
	o, known := d.orders[no]
	until, stalled := d.stalled[no]
	now := d.now()
	d.mu.Unlock()
	if !stalled || now.Before(until) {
		until = now
	}
	from, to := "寄件城市", "目的地"
	if known {
		from, to = nonEmpty(o.Sender.City, o.Sender.Province, from), nonEmpty(o.Recipient.City, o.Recipient.Province, to)
	}
	var out []Event
	for i, leg := range demoJourney {
		t := at.Add(leg.after)
		if i > 0 && t.After(until) {
			break
		}
		place := leg.at
		switch leg.at {
		case "from":
			place = from + "（演示网点）"
		case "to":
			place = to + "（演示网点）"
		}
		out = append(out, Event{At: t, Place: place, Status: leg.status, Note: leg.note, Demo: true})
	}
	return out, nil
}

func nonEmpty(vals ...string) string {
	for _, v := range vals {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}
