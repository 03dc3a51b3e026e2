package paging

import (
	"context"
	"time"

	"github.com/firebreak-hq/firebreak/internal/audit"
)

// Store is what paging needs from storage.
type Store interface {
	InTx(ctx context.Context, fn func(Tx) error) error
	Policy(ctx context.Context, id int64) (Policy, error)
	Policies(ctx context.Context) ([]Policy, error)
	Page(ctx context.Context, id int64) (Page, error)
	Pages(ctx context.Context, f Filter) ([]Page, error)
	Events(ctx context.Context, pageID int64) ([]Event, error)
	// ServicePaging is a service's settings; the zero value (with ServiceID
	// set) when it has none.
	ServicePaging(ctx context.Context, serviceID int64) (ServicePaging, error)
	// ServiceIDByName finds a catalog service by its name.
	ServiceIDByName(ctx context.Context, name string) (int64, error)
	Windows(ctx context.Context, f WindowFilter) ([]Window, error)
	// Triggered returns which of the pages ids are triggered.
	Triggered(ctx context.Context, ids []int64) (map[int64]bool, error)
	// NextDue is the earliest deadline of a triggered page; false when no
	// page has one.
	NextDue(ctx context.Context) (time.Time, bool, error)
	// LinkKey is the secret that signs action links, the same on every node.
	LinkKey(ctx context.Context) ([]byte, error)
}

// Tx is one transaction of a paging change.
type Tx interface {
	// SavePolicy inserts (ID 0) or updates a policy; an update whose
	// Version is stale is refused.
	SavePolicy(ctx context.Context, p *Policy) error
	DeletePolicy(ctx context.Context, id int64) error
	SetServicePaging(ctx context.Context, sp ServicePaging) error
	AddWindow(ctx context.Context, w *Window) error
	EndWindow(ctx context.Context, id int64, at time.Time) (Window, error)
	// ActiveWindow is the maintenance window of the service covering at, if any.
	ActiveWindow(ctx context.Context, serviceID int64, at time.Time) (*Window, error)
	InsertPage(ctx context.Context, p *Page) error
	// PageForUpdate reads a page and holds it until the transaction ends.
	PageForUpdate(ctx context.Context, id int64) (Page, error)
	// DuePages reads and holds up to limit triggered pages whose next step
	// is due at now, oldest deadline first; pages another transaction holds
	// are skipped, so several nodes fire different ones.
	DuePages(ctx context.Context, now time.Time, limit int) ([]Page, error)
	// OpenPagesOf finds the open (or suppressed) pages raised by sources of
	// one kind, by source id.
	OpenPagesOf(ctx context.Context, src Source, sourceIDs []int64) (map[int64]Page, error)
	// PagesOf lists the open pages of an alert group or incident.
	PagesOf(ctx context.Context, src Source, sourceID int64) ([]Page, error)
	SavePage(ctx context.Context, p *Page) error
	// SaveSteps writes what firing a step changed (Next, NextAt, Seq, Last,
	// UpdatedAt) of many pages at once.
	SaveSteps(ctx context.Context, pages []Page) error
	// AppendEvents appends events to the timelines of the pages they name.
	AppendEvents(ctx context.Context, events []Event) error
	// UseLink records a one-time link as used; false when it was already.
	UseLink(ctx context.Context, nonce string, at time.Time) (bool, error)
	Enqueue(ctx context.Context, job Job) error
	Audit(ctx context.Context, e audit.Entry) error
	Publish(ctx context.Context, topic string) error
	// AfterCommit runs f in this process once the transaction has committed.
	AfterCommit(f func())
}

// Job is a side effect to run after commit.
type Job interface{ Kind() string }

// Filter selects pages for a list, newest first.
type Filter struct {
	Status    []Status
	ServiceID int64
	UserID    int64 // pages that notified this user or that they acted on
	Open      bool  // triggered or acknowledged
	Limit     int   // default 50, at most 500

	// IncidentNumber, when set, keeps the pages linked to that incident.
	IncidentNumber int64
}

// ServicePaging is how a service is paged: the escalation policy of its
// alerts and incidents, and the schedule of its Incident Managers.
type ServicePaging struct {
	ServiceID    int64 `json:"service_id"`
	PolicyID     int64 `json:"policy_id,omitempty"`
	IMScheduleID int64 `json:"im_schedule_id,omitempty"`
}

// Window is a maintenance window: while it lasts, the service's pages are
// suppressed (kept and shown, not sent).
type Window struct {
	ID        int64     `json:"id"`
	ServiceID int64     `json:"service_id"`
	Starts    time.Time `json:"starts_at"`
	Ends      time.Time `json:"ends_at"`
	Reason    string    `json:"reason"`
	CreatedBy int64     `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Covers reports whether the window is in force at t.
func (w Window) Covers(t time.Time) bool { return !t.Before(w.Starts) && t.Before(w.Ends) }

// WindowFilter selects maintenance windows.
type WindowFilter struct {
	ServiceID int64
	After     time.Time // only windows that end after this (zero: all)
}

// Topic is the live-update topic of pages.
const Topic = "pages"
