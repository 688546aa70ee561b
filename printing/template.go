package printing

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"tongban/printing/perr"
)

//go:embed templates/*.json
var templateFS embed.FS

// Template is the layout of one document type on one paper size.
type Template struct {
	Kind   Kind    `json:"kind"`
	Paper  Paper   `json:"paper"`
	Width  float64 `json:"width"`  // mm
	Height float64 `json:"height"` // mm
	Boxes  []Box   `json:"boxes"`
}

// Box is one area of a page, in millimetres from the top-left corner.
type Box struct {
	Name    string   `json:"name"`
	Kind    string   `json:"kind"` // text, qr, code128, seal, line, rect, table
	X       float64  `json:"x"`
	Y       float64  `json:"y"`
	W       float64  `json:"w"`
	H       float64  `json:"h"`
	Text    string   `json:"text,omitempty"`  // static text with {field} placeholders
	Field   string   `json:"field,omitempty"` // table name for tables
	If      string   `json:"if,omitempty"`    // drawn only when this field is not empty
	Size    float64  `json:"size,omitempty"`  // font size in pt (largest)
	Min     float64  `json:"min,omitempty"`   // smallest font size when shrinking
	Align   string   `json:"align,omitempty"` // L (default), C, R
	VAlign  string   `json:"valign,omitempty"`
	Bold    bool     `json:"bold,omitempty"`
	Border  bool     `json:"border,omitempty"`
	Dash    bool     `json:"dash,omitempty"`
	Pages   string   `json:"pages,omitempty"` // first (default), every, last
	Columns []Column `json:"columns,omitempty"`
}

// Column is a table column.
type Column struct {
	Title string  `json:"title"`
	W     float64 `json:"w"`
	Align string  `json:"align,omitempty"`
}

// LoadTemplate returns the built-in template of kind on paper.
func LoadTemplate(kind Kind, paper Paper) (*Template, error) {
	name := fmt.Sprintf("templates/%s.%s.json", kind, paper)
	b, err := templateFS.ReadFile(name)
	if err != nil {
		return nil, perr.Wrap(err, perr.ENOTFOUND, "no template for "+string(kind)+" on "+string(paper),
			fmt.Sprintf("没有该文书在此纸张上的版式（%s / %s），可用纸张：%s", kind, paper, strings.Join(papersFor(kind), "、")))
	}
	return ParseTemplate(b)
}

// ParseTemplate parses and checks a template.
func ParseTemplate(b []byte) (*Template, error) {
	var t Template
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, perr.Wrap(err, perr.EINVALID, "parse template", "版式文件格式错误")
	}
	if err := t.check(); err != nil {
		return nil, perr.Wrap(err, perr.EINVALID, "check template", "版式文件有误："+err.Error())
	}
	return &t, nil
}

func (t *Template) check() error {
	if t.Width < 20 || t.Height < 20 || t.Width > 1000 || t.Height > 2000 {
		return fmt.Errorf("bad page size %gx%g", t.Width, t.Height)
	}
	for _, b := range t.Boxes {
		if b.W < 0 || b.H < 0 || b.X < 0 || b.Y < 0 || b.X+b.W > t.Width+0.01 || b.Y+b.H > t.Height+0.01 {
			return fmt.Errorf("box %q outside the page", b.Name)
		}
		switch b.Kind {
		case "text", "seal":
			if b.Size <= 0 {
				return fmt.Errorf("box %q has no font size", b.Name)
			}
		case "table":
			sum := 0.0
			for _, c := range b.Columns {
				sum += c.W
			}
			if len(b.Columns) == 0 || sum > b.W+0.01 || b.Size <= 0 {
				return fmt.Errorf("table %q columns do not fit", b.Name)
			}
		case "qr", "code128", "line", "rect":
		default:
			return fmt.Errorf("box %q has unknown kind %q", b.Name, b.Kind)
		}
	}
	return nil
}

// Papers lists the paper sizes that have a template for kind.
func Papers(kind Kind) []Paper {
	var ps []Paper
	for _, s := range papersFor(kind) {
		ps = append(ps, Paper(s))
	}
	return ps
}

func papersFor(kind Kind) []string {
	entries, _ := templateFS.ReadDir("templates")
	var out []string
	for _, e := range entries {
		n := strings.TrimSuffix(e.Name(), ".json")
		if k, p, ok := strings.Cut(n, "."); ok && Kind(k) == kind {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// expand replaces {field} placeholders with values.
func expand(s string, fields map[string]string) string {
	if !strings.Contains(s, "{") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(fields[s[i+1:i+j]])
		s = s[i+j+1:]
	}
}
