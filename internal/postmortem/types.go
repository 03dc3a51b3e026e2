package postmortem

import "time"

// Meeting is the postmortem meeting of one incident. UID is stable across
// updates so calendar programs replace the event; Sequence increments with
// every change the invitees are told about (RFC 5545 SEQUENCE).
type Meeting struct {
	Number      int64      `json:"number"`
	UID         string     `json:"uid"`
	Start       time.Time  `json:"start"`
	Minutes     int        `json:"minutes"`
	Location    string     `json:"location,omitempty"` // a room or a conference link
	Sequence    int        `json:"sequence"`
	Cancelled   bool       `json:"cancelled"`
	Attendees   []int64    `json:"attendees"` // user ids invited: everyone involved
	Notes       string     `json:"notes"`     // Markdown, taken live in the meeting view
	StartedAt   *time.Time `json:"started_at,omitempty"`
	EndedAt     *time.Time `json:"ended_at,omitempty"`
	ScheduledBy int64      `json:"scheduled_by,omitempty"`
	Version     int64      `json:"version"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// End is when the meeting is planned to end.
func (m *Meeting) End() time.Time { return m.Start.Add(time.Duration(m.Minutes) * time.Minute) }

// Form is one involved person's 5-Why preparation form.
type Form struct {
	Number      int64      `json:"number"`
	UserID      int64      `json:"user_id"`
	Saw         string     `json:"saw"`  // what they saw
	Did         string     `json:"did"`  // what they did
	Whys        []string   `json:"whys"` // up to five answers, each the "why?" of the one before
	SubmittedAt *time.Time `json:"submitted_at,omitempty"`
	RemindedAt  *time.Time `json:"reminded_at,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// Submitted reports whether the form was submitted (not only drafted).
func (f *Form) Submitted() bool { return f.SubmittedAt != nil }

// MaxWhys is how many "why?" answers a form holds.
const MaxWhys = 5

// ItemStatus is where an action item stands.
type ItemStatus string

// The statuses of an action item.
const (
	ItemOpen       ItemStatus = "open"
	ItemInProgress ItemStatus = "in_progress"
	ItemDone       ItemStatus = "done"
	ItemWontDo     ItemStatus = "wont_do"
)

// Closed reports whether the item needs no more work.
func (s ItemStatus) Closed() bool { return s == ItemDone || s == ItemWontDo }

// ActionItem is one follow-up of a postmortem.
type ActionItem struct {
	ID            int64      `json:"id"`
	Number        int64      `json:"number"` // the incident
	Title         string     `json:"title"`
	Description   string     `json:"description"`
	OwnerID       int64      `json:"owner_id,omitempty"`
	TeamID        int64      `json:"team_id,omitempty"`
	Important     bool       `json:"important"`
	Urgent        bool       `json:"urgent"`
	Due           time.Time  `json:"due"`
	Status        ItemStatus `json:"status"`
	Labels        []string   `json:"labels"`                  // always includes pm-action-item and inc-<n>
	ProductOwner  string     `json:"product_owner,omitempty"` // who agreed the due date (items not important+urgent)
	DueAgreedAt   *time.Time `json:"due_agreed_at,omitempty"`
	CreatedBy     int64      `json:"created_by,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
	DoneAt        *time.Time `json:"done_at,omitempty"`
	OwnerReminded *time.Time `json:"owner_reminded_at,omitempty"`
	IMReminded    *time.Time `json:"im_reminded_at,omitempty"`
	Version       int64      `json:"version"`
}

// Priority is important and urgent together: the items the process wants
// done within six weeks.
func (it *ActionItem) Priority() bool { return it.Important && it.Urgent }

// Overdue reports whether the item is open past its due date at now.
func (it *ActionItem) Overdue(now time.Time) bool { return !it.Status.Closed() && now.After(it.Due) }

// ReviewState is a reviewer's state in the built-in review.
type ReviewState string

// The states of a reviewer.
const (
	ReviewRequested ReviewState = "requested"
	ReviewApproved  ReviewState = "approved"
	ReviewChanges   ReviewState = "changes_requested"
)

// Reviewer is one requested reviewer of a postmortem.
type Reviewer struct {
	Number          int64       `json:"number"`
	UserID          int64       `json:"user_id"`
	State           ReviewState `json:"state"`
	RequestedBy     int64       `json:"requested_by,omitempty"`
	RequestedAt     time.Time   `json:"requested_at"`
	DecidedAt       *time.Time  `json:"decided_at,omitempty"`
	ApprovedVersion int64       `json:"approved_version,omitempty"` // the body version approved
}

// Comment is a review comment.
type Comment struct {
	ID         int64     `json:"id"`
	Number     int64     `json:"number"`
	AuthorID   int64     `json:"author_id,omitempty"`
	AuthorName string    `json:"author_name"`
	Body       string    `json:"body"`
	At         time.Time `json:"at"`
}
