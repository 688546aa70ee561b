package main

import (
	mrand "math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// faultProxy is a user-space TCP proxy that delays every chunk by delay in
// each direction, drops a connection with probability drop per chunk, and
// refuses everything (and cuts open connections) while cut is set.
type faultProxy struct {
	ln     net.Listener
	target string
	delay  time.Duration
	drop   float64

	on    atomic.Bool // faults active (off while enrolling)
	cut   atomic.Bool
	drops atomic.Int64
	refus atomic.Int64

	mu    sync.Mutex
	conns map[net.Conn]bool
	rng   *mrand.Rand
}

func newFaultProxy(target string, delay time.Duration, drop float64, seed uint64) (*faultProxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &faultProxy{ln: ln, target: target, delay: delay, drop: drop, conns: map[net.Conn]bool{}, rng: mrand.New(mrand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	go p.accept()
	return p, nil
}

func (p *faultProxy) addr() string { return p.ln.Addr().String() }

func (p *faultProxy) close() { _ = p.ln.Close(); p.cutAll() }

func (p *faultProxy) roll() bool {
	if !p.on.Load() {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rng.Float64() < p.drop
}

func (p *faultProxy) track(c net.Conn, add bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if add {
		p.conns[c] = true
	} else {
		delete(p.conns, c)
	}
}

// cutAll closes every open connection.
func (p *faultProxy) cutAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		_ = c.Close()
	}
}

// setCut starts or ends a cut of the link.
func (p *faultProxy) setCut(v bool) {
	p.cut.Store(v)
	if v {
		p.cutAll()
	}
}

func (p *faultProxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		if p.cut.Load() {
			p.refus.Add(1)
			_ = c.Close()
			continue
		}
		go p.serve(c)
	}
}

func (p *faultProxy) serve(c net.Conn) {
	u, err := net.DialTimeout("tcp", p.target, 10*time.Second)
	if err != nil {
		_ = c.Close()
		return
	}
	p.track(c, true)
	p.track(u, true)
	var once sync.Once
	kill := func() {
		once.Do(func() {
			_ = c.Close()
			_ = u.Close()
			p.track(c, false)
			p.track(u, false)
		})
	}
	done := make(chan struct{})
	go func() { p.pipe(c, u, kill); close(done) }()
	p.pipe(u, c, kill)
	<-done
	kill()
}

type chunk struct {
	b  []byte
	at time.Time
}

// pipe copies src to dst, each chunk delivered delay after it was read.
func (p *faultProxy) pipe(src, dst net.Conn, kill func()) {
	q := make(chan chunk, 256)
	go func() {
		defer close(q)
		for {
			buf := make([]byte, 16<<10)
			n, err := src.Read(buf)
			if n > 0 {
				if p.roll() {
					p.drops.Add(1)
					kill()
					return
				}
				q <- chunk{buf[:n], time.Now().Add(p.delay)}
			}
			if err != nil {
				return
			}
		}
	}()
	for ch := range q {
		time.Sleep(time.Until(ch.at))
		if _, err := dst.Write(ch.b); err != nil {
			kill()
			for range q {
			}
			return
		}
	}
	// Source closed: pass the half-close on, then let the other side end it.
	if tc, ok := dst.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
	} else {
		kill()
	}
}
