package protocol

import "time"

// Account is a user issued by the platform, cached on the workstations of
// its hall for offline login. PasswordHash is an argon2id PHC string.
type Account struct {
	Username     string    `json:"username"`
	DisplayName  string    `json:"displayName"`
	Role         string    `json:"role"`
	Hall         string    `json:"hall"`
	PasswordHash string    `json:"passwordHash"`
	Disabled     bool      `json:"disabled"`
	UpdatedAt    time.Time `json:"updatedAt"`
}

// AccountsResponse lists the accounts of the device's hall. GET /v1/accounts.
type AccountsResponse struct {
	Accounts []Account `json:"accounts"`
}

// Health is the body of GET /healthz.
type Health struct {
	Status string `json:"status"` // "ok" or "degraded"
	DB     string `json:"db"`
}
