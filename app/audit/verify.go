package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Problem kinds found by Verify.
const (
	ProblemEdited   = "edited"   // the entry's content no longer matches its hash
	ProblemDeleted  = "deleted"  // entries are missing (seq gap, or cut from the end)
	ProblemInserted = "inserted" // an entry was added that the chain does not link
	ProblemBroken   = "broken"   // the link to the previous entry is wrong for another reason
)

// Problem is one break in the chain. Seq is the entry concerned (for
// deletions, the first missing seq; ToSeq the last).
type Problem struct {
	Kind  string `json:"kind"`
	Seq   int64  `json:"seq"`
	ToSeq int64  `json:"toSeq,omitempty"`
	Zh    string `json:"zh"`
}

// Report is the result of Verify.
type Report struct {
	OK       bool      `json:"ok"`
	Entries  int64     `json:"entries"`
	HeadSeq  int64     `json:"headSeq"`
	HeadHash string    `json:"headHash"`
	Problems []Problem `json:"problems,omitempty"`
}

// Verify walks the whole chain and reports every entry that was edited,
// deleted or inserted after it was written. It reads in one snapshot and
// holds one row of look-behind and one of look-ahead in memory.
//
// What it can and cannot prove: anyone who can rewrite the database file can
// also recompute every later hash and the head; the chain makes such a
// rewrite detectable only against a copy of the head kept elsewhere (the
// platform receives HeadHash on every sync, and `tongbanctl audit verify`
// prints it). Edits by tools that do not recompute hashes are always found.
func (l *Log) Verify(ctx context.Context) (Report, error) {
	tx, err := l.db.Reader().BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return Report{}, fmt.Errorf("begin verify: %w", err)
	}
	defer tx.Rollback()
	var rep Report
	var headSeq int64
	var headHash string
	err = tx.QueryRowContext(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1").Scan(&headSeq, &headHash)
	if errors.Is(err, sql.ErrNoRows) {
		headSeq, headHash = 0, Genesis
	} else if err != nil {
		return Report{}, fmt.Errorf("read audit head: %w", err)
	}
	rep.HeadSeq, rep.HeadHash = headSeq, headHash
	rows, err := tx.QueryContext(ctx, "SELECT seq, id, at, actor, role, device_id, action, object_type, object_id, detail, prev_hash, hash FROM audit_log ORDER BY seq")
	if err != nil {
		return Report{}, fmt.Errorf("read audit log: %w", err)
	}
	defer rows.Close()

	next := func() (Entry, bool, error) {
		if !rows.Next() {
			return Entry{}, false, rows.Err()
		}
		e, err := scanEntry(rows)
		return e, err == nil, err
	}
	prevHash, prevPrevHash := Genesis, ""
	var lastSeq, lastOrig int64
	cur, ok, err := next()
	if err != nil {
		return Report{}, err
	}
	for ok {
		nxt, nok, err := next()
		if err != nil {
			return Report{}, err
		}
		rep.Entries++
		orig := originalSeq(cur)
		if orig < 0 {
			orig = cur.Seq
			rep.Problems = append(rep.Problems, Problem{Kind: ProblemEdited, Seq: cur.Seq,
				Zh: fmt.Sprintf("第 %d 条审计记录的内容已被修改", cur.Seq)})
		}
		skip := false
		if cur.PrevHash != prevHash {
			switch {
			case prevPrevHash != "" && cur.PrevHash == prevPrevHash:
				rep.Problems = append(rep.Problems, Problem{Kind: ProblemInserted, Seq: cur.Seq - 1,
					Zh: fmt.Sprintf("第 %d 条审计记录是事后插入的", cur.Seq-1)})
			case orig != lastOrig+1:
				rep.Problems = append(rep.Problems, Problem{Kind: ProblemDeleted, Seq: lastOrig + 1, ToSeq: orig - 1,
					Zh: fmt.Sprintf("原第 %d–%d 条审计记录已被删除", lastOrig+1, orig-1)})
			case nok && nxt.PrevHash == prevHash:
				rep.Problems = append(rep.Problems, Problem{Kind: ProblemInserted, Seq: cur.Seq,
					Zh: fmt.Sprintf("第 %d 条审计记录是事后插入的", cur.Seq)})
				skip = true
			default:
				rep.Problems = append(rep.Problems, Problem{Kind: ProblemBroken, Seq: cur.Seq,
					Zh: fmt.Sprintf("第 %d 条审计记录与前一条的链接不符（前一条被修改、替换或删除）", cur.Seq)})
			}
		} else if orig != lastOrig+1 {
			rep.Problems = append(rep.Problems, Problem{Kind: ProblemBroken, Seq: cur.Seq,
				Zh: fmt.Sprintf("第 %d 条审计记录的序号被改动", cur.Seq)})
		}
		if !skip {
			prevPrevHash, prevHash = prevHash, cur.Hash
			lastOrig = orig
		}
		lastSeq = cur.Seq
		cur, ok = nxt, nok
	}
	switch {
	case lastSeq < headSeq:
		rep.Problems = append(rep.Problems, Problem{Kind: ProblemDeleted, Seq: lastSeq + 1, ToSeq: headSeq,
			Zh: fmt.Sprintf("最后的第 %d–%d 条审计记录已被删除", lastSeq+1, headSeq)})
	case lastSeq > headSeq:
		rep.Problems = append(rep.Problems, Problem{Kind: ProblemInserted, Seq: headSeq + 1,
			Zh: fmt.Sprintf("第 %d 条之后的审计记录是绕过程序追加的", headSeq)})
	case prevHash != headHash:
		rep.Problems = append(rep.Problems, Problem{Kind: ProblemBroken, Seq: lastSeq,
			Zh: "审计链末端与记录的链头不符"})
	}
	rep.OK = len(rep.Problems) == 0
	return rep, nil
}

// originalSeq is the seq the entry was written with: its own, or a
// neighbour when later entries were renumbered to hide an insertion or a
// deletion. -1 when the content itself was changed.
func originalSeq(e Entry) int64 {
	want := e.Hash
	for _, d := range []int64{0, -1, 1} {
		c := e
		c.Seq = e.Seq + d
		if c.ComputeHash() == want {
			return c.Seq
		}
	}
	return -1
}
