// The firewall's relay (src/firewall/relay.ts): once the firewall has decided to forward a
// connection, it hands the accepted socket to this process over node's IPC channel
// (NODE_CHANNEL_FD, JSON lines, the socket's fd in SCM_RIGHTS) and the bytes flow here, never
// through node's event loop. With -wan-api it is the WAN too (wan.go: Toxiproxy's server as a
// library). Built by the harness with the local go (relay.ts).
//
// Messages from node:
//
//	{"cmd":"NODE_HANDLE","type":"net.Socket","msg":{"id":1,"host":"…","port":443,"first":"<base64>"},"key":…}
//	{"op":"sync","seq":n}
//	{"cmd":"NODE_SOCKET_NOTIFY_CLOSE","key":…} / {"cmd":"NODE_SOCKET_GET_COUNT","key":…}
//
// Messages to node: {"op":"ready"} once the WAN answers (with -wan-api), {"cmd":"NODE_HANDLE_ACK"} per handle, then per connection once it closed
// {"op":"closed","id":1,"up":…,"down":…,"ms":…,"failed":false}; {"op":"counts","seq":n,"open":[[id,up,down],…]}
// answers a sync after every report of what closed before it.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

type handoff struct {
	ID    int64  `json:"id"`
	Host  string `json:"host"`
	Port  int    `json:"port"`
	First []byte `json:"first"`
}

type message struct {
	Cmd  string          `json:"cmd"`
	Type string          `json:"type"`
	Msg  json.RawMessage `json:"msg"`
	Key  json.RawMessage `json:"key"`
	Op   string          `json:"op"`
	Seq  int64           `json:"seq"`
}

// channel is node's side: writes are whole JSON lines, one writer at a time.
type channel struct {
	mu   sync.Mutex
	conn *net.UnixConn
}

func (c *channel) send(v any) {
	line, _ := json.Marshal(v)
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, err := c.conn.Write(append(line, '\n')); err != nil {
		os.Exit(0) // node is gone
	}
}

type relayed struct {
	id               int64
	client, upstream *net.TCPConn
	up, down         atomic.Int64
	failed           atomic.Bool
	closing          sync.Once
	// sampled: the counts come from the upstream socket's TCP_INFO (a connection in a WAN link here)
	sampled atomic.Bool
}

// end closes both sides once; a reset side is closed with SO_LINGER 0 (an RST, as node's resetAndDestroy).
func (r *relayed) end(resetClient, resetUpstream bool) {
	r.closing.Do(func() {
		if resetClient {
			r.client.SetLinger(0)
		}
		if resetUpstream && r.upstream != nil {
			r.upstream.SetLinger(0)
		}
		r.client.Close()
		if r.upstream != nil {
			r.upstream.Close()
		}
	})
}

// upstreamFailed: an upstream error before any byte came back is 'upstream-failed' in the log
// (node: upstream.bytesRead === 0). Errors of a side this relay closed itself are not failures.
func (r *relayed) upstreamFailed(err error) {
	if errors.Is(err, net.ErrClosed) {
		return
	}
	r.failed.CompareAndSwap(false, r.down.Load() == 0)
	r.end(isReset(err), false)
}

func isReset(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EPIPE)
}

// pump copies src to dst, counting what it read. Returns the read error (nil at EOF) and the write error.
func pump(dst, src *net.TCPConn, count *atomic.Int64) (readErr, writeErr error) {
	buf := make([]byte, 64<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			count.Add(int64(n))
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return nil, werr
			}
		}
		if err == io.EOF {
			return nil, nil
		}
		if err != nil {
			return err, nil
		}
	}
}

type relay struct {
	wan  *wan // nil unless started with -wan-api
	ch   *channel
	mu   sync.Mutex
	open map[int64]*relayed
}

func (s *relay) serve(r *relayed, h handoff) {
	started := time.Now()
	defer func() {
		s.mu.Lock()
		delete(s.open, r.id)
		s.send(map[string]any{"op": "closed", "id": r.id, "up": r.up.Load(), "down": r.down.Load(), "ms": float64(time.Since(started).Microseconds()) / 1000, "failed": r.failed.Load()})
		s.mu.Unlock()
	}()
	addr := net.JoinHostPort(h.Host, strconv.Itoa(h.Port))
	if link := s.wan.linkAt(addr); link != nil && s.wan.carry(link, r, h.First) {
		return
	}
	up, err := net.Dial("tcp", addr)
	if err != nil {
		r.failed.Store(true)
		r.end(isReset(err), false) // a refused dial reaches the client as a reset
		return
	}
	r.upstream = up.(*net.TCPConn)
	if _, err := r.upstream.Write(h.First); err != nil {
		r.failed.Store(true)
		r.end(isReset(err), false)
		return
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { // client -> upstream
		defer wg.Done()
		readErr, writeErr := pump(r.upstream, r.client, &r.up)
		switch {
		case readErr != nil: // the client failed: the upstream sees a reset
			r.end(false, true)
		case writeErr != nil: // the upstream failed
			r.upstreamFailed(writeErr)
		default: // the client is done: so is the connection, as node's pipe (allowHalfOpen false) did
			r.end(false, false)
		}
	}()
	go func() { // upstream -> client
		defer wg.Done()
		readErr, writeErr := pump(r.client, r.upstream, &r.down)
		switch {
		case readErr != nil: // the upstream failed: a reset goes on as a reset
			r.upstreamFailed(readErr)
		case writeErr != nil: // the client failed
			r.end(false, true)
		default: // the upstream's FIN goes on; the client may still talk until it closes
			r.client.CloseWrite()
		}
	}()
	wg.Wait()
	r.end(false, false)
}

func (s *relay) send(v any) { s.ch.send(v) }

func (s *relay) accept(fd int, raw json.RawMessage) {
	var h handoff
	file := os.NewFile(uintptr(fd), "client")
	conn, err := net.FileConn(file)
	file.Close()
	if json.Unmarshal(raw, &h) != nil || err != nil {
		if conn != nil {
			conn.Close()
		}
		fmt.Fprintf(os.Stderr, "firewall relay: bad handoff %s (%v)\n", raw, err)
		return
	}
	client, ok := conn.(*net.TCPConn)
	if !ok {
		conn.Close()
		return
	}
	r := &relayed{id: h.ID, client: client}
	r.up.Store(int64(len(h.First)))
	s.mu.Lock()
	s.open[h.ID] = r
	s.mu.Unlock()
	go s.serve(r, h)
}

func (s *relay) counts(seq int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	open := make([][3]int64, 0, len(s.open))
	for id, r := range s.open {
		if r.sampled.Load() {
			r.sample()
		}
		open = append(open, [3]int64{id, r.up.Load(), r.down.Load()})
	}
	s.send(map[string]any{"op": "counts", "seq": seq, "open": open})
}

func (s *relay) handle(m message, fds *[]int) {
	switch {
	case m.Cmd == "NODE_HANDLE":
		if len(*fds) == 0 {
			fmt.Fprintln(os.Stderr, "firewall relay: a handle message without its fd")
			os.Exit(2)
		}
		fd := (*fds)[0]
		*fds = (*fds)[1:]
		s.send(map[string]string{"cmd": "NODE_HANDLE_ACK"})
		s.accept(fd, m.Msg)
	case m.Cmd == "NODE_SOCKET_NOTIFY_CLOSE":
		// the firewall's server closes: it stops this relay too, nothing to wait for
		s.send(map[string]any{"cmd": "NODE_SOCKET_ALL_CLOSED", "key": m.Key})
	case m.Cmd == "NODE_SOCKET_GET_COUNT":
		s.mu.Lock()
		n := len(s.open)
		s.mu.Unlock()
		s.send(map[string]any{"cmd": "NODE_SOCKET_COUNT", "key": m.Key, "count": n})
	case m.Op == "sync":
		s.counts(m.Seq)
	}
}

func main() {
	api := flag.String("wan-api", "", "serve Toxiproxy's API at host:port and carry toxic-free links in this process")
	flag.Parse()
	fd, err := strconv.Atoi(os.Getenv("NODE_CHANNEL_FD"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "firewall relay: no NODE_CHANNEL_FD (started by the firewall only)")
		os.Exit(2)
	}
	file := os.NewFile(uintptr(fd), "node-channel")
	conn, err := net.FileConn(file)
	file.Close()
	unix, ok := conn.(*net.UnixConn)
	if err != nil || !ok {
		fmt.Fprintf(os.Stderr, "firewall relay: NODE_CHANNEL_FD is not a unix socket (%v)\n", err)
		os.Exit(2)
	}
	s := &relay{ch: &channel{conn: unix}, open: map[int64]*relayed{}}
	if *api != "" { // node waits for this answer before it uses the relay or the WAN
		if s.wan, err = startWan(*api); err != nil {
			fmt.Fprintf(os.Stderr, "firewall relay: the WAN did not start: %v\n", err)
			os.Exit(2)
		}
		s.send(map[string]string{"op": "ready"})
	}
	var fds []int
	var pending []byte
	buf := make([]byte, 64<<10)
	oob := make([]byte, syscall.CmsgSpace(4*64))
	for {
		n, oobn, _, _, err := unix.ReadMsgUnix(buf, oob)
		if oobn > 0 {
			msgs, _ := syscall.ParseSocketControlMessage(oob[:oobn])
			for _, cm := range msgs {
				if rights, err := syscall.ParseUnixRights(&cm); err == nil {
					fds = append(fds, rights...)
				}
			}
		}
		pending = append(pending, buf[:n]...)
		for {
			i := bytes.IndexByte(pending, '\n')
			if i < 0 {
				break
			}
			var m message
			if json.Unmarshal(pending[:i], &m) == nil {
				s.handle(m, &fds)
			}
			pending = pending[i+1:]
		}
		if err != nil || n == 0 {
			os.Exit(0) // the channel closed: the firewall is gone
		}
	}
}
