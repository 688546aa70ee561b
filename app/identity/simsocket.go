package identity

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"time"

	"tongban/app/errs"
)

// SocketReader is the simulator driver speaking a line protocol over a
// local socket (unix or tcp on 127.0.0.1), the shape most vendor "reader
// services" have: the client sends "READ\n", the service answers one JSON
// line {"card":{...}} or {"error":"no_card"|"unplugged"}. A refused
// connection means the reader service or device is not there.
type SocketReader struct {
	Network, Address string
	Now              func() time.Time
}

type simReply struct {
	Card  *Card  `json:"card,omitempty"`
	Error string `json:"error,omitempty"`
}

// Read implements Reader.
func (r SocketReader) Read(ctx context.Context) (Card, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, r.Network, r.Address)
	if err != nil {
		if ctx.Err() != nil {
			return Card{}, TimedOut(err)
		}
		return Card{}, Unplugged(err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if _, err := conn.Write([]byte("READ\n")); err != nil {
		return Card{}, Unplugged(err)
	}
	sc := bufio.NewScanner(conn)
	sc.Buffer(make([]byte, 64*1024), 4<<20)
	if !sc.Scan() {
		err := sc.Err()
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() || ctx.Err() != nil {
			return Card{}, TimedOut(err)
		}
		return Card{}, Unplugged(fmt.Errorf("reader closed the connection: %v", err))
	}
	var rep simReply
	if err := json.Unmarshal(sc.Bytes(), &rep); err != nil {
		return Card{}, errs.Wrap(err, errs.EINVALID, "reader reply unreadable", "读卡器返回的数据无法识别，请重试或改为手工录入")
	}
	switch {
	case rep.Error == "unplugged":
		return Card{}, Unplugged(nil)
	case rep.Error == "no_card":
		return Card{}, TimedOut(nil)
	case rep.Error != "" || rep.Card == nil:
		return Card{}, errs.New(errs.EINVALID, "reader error: "+rep.Error, "读卡失败，请重新放置证件或改为手工录入")
	}
	c := *rep.Card
	c.Source = SourceReader
	c.ReaderID = "sim-socket"
	now := r.Now
	if now == nil {
		now = time.Now
	}
	c.ReadAt = now()
	return c, nil
}

// ServeSimulator answers SocketReader requests on ln until ctx ends: each
// "READ" line gets next()'s card, or its error as {"error":...} (use
// ErrTimeout for "no_card" and ErrUnplugged for "unplugged").
func ServeSimulator(ctx context.Context, ln net.Listener, next func() (Card, error)) error {
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	for {
		conn, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("accept: %w", err)
		}
		go func() {
			defer conn.Close()
			sc := bufio.NewScanner(conn)
			for sc.Scan() {
				if sc.Text() != "READ" {
					continue
				}
				var rep simReply
				c, err := next()
				switch {
				case errors.Is(err, ErrTimeout):
					rep.Error = "no_card"
				case errors.Is(err, ErrUnplugged):
					rep.Error = "unplugged"
				case err != nil:
					rep.Error = err.Error()
				default:
					rep.Card = &c
				}
				b, _ := json.Marshal(rep)
				if _, err := conn.Write(append(b, '\n')); err != nil {
					return
				}
			}
		}()
	}
}
