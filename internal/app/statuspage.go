package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/jobs"
	"github.com/firebreak-hq/firebreak/internal/notify/email"
	"github.com/firebreak-hq/firebreak/internal/requestid"
	"github.com/firebreak-hq/firebreak/internal/statuspage"
	"github.com/firebreak-hq/firebreak/internal/statuspage/public"
)

// registerStatusPageJobs registers the status page's workers before the
// queue is opened; they reach the workers built later by buildStatusPages.
func (a *App) registerStatusPageJobs(reg *jobs.Registry) {
	jobs.Handle(reg, func(ctx context.Context, j statuspage.FanoutJob, n int) error {
		return a.statusWorkers.Fanout(ctx, j, n)
	})
	jobs.Handle(reg, func(ctx context.Context, j statuspage.DeliverJob, n int) error {
		return a.statusWorkers.Deliver(ctx, j, n)
	})
	jobs.Handle(reg, func(ctx context.Context, j statuspage.ConfirmJob, n int) error {
		return a.statusWorkers.Confirm(ctx, j, n)
	})
	jobs.Handle(reg, func(ctx context.Context, j statuspage.StakeholderJob, n int) error {
		return a.statusWorkers.Stakeholder(ctx, j, n)
	})
	jobs.Handle(reg, func(ctx context.Context, j statuspage.ReminderJob, n int) error {
		return a.statusWorkers.Remind(ctx, j, n)
	})
	jobs.Handle(reg, func(ctx context.Context, j statuspage.MaintenanceJob, n int) error {
		return a.StatusPages.MoveMaintenance(ctx, j, n)
	})
}

// buildStatusPages wires the status-page service, its workers and the
// public pages' snapshot server.
func (a *App) buildStatusPages(q *jobs.Queue, opts Options) error {
	a.StatusPages = statuspage.NewService(a.Store.StatusPages(q), a.Incidents, a.Now)
	a.StatusPages.CheckServicesWith(a.Catalog)
	mailer := opts.Mailer
	if mailer == nil && a.Config.SMTP.Host != "" {
		host, port := a.Config.SMTP.Host, 0
		if h, p, err := net.SplitHostPort(host); err == nil {
			n, err := strconv.Atoi(p)
			if err != nil {
				return fmt.Errorf("smtp.host: %q has no valid port", host)
			}
			host, port = h, n
		}
		s, err := email.New(email.Config{Host: host, Port: port, Username: a.Config.SMTP.Username,
			Password: a.Config.SMTP.Password, From: a.Config.SMTP.From, TLS: a.Config.SMTP.TLS})
		if err != nil {
			return err
		}
		mailer = s
	}
	a.statusWorkers = statuspage.NewWorkers(a.StatusPages, mailer, userEmails{a}, opts.WebhookHTTP, a.Config.BaseURL)
	a.StatusPublic = public.New(a.Store.StatusPages(nil), a.StatusPages, public.Options{BaseURL: a.Config.BaseURL, Now: a.Now, Log: a.Log, Refresh: opts.StatusRefresh})
	return nil
}

// mountStatusPages serves the public pages and their JSON on the main listener.
func (a *App) mountStatusPages(mux *http.ServeMux) {
	// The subscription forms post here: refuse cross-origin browser posts.
	// Mail programs' one-click unsubscribe POSTs carry no Origin and pass.
	h := http.NewCrossOriginProtection().Handler(a.StatusPublic)
	mux.Handle("/status", h)
	mux.Handle("/status/", h)
	mux.Handle("/api/v2/", h)
}

// statusHosts sends requests for a status page's own host name to that page.
func (a *App) statusHosts(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.StatusPublic.HostSite(r.Host) {
			http.NewCrossOriginProtection().Handler(a.StatusPublic).ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// userEmails gives the reminder worker the addresses of users.
type userEmails struct{ a *App }

func (u userEmails) Email(ctx context.Context, id int64) (string, error) {
	user, err := u.a.Auth.GetUser(access.With(ctx, access.System), id)
	if err != nil {
		return "", err
	}
	return user.Email, nil
}

// serveStatusListener serves only the public status pages on
// status_listen, until ctx ends; StatusAddr reports its address.
func (a *App) serveStatusListener(ctx context.Context) {
	ln, err := net.Listen("tcp", a.Config.StatusListen)
	if err != nil {
		a.Log.Error("status page listener", "addr", a.Config.StatusListen, "err", err)
		return
	}
	a.statusAddr.Store(ln.Addr().String())
	pub := http.NewCrossOriginProtection().Handler(a.StatusPublic)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" && !a.StatusPublic.HostSite(r.Host) {
			http.Redirect(w, r, "/status", http.StatusFound)
			return
		}
		pub.ServeHTTP(w, r)
	})
	srv := &http.Server{Handler: a.recoverPanics(a.accessLog(requestid.Middleware(securityHeaders(strings.HasPrefix(a.Config.BaseURL, "https://"), h)))),
		ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, IdleTimeout: 2 * time.Minute}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), a.Config.ShutdownTimeout)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	a.Log.Info("serving status pages", "addr", ln.Addr().String())
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		a.Log.Error("status page listener", "err", err)
	}
}

// StatusAddr is the address of the status-page listener, once it listens ("" otherwise).
func (a *App) StatusAddr() string {
	v, _ := a.statusAddr.Load().(string)
	return v
}
