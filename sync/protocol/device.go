package protocol

import "time"

// EnrollRequest exchanges a single-use enrollment code for a device
// credential. POST /v1/enroll (the only route without a device token).
type EnrollRequest struct {
	Code       string `json:"code"`
	DeviceName string `json:"deviceName"`
}

// EnrollResponse gives the device its id and token. The token is shown
// once; the platform keeps only its hash.
type EnrollResponse struct {
	DeviceID   string `json:"deviceId"`
	Token      string `json:"token"`
	Hall       string `json:"hall"`
	HallName   string `json:"hallName"`
	PlatformID string `json:"platformId"`
}

// Me describes the authenticated device. GET /v1/me. ServerTime lets a
// device detect a wrong clock.
type Me struct {
	DeviceID   string    `json:"deviceId"`
	DeviceName string    `json:"deviceName"`
	Hall       string    `json:"hall"`
	HallName   string    `json:"hallName"`
	PlatformID string    `json:"platformId"`
	ServerTime time.Time `json:"serverTime"`
}

// Place is a service hall or a handling place. GET /v1/places.
type Place struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Province string `json:"province"`
}

// PlacesResponse lists every place cases can be routed to.
type PlacesResponse struct {
	Places []Place `json:"places"`
}
