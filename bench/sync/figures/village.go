package main

import (
	"context"
	"fmt"
	"log"
	"net"
	"os/exec"
	"path/filepath"
	"time"

	"tongban/platform/storetest"
	"tongban/sync/client"
)

// villageConfig describes figure (c): a village point's day over a shaped
// link (tbf in a netns made by bench/sync/village.sh) behind the fault proxy.
type villageConfig struct {
	netns    string        // namespace the platform runs in
	addr     string        // platform listen address inside it
	rateBits float64       // the link's shaped rate, bits/s
	delay    time.Duration // per chunk, each way
	drop     float64       // per chunk
	cuts     int
	cutLen   time.Duration
	deadline time.Duration
}

// startPlatformIn runs the platform inside a network namespace.
func startPlatformIn(dir, bin, dbPath, netns, addr string) *platformProc {
	cmd := exec.Command("ip", "netns", "exec", netns, bin, "serve", "--db", "sqlite:"+dbPath, "--addr", addr, "--blobs", filepath.Join(dir, "blobs"))
	must(cmd.Start())
	for i := 0; i < 200; i++ {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return &platformProc{cmd: cmd, base: "http://" + addr}
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
	log.Fatal("platform did not start in netns")
	return nil
}

func figC(dir, bin string, n, pages, size int, vc villageConfig) {
	ctx := context.Background()
	dbPath := filepath.Join(dir, "p.db")
	codes, err := enrollCodes(ctx, dbPath, storetest.PlaceA.Code, 2)
	must(err)
	w, err := openWorkstation(ctx, mkdir(filepath.Join(dir, "wsV")), storetest.PlaceA.Code)
	must(err)
	defer w.close()
	var payload int64
	for i := 0; i < n; i++ {
		b, err := w.addCase(ctx, i, pages, size)
		must(err)
		payload += b
	}
	p := startPlatformIn(dir, bin, dbPath, vc.netns, vc.addr)
	defer p.stop()
	px, err := newFaultProxy(vc.addr, vc.delay, vc.drop, 6)
	must(err)
	defer px.close()
	var cw counter
	_, err = client.Enroll(ctx, w.st, cw.clientTimeout(2*time.Minute), "http://"+px.addr(), codes[0], "村代办点", time.Now())
	must(err)
	cw.n.Store(0)
	cs := &countingStore{Store: w.st, seen: map[string]bool{}}
	s := client.New(client.Config{Store: cs, HTTP: cw.clientTimeout(2 * time.Minute)})

	limit := time.Duration(float64(payload) * 8 / vc.rateBits * float64(time.Second))
	px.on.Store(true)
	t0 := time.Now()
	cutsDone := make(chan int, 1)
	stop := make(chan struct{})
	go func() {
		done := 0
		defer func() { cutsDone <- done }()
		for k := 1; k <= vc.cuts; k++ {
			at := t0.Add(limit * time.Duration(k) / time.Duration(vc.cuts+1))
			select {
			case <-stop:
				return
			case <-time.After(time.Until(at)):
			}
			px.setCut(true)
			fmt.Printf("cut %d at %.0f s\n", k, time.Since(t0).Seconds())
			time.Sleep(vc.cutLen)
			px.setCut(false)
			done++
		}
	}()
	rep, rounds, failed, err := syncUntilDone(ctx, s, w, t0.Add(vc.deadline))
	took := time.Since(t0)
	close(stop)
	cuts := <-cutsDone
	if err != nil {
		fmt.Println("NOT COMPLETE:", err)
	}
	px.on.Store(false)
	wire := cw.n.Load()
	payload += cs.json
	cnt, cerr := w.st.Counts(ctx)
	must(cerr)

	// Check: an empty device (same hall, straight to the platform) pulls it all.
	we, err := openWorkstation(ctx, mkdir(filepath.Join(dir, "wsCheck")), storetest.PlaceA.Code)
	must(err)
	defer we.close()
	_, err = client.Enroll(ctx, we.st, nil, p.base, codes[1], "核对", time.Now())
	must(err)
	rep2, err := client.New(client.Config{Store: we.st}).SyncNow(ctx)
	must(err)

	limit = time.Duration(float64(payload) * 8 / vc.rateBits * float64(time.Second))
	wireLimit := time.Duration(float64(wire) * 8 / vc.rateBits * float64(time.Second))
	fmt.Printf("| cases | pages × bytes | payload | wire | completion | payload ÷ rate | completion ÷ (payload ÷ rate) | wire ÷ rate | rounds (failed) | requests | pushed / uploaded | proxy drops | refused in cuts | cuts | pending / quarantined after | check device pulled |\n")
	fmt.Printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	fmt.Printf("| %d | %d × %d | %d B | %d B | %.0f s | %.0f s | %.2f | %.0f s | %d (%d) | %d | %d / %d | %d | %d | %d | %d / %d | %d |\n",
		n, n*pages, size, payload, wire, took.Seconds(), limit.Seconds(), took.Seconds()/limit.Seconds(), wireLimit.Seconds(),
		rounds, failed, rep.Requests, rep.Pushed, rep.Uploaded, px.drops.Load(), px.refus.Load(), cuts, cnt.Pending, cnt.Failed, rep2.Pulled)
}
