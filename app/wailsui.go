package app

import (
	"context"

	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// WailsUI is the only place in app/ that touches the Wails runtime: it
// emits events to the window and shows native dialogs.
type WailsUI struct {
	ctx context.Context
}

// NewWailsUI wraps the context Wails passes to OnStartup.
func NewWailsUI(ctx context.Context) *WailsUI { return &WailsUI{ctx: ctx} }

// Emit sends an event to the window.
func (u *WailsUI) Emit(name string, data any) { runtime.EventsEmit(u.ctx, name, data) }

// OpenFile shows a native open-file dialog filtered by patterns ("*.xlsx").
func (u *WailsUI) OpenFile(title, patterns string) (string, error) {
	return runtime.OpenFileDialog(u.ctx, runtime.OpenDialogOptions{
		Title:   title,
		Filters: []runtime.FileFilter{{DisplayName: patterns, Pattern: patterns}},
	})
}

// Quit closes the window and ends the program.
func (u *WailsUI) Quit() { runtime.Quit(u.ctx) }
