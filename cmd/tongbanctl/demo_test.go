package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"tongban/app/config"
	"tongban/app/paths"
)

func TestDemoSeedHall(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		code     string
		hallName string
	}{
		{"default hall A", []string{"demo", "seed"}, "410102", "郑州市中原区政务服务中心（演示）"},
		{"handling place B", []string{"demo", "seed", "--hall", "330106", "--hall-name", "杭州市西湖区行政服务中心（演示）"},
			"330106", "杭州市西湖区行政服务中心（演示）"},
		{"flags before seed, known name", []string{"demo", "--hall", "410305", "seed"}, "410305", "洛阳市涧西区政务服务中心（演示）"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			code, stdout, stderr := ctl(t, dir, "", tt.args...)
			require.Equal(t, 0, code, stderr)
			assert.Contains(t, stdout, "handler", "the same demo accounts")
			assert.Contains(t, stdout, DemoPassword)
			s, problems := config.Load(paths.ConfigPath(dir))
			require.Empty(t, problems)
			assert.Equal(t, config.Hall{DivisionCode: tt.code, Name: tt.hallName}, s.Hall)
		})
	}
	for _, bad := range [][]string{{"demo", "seed", "--hall", "3301"}, {"demo", "seed", "--hall", "33010X"}, {"demo", "seed", "extra"}} {
		code, _, stderr := ctl(t, t.TempDir(), "", bad...)
		assert.Equal(t, 1, code, "%v: %s", bad, stderr)
	}
}
