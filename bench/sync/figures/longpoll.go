package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"tongban/platform"
	"tongban/platform/sqlitestore"
	"tongban/platform/storetest"
	"tongban/sync/client"
	"tongban/sync/protocol"
)

// lpStep is what one step of figDLongPoll counted.
type lpStep struct {
	mu   sync.Mutex
	lat  []time.Duration // timer rounds, from their scheduled start
	nlat []time.Duration // rounds started by news, from the poll's answer

	roundErr, newsErr       atomic.Int64
	polls, busy, warmBusy   atomic.Int64 // poll requests sent; answered 503 (in / before the window)
	pollErr, news, expired  atomic.Int64 // other failures; answered with news; ended empty after the wait
	held                    atomic.Int64 // polls in flight now
	heldSum, heldN, heldMax int64
	inWindow                atomic.Bool
}

func (s *lpStep) add(l *[]time.Duration, d time.Duration) {
	s.mu.Lock()
	*l = append(*l, d)
	s.mu.Unlock()
}

// figDLongPoll is figD with the client's long poll (sync/client.Syncer.Serve):
// after each successful round a simulated device keeps one
// GET /v1/pull?cursor=…&limit=1&wait=25 open; an answer with news starts a
// round at once (then a new poll), an empty answer after at least half the
// wait opens the next poll, a failure (503 EBUSY included) opens none until
// the device's next successful round; the device's 30 s timer round
// cancels its open poll first. Each step first opens a poll for every
// simulated device (spread over a ramp, as if each had done its round in the
// last 30 s), then runs the timer rounds open loop for window as figD does.
// Devices are spread over halls (pool enrolled devices over halls places);
// a pushed case is routed to the next hall, so a push is news for the
// pushing hall and the handling one.
func figDLongPoll(dir, bin string, steps []int, window time.Duration, pool, halls, pushEvery int, wait time.Duration) {
	ctx := context.Background()
	dbPath := filepath.Join(dir, "p.db")
	t0 := time.Now()
	creds, devs, places := prepareHalls(ctx, dbPath, pool, halls)
	fmt.Fprintf(os.Stderr, "enrolled %d devices in %d halls in %.1f s\n", pool, halls, time.Since(t0).Seconds())
	p := startPlatform(dir, bin, dbPath)
	defer p.stop()
	pid := p.cmd.Process.Pid
	var cnt counter
	hc := cnt.client()
	apis := make([]*client.API, pool)
	cur0 := make([]string, pool) // the database has no case yet: "" is the head
	for i, c := range creds {
		api, err := client.NewAPI(p.base, c.Token, hc)
		must(err)
		apis[i] = api
	}
	fmt.Printf("| simulated devices | load avg (1 min) | timer rounds/s | rounds ok | errors | p50 | p99 | max | polls in flight, client side (mean / max) | poll requests | 503 EBUSY (in window / warm-up) | news rounds (p50) | polls ended empty | platform CPU (cores) | platform VmRSS / VmHWM |\n")
	fmt.Printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	crossed := 0
	for _, n := range steps {
		st := &lpStep{}
		rate := float64(n) / 30
		total := int(rate * window.Seconds())
		ramp := max(2*time.Second, time.Duration(n)*time.Second/2000)
		sctx, cancel := context.WithCancel(ctx)
		start := time.Now()
		win := start.Add(ramp + time.Second)
		var all, rounds sync.WaitGroup
		rounds.Add(total)
		// Which devices got a poll slot (open order) must not decide which
		// ones have their timer round in the window: rounds in a random order.
		perm := mrand.New(mrand.NewPCG(uint64(n), 1)).Perm(n)
		sims := make([]*simDevice, n)
		for i := 0; i < n; i++ {
			k := i % pool
			d := &simDevice{i: i, api: apis[k], dev: devs[k], to: places[(k/max(1, pool/halls)+1)%len(places)],
				cursor: cur0[k], wait: wait, st: st, push: pushEvery > 0 && i%pushEvery == 0}
			openAt := start.Add(time.Duration(int64(ramp) * int64(i) / int64(n)))
			roundAt := time.Time{}
			if j := perm[i]; j < total {
				roundAt = win.Add(time.Duration(float64(j) / rate * float64(time.Second)))
			}
			sims[i] = d
			all.Add(1)
			go func() {
				defer all.Done()
				d.run(sctx, openAt, roundAt, &rounds)
			}()
		}
		time.Sleep(time.Until(win))
		st.warmBusy.Store(st.busy.Load())
		st.busy.Store(0)
		st.polls.Store(0)
		st.inWindow.Store(true)
		cpu0 := cpuTicks(pid)
		sampled := make(chan struct{})
		stopSample := make(chan struct{})
		go func() {
			defer close(sampled)
			t := time.NewTicker(250 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-stopSample:
					return
				case <-t.C:
					h := st.held.Load()
					st.heldSum += h
					st.heldN++
					st.heldMax = max(st.heldMax, h)
				}
			}
		}()
		rounds.Wait()
		el := time.Since(win)
		cpu := float64(cpuTicks(pid)-cpu0) / 100 / el.Seconds()
		close(stopSample)
		<-sampled
		st.inWindow.Store(false)
		rss, hwm := procStatus(pid, "VmRSS")>>10, procStatus(pid, "VmHWM")>>10
		cancel()
		all.Wait()
		for i, d := range sims { // keep each device's cursor for the next step
			cur0[i%pool] = d.cursor
		}
		sortDur(st.lat)
		sortDur(st.nlat)
		meanHeld := 0.0
		if st.heldN > 0 {
			meanHeld = float64(st.heldSum) / float64(st.heldN)
		}
		fmt.Printf("| %d | %s | %.0f | %d | %d | %s | %s | %s | %.0f / %d | %d | %d / %d | %d (%s) | %d | %.2f | %d / %d MiB |\n",
			n, loadAvg(), rate, len(st.lat), st.roundErr.Load(), ms(quant(st.lat, 0.5)), ms(quant(st.lat, 0.99)), ms(quant(st.lat, 1)),
			meanHeld, st.heldMax, st.polls.Load(), st.busy.Load(), st.warmBusy.Load(), st.news.Load(), ms(quant(st.nlat, 0.5)),
			st.expired.Load(), cpu, rss, hwm)
		if crossed == 0 && quant(st.lat, 0.99) > 250*time.Millisecond {
			crossed = n
		}
		time.Sleep(2 * time.Second)
	}
	if crossed > 0 {
		fmt.Printf("\np99 first above 250 ms at %d simulated devices\n", crossed)
	} else {
		fmt.Printf("\np99 stayed at or below 250 ms at every step\n")
	}
	fmt.Fprintf(os.Stderr, "wire bytes %d\n", cnt.n.Load())
}

// simDevice is one simulated device's loop (the shape of Syncer.Serve).
type simDevice struct {
	i      int
	api    *client.API
	dev    platform.Device
	to     string // handling place of the case it pushes
	cursor string
	wait   time.Duration
	st     *lpStep
	push   bool
}

type pollEnd struct {
	news, again bool
}

// open starts one long poll; its end arrives on the returned channel.
func (d *simDevice) open(ctx context.Context) (<-chan pollEnd, context.CancelFunc) {
	wctx, cancel := context.WithCancel(ctx)
	out := make(chan pollEnd, 1)
	cur := d.cursor
	go func() {
		d.st.polls.Add(1)
		d.st.held.Add(1)
		t0 := time.Now()
		b, err := d.api.PullWait(wctx, cur, 1, d.wait)
		d.st.held.Add(-1)
		var pe *protocol.Error
		switch {
		case wctx.Err() != nil: // cancelled by a timer round or the step's end
		case errors.As(err, &pe) && pe.Code == protocol.EBUSY:
			d.st.busy.Add(1)
		case err != nil:
			d.st.pollErr.Add(1)
		case len(b.Cases) > 0 || len(b.Actions) > 0 || b.More:
			out <- pollEnd{news: true}
			return
		default:
			out <- pollEnd{again: time.Since(t0) >= d.wait/2}
			return
		}
		out <- pollEnd{}
	}()
	return out, cancel
}

// round is SyncNow for a device with at most one case to push: push, then
// pull to the end.
func (d *simDevice) round(ctx context.Context, push bool) error {
	rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if push {
		c := storetest.NewCase(d.dev, d.to)
		a := storetest.NewAction(d.dev, c.ID, "material_received", 0)
		if _, err := d.api.Push(rctx, protocol.PushRequest{Cases: []protocol.Case{c}, Actions: []protocol.Action{a}}); err != nil {
			return err
		}
	}
	for {
		r, err := d.api.Pull(rctx, d.cursor, 500)
		if err != nil {
			return err
		}
		d.cursor = r.Cursor
		if !r.More {
			return nil
		}
	}
}

func (d *simDevice) run(ctx context.Context, openAt, roundAt time.Time, rounds *sync.WaitGroup) {
	sleepUntil(ctx, openAt)
	watch, stop := d.open(ctx)
	defer func() { stop() }()
	var timer <-chan time.Time
	if !roundAt.IsZero() {
		t := time.NewTimer(time.Until(roundAt))
		defer t.Stop()
		timer = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case r := <-watch:
			watch = nil
			switch {
			case r.news:
				at := time.Now()
				if err := d.round(ctx, false); err != nil {
					d.st.newsErr.Add(1)
					continue
				}
				if d.st.inWindow.Load() {
					d.st.news.Add(1)
					d.st.add(&d.st.nlat, time.Since(at))
				}
				watch, stop = d.open(ctx)
			case r.again:
				d.st.expired.Add(1)
				watch, stop = d.open(ctx)
			}
		case <-timer:
			timer = nil
			stop()
			watch = nil
			err := d.round(ctx, d.push)
			if err != nil {
				d.st.roundErr.Add(1)
			} else {
				d.st.add(&d.st.lat, time.Since(roundAt))
				watch, stop = d.open(ctx)
			}
			rounds.Done()
		}
	}
}

func sleepUntil(ctx context.Context, t time.Time) {
	if d := time.Until(t); d > 0 {
		select {
		case <-ctx.Done():
		case <-time.After(d):
		}
	}
}

func sortDur(l []time.Duration) { sort.Slice(l, func(i, j int) bool { return l[i] < l[j] }) }

func quant(l []time.Duration, f float64) time.Duration {
	if len(l) == 0 {
		return 0
	}
	return l[min(len(l)-1, int(f*float64(len(l))))]
}

// loadAvg is the machine's 1-minute load average now.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}

// prepareHalls writes halls places into a new SQLite platform database and
// enrolls devices spread evenly over them (device k in hall k÷(devices÷halls)).
func prepareHalls(ctx context.Context, dbPath string, devices, halls int) ([]client.Credential, []platform.Device, []string) {
	if halls < 1 || halls > devices {
		log.Fatalf("-halls must be 1..pool, got %d", halls)
	}
	st, err := sqlitestore.Open(ctx, dbPath)
	must(err)
	defer st.Close()
	var places []string
	for h := 0; h < halls; h++ {
		code := fmt.Sprintf("41%04d", h)
		must(st.PutPlace(ctx, platform.Place{Code: code, Name: fmt.Sprintf("模拟服务点 %d", h), Province: "河南省"}))
		places = append(places, code)
	}
	per := max(1, devices/halls)
	var creds []client.Credential
	var devs []platform.Device
	for k := 0; k < devices; k++ {
		d, tok := enroll(ctx, st, places[min(k/per, halls-1)])
		devs = append(devs, d)
		creds = append(creds, client.Credential{DeviceID: d.ID, Token: tok, Hall: d.Hall, EnrolledAt: time.Now()})
	}
	return creds, devs, places
}
