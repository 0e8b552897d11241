// The WAN in the relay's process (started with -wan-api host:port): Toxiproxy's own server
// (github.com/Shopify/toxiproxy/v2 as a library: the API, the proxies and their listeners, the
// toxics), what cmd/server runs. A forwarded connection to a link that is enabled and has no
// toxic enters that link here, as Toxiproxy's accept loop would have entered it, instead of
// crossing one more loopback socket to the link's listener; any other connection is relayed to
// the listener as before, so a fault's toxics see exactly what they saw without this.
package main

import (
	"encoding/binary"
	"errors"
	"net"
	"os"
	"reflect"
	"syscall"
	"time"
	"unsafe"

	"github.com/Shopify/toxiproxy/v2"
	"github.com/Shopify/toxiproxy/v2/stream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
)

type wan struct {
	server *toxiproxy.ApiServer
}

// startWan serves Toxiproxy's API at api; the process exits if it cannot listen (as
// toxiproxy-server does). Its log (warnings and worse) goes to stderr.
func startWan(api string) (*wan, error) {
	host, port, err := net.SplitHostPort(api)
	if err != nil {
		return nil, err
	}
	if _, _, err := connectionsOf(&toxiproxy.Proxy{}); err != nil {
		return nil, err
	}
	logger := zerolog.New(os.Stderr).With().Timestamp().Logger().Level(zerolog.WarnLevel)
	server := toxiproxy.NewServer(toxiproxy.NewMetricsContainer(prometheus.NewRegistry()), logger)
	go server.Listen(host, port)
	return &wan{server: server}, nil
}

// linkAt is the proxy listening at addr when a connection may enter it here: enabled, no toxic.
func (w *wan) linkAt(addr string) *toxiproxy.Proxy {
	if w == nil {
		return nil
	}
	for _, p := range w.server.Collection.Proxies() {
		p.Lock()
		listen, enabled := p.Listen, p.Enabled
		p.Unlock()
		if enabled && listen == addr && len(p.Toxics.GetToxicArray()) == 0 {
			return p
		}
	}
	return nil
}

// carry enters r's client into link p (Toxiproxy's accept loop, proxy.go server(), after its
// Accept) and returns once the link is over. Toxiproxy's copies must get *net.TCPConn sockets
// (its reset toxic sets SO_LINGER on them), so nothing wraps them: Toxiproxy gets a duplicate of
// the upstream socket, and this keeps the original open until Toxiproxy closed its duplicate, to
// read the final counts from it (TCP_INFO) before the origin sees the close.
func (w *wan) carry(p *toxiproxy.Proxy, r *relayed, first []byte) {
	p.Lock()
	upstreamAddr := p.Upstream
	p.Unlock()
	up, err := net.Dial("tcp", upstreamAddr)
	if err != nil { // Toxiproxy closes a client whose upstream it cannot reach
		r.client.Close()
		return
	}
	r.upstream = up.(*net.TCPConn)
	linked, err := duplicate(r.upstream)
	if err != nil {
		r.end(false, false)
		return
	}
	if _, err := r.upstream.Write(first); err != nil { // the hello first: the link has no toxic
		linked.Close()
		r.end(false, false)
		return
	}
	name := r.client.RemoteAddr().String()
	list, conns, _ := connectionsOf(p)
	list.Lock()
	conns[name+"upstream"] = linked
	conns[name+"downstream"] = r.client
	list.Unlock()
	p.Toxics.StartLink(w.server, name+"upstream", r.client, linked, stream.Upstream)
	p.Toxics.StartLink(w.server, name+"downstream", linked, r.client, stream.Downstream)
	r.sampled.Store(true)
	for r.sample() && open(linked) {
		time.Sleep(5 * time.Millisecond)
	}
	r.sample()
	r.upstream.Close()
}

// duplicate is a second socket object on c's connection (its own fd): closing one leaves the
// connection open while the other is.
func duplicate(c *net.TCPConn) (*net.TCPConn, error) {
	file, err := c.File()
	if err != nil {
		return nil, err
	}
	defer file.Close()
	conn, err := net.FileConn(file)
	if err != nil {
		return nil, err
	}
	return conn.(*net.TCPConn), nil
}

// open: c's fd is not closed yet.
func open(c *net.TCPConn) bool {
	raw, err := c.SyscallConn()
	return err == nil && raw.Control(func(uintptr) {}) == nil
}

// sample updates r's counts from its upstream socket; false once it is closed. Up is what the
// origin acknowledged (tcpi_bytes_acked), down what it sent (tcpi_bytes_received).
func (r *relayed) sample() bool {
	raw, err := r.upstream.SyscallConn()
	if err != nil {
		return false
	}
	var info [232]byte
	size := uint32(len(info))
	var errno syscall.Errno
	err = raw.Control(func(fd uintptr) {
		_, _, errno = syscall.Syscall6(syscall.SYS_GETSOCKOPT, fd, syscall.IPPROTO_TCP, syscall.TCP_INFO, uintptr(unsafe.Pointer(&info[0])), uintptr(unsafe.Pointer(&size)), 0)
	})
	if err != nil {
		return false
	}
	if errno == 0 && size >= 136 { // linux/tcp.h: __u64 tcpi_bytes_acked at 120, tcpi_bytes_received at 128
		r.up.Store(int64(binary.NativeEndian.Uint64(info[120:])))
		r.down.Store(int64(binary.NativeEndian.Uint64(info[128:])))
	}
	return true
}

// connectionsOf is the proxy's list of open connections (the unexported field `connections` of
// Toxiproxy v2.5.0's Proxy), which its stop() closes when the link is disabled (tcp-down):
// connections entered here are on it as those from its own accept loop are.
func connectionsOf(p *toxiproxy.Proxy) (*toxiproxy.ConnectionList, map[string]net.Conn, error) {
	field := reflect.ValueOf(p).Elem().FieldByName("connections")
	if !field.IsValid() || field.Type() != reflect.TypeOf(toxiproxy.ConnectionList{}) {
		return nil, nil, errNoConnections
	}
	list := (*toxiproxy.ConnectionList)(unsafe.Pointer(field.UnsafeAddr()))
	inner := reflect.ValueOf(list).Elem().FieldByName("list")
	if !inner.IsValid() || inner.Type() != reflect.TypeOf(map[string]net.Conn{}) {
		return nil, nil, errNoConnections
	}
	return list, *(*map[string]net.Conn)(unsafe.Pointer(inner.UnsafeAddr())), nil
}

var errNoConnections = errors.New("this Toxiproxy's Proxy has no connections list of v2.5.0's shape")
