package main

import (
	"bytes"
	"context"
	"database/sql"
	"flag"
	"fmt"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to read the results
	"io"
	_ "modernc.org/sqlite"
	"net"
	"net/http"
	"net/http/httptest"
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
	"github.com/firebreak-hq/firebreak/internal/notification"
	"github.com/firebreak-hq/firebreak/internal/paging"
)

func b4(args []string) error {
	fs := flag.NewFlagSet("b4", flag.ExitOnError)
	dbURL := fs.String("database-url", "", "PostgreSQL URL of an empty database (default: SQLite in a temp dir)")
	pages := fs.Int("pages", 10000, "open pages")
	spread := fs.Duration("spread", 10*time.Minute, "their next steps fall due over this long")
	ingest := fs.Int("ingest", 1000, "background alerts per second")
	down := fs.Duration("down", 10*time.Second, "how long the node stays dead after the SIGKILL")
	_ = fs.Parse(args)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir, err := os.MkdirTemp("", "firebreak-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	dataDir := filepath.Join(dir, "data")

	// The webhook contact method: one push per fired step.
	var (
		mu      sync.Mutex
		arrived = map[int][]time.Time{}
	)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := time.Now()
		body, _ := io.ReadAll(r.Body)
		if n, ok := mark(body); ok {
			mu.Lock()
			arrived[n] = append(arrived[n], now)
			mu.Unlock()
		}
	}))
	defer hook.Close()

	// Build the database: the people, the policy, and the open pages, each
	// mid-policy (step 1 fired) with step 2 due within the spread — the page
	// rows are the engine's whole schedule.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	ln.Close()
	cfg := benchkit.Config(addr, dataDir, *dbURL)
	cfg.Notifications.WebhookAllowPrivate = "true"
	a, err := app.New(ctx, cfg, io.Discard, app.Options{})
	if err != nil {
		return err
	}
	s, err := prepare(ctx, a, hook.URL+"/push", []paging.Step{{DelayMinutes: 60}, {DelayMinutes: 60}})
	if err != nil {
		return err
	}
	pol, err := a.Paging.Policy(access.With(ctx, access.System), s.PolicyID)
	if err != nil {
		return err
	}
	start := time.Now().Add(40 * time.Second) // the first deadline: after the node is up and warm
	deadline := make([]time.Time, *pages)
	ids := make([]int64, *pages)
	st := a.Store.Paging(a.Queue)
	for lo := 0; lo < *pages; lo += 500 {
		err := st.InTx(ctx, func(tx paging.Tx) error {
			for i := lo; i < min(lo+500, *pages); i++ {
				due := start.Add(time.Duration(int64(*spread) * int64(i) / int64(*pages)))
				deadline[i] = due
				p := paging.Page{ServiceID: s.ServiceID, Summary: fmt.Sprintf("bx%dx disk full", i), Urgency: paging.High,
					Source: paging.FromManual, Policy: pol, PolicyID: pol.ID, Status: paging.Triggered,
					Next: paging.Position{Step: 1}, NextAt: &due, Seq: 2, Last: &paging.Position{},
					CreatedAt: time.Now(), UpdatedAt: time.Now()}
				if err := tx.InsertPage(ctx, &p); err != nil {
					return err
				}
				ids[i] = p.ID
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	if err := a.Close(); err != nil {
		return err
	}
	fmt.Printf("B4 (%s): %d open pages, next steps due over %s from %s; background ingest %d/s\n",
		dbName(*dbURL), *pages, *spread, start.Format("15:04:05"), *ingest)

	runChild := func() (*exec.Cmd, time.Time, error) {
		exe, err := os.Executable()
		if err != nil {
			return nil, time.Time{}, err
		}
		cmd := exec.Command(exe, "child", "-listen", addr, "-data", dataDir, "-database-url", *dbURL)
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			return nil, time.Time{}, err
		}
		for {
			resp, err := http.Get("http://" + addr + "/readyz")
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					return cmd, time.Now(), nil
				}
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	cmd, _, err := runChild()
	if err != nil {
		return err
	}

	// Background ingest: repeats on the service without a policy.
	var sent, refused atomic.Int64
	stopIngest := make(chan struct{})
	var wg sync.WaitGroup
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 5 * time.Second}
	work := make(chan int, 1024)
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				resp, err := client.Post("http://"+addr+"/integrations/alertmanager/"+s.QuietKey, "application/json", bytes.NewReader(repeatBody(i%1000)))
				if err != nil {
					continue // the node is down
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusAccepted {
					sent.Add(1)
				} else {
					refused.Add(1)
				}
			}
		}()
	}
	go func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		i, t0 := 0, time.Now()
		for {
			select {
			case <-stopIngest:
				close(work)
				return
			case <-t.C:
				for want := int(time.Since(t0).Seconds() * float64(*ingest)); i < want; i++ {
					select {
					case work <- i:
					default: // the client cannot keep up: drop (counted as not sent)
					}
				}
			}
		}
	}()

	// Half-way through, SIGKILL the node; restart it after `down`.
	killAt := start.Add(*spread / 2)
	time.Sleep(time.Until(killAt))
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()
	killed := time.Now()
	time.Sleep(*down)
	cmd, ready, err := runChild()
	if err != nil {
		return err
	}
	fmt.Printf("  SIGKILL at %s, restarted and ready at %s (%s down)\n", killed.Format("15:04:05.000"), ready.Format("15:04:05.000"), ready.Sub(killed).Round(time.Millisecond))

	end := start.Add(*spread + 20*time.Second)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	select {
	case <-time.After(time.Until(end)):
	case <-sig:
	}
	close(stopIngest)
	wg.Wait()
	_ = cmd.Process.Signal(syscall.SIGTERM)
	_ = cmd.Wait()

	// Read what fired, from the database.
	fired, err := firedSteps(ctx, *dbURL, dataDir)
	if err != nil {
		return err
	}
	var late, overdue, arrival []time.Duration
	skipped, doubled, doubleArrivals := 0, 0, 0
	for i, id := range ids {
		at := fired[id]
		switch {
		case len(at) == 0:
			skipped++
			continue
		case len(at) > 1:
			doubled++
		}
		// A step that had not fired when the node was killed (due during the
		// outage, or just before it) is measured from the restart.
		due := deadline[i]
		interrupted := due.Before(ready) && at[0].After(killed)
		if interrupted {
			overdue = append(overdue, at[0].Sub(ready))
		} else {
			late = append(late, at[0].Sub(due))
		}
		mu.Lock()
		if got := arrived[i]; len(got) > 0 {
			from := due
			if interrupted {
				from = ready
			}
			arrival = append(arrival, got[0].Sub(from))
			if len(got) > 1 {
				doubleArrivals++
			}
		}
		mu.Unlock()
	}
	fmt.Printf("  background ingest: %d accepted, %d refused\n", sent.Load(), refused.Load())
	fmt.Printf("  steps fired: %d of %d; skipped %d; doubled %d (pushes received twice: %d)\n", len(ids)-skipped, len(ids), skipped, doubled, doubleArrivals)
	fmt.Printf("  firing lateness (deadline → step recorded as fired), %d steps: %s\n", len(late), quantiles(late))
	fmt.Printf("  interrupted by the SIGKILL (due before the restart, not fired before the kill), %d steps, restart → fired: %s\n", len(overdue), quantiles(overdue))
	fmt.Printf("  deadline (or restart) → push received, %d: %s\n", len(arrival), quantiles(arrival))
	return nil
}

// firedSteps reads, per page, when its second step was recorded as fired
// (more than one entry: the step fired twice).
func firedSteps(ctx context.Context, dbURL, dataDir string) (map[int64][]time.Time, error) {
	driver, dsn := "pgx", dbURL
	if dbURL == "" {
		driver, dsn = "sqlite", "file:"+filepath.Join(dataDir, "firebreak.db")+"?_pragma=query_only(1)&_time_format=sqlite"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT page_id, at FROM page_events WHERE kind = 'step_fired' AND text LIKE 'Step 2 %' ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]time.Time{}
	for rows.Next() {
		var id int64
		var at time.Time
		if err := rows.Scan(&id, &at); err != nil {
			return nil, err
		}
		out[id] = append(out[id], at)
	}
	return out, rows.Err()
}

// child runs a node until it is killed: what B4 SIGKILLs and restarts.
func child(args []string) error {
	fs := flag.NewFlagSet("child", flag.ExitOnError)
	listen := fs.String("listen", "", "address")
	data := fs.String("data", "", "data directory")
	dbURL := fs.String("database-url", "", "PostgreSQL URL")
	_ = fs.Parse(args)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	cfg := benchkit.Config(*listen, *data, *dbURL)
	cfg.Notifications.WebhookAllowPrivate = "true"
	a, err := app.New(ctx, cfg, io.Discard, app.Options{})
	if err != nil {
		return err
	}
	a.Notifications.SetLimit(notification.Webhook, notification.Limit{})
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	return a.Serve(ctx, ln)
}
