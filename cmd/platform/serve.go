package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"tongban/platform/httpserver"
	"tongban/scanner/blob"
)

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "sqlite:platform-data/platform.db", "database: sqlite:PATH or postgres://...")
	addr := fs.String("addr", "127.0.0.1:8470", "listen address")
	blobs := fs.String("blobs", "platform-data/blobs", "directory of verified scans (shared by all nodes)")
	uploads := fs.String("uploads", "", "directory of uploads in progress (default: BLOBS/../uploads; shared by all nodes)")
	demo := fs.Bool("demo", false, "seed the demo places and print enrollment codes for hall 410102 and handling place 330106")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if *demo {
		codes, err := seedDemo(ctx, st)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "demo: enrollment code for hall %s (valid 24 h, single use): %s\n", demoHallA.Code, codes.HallA)
		printDemoB(stdout, codes)
	}
	bs, err := blob.OpenFS(*blobs)
	if err != nil {
		return err
	}
	if *uploads == "" {
		*uploads = filepath.Join(filepath.Dir(filepath.Clean(*blobs)), "uploads")
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	srv, err := httpserver.New(httpserver.Config{Store: st, Blobs: bs, UploadDir: *uploads, Logger: log, Registry: reg})
	if err != nil {
		return err
	}
	return srv.Serve(ctx, *addr)
}
