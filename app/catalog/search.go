package catalog

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"tongban/app/errs"
)

// Paging bounds of Search.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// trigramMin is the shortest term FTS5's trigram tokenizer can match.
const trigramMin = 3

// Search returns one page of the active version's matters matching q.
// Terms (split on spaces) must all match somewhere in name, scene,
// departments, code or alias keywords. Terms of 3+ characters use the FTS5
// trigram index; when all terms are shorter, the one-character-per-token
// index finds them as phrases. Every term is confirmed as a substring.
// Matters whose name holds the terms come first, then by relevance and
// list order (batch, seq); without text the list order is used.
func (c *Catalog) Search(ctx context.Context, q Query) (Page, error) {
	page := Page{Items: []MatterSummary{}}
	if err := q.check(); err != nil {
		return page, err
	}
	v, err := c.Active(ctx)
	if err != nil {
		return page, err
	}
	page.VersionID = v.ID
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)

	terms := strings.Fields(q.Text)
	var long, short []string
	for _, t := range terms {
		if utf8.RuneCountInString(t) >= trigramMin {
			long = append(long, t)
		} else {
			short = append(short, t)
		}
	}
	var from string
	var args []any
	ranked := false
	switch {
	case len(long) > 0:
		// Column weights: name, scene, departments, code, keywords.
		from = `(SELECT rowid AS rid, bm25(catalog_fts, 10.0, 1.0, 2.0, 5.0, 3.0) AS rank
			FROM catalog_fts WHERE catalog_fts MATCH ?) f JOIN catalog_matters m ON m.id = f.rid`
		args = append(args, ftsQuery(long))
		ranked = true
	case len(short) > 0 && charQuery(short) != "":
		from = `(SELECT rowid AS rid FROM catalog_chars WHERE catalog_chars MATCH ?) f
			JOIN catalog_matters m ON m.id = f.rid`
		args = append(args, charQuery(short))
	default:
		from = "catalog_matters m"
	}
	where := []string{"m.version_id = ?"}
	args = append(args, v.ID)
	for _, t := range short {
		// search_text is stored lower-cased.
		where = append(where, "instr(m.search_text, ?) > 0")
		args = append(args, strings.ToLower(t))
	}
	if q.Department != "" {
		where = append(where, "instr(' ' || m.departments || ' ', ?) > 0")
		args = append(args, " "+q.Department+" ")
	}
	if q.Mode != "" {
		where = append(where, "instr(m.modes_text, ?) > 0")
		args = append(args, "|"+string(q.Mode)+"|")
	}
	if q.Batch != "" {
		where = append(where, "m.batch = ?")
		args = append(args, string(q.Batch))
	}
	base := " FROM " + from + " WHERE " + strings.Join(where, " AND ")

	if len(terms) == 0 {
		// Browse: list order straight from the (version_id, batch, seq)
		// index, which stops at the page; the count is a separate query.
		if err := c.db.Reader().QueryRowContext(ctx, "SELECT count(*)"+base, args...).Scan(&page.Total); err != nil {
			return page, fmt.Errorf("count catalog: %w", err)
		}
		err := c.scanPage(ctx, &page, "SELECT "+summaryCols+base+
			" ORDER BY m.batch, m.seq, m.code LIMIT ? OFFSET ?", append(args, limit, q.Offset), false)
		return page, err
	}

	var order strings.Builder
	order.WriteString(" ORDER BY (")
	for i, t := range terms {
		if i > 0 {
			order.WriteString(" + ")
		}
		// A name hit (or an alias of a word of the name) counts 2, any other hit 1.
		order.WriteString(`2 * (instr(m.name, ?) > 0 OR instr(substr(m.keywords, 1, instr(m.keywords || '|', '|')), ?) > 0)
			+ (instr(m.search_text, ?) > 0)`)
		args = append(args, t, t, strings.ToLower(t))
	}
	order.WriteString(") DESC, ")
	if ranked {
		order.WriteString("f.rank, ")
	}
	order.WriteString("m.batch, m.seq, m.code LIMIT ? OFFSET ?")
	args = append(args, limit, q.Offset)
	if err := c.scanPage(ctx, &page, "SELECT "+summaryCols+", count(*) OVER ()"+base+order.String(), args, true); err != nil {
		return page, err
	}
	if len(page.Items) == 0 && q.Offset > 0 {
		// Past the end: the window count had no row to ride on.
		tq := q
		tq.Offset, tq.Limit = 0, 1
		first, err := c.Search(ctx, tq)
		if err != nil {
			return page, err
		}
		page.Total = first.Total
	}
	return page, nil
}

func (c *Catalog) scanPage(ctx context.Context, page *Page, query string, args []any, withTotal bool) error {
	rows, err := c.db.Reader().QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("search catalog: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var extra []any
		if withTotal {
			extra = append(extra, &page.Total)
		}
		s, err := scanSummary(rows, extra...)
		if err != nil {
			return fmt.Errorf("scan result: %w", err)
		}
		page.Items = append(page.Items, s)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("search catalog: %w", err)
	}
	return nil
}

// charQuery ANDs the character phrases of short terms; "" when none has a
// letter or digit (then the substring check alone decides).
func charQuery(terms []string) string {
	var parts []string
	for _, t := range terms {
		if p := charPhrase(t); p != "" {
			parts = append(parts, p)
		} else {
			return ""
		}
	}
	return strings.Join(parts, " AND ")
}

func (q Query) check() error {
	switch {
	case q.Offset < 0:
		return errs.Invalid("offset", "offset must not be negative", "分页位置不能为负数")
	case q.Mode != "" && !q.Mode.Valid():
		return errs.Invalid("mode", "unknown service mode "+string(q.Mode), "未知的通办业务模式："+string(q.Mode))
	case q.Batch != "" && !q.Batch.Valid():
		return errs.Invalid("batch", "unknown batch "+string(q.Batch), "未知的事项批次："+string(q.Batch))
	case utf8.RuneCountInString(q.Text) > 100:
		return errs.Invalid("text", "query too long", "搜索内容过长（最多100个字）")
	}
	return nil
}

// ftsQuery makes an FTS5 query that ANDs each term as a quoted phrase, so
// that FTS5 syntax characters in user input are taken literally.
func ftsQuery(terms []string) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"`
	}
	return strings.Join(parts, " AND ")
}

func containsStr(s, sub string) bool { return strings.Contains(s, sub) }
