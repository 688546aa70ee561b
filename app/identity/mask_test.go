package identity

import "testing"

func TestMask(t *testing.T) {
	for _, tt := range []struct {
		fn       func(string) string
		in, want string
	}{
		{MaskID, "11010519491231002X", "110105********002X"},
		{MaskID, "USA410080010112", "USA410*****0112"},
		{MaskID, "E12345678", "E1*****78"},
		{MaskID, "ABC", "***"},
		{MaskID, "", ""},
		{MaskPhone, "13812345678", "138****5678"},
		{MaskPhone, "0371-63012345", "0371-****2345"},
		{MaskPhone, "12345", "*****"},
		{MaskName, "张三", "张*"},
		{MaskName, "买买提·艾力", "买*****"},
		{MaskName, "𠮷", "𠮷"},
	} {
		if got := tt.fn(tt.in); got != tt.want {
			t.Errorf("mask(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
