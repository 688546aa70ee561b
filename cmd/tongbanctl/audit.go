package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"time"

	"tongban/app/audit"
	"tongban/app/errs"
)

func init() {
	commands["audit"] = command{
		summary: "audit verify [--json]: check the hash chain of the audit log for edited, deleted or inserted entries",
		run:     runAudit,
	}
}

func runAudit(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "verify" {
		return errs.New(errs.EINVALID, "usage: tongbanctl audit verify [--json]", "用法：tongbanctl audit verify [--json]")
	}
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	db, _, err := ctlOpenExisting(ctx, e)
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := audit.New(db, "", time.Now).Verify(ctx)
	if err != nil {
		return fmt.Errorf("verify audit log: %w", err)
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(e.stdout, "entries: %d, head: #%d %s\n", rep.Entries, rep.HeadSeq, rep.HeadHash)
		for _, p := range rep.Problems {
			if p.ToSeq > 0 {
				fmt.Fprintf(e.stdout, "  %s: #%d–#%d  %s\n", p.Kind, p.Seq, p.ToSeq, p.Zh)
			} else {
				fmt.Fprintf(e.stdout, "  %s: #%d  %s\n", p.Kind, p.Seq, p.Zh)
			}
		}
	}
	if !rep.OK {
		return errs.New(errs.ECORRUPT, fmt.Sprintf("audit chain broken: %d problem(s)", len(rep.Problems)),
			"审计日志哈希链校验失败：有记录被修改、删除或插入")
	}
	if !*asJSON {
		fmt.Fprintln(e.stdout, "ok: audit chain intact / 审计日志完整")
	}
	return nil
}
