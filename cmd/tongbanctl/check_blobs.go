package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"tongban/app/errs"
	"tongban/app/scans"
	"tongban/app/store"
	"tongban/scanner/blob"
)

// checkBlobs re-reads every scanned page in the blob store against its
// SHA-256 and checks that every page the database references is there. It
// never creates the store.
func checkBlobs(ctx context.Context, db *store.DB, dataDir string) error {
	var st blob.Store
	dir := scans.BlobDir(dataDir)
	if _, err := os.Stat(dir); err == nil {
		fsStore, err := blob.OpenFS(dir)
		if err != nil {
			return err
		}
		st = fsStore
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blob store: %w", err)
	}
	rep, err := scans.New(db, nil, nil).Check(ctx, st)
	if err != nil {
		return err
	}
	if rep.OK() {
		return nil
	}
	return errs.New(errs.ECORRUPT,
		fmt.Sprintf("%d of %d page blobs corrupt, %d unreadable, %d referenced but missing", len(rep.Corrupt), rep.Checked,
			len(rep.Errors), len(rep.Missing)),
		fmt.Sprintf("扫描页面文件有问题：%d 个内容与校验值不符，%d 个无法读取，%d 个缺失；请从备份恢复或重新扫描",
			len(rep.Corrupt), len(rep.Errors), len(rep.Missing)))
}
