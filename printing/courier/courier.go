// Package courier is the seam to an express company's service: create an
// order and get its tracking number, then follow tracking events. EMS
// numbers (UPU S10, 13 characters) are validated; a demo provider issues
// numbers that can never be mistaken for real ones.
package courier

import (
	"context"
	"time"
)

// Address is a sender or recipient.
type Address struct {
	Name, Org, Phone, Province, City, Detail string
}

// Order asks the courier to collect a parcel.
type Order struct {
	Ref       string // our reference (mail batch number)
	Sender    Address
	Recipient Address
	Contents  string
	WeightG   int
}

// Waybill is the courier's answer to an order.
type Waybill struct {
	TrackingNo string
	RouteCode  string // sorting / destination code printed large
	Demo       bool   // true: not a real shipment
}

// Event is one tracking event.
type Event struct {
	At     time.Time
	Place  string
	Status string // accepted, in_transit, delivering, delivered, exception
	Note   string
	Demo   bool
}

// Courier is an express company's service.
type Courier interface {
	CreateOrder(ctx context.Context, o Order) (Waybill, error)
	Track(ctx context.Context, trackingNo string) ([]Event, error)
}
