package paths_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"tongban/app/paths"
)

func TestResolverDataDir(t *testing.T) {
	home := filepath.FromSlash("/home/clerk")
	tests := []struct {
		name string
		goos string
		env  map[string]string
		flag string
		want string
	}{
		{"flag wins", "linux", map[string]string{paths.EnvDataDir: "/env/dir"}, "/flag/dir", "/flag/dir"},
		{"env next", "linux", map[string]string{paths.EnvDataDir: "/env/dir", "XDG_DATA_HOME": "/xdg"}, "", "/env/dir"},
		{"linux xdg", "linux", map[string]string{"XDG_DATA_HOME": "/xdg"}, "", "/xdg/tongban"},
		{"linux relative xdg ignored", "linux", map[string]string{"XDG_DATA_HOME": "rel"}, "", "/home/clerk/.local/share/tongban"},
		{"linux home", "linux", nil, "", "/home/clerk/.local/share/tongban"},
		{"windows", "windows", map[string]string{"LocalAppData": `/c/Users/clerk/AppData/Local`}, "", "/c/Users/clerk/AppData/Local/Tongban"},
		{"windows fallback", "windows", nil, "", "/home/clerk/AppData/Local/Tongban"},
		{"darwin", "darwin", nil, "", "/home/clerk/Library/Application Support/Tongban"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := paths.Resolver{
				GOOS:    tt.goos,
				Getenv:  func(k string) string { return tt.env[k] },
				HomeDir: func() (string, error) { return home, nil },
			}
			got, err := r.DataDir(tt.flag)
			if err != nil {
				t.Fatal(err)
			}
			if want := filepath.FromSlash(tt.want); got != want {
				t.Fatalf("DataDir = %q, want %q", got, want)
			}
		})
	}
}

func TestResolverRelativeFlagIsAbsolute(t *testing.T) {
	r := paths.Resolver{GOOS: "linux", Getenv: func(string) string { return "" },
		HomeDir: func() (string, error) { return "", errors.New("no home") }}
	got, err := r.DataDir("data")
	if err != nil {
		t.Fatal(err)
	}
	if !filepath.IsAbs(got) {
		t.Fatalf("DataDir(relative) = %q, want absolute", got)
	}
	if _, err := r.DataDir(""); err == nil {
		t.Fatal("DataDir without home: want error")
	}
}

func TestHelpersAndEnsure(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "d")
	if got, want := paths.DBPath(dir), filepath.Join(dir, "tongban.db"); got != want {
		t.Fatalf("DBPath = %q, want %q", got, want)
	}
	if got, want := paths.ConfigPath(dir), filepath.Join(dir, "tongban.toml"); got != want {
		t.Fatalf("ConfigPath = %q, want %q", got, want)
	}
	if err := paths.Ensure(dir); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{paths.BackupDir(dir), paths.LogDir(dir)} {
		st, err := os.Stat(d)
		if err != nil || !st.IsDir() {
			t.Fatalf("%s not created: %v", d, err)
		}
	}
}
