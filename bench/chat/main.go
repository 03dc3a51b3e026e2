// Command chat measures the Slack app against the fake Slack (the same
// fake the tests use, on loopback): incidents are declared at a fixed rate
// (open loop) and, for each, the time from the declare's commit to its card
// being pinned in its new channel is measured, with the Slack Web API calls
// made per incident. With -ratelimit-every k, every k-th incident's card
// post is answered 429 with Retry-After: 1 first; the run then checks that
// every incident still got exactly one card.
//
//	go run ./bench/chat [-database-url postgres://…] [-incidents 200] [-rate 20] [-poll 1s] [-ratelimit-every 0]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/bench/benchkit"
	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/app"
	"github.com/firebreak-hq/firebreak/internal/auth"
	"github.com/firebreak-hq/firebreak/internal/config"
	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/testkit/slackfake"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "chat:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("chat", flag.ContinueOnError)
	dbURL := fs.String("database-url", "", "PostgreSQL URL of an empty database (default: SQLite)")
	n := fs.Int("incidents", 200, "incidents to declare")
	rate := fs.Float64("rate", 20, "declares per second")
	poll := fs.Duration("poll", time.Second, "job-queue poll interval (production default 1s)")
	every := fs.Int("ratelimit-every", 0, "answer 429 (Retry-After: 1) to every k-th card post first; 0: never")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	fake := slackfake.Start(slackfake.User{ID: "UBENCH001", Name: "ana", Email: "ana@example.com"})
	defer fake.Close()
	dir, err := os.MkdirTemp("", "firebreak-bench-chat")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	cfg := benchkit.Config(ln.Addr().String(), dir, *dbURL)
	cfg.Chat.Slack = config.SlackConfig{Mode: "http", BotToken: fake.BotToken, SigningSecret: "bench", APIURL: fake.APIURL()}
	a, err := app.New(ctx, cfg, io.Discard, app.Options{JobPoll: *poll})
	if err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()

	sys := access.With(ctx, access.System)
	u, err := a.Auth.CreateUser(sys, auth.UserInput{Handle: "ana", Name: "Ana", Email: "ana@example.com", Level: "responder"})
	if err != nil {
		return err
	}
	actx := access.With(ctx, access.Actor{UserID: u.ID, Handle: u.Handle, Name: u.Name, Level: access.Responder, Source: "bench"})

	committed := make([]time.Time, *n+1)
	start := time.Now()
	interval := time.Duration(float64(time.Second) / *rate)
	for i := 1; i <= *n; i++ {
		due := start.Add(time.Duration(i-1) * interval)
		time.Sleep(time.Until(due))
		if *every > 0 && i%*every == 0 {
			fake.RateLimit("chat.postMessage", 1)
		}
		inc, err := a.Incidents.Declare(actx, incident.DeclareInput{Title: "Bench incident " + strconv.Itoa(i)})
		if err != nil {
			return err
		}
		committed[inc.Number] = time.Now()
	}
	// Wait until every card is pinned (or give up after a minute).
	deadline := time.Now().Add(time.Minute)
	pinned := map[string]time.Time{}
	for time.Now().Before(deadline) {
		pinned = map[string]time.Time{}
		for _, c := range fake.Calls("pins.add") {
			if c.Status == 200 {
				if _, ok := pinned[c.Params["channel"]]; !ok {
					pinned[c.Params["channel"]] = c.At
				}
			}
		}
		if len(pinned) >= *n {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	var lat []time.Duration
	for num := 1; num <= *n; num++ {
		ch := fake.Channel(fmt.Sprintf("inc-%d-bench-incident-%d", num, num))
		if ch == nil {
			continue
		}
		if at, ok := pinned[ch.ID]; ok {
			lat = append(lat, at.Sub(committed[num]))
		}
		if cards := len(fake.Messages(ch.ID)); cards != 1 {
			return fmt.Errorf("INC-%d has %d messages in its channel, want exactly one card", num, cards)
		}
	}
	slices.Sort(lat)
	calls := map[string]int{}
	limited := 0
	for _, c := range fake.Calls("") {
		if c.Status == 200 {
			calls[c.Method]++
		} else {
			limited++
		}
	}
	total := 0
	var parts []string
	for m, k := range calls {
		total += k
		parts = append(parts, fmt.Sprintf("%s %.1f", m, float64(k)/float64(*n)))
	}
	slices.Sort(parts)
	db := "sqlite"
	if *dbURL != "" {
		db = "postgres"
	}
	fmt.Printf("chat: %s, %d incidents at %.0f/s, job poll %s, 429 every %d card posts\n", db, *n, *rate, *poll, *every)
	fmt.Printf("  cards pinned: %d/%d; declare → card pinned p50 %s p90 %s p99 %s max %s\n", len(lat), *n,
		benchkit.Quantile(lat, .5), benchkit.Quantile(lat, .9), benchkit.Quantile(lat, .99), benchkit.Quantile(lat, 1))
	fmt.Printf("  Slack calls per incident: %.1f (%s); 429s answered: %d\n", float64(total)/float64(*n), strings.Join(parts, ", "), limited)
	cancel()
	return <-done
}
