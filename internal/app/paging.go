package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/detect"
	"github.com/firebreak-hq/firebreak/internal/jobs"
	"github.com/firebreak-hq/firebreak/internal/notification"
	"github.com/firebreak-hq/firebreak/internal/paging"
)

// registerPagingJobs registers the pager's workers; they reach the paging
// service through a, which is complete by the time jobs run.
func (a *App) registerPagingJobs(reg *jobs.Registry) {
	jobs.Handle(reg, func(ctx context.Context, j paging.StepJob, n int) error {
		// The queue runs on the wall clock, the pager on the node's: a job
		// that comes early by the node's clock waits (tests move that clock).
		if wait := j.At.Sub(a.Now()); wait > 0 {
			return jobs.Snooze(wait)
		}
		return a.Paging.WorkStep(ctx, j, n)
	})
	jobs.Handle(reg, func(ctx context.Context, j paging.AckedJob, n int) error { return a.Paging.WorkAcked(ctx, j, n) })
	jobs.Handle(reg, func(ctx context.Context, j paging.ResolveSourceJob, n int) error {
		return a.Paging.WorkResolveSource(ctx, j, n)
	})
	jobs.Handle(reg, func(ctx context.Context, j paging.DeclaredJob, n int) error { return a.Paging.WorkDeclared(ctx, j, n) })
}

// urgentJobKinds are the jobs between an alert and the person woken by it:
// the triage item's page, the escalation steps, the deliveries. They run
// from the job queue's urgent queue, polled every 50 ms (B3 in bench/page).
var urgentJobKinds = []string{
	detect.TriageNotifyJob{}.Kind(), paging.StepJob{}.Kind(), paging.DeclaredJob{}.Kind(),
	notification.DeliverJob{}.Kind(),
}

// buildPaging wires the pager to on-call (who is on call), the incident
// core (declares page; acknowledgers become First Responder) and the
// triage queue. Notifications are connected by usePagingNotifications.
func (a *App) buildPaging(q *jobs.Queue) {
	a.Paging = paging.NewService(a.Store.Paging(q), a.Now, paging.Options{BaseURL: a.Config.BaseURL, Log: a.Log})
	if a.OnCall != nil {
		a.Paging.UseOnCall(a.OnCall)
	}
	a.Paging.UseIncidents(a.Incidents, triageGroups{a})
	a.Incidents.Follow(paging.Follow)
}

// usePagingNotifications connects the pager and the notification service
// both ways: steps notify people through it, and it asks the pager before
// each delivery whether the page still wants it and reports the outcome.
func (a *App) usePagingNotifications(n *notification.Service) {
	a.Paging.UseNotifier(pagingNotifier{n})
	n.UsePaging(a.Paging, deliveryLog{a.Paging})
}

// pagingNotifier adapts notification.Service to paging.Notifier.
type pagingNotifier struct{ n *notification.Service }

func (p pagingNotifier) Notify(ctx context.Context, m paging.Notice) error {
	msg := notification.Message{Key: m.Key, UserID: m.UserID, Urgency: notification.Urgency(m.Urgency),
		Subject: m.Subject, Body: m.Body, PageID: m.PageID}
	for _, act := range m.Actions {
		msg.Actions = append(msg.Actions, notification.Action{Label: act.Label, URL: act.URL})
	}
	return p.n.Notify(ctx, msg)
}

// deliveryLog puts delivery outcomes on the page's timeline.
type deliveryLog struct{ p *paging.Service }

func (l deliveryLog) Delivered(ctx context.Context, pageID int64, d notification.Delivery) error {
	at := d.UpdatedAt
	if d.SentAt != nil {
		at = *d.SentAt
	}
	method := fmt.Sprintf("%s to %s", d.Kind, d.Address)
	switch d.State {
	case notification.Sent:
		return l.p.Delivered(ctx, pageID, d.UserID, method, at, "")
	case notification.Failed:
		return l.p.Delivered(ctx, pageID, d.UserID, method, at, d.Error)
	case notification.Cancelled:
		return l.p.Delivered(ctx, pageID, d.UserID, method, at, "not sent: the page no longer needs it")
	case notification.Collapsed:
		return l.p.Delivered(ctx, pageID, d.UserID, method, at, "collapsed into a summary (throttled)")
	}
	return nil
}

// triageGroups tells the pager which incident an alert group became.
type triageGroups struct{ a *App }

func (g triageGroups) IncidentOf(ctx context.Context, groupID int64) (int64, error) {
	item, err := g.a.Detect.Triage.Item(access.With(ctx, access.System), groupID)
	if err != nil {
		return 0, err
	}
	return item.IncidentNumber, nil
}

// pageTriage is the worker of detect.TriageNotifyJob: a new triage item
// pages its service's escalation policy. A service without a policy falls
// back to the owner team's triage notice (webhook and email), so a team
// that has not set up on-call still hears about its alerts.
func (a *App) pageTriage(notice detect.Notifier) func(ctx context.Context, j detect.TriageNotifyJob, n int) error {
	fallback := a.Detect.Triage.WorkTriageNotify(notice)
	return func(ctx context.Context, j detect.TriageNotifyJob, n int) error {
		sys := access.With(ctx, access.System)
		item, err := a.Detect.Triage.Item(sys, j.GroupID)
		if apperr.Is(err, apperr.CodeNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if item.Triage != detect.TriagePending {
			return nil // decided already: no one needs waking
		}
		_, err = a.Paging.Raise(sys, paging.Trigger{Source: paging.FromAlertGroup, SourceID: item.ID, ServiceID: item.ServiceID,
			Summary: fmt.Sprintf("[%s] %s (%s)", item.Severity, item.Title, item.Service), Details: triageDetails(a, item),
			Urgency: triageUrgency(item.Severity)})
		if errors.Is(err, paging.ErrNoPolicy) {
			return fallback(ctx, j, n)
		}
		return err
	}
}

func triageDetails(a *App, item detect.Item) string {
	var b strings.Builder
	for i, al := range item.Alerts {
		if i == 5 {
			fmt.Fprintf(&b, "… and %d more alerts\n", len(item.Alerts)-5)
			break
		}
		fmt.Fprintf(&b, "- [%s] %s\n", al.Severity, al.Title)
	}
	fmt.Fprintf(&b, "\nTriage: %s/alert-groups/%d\n", a.Config.BaseURL, item.ID)
	return b.String()
}

// triageUrgency: critical and error alerts wake people; warnings and
// information wait for office hours (by the person's low-urgency rules).
func triageUrgency(severity string) paging.Urgency {
	if detect.SeverityRank(severity) <= detect.SeverityRank("error") {
		return paging.High
	}
	return paging.Low
}

// pageTick is how often each node fires the escalation steps that are due
// (Options.PageTick overrides it).
const pageTick = 250 * time.Millisecond

// pagingLoop fires due escalation steps until ctx ends: the engine's fast
// path (see paging.Service.FireDue); the steps' jobs are the durable intent.
func (a *App) pagingLoop(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = pageTick
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for {
			n, err := a.Paging.FireDue(ctx, 200)
			if err != nil && ctx.Err() == nil {
				a.Log.Warn("firing due escalation steps", "error", err)
			}
			if n < 200 {
				break
			}
		}
	}
}

// scheduleNames names the on-call schedules for the policy editor.
func (a *App) scheduleNames(ctx context.Context) (map[int64]string, error) {
	scheds, err := a.OnCall.Schedules(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(scheds))
	for _, s := range scheds {
		out[s.ID] = s.Name
	}
	return out, nil
}
