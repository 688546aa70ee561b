package catalog

import (
	"strings"
	"unicode"
)

// aliases are common short forms people type at the counter for words
// the official names spell out. A matter whose name or scene holds full
// is indexed with short too, so that 社保卡 finds 社会保障卡申领. (A short
// form that is a substring of the full one, like 公积金, needs no alias.)
var aliases = []struct{ full, short string }{
	{"社会保障卡", "社保卡"},
	{"社会保险", "社保"},
	{"医疗保险", "医保"},
	{"残疾人证", "残疾证"},
	{"结婚登记", "婚姻登记"},
	{"离婚登记", "婚姻登记"},
	{"有无犯罪记录证明", "无犯罪证明"},
	{"异地就医", "医保异地"},
	{"二手车", "旧车"},
}

// keywords returns the alias words for m that its text does not already
// hold: those for words of the name, then "|", then those for the scene
// (search ranks the first part like a name hit).
func keywords(m *Matter) string {
	var name, scene []string
	for _, a := range aliases {
		if strings.Contains(m.Name+" "+m.Scene, a.short) {
			continue
		}
		switch {
		case strings.Contains(m.Name, a.full) && !contains(name, a.short):
			name = append(name, a.short)
		case strings.Contains(m.Scene, a.full) && !contains(name, a.short) && !contains(scene, a.short):
			scene = append(scene, a.short)
		}
	}
	if len(scene) == 0 {
		return strings.Join(name, " ")
	}
	return strings.Join(name, " ") + "|" + strings.Join(scene, " ")
}

// departments is the searchable, space-separated list of m's departments.
func departments(m *Matter) string {
	ds := make([]string, 0, 1+len(m.CooperatingDepartments))
	if m.LeadDepartment != "" {
		ds = append(ds, m.LeadDepartment)
	}
	ds = append(ds, m.CooperatingDepartments...)
	return strings.Join(ds, " ")
}

// modesText encodes service modes for an exact-match filter: |a|b|.
func modesText(ms []ServiceMode) string {
	var b strings.Builder
	b.WriteString("|")
	for _, m := range ms {
		b.WriteString(string(m))
		b.WriteString("|")
	}
	return b.String()
}

// searchText is the lower-cased haystack of the substring fallback
// (queries under 3 characters).
func searchText(m *Matter, kw string) string {
	return strings.ToLower(strings.Join([]string{m.Name, m.Scene, departments(m), m.Code, kw}, "|"))
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// charTokens writes the letters and digits of s one per token, for the
// catalog_chars index; other characters separate words.
func charTokens(s string) string {
	var b strings.Builder
	b.Grow(len(s) * 2)
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			b.WriteByte(' ')
		} else {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// charPhrase is the FTS5 phrase for term in catalog_chars, or "" when the
// term has no letter or digit.
func charPhrase(term string) string {
	var toks []string
	for _, r := range term {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			toks = append(toks, string(r))
		}
	}
	if len(toks) == 0 {
		return ""
	}
	return `"` + strings.Join(toks, " ") + `"`
}
