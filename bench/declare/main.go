// Command declare measures how fast a Firebreak node accepts incident
// changes over its JSON API: declares and notes from concurrent clients,
// each a durable transaction (row, timeline event, audit entry, job).
//
//	go run ./bench/declare                       # SQLite in a temp dir
//	go run ./bench/declare -database-url postgres://.../empty_db
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/firebreak-hq/firebreak/bench/benchkit"
	"github.com/firebreak-hq/firebreak/internal/access"
)

func main() {
	dbURL := flag.String("database-url", "", "PostgreSQL URL (default: SQLite in a temp dir)")
	clients := flag.Int("clients", 8, "concurrent clients")
	requests := flag.Int("requests", 2000, "requests in all")
	flag.Parse()
	if err := run(*dbURL, *clients, *requests); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(dbURL string, clients, requests int) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	node, err := benchkit.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	defer node.Remove()
	a := node.App
	sys := access.With(ctx, access.System)
	password, _, err := a.Auth.Bootstrap(sys)
	if err != nil {
		return err
	}
	session, _, err := a.Auth.Login(ctx, "admin", password, "bench", "127.0.0.1")
	if err != nil {
		return err
	}
	admin, err := a.Auth.ActorForSession(ctx, session)
	if err != nil {
		return err
	}
	token, _, err := a.Auth.CreateToken(access.With(ctx, admin), "bench", nil)
	if err != nil {
		return err
	}
	done := node.Serve(ctx)

	base := node.URL + "/api/v1/incidents"
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	post := func(url, body string) (time.Duration, error) {
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewBufferString(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		start := time.Now()
		resp, err := hc.Do(req)
		if err != nil {
			return 0, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			return 0, fmt.Errorf("%s: %s", url, resp.Status)
		}
		return time.Since(start), nil
	}
	measure := func(name string, body func(i int) (string, string)) error {
		var (
			mu        sync.Mutex
			latencies []time.Duration
			firstErr  error
			wg        sync.WaitGroup
		)
		next := make(chan int)
		start := time.Now()
		for range clients {
			wg.Go(func() {
				for i := range next {
					url, b := body(i)
					d, err := post(url, b)
					mu.Lock()
					if err != nil && firstErr == nil {
						firstErr = err
					}
					latencies = append(latencies, d)
					mu.Unlock()
				}
			})
		}
		for i := range requests {
			next <- i
		}
		close(next)
		wg.Wait()
		elapsed := time.Since(start)
		if firstErr != nil {
			return firstErr
		}
		slices.Sort(latencies)
		q := func(p float64) time.Duration { return benchkit.Quantile(latencies, p) }
		fmt.Printf("%-8s %-8s %5d requests, %2d clients: %7.0f/s  p50 %-9s p99 %-9s max %s\n",
			a.Store.Dialect(), name, requests, clients, float64(requests)/elapsed.Seconds(), q(0.5), q(0.99), q(1))
		return nil
	}
	if err := measure("declare", func(i int) (string, string) {
		return base, fmt.Sprintf(`{"title":"bench incident %d","severity":"SEV3"}`, i)
	}); err != nil {
		return err
	}
	if err := measure("note", func(i int) (string, string) {
		return fmt.Sprintf("%s/INC-%d/notes", base, i%50+1), fmt.Sprintf(`{"text":"note %d"}`, i)
	}); err != nil {
		return err
	}
	cancel()
	return <-done
}
