// Package tracker keeps postmortem action items in sync with issues in an
// outside tracker (Jira, GitHub Issues), chosen per team: the item creates
// the issue once and updates it after every change; the issue's status
// flows back (webhook or polling) and closes the item. Firebreak's own
// action-item list works without any tracker: a team without one is skipped.
package tracker

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/postmortem"
)

// Issue is what Firebreak writes to the tracker.
type Issue struct {
	Title       string
	Description string // Markdown-ish plain text: paragraphs and "- " lists
	Labels      []string
	Due         time.Time // zero: none
	Done        bool
}

// Remote is the tracker's side of an issue.
type Remote struct {
	ID    string // Jira key (PM-24) or GitHub issue number
	URL   string // where people open it
	State string // the tracker's status name
	Done  bool
}

// Client is one tracker project or repository (jira.Client, github.Client).
type Client interface {
	Kind() string   // "jira" or "github"
	Target() string // the project key or owner/repo
	Create(ctx context.Context, in Issue) (Remote, error)
	// Update writes the fields and moves the issue to done or back.
	Update(ctx context.Context, id string, in Issue) (Remote, error)
	Get(ctx context.Context, id string) (Remote, error)
}

// Link is an action item's issue.
type Link struct {
	ItemID     int64     `json:"item_id"`
	Tracker    string    `json:"tracker"`
	Target     string    `json:"target"`
	ExternalID string    `json:"external_id"`
	URL        string    `json:"url"`
	State      string    `json:"state"`
	Done       bool      `json:"done"`
	SyncedHash string    `json:"-"`
	LastError  string    `json:"last_error,omitempty"`
	SyncedAt   time.Time `json:"synced_at"`
}

// Store keeps the links (internal/store/tracker_links.go).
type Store interface {
	Link(ctx context.Context, itemID int64) (Link, error) // apperr not found when none
	ByExternal(ctx context.Context, tracker, target, externalID string) (Link, error)
	SaveLink(ctx context.Context, l Link) error
	// WatchedLinks lists the links polling reads: issues not done, and
	// those done since (which may be reopened).
	WatchedLinks(ctx context.Context, since time.Time) ([]Link, error)
}

// Items is how the tracker's status reaches the action item:
// done closes it, reopened opens it again.
type Items interface {
	SetItemDone(ctx context.Context, itemID int64, done bool) error
}

// Options configure the service.
type Options struct {
	// Teams maps a team's name to its tracker; "" is the default for items
	// of teams not listed and items without a team.
	Teams map[string]Client
	// TeamName reads a team's name from its id.
	TeamName func(ctx context.Context, teamID int64) (string, error)
	// ItemURL links the issue back to Firebreak.
	ItemURL func(it postmortem.ActionItem) string
	Now     func() time.Time
	Log     *slog.Logger
}

// Service is the postmortem.Tracker.
type Service struct {
	store Store
	items Items
	opts  Options
	locks sync.Map // item id → *sync.Mutex: one sync per item at a time on this node
}

var _ postmortem.Tracker = (*Service)(nil)

// NewService builds the service.
func NewService(st Store, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	return &Service{store: st, opts: opts}
}

// UseItems sets where status changes from the tracker go.
func (s *Service) UseItems(i Items) { s.items = i }

// Enabled reports whether any tracker is configured.
func (s *Service) Enabled() bool { return len(s.opts.Teams) > 0 }

// clientFor picks the item's team tracker, or the default.
func (s *Service) clientFor(ctx context.Context, it postmortem.ActionItem) (Client, error) {
	if it.TeamID != 0 && s.opts.TeamName != nil {
		name, err := s.opts.TeamName(ctx, it.TeamID)
		if err != nil && !apperr.Is(err, apperr.CodeNotFound) {
			return nil, err
		}
		if c, ok := s.opts.Teams[name]; ok && name != "" {
			return c, nil
		}
	}
	return s.opts.Teams[""], nil
}

// IssueOf is what an item looks like in a tracker: its labels always hold
// pm-action-item and inc-<n>.
func (s *Service) IssueOf(it postmortem.ActionItem) Issue {
	labels := append([]string{}, it.Labels...)
	for _, l := range []string{"pm-action-item", "inc-" + strconv.FormatInt(it.Number, 10)} {
		if !contains(labels, l) {
			labels = append(labels, l)
		}
	}
	var b strings.Builder
	if d := strings.TrimSpace(it.Description); d != "" {
		b.WriteString(d)
		b.WriteString("\n\n")
	}
	fmt.Fprintf(&b, "Action item of INC-%d", it.Number)
	if it.Important && it.Urgent {
		b.WriteString(" (important and urgent)")
	}
	if !it.Due.IsZero() {
		fmt.Fprintf(&b, ", due %s", it.Due.UTC().Format("2006-01-02"))
	}
	b.WriteString(".")
	if s.opts.ItemURL != nil {
		b.WriteString(" Firebreak: ")
		b.WriteString(s.opts.ItemURL(it))
	}
	return Issue{Title: it.Title, Description: b.String(), Labels: labels, Due: it.Due, Done: it.Status.Closed()}
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func hashOf(in Issue) string {
	h := sha256.New()
	fmt.Fprintf(h, "%q|%q|%q|%s|%v", in.Title, in.Description, strings.Join(in.Labels, ","), in.Due.UTC().Format(time.DateOnly), in.Done)
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// Sync creates the item's issue, or updates it when what Firebreak would
// write changed since the last sync. It is what the postmortem core's
// TrackJob calls, and it is idempotent.
func (s *Service) Sync(ctx context.Context, it postmortem.ActionItem) error {
	mu, _ := s.locks.LoadOrStore(it.ID, &sync.Mutex{})
	mu.(*sync.Mutex).Lock()
	defer mu.(*sync.Mutex).Unlock()
	link, err := s.store.Link(ctx, it.ID)
	switch {
	case err == nil:
	case apperr.Is(err, apperr.CodeNotFound):
		link = Link{}
	default:
		return err
	}
	var c Client
	if link.ExternalID != "" {
		c = s.clientOfLink(link)
	} else if c, err = s.clientFor(ctx, it); err != nil {
		return err
	}
	if c == nil {
		return nil // no tracker for this team: Firebreak's own list is enough
	}
	in := s.IssueOf(it)
	h := hashOf(in)
	if link.ExternalID != "" && link.SyncedHash == h {
		return nil
	}
	var r Remote
	if link.ExternalID == "" {
		r, err = c.Create(ctx, in)
		if err == nil && in.Done {
			r, err = c.Update(ctx, r.ID, in) // an item closed before its first sync
		}
	} else {
		r, err = c.Update(ctx, link.ExternalID, in)
	}
	if err != nil {
		if link.ExternalID != "" {
			link.LastError = err.Error()
			_ = s.store.SaveLink(ctx, link)
		}
		return fmt.Errorf("%s: %w", c.Kind(), err)
	}
	link = Link{ItemID: it.ID, Tracker: c.Kind(), Target: c.Target(), ExternalID: r.ID, URL: r.URL, State: r.State,
		Done: r.Done, SyncedHash: h, SyncedAt: s.opts.Now().UTC()}
	return s.store.SaveLink(ctx, link)
}

// clientOfLink finds the client a link was made with (the team's tracker
// may have changed since; the issue stays where it is).
func (s *Service) clientOfLink(l Link) Client {
	for _, c := range s.opts.Teams {
		if c.Kind() == l.Tracker && c.Target() == l.Target {
			return c
		}
	}
	return nil
}

// Link reads an item's issue link; every signed-in user may.
func (s *Service) Link(ctx context.Context, itemID int64) (Link, error) {
	if _, ok := access.From(ctx); !ok {
		return Link{}, apperr.Unauthenticated("sign in to see action items' issues")
	}
	return s.store.Link(ctx, itemID)
}

// Changed records a status the tracker reported (a webhook or a poll) and,
// when done-ness changed, tells the item. Unknown issues are ignored.
func (s *Service) Changed(ctx context.Context, tracker, target, externalID, state string, done bool) error {
	link, err := s.store.ByExternal(ctx, tracker, target, externalID)
	if apperr.Is(err, apperr.CodeNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	was := link.Done
	link.State, link.Done, link.SyncedAt = state, done, s.opts.Now().UTC()
	if err := s.store.SaveLink(ctx, link); err != nil {
		return err
	}
	if was == done || s.items == nil {
		return nil
	}
	return s.items.SetItemDone(access.With(ctx, access.System), link.ItemID, done)
}

// watchDone is how long a done issue is still polled for a reopen.
const watchDone = 30 * 24 * time.Hour

// Poll reads the status of every open issue (and those done within 30
// days), for trackers whose webhooks cannot reach Firebreak.
func (s *Service) Poll(ctx context.Context) error {
	links, err := s.store.WatchedLinks(ctx, s.opts.Now().Add(-watchDone))
	if err != nil {
		return err
	}
	var errs []error
	for _, l := range links {
		c := s.clientOfLink(l)
		if c == nil {
			continue
		}
		r, err := c.Get(ctx, l.ExternalID)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s %s: %w", l.Tracker, l.ExternalID, err))
			continue
		}
		if r.Done != l.Done || r.State != l.State {
			if err := s.Changed(ctx, l.Tracker, l.Target, l.ExternalID, r.State, r.Done); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}
