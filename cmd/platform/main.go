// Command platform is the provincial acceptance platform server and its
// admin tool:
//
//	platform serve --db sqlite:PATH|postgres://... --addr 127.0.0.1:8470 --blobs DIR [--demo]
//	platform admin --db ... create-hall|enroll-code|revoke-device|add-user|devices|publish-catalog|reset-epoch|seed-demo
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

const usage = `usage:
  platform serve --db sqlite:PATH|postgres://... [--addr 127.0.0.1:8470] [--blobs DIR] [--uploads DIR] [--demo]
  platform admin --db ... create-hall --code 410102 --name 名称 [--province 河南省]
  platform admin --db ... enroll-code --hall 410102 [--ttl 24h]
  platform admin --db ... revoke-device --id DEVICE_ID
  platform admin --db ... add-user --hall 410102 --username NAME --name 显示名 --role clerk   (password on stdin)
  platform admin --db ... devices
  platform admin --db ... publish-catalog --file catalog.json
  platform admin --db ... reset-epoch
  platform admin --db ... seed-demo
  platform admin --db ... ledger [--from 2026-01-01] [--to 2026-02-01] [--hall 410102] [--xlsx FILE]
`

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = serve(ctx, args[1:], stdout, stderr)
	case "admin":
		err = admin(ctx, args[1:], stdin, stdout)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "unknown command %q\n%s", args[0], usage)
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "platform:", err)
		return 1
	}
	return 0
}
