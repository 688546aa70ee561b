package account

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // iterations
	Threads uint8
	SaltLen uint32
	KeyLen  uint32
}

// DefaultParams suit a counter PC (often 4 GB RAM, 2-4 cores): 64 MiB,
// 3 passes, 2 lanes — RFC 9106's second recommended option with fewer lanes,
// about a quarter of a second per login on this class of machine.
var DefaultParams = Params{Memory: 64 * 1024, Time: 3, Threads: 2, SaltLen: 16, KeyLen: 32}

// Bounds on parameters read back from a stored hash, so a tampered row
// cannot make a login allocate gigabytes or spin for minutes.
const (
	maxMemory  = 1 << 20 // 1 GiB in KiB
	maxTime    = 64
	maxKeyLen  = 128
	maxSaltLen = 128
)

var b64 = base64.RawStdEncoding

// Hash returns the PHC string of password with fresh random salt:
// $argon2id$v=19$m=65536,t=3,p=2$<salt>$<hash>.
func Hash(password string, p Params) (string, error) {
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// PHC is a parsed argon2id hash string.
type PHC struct {
	Params Params
	Salt   []byte
	Key    []byte
}

var errBadHash = errors.New("malformed argon2id hash")

// ParsePHC parses an argon2id PHC string, rejecting other algorithms,
// versions and out-of-bound parameters.
func ParsePHC(s string) (PHC, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return PHC{}, errBadHash
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return PHC{}, fmt.Errorf("%w: unsupported version %q", errBadHash, parts[2])
	}
	var p Params
	fields := strings.Split(parts[3], ",")
	if len(fields) != 3 {
		return PHC{}, errBadHash
	}
	for i, f := range fields {
		name, val, ok := strings.Cut(f, "=")
		want := [...]string{"m", "t", "p"}[i]
		if !ok || name != want {
			return PHC{}, errBadHash
		}
		n, err := strconv.ParseUint(val, 10, 32)
		if err != nil || n == 0 || (val[0] == '0') {
			return PHC{}, fmt.Errorf("%w: bad %s", errBadHash, name)
		}
		switch name {
		case "m":
			p.Memory = uint32(n)
		case "t":
			p.Time = uint32(n)
		case "p":
			if n > 255 {
				return PHC{}, fmt.Errorf("%w: bad p", errBadHash)
			}
			p.Threads = uint8(n)
		}
	}
	if p.Memory > maxMemory || p.Time > maxTime || p.Memory < 8*uint32(p.Threads) {
		return PHC{}, fmt.Errorf("%w: parameters out of range", errBadHash)
	}
	salt, err := b64.Strict().DecodeString(parts[4])
	if err != nil || len(salt) < 8 || len(salt) > maxSaltLen {
		return PHC{}, fmt.Errorf("%w: bad salt", errBadHash)
	}
	key, err := b64.Strict().DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > maxKeyLen {
		return PHC{}, fmt.Errorf("%w: bad key", errBadHash)
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	return PHC{Params: p, Salt: salt, Key: key}, nil
}

// Verify reports whether password matches the PHC string encoded, comparing
// in constant time. needsRehash is true when the hash was made with other
// parameters than want (the caller then stores a fresh hash).
func Verify(encoded, password string, want Params) (ok, needsRehash bool, err error) {
	h, err := ParsePHC(encoded)
	if err != nil {
		return false, false, err
	}
	key := argon2.IDKey([]byte(password), h.Salt, h.Params.Time, h.Params.Memory, h.Params.Threads, uint32(len(h.Key)))
	if subtle.ConstantTimeCompare(key, h.Key) != 1 {
		return false, false, nil
	}
	p := h.Params
	return true, p.Memory != want.Memory || p.Time != want.Time || p.Threads != want.Threads || p.KeyLen != want.KeyLen, nil
}
