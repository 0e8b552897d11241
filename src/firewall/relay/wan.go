// The WAN in the relay's process (started with -wan-api host:port): Toxiproxy's own server
// (github.com/Shopify/toxiproxy/v2 as a library: the API, the proxies and their listeners, the
// toxics), what cmd/server runs. A forwarded connection to a link that is enabled and has no
// toxic enters that link here, as Toxiproxy's accept loop would have entered it, instead of
// crossing one more loopback socket to the link's listener; any other connection is relayed to
// the listener as before, so a fault's toxics see exactly what they saw without this.
package main

import (
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"os"
	"reflect"
	"syscall"
	"time"
	"unsafe"

	"github.com/Shopify/toxiproxy/v2"
	"github.com/Shopify/toxiproxy/v2/stream"
	"github.com/Shopify/toxiproxy/v2/toxics"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
)

type wan struct {
	server *toxiproxy.ApiServer
}

// startWan serves Toxiproxy's API at api and returns once it accepts connections; the process
// exits if it cannot listen (as toxiproxy-server does). Its log (warnings and worse) goes to stderr.
func startWan(api string) (*wan, error) {
	host, port, err := net.SplitHostPort(api)
	if err != nil {
		return nil, err
	}
	logger := zerolog.New(os.Stderr).With().Timestamp().Logger().Level(zerolog.WarnLevel)
	server := toxiproxy.NewServer(toxiproxy.NewMetricsContainer(prometheus.NewRegistry()), logger)
	if _, err := internals(toxiproxy.NewProxy(server, "probe", "", "")); err != nil {
		return nil, err
	}
	go server.Listen(host, port)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(2 * time.Millisecond) {
		if c, err := net.Dial("tcp", api); err == nil {
			c.Close()
			return &wan{server: server}, nil
		} else if time.Now().After(deadline) {
			return nil, err
		}
	}
}

// linkAt is the proxy listening at addr, or nil.
func (w *wan) linkAt(addr string) *toxiproxy.Proxy {
	if w == nil {
		return nil
	}
	for _, p := range w.server.Collection.Proxies() {
		p.Lock()
		listen := p.Listen
		p.Unlock()
		if listen == addr {
			return p
		}
	}
	return nil
}

// carry enters r's client into link p when the link is enabled and has no toxic, and returns
// once the link is over; false (nothing done) when the link is disabled or has a toxic.
// Toxiproxy's copies must get *net.TCPConn sockets (its reset toxic sets SO_LINGER on them), so
// nothing wraps them: Toxiproxy gets a duplicate of the upstream socket, and this keeps the
// original open until Toxiproxy closed its duplicate, to read the final counts from it
// (TCP_INFO) before the origin sees the close.
func (w *wan) carry(p *toxiproxy.Proxy, r *relayed, first []byte) bool {
	linked, entered := w.enter(p, r, first)
	if !entered || linked == nil {
		return entered
	}
	r.sampled.Store(true)
	for r.sample() && open(linked) {
		time.Sleep(5 * time.Millisecond)
	}
	r.sample()
	r.upstream.Close()
	return true
}

// enter is Toxiproxy's accept loop after its Accept (proxy.go server(), toxic_collection.go
// StartLink), under the proxy's lock (which its stop() holds: a link being disabled closes this
// connection with the others on its list) and its toxics' lock (which adding a toxic holds: the
// hello and the links see the same, empty, chain). linked is nil when the connection ended at once.
func (w *wan) enter(p *toxiproxy.Proxy, r *relayed, first []byte) (linked *net.TCPConn, entered bool) {
	p.Lock()
	defer p.Unlock()
	p.Toxics.Lock()
	defer p.Toxics.Unlock()
	parts, _ := internals(p) // its shape was checked at start
	if !p.Enabled || !parts.toxicFree() {
		return nil, false
	}
	up, err := net.Dial("tcp", p.Upstream)
	if err != nil { // Toxiproxy closes a client whose upstream it cannot reach
		r.client.Close()
		return nil, true
	}
	r.upstream = up.(*net.TCPConn)
	if linked, err = duplicate(r.upstream); err == nil {
		if _, err = r.upstream.Write(first); err != nil {
			linked.Close()
		}
	}
	if err != nil {
		r.end(false, false)
		return nil, true
	}
	name := fmt.Sprintf("%s#%d", r.client.RemoteAddr(), r.id)
	parts.conns.Lock()
	parts.list[name+"upstream"] = linked
	parts.list[name+"downstream"] = r.client
	parts.conns.Unlock()
	logger := zerolog.Nop()
	if p.Logger != nil {
		logger = *p.Logger
	}
	for _, l := range []struct {
		name string
		dir  stream.Direction
		from io.Reader
		to   io.WriteCloser
	}{{name + "upstream", stream.Upstream, r.client, linked}, {name + "downstream", stream.Downstream, linked, r.client}} {
		link := toxiproxy.NewToxicLink(p, p.Toxics, l.dir, logger)
		link.Start(w.server, l.name, l.from, l.to)
		parts.links[l.name] = link
	}
	return linked, true
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

// sample updates r's counts from its upstream socket; false once it is closed. Up is every byte
// written to it (sent, less retransmitted, plus not yet sent), down every byte received from the
// origin (less its FIN, which TCP_INFO counts).
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
	if errno == 0 && size >= 216 { // linux/tcp.h (4.19+)
		u64 := func(at int) int64 { return int64(binary.NativeEndian.Uint64(info[at:])) }
		notSent := int64(binary.NativeEndian.Uint32(info[144:]))
		received := u64(128)
		switch info[0] { // tcpi_state: the origin's FIN came in
		case 6, 8, 9, 11: // TIME_WAIT, CLOSE_WAIT, LAST_ACK, CLOSING
			received--
		}
		r.up.Store(u64(200) - u64(208) + notSent) // bytes_sent - bytes_retrans + notsent_bytes
		r.down.Store(received)
	}
	return true
}

// hidden: the unexported parts of Toxiproxy v2.5.0 that its accept loop uses and a connection
// entered here must use too; startWan checks their shape once.
type hidden struct {
	conns *toxiproxy.ConnectionList       // the proxy's open connections (its stop() closes them)
	list  map[string]net.Conn             // conns' map
	links map[string]*toxiproxy.ToxicLink // the collection's links (toxics reach live links through it)
	chain *[][]*toxics.ToxicWrapper       // the collection's toxics, per direction, after a hidden noop
}

func internals(p *toxiproxy.Proxy) (hidden, error) {
	conns, err := fieldOf[toxiproxy.ConnectionList](p, "connections")
	if err != nil {
		return hidden{}, err
	}
	list, err := fieldOf[map[string]net.Conn](conns, "list")
	if err != nil {
		return hidden{}, err
	}
	links, err := fieldOf[map[string]*toxiproxy.ToxicLink](p.Toxics, "links")
	if err != nil {
		return hidden{}, err
	}
	chain, err := fieldOf[[][]*toxics.ToxicWrapper](p.Toxics, "chain")
	if err != nil {
		return hidden{}, err
	}
	return hidden{conns, *list, *links, chain}, nil
}

// toxicFree: no toxic in either direction (each chain holds only the noop). Under the toxics' lock.
func (h hidden) toxicFree() bool {
	for _, dir := range *h.chain {
		if len(dir) > 1 {
			return false
		}
	}
	return true
}

// fieldOf is a pointer to the unexported field `name` of type T of the struct *ptr points to.
func fieldOf[T any, S any](ptr *S, name string) (*T, error) {
	field := reflect.ValueOf(ptr).Elem().FieldByName(name)
	if !field.IsValid() || field.Type() != reflect.TypeFor[T]() {
		return nil, fmt.Errorf("Toxiproxy's %T has no field %s of type %v (not v2.5.0?)", ptr, name, reflect.TypeFor[T]())
	}
	return (*T)(unsafe.Pointer(field.UnsafeAddr())), nil
}
