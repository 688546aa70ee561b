// Command figures measures issue 6's sync figures with the real sync client
// (sync/client) against the platform run as a separate process
// (go build ./cmd/platform; SQLite, durable writes):
//
//	go run ./bench/sync/figures -fig a -cases 1000 -scan 51200
//	go run ./bench/sync/figures -fig d -steps 2000,5000,10000,20000,50000 -window 10s
//	go run ./bench/sync/figures -fig ra -cases 1000            (real workstations)
//	go run ./bench/sync/figures -fig d -pg DSN -nodes 2 -pg-pid PID (PostgreSQL)
//	go run ./bench/sync/figures -fig d -longpoll 25s -pool 2000 -steps 2000,5000 (held long polls)
//	bench/sync/village.sh                                       (fig c, root)
//
// In -fig a the client's local state is an in-memory LocalStore (scan bytes
// are files on disk); -fig ra and c use real workstation data dirs
// (app/store, app/cases, app/syncstore) with durable writes on both sides.
package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"tongban/platform"
	"tongban/platform/pgstore"
	"tongban/platform/sqlitestore"
	"tongban/platform/sqlstore"
	"tongban/platform/storetest"
	"tongban/sync/client"
	"tongban/sync/protocol"
)

func main() {
	fig := flag.String("fig", "a", "a (push+pull with scans, in-memory client store), ra (same, real durable workstations), c (village link) or d (simulated devices)")
	n := flag.Int("cases", 1000, "cases to push (fig a)")
	scan := flag.Int("scan", 50<<10, "bytes per scan (fig a)")
	scans := flag.Int("scans", 3, "scans per case (fig a)")
	steps := flag.String("steps", "2000,5000,10000,20000,50000", "simulated device counts (fig d)")
	window := flag.Duration("window", 10*time.Second, "load window per step (fig d)")
	pool := flag.Int("pool", 400, "enrolled devices the simulated ones rotate over (fig d)")
	pushEvery := flag.Int("push-every", 20, "one simulated round in this many also pushes a case + action; 0: none (fig d)")
	netns := flag.String("netns", "tbv", "network namespace the platform runs in (fig c; made by bench/sync/village.sh)")
	vaddr := flag.String("platform-addr", "10.200.0.2:8470", "platform address inside the netns (fig c)")
	rate := flag.Float64("rate", 512000, "shaped link rate in bits/s, for the link's own limit (fig c)")
	delay := flag.Duration("delay", 100*time.Millisecond, "fault proxy delay per chunk each way (fig c)")
	drop := flag.Float64("drop", 0.02, "fault proxy: probability per chunk of dropping the connection (fig c)")
	cuts := flag.Int("cuts", 2, "link cuts during the run (fig c)")
	cutLen := flag.Duration("cut", 10*time.Second, "length of each cut (fig c)")
	deadline := flag.Duration("deadline", 40*time.Minute, "give up after (fig c)")
	pg := flag.String("pg", "", "fig d: run the nodes on this PostgreSQL DSN instead of SQLite")
	pgPid := flag.Int("pg-pid", 0, "fig d: PostgreSQL postmaster pid, to report its CPU (with its backends)")
	nodes := flag.Int("nodes", 1, "fig d: platform nodes on the one database (more than 1 needs -pg)")
	longPoll := flag.Duration("longpoll", 0, "fig d: each simulated device holds a long poll of this wait between rounds, as sync/client does (25s); 0: rounds only (one SQLite node)")
	halls := flag.Int("halls", 0, "fig d with -longpoll: halls the enrolled devices are spread over (default pool/2)")
	bin := flag.String("platform", "", "platform binary (default: go build ./cmd/platform into a temp dir)")
	flag.Parse()
	dir, err := os.MkdirTemp("", "tongban-figures-")
	must(err)
	defer os.RemoveAll(dir)
	if *bin == "" {
		*bin = filepath.Join(dir, "platform")
		cmd := exec.Command("go", "build", "-o", *bin, "./cmd/platform")
		cmd.Stderr = os.Stderr
		must(cmd.Run())
	}
	switch *fig {
	case "a":
		figA(dir, *bin, *n, *scans, *scan)
	case "c":
		figC(dir, *bin, *n, *scans, *scan, villageConfig{netns: *netns, addr: *vaddr, rateBits: *rate, delay: *delay,
			drop: *drop, cuts: *cuts, cutLen: *cutLen, deadline: *deadline})
	case "ra":
		figAReal(dir, *bin, *n, *scans, *scan)
	case "d":
		var counts []int
		for _, s := range strings.Split(*steps, ",") {
			v, err := strconv.Atoi(strings.TrimSpace(s))
			must(err)
			counts = append(counts, v)
		}
		if *longPoll > 0 {
			if *pg != "" || *nodes != 1 {
				log.Fatal("-longpoll runs one SQLite node")
			}
			if *halls == 0 {
				*halls = max(1, *pool/2)
			}
			figDLongPoll(dir, *bin, counts, *window, *pool, *halls, *pushEvery, *longPoll)
			return
		}
		figD(dir, *bin, counts, *window, *pool, *pushEvery, *pg, *nodes, *pgPid)
	default:
		log.Fatalf("unknown -fig %q", *fig)
	}
}

// platformProc is the platform node as a child process.
type platformProc struct {
	cmd  *exec.Cmd
	base string
}

func prepare(dir string, devices int) (dbPath string, creds []client.Credential, devs []platform.Device) {
	dbPath = filepath.Join(dir, "p.db")
	creds, devs = prepareDB("sqlite:"+dbPath, devices)
	return dbPath, creds, devs
}

// prepareDB writes the places and enrolls devices into the platform
// database db (sqlite:PATH or a postgres:// DSN).
func prepareDB(db string, devices int) (creds []client.Credential, devs []platform.Device) {
	ctx := context.Background()
	var st *sqlstore.Store
	var err error
	if path, ok := strings.CutPrefix(db, "sqlite:"); ok {
		st, err = sqlitestore.Open(ctx, path)
	} else {
		st, err = pgstore.Open(ctx, db)
	}
	must(err)
	defer st.Close()
	for _, p := range []platform.Place{storetest.PlaceA, storetest.PlaceB} {
		must(st.PutPlace(ctx, p))
	}
	for i := 0; i < devices; i++ {
		d, tok := enroll(ctx, st, storetest.PlaceA.Code)
		devs = append(devs, d)
		creds = append(creds, client.Credential{DeviceID: d.ID, Token: tok, Hall: d.Hall, EnrolledAt: time.Now()})
	}
	return creds, devs
}

func startPlatform(dir, bin, dbPath string) *platformProc {
	return startPlatformDB(dir, bin, "sqlite:"+dbPath)
}

// startPlatformDB starts a platform node on db (sqlite:PATH or postgres://).
func startPlatformDB(dir, bin, db string) *platformProc {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(err)
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "serve", "--db", db, "--addr", addr, "--blobs", filepath.Join(dir, "blobs"))
	cmd.Stdout, cmd.Stderr = nil, nil
	must(cmd.Start())
	for i := 0; i < 200; i++ {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return &platformProc{cmd: cmd, base: "http://" + addr}
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
	log.Fatal("platform did not start")
	return nil
}

func (p *platformProc) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
}

// procStatus reads a field (kB) of /proc/PID/status.
func procStatus(pid int, field string) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			x, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return x
		}
	}
	return -1
}

// cpuTicks is utime+stime of pid in clock ticks (100 Hz).
func cpuTicks(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return -1
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	u, _ := strconv.ParseInt(f[11], 10, 64)
	k, _ := strconv.ParseInt(f[12], 10, 64)
	return u + k
}

// counter counts bytes both ways on every client connection.
type counter struct{ n atomic.Int64 }

type countConn struct {
	net.Conn
	c *counter
}

func (c countConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	c.c.n.Add(int64(n))
	return n, err
}

func (c countConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	c.c.n.Add(int64(n))
	return n, err
}

func (c *counter) client() *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second}
	return &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{
		MaxIdleConnsPerHost: 256,
		DialContext: func(ctx context.Context, nw, addr string) (net.Conn, error) {
			conn, err := d.DialContext(ctx, nw, addr)
			if err != nil {
				return nil, err
			}
			return countConn{conn, c}, nil
		}}}
}

func figA(dir, bin string, n, scans, scanSize int) {
	ctx := context.Background()
	dbPath, creds, devs := prepare(dir, 2)
	scanDir := filepath.Join(dir, "scans")
	must(os.MkdirAll(scanDir, 0o755))
	for i := range creds {
		creds[i].PlatformURL = "" // set after start
	}
	// Build the outbox: per case 5 actions, the first carrying the case
	// record and listing the scans.
	a := newMemStore(creds[0], scanDir)
	var payload int64
	buf := make([]byte, scanSize)
	for i := 0; i < n; i++ {
		c := storetest.NewCase(devs[0], storetest.PlaceB.Code)
		cb, _ := json.Marshal(c)
		payload += int64(len(cb))
		for v := 0; v < 5; v++ {
			act := storetest.NewAction(devs[0], c.ID, "material_received", v)
			if v == 0 {
				for s := 0; s < scans; s++ {
					_, _ = rand.Read(buf)
					h := sha256.Sum256(buf)
					sha := hex.EncodeToString(h[:])
					must(os.WriteFile(filepath.Join(scanDir, sha), buf, 0o644))
					a.addScan(sha, int64(scanSize), c.ID)
					act.Attachments = append(act.Attachments, protocol.Attachment{SHA256: sha, Size: int64(scanSize)})
					payload += int64(scanSize)
				}
			}
			ab, _ := json.Marshal(act)
			payload += int64(len(ab))
			it := client.Item{Key: act.ID, Action: act}
			if v == 0 {
				it.Case = &c
			}
			a.items = append(a.items, it)
		}
	}
	p := startPlatform(dir, bin, dbPath)
	defer p.stop()
	a.cred.PlatformURL = p.base
	var ca counter
	sa := client.New(client.Config{Store: a, HTTP: ca.client(), MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond})
	t0 := time.Now()
	rep, err := sa.SyncNow(ctx)
	must(err)
	push := time.Since(t0)
	pushWire := ca.n.Load()

	e := newMemStore(creds[1], scanDir)
	e.cred.PlatformURL = p.base
	var ce counter
	se := client.New(client.Config{Store: e, HTTP: ce.client()})
	t1 := time.Now()
	rep2, err := se.SyncNow(ctx)
	must(err)
	pull := time.Since(t1)

	ca.n.Store(0)
	rep3, err := sa.SyncNow(ctx)
	must(err)
	srvRSS := procStatus(p.cmd.Process.Pid, "VmHWM")
	cliRSS := procStatus(os.Getpid(), "VmHWM")
	fmt.Printf("| cases | scans | scan bytes | push wall | push requests | pushed items / scans | wire ÷ payload | pull wall | pull requests | pulled actions | pull wire bytes | second push requests | client VmHWM | platform VmHWM | quarantined |\n")
	fmt.Printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	fmt.Printf("| %d | %d | %d | %.2f s | %d | %d / %d | %.4f | %.2f s | %d | %d | %d | %d | %d MiB | %d MiB | %d |\n",
		n, n*scans, scanSize, push.Seconds(), rep.Requests, rep.Pushed, rep.Uploaded, float64(pushWire)/float64(payload),
		pull.Seconds(), rep2.Requests, rep2.Pulled, ce.n.Load(), rep3.Requests, cliRSS>>10, srvRSS>>10, len(quarantined))
	fmt.Printf("\npush payload %d bytes, push wire %d bytes, actions/s %.0f, idle round wire %d bytes\n",
		payload, pushWire, float64(5*n)/push.Seconds(), ca.n.Load())
	for i, q := range quarantined {
		if i < 5 {
			fmt.Println("quarantined:", q)
		}
	}
}

func enroll(ctx context.Context, st platform.Store, hall string) (platform.Device, string) {
	code := platform.NewEnrollCode()
	now := time.Now()
	must(st.CreateEnrollCode(ctx, platform.EnrollCode{Hash: platform.HashSecret(platform.NormalizeEnrollCode(code)),
		Hall: hall, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}))
	tok := platform.NewToken()
	d, err := st.Enroll(ctx, platform.HashSecret(platform.NormalizeEnrollCode(code)),
		platform.Device{ID: storetest.NewID(), Name: "bench"}, platform.HashSecret(tok), now)
	must(err)
	return d, tok
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
