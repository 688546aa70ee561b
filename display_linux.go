package main

import (
	"errors"
	"os"
)

// checkDisplay fails clearly where GTK would panic: no X11 or Wayland display.
func checkDisplay() error {
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return errors.New("no display: set DISPLAY (or run under a virtual display: xvfb-run make run) — 未检测到图形显示环境")
	}
	return nil
}
