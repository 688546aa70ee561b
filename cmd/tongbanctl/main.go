// Command tongbanctl administers a Tongban workstation's local store: the
// matter catalog, accounts, backups and integrity checks. It works on the same
// data directory as the desktop app (--data-dir or TONGBAN_DATA_DIR).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"

	"tongban/app/errs"
)

// env is what every subcommand gets: where the data lives and where to write.
type env struct {
	dataDir string
	stdin   io.Reader
	stdout  io.Writer
	stderr  io.Writer
}

// command is one tongbanctl subcommand. run receives the arguments after
// the subcommand's name.
type command struct {
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}

// commands lists every subcommand; each file of this package registers its own.
var commands = map[string]command{}

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tongbanctl", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dataDir := fs.String("data-dir", "", "data directory (default: $TONGBAN_DATA_DIR or the OS user-data directory)")
	fs.Usage = func() { usage(stderr) }
	if err := fs.Parse(args); err != nil {
		return 2
	}
	rest := fs.Args()
	if len(rest) == 0 {
		usage(stderr)
		return 2
	}
	cmd, ok := commands[rest[0]]
	if !ok {
		fmt.Fprintf(stderr, "tongbanctl: unknown command %q\n", rest[0])
		usage(stderr)
		return 2
	}
	e := &env{dataDir: *dataDir, stdin: stdin, stdout: stdout, stderr: stderr}
	if err := cmd.run(ctx, e, rest[1:]); err != nil {
		var de *errs.Error
		if errors.As(err, &de) && de.Zh != "" {
			fmt.Fprintf(stderr, "tongbanctl: %v\n%s\n", err, de.Zh)
		} else {
			fmt.Fprintf(stderr, "tongbanctl: %v\n", err)
		}
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: tongbanctl [--data-dir DIR] COMMAND [ARGS]")
	fmt.Fprintln(w, "commands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
}
