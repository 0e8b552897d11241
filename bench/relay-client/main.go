// relay-client: bench:relay's client (bench/firewall-relay.ts). Fetches every file of a list over
// HTTP/2 (2 workers, a new connection per rep) from each port in turn, in a random order per rep,
// and prints each port's median wall time.
//
// Usage: relay-client <ca.pem> <files.txt> <reps> <host> <port>...
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"math/rand"
	"net"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

func main() {
	caPem, _ := os.ReadFile(os.Args[1])
	files := strings.Fields(string(must(os.ReadFile(os.Args[2]))))
	reps, _ := strconv.Atoi(os.Args[3])
	host := os.Args[4]
	ports := os.Args[5:]
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPem)
	times := map[string][]float64{}
	for r := 0; r < reps; r++ {
		order := rand.Perm(len(ports))
		for _, i := range order {
			port := ports[i]
			tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: host}, ForceAttemptHTTP2: true,
				DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
					return (&net.Dialer{}).DialContext(ctx, network, "127.0.0.1:"+port)
				}}
			client := &http.Client{Transport: tr}
			start := time.Now()
			work := make(chan string)
			var wg sync.WaitGroup
			for w := 0; w < 2; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for f := range work {
						resp, err := client.Get("https://" + host + ":" + port + "/" + f)
						if err != nil {
							panic(err)
						}
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if resp.ProtoMajor != 2 {
							panic("not HTTP/2")
						}
					}
				}()
			}
			for _, f := range files {
				work <- f
			}
			close(work)
			wg.Wait()
			times[port] = append(times[port], float64(time.Since(start).Microseconds())/1000)
			tr.CloseIdleConnections()
		}
	}
	for _, p := range ports {
		t := times[p]
		sort.Float64s(t)
		fmt.Printf("port %s median %.1f ms  p25 %.1f  p75 %.1f  n %d\n", p, t[len(t)/2], t[len(t)/4], t[3*len(t)/4], len(t))
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
