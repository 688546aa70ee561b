package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"time"

	"tongban/app/audit"
	"tongban/app/cases"
	"tongban/app/config"
	"tongban/app/errs"
	"tongban/app/paths"
	"tongban/app/scans"
	"tongban/app/store"
	"tongban/app/syncstore"
	"tongban/scanner/blob"
	"tongban/sync/client"
)

func init() {
	commands["sync"] = command{
		summary: "sync enroll URL CODE | status | now: enroll with the provincial platform, show or run a sync round",
		run:     runSync,
	}
}

func runSync(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("sync", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	usage := errs.New(errs.EINVALID, "usage: tongbanctl sync enroll URL CODE | status | now",
		"用法：tongbanctl sync enroll 平台地址 注册码 | status | now")
	if fs.NArg() == 0 {
		return usage
	}
	db, dir, err := ctlOpenStore(ctx, e)
	if err != nil {
		return err
	}
	defer db.Close()
	st := ctlSyncStore(db, dir)
	switch fs.Arg(0) {
	case "enroll":
		if fs.NArg() != 3 {
			return usage
		}
		return syncEnroll(ctx, e, st, dir, fs.Arg(1), fs.Arg(2))
	case "status":
		return syncStatus(ctx, e, st)
	case "now":
		rep, err := client.New(client.Config{Store: st}).SyncNow(ctx)
		if err != nil {
			pe := client.AsError(err)
			return errs.Wrap(err, errs.EOFFLINE, "sync round", pe.Zh)
		}
		fmt.Fprintf(e.stdout, "pushed %d, uploaded %d, pulled %d in %d requests / 已上传 %d 条，扫描件 %d 个，已接收 %d 条\n",
			rep.Pushed, rep.Uploaded, rep.Pulled, rep.Requests, rep.Pushed, rep.Uploaded, rep.Pulled)
		return syncStatus(ctx, e, st)
	}
	return usage
}

// ctlSyncStore builds the sync store of a data directory; pulled actions
// go through the case journal with the hall code of its settings.
func ctlSyncStore(db *store.DB, dir string) *syncstore.Store {
	journal := func(ctx context.Context) (syncstore.Journal, error) {
		s, _ := config.Load(paths.ConfigPath(dir))
		if s.Hall.DivisionCode == "" {
			return nil, errs.New(errs.EINVALID, "hall division code not set", "尚未设置服务大厅的行政区划代码")
		}
		var dev string
		if err := db.Reader().QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'device_id'").Scan(&dev); err != nil {
			dev = "tongbanctl"
		}
		cal, err := cases.LoadCalendar(ctx, db)
		if err != nil {
			return nil, err
		}
		return cases.New(ctx, db, audit.New(db, dev, nil), cal, cases.Config{DeviceID: dev, HallCode: s.Hall.DivisionCode})
	}
	var bs blob.Store
	if fs, err := blob.OpenFS(scans.BlobDir(dir)); err == nil {
		bs = fs
	}
	return syncstore.New(db, journal, bs, nil)
}

func syncEnroll(ctx context.Context, e *env, st *syncstore.Store, dir, url, code string) error {
	name, _ := os.Hostname()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	c, err := client.Enroll(ctx, st, &http.Client{Timeout: 30 * time.Second}, url, code, "tongbanctl "+name, time.Now())
	if err != nil {
		pe := client.AsError(err)
		return errs.Wrap(err, pe.Code, "enroll", pe.Zh)
	}
	// The settings name the platform too, so the window shows where it syncs.
	cfgPath := paths.ConfigPath(dir)
	s, _ := config.Load(cfgPath)
	if s.PlatformURL != c.PlatformURL {
		s.PlatformURL = c.PlatformURL
		if err := config.Save(cfgPath, s); err != nil {
			return fmt.Errorf("save settings: %w", err)
		}
	}
	fmt.Fprintf(e.stdout, "enrolled as device %s of %s %s / 已注册到省级平台：%s\n", c.DeviceID, c.Hall, c.HallName, c.HallName)
	return nil
}

func syncStatus(ctx context.Context, e *env, st *syncstore.Store) error {
	c, ok, err := st.Credential(ctx)
	if err != nil {
		return err
	}
	if !ok {
		fmt.Fprintln(e.stdout, "not enrolled / 未注册")
		return nil
	}
	n, err := st.Counts(ctx)
	if err != nil {
		return err
	}
	last, _ := st.LastSuccess(ctx)
	fmt.Fprintf(e.stdout, "platform %s, device %s, hall %s\npending %d, failed %d, scans pending %d, scans failed %d, last success %s\n",
		c.PlatformURL, c.DeviceID, c.Hall, n.Pending, n.Failed, n.UploadsPending, n.UploadsFailed, fmtLast(last))
	return nil
}

func fmtLast(t time.Time) string {
	if t.IsZero() {
		return "never / 从未"
	}
	return t.Local().Format("2006-01-02 15:04:05")
}
