// Command seed fills a demo data directory (`tongbanctl demo seed` first)
// with open cases for the home-queue benchmark. Every case goes through the
// real app.CaseService, signed in as the demo clerk, so the journal, the
// audit chain and the projection are the ones the UI reads. Receipt times
// are spread over the last weeks so the queue has overdue, due-soon and
// fresh cases.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"strconv"
	"sync/atomic"
	"time"

	"tongban/app"
	"tongban/app/cases"
	"tongban/app/identity"
)

const crimeCode = "QG-2021-001" // 开具有无犯罪记录证明

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		os.Exit(1)
	}
}

func run() error {
	dir := flag.String("data-dir", "", "data directory prepared with `tongbanctl demo seed`")
	n := flag.Int("n", 10000, "open cases to create")
	user := flag.String("user", "clerk", "clerk to sign in as")
	password := flag.String("password", "Demo2026tb", "the clerk's password")
	flag.Parse()
	if *dir == "" {
		return fmt.Errorf("--data-dir is required")
	}
	// The workstation's clock is moved back for each case: receipts spread
	// over the last 30 days.
	var offset atomic.Int64
	clock := func() time.Time { return time.Now().Add(-time.Duration(offset.Load())) }
	ctx := context.Background()
	ws, err := app.Open(ctx, app.Options{DataDir: *dir, Version: "bench", Now: clock,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return err
	}
	defer ws.Close()
	svc := ws.Services()
	auth := svc["AuthService"].(*app.AuthService)
	cs := svc["CaseService"].(*app.CaseService)
	if _, err := auth.Login(*user, *password); err != nil {
		return fmt.Errorf("login %s: %w", *user, err)
	}
	r := rand.New(rand.NewPCG(2026, 3))
	surnames := []rune("王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗")
	given := []rune("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂䶮𠮷𪚥")
	start := time.Now()
	for i := range *n {
		offset.Store(int64(time.Duration(r.IntN(30*24*3600)) * time.Second))
		name := string(surnames[r.IntN(len(surnames))]) + string(given[r.IntN(len(given))]) + string(given[r.IntN(len(given))])
		birth := time.Date(1950+r.IntN(50), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
		body := "410105" + birth.Format("20060102") + fmt.Sprintf("%03d", r.IntN(1000))
		id := body + string(identity.CheckDigit(body))
		phone := "13" + strconv.Itoa(100000000+r.IntN(899999999))
		ck := identity.Checked{Card: identity.Card{Name: name, Number: id, ValidUntil: "长期", Source: identity.SourceManual}}
		in := cases.OpenInput{Intake: cases.Intake{
			Matter:    cases.MatterRef{Code: crimeCode},
			Applicant: cases.Person{Name: name, IDNumber: id, Phone: phone, Address: "河南省郑州市金水区经三路" + strconv.Itoa(1+i%200) + "号"},
			Form: map[string]string{"name": name, "idNo": id, "phone": phone, "householdAddress": "河南省郑州市",
				"purpose": "就业", "agent": "本人办理"},
		}, Identity: &ck, Materials: &cases.Materials{Items: []cases.MaterialItem{
			{ID: "id-card", Name: "申请人居民身份证", Status: "received", Form: "原件", Pages: 1, CheckedOriginal: true, Required: true},
			{ID: "application", Name: "有无犯罪记录证明申请表", Status: "received", Form: "原件", Pages: 2, Required: true},
		}}, Review: &cases.Review{}}
		res, err := cs.Open(in)
		if err != nil {
			return fmt.Errorf("case %d: %w", i, err)
		}
		if r.IntN(10) < 6 { // most are accepted and wait for the promised date
			if _, err := cs.Accept(res.State.CaseID, res.State.Version); err != nil {
				return fmt.Errorf("accept case %d: %w", i, err)
			}
		}
		if (i+1)%1000 == 0 {
			fmt.Fprintf(os.Stderr, "%d cases, %.1fs\n", i+1, time.Since(start).Seconds())
		}
	}
	q, err := cs.HomeQueue(1)
	if err != nil {
		return err
	}
	fmt.Printf("seeded %d cases in %.1fs; queue: open %d, overdue %d, due soon %d\n",
		*n, time.Since(start).Seconds(), q.Open, q.Overdue, q.DueSoon)
	return nil
}
