package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"tongban/platform"
	"tongban/platform/sqlstore"
)

func admin(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	top := flag.NewFlagSet("admin", flag.ContinueOnError)
	top.SetOutput(stdout)
	db := top.String("db", "sqlite:platform-data/platform.db", "database: sqlite:PATH or postgres://...")
	if err := top.Parse(args); err != nil {
		return err
	}
	rest := top.Args()
	if len(rest) == 0 {
		return errors.New("admin: missing subcommand\n" + usage)
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	cmd, args := rest[0], rest[1:]
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(stdout)
	switch cmd {
	case "create-hall":
		code := fs.String("code", "", "place code (6-12 digits)")
		name := fs.String("name", "", "name")
		province := fs.String("province", "", "province")
		if err := fs.Parse(args); err != nil {
			return err
		}
		if err := st.PutPlace(ctx, platform.Place{Code: *code, Name: *name, Province: *province}); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "place %s %s saved\n", *code, *name)
	case "enroll-code":
		hall := fs.String("hall", "", "place code of the device's hall")
		ttl := fs.Duration("ttl", 24*time.Hour, "validity")
		if err := fs.Parse(args); err != nil {
			return err
		}
		code, err := newEnrollCode(ctx, st, *hall, *ttl)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, code)
	case "revoke-device":
		id := fs.String("id", "", "device id")
		if err := fs.Parse(args); err != nil {
			return err
		}
		if err := st.RevokeDevice(ctx, *id, time.Now()); err != nil {
			return fmt.Errorf("revoke %s: %w", *id, err)
		}
		fmt.Fprintf(stdout, "device %s revoked\n", *id)
	case "add-user":
		hall := fs.String("hall", "", "place code")
		username := fs.String("username", "", "login name")
		name := fs.String("name", "", "display name")
		role := fs.String("role", "clerk", "clerk|supervisor|field_agent|handler|admin|kiosk")
		if err := fs.Parse(args); err != nil {
			return err
		}
		pw, err := readPassword(stdin)
		if err != nil {
			return err
		}
		a := platform.Account{Username: *username, DisplayName: *name, Role: *role, Hall: *hall,
			PasswordHash: platform.HashPassword(pw, platform.DefaultHashParams), UpdatedAt: time.Now()}
		if err := st.PutAccount(ctx, a); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "user %s (%s) saved for %s\n", *username, *role, *hall)
	case "devices":
		ds, err := st.Devices(ctx)
		if err != nil {
			return err
		}
		for _, d := range ds {
			state := "active"
			if d.Revoked() {
				state = "revoked " + d.RevokedAt.Format(time.RFC3339)
			}
			fmt.Fprintf(stdout, "%s\t%s\t%s\t%s\t%s\n", d.ID, d.Hall, d.Name, d.EnrolledAt.Format(time.RFC3339), state)
		}
	case "publish-catalog":
		file := fs.String("file", "", "catalog JSON file")
		if err := fs.Parse(args); err != nil {
			return err
		}
		b, err := os.ReadFile(*file)
		if err != nil {
			return err
		}
		cv, err := st.PublishCatalog(ctx, b, time.Now())
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "catalog version %d published (%s)\n", cv.Version, cv.SHA256[:12])
	case "reset-epoch":
		e, err := st.ResetEpoch(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "epoch %s: every device will rebuild from a full pull\n", e)
	case "ledger":
		return ledgerCmd(ctx, st, fs, args, stdout)
	case "seed-demo":
		codes, err := seedDemo(ctx, st)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "demo places seeded; enrollment code for %s: %s\n", demoHallA.Code, codes.HallA)
		printDemoB(stdout, codes)
	default:
		return fmt.Errorf("admin: unknown subcommand %q\n%s", cmd, usage)
	}
	return nil
}

func newEnrollCode(ctx context.Context, st *sqlstore.Store, hall string, ttl time.Duration) (string, error) {
	code := platform.NewEnrollCode()
	now := time.Now()
	err := st.CreateEnrollCode(ctx, platform.EnrollCode{Hash: platform.HashSecret(platform.NormalizeEnrollCode(code)),
		Hall: hall, CreatedAt: now, ExpiresAt: now.Add(ttl)})
	if err != nil {
		return "", err
	}
	return code, nil
}

// readPassword takes the first line of stdin (TONGBAN_PASSWORD wins, for scripts).
func readPassword(stdin io.Reader) (string, error) {
	if pw := os.Getenv("TONGBAN_PASSWORD"); pw != "" {
		return pw, nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if len(pw) < 8 {
		return "", errors.New("password must have at least 8 characters (give it on stdin)")
	}
	return pw, nil
}
