package courier

import (
	"context"
	"fmt"
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

// Demo is a courier for training and tests: nothing is shipped.
type Demo struct {
	mu     sync.Mutex
	next   int
	orders map[string]time.Time
	now    func() time.Time
}

// NewDemo returns a demo courier.
func NewDemo(now func() time.Time) *Demo {
	if now == nil {
		now = time.Now
	}
	return &Demo{next: 1, orders: map[string]time.Time{}, now: now}
}

// CreateOrder implements Courier.
func (d *Demo) CreateOrder(_ context.Context, o Order) (Waybill, error) {
	if strings.TrimSpace(o.Recipient.Detail) == "" || strings.TrimSpace(o.Recipient.Name+o.Recipient.Org) == "" {
		return Waybill{}, perr.New(perr.EINVALID, "recipient name and address required", "收件人姓名和地址不能为空")
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	no := fmt.Sprintf("%s%010d", DemoPrefix, d.next)
	d.next++
	d.orders[no] = d.now()
	return Waybill{TrackingNo: no, RouteCode: "演示-" + o.Recipient.City, Demo: true}, nil
}

// Track implements Courier.
func (d *Demo) Track(_ context.Context, no string) ([]Event, error) {
	d.mu.Lock()
	at, ok := d.orders[no]
	d.mu.Unlock()
	if !ok {
		return nil, perr.New(perr.ENOTFOUND, "demo waybill "+no+" not found", "未找到演示运单 "+no)
	}
	return []Event{{At: at, Place: "演示网点", Status: "accepted", Note: "演示数据，非真实物流信息", Demo: true}}, nil
}
