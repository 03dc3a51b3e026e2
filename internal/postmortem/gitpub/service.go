package gitpub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/forge"
	"github.com/firebreak-hq/firebreak/internal/postmortem"
)

// The states of a publication.
const (
	Pending   = "pending"   // requested; the push job has not run yet
	Submitted = "submitted" // the branch is pushed (and the pull request open)
	Merged    = "merged"    // the branch reached main; MarkJob publishes it
)

// Publication is the review state of one postmortem in the repository.
type Publication struct {
	Number      int64
	Revision    int64 // 1 for the first review; each edit after publishing adds one
	State       string
	Doc         []byte // the postmortem.Doc as submitted, JSON
	Branch      string
	Path        string
	HeadCommit  string
	Blob        string
	PRNumber    int64
	PRURL       string
	MergeCommit string
	LastError   string
	RequestedAt time.Time
	SubmittedAt *time.Time
	MergedAt    *time.Time
}

// Store keeps the publications (internal/store/git_publications.go).
type Store interface {
	// Request records a submission and enqueues the push job it returns
	// (built from the revision the store assigned) in the same transaction:
	// a new revision if the last one merged, else the same one, pending again.
	Request(ctx context.Context, number int64, doc []byte, at time.Time, job func(revision int64) PushJob) error
	Publication(ctx context.Context, number int64) (Publication, error)
	ByBranch(ctx context.Context, branch string) (Publication, error)
	// Open lists the submitted publications, which polling watches.
	Open(ctx context.Context) ([]Publication, error)
	// Pushed records the branch (and pull request) of a pending revision.
	Pushed(ctx context.Context, p Publication) error
	// Merge records the merge of a submitted revision and enqueues the
	// MarkJob in the same transaction; false when it was not submitted.
	Merge(ctx context.Context, number, revision int64, commit, url string, at time.Time, job MarkJob) (bool, error)
	// Failed records why the last push did not work.
	Failed(ctx context.Context, number, revision int64, msg string) error
}

// Marker publishes a postmortem: (*postmortem.Service).MarkPublished.
type Marker interface {
	MarkPublished(ctx context.Context, number int64, how postmortem.Publication) error
}

// PushJob writes and pushes one revision and opens its pull request.
type PushJob struct {
	Number   int64 `json:"number"`
	Revision int64 `json:"revision"`
}

// Kind names the job.
func (PushJob) Kind() string { return "gitpub_push" }

// MarkJob tells the postmortem core that a revision merged.
type MarkJob struct {
	Number int64     `json:"number"`
	Commit string    `json:"commit"`
	URL    string    `json:"url"`
	At     time.Time `json:"at"`
}

// Kind names the job.
func (MarkJob) Kind() string { return "gitpub_mark_published" }

// Options configure the service.
type Options struct {
	Dir          string        // folder in the repository; default "postmortems"
	BranchPrefix string        // default "postmortem/"
	Forge        *forge.Client // nil: a plain repository, where a merge is a push to main
	Now          func() time.Time
	Log          *slog.Logger
}

// Service is git-based review: it implements postmortem.Publisher.
type Service struct {
	repo   *Repo
	store  Store
	marker Marker
	opts   Options
}

var _ postmortem.Publisher = (*Service)(nil)

// NewService builds the service on repo; marker is set later with SetMarker
// when the postmortem service is built after it.
func NewService(repo *Repo, st Store, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	return &Service{repo: repo, store: st, opts: opts}
}

// SetMarker sets who is told about merges.
func (s *Service) SetMarker(m Marker) { s.marker = m }

// Submit records doc for review and enqueues its push: durable when it
// returns. Submitting again before the merge updates the same branch and
// pull request; after the merge it starts a new revision on a new branch.
func (s *Service) Submit(ctx context.Context, doc *postmortem.Doc) error {
	data, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	return s.store.Request(ctx, doc.Number, data, s.opts.Now(), func(rev int64) PushJob {
		return PushJob{Number: doc.Number, Revision: rev}
	})
}

// Status reads the review state of a postmortem; every signed-in user may.
func (s *Service) Status(ctx context.Context, number int64) (Publication, error) {
	if _, ok := access.From(ctx); !ok {
		return Publication{}, apperr.Unauthenticated("sign in to see the git review")
	}
	return s.store.Publication(ctx, number)
}

// Push runs a PushJob: it re-reads the publication and does nothing unless
// that revision is still pending.
func (s *Service) Push(ctx context.Context, j PushJob, attempt int) error {
	p, err := s.store.Publication(ctx, j.Number)
	if err != nil {
		return err
	}
	if p.Revision != j.Revision || p.State != Pending {
		return nil
	}
	var doc postmortem.Doc
	if err := json.Unmarshal(p.Doc, &doc); err != nil {
		return fmt.Errorf("gitpub: stored document of INC-%d: %w", j.Number, err)
	}
	branch := Branch(s.opts.BranchPrefix, &doc, p.Revision)
	path := Path(s.opts.Dir, &doc)
	msg := fmt.Sprintf("Postmortem INC-%d: %s", doc.Number, doc.Title)
	if p.Revision > 1 {
		msg = fmt.Sprintf("Postmortem INC-%d: %s (revision %d)", doc.Number, doc.Title, p.Revision)
	}
	pushed, err := s.repo.Write(ctx, branch, path, Render(&doc, p.Revision), msg, p.RequestedAt)
	if err != nil {
		_ = s.store.Failed(ctx, j.Number, j.Revision, err.Error())
		return err
	}
	p.Branch, p.Path, p.HeadCommit, p.Blob = pushed.Branch, pushed.Path, pushed.Commit, pushed.Blob
	if s.opts.Forge != nil {
		pr, err := s.opts.Forge.Open(ctx, forge.NewPullRequest{Title: msg, Head: branch, Base: s.repo.main(),
			Body: fmt.Sprintf("Postmortem of INC-%d for review. Merging this pull request publishes it in Firebreak.", doc.Number)})
		if err != nil {
			_ = s.store.Failed(ctx, j.Number, j.Revision, "open pull request: "+err.Error())
			return err
		}
		p.PRNumber, p.PRURL = pr.Number, pr.URL
	}
	now := s.opts.Now()
	p.SubmittedAt = &now
	return s.store.Pushed(ctx, p)
}

// Poll checks every submitted publication for its merge: through the forge
// when there is one, else by looking for the branch on the main branch.
// It runs on a timer; each check is independent and idempotent.
func (s *Service) Poll(ctx context.Context) error {
	open, err := s.store.Open(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, p := range open {
		if err := s.check(ctx, p); err != nil {
			errs = append(errs, fmt.Errorf("INC-%d: %w", p.Number, err))
		}
	}
	return errors.Join(errs...)
}

func (s *Service) check(ctx context.Context, p Publication) error {
	if s.opts.Forge != nil && p.PRNumber != 0 {
		pr, err := s.opts.Forge.Get(ctx, p.PRNumber)
		if err != nil {
			return err
		}
		if !pr.Merged {
			return nil
		}
		return s.merged(ctx, p, pr.MergeCommit, pr.URL)
	}
	commit, ok, err := s.repo.Landed(ctx, Pushed{Branch: p.Branch, Path: p.Path, Commit: p.HeadCommit, Blob: p.Blob})
	if err != nil || !ok {
		return err
	}
	return s.merged(ctx, p, commit, p.PRURL)
}

func (s *Service) merged(ctx context.Context, p Publication, commit, url string) error {
	now := s.opts.Now()
	ok, err := s.store.Merge(ctx, p.Number, p.Revision, commit, url, now, MarkJob{Number: p.Number, Commit: commit, URL: url, At: now})
	if ok {
		s.opts.Log.Info("postmortem merged", "incident", p.Number, "revision", p.Revision, "commit", commit)
	}
	return err
}

// HandleEvent acts on a forge webhook: a merged pull request of one of
// Firebreak's branches publishes its postmortem. Others are ignored.
func (s *Service) HandleEvent(ctx context.Context, ev forge.Event) error {
	if ev.Action != "closed" || !ev.Merged || ev.Branch == "" {
		return nil
	}
	p, err := s.store.ByBranch(ctx, ev.Branch)
	if err != nil {
		if isNotFound(err) {
			return nil
		}
		return err
	}
	if p.State != Submitted {
		return nil
	}
	url := ev.URL
	if url == "" {
		url = p.PRURL
	}
	return s.merged(ctx, p, ev.MergeCommit, url)
}

// Mark runs a MarkJob: it tells the postmortem core, as Firebreak itself.
func (s *Service) Mark(ctx context.Context, j MarkJob, attempt int) error {
	if s.marker == nil {
		return errors.New("gitpub: no postmortem service to mark the publication")
	}
	return s.marker.MarkPublished(access.With(ctx, access.System), j.Number,
		postmortem.Publication{Mode: postmortem.ModeGit, Commit: j.Commit, URL: j.URL, At: j.At})
}

func isNotFound(err error) bool { return apperr.Is(err, apperr.CodeNotFound) }
