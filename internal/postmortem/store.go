package postmortem

import (
	"context"
	"time"

	"github.com/firebreak-hq/firebreak/internal/audit"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

// Store is what the postmortem Service needs from storage.
type Store interface {
	// InTx runs fn in one transaction.
	InTx(ctx context.Context, fn func(Tx) error) error
	// Within gives the postmortem side of an incident change's transaction,
	// so publishing or waiving writes its rows with the incident's event.
	Within(tx incident.Tx) (Tx, error)

	Get(ctx context.Context, number int64) (*Postmortem, error)
	// List returns postmortems newest incident first; status "" means every status.
	List(ctx context.Context, status Status, limit int) ([]*Postmortem, error)
	Versions(ctx context.Context, number int64) ([]Version, error)
	Version(ctx context.Context, number, version int64) (Version, error)
	Templates(ctx context.Context) ([]Template, error)
	Template(ctx context.Context, id int64) (Template, error)
	Meeting(ctx context.Context, number int64) (*Meeting, error) // apperr not found when none
	Forms(ctx context.Context, number int64) ([]Form, error)
	Form(ctx context.Context, number, userID int64) (*Form, error) // apperr not found when none
	Items(ctx context.Context, f ItemFilter) ([]ActionItem, error)
	Item(ctx context.Context, id int64) (*ActionItem, error)
	Reviewers(ctx context.Context, number int64) ([]Reviewer, error)
	Comments(ctx context.Context, number int64) ([]Comment, error)
	// ProcessFacts reads what the process SLOs are computed from.
	ProcessFacts(ctx context.Context, since time.Time) (ProcessFacts, error)
}

// ItemFilter selects action items.
type ItemFilter struct {
	Number  int64 // one incident's items; 0 for all
	OwnerID int64 // one owner's items; 0 for all
	TeamID  int64
	Open    bool // only items not done or won't do
	Limit   int  // default 200
}

// Tx is one storage transaction of a postmortem change.
type Tx interface {
	// Get reads a postmortem and holds it until the transaction ends.
	GetForUpdate(ctx context.Context, number int64) (*Postmortem, error)
	// Insert stores a new postmortem; false when one already exists for the incident.
	Insert(ctx context.Context, pm *Postmortem) (bool, error)
	// Save writes pm if the stored version is still prevVersion; false otherwise.
	Save(ctx context.Context, pm *Postmortem, prevVersion int64) (bool, error)
	AddVersion(ctx context.Context, v Version) error
	SaveTemplate(ctx context.Context, t *Template) error // inserts when ID is zero; a default unsets the others
	DeleteTemplate(ctx context.Context, id int64) error
	DefaultTemplate(ctx context.Context) (*Template, error)               // nil when none is stored
	MeetingForUpdate(ctx context.Context, number int64) (*Meeting, error) // nil when none
	SaveMeeting(ctx context.Context, m *Meeting) error
	FormForUpdate(ctx context.Context, number, userID int64) (*Form, error) // nil when none
	SaveForm(ctx context.Context, f *Form) error
	ItemForUpdate(ctx context.Context, id int64) (*ActionItem, error)
	SaveItem(ctx context.Context, it *ActionItem) error // inserts when ID is zero
	SaveReviewer(ctx context.Context, r Reviewer) error
	Reviewers(ctx context.Context, number int64) ([]Reviewer, error)
	AddComment(ctx context.Context, c *Comment) error
	// Enqueue adds a side-effect job that runs only if the transaction commits.
	Enqueue(ctx context.Context, job Job) error
	Audit(ctx context.Context, e audit.Entry) error
	Publish(ctx context.Context, topic string) error
}

// Job is a side effect to run after commit; its Kind names the worker.
type Job interface{ Kind() string }

// Topic is the live topic of one postmortem (its page, the meeting view).
func Topic(number int64) string { return "postmortem:" + incident.Ref(number) }

// ProcessFacts are the raw figures the process SLOs are computed from.
type ProcessFacts struct {
	Postmortems []*Postmortem
	Meetings    []Meeting
	Forms       []Form
	Items       []ActionItem
	Teams       map[int64]string // team names by id
}
