package account

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"tongban/app/errs"
)

// Password and name limits.
const (
	MinPasswordLen = 8
	maxPasswordLen = 128
	minUsernameLen = 2
	maxUsernameLen = 32
	maxDisplayLen  = 50
)

// NormalizeUsername trims spaces and lower-cases a username; accounts are
// looked up case-insensitively.
func NormalizeUsername(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// CheckPassword applies the password rules: at least 8 characters with both
// letters and digits, at most 128, no control characters, not the username.
func CheckPassword(username, password string) error {
	n := utf8.RuneCountInString(password)
	var letter, digit bool
	for _, r := range password {
		switch {
		case r < utf8.RuneSelf && unicode.IsLetter(r):
			letter = true
		case unicode.IsDigit(r):
			digit = true
		case unicode.IsControl(r):
			return errs.Invalid("password", "password contains control characters", "密码不能包含控制字符")
		}
	}
	switch {
	case n < MinPasswordLen || !letter || !digit:
		return errs.Invalid("password", "password must have at least 8 characters with letters and digits",
			"密码至少 8 位，且须同时包含英文字母和数字")
	case n > maxPasswordLen:
		return errs.Invalid("password", "password is longer than 128 characters", "密码不能超过 128 位")
	case username != "" && strings.EqualFold(password, username):
		return errs.Invalid("password", "password must differ from the username", "密码不能与用户名相同")
	}
	return nil
}

// CheckUsername accepts 2–32 characters of a–z, 0–9, '_', '.', '-' (after
// normalization), starting with a letter or digit.
func CheckUsername(username string) error {
	bad := len(username) < minUsernameLen || len(username) > maxUsernameLen
	for i, r := range username {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || i > 0 && (r == '_' || r == '.' || r == '-')
		if !ok {
			bad = true
		}
	}
	if bad {
		return errs.Invalid("username", "username must be 2-32 characters of a-z, 0-9, '_', '.', '-'",
			"用户名应为 2–32 位英文字母、数字或 _ . -（以字母或数字开头）")
	}
	return nil
}

// CheckDisplayName requires 1–50 characters without control characters.
func CheckDisplayName(name string) error {
	n := utf8.RuneCountInString(strings.TrimSpace(name))
	if n == 0 || n > maxDisplayLen || !utf8.ValidString(name) || strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return errs.Invalid("displayName", "display name must be 1-50 characters", "姓名应为 1–50 个字符")
	}
	return nil
}
