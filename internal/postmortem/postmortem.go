// Package postmortem is the Improve stage: the postmortem document created
// from a template when an incident enters Improve, the preparation (meeting
// and 5-Why forms), the meeting, action items with their due-date policy, the
// built-in review and publishing, the close gate and the process SLOs. The
// rules are pure functions of (state, actor, input, now) in this package; the
// Service adds storage through the interfaces in store.go, and the adapters
// the publishing capability provides (git review, trackers, search) plug in
// through the interfaces in hooks.go.
package postmortem

import (
	"strings"
	"time"
	"unicode"
)

// Status is where a postmortem stands.
type Status string

// The statuses of a postmortem: drafted from the template, under review,
// published (the incident may close), or waived (a low-severity incident
// closed without one, with a recorded reason).
const (
	Draft     Status = "draft"
	InReview  Status = "in_review"
	Published Status = "published"
	Waived    Status = "waived"
)

// Label names the status for people.
func (s Status) Label() string {
	switch s {
	case Draft:
		return "Draft"
	case InReview:
		return "In review"
	case Published:
		return "Published"
	case Waived:
		return "Waived"
	}
	return string(s)
}

// Postmortem is the document of one incident, keyed by the incident number.
type Postmortem struct {
	Number     int64      `json:"number"` // the incident's number: INC-<n>
	Title      string     `json:"title"`
	Slug       string     `json:"slug"`
	Body       string     `json:"body"` // Markdown
	Status     Status     `json:"status"`
	Version    int64      `json:"version"` // bumped by every edit; writes name the version they read
	TemplateID int64      `json:"template_id,omitempty"`
	Severity   string     `json:"severity"`              // copied from the incident, for the gate and the SLOs
	ResolvedAt *time.Time `json:"resolved_at,omitempty"` // when the incident was first resolved
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	UpdatedBy  int64      `json:"updated_by,omitempty"`

	Publication *Publication `json:"publication,omitempty"` // set once published
	Waiver      *Waiver      `json:"waiver,omitempty"`      // set once waived
}

// Publication records how a postmortem was published.
type Publication struct {
	Mode   string    `json:"mode"`             // "builtin" or "git"
	Commit string    `json:"commit,omitempty"` // the merge commit in git mode
	URL    string    `json:"url,omitempty"`    // the pull request or file in git mode
	At     time.Time `json:"at"`
}

// The publication modes.
const (
	ModeBuiltin = "builtin"
	ModeGit     = "git"
)

// Waiver records why an incident closed without a postmortem.
type Waiver struct {
	Reason string    `json:"reason"`
	By     int64     `json:"by"`
	At     time.Time `json:"at"`
}

// Version is one saved version of a postmortem's body.
type Version struct {
	Number     int64     `json:"number"`
	Version    int64     `json:"version"`
	Body       string    `json:"body"`
	AuthorID   int64     `json:"author_id,omitempty"` // zero for Firebreak itself (the basic-information sync)
	AuthorName string    `json:"author_name"`
	Note       string    `json:"note,omitempty"`
	At         time.Time `json:"at"`
}

// Template is a Markdown template for new postmortems; exactly one is the default.
type Template struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Body      string    `json:"body"`
	Default   bool      `json:"default"`
	UpdatedBy int64     `json:"updated_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Facts are the incident's facts the basic-information block shows, kept in
// sync with the incident while the postmortem is not published.
type Facts struct {
	Ref             string        `json:"ref"` // INC-<n>
	Title           string        `json:"title"`
	Date            time.Time     `json:"date"` // when the problem was detected
	IncidentManager *Person       `json:"incident_manager,omitempty"`
	Involved        []Person      `json:"involved"`
	ChatChannel     string        `json:"chat_channel,omitempty"`
	CallLink        string        `json:"call_link,omitempty"` // the incident's conference room
	PagingRef       string        `json:"paging_ref,omitempty"`
	BlastRadius     string        `json:"blast_radius,omitempty"`
	Severity        string        `json:"severity"`
	Duration        time.Duration `json:"duration"`
	Resolved        *time.Time    `json:"resolved,omitempty"`
	Services        []string      `json:"services"`
	Components      []string      `json:"components"` // status-page components of the affected services
	Labels          []string      `json:"labels"`     // "key=value" of the incident's labels
}

// Person is a user as the postmortem names them.
type Person struct {
	ID     int64  `json:"id"`
	Handle string `json:"handle"`
	Name   string `json:"name"`
	Email  string `json:"-"`
}

// Doc is a postmortem with the incident's facts: what Get returns, and what
// the publishing capability writes to git and indexes for search.
type Doc struct {
	Postmortem
	Facts Facts `json:"facts"`
}

// Ref is the incident id of the document, e.g. "INC-42".
func (d *Doc) Ref() string { return d.Facts.Ref }

// Slugify makes a URL- and file-name-safe slug of a title: lower case ASCII
// letters and digits joined by single hyphens, at most 60 characters.
func Slugify(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	s := strings.TrimRight(b.String(), "-")
	if s == "" {
		return "postmortem"
	}
	return s
}
