package app

import (
	"context"
	"fmt"
	"net"
	"slices"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/jobs"
	"github.com/firebreak-hq/firebreak/internal/notify/email"
	"github.com/firebreak-hq/firebreak/internal/postmortem"
)

// registerPostmortemJobs registers the postmortem workers before the queue
// is opened; they reach the workers built later by buildPostmortems.
func (a *App) registerPostmortemJobs(reg *jobs.Registry) {
	w := func() *postmortem.Workers { return a.pmWorkers }
	jobs.Handle(reg, func(ctx context.Context, j postmortem.CreateJob, n int) error { return w().Create(ctx, j, n) })
	jobs.Handle(reg, func(ctx context.Context, j postmortem.SyncJob, n int) error { return w().Sync(ctx, j, n) })
	jobs.Handle(reg, func(ctx context.Context, j postmortem.InviteJob, n int) error { return w().Invite(ctx, j, n) })
	jobs.Handle(reg, func(ctx context.Context, j postmortem.FormInviteJob, n int) error { return w().FormInvite(ctx, j, n) })
	jobs.Handle(reg, func(ctx context.Context, j postmortem.FormReminderJob, n int) error {
		return w().FormReminder(ctx, j, n)
	})
	jobs.Handle(reg, func(ctx context.Context, j postmortem.OverdueJob, n int) error { return w().Overdue(ctx, j, n) })
	jobs.Handle(reg, func(ctx context.Context, j postmortem.TrackJob, n int) error { return w().Track(ctx, j, n) })
	jobs.Handle(reg, func(ctx context.Context, j postmortem.IndexJob, n int) error { return w().Index(ctx, j, n) })
	jobs.Handle(reg, func(ctx context.Context, j postmortem.SubmitJob, n int) error { return w().Submit(ctx, j, n) })
	jobs.Handle(reg, func(ctx context.Context, j postmortem.ReviewRequestJob, n int) error {
		return w().ReviewRequest(ctx, j, n)
	})
}

// closePolicy is the incident service's close gate: it asks the postmortem
// service, which is built after the incident service (hence the indirection).
func (a *App) closePolicy(ctx context.Context, inc *incident.Incident) error {
	if a.Postmortems == nil {
		return incident.AllowClose(ctx, inc)
	}
	return a.Postmortems.ClosePolicy(ctx, inc)
}

// buildPostmortems wires the postmortem service, follows the incidents (the
// move to Improve drafts the postmortem) and builds the job workers.
func (a *App) buildPostmortems(q *jobs.Queue, opts Options) error {
	cfg := a.Config.Postmortem
	policy := postmortem.Policy{
		MeetingWithin: cfg.MeetingWithin, MaxMeeting: cfg.MeetingMax, PriorityWithin: cfg.PriorityWithin,
		Approvals: cfg.ApprovalsNeeded(), FormReminderBefore: cfg.FormReminderBefore, OverdueGrace: cfg.OverdueGrace, Mode: cfg.Review,
	}
	// The two most severe levels of the scale never waive; by default the rest may.
	names := a.Incidents.Scale().Names()
	policy.NeverWaive = names[:min(2, len(names))]
	policy.Waivable = cfg.WaivableSeverities
	if policy.Waivable == nil {
		policy.Waivable = slices.Clone(names[min(2, len(names)):])
	}
	a.Postmortems = postmortem.NewService(a.Store.Postmortems(q), a.Incidents, pmPeople{a}, policy, a.Now)
	a.Postmortems.UseComponents(pmComponents{a})
	a.Incidents.Follow(postmortem.Follower)

	var mailer postmortem.Mailer
	if m, ok := opts.Mailer.(postmortem.Mailer); ok {
		mailer = m
	} else if opts.Mailer == nil && a.Config.SMTP.Host != "" {
		s, err := a.smtpSender()
		if err != nil {
			return err
		}
		mailer = s
	}
	a.pmWorkers = postmortem.NewWorkers(a.Postmortems, mailer, a.Config.BaseURL, a.Config.SMTP.From, a.Log)
	return nil
}

// smtpSender builds the email adapter from the smtp configuration.
func (a *App) smtpSender() (*email.Sender, error) {
	host, port := a.Config.SMTP.Host, 0
	if h, p, err := net.SplitHostPort(host); err == nil {
		n, err := strconv.Atoi(p)
		if err != nil {
			return nil, fmt.Errorf("smtp.host: %q has no valid port", host)
		}
		host, port = h, n
	}
	return email.New(email.Config{Host: host, Port: port, Username: a.Config.SMTP.Username,
		Password: a.Config.SMTP.Password, From: a.Config.SMTP.From, TLS: a.Config.SMTP.TLS})
}

// pmPeople gives the postmortem service names and addresses of users.
type pmPeople struct{ a *App }

func (p pmPeople) Person(ctx context.Context, id int64) (postmortem.Person, error) {
	u, err := p.a.Auth.GetUser(access.With(ctx, access.System), id)
	if err != nil {
		return postmortem.Person{}, err
	}
	return postmortem.Person{ID: u.ID, Handle: u.Handle, Name: u.Name, Email: u.Email}, nil
}

// pmComponents names the status-page components that show the affected services.
type pmComponents struct{ a *App }

func (c pmComponents) ComponentsOf(ctx context.Context, services []string) ([]string, error) {
	comps, err := c.a.Store.StatusPages(nil).Components(ctx, 0)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, comp := range comps {
		for _, s := range comp.Services {
			if slices.Contains(services, s) && !slices.Contains(out, comp.Name) {
				out = append(out, comp.Name)
			}
		}
	}
	return out, nil
}

// pmCollector exports the postmortem process SLOs at scrape time, computed
// from the database like the incident figures, so every node agrees.
type pmCollector struct{ a *App }

var (
	pmShareDesc   = prometheus.NewDesc("firebreak_postmortem_slo_ratio", "Postmortem process SLOs as a share in [0,1]: meetings_in_time, forms_before_meeting, priority_done_in_time.", []string{"slo"}, nil)
	pmCountDesc   = prometheus.NewDesc("firebreak_postmortem_slo_cases", "How many cases each postmortem SLO counts.", []string{"slo"}, nil)
	pmPublishDesc = prometheus.NewDesc("firebreak_postmortem_resolve_to_publish_seconds", "Time from an incident's resolve to its postmortem's publication, over the published postmortems of the past year.", nil, nil)
	pmOverdueDesc = prometheus.NewDesc("firebreak_postmortem_overdue_action_items", "Open action items past their due date, by team (\"\" for none).", []string{"team"}, nil)
	pmStatusDesc  = prometheus.NewDesc("firebreak_postmortems", "Postmortems of the past year by status (open: draft or in review).", []string{"status"}, nil)
)

func (c *pmCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{pmShareDesc, pmCountDesc, pmPublishDesc, pmOverdueDesc, pmStatusDesc} {
		ch <- d
	}
}

func (c *pmCollector) Collect(ch chan<- prometheus.Metric) {
	if c.a.Postmortems == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := c.a.Postmortems.SLOs(access.With(ctx, access.System), 0)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(pmShareDesc, err)
		return
	}
	for name, sh := range map[string]postmortem.Share{"meetings_in_time": s.MeetingsInTime, "forms_before_meeting": s.FormsBeforeMeeting, "priority_done_in_time": s.PriorityDoneInTime} {
		ch <- prometheus.MustNewConstMetric(pmShareDesc, prometheus.GaugeValue, sh.Ratio, name)
		ch <- prometheus.MustNewConstMetric(pmCountDesc, prometheus.GaugeValue, float64(sh.Of), name)
	}
	buckets := map[float64]uint64{}
	bounds := []float64{86400, 3 * 86400, 7 * 86400, 14 * 86400, 30 * 86400, 60 * 86400}
	var sum float64
	for _, v := range s.ResolveToPublish {
		sum += v
		for _, b := range bounds {
			if v <= b {
				buckets[b]++
			}
		}
	}
	ch <- prometheus.MustNewConstHistogram(pmPublishDesc, uint64(len(s.ResolveToPublish)), sum, buckets)
	for team, n := range s.OverdueByTeam {
		ch <- prometheus.MustNewConstMetric(pmOverdueDesc, prometheus.GaugeValue, float64(n), team)
	}
	ch <- prometheus.MustNewConstMetric(pmStatusDesc, prometheus.GaugeValue, float64(s.Published), "published")
	ch <- prometheus.MustNewConstMetric(pmStatusDesc, prometheus.GaugeValue, float64(s.Waived), "waived")
	ch <- prometheus.MustNewConstMetric(pmStatusDesc, prometheus.GaugeValue, float64(s.Open), "open")
}
