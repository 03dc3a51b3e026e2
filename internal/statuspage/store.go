package statuspage

import (
	"context"
	"time"

	"github.com/firebreak-hq/firebreak/internal/audit"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

// Store is what the status-page Service needs from storage.
type Store interface {
	// InTx runs fn in one transaction.
	InTx(ctx context.Context, fn func(Tx) error) error
	// Within gives the status-page side of an incident change's transaction,
	// so a publish writes its rows with the incident's timeline event.
	Within(tx incident.Tx) (Tx, error)
	// Load reads everything the public snapshot shows: every page, group and
	// component, the status history since `since`, and the public incidents
	// of the pages created or still open since then, with their updates.
	Load(ctx context.Context, since time.Time) (*Data, error)
	Page(ctx context.Context, id int64) (Page, error)
	Pages(ctx context.Context) ([]Page, error)
	Components(ctx context.Context, pageID int64) ([]Component, error)
	Groups(ctx context.Context, pageID int64) ([]Group, error)
	Incident(ctx context.Context, id int64) (*Incident, error)
	// IncidentsOf lists the public incidents telling about one internal incident.
	IncidentsOf(ctx context.Context, number int64) ([]*Incident, error)
	Templates(ctx context.Context) ([]Template, error)
	Setting(ctx context.Context, key string) (string, bool, error)
	Subscriber(ctx context.Context, id int64) (Subscriber, error)
	Subscribers(ctx context.Context, pageID int64) ([]Subscriber, error)
	Deliveries(ctx context.Context, updateID int64) ([]Delivery, error)
	Update(ctx context.Context, id int64) (Update, error)
	Channels(ctx context.Context) ([]Channel, error)
	StakeholderUpdates(ctx context.Context, number int64) ([]StakeholderUpdate, error)
	StakeholderUpdate(ctx context.Context, id int64) (StakeholderUpdate, error)
}

// Tx is one storage transaction of a status-page change.
type Tx interface {
	SavePage(ctx context.Context, p *Page) error // inserts when p.ID is zero
	DeletePage(ctx context.Context, id int64) error
	SaveGroup(ctx context.Context, g *Group) error
	DeleteGroup(ctx context.Context, id int64) error
	SaveComponent(ctx context.Context, c *Component) error // records a status change in the history
	DeleteComponent(ctx context.Context, id int64) error
	ComponentForUpdate(ctx context.Context, id int64) (Component, error)
	// IncidentForUpdate reads a public incident (without its updates).
	IncidentForUpdate(ctx context.Context, id int64) (*Incident, error)
	// IncidentOf finds the public incident of an internal one on a page; nil when there is none.
	IncidentOf(ctx context.Context, pageID, number int64) (*Incident, error)
	SaveIncident(ctx context.Context, inc *Incident) error
	DeleteIncident(ctx context.Context, id int64) error
	AddUpdate(ctx context.Context, u *Update) error
	SaveTemplate(ctx context.Context, t Template) error
	SetSetting(ctx context.Context, key, value string) error
	Setting(ctx context.Context, key string) (string, bool, error)
	SaveSubscriber(ctx context.Context, s *Subscriber) error
	DeleteSubscriber(ctx context.Context, id int64) error
	// Recipients lists the confirmed subscribers of a page.
	Recipients(ctx context.Context, pageID int64) ([]Subscriber, error)
	// AddDelivery records a pending delivery; false when it already exists.
	AddDelivery(ctx context.Context, d *Delivery) (bool, error)
	SetDelivery(ctx context.Context, d Delivery) error
	SaveChannel(ctx context.Context, c *Channel) error
	DeleteChannel(ctx context.Context, id int64) error
	AddStakeholderUpdate(ctx context.Context, u *StakeholderUpdate) error
	// Enqueue adds a side-effect job that runs only if the transaction commits.
	Enqueue(ctx context.Context, job Job) error
	Audit(ctx context.Context, e audit.Entry) error
	Publish(ctx context.Context, topic string) error
}

// Job is a side effect to run after commit; its Kind names the worker.
type Job interface{ Kind() string }

// Topic is the live topic of every status-page change: the public snapshot
// is rebuilt when it fires.
const Topic = "statuspage"

// Data is everything a snapshot is built from.
type Data struct {
	Pages      []Page
	Groups     []Group
	Components []Component
	History    []Change
	Incidents  []*Incident // newest first, with their updates newest first
}
