// go-floor: the physical floor of bench:harness — a bare net/http HTTPS file server (HTTP/2 by
// ALPN, the standard library's defaults) serving a module-proxy directory.
//
// Usage: go-floor <dir> <cert.pem> <key.pem> <host:port>...
// The bench runs it with GODEBUG=tlsmlkem=1 (src/topology/bench-taps.ts): the key exchange of the
// origin and of proxy.golang.org.
// Prints "ready" once every address listens; serves until killed.
package main

import (
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
)

func main() {
	if len(os.Args) < 5 {
		log.Fatal("usage: go-floor <dir> <cert.pem> <key.pem> <host:port>...")
	}
	dir, cert, key := os.Args[1], os.Args[2], os.Args[3]
	server := &http.Server{Handler: http.FileServer(http.Dir(dir))}
	listeners := make([]net.Listener, 0, len(os.Args)-4)
	for _, addr := range os.Args[4:] {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			log.Fatal(err)
		}
		listeners = append(listeners, ln)
	}
	fmt.Println("ready")
	errs := make(chan error)
	for _, ln := range listeners {
		go func(ln net.Listener) { errs <- server.ServeTLS(ln, cert, key) }(ln)
	}
	log.Fatal(<-errs)
}
