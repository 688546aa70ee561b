package catalog

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"tongban/app/errs"
)

// MaxImportBytes bounds an imported workbook.
const MaxImportBytes = 20 << 20

// ImportXLSX reads a provincial 特色事项 list (Annex 2 layout) from path and,
// when every row is good, stores a new version made of the active
// version's national matters plus the imported provincial list, and
// activates it. With any bad row it returns an *ImportError and changes
// nothing.
func (c *Catalog) ImportXLSX(ctx context.Context, path string) (ImportResult, error) {
	b, err := readLimited(path)
	if err != nil {
		return ImportResult{}, err
	}
	a, err := ParseAnnex2(bytes.NewReader(b))
	if err != nil {
		return ImportResult{}, err
	}
	national, err := c.nationalMatters(ctx)
	if err != nil {
		return ImportResult{}, err
	}
	if probs := clashes(a, national); len(probs) > 0 {
		return ImportResult{}, newImportError(probs)
	}
	ms := national
	for i, it := range a.Matters {
		m := it.Matter
		m.Seq = i + 1
		if m.LeadDepartment == "" {
			m.LeadDepartment = a.Unit
		}
		ms = append(ms, m)
	}
	sum := sha256.Sum256(b)
	label := "河南省特色事项"
	if a.Unit != "" {
		label += "：" + a.Unit
	}
	if a.Date != "" {
		label += "（" + a.Date + "）"
	}
	source := fmt.Sprintf("xlsx:%s sha256:%s", filepath.Base(path), hex.EncodeToString(sum[:8]))
	v, err := c.CreateVersion(ctx, label, source, ms, true)
	if err != nil {
		return ImportResult{}, fmt.Errorf("import %s: %w", filepath.Base(path), err)
	}
	return ImportResult{Version: v, Imported: len(a.Matters)}, nil
}

func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errs.Wrap(err, errs.ENOTFOUND, "import file not found", "找不到要导入的文件："+filepath.Base(path))
	}
	if err != nil {
		return nil, errs.Wrap(err, errs.EINVALID, "cannot open import file", "无法打开要导入的文件："+filepath.Base(path))
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxImportBytes+1))
	if err != nil {
		return nil, errs.Wrap(err, errs.EINVALID, "cannot read import file", "无法读取要导入的文件："+filepath.Base(path))
	}
	if len(b) > MaxImportBytes {
		return nil, errs.New(errs.EINVALID, "import file too large",
			fmt.Sprintf("导入文件超过 %d MB，请拆分后导入", MaxImportBytes>>20))
	}
	return b, nil
}

// nationalMatters are the active version's national matters, or the
// built-in national list when no version is active.
func (c *Catalog) nationalMatters(ctx context.Context) ([]Matter, error) {
	v, err := c.Active(ctx)
	if errs.Code(err) == errs.ENOTFOUND {
		return National()
	}
	if err != nil {
		return nil, err
	}
	all, err := c.Matters(ctx, v.ID)
	if err != nil {
		return nil, err
	}
	out := make([]Matter, 0, len(all))
	for _, m := range all {
		if m.Batch != BatchProvincial {
			out = append(out, m)
		}
	}
	return out, nil
}

// clashes reports provincial rows whose name or code is already a
// national matter's (特色事项 are the ones outside the national list).
func clashes(a *Annex2, national []Matter) []RowError {
	names := map[string]string{}
	codes := map[string]bool{}
	for _, m := range national {
		names[m.Name] = m.Code
		codes[m.Code] = true
	}
	var out []RowError
	for _, it := range a.Matters {
		if code, ok := names[it.Matter.Name]; ok {
			out = append(out, RowError{Sheet: it.Sheet, Row: it.Row, Column: "事项名称",
				Reason: "“" + clip(it.Matter.Name) + "”已在全国清单中（" + code + "），特色事项只填报全国清单以外的事项"})
		} else if codes[it.Matter.Code] {
			out = append(out, RowError{Sheet: it.Sheet, Row: it.Row, Column: colCode,
				Reason: "事项编码“" + it.Matter.Code + "”与全国清单事项重复"})
		}
	}
	return out
}
