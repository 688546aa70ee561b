package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"tongban/app/account"
	"tongban/app/errs"
)

func init() {
	commands["user"] = command{
		summary: "accounts: user add|list|disable|enable|passwd (passwords are read from stdin)",
		run:     runUser,
	}
}

func userUsage(w io.Writer) {
	fmt.Fprint(w, `usage:
  tongbanctl user add [--role ROLE] [--name DISPLAY_NAME] [--password-stdin] USERNAME
  tongbanctl user list [--json]
  tongbanctl user disable USERNAME
  tongbanctl user enable USERNAME
  tongbanctl user passwd [--password-stdin] USERNAME   (reset a password, clears a lockout)
roles: clerk 窗口人员, supervisor 审核人员, field_agent 村级代办员, handler 办理地业务人员, admin 管理员
The password is never taken from the command line: type it, or pipe it with --password-stdin.
`)
}

func runUser(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		userUsage(e.stderr)
		return errs.New(errs.EINVALID, "missing user subcommand", "缺少子命令")
	}
	ctx = account.WithActor(ctx, "tongbanctl")
	switch args[0] {
	case "add":
		return userAdd(ctx, e, args[1:])
	case "list":
		return userList(ctx, e, args[1:])
	case "disable", "enable":
		return userSetDisabled(ctx, e, args[0] == "disable", args[1:])
	case "passwd":
		return userPasswd(ctx, e, args[1:])
	default:
		userUsage(e.stderr)
		return errs.New(errs.EINVALID, fmt.Sprintf("unknown user subcommand %q", args[0]), "未知的子命令："+args[0])
	}
}

func userFlags(e *env, name string) *flag.FlagSet {
	fs := flag.NewFlagSet("user "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() { userUsage(e.stderr) }
	return fs
}

// oneArg parses fs and requires exactly one positional argument.
func oneArg(fs *flag.FlagSet, args []string) (string, error) {
	if err := fs.Parse(args); err != nil {
		return "", errs.Wrap(err, errs.EINVALID, "bad arguments", "参数错误")
	}
	if fs.NArg() != 1 {
		return "", errs.New(errs.EINVALID, "expected one USERNAME", "请给出一个用户名（密码不能写在命令行上）")
	}
	return fs.Arg(0), nil
}

func newAccounts(e *env, ctx context.Context) (*account.Service, func(), error) {
	db, _, err := ctlOpenStore(ctx, e)
	if err != nil {
		return nil, nil, err
	}
	return account.New(db, time.Now, nil), func() { db.Close() }, nil
}

// readPassword reads one line from e.stdin; with prompt it first asks
// on stderr (the typed text is echoed by a plain terminal).
func readPassword(e *env, prompt bool) (string, error) {
	if prompt {
		fmt.Fprint(e.stderr, "密码 / password: ")
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && (err != io.EOF || line == "") {
		return "", errs.Wrap(err, errs.EINVALID, "no password on stdin", "未从标准输入读到密码")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func userAdd(ctx context.Context, e *env, args []string) error {
	fs := userFlags(e, "add")
	role := fs.String("role", "clerk", "role: clerk, supervisor, field_agent, handler, admin")
	name := fs.String("name", "", "display name (default: the username)")
	stdin := fs.Bool("password-stdin", false, "read the password from stdin without a prompt")
	fs.String("password", "", "refused: passwords must not appear on the command line")
	username, err := oneArg(fs, args)
	if err != nil {
		return err
	}
	if f := fs.Lookup("password"); f.Value.String() != "" {
		return errs.New(errs.EINVALID, "--password is refused: use --password-stdin",
			"不允许在命令行上写密码（会留在历史记录里），请用 --password-stdin 从标准输入读取")
	}
	if *name == "" {
		*name = username
	}
	svc, done, err := newAccounts(e, ctx)
	if err != nil {
		return err
	}
	defer done()
	need, err := svc.NeedsSetup(ctx)
	if err != nil {
		return err
	}
	if need && account.Role(*role) != account.RoleAdmin {
		return errs.Invalid("role", "the first account must be an admin (--role admin)",
			"本机还没有账户，第一个账户必须是管理员（--role admin）")
	}
	password, err := readPassword(e, !*stdin)
	if err != nil {
		return err
	}
	var u account.User
	if need {
		u, err = svc.Setup(ctx, username, *name, password)
	} else {
		u, err = svc.Add(ctx, account.NewUser{Username: username, DisplayName: *name, Role: account.Role(*role), Password: password})
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "added %s (%s, %s)\n", u.Username, u.DisplayName, u.Role.Label())
	return nil
}

func userList(ctx context.Context, e *env, args []string) error {
	fs := userFlags(e, "list")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return errs.Wrap(err, errs.EINVALID, "bad arguments", "参数错误")
	}
	svc, done, err := newAccounts(e, ctx)
	if err != nil {
		return err
	}
	defer done()
	users, err := svc.List(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(users)
	}
	if len(users) == 0 {
		fmt.Fprintln(e.stdout, "还没有账户。创建管理员：tongbanctl user add --role admin USERNAME")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "USERNAME\tNAME\tROLE\tSTATUS\tLAST LOGIN")
	for _, u := range users {
		status := "启用"
		switch {
		case u.Disabled:
			status = "停用"
		case u.Locked:
			status = "锁定至 " + u.LockedUntil.Local().Format("15:04")
		}
		last := "-"
		if u.LastLoginAt != nil {
			last = u.LastLoginAt.Local().Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Username, u.DisplayName, u.Role.Label(), status, last)
	}
	return tw.Flush()
}

func userSetDisabled(ctx context.Context, e *env, disabled bool, args []string) error {
	verb := "enable"
	if disabled {
		verb = "disable"
	}
	username, err := oneArg(userFlags(e, verb), args)
	if err != nil {
		return err
	}
	svc, done, err := newAccounts(e, ctx)
	if err != nil {
		return err
	}
	defer done()
	u, err := svc.SetDisabled(ctx, username, disabled)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%sd %s\n", verb, u.Username)
	return nil
}

func userPasswd(ctx context.Context, e *env, args []string) error {
	fs := userFlags(e, "passwd")
	stdin := fs.Bool("password-stdin", false, "read the new password from stdin without a prompt")
	username, err := oneArg(fs, args)
	if err != nil {
		return err
	}
	svc, done, err := newAccounts(e, ctx)
	if err != nil {
		return err
	}
	defer done()
	if _, err := svc.Get(ctx, username); err != nil {
		return err
	}
	password, err := readPassword(e, !*stdin)
	if err != nil {
		return err
	}
	if err := svc.SetPassword(ctx, username, password); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "password reset for %s\n", account.NormalizeUsername(username))
	return nil
}
