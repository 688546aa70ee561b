// Command tongban-web serves the workstation's UI and the same Go services
// over HTTP on loopback: the real UI in any browser, without a desktop
// window. End-to-end tests drive it with Chromium.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"tongban/app"
	"tongban/app/httpapi"
	"tongban/app/paths"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "tongban-web:", err)
		os.Exit(1)
	}
}

func run() error {
	addr := flag.String("addr", "127.0.0.1:34115", "listen address (loopback only)")
	dataFlag := flag.String("data-dir", "", "data directory (default: $TONGBAN_DATA_DIR or the OS user-data directory)")
	dist := flag.String("frontend", "frontend/dist", "built frontend directory")
	flag.Parse()

	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		return fmt.Errorf("addr: %w", err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return errors.New("addr must be a loopback address: this mode has no transport security")
	}
	if _, err := os.Stat(*dist + "/index.html"); err != nil {
		return fmt.Errorf("frontend not built (%s/index.html missing): run npm run build in frontend/", *dist)
	}
	dataDir, err := paths.DataDir(*dataFlag)
	if err != nil {
		return err
	}
	log, logFile, err := app.NewLogger(dataDir, os.Stderr)
	if err != nil {
		return err
	}
	defer logFile.Close()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ws, err := app.Open(ctx, app.Options{DataDir: dataDir, Version: "web", Logger: log})
	if err != nil {
		return err
	}
	defer ws.Close()
	ws.Start(ctx)
	ws.OnUIReady(func(screen string) { log.Info("ui ready", "screen", screen) })

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: httpapi.New(ws.Services(), os.DirFS(*dist)), ReadHeaderTimeout: 10 * time.Second}
	log.Info("serving", "url", "http://"+ln.Addr().String()+"/", "dataDir", dataDir)
	fmt.Printf("TONGBAN_WEB_READY http://%s/\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}
