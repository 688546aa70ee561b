// Package paths decides where a workstation keeps its data: the database,
// the settings file, backups and logs. The app and tongbanctl use the same
// rules so that they always work on the same files.
package paths

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// EnvDataDir overrides the OS user-data directory when --data-dir is not given.
const EnvDataDir = "TONGBAN_DATA_DIR"

// File and folder names inside the data directory.
const (
	DBName     = "tongban.db"
	ConfigName = "tongban.toml"
	BackupsDir = "backups"
	LogsDir    = "logs"
)

// Resolver computes the data directory from a flag, the environment and
// the OS conventions. Its fields are injectable for tests; the zero value is
// not usable, use NewResolver.
type Resolver struct {
	GOOS    string
	Getenv  func(string) string
	HomeDir func() (string, error)
}

// NewResolver returns a Resolver for the running process.
func NewResolver() Resolver {
	return Resolver{GOOS: runtime.GOOS, Getenv: os.Getenv, HomeDir: os.UserHomeDir}
}

// DataDir returns the data directory: flag if set, else $TONGBAN_DATA_DIR,
// else the OS user-data directory. The result is absolute; it is not created.
func DataDir(flag string) (string, error) {
	return NewResolver().DataDir(flag)
}

// DataDir is the package-level DataDir with injected environment.
func (r Resolver) DataDir(flag string) (string, error) {
	if flag != "" {
		return abs(flag)
	}
	if v := r.Getenv(EnvDataDir); v != "" {
		return abs(v)
	}
	dir, err := r.osDataDir()
	if err != nil {
		return "", fmt.Errorf("data dir: %w", err)
	}
	return dir, nil
}

func (r Resolver) osDataDir() (string, error) {
	switch r.GOOS {
	case "windows":
		if v := r.Getenv("LocalAppData"); v != "" {
			return filepath.Join(v, "Tongban"), nil
		}
		if v := r.Getenv("LOCALAPPDATA"); v != "" {
			return filepath.Join(v, "Tongban"), nil
		}
		home, err := r.home()
		if err != nil {
			return "", err
		}
		return filepath.Join(home, "AppData", "Local", "Tongban"), nil
	case "darwin":
		home, err := r.home()
		if err != nil {
			return "", err
		}
		return filepath.Join(home, "Library", "Application Support", "Tongban"), nil
	default:
		if v := r.Getenv("XDG_DATA_HOME"); v != "" && filepath.IsAbs(v) {
			return filepath.Join(v, "tongban"), nil
		}
		home, err := r.home()
		if err != nil {
			return "", err
		}
		return filepath.Join(home, ".local", "share", "tongban"), nil
	}
}

func (r Resolver) home() (string, error) {
	h, err := r.HomeDir()
	if err != nil {
		return "", fmt.Errorf("home dir: %w", err)
	}
	if h == "" {
		return "", errors.New("home dir is empty")
	}
	return h, nil
}

func abs(p string) (string, error) {
	a, err := filepath.Abs(p)
	if err != nil {
		return "", fmt.Errorf("data dir %q: %w", p, err)
	}
	return a, nil
}

// DBPath is the database file inside dataDir.
func DBPath(dataDir string) string { return filepath.Join(dataDir, DBName) }

// ConfigPath is the settings file inside dataDir.
func ConfigPath(dataDir string) string { return filepath.Join(dataDir, ConfigName) }

// BackupDir is the folder of database backups inside dataDir.
func BackupDir(dataDir string) string { return filepath.Join(dataDir, BackupsDir) }

// LogDir is the folder of log files inside dataDir.
func LogDir(dataDir string) string { return filepath.Join(dataDir, LogsDir) }

// Ensure creates dataDir and its backups and logs folders (mode 0700: the
// data is personal information).
func Ensure(dataDir string) error {
	for _, d := range []string{dataDir, BackupDir(dataDir), LogDir(dataDir)} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return fmt.Errorf("create %s: %w", d, err)
		}
	}
	return nil
}
