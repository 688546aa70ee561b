package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"tongban/app/account"
	"tongban/app/catalog"
	"tongban/app/config"
	"tongban/app/errs"
	"tongban/app/paths"
)

func init() {
	commands["demo"] = command{
		summary: "demo seed: demo accounts and hall settings in a NEW data directory (never for production)",
		run:     runDemo,
	}
}

// DemoPassword is the password of every demo account. Demo data
// directories exist for trying Tongban out; a real installation starts with
// the set-up screen and has no default password.
const DemoPassword = "Demo2026tb"

// demoUsers are one account per role.
var demoUsers = []account.NewUser{
	{Username: "admin", DisplayName: "演示管理员", Role: account.RoleAdmin},
	{Username: "clerk", DisplayName: "演示窗口人员", Role: account.RoleClerk},
	{Username: "supervisor", DisplayName: "演示审核人员", Role: account.RoleSupervisor},
	{Username: "field", DisplayName: "演示村级代办员", Role: account.RoleFieldAgent},
	{Username: "handler", DisplayName: "演示办理地人员", Role: account.RoleHandler},
}

// demoHall is the default demo hall (workstation A of `make run`);
// demoHalls names the others the demo knows.
var (
	demoHall  = config.Hall{DivisionCode: "410102", Name: "郑州市中原区政务服务中心（演示）"}
	demoHalls = map[string]string{
		"410102": demoHall.Name,
		"330106": "杭州市西湖区行政服务中心（演示）",
		"410305": "洛阳市涧西区政务服务中心（演示）",
	}
)

// demoHallFor checks the code (6 digits) and picks the name.
func demoHallFor(code, name string) (config.Hall, error) {
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		return config.Hall{}, errs.Invalid("hall", "hall must be a 6-digit division code", "大厅行政区划代码应为6位数字")
	}
	if name = strings.TrimSpace(name); name == "" {
		name = demoHalls[code]
	}
	if name == "" {
		name = code + " 政务服务中心（演示）"
	}
	return config.Hall{DivisionCode: code, Name: name}, nil
}

func runDemo(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	hall := fs.String("hall", demoHall.DivisionCode, "the demo hall's division code (330106: the handling place of `make run-b`)")
	hallName := fs.String("hall-name", "", "the demo hall's name (default: the demo name of 410102 or 330106)")
	// "demo seed --hall X" and "demo --hall X seed" both work.
	if err := fs.Parse(args); err != nil {
		return err
	}
	rest := fs.Args()
	if len(rest) > 0 && rest[0] == "seed" {
		if err := fs.Parse(rest[1:]); err != nil {
			return err
		}
		rest = append([]string{"seed"}, fs.Args()...)
	}
	if len(rest) != 1 || rest[0] != "seed" {
		return errs.New(errs.EINVALID, "usage: tongbanctl demo seed [--hall CODE] [--hall-name NAME]",
			"用法：tongbanctl demo seed [--hall 行政区划代码] [--hall-name 大厅名称]")
	}
	h, err := demoHallFor(*hall, *hallName)
	if err != nil {
		return err
	}
	db, dir, err := ctlOpenStore(ctx, e)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := catalog.New(db).EnsureSeed(ctx); err != nil {
		return fmt.Errorf("seed catalog: %w", err)
	}
	acc := account.New(db, time.Now, nil)
	need, err := acc.NeedsSetup(ctx)
	if err != nil {
		return err
	}
	if !need {
		fmt.Fprintln(e.stdout, "accounts already exist: nothing seeded / 已有账号，未做改动")
		return nil
	}
	admin := demoUsers[0]
	if _, err := acc.Setup(ctx, admin.Username, admin.DisplayName, DemoPassword); err != nil {
		return fmt.Errorf("demo admin: %w", err)
	}
	actx := account.WithActor(ctx, admin.Username)
	for _, u := range demoUsers[1:] {
		u.Password = DemoPassword
		if _, err := acc.Add(actx, u); err != nil {
			return fmt.Errorf("demo user %s: %w", u.Username, err)
		}
	}
	cfgPath := paths.ConfigPath(dir)
	if _, err := os.Stat(cfgPath); os.IsNotExist(err) {
		s := config.Defaults()
		s.Hall = h
		if err := config.Save(cfgPath, s); err != nil {
			return fmt.Errorf("demo settings: %w", err)
		}
	}
	fmt.Fprintf(e.stdout, "demo accounts (password %s / 演示密码): ", DemoPassword)
	for i, u := range demoUsers {
		if i > 0 {
			fmt.Fprint(e.stdout, ", ")
		}
		fmt.Fprintf(e.stdout, "%s (%s)", u.Username, u.Role.Label())
	}
	fmt.Fprintln(e.stdout)
	return nil
}
