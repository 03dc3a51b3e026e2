package app

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/detect"
	"github.com/firebreak-hq/firebreak/internal/detect/ingest"
	"github.com/firebreak-hq/firebreak/internal/detect/notice"
	"github.com/firebreak-hq/firebreak/internal/jobs"
	"github.com/firebreak-hq/firebreak/internal/notify/email"
	"github.com/firebreak-hq/firebreak/internal/store"
)

// Detect is the Detect stage of a node: the ingest pipeline, the receiver
// of the senders' endpoints, and the triage service.
type Detect struct {
	Pipeline *ingest.Pipeline
	Receiver *ingest.Receiver
	Triage   *detect.Service
}

// eventRetention is how long raw alert payloads are kept.
const eventRetention = 30 * 24 * time.Hour

// registerDetectJobs registers the Detect stage's workers; they reach the
// triage service through a, which is complete by the time jobs run. Triage
// notices go to the owner team's webhook and, when email is configured
// (smtp.host, or a Mailer in the options), to its members.
func (a *App) registerDetectJobs(reg *jobs.Registry, opts Options) error {
	alerts := a.Store.Alerts(nil)
	sender := notice.New(alerts, opts.WebhookHTTP, a.Config.BaseURL)
	var mailer notice.Mailer = opts.Mailer
	if opts.Mailer == nil && a.Config.SMTP.Host != "" {
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
	if mailer != nil {
		sender.WithEmail(mailer, alerts)
	}
	jobs.Handle(reg, func(ctx context.Context, j detect.TriageNotifyJob, n int) error {
		return a.pageTriage(sender)(ctx, j, n) // pages the service's policy; the team notice without one
	})
	jobs.Handle(reg, func(ctx context.Context, j detect.DeclareJob, n int) error {
		return a.Detect.Triage.WorkDeclare(ctx, j, n)
	})
	jobs.Handle(reg, func(ctx context.Context, j detect.DeclareRecoverJob, n int) error {
		return a.Detect.Triage.WorkDeclareRecover(ctx, j, n)
	})
	jobs.Handle(reg, func(ctx context.Context, j detect.AttachJob, n int) error {
		return a.Detect.Triage.WorkAttach(ctx, j, n)
	})
	jobs.Handle(reg, func(ctx context.Context, j detect.GroupResolvedJob, n int) error {
		return a.Detect.Triage.WorkGroupResolved(ctx, j, n)
	})
	return nil
}

// buildDetect wires the pipeline, receiver and triage service. The routing
// rules of the configuration file are checked here, against the services
// and the severity scale, so a bad one stops the node naming the rule.
func (a *App) buildDetect(ctx context.Context, q *jobs.Queue) error {
	configRules, err := a.configRules(ctx)
	if err != nil {
		return err
	}
	alerts := a.Store.Alerts(q)
	alerts.FollowTriage(a.raiseTriagePages) // reaches the pager through a, built next
	committers := 1                         // SQLite has one writer
	if a.Store.Dialect() == store.Postgres {
		// Two transactions at a time overlap one's commit with the other's
		// statements; more mostly wait on each other's row locks (bench/ingest
		// on a busy 2-core machine: 1: 5,600/s, 2: 8,400/s, 3: no better
		// within the noise, 4: 7,400/s).
		committers = 2
	}
	pipe := ingest.NewPipeline(alerts, ingest.PipelineOptions{Committers: committers, Log: a.Log})
	pipe.Start()
	rcv := ingest.NewReceiver(pipe, alerts, a.Now, ingest.ReceiverOptions{Log: a.Log, ConfigRules: configRules})
	a.Detect = &Detect{Pipeline: pipe, Receiver: rcv,
		Triage: detect.NewService(alerts, a.Incidents, a.Incidents.Scale().Names(), a.Config.Detect.DismissReasons, a.Now, rcv.Forget)}
	a.Detect.Triage.UseConfigRules(configRules)
	return nil
}

// configRules turns detect.routing_rules into checked routing rules.
func (a *App) configRules(ctx context.Context) ([]detect.Rule, error) {
	if len(a.Config.Detect.RoutingRules) == 0 {
		return nil, nil
	}
	svcs, err := a.Catalog.ListServices(access.With(ctx, access.System))
	if err != nil {
		return nil, err
	}
	byName := make(map[string]int64, len(svcs))
	for _, s := range svcs {
		byName[strings.ToLower(s.Name)] = s.ID
	}
	rules := make([]detect.Rule, len(a.Config.Detect.RoutingRules))
	for i, r := range a.Config.Detect.RoutingRules {
		rules[i] = detect.Rule{Name: r.Name, Condition: r.When, Service: r.Service, Action: detect.Route(r.Action), Severity: r.Severity}
	}
	return detect.CheckConfigRules(rules, byName, a.Incidents.Scale().Names())
}

// mountDetect adds the senders' endpoints to the node's mux.
func (a *App) mountDetect(mux *http.ServeMux) {
	for pattern, h := range a.Detect.Receiver.Routes() {
		mux.HandleFunc(pattern, h)
	}
}

// detectLoop runs detectTick once a minute until ctx ends.
func (a *App) detectLoop(ctx context.Context) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			a.detectTick(ctx)
		}
	}
}

// detectTick raises an alert for each missed heartbeat and prunes old
// payloads. Every node may run it: a missed heartbeat is one alert however
// often it is raised (its dedup key is fixed per integration), and the
// next ping resolves it.
func (a *App) detectTick(ctx context.Context) {
	now := a.Now()
	missed, err := a.Detect.Triage.MissedHeartbeats(ctx, now)
	if err != nil {
		a.Log.Warn("heartbeat check failed", "error", err)
	}
	for _, in := range missed {
		if err := a.Detect.Receiver.Raise(ctx, in, in.HeartbeatEvent(detect.Trigger, now)); err != nil {
			a.Log.Warn("raise missed heartbeat", "integration", in.Name, "error", err)
		}
	}
	if _, err := a.Store.Alerts(nil).PruneEvents(ctx, now.Add(-eventRetention)); err != nil {
		a.Log.Warn("prune alert payloads", "error", err)
	}
}

// redactKey hides the integration key in /integrations/{kind}/{key}… paths
// before they are logged: the key is a credential.
func redactKey(path string) string {
	const prefix = "/integrations/"
	if !strings.HasPrefix(path, prefix) {
		return path
	}
	parts := strings.SplitN(path[len(prefix):], "/", 3)
	if len(parts) < 2 || parts[1] == "" {
		return path
	}
	parts[1] = "…"
	return prefix + strings.Join(parts, "/")
}
