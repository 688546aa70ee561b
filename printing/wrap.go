package printing

import "unicode"

// noStart are characters that must not begin a line (避头).
const noStart = "，。、；：？！）」』”’》〉】〕…—·％‰,.;:?!)]}%"

// noEnd are characters that must not end a line (避尾).
const noEnd = "（「『“‘《〈【〔([{"

func in(set string, r rune) bool {
	for _, c := range set {
		if c == r {
			return true
		}
	}
	return false
}

// wordRune is part of a run that should not be split (Latin words, numbers).
func wordRune(r rune) bool {
	return r < 0x2E80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' || r == '@' || r == '/')
}

func canBreak(rs []rune, b int) bool {
	prev, next := rs[b-1], rs[b]
	if wordRune(prev) && wordRune(next) {
		return false
	}
	return !in(noStart, next) && !in(noEnd, prev)
}

// wrap breaks text into lines no wider than maxW, given each rune's width.
// Explicit newlines end a line. Concatenating the lines gives back the text
// without its newlines: no rune is dropped or repeated.
func wrap(text []rune, width func(rune) float64, maxW float64) [][]rune {
	var lines [][]rune
	start := 0
	for i := 0; i <= len(text); i++ {
		if i == len(text) || text[i] == '\n' {
			lines = append(lines, wrapPara(text[start:i], width, maxW)...)
			start = i + 1
		}
	}
	return lines
}

func wrapPara(rs []rune, width func(rune) float64, maxW float64) [][]rune {
	if len(rs) == 0 {
		return [][]rune{{}}
	}
	var lines [][]rune
	start, w := 0, 0.0
	for i := 0; i < len(rs); i++ {
		rw := width(rs[i])
		if w+rw <= maxW+1e-9 || i == start {
			w += rw
			continue
		}
		b := i
		for b > start && !canBreak(rs, b) {
			b--
		}
		if b == start { // nothing allowed: hard break at the overflow point
			b = i
		}
		lines = append(lines, rs[start:b])
		start = b
		w = 0
		for k := start; k <= i; k++ {
			w += width(rs[k])
		}
	}
	return append(lines, rs[start:])
}
