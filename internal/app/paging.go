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
	"github.com/firebreak-hq/firebreak/internal/store"
)

// registerPagingJobs registers the pager's workers; they reach the paging
// service through a, which is complete by the time jobs run.
func (a *App) registerPagingJobs(reg *jobs.Registry) {
	// Step jobs queued by an earlier version: the page rows are the
	// engine's schedule now, so one only nudges the engine.
	jobs.Handle(reg, func(ctx context.Context, j paging.StepJob, n int) error {
		a.Paging.Wake()
		return nil
	})
	jobs.Handle(reg, func(ctx context.Context, j paging.AckedJob, n int) error { return a.Paging.WorkAcked(ctx, j, n) })
	jobs.Handle(reg, func(ctx context.Context, j paging.ResolveSourceJob, n int) error {
		return a.Paging.WorkResolveSource(ctx, j, n)
	})
	jobs.Handle(reg, func(ctx context.Context, j paging.DeclaredJob, n int) error { return a.Paging.WorkDeclared(ctx, j, n) })
}

// urgentJobKinds are the jobs between an event and the person woken by it
// that still go through the job queue (an alert's page and its
// notifications do not: the ingest raises the page, the engine and the
// dispatcher take it from there). They run from the job queue's urgent
// queue, polled every 50 ms.
var urgentJobKinds = []string{detect.TriageNotifyJob{}.Kind(), paging.DeclaredJob{}.Kind()}

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
// both ways, each writing in the other's transaction: a step's notices are
// written in the transaction that fires it, and delivery outcomes go on the
// page's timeline in the transaction that records them.
func (a *App) usePagingNotifications(n *notification.Service) {
	pages, notices := a.Store.Paging(a.Queue), a.Store.Notifications(a.Queue)
	a.Paging.UseNotifier(pagingNotifier{n, notices})
	n.UsePaging(a.Paging, deliveryLog{a.Paging, pages})
}

// pagingNotifier adapts notification.Service to paging.Notifier.
type pagingNotifier struct {
	n     *notification.Service
	store *store.Notifications
}

func (p pagingNotifier) NotifyTx(ctx context.Context, tx paging.Tx, ns []paging.Notice) error {
	msgs := make([]notification.Message, len(ns))
	for i, m := range ns {
		msgs[i] = notification.Message{Key: m.Key, UserID: m.UserID, Urgency: notification.Urgency(m.Urgency),
			Subject: m.Subject, Body: m.Body, PageID: m.PageID}
		for _, act := range m.Actions {
			msgs[i].Actions = append(msgs[i].Actions, notification.Action{Label: act.Label, URL: act.URL})
		}
	}
	return p.n.NotifyTx(ctx, p.store.In(store.TxOf(tx)), msgs...)
}

// deliveryLog puts delivery outcomes on the pages' timelines.
type deliveryLog struct {
	p     *paging.Service
	store *store.Paging
}

func (l deliveryLog) Delivered(ctx context.Context, tx notification.Tx, ds []notification.Delivery) error {
	var out []paging.Delivery
	for _, d := range ds {
		if d.PageID == 0 {
			continue
		}
		at := d.UpdatedAt
		if d.SentAt != nil {
			at = *d.SentAt
		}
		pd := paging.Delivery{PageID: d.PageID, UserID: d.UserID, Method: fmt.Sprintf("%s to %s", d.Kind, d.Address), At: at}
		switch d.State {
		case notification.Sent:
		case notification.Delivered:
			pd.Confirmed = true
		case notification.Failed:
			pd.Failure = d.Error
		case notification.Cancelled:
			pd.Failure = "not sent: the page no longer needs it"
		case notification.Collapsed:
			pd.Failure = "collapsed into a summary (throttled)"
		default:
			continue
		}
		out = append(out, pd)
	}
	if len(out) == 0 {
		return nil
	}
	return l.p.RecordDeliveries(ctx, l.store.In(store.TxOf(tx)), out)
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

// raiseTriagePages is the ingest's triage follower: each triage item a
// batch of alerts opens pages its service's escalation policy, in the
// batch's transaction. An item of a service without a policy gets a
// TriageNotifyJob, whose worker tells the owner team instead.
func (a *App) raiseTriagePages(ctx context.Context, tx *store.Tx, items []detect.Item) error {
	triggers := make([]paging.Trigger, len(items))
	for i, item := range items {
		triggers[i] = triageTrigger(a, item)
	}
	pages, err := a.Paging.RaiseIn(access.With(ctx, access.System), a.Store.Paging(a.Queue).In(tx), triggers...)
	if err != nil {
		a.Log.Warn("raising the pages of new triage items failed; their jobs will", "items", len(items), "error", err)
		return err
	}
	for i, p := range pages {
		if p.ID == 0 { // no policy: the owner team's notice
			if err := a.Queue.EnqueueTx(ctx, tx.SQL(), detect.TriageNotifyJob{GroupID: items[i].ID}); err != nil {
				return err
			}
		}
	}
	return nil
}

// pageTriage is the worker of detect.TriageNotifyJob: a new triage item
// whose page the ingest did not raise (its service has no policy, or
// raising failed) pages its service's escalation policy now. A service
// without a policy falls back to the owner team's triage notice (webhook
// and email), so a team that has not set up on-call still hears about its
// alerts.
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
		_, err = a.Paging.Raise(sys, triageTrigger(a, item))
		if errors.Is(err, paging.ErrNoPolicy) {
			return fallback(ctx, j, n)
		}
		return err
	}
}

// triageTrigger is what a triage item pages with.
func triageTrigger(a *App, item detect.Item) paging.Trigger {
	return paging.Trigger{Source: paging.FromAlertGroup, SourceID: item.ID, ServiceID: item.ServiceID,
		Summary: fmt.Sprintf("[%s] %s (%s)", item.Severity, item.Title, item.Service), Details: triageDetails(a, item),
		Urgency: triageUrgency(item.Severity)}
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

// pageTick is the longest each node's engine and dispatcher wait between
// looks for steps and deliveries whose time has come (Options.PageTick
// overrides it); the engine sleeps only until the earliest deadline, and
// what falls due at once (a page raised, a notice written) wakes them
// directly.
const pageTick = 250 * time.Millisecond

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
