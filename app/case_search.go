package app

import (
	"context"
	"fmt"
	"strings"

	"tongban/app/cases"
	"tongban/app/catalog"
	"tongban/app/errs"
)

// CaseQuery is the case search of the UI: cases.Query plus MatterName, a
// part of a matter's name (or its exact code) that the app layer resolves to
// matter codes through the catalog, since the case table stores codes.
type CaseQuery struct {
	cases.Query
	MatterName string `json:"matterName,omitempty"`
}

// maxMatterCodes bounds how many matters one name search may expand to.
const maxMatterCodes = 30

// mergePage is the page size used while merging per-matter result streams.
const mergePage = 200

// matterCodes resolves text to the codes of matters whose name contains
// every space-separated term; an exact matter code resolves to itself.
func matterCodes(ctx context.Context, cat *catalog.Catalog, text string) ([]string, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, nil
	}
	if m, err := cat.Get(ctx, text); err == nil {
		return []string{m.Code}, nil
	} else if errs.Code(err) != errs.ENOTFOUND {
		return nil, fmt.Errorf("matter by code: %w", err)
	}
	p, err := cat.Search(ctx, catalog.Query{Text: text, Limit: catalog.MaxLimit})
	if err != nil {
		return nil, fmt.Errorf("matters by name: %w", err)
	}
	terms := strings.Fields(strings.ToLower(text))
	var codes []string
	for _, m := range p.Items {
		name := strings.ToLower(m.Name)
		all := true
		for _, t := range terms {
			if !strings.Contains(name, t) {
				all = false
				break
			}
		}
		if all {
			codes = append(codes, m.Code)
			if len(codes) == maxMatterCodes {
				break
			}
		}
	}
	return codes, nil
}

// searchFunc runs one cases.Query (the case service's Search).
type searchFunc func(cases.Query) (cases.Page, error)

// searchMatters runs q once per matter code and merges the streams in the
// order cases.Search uses (received_at desc, id desc), then applies q's
// offset and limit. Each stream is read lazily in pages of mergePage.
func searchMatters(run searchFunc, q cases.Query, codes []string) (cases.Page, error) {
	limit := q.Limit
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	offset := max(q.Offset, 0)
	if len(codes) == 1 {
		q.MatterCode = codes[0]
		return run(q)
	}
	type stream struct {
		code string
		buf  []cases.Summary
		next int // offset of the next page
		more bool
	}
	streams := make([]*stream, len(codes))
	for i, c := range codes {
		streams[i] = &stream{code: c, more: true}
	}
	fill := func(s *stream) error {
		if len(s.buf) > 0 || !s.more {
			return nil
		}
		sq := q
		sq.MatterCode, sq.Limit, sq.Offset = s.code, mergePage, s.next
		p, err := run(sq)
		if err != nil {
			return err
		}
		s.buf, s.more, s.next = p.Items, p.More, s.next+len(p.Items)
		return nil
	}
	page := cases.Page{Items: []cases.Summary{}}
	for taken := 0; taken <= offset+limit; {
		var best *stream
		for _, s := range streams {
			if err := fill(s); err != nil {
				return cases.Page{}, err
			}
			if len(s.buf) == 0 {
				continue
			}
			if best == nil || newer(s.buf[0], best.buf[0]) {
				best = s
			}
		}
		if best == nil {
			break
		}
		item := best.buf[0]
		best.buf = best.buf[1:]
		if taken == offset+limit {
			page.More = true
			break
		}
		if taken >= offset {
			page.Items = append(page.Items, item)
		}
		taken++
	}
	return page, nil
}

// newer reports whether a sorts before b in cases.Search order.
func newer(a, b cases.Summary) bool {
	if a.ReceivedAt != b.ReceivedAt {
		return a.ReceivedAt > b.ReceivedAt
	}
	return a.CaseID > b.CaseID
}
