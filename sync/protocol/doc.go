// Package protocol defines the wire types of the sync protocol between a
// Tongban workstation and the provincial platform (HTTP, JSON, /v1/). It is
// shared by the platform server (cmd/platform, platform/...) and the sync
// client, and imports nothing from app/. See docs/sync-protocol.md.
package protocol

// Version is the path prefix of every API route.
const Version = "v1"

// Limits that both sides enforce on what arrives over the network.
const (
	MaxBodyBytes    = 16 << 20 // a request or response body, after decompression
	MaxPushItems    = 500      // cases + actions in one push
	MaxPullLimit    = 1000     // actions + cases in one pull batch
	DefaultPull     = 200
	MaxPayloadBytes = 256 << 10 // one action payload or case data
	MaxAttachments  = 64        // per action
	MaxNumberBlock  = 1000      // numbers reserved in one block
)

// Headers.
const (
	HeaderAuthorization = "Authorization" // "Bearer <device token>"
	HeaderRequestID     = "X-Request-Id"
)
