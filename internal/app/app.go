// Package app is the composition root: it builds every part of Firebreak
// from the configuration (store, job queue, live updates, services, HTTP
// surfaces) and runs them. Nothing else constructs other packages' adapters.
package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/firebreak-hq/firebreak/internal/auth"
	"github.com/firebreak-hq/firebreak/internal/catalog"
	"github.com/firebreak-hq/firebreak/internal/config"
	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/jobs"
	"github.com/firebreak-hq/firebreak/internal/live"
	"github.com/firebreak-hq/firebreak/internal/notification"
	"github.com/firebreak-hq/firebreak/internal/notify/sms"
	"github.com/firebreak-hq/firebreak/internal/notify/webhook"
	"github.com/firebreak-hq/firebreak/internal/oncall"
	"github.com/firebreak-hq/firebreak/internal/paging"
	"github.com/firebreak-hq/firebreak/internal/postmortem"
	"github.com/firebreak-hq/firebreak/internal/statuspage"
	"github.com/firebreak-hq/firebreak/internal/statuspage/public"
	"github.com/firebreak-hq/firebreak/internal/store"
)

// App is one running Firebreak node.
type App struct {
	Config    config.Config
	Log       *slog.Logger
	Store     *store.Store
	Queue     *jobs.Queue
	Hub       *live.Hub
	Incidents *incident.Service
	Auth      *auth.Service
	Catalog   *catalog.Catalog
	Detect    *Detect
	Now       func() time.Time

	StatusPages   *statuspage.Service // status pages and incident communications
	StatusPublic  *public.Server      // the public pages, served from a snapshot
	statusWorkers *statuspage.Workers
	statusAddr    atomic.Value // string: the address of the status_listen listener

	Chat *Chat // Slack app, incident channels, call links (chat.go)

	OnCall *oncall.Service // on-call schedules: who is on call, overrides, calendar feeds
	Paging *paging.Service // escalation policies, pages and the escalation engine

	Notifications *notification.Service // contact methods, personal rules, the delivery pipeline (notification.go)

	Postmortems *postmortem.Service // the Improve stage: postmortems, meetings, action items, the close gate
	pmWorkers   *postmortem.Workers

	Publishing Publishing // the postmortem site, git review, tracker sync (publishing.go)

	handler  http.Handler
	pageTick time.Duration // Options.PageTick
	twilio   *sms.Twilio   // the SMS provider when it is Twilio: its status callbacks are receipts
}

// Options adjust how New builds the node; the zero value is production.
type Options struct {
	Now         func() time.Time // the clock; default time.Now
	JobPoll     time.Duration    // job-queue poll interval; default 1s
	WebhookHTTP *http.Client     // client for outgoing webhooks; default a 10 s timeout client

	Mailer        statuspage.Mailer // sends email instead of the smtp configuration (tests)
	StatusRefresh time.Duration     // how often the public snapshot is rebuilt at least; default 5s
	PageTick      time.Duration     // the longest each node waits between looks for due escalation steps; default 250ms
}

// New builds a node from cfg: it opens and migrates the database and wires
// every service, but starts nothing; Serve does that.
func New(ctx context.Context, cfg config.Config, logOut io.Writer, opts Options) (*App, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	log := newLogger(cfg.Log, logOut)
	st, err := store.Open(ctx, cfg.DatabaseURL, cfg.SQLitePath())
	if err != nil {
		return nil, err
	}
	a := &App{Config: cfg, Log: log, Store: st, Hub: live.NewHub(), Now: opts.Now, pageTick: opts.PageTick}
	if err := a.build(ctx, opts); err != nil {
		st.Close()
		return nil, err
	}
	return a, nil
}

func (a *App) build(ctx context.Context, opts Options) error {
	if err := a.Store.Migrate(ctx); err != nil {
		return err
	}
	if a.Store.Dialect() == store.SQLite {
		a.Store.OnCommit(a.Hub.Publish)
	}
	a.Auth = auth.NewService(a.Store.Auth(), a.Now)
	a.Catalog = catalog.NewCatalog(a.Store.Catalog(), a.Now)

	incidents := a.Store.Incidents(nil) // the queue is set below, once built
	var targets []webhook.Target
	for _, h := range a.Config.Webhooks.IncidentEvents {
		targets = append(targets, webhook.Target{URL: h.URL, Secret: h.Secret})
	}
	deliverer := webhook.New(targets, incidents, opts.WebhookHTTP)
	reg := jobs.NewRegistry()
	jobs.Handle(reg, deliverer.Deliver)
	if err := a.registerDetectJobs(reg, opts); err != nil {
		return err
	}
	a.registerStatusPageJobs(reg)
	a.registerChatJobs(reg)
	a.registerPagingJobs(reg)
	a.registerNotificationJobs(reg)
	a.registerPostmortemJobs(reg)
	a.registerPublishingJobs(reg)
	q, err := jobs.Open(a.Store.DB(), a.Store.Dialect() == store.Postgres, reg, jobs.Options{PollInterval: opts.JobPoll, Log: a.Log, UrgentKinds: urgentJobKinds})
	if err != nil {
		return err
	}
	if err := q.Migrate(ctx); err != nil {
		return err
	}
	a.Queue = q

	scale := incident.Scale{}
	for _, s := range a.Config.Severities {
		scale = append(scale, incident.Severity{Name: s.Name, Description: s.Description})
	}
	a.Incidents = incident.NewService(a.Store.Incidents(q), a.Auth, a.Catalog, scale, a.Now, a.closePolicy)
	a.buildOnCall()
	if err := a.buildDetect(ctx, q); err != nil {
		return err
	}
	a.buildPaging(q)
	if err := a.buildNotifications(q, opts); err != nil {
		return err
	}
	if err := a.buildStatusPages(q, opts); err != nil {
		return err
	}
	a.buildChat(opts)
	if err := a.buildPostmortems(q, opts); err != nil {
		return err
	}
	a.chatForPostmortems()
	if err := a.buildPublishing(q); err != nil {
		return err
	}
	a.handler = a.routes()
	return nil
}

// Handler is the node's whole HTTP surface.
func (a *App) Handler() http.Handler { return a.handler }

// Serve runs the node on ln until ctx ends, then shuts down gracefully:
// in-flight requests and running jobs finish (within the shutdown timeout),
// live streams are closed, and the database is closed last.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	runCtx, stopBackground := context.WithCancel(context.WithoutCancel(ctx))
	defer stopBackground()
	if err := a.Queue.Start(runCtx); err != nil {
		return fmt.Errorf("start job queue: %w", err)
	}
	if a.Store.Dialect() == store.Postgres {
		go live.ListenPostgres(runCtx, a.Config.DatabaseURL, store.LiveChannel, a.Hub, a.Log)
	}
	go a.detectLoop(runCtx)
	// The engine and the dispatcher finish what they hold (a send in
	// flight, its outcome) before the database closes.
	var engines sync.WaitGroup
	engines.Go(func() { a.Paging.Run(runCtx, cmp.Or(a.pageTick, pageTick)) })
	if a.Store.Dialect() == store.SQLite {
		// One node uses a SQLite database: what it was sending when it
		// stopped is sent again now, not when the leases run out.
		if n, err := a.Notifications.ReleaseLeases(ctx); err != nil {
			a.Log.Warn("release the leases of deliveries in flight at the last stop", "error", err)
		} else if n > 0 {
			a.Log.Info("deliveries in flight at the last stop are sent again", "count", n)
		}
	}
	engines.Go(func() { a.Notifications.Run(runCtx, cmp.Or(a.pageTick, pageTick)) })
	go a.StatusPublic.Run(runCtx, a.Hub)
	go a.handoffLoop(runCtx)
	go a.runChat(runCtx)
	go a.runPublishing(runCtx)
	if a.Config.StatusListen != "" {
		go a.serveStatusListener(runCtx)
	}
	srv := &http.Server{
		Handler:           a.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
	}
	srv.RegisterOnShutdown(a.Hub.Close)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	a.Log.Info("serving", "addr", ln.Addr().String(), "database", string(a.Store.Dialect()))

	var serveErr error
	select {
	case serveErr = <-served:
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), a.Config.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(shutdownCtx)
	a.Detect.Pipeline.Stop() // after the HTTP server: commit what was accepted
	err = errors.Join(err, a.Queue.Stop(shutdownCtx))
	stopBackground()
	engines.Wait()
	err = errors.Join(err, a.Store.Close())
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	a.Log.Info("stopped")
	return err
}

// Close releases the node's resources when it was built but never served.
func (a *App) Close() error {
	a.Detect.Pipeline.Stop()
	return a.Store.Close()
}

func newLogger(cfg config.LogConfig, out io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.Level))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Format == "text" {
		return slog.New(slog.NewTextHandler(out, opts))
	}
	return slog.New(slog.NewJSONHandler(out, opts))
}
