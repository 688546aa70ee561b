package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"tongban/platform"
	"tongban/platform/storetest"
	"tongban/sync/client"
	"tongban/sync/protocol"
)

// figD simulates devices syncing every 30 s: for each step it sends
// devices/30 requests per second for window (open loop, 10 ms ticks), each
// an idle round (one pull by the device's cursor); one in pushEvery also pushes
// one case + one action first. The simulated devices rotate over pool
// enrolled ones. Latency runs from the scheduled start (no coordinated
// omission), CPU is the platform process's utime+stime.
func figD(dir, bin string, steps []int, window time.Duration, pool, pushEvery int, pg string, nodes, pgPid int) {
	ctx := context.Background()
	db := "sqlite:" + filepath.Join(dir, "p.db")
	if pg != "" {
		db = pg
	}
	if nodes < 1 || (nodes > 1 && pg == "") {
		log.Fatal("-nodes > 1 needs -pg")
	}
	creds, devs := prepareDB(db, pool)
	var ps []*platformProc
	for i := 0; i < nodes; i++ {
		p := startPlatformDB(dir, bin, db)
		defer p.stop()
		ps = append(ps, p)
	}
	cpuAll := func() int64 {
		var t int64
		for _, p := range ps {
			t += cpuTicks(p.cmd.Process.Pid)
		}
		return t
	}
	dbCPU := func() int64 {
		if pgPid <= 0 {
			return 0
		}
		return treeTicks(pgPid)
	}
	rssAll := func() string {
		var out []string
		for _, p := range ps {
			out = append(out, fmt.Sprintf("%d", procStatus(p.cmd.Process.Pid, "VmHWM")>>10))
		}
		return strings.Join(out, " + ") + " MiB"
	}
	var cnt counter
	hc := cnt.client()
	apis := make([]*client.API, pool)
	cursors := make([]string, pool)
	for i, c := range creds {
		api, err := client.NewAPI(ps[i%nodes].base, c.Token, hc) // device i sticks to node i mod nodes
		must(err)
		apis[i] = api
		r, err := api.Pull(ctx, "", 500)
		must(err)
		cursors[i] = r.Cursor
	}
	var locks = make([]sync.Mutex, pool)
	fmt.Printf("| simulated devices | requests/s (target) | sent | ok | errors | p50 | p99 | max | platform CPU (cores, all nodes) | PostgreSQL CPU (cores; -pg-pid) | platform VmHWM (per node) |\n")
	fmt.Printf("|---|---|---|---|---|---|---|---|---|---|---|\n")
	crossed := 0
	for _, nDev := range steps {
		rate := float64(nDev) / 30
		total := int(rate * window.Seconds())
		var (
			mu   sync.Mutex
			lat  []time.Duration
			errs atomic.Int64
			wg   sync.WaitGroup
			sem  = make(chan struct{}, 2048)
		)
		cpu0, db0 := cpuAll(), dbCPU()
		t0 := time.Now()
		for i := 0; i < total; i++ {
			at := t0.Add(time.Duration(float64(i) / rate * float64(time.Second)))
			if d := time.Until(at); d > 0 {
				time.Sleep(d)
			}
			sem <- struct{}{}
			wg.Add(1)
			go func(i int, at time.Time) {
				defer func() { <-sem; wg.Done() }()
				k := i % pool
				locks[k].Lock()
				defer locks[k].Unlock()
				rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				defer cancel()
				if pushEvery > 0 && i%pushEvery == 0 {
					c := storetest.NewCase(devs[k], storetest.PlaceB.Code)
					a := storetest.NewAction(platform.Device(devs[k]), c.ID, "material_received", 0)
					if _, err := apis[k].Push(rctx, protocol.PushRequest{Cases: []protocol.Case{c}, Actions: []protocol.Action{a}}); err != nil {
						errs.Add(1)
						return
					}
				}
				r, err := apis[k].Pull(rctx, cursors[k], 500)
				if err != nil {
					errs.Add(1)
					return
				}
				cursors[k] = r.Cursor
				d := time.Since(at)
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			}(i, at)
		}
		wg.Wait()
		el := time.Since(t0)
		cpu := float64(cpuAll()-cpu0) / 100 / el.Seconds()
		dbc := float64(dbCPU()-db0) / 100 / el.Seconds()
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		q := func(f float64) time.Duration {
			if len(lat) == 0 {
				return 0
			}
			return lat[min(len(lat)-1, int(f*float64(len(lat))))]
		}
		fmt.Printf("| %d | %.0f | %d | %d | %d | %s | %s | %s | %.2f | %.2f | %s |\n", nDev, rate, total, len(lat), errs.Load(),
			ms(q(0.5)), ms(q(0.99)), ms(q(1)), cpu, dbc, rssAll())
		if crossed == 0 && q(0.99) > 250*time.Millisecond {
			crossed = nDev
		}
		time.Sleep(time.Second)
	}
	if crossed > 0 {
		fmt.Printf("\np99 first above 250 ms at %d simulated devices\n", crossed)
	} else {
		fmt.Printf("\np99 stayed at or below 250 ms at every step\n")
	}
	fmt.Fprintf(os.Stderr, "wire bytes %d\n", cnt.n.Load())
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

// treeTicks is the CPU ticks of pid, its ended (waited-for) children and
// its live direct children: a PostgreSQL postmaster and its backends.
func treeTicks(pid int) int64 {
	t := cpuTicks(pid)
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil {
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
		cu, _ := strconv.ParseInt(f[13], 10, 64)
		cs, _ := strconv.ParseInt(f[14], 10, 64)
		t += cu + cs
	}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		c, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", c))
		if err != nil {
			continue
		}
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
		if len(f) > 1 && f[1] == strconv.Itoa(pid) {
			t += cpuTicks(c)
		}
	}
	return t
}
