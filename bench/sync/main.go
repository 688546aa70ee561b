// Command sync measures the platform side of sync over loopback: push of N
// cases (1 case record + 5 actions each, batches of 500 items, gzip) into
// the SQLite store with durable writes, then a full pull into an empty
// device of the same hall. It prints a Markdown table row set.
//
//	go run ./bench/sync -cases 1000
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"time"

	"tongban/platform"
	"tongban/platform/httpserver"
	"tongban/platform/sqlitestore"
	"tongban/platform/storetest"
	"tongban/scanner/blob"
	"tongban/sync/protocol"
)

// countingListener counts bytes read from and written to every connection.
type countingListener struct {
	net.Listener
	in, out atomic.Int64
}

type countingConn struct {
	net.Conn
	l *countingListener
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return countingConn{c, l}, nil
}

func (c countingConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	c.l.in.Add(int64(n))
	return n, err
}

func (c countingConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	c.l.out.Add(int64(n))
	return n, err
}

func main() {
	n := flag.Int("cases", 1000, "cases to push")
	flag.Parse()
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "tongban-bench-sync-")
	must(err)
	defer os.RemoveAll(dir)
	st, err := sqlitestore.Open(ctx, filepath.Join(dir, "p.db"))
	must(err)
	defer st.Close()
	for _, p := range []platform.Place{storetest.PlaceA, storetest.PlaceB} {
		must(st.PutPlace(ctx, p))
	}
	bs, err := blob.OpenFS(filepath.Join(dir, "blobs"))
	must(err)
	srv, err := httpserver.New(httpserver.Config{Store: st, Blobs: bs, UploadDir: filepath.Join(dir, "uploads")})
	must(err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(err)
	cl := &countingListener{Listener: ln}
	go func() { _ = http.Serve(cl, srv.Handler()) }()
	base := "http://" + ln.Addr().String()

	dev, tok := enroll(ctx, st, storetest.PlaceA.Code)
	_, tok2 := enroll(ctx, st, storetest.PlaceA.Code)

	var payload int64
	var req protocol.PushRequest
	var reqs int
	flush := func() {
		if len(req.Cases)+len(req.Actions) == 0 {
			return
		}
		b, _ := json.Marshal(req)
		payload += int64(len(b))
		post(base+"/v1/push", tok, b)
		reqs++
		req = protocol.PushRequest{}
	}
	start := time.Now()
	for i := 0; i < *n; i++ {
		c := storetest.NewCase(dev, storetest.PlaceB.Code)
		req.Cases = append(req.Cases, c)
		for v := 0; v < 5; v++ {
			req.Actions = append(req.Actions, storetest.NewAction(dev, c.ID, "material_received", v))
		}
		if len(req.Cases)+len(req.Actions) >= 498 {
			flush()
		}
	}
	flush()
	pushTime := time.Since(start)
	pushWire := cl.in.Load() + cl.out.Load()

	cl.in.Store(0)
	cl.out.Store(0)
	start = time.Now()
	cursor, pulls, got := "", 0, 0
	for {
		var p protocol.PullResponse
		get(base+"/v1/pull?limit=1000&cursor="+cursor, tok2, &p)
		pulls++
		got += len(p.Actions)
		cursor = p.Cursor
		if !p.More {
			break
		}
	}
	pullTime := time.Since(start)
	pullWire := cl.in.Load() + cl.out.Load()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("| cases | actions | push time | push requests | push wire ÷ JSON payload | pull time | pull requests | pull wire bytes | actions pulled | Go heap sys (client+server, one process) |\n")
	fmt.Printf("|---|---|---|---|---|---|---|---|---|---|\n")
	fmt.Printf("| %d | %d | %.2f s | %d | %.3f | %.2f s | %d | %d | %d | %d MiB |\n", *n, 5**n, pushTime.Seconds(), reqs,
		float64(pushWire)/float64(payload), pullTime.Seconds(), pulls, pullWire, got, ms.HeapSys>>20)
}

func post(url, tok string, body []byte) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write(body)
	_ = zw.Close()
	r, _ := http.NewRequest("POST", url, &buf)
	r.Header.Set("Authorization", "Bearer "+tok)
	r.Header.Set("Content-Encoding", "gzip")
	resp, err := http.DefaultClient.Do(r)
	must(err)
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != 200 {
		log.Fatalf("push: %s", resp.Status)
	}
}

func get(url, tok string, out any) {
	r, _ := http.NewRequest("GET", url, nil)
	r.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(r)
	must(err)
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		log.Fatalf("pull: %s", resp.Status)
	}
	must(json.NewDecoder(resp.Body).Decode(out))
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
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
