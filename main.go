// Command tongban is the 通办工作台 desktop workstation (Wails v2).
package main

import (
	"context"
	"embed"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"

	"tongban/app"
	"tongban/app/paths"
)

//go:embed all:frontend/dist
var assets embed.FS

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	start := time.Now()
	if err := run(start); err != nil {
		fmt.Fprintln(os.Stderr, "tongban:", err)
		os.Exit(1)
	}
}

func run(start time.Time) error {
	dataFlag := flag.String("data-dir", "", "data directory (default: $TONGBAN_DATA_DIR or the OS user-data directory)")
	smoke := flag.Bool("smoke", false, "quit 1.5 s after the first screen has rendered (smoke tests, benchmarks)")
	flag.Parse()

	if err := checkDisplay(); err != nil {
		return err
	}
	if os.Getenv("WEBKIT_DISABLE_DMABUF_RENDERER") == "" {
		// Blank windows on some GPU stacks otherwise (DESIGN §10).
		os.Setenv("WEBKIT_DISABLE_DMABUF_RENDERER", "1")
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

	ctx := context.Background()
	ws, err := app.Open(ctx, app.Options{DataDir: dataDir, Version: version, Logger: log})
	if err != nil {
		return err
	}
	defer ws.Close()

	var ui *app.WailsUI
	ws.OnUIReady(func(screen string) {
		fmt.Fprintf(os.Stderr, "TONGBAN_UI_READY %d %s\n", time.Since(start).Milliseconds(), screen)
		if *smoke && ui != nil {
			time.AfterFunc(1500*time.Millisecond, ui.Quit)
		}
	})

	dist, err := fs.Sub(assets, "frontend/dist")
	if err != nil {
		return err
	}
	services := ws.Services()
	bind := make([]any, 0, len(services))
	for _, s := range services {
		bind = append(bind, s)
	}
	return wails.Run(&options.App{
		Title:     "通办工作台",
		Width:     1366,
		Height:    768,
		MinWidth:  1024,
		MinHeight: 640,
		AssetServer: &assetserver.Options{
			Assets: dist,
		},
		BackgroundColour: &options.RGBA{R: 245, G: 247, B: 250, A: 1},
		OnStartup: func(ctx context.Context) {
			ui = app.NewWailsUI(ctx)
			ws.SetUI(ui, ui)
			ws.Start(ctx)
		},
		Bind: bind,
		Linux: &linux.Options{
			ProgramName: "tongban",
		},
	})
}
