package fonts

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"
)

// preferred orders system font files: Chinese families that carry full CJK
// punctuation first. Lower index wins; unknown files come last.
var preferred = []string{"msyh", "simsun", "simhei", "notosanssc", "sourcehansanssc", "wqy-microhei", "wqy-zenhei", "uming", "ukai", "droidsansfallback"}

func rank(path string) int {
	base := strings.ToLower(filepath.Base(path))
	for i, p := range preferred {
		if strings.Contains(base, p) {
			return i
		}
	}
	return len(preferred)
}

// SystemFontFiles lists candidate Chinese font files of this system, best
// first: the Windows font folder, or fontconfig's list of zh-cn fonts.
func SystemFontFiles(ctx context.Context) []string {
	var files []string
	if runtime.GOOS == "windows" {
		dir := filepath.Join(os.Getenv("WINDIR"), "Fonts")
		for _, n := range []string{"msyh.ttc", "simsun.ttc", "simhei.ttf", "simkai.ttf", "simfang.ttf"} {
			files = append(files, filepath.Join(dir, n))
		}
		return files
	}
	files = fcList(ctx, ":lang=zh-cn")
	sort.SliceStable(files, func(i, j int) bool { return rank(files[i]) < rank(files[j]) })
	return files
}

// FallbackFontFiles lists font files that may hold r, for per-character
// fallback (CJK Extension B and later on most systems).
func FallbackFontFiles(ctx context.Context, r rune) []string {
	if runtime.GOOS == "windows" {
		dir := filepath.Join(os.Getenv("WINDIR"), "Fonts")
		return []string{filepath.Join(dir, "simsunb.ttf"), filepath.Join(dir, "SimsunExtG.ttf"), filepath.Join(dir, "mingliub.ttc")}
	}
	return fcList(ctx, ":charset="+strings.ToLower(strconvHex(r)))
}

func strconvHex(r rune) string {
	const digits = "0123456789abcdef"
	if r == 0 {
		return "0"
	}
	var b []byte
	for v := uint32(r); v > 0; v >>= 4 {
		b = append([]byte{digits[v&0xF]}, b...)
	}
	return string(b)
}

// fcList runs fc-list with pattern and returns the font files it names;
// nothing when fontconfig is not installed.
func fcList(ctx context.Context, pattern string) []string {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "fc-list", pattern, "file").Output()
	if err != nil {
		return nil
	}
	seen := map[string]bool{}
	var files []string
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(line), ":"))
		if f == "" || seen[f] {
			continue
		}
		seen[f] = true
		files = append(files, f)
	}
	sort.Strings(files)
	return files
}
