package scans_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"tongban/app/scans"
)

const sampleNote = "Reason: not a page file (zip container)\n原因：不是页面文件（ZIP 压缩包）\n\ncode: unsupported\n" +
	"folder: scanner-1 (/srv/hot)\nfile: 材料.zip\nsize: 1234\nmodified: 2026-03-01T09:00:00.5+08:00\nquarantined: 2026-03-01T09:00:01+08:00\nsha256: ab\n"

func TestParseNote(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		want    scans.QuarantineItem
		wantErr bool
	}{
		{"scanner note", sampleNote, scans.QuarantineItem{FileName: "材料.zip", Folder: "scanner-1 (/srv/hot)", Code: "unsupported",
			Reason: "not a page file (zip container)", ReasonZh: "不是页面文件（ZIP 压缩包）", Size: 1234, QuarantinedAt: "2026-03-01T01:00:01Z"}, false},
		{"english only", "Reason: empty file\r\ncode: empty\r\n", scans.QuarantineItem{Code: "empty", Reason: "empty file", ReasonZh: "empty file"}, false},
		{"bad size and time", "原因：损坏\nsize: -3\nquarantined: yesterday\n", scans.QuarantineItem{ReasonZh: "损坏"}, false},
		{"no reason", "code: corrupt\nfile: a.jpg\n", scans.QuarantineItem{}, true},
		{"empty", "", scans.QuarantineItem{}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := scans.ParseNote(strings.NewReader(c.in))
			if c.wantErr {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
		})
	}
}

func FuzzParseNote(f *testing.F) {
	f.Add(sampleNote)
	f.Add("Reason: x\n")
	f.Add("原因：\nsize: 99999999999999999999\n")
	f.Add(strings.Repeat("a", 70000) + "\nReason: long\n")
	f.Fuzz(func(t *testing.T, s string) {
		it, err := scans.ParseNote(strings.NewReader(s))
		if err != nil {
			return
		}
		if it.ReasonZh == "" {
			t.Fatalf("parsed note without a Chinese reason: %+v", it)
		}
		if it.Size < 0 {
			t.Fatalf("negative size %d", it.Size)
		}
	})
}

func TestListQuarantine(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		t.Helper()
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600))
	}
	write("20260301-aaaa-材料.zip", "PK")
	write("20260301-aaaa-材料.zip.reason.txt", sampleNote)
	write("20260302-bbbb-x.bmp", "BM")
	write("20260302-bbbb-x.bmp.reason.txt", "garbage")
	write("20260303-cccc-gone.jpg.reason.txt", sampleNote) // file removed by hand

	items, err := scans.ListQuarantine(dir, 0)
	require.NoError(t, err)
	require.Len(t, items, 2)
	names := []string{items[0].Name, items[1].Name}
	assert.ElementsMatch(t, []string{"20260301-aaaa-材料.zip", "20260302-bbbb-x.bmp"}, names)
	for _, it := range items {
		assert.NotEmpty(t, it.ReasonZh, it.Name)
	}

	none, err := scans.ListQuarantine(filepath.Join(dir, "missing"), 0)
	require.NoError(t, err)
	assert.Empty(t, none)
}
