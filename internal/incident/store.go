package incident

import (
	"context"

	"github.com/firebreak-hq/firebreak/internal/audit"
)

// Store is what the incident Service needs from storage.
type Store interface {
	// InTx runs fn in one transaction: all its writes commit together or not at all.
	InTx(ctx context.Context, fn func(Tx) error) error
	Get(ctx context.Context, number int64) (*Incident, error)
	List(ctx context.Context, f Filter) (Page, error)
	Timeline(ctx context.Context, number int64) ([]Event, error)
}

// Tx is one storage transaction of an incident change.
type Tx interface {
	// Insert stores a new incident and returns the number the sequence gave it.
	Insert(ctx context.Context, inc *Incident) (int64, error)
	// GetForUpdate reads an incident and holds it until the transaction ends.
	GetForUpdate(ctx context.Context, number int64) (*Incident, error)
	// Save writes inc if the stored version is still prevVersion; it reports false otherwise.
	Save(ctx context.Context, inc *Incident, prevVersion int64) (bool, error)
	// AppendEvents appends events to the timeline, filling in ID and Seq.
	AppendEvents(ctx context.Context, events []Event) ([]Event, error)
	// Event reads one timeline event by its sequence number.
	Event(ctx context.Context, number, seq int64) (Event, error)
	// Enqueue adds a side-effect job that runs only if the transaction commits.
	Enqueue(ctx context.Context, job Job) error
	// Audit records the write in the audit log.
	Audit(ctx context.Context, e audit.Entry) error
	// Publish tells live viewers (on every node) that topic changed once the transaction commits.
	Publish(ctx context.Context, topic string) error
}

// Job is a side effect to run after commit; its Kind names the worker.
type Job interface{ Kind() string }

// EventJob asks the workers to deliver one timeline event to the outgoing
// incident-event webhooks. It carries only ids: the worker re-reads the event.
type EventJob struct {
	Number int64 `json:"number"`
	Seq    int64 `json:"seq"`
}

// Kind names the job for the queue.
func (EventJob) Kind() string { return "incident_event" }

// Topic is the live-update topic of one incident.
func Topic(number int64) string { return Ref(number) }

// ListTopic is the live-update topic of the incident list.
const ListTopic = "incidents"

// People resolves users for role appointments.
type People interface {
	Person(ctx context.Context, userID int64) (Person, error)
}

// Catalog checks affected-service names against the service catalog.
type Catalog interface {
	ServiceExists(ctx context.Context, name string) (bool, error)
}

// Filter selects incidents for a list.
type Filter struct {
	Stages     []Stage
	Severities []string
	Service    string
	Query      string // matched against title and summary
	Open       bool   // only Detect and Fix
	Limit      int    // default 50, at most 200
	Cursor     string // from Page.Next
}

// Page is one page of a list, newest first.
type Page struct {
	Incidents []*Incident `json:"incidents"`
	Next      string      `json:"next,omitempty"` // cursor of the following page; empty at the end
}
