package app

import (
	"fmt"
	"sort"
	"testing"

	"tongban/app/cases"
)

// fakeCases serves cases.Query like cases.Search does: filter by matter
// code, order by received_at desc, id desc, page with Limit/Offset.
func fakeCases(all []cases.Summary, calls *int) searchFunc {
	return func(q cases.Query) (cases.Page, error) {
		*calls++
		var hit []cases.Summary
		for _, c := range all {
			if q.MatterCode == "" || c.MatterCode == q.MatterCode {
				hit = append(hit, c)
			}
		}
		sort.Slice(hit, func(i, j int) bool { return newer(hit[i], hit[j]) })
		limit := q.Limit
		if limit <= 0 || limit > 200 {
			limit = 50
		}
		p := cases.Page{Items: []cases.Summary{}}
		for i := q.Offset; i < len(hit) && len(p.Items) <= limit; i++ {
			p.Items = append(p.Items, hit[i])
		}
		if len(p.Items) > limit {
			p.Items, p.More = p.Items[:limit], true
		}
		return p, nil
	}
}

func TestSearchMattersMergesInOrder(t *testing.T) {
	var all []cases.Summary
	for i := range 450 {
		code := []string{"A", "B", "C"}[i%3]
		all = append(all, cases.Summary{CaseID: fmt.Sprintf("id-%04d", i), MatterCode: code,
			ReceivedAt: fmt.Sprintf("2026-01-%02dT08:00:%02d.000000000Z", 1+i%28, i%60)})
	}
	var calls int
	run := fakeCases(all, &calls)
	want, _ := fakeCases(all, new(int))(cases.Query{Limit: 200})
	wantNext, _ := fakeCases(all, new(int))(cases.Query{Limit: 200, Offset: 200})
	expect := append(want.Items, wantNext.Items...) // the 400 newest of A∪C∪B = all

	tests := []struct {
		name          string
		codes         []string
		offset, limit int
		wantN         int
		wantMore      bool
	}{
		{"first page", []string{"A", "B", "C"}, 0, 50, 50, true},
		{"deep page", []string{"A", "B", "C"}, 300, 50, 50, true},
		{"last partial", []string{"A", "B", "C"}, 420, 50, 30, false},
		{"exact end", []string{"A", "B", "C"}, 400, 50, 50, false},
		{"one code", []string{"B"}, 0, 200, 150, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			calls = 0
			p, err := searchMatters(run, cases.Query{Offset: tc.offset, Limit: tc.limit}, tc.codes)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := len(p.Items), tc.wantN; got != want {
				t.Fatalf("got %d items, want %d", got, want)
			}
			if got, want := p.More, tc.wantMore; got != want {
				t.Fatalf("more = %v, want %v", got, want)
			}
			if len(tc.codes) == 3 && tc.offset+tc.wantN <= len(expect) {
				for i, c := range p.Items {
					if got, want := c.CaseID, expect[tc.offset+i].CaseID; got != want {
						t.Fatalf("item %d = %s, want %s", i, got, want)
					}
				}
			}
			for _, c := range p.Items {
				if len(tc.codes) == 1 && c.MatterCode != tc.codes[0] {
					t.Fatalf("item of matter %s in a search for %v", c.MatterCode, tc.codes)
				}
			}
			if calls > 3*3 {
				t.Fatalf("%d calls to the case search, want at most one page per stream and step", calls)
			}
		})
	}
}
