package config

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/BurntSushi/toml"

	"tongban/app/errs"
)

const fileHeader = `# 通办工作台设置文件（由程序写入；手工修改后请重启程序，错误的设置项会被报告并使用默认值）
# Tongban workstation settings. Keys are the same as in the settings screen.

`

// Save validates s and writes it to path atomically: a temporary file in
// the same folder, fsync, rename over the old file, fsync of the folder. An
// invalid s is refused with an *errs.Error (EINVALID) whose Field is the
// first bad key and whose messages list every bad key; nothing is written.
func Save(path string, s Settings) error {
	if ps := Validate(s); len(ps) > 0 {
		return ProblemsError(ps)
	}
	if s.HotFolders == nil {
		s.HotFolders = []string{}
	}
	var buf bytes.Buffer
	buf.WriteString(fileHeader)
	if err := toml.NewEncoder(&buf).Encode(s); err != nil {
		return fmt.Errorf("encode settings: %w", err)
	}
	return writeAtomic(path, buf.Bytes())
}

// ProblemsError turns problems into one EINVALID error naming the first key.
func ProblemsError(ps []Problem) error {
	if len(ps) == 0 {
		return nil
	}
	en := make([]string, len(ps))
	zh := make([]string, len(ps))
	for i, p := range ps {
		en[i] = p.Key + ": " + p.Message
		zh[i] = p.Zh
		if !strings.Contains(p.Zh, p.Key) {
			zh[i] = p.Key + "：" + p.Zh
		}
	}
	return errs.Invalid(ps[0].Key, "invalid settings: "+strings.Join(en, "; "),
		"设置有误："+strings.Join(zh, "；"))
}

func writeAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create settings dir: %w", err)
	}
	f, err := os.CreateTemp(dir, ".tongban-settings-*.tmp")
	if err != nil {
		return fmt.Errorf("create temp settings: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("write temp settings: %w", err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("sync temp settings: %w", err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("close temp settings: %w", err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("replace settings: %w", err)
	}
	if runtime.GOOS != "windows" {
		if d, derr := os.Open(dir); derr == nil {
			derr = d.Sync()
			d.Close()
			if derr != nil {
				return fmt.Errorf("sync settings dir: %w", derr)
			}
		}
	}
	return nil
}
