package platform

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"

	"golang.org/x/crypto/argon2"
)

// HashParams are argon2id costs. Workstations verify these hashes offline,
// so they use the workstation's format: $argon2id$v=19$m=..,t=..,p=..$salt$key.
type HashParams struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// DefaultHashParams match the workstation's defaults (64 MiB, 3 passes, 2 lanes).
var DefaultHashParams = HashParams{Memory: 64 * 1024, Time: 3, Threads: 2}

// HashPassword returns an argon2id PHC string with a fresh 16-byte salt.
func HashPassword(password string, p HashParams) string {
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, 32)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		enc.EncodeToString(salt), enc.EncodeToString(key))
}
