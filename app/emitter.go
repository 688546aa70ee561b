package app

// Emitter pushes named events to the UI. The Wails window implements it in
// wailsui.go; tests and the HTTP mode use nopEmitter.
type Emitter interface {
	Emit(name string, data any)
}

// Dialogs asks the user for a file. Only the Wails window can show one.
type Dialogs interface {
	// OpenFile returns the chosen path, or "" when the user cancelled.
	OpenFile(title string, patterns string) (string, error)
}

type nopEmitter struct{}

func (nopEmitter) Emit(string, any) {}

type noDialogs struct{}

func (noDialogs) OpenFile(string, string) (string, error) { return "", errNoDialogs }
