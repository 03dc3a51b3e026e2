// Command crash checks "accepted means kept" the hard way: senders post
// PagerDuty events with unique dedup keys to a Firebreak node while the node
// is killed with SIGKILL and restarted several times. Events whose request
// failed are sent again (as a real sender retries). At the end every event
// that got a 202 must be in the database, and none twice.
//
//	go run ./bench/crash                                 # SQLite (synchronous=FULL)
//	go run ./bench/crash -database-url postgres://…/empty
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/firebreak-hq/firebreak/bench/benchkit"
	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/app"
	"github.com/firebreak-hq/firebreak/internal/catalog"
	"github.com/firebreak-hq/firebreak/internal/detect"
)

// key is the integration key the node is set up with.
const key = "0123456789abcdef0123456789abcdef"

func main() {
	serve := flag.Bool("serve", false, "run the node (the child process)")
	dataDir := flag.String("data", "", "data directory (child)")
	addr := flag.String("addr", "", "listen address (child)")
	dbURL := flag.String("database-url", "", "PostgreSQL URL of an empty database (default: SQLite)")
	kills := flag.Int("kills", 6, "how many times the node is killed")
	senders := flag.Int("senders", 16, "concurrent senders")
	flag.Parse()
	var err error
	if *serve {
		err = child(*dataDir, *addr, *dbURL)
	} else {
		err = parent(*dbURL, *kills, *senders)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "crash:", err)
		os.Exit(1)
	}
}

// child runs a node until SIGTERM (or SIGKILL).
func child(dataDir, addr, dbURL string) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	a, err := app.New(ctx, benchkit.Config(addr, dataDir, dbURL), io.Discard, app.Options{})
	if err != nil {
		return err
	}
	sys := access.With(ctx, access.System)
	alerts := a.Store.Alerts(nil)
	if _, err := alerts.IntegrationByKeyHash(ctx, detect.HashKey(key)); err != nil {
		svc, err := a.Catalog.CreateService(sys, catalog.ServiceInput{Name: "crash"})
		if err != nil {
			return err
		}
		if _, err := alerts.CreateIntegration(ctx, detect.Integration{Name: "crash", Kind: detect.KindPagerDuty, ServiceID: svc.ID, KeyHint: key[28:], CreatedAt: time.Now()}, detect.HashKey(key)); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return a.Serve(ctx, ln)
}

type node struct {
	cmd  *exec.Cmd
	args []string
	base string
}

func (n *node) start() error {
	n.cmd = exec.Command(n.args[0], n.args[1:]...)
	n.cmd.Stdout, n.cmd.Stderr = os.Stdout, os.Stderr
	if err := n.cmd.Start(); err != nil {
		return err
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(n.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("node did not become ready")
}

func (n *node) kill() {
	_ = n.cmd.Process.Signal(syscall.SIGKILL)
	_ = n.cmd.Wait()
}

func (n *node) stop() error {
	_ = n.cmd.Process.Signal(syscall.SIGTERM)
	return n.cmd.Wait()
}

func parent(dbURL string, kills, senders int) error {
	dir, err := os.MkdirTemp("", "firebreak-crash")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	ln.Close()
	self, err := os.Executable()
	if err != nil {
		return err
	}
	n := &node{args: []string{self, "-serve", "-data", filepath.Join(dir, "data"), "-addr", addr, "-database-url", dbURL}, base: "http://" + addr}
	if err := n.start(); err != nil {
		return err
	}

	var (
		mu      sync.Mutex
		acked   = map[string]int{} // dedup key → 202 answers
		pending = map[string]bool{}
		nextID  atomic.Int64
		sent    atomic.Int64
		failed  atomic.Int64
	)
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: senders}}
	send := func(k string) bool {
		body := fmt.Sprintf(`{"routing_key":%q,"event_action":"trigger","dedup_key":%q,"payload":{"summary":"crash test %s","source":"crash","severity":"info"}}`, key, k, k)
		sent.Add(1)
		resp, err := hc.Post(n.base+"/v2/enqueue", "application/json", bytes.NewBufferString(body))
		if err != nil {
			failed.Add(1)
			return false
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			failed.Add(1)
			return false
		}
		return true
	}
	stopSending := make(chan struct{})
	var wg sync.WaitGroup
	for range senders {
		wg.Go(func() {
			for {
				select {
				case <-stopSending:
					return
				default:
				}
				// Retry a failed event first, as a sender would; else a new one.
				k := ""
				mu.Lock()
				for p := range pending {
					k = p
					delete(pending, p)
					break
				}
				mu.Unlock()
				if k == "" {
					k = fmt.Sprintf("ev-%07d", nextID.Add(1))
				}
				ok := send(k)
				mu.Lock()
				if ok {
					acked[k]++
				} else {
					pending[k] = true
				}
				mu.Unlock()
				if !ok {
					time.Sleep(10 * time.Millisecond)
				}
			}
		})
	}
	for i := range kills {
		time.Sleep(time.Duration(300+rand.IntN(1200)) * time.Millisecond)
		n.kill()
		mu.Lock()
		fmt.Printf("kill %d: SIGKILL after %d events acknowledged\n", i+1, len(acked))
		mu.Unlock()
		time.Sleep(100 * time.Millisecond)
		if err := n.start(); err != nil {
			return err
		}
	}
	time.Sleep(500 * time.Millisecond)
	close(stopSending)
	wg.Wait()
	// Every event not yet acknowledged is sent until it is; some acknowledged
	// ones are sent again on purpose: they must not become second alerts.
	resent := 0
	for k := range pending {
		for !send(k) {
			time.Sleep(50 * time.Millisecond)
		}
		acked[k]++
	}
	for k := range acked {
		if resent >= 200 {
			break
		}
		if send(k) {
			acked[k]++
			resent++
		}
	}
	if err := n.stop(); err != nil {
		return fmt.Errorf("graceful stop: %w", err)
	}

	// Check the database directly.
	a, err := app.New(context.Background(), benchkit.Config(addr, filepath.Join(dir, "data"), dbURL), io.Discard, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	rows, err := a.Store.DB().Query(`SELECT dedup_key, COUNT(*), SUM(event_count) FROM alerts GROUP BY dedup_key`)
	if err != nil {
		return err
	}
	stored := map[string]int{}
	events := map[string]int{}
	dup := 0
	for rows.Next() {
		var k string
		var c, e int
		if err := rows.Scan(&k, &c, &e); err != nil {
			return err
		}
		stored[k], events[k] = c, e
		if c > 1 {
			dup++
		}
	}
	rows.Close()
	lost, undercounted := 0, 0
	for k, times := range acked {
		if stored[k] == 0 {
			lost++
		} else if events[k] < times {
			undercounted++
		}
	}
	fmt.Printf("%s: %d kills, %d requests (%d failed while the node was down and were sent again), %d events acknowledged, %d re-sent after a 202\n",
		a.Store.Dialect(), kills, sent.Load(), failed.Load(), len(acked), resent)
	fmt.Printf("lost: %d, duplicated alerts: %d, acknowledged events missing from counts: %d\n", lost, dup, undercounted)
	if lost > 0 || dup > 0 || undercounted > 0 {
		return fmt.Errorf("accepted means kept is broken")
	}
	return nil
}
