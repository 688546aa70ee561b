package account_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"tongban/app/account"
)

func TestHashVerify(t *testing.T) {
	h, err := account.Hash("Secret2024", fastParams)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$"), h)
	h2, _ := account.Hash("Secret2024", fastParams)
	require.NotEqual(t, h, h2, "salt must differ between hashes")

	ok, rehash, err := account.Verify(h, "Secret2024", fastParams)
	require.NoError(t, err)
	require.True(t, ok)
	require.False(t, rehash)
	ok, _, err = account.Verify(h, "Secret2025", fastParams)
	require.NoError(t, err)
	require.False(t, ok)
	ok, rehash, _ = account.Verify(h, "Secret2024", account.DefaultParams)
	require.True(t, ok)
	require.True(t, rehash)
}

func TestParsePHCRejects(t *testing.T) {
	good, err := account.Hash("x", fastParams)
	require.NoError(t, err)
	_, err = account.ParsePHC(good)
	require.NoError(t, err)
	parts := strings.Split(good, "$")
	salt, key := parts[4], parts[5]
	bad := []string{
		"",
		"plaintext",
		"$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1$" + salt + "$" + key,
		"$argon2id$v=19$t=1,m=64,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=0,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=99999999,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1000,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1,p=256$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1,p=1$!!$" + key,
		"$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key[:4],
		"$argon2id$v=19$m=064,t=1,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key + "$",
	}
	for _, s := range bad {
		if _, err := account.ParsePHC(s); err == nil {
			t.Errorf("ParsePHC(%q) = nil error, want error", s)
		}
	}
}

func TestCheckPassword(t *testing.T) {
	tests := []struct {
		user, pw string
		ok       bool
	}{
		{"a", "abcd1234", true},
		{"a", "abc1234", false},
		{"a", "abcdefgh", false},
		{"a", "12345678", false},
		{"a", "密码密码密码12", false}, // letters must be Latin so the keyboard can type them anywhere
		{"a", "密码密码密码1a", true},
		{"user1234", "USER1234", false},
		{"a", "abcd123\x00", false},
		{"a", strings.Repeat("a1", 65), false},
	}
	for _, tt := range tests {
		err := account.CheckPassword(tt.user, tt.pw)
		if got := err == nil; got != tt.ok {
			t.Errorf("CheckPassword(%q, %q) = %v, want ok=%v", tt.user, tt.pw, err, tt.ok)
		}
	}
}

func FuzzParsePHC(f *testing.F) {
	good, _ := account.Hash("x", fastParams)
	for _, s := range []string{good, "", "$argon2id$v=19$m=64,t=1,p=1$$", "$argon2id$v=19$m=1,t=1,p=1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := account.ParsePHC(s)
		if err != nil {
			return
		}
		if h.Params.Memory > 1<<20 || h.Params.Time > 64 || len(h.Key) < 16 || len(h.Salt) < 8 {
			t.Fatalf("accepted out-of-bound hash %q: %+v", s, h.Params)
		}
		// Verify must not panic on anything ParsePHC accepts.
		if h.Params.Memory <= 4096 && h.Params.Time <= 4 {
			account.Verify(s, "password1", fastParams)
		}
	})
}
