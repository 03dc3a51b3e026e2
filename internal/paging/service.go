package paging

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/audit"
)

// OnCall answers who is on call; the on-call capability provides it.
type OnCall interface {
	OnCallAt(ctx context.Context, scheduleID int64, at time.Time) ([]int64, error)
	TeamSchedules(ctx context.Context, teamID int64) ([]int64, error)
}

// Notifier delivers notices, each to one person through their own
// notification rules. It writes them in the engine's transaction tx, so a
// step's notices are durable exactly when the step is recorded as fired;
// it ignores a notice whose Key it has seen before.
type Notifier interface {
	NotifyTx(ctx context.Context, tx Tx, notices []Notice) error
}

// Notice is what one person is told when a step pages them.
type Notice struct {
	Key     string
	UserID  int64
	Urgency Urgency
	Subject string
	Body    string
	PageID  int64
	Actions []Action // signed one-time links: acknowledge, resolve
}

// Action is a link in a notice that acts on the page.
type Action struct {
	Label string
	URL   string
}

// Service is the pager's use cases; every surface (API, UI, CLI, links,
// chat) goes through it, and it checks the actor's permission.
type Service struct {
	store    Store
	oncall   OnCall
	notifier Notifier
	now      func() time.Time
	baseURL  string
	log      *slog.Logger
	linkTTL  time.Duration

	incidents Incidents
	groups    AlertGroups

	keyMu sync.Mutex
	key   []byte // the link-signing key, read once

	wake chan struct{} // a step fell due now: Run fires at once
}

// Options are a Service's optional parts.
type Options struct {
	OnCall   OnCall   // nil: schedule and team targets page no one (and say so)
	Notifier Notifier // nil: steps fire and are recorded, nothing is sent
	BaseURL  string   // for the links in notices
	Log      *slog.Logger
	LinkTTL  time.Duration // how long an action link works; default 24h
}

// NewService builds the pager.
func NewService(st Store, now func() time.Time, o Options) *Service {
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.LinkTTL == 0 {
		o.LinkTTL = 24 * time.Hour
	}
	return &Service{store: st, oncall: o.OnCall, notifier: o.Notifier, now: now, baseURL: o.BaseURL, log: o.Log, linkTTL: o.LinkTTL,
		wake: make(chan struct{}, 1)}
}

// Now is the pager's clock.
func (s *Service) Now() time.Time { return s.now() }

// UseOnCall sets who-is-on-call once the on-call capability is built.
func (s *Service) UseOnCall(o OnCall) { s.oncall = o }

// UseNotifier sets the notifier once the notification capability is built.
func (s *Service) UseNotifier(n Notifier) { s.notifier = n }

func actor(ctx context.Context, need access.Level) (access.Actor, error) {
	a, ok := access.From(ctx)
	if !ok {
		return access.Actor{}, apperr.Unauthenticated("sign in first")
	}
	if !a.Can(need) {
		return a, apperr.Forbidden("this needs %s permission", need)
	}
	return a, nil
}

// Trigger is what raises a page.
type Trigger struct {
	Source         Source
	SourceID       int64
	ServiceID      int64
	Summary        string
	Details        string
	Urgency        Urgency
	IncidentNumber int64
	// Policy, when set, is walked instead of the service's policy.
	Policy *Policy
}

// ErrNoPolicy says a service has no escalation policy: nothing was paged.
var ErrNoPolicy = apperr.NotFound("escalation policy of the service")

// Raise creates the page for t (or returns the open one the same source
// raised before: raising is idempotent per source). Its first step is due
// at once: the engine fires it as soon as the transaction commits (Wake),
// and any node's engine does if this one dies first — the page row is the
// durable intent. ErrNoPolicy means the service has no escalation policy
// (and t names none): nothing was paged.
func (s *Service) Raise(ctx context.Context, t Trigger) (Page, error) {
	var pages []Page
	err := s.store.InTx(ctx, func(tx Tx) error {
		var err error
		pages, err = s.RaiseIn(ctx, tx, t)
		return err
	})
	if err != nil {
		return Page{}, err
	}
	if pages[0].ID == 0 {
		return Page{}, ErrNoPolicy
	}
	return pages[0], nil
}

// RaiseIn raises pages inside the caller's transaction: the ingest batch
// that opens triage items raises their pages in the same transaction, so an
// alert accepted with a 2xx has its page. It returns each trigger's page, in
// order; a trigger whose service has no escalation policy (and that names
// none) gets none (a zero Page) and is the caller's to handle. Each
// service's policy and maintenance window are read once for all triggers.
func (s *Service) RaiseIn(ctx context.Context, tx Tx, ts ...Trigger) ([]Page, error) {
	a, err := actor(ctx, access.Responder)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		if t.Summary == "" {
			return nil, apperr.Invalid("summary", "a page needs a summary")
		}
	}
	now := s.now()
	// The open pages of the triggers' sources, read at once: raising again
	// returns them.
	sources := map[Source][]int64{}
	for _, t := range ts {
		if t.Source != FromManual && t.SourceID != 0 {
			sources[t.Source] = append(sources[t.Source], t.SourceID)
		}
	}
	open := map[Source]map[int64]Page{}
	for src, ids := range sources {
		if open[src], err = tx.OpenPagesOf(ctx, src, ids); err != nil {
			return nil, err
		}
	}
	policies := map[int64]*Policy{}   // by service; nil: none
	maintenance := map[int64]string{} // by service; "": none
	out := make([]Page, len(ts))
	var events []Event
	due := false
	for i, t := range ts {
		pol := t.Policy
		if pol == nil {
			var ok bool
			if pol, ok = policies[t.ServiceID]; !ok {
				if pol, err = s.servicePolicy(ctx, t.ServiceID); err != nil {
					return nil, err
				}
				policies[t.ServiceID] = pol
			}
			if pol == nil {
				continue // no policy: no page
			}
		}
		if old, ok := open[t.Source][t.SourceID]; ok && t.Source != FromManual && t.SourceID != 0 {
			out[i] = old
			continue
		}
		maint, ok := maintenance[t.ServiceID]
		if !ok && t.ServiceID != 0 {
			w, err := tx.ActiveWindow(ctx, t.ServiceID, now)
			if err != nil {
				return nil, err
			}
			if w != nil {
				maint = fmt.Sprintf("the service is in a maintenance window until %s (%s)", w.Ends.UTC().Format(time.RFC3339), w.Reason)
			}
			maintenance[t.ServiceID] = maint
		}
		page, evs, firstStep := New(Page{ServiceID: t.ServiceID, Summary: t.Summary, Details: t.Details, Urgency: t.Urgency,
			Source: t.Source, SourceID: t.SourceID, IncidentNumber: t.IncidentNumber}, *pol, now, maint)
		if err := tx.InsertPage(ctx, &page); err != nil {
			return nil, err
		}
		for j := range evs {
			evs[j].PageID, evs[j].ActorID = page.ID, a.UserID
		}
		events = append(events, evs...)
		due = due || firstStep != nil
		if a.UserID != 0 { // a person paged someone; Firebreak's own pages are on the page's timeline
			if err := tx.Audit(ctx, audit.New(a, now, "page.raise", pageRef(page.ID), map[string]any{"source": t.Source, "source_id": t.SourceID})); err != nil {
				return nil, err
			}
		}
		out[i] = page
		if open[t.Source] != nil {
			open[t.Source][t.SourceID] = page // a source named twice raises one page
		}
	}
	if len(events) == 0 {
		return out, nil
	}
	if err := tx.AppendEvents(ctx, events); err != nil {
		return nil, err
	}
	if due {
		tx.AfterCommit(s.Wake)
	}
	return out, tx.Publish(ctx, Topic)
}

// servicePolicy is the escalation policy of a service, nil when it has none.
func (s *Service) servicePolicy(ctx context.Context, serviceID int64) (*Policy, error) {
	sp, err := s.store.ServicePaging(ctx, serviceID)
	if err != nil || sp.PolicyID == 0 {
		return nil, err
	}
	pol, err := s.store.Policy(ctx, sp.PolicyID)
	return &pol, err
}

func pageRef(id int64) string { return fmt.Sprintf("page %d", id) }

// PageUser pages one person now (summary is what they read); incident
// links the page to an incident (0 for none).
func (s *Service) PageUser(ctx context.Context, userID int64, summary string, incident int64) (Page, error) {
	pol := Direct("page a person", Target{Kind: TargetUser, ID: userID})
	return s.Raise(ctx, Trigger{Source: FromManual, Summary: summary, IncidentNumber: incident, Urgency: High, Policy: &pol})
}

// PageTeam pages whoever is on call for a team now.
func (s *Service) PageTeam(ctx context.Context, teamID int64, summary string, incident int64) (Page, error) {
	pol := Direct("page a team", Target{Kind: TargetTeam, ID: teamID})
	return s.Raise(ctx, Trigger{Source: FromManual, Summary: summary, IncidentNumber: incident, Urgency: High, Policy: &pol})
}

// change applies fn to page id inside one transaction, records its event
// and schedules the step it makes due.
func (s *Service) change(ctx context.Context, id int64, action string, fn func(p *Page, a access.Actor, now time.Time) (Event, *Due, error)) (Page, error) {
	a, err := actor(ctx, access.Responder)
	if err != nil {
		return Page{}, err
	}
	now := s.now()
	var page Page
	err = s.store.InTx(ctx, func(tx Tx) error {
		p, err := tx.PageForUpdate(ctx, id)
		if err != nil {
			return err
		}
		ev, due, err := fn(&p, a, now)
		if err != nil {
			return err
		}
		if err := tx.SavePage(ctx, &p); err != nil {
			return err
		}
		ev.PageID = p.ID
		if err := tx.AppendEvents(ctx, []Event{ev}); err != nil {
			return err
		}
		if due != nil {
			tx.AfterCommit(s.Wake)
		}
		if p.Status == Acknowledged && p.Source == FromAlertGroup {
			// The acknowledger becomes First Responder if the item is
			// declared (or is appointed, if it already was).
			if err := tx.Enqueue(ctx, AckedJob{PageID: p.ID}); err != nil {
				return err
			}
		}
		if err := tx.Audit(ctx, audit.New(a, now, action, pageRef(p.ID), nil)); err != nil {
			return err
		}
		page = p
		return tx.Publish(ctx, Topic)
	})
	return page, err
}

// Acknowledge takes the page: escalation stops.
func (s *Service) Acknowledge(ctx context.Context, pageID int64) (Page, error) {
	return s.change(ctx, pageID, "page.acknowledge", func(p *Page, a access.Actor, now time.Time) (Event, *Due, error) {
		ev, err := p.Acknowledge(a.UserID, now)
		return ev, nil, err
	})
}

// Resolve closes the page.
func (s *Service) Resolve(ctx context.Context, pageID int64) (Page, error) {
	return s.change(ctx, pageID, "page.resolve", func(p *Page, a access.Actor, now time.Time) (Event, *Due, error) {
		ev, err := p.Resolve(a.UserID, now, "")
		return ev, nil, err
	})
}

// EscalateNow fires the next step at once.
func (s *Service) EscalateNow(ctx context.Context, pageID int64) (Page, error) {
	return s.change(ctx, pageID, "page.escalate", func(p *Page, a access.Actor, now time.Time) (Event, *Due, error) {
		return p.EscalateNow(a.UserID, now)
	})
}

// Reassign hands the page to a person (userID) or to a policy (policyID);
// exactly one of the two is set.
func (s *Service) Reassign(ctx context.Context, pageID, userID, policyID int64) (Page, error) {
	var to Policy
	switch {
	case (userID == 0) == (policyID == 0):
		return Page{}, apperr.Invalid("user_id", "reassign to a person or to a policy (one of the two)")
	case userID != 0:
		to = Direct(fmt.Sprintf("reassigned to user %d", userID), Target{Kind: TargetUser, ID: userID})
	default:
		p, err := s.store.Policy(ctx, policyID)
		if err != nil {
			return Page{}, err
		}
		to = p
	}
	return s.change(ctx, pageID, "page.reassign", func(p *Page, a access.Actor, now time.Time) (Event, *Due, error) {
		return p.Reassign(a.UserID, to, now)
	})
}

// Get reads a page.
func (s *Service) Get(ctx context.Context, id int64) (Page, error) {
	if _, err := actor(ctx, access.Viewer); err != nil {
		return Page{}, err
	}
	return s.store.Page(ctx, id)
}

// List lists pages.
func (s *Service) List(ctx context.Context, f Filter) ([]Page, error) {
	if _, err := actor(ctx, access.Viewer); err != nil {
		return nil, err
	}
	return s.store.Pages(ctx, f)
}

// Timeline is a page's events, oldest first.
func (s *Service) Timeline(ctx context.Context, id int64) ([]Event, error) {
	if _, err := actor(ctx, access.Viewer); err != nil {
		return nil, err
	}
	if _, err := s.store.Page(ctx, id); err != nil {
		return nil, err
	}
	return s.store.Events(ctx, id)
}

// resolveSource resolves the open pages of a source (its alert group
// resolved, its incident moved past Fix); system work, no actor check.
func (s *Service) resolveSource(ctx context.Context, src Source, id int64, why string) error {
	now := s.now()
	return s.store.InTx(ctx, func(tx Tx) error {
		pages, err := tx.PagesOf(ctx, src, id)
		if err != nil {
			return err
		}
		for _, p := range pages {
			p, err := tx.PageForUpdate(ctx, p.ID)
			if err != nil {
				return err
			}
			ev, err := p.Resolve(0, now, why)
			if err != nil {
				continue
			}
			if err := tx.SavePage(ctx, &p); err != nil {
				return err
			}
			ev.PageID = p.ID
			if err := tx.AppendEvents(ctx, []Event{ev}); err != nil {
				return err
			}
		}
		if len(pages) == 0 {
			return nil
		}
		return tx.Publish(ctx, Topic)
	})
}
