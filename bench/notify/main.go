// Command notify measures the personal-notification pipeline of a node:
// Notify (durable: message and deliveries committed) and the time from
// Notify to the webhook contact method receiving the push on loopback,
// through the dispatcher and every stage of a delivery (claimed, still
// wanted, throttle, send, recorded).
//
//	go run ./bench/notify                                # SQLite in a temp dir
//	go run ./bench/notify -database-url postgres://.../empty_db
//
// The throttle is lifted for the run (it would collapse a storm into "N
// more alerts" messages, which is its job, not what is measured here).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/firebreak-hq/firebreak/bench/benchkit"
	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/app"
	"github.com/firebreak-hq/firebreak/internal/auth"
	"github.com/firebreak-hq/firebreak/internal/notification"
)

func main() {
	dbURL := flag.String("database-url", "", "PostgreSQL URL (default: SQLite in a temp dir)")
	rate := flag.Int("rate", 100, "messages offered per second")
	seconds := flag.Int("seconds", 10, "how long to offer them")
	users := flag.Int("users", 50, "people the messages are spread over, one webhook each")
	flag.Parse()
	if err := run(*dbURL, *rate, *seconds, *users); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(dbURL string, rate, seconds, users int) error {
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
	cfg := benchkit.Config(ln.Addr().String(), filepath.Join(dir, "data"), dbURL)
	cfg.Notifications.WebhookAllowPrivate = "true" // the receiver is on loopback
	a, err := app.New(ctx, cfg, io.Discard, app.Options{})
	if err != nil {
		return err
	}
	sys := access.With(ctx, access.System)

	var (
		mu      sync.Mutex
		sentAt  = map[string]time.Time{}
		latency []time.Duration
		arrived = make(chan struct{}, rate*seconds)
	)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := time.Now()
		key := r.Header.Get("X-Firebreak-Key")
		mu.Lock()
		for k, t := range sentAt { // the delivery key is the message key + "/<delivery id>"
			if len(key) > len(k) && key[:len(k)+1] == k+"/" {
				latency = append(latency, now.Sub(t))
				delete(sentAt, k)
				break
			}
		}
		mu.Unlock()
		arrived <- struct{}{}
	}))
	defer hook.Close()

	a.Notifications.SetLimit(notification.Webhook, notification.Limit{})
	var ids []int64
	for i := range users {
		u, err := a.Auth.CreateUser(sys, auth.UserInput{Handle: fmt.Sprint("u", i), Name: fmt.Sprint("User ", i), Email: fmt.Sprintf("u%d@example.com", i), Level: "responder"})
		if err != nil {
			return err
		}
		if _, err := a.Notifications.AddVerified(sys, u.ID, notification.Webhook, "push", fmt.Sprintf("%s/u%d", hook.URL, i)); err != nil {
			return err
		}
		ids = append(ids, u.ID)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()

	total := rate * seconds
	var notifyLat []time.Duration
	tick := time.NewTicker(time.Second / time.Duration(rate))
	start := time.Now()
	for i := range total {
		<-tick.C
		key := fmt.Sprintf("bench:%d", i)
		t0 := time.Now()
		mu.Lock()
		sentAt[key] = t0
		mu.Unlock()
		err := a.Notifications.Notify(ctx, notification.Message{Key: key, UserID: ids[i%len(ids)], Urgency: notification.High, Subject: "bench page", Body: "x"})
		if err != nil {
			return err
		}
		notifyLat = append(notifyLat, time.Since(t0))
	}
	tick.Stop()
	offered := time.Since(start)
	timeout := time.After(60 * time.Second)
	for range total {
		select {
		case <-arrived:
		case <-timeout:
			return fmt.Errorf("only %d of %d pushes arrived", len(latency), total)
		}
	}
	slices.Sort(notifyLat)
	slices.Sort(latency)
	db := "sqlite"
	if dbURL != "" {
		db = "postgres"
	}
	fmt.Printf("notify bench (%s): %d messages offered at %d/s over %s to %d webhook contact methods\n", db, total, rate, offered.Round(time.Millisecond), users)
	fmt.Printf("  Notify (durable)      p50 %v  p99 %v  max %v\n", benchkit.Quantile(notifyLat, .5), benchkit.Quantile(notifyLat, .99), notifyLat[len(notifyLat)-1].Round(10*time.Microsecond))
	fmt.Printf("  Notify → push arrived p50 %v  p99 %v  p99.9 %v  max %v\n", benchkit.Quantile(latency, .5), benchkit.Quantile(latency, .99), benchkit.Quantile(latency, .999), latency[len(latency)-1].Round(10*time.Microsecond))
	cancel()
	return <-done
}
