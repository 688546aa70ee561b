package courier

import (
	"fmt"
	"strings"

	"tongban/printing/perr"
)

var s10Weights = [8]int{8, 6, 4, 2, 3, 5, 9, 7}

// S10CheckDigit returns the UPU S10 check digit of an 8-digit serial.
func S10CheckDigit(serial string) (int, error) {
	if len(serial) != 8 {
		return 0, fmt.Errorf("serial must have 8 digits")
	}
	sum := 0
	for i := 0; i < 8; i++ {
		c := serial[i]
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("serial must be digits")
		}
		sum += int(c-'0') * s10Weights[i]
	}
	switch d := 11 - sum%11; d {
	case 10:
		return 0, nil
	case 11:
		return 5, nil
	default:
		return d, nil
	}
}

func isUpper(b byte) bool { return b >= 'A' && b <= 'Z' }

// ValidateEMS checks an EMS tracking number in UPU S10 form: 2 letters,
// 8 serial digits, 1 check digit, 2 letters (country code), e.g.
// EE123456785CN. Spaces are ignored, letters upper-cased.
func ValidateEMS(no string) (string, error) {
	s := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(no), " ", ""))
	bad := func(why, zh string) (string, error) {
		return "", perr.New(perr.EINVALID, "ems number "+s+": "+why, "EMS 运单号“"+no+"”无效："+zh)
	}
	if len(s) != 13 {
		return bad("must have 13 characters", "应为 13 位（2 位字母 + 9 位数字 + 2 位字母）")
	}
	if !isUpper(s[0]) || !isUpper(s[1]) || !isUpper(s[11]) || !isUpper(s[12]) {
		return bad("letters expected at 1-2 and 12-13", "前 2 位和后 2 位应为字母")
	}
	want, err := S10CheckDigit(s[2:10])
	if err != nil || s[10] < '0' || s[10] > '9' {
		return bad("digits expected at 3-11", "第 3 至 11 位应为数字")
	}
	if int(s[10]-'0') != want {
		return bad(fmt.Sprintf("check digit %c, want %d", s[10], want), "校验位错误，请核对单号")
	}
	return s, nil
}
