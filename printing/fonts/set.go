package fonts

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"tongban/printing/perr"
)

// DefaultFontFile is the file name scripts/fetch-fonts.sh installs.
const DefaultFontFile = "NotoSansSC-Regular.ttf"

// MustCover are the characters a primary face must have: without them
// documents would show boxes for common punctuation (DESIGN §6).
const MustCover = "中国受理编号，。、；：？！“”‘’（）《》【】—…·0123456789ABCabc"

// Config says where fonts come from.
type Config struct {
	Path          string   // configured primary font (.ttf/.ttc); an error if unusable
	Index         int      // face index inside a .ttc
	FallbackPaths []string // configured fallback fonts for rare characters
	DefaultDirs   []string // folders searched for DefaultFontFile
	NoSystem      bool     // do not look at system fonts (tests)
}

// Set is the primary face plus fallback faces found per character.
type Set struct {
	Primary *Face
	Notes   []string // why candidates were skipped, for the admin

	cfg       Config
	mu        sync.Mutex
	fallbacks []*Face
	byPath    map[string]*Face // loaded or failed (nil) fallback files
	tried     map[rune]bool
}

// LoadFile reads and parses face index of the font file at path.
func LoadFile(path string, index int) (*Face, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, perr.Wrap(err, perr.ENOTFOUND, "font file not found: "+path, "找不到字体文件："+path)
		}
		return nil, perr.Wrap(err, perr.EINVALID, "read font "+path, "无法读取字体文件："+path)
	}
	return Parse(data, path, index)
}

func covers(f *Face, s string) string {
	var miss []rune
	for _, r := range s {
		if !f.Has(r) {
			miss = append(miss, r)
		}
	}
	return string(miss)
}

// Load finds the primary face: cfg.Path, else a system Chinese font, else
// DefaultFontFile in cfg.DefaultDirs.
func Load(ctx context.Context, cfg Config) (*Set, error) {
	s := &Set{cfg: cfg, byPath: map[string]*Face{}, tried: map[rune]bool{}}
	for _, p := range cfg.FallbackPaths {
		f, err := LoadFile(p, 0)
		if err != nil {
			return nil, err
		}
		s.fallbacks = append(s.fallbacks, f)
		s.byPath[p] = f
	}
	if cfg.Path != "" {
		f, err := LoadFile(cfg.Path, cfg.Index)
		if err != nil {
			return nil, err
		}
		if miss := covers(f, MustCover); miss != "" {
			return nil, perr.New(perr.EINVALID, "font "+cfg.Path+" lacks Chinese characters or punctuation: "+miss,
				"字体"+cfg.Path+"缺少中文字符或标点（"+miss+"），请改用完整的中文字体")
		}
		s.Primary = f
		return s, nil
	}
	var candidates []string
	if !cfg.NoSystem {
		candidates = SystemFontFiles(ctx)
	}
	for _, d := range cfg.DefaultDirs {
		candidates = append(candidates, filepath.Join(d, DefaultFontFile))
	}
	for _, p := range candidates {
		if _, err := os.Stat(p); err != nil {
			continue
		}
		f, err := LoadFile(p, 0)
		if err != nil {
			s.Notes = append(s.Notes, perr.Zh(err))
			continue
		}
		if miss := covers(f, MustCover); miss != "" {
			s.Notes = append(s.Notes, fmt.Sprintf("跳过字体 %s：缺少 %s", p, miss))
			continue
		}
		s.Primary = f
		return s, nil
	}
	return nil, perr.New(perr.ENOTFOUND, "no usable Chinese TrueType font (tried "+strings.Join(candidates, ", ")+")",
		"未找到可用的中文 TrueType 字体。请在设置中指定字体文件（如 C:\\Windows\\Fonts\\simsun.ttc），或运行 scripts/fetch-fonts.sh 安装默认字体")
}

// FaceFor returns the face that draws r: the primary face, else a fallback
// (configured, or found through the system for this character), else nil.
func (s *Set) FaceFor(ctx context.Context, r rune) *Face {
	if s.Primary.Has(r) {
		return s.Primary
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.fallbacks {
		if f.Has(r) {
			return f
		}
	}
	if s.cfg.NoSystem || s.tried[r] {
		return nil
	}
	s.tried[r] = true
	for _, p := range FallbackFontFiles(ctx, r) {
		f, seen := s.byPath[p]
		if !seen {
			f, _ = LoadFile(p, 0) // a broken system font is just not a candidate
			s.byPath[p] = f
			if f != nil {
				s.fallbacks = append(s.fallbacks, f)
			}
		}
		if f != nil && f.Has(r) {
			return f
		}
	}
	return nil
}
