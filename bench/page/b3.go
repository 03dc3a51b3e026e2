package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"time"

	"github.com/firebreak-hq/firebreak/bench/benchkit"
	"github.com/firebreak-hq/firebreak/internal/app"
	"github.com/firebreak-hq/firebreak/internal/notification"
	"github.com/firebreak-hq/firebreak/internal/paging"
)

func b3(args []string) error {
	fs := flag.NewFlagSet("b3", flag.ExitOnError)
	dbURL := fs.String("database-url", "", "PostgreSQL URL of an empty database (default: SQLite in a temp dir)")
	rate := fs.Int("rate", 1000, "alerts offered per second")
	seconds := fs.Int("seconds", 20, "how long to offer them")
	newShare := fs.Float64("new", 0.10, "share of alerts with a new fingerprint (a new triage item, paged)")
	conns := fs.Int("conns", 256, "concurrent client connections")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the offered load to this file")
	stages := fs.Bool("stages", false, "also print how long each stage of a page's way took, from the node's rows")
	_ = fs.Parse(args)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir, err := os.MkdirTemp("", "firebreak-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	cfg := benchkit.Config(ln.Addr().String(), filepath.Join(dir, "data"), *dbURL)
	cfg.Notifications.WebhookAllowPrivate = "true" // the contact method is on loopback
	a, err := app.New(ctx, cfg, io.Discard, app.Options{})
	if err != nil {
		return err
	}

	total := *rate * *seconds
	due := make([]time.Time, total) // when alert i was due to be sent
	var (
		mu       sync.Mutex
		latency  []time.Duration
		seen     = map[int]int{}
		arrivals atomic.Int64
	)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := time.Now()
		body, _ := io.ReadAll(r.Body)
		if n, ok := mark(body); ok {
			mu.Lock()
			seen[n]++
			if seen[n] == 1 {
				latency = append(latency, now.Sub(due[n]))
			}
			mu.Unlock()
			arrivals.Add(1)
		}
	}))
	defer hook.Close()
	a.Notifications.SetLimit(notification.Webhook, notification.Limit{}) // a storm is what is measured here
	s, err := prepare(ctx, a, hook.URL+"/push", []paging.Step{{DelayMinutes: 30}})
	if err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()
	url := cfg.BaseURL + "/integrations/alertmanager/" + s.Key

	// Warm the repeats: a pool of fingerprints already open (one group), so
	// that 90 % of the offered alerts are repeats that page no one.
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *conns, MaxConnsPerHost: *conns}}
	const repeats = 1000
	post := func(body []byte) (int, error) {
		resp, err := client.Post(url, "application/json", bytes.NewReader(body))
		if err != nil {
			return 0, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	if _, err := post(alertBody("warm")); err != nil {
		return err
	}
	for i := range repeats {
		if _, err := post(repeatBody(i)); err != nil {
			return err
		}
	}
	time.Sleep(2 * time.Second) // let the warm-up's page go out
	mu.Lock()
	latency, seen = nil, map[int]int{}
	mu.Unlock()
	arrivals.Store(0)

	work := make(chan int, total)
	var (
		wg                 sync.WaitGroup
		refused, failed    atomic.Int64
		newCount, accepted atomic.Int64
	)
	every := int(1 / *newShare)
	for range *conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				body := repeatBody(i % repeats)
				if i%every == 0 {
					body = alertBody(fmt.Sprintf("bx%dx", i))
				}
				code, err := post(body)
				switch {
				case err != nil:
					failed.Add(1)
				case code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable:
					refused.Add(1)
				case code == http.StatusAccepted:
					accepted.Add(1)
					if i%every == 0 {
						newCount.Add(1)
					}
				default:
					failed.Add(1)
				}
			}
		}()
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	interval := time.Second / time.Duration(*rate)
	for i := range total {
		due[i] = start.Add(time.Duration(i) * interval)
		if d := time.Until(due[i]); d > 0 {
			time.Sleep(d)
		}
		work <- i
	}
	close(work)
	wg.Wait()
	offered := time.Since(start)
	want := newCount.Load()
	deadline := time.Now().Add(30 * time.Second)
	for arrivals.Load() < want && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	doubled := 0
	for _, n := range seen {
		if n > 1 {
			doubled++
		}
	}
	fmt.Printf("B3 alert → first notification (%s, job poll default, urgent queue 50ms, engine looks at least every 250ms)\n", dbName(*dbURL))
	fmt.Printf("  offered %d alerts at %d/s over %s (%d conns): %d accepted, %d refused (429/503), %d failed\n",
		total, *rate, offered.Round(time.Millisecond), *conns, accepted.Load(), refused.Load(), failed.Load())
	fmt.Printf("  new fingerprints accepted (each a page): %d; first notifications received: %d; doubled: %d\n", want, len(latency), doubled)
	fmt.Printf("  alert sent → push received: %s\n", quantiles(latency))
	if *stages {
		if err := printStages(ctx, a); err != nil {
			return err
		}
	}
	cancel()
	return <-done
}

// printStages splits the pages' way into its stages, from the rows the
// node wrote (its clock is the wall clock here): the alert's group opened →
// the page raised (the ingest transaction), raised → its first step fired
// (the engine), the notice written → delivered (the dispatcher).
func printStages(ctx context.Context, a *app.App) error {
	db := a.Store.DB()
	type span struct{ from, to time.Time }
	collect := func(q string) ([]time.Duration, error) {
		rows, err := db.QueryContext(ctx, q)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []time.Duration
		for rows.Next() {
			var sp span
			if err := rows.Scan(&sp.from, &sp.to); err != nil {
				return nil, err
			}
			out = append(out, sp.to.Sub(sp.from))
		}
		return out, rows.Err()
	}
	raised, err := collect(`SELECT g.created_at, p.created_at FROM pages p JOIN alert_groups g ON g.id = p.source_id WHERE p.source = 'alert_group'`)
	if err != nil {
		return err
	}
	fired, err := collect(`SELECT p.created_at, e.at FROM pages p JOIN page_events e ON e.page_id = p.id AND e.kind = 'step_fired' WHERE p.source = 'alert_group'`)
	if err != nil {
		return err
	}
	sent, err := collect(`SELECT m.created_at, d.sent_at FROM notification_deliveries d JOIN notification_messages m ON m.id = d.message_id WHERE d.state = 'sent' AND m.page_id <> 0`)
	if err != nil {
		return err
	}
	fmt.Printf("  stages: alert → page raised %s\n          raised → step fired %s\n          notice written → sent %s\n",
		quantiles(raised), quantiles(fired), quantiles(sent))
	return nil
}

// repeatBody is a repeat of one of the warm fingerprints (all in one group,
// so they page no one again).
func repeatBody(i int) []byte {
	return fmt.Appendf(nil, `{"version":"4","groupKey":"bench-repeats","truncatedAlerts":0,"status":"firing","receiver":"firebreak",`+
		`"groupLabels":{"alertname":"Repeat"},"commonLabels":{"alertname":"Repeat","severity":"critical"},"commonAnnotations":{},`+
		`"externalURL":"http://alertmanager:9093","alerts":[{"status":"firing","labels":{"alertname":"Repeat","severity":"critical",`+
		`"instance":"web-%d:9100","job":"node"},"annotations":{"summary":"still failing"},`+
		`"startsAt":"2026-11-25T03:00:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://prometheus:9090/graph","fingerprint":"rep%d"}]}`,
		i, i)
}
