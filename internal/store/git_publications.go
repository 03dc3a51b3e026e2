package store

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/postmortem/gitpub"
)

// GitPublications stores the git review state of postmortems (gitpub.Store).
type GitPublications struct {
	s *Store
	q Enqueuer
}

var _ gitpub.Store = (*GitPublications)(nil)

// GitPublications returns the store of git publications; q receives the jobs.
func (s *Store) GitPublications(q Enqueuer) *GitPublications { return &GitPublications{s: s, q: q} }

const gitPubColumns = `number, revision, state, doc, branch, path, head_commit, blob, pr_number, pr_url, merge_commit, last_error, requested_at, submitted_at, merged_at`

func scanGitPub(row rowScanner) (gitpub.Publication, error) {
	var p gitpub.Publication
	var doc string
	var sub, merged sql.NullTime
	err := row.Scan(&p.Number, &p.Revision, &p.State, &doc, &p.Branch, &p.Path, &p.HeadCommit, &p.Blob, &p.PRNumber, &p.PRURL,
		&p.MergeCommit, &p.LastError, &p.RequestedAt, &sub, &merged)
	p.Doc = []byte(doc)
	p.RequestedAt = p.RequestedAt.UTC()
	p.SubmittedAt, p.MergedAt = spTime(sub), spTime(merged)
	return p, err
}

// Request records a submission and enqueues its push job in one transaction.
func (r *GitPublications) Request(ctx context.Context, number int64, doc []byte, at time.Time, job func(int64) gitpub.PushJob) error {
	return r.s.InTx(ctx, func(tx *Tx) error {
		var rev int64
		err := tx.tx.QueryRowContext(ctx, `INSERT INTO git_publications (number, revision, state, doc, requested_at) VALUES ($1, 1, 'pending', $2, $3)
			ON CONFLICT (number) DO UPDATE SET
				revision = CASE WHEN git_publications.state = 'merged' THEN git_publications.revision + 1 ELSE git_publications.revision END,
				branch = CASE WHEN git_publications.state = 'merged' THEN '' ELSE git_publications.branch END,
				pr_number = CASE WHEN git_publications.state = 'merged' THEN 0 ELSE git_publications.pr_number END,
				pr_url = CASE WHEN git_publications.state = 'merged' THEN '' ELSE git_publications.pr_url END,
				state = 'pending', doc = excluded.doc, requested_at = excluded.requested_at, last_error = '', merge_commit = '', merged_at = NULL
			RETURNING revision`, number, string(doc), at.UTC()).Scan(&rev)
		if err != nil {
			return mapErr(err)
		}
		if r.q == nil {
			return nil
		}
		return r.q.EnqueueTx(ctx, tx.tx, job(rev))
	})
}

// Publication reads one postmortem's review state.
func (r *GitPublications) Publication(ctx context.Context, number int64) (gitpub.Publication, error) {
	return r.one(ctx, "git publication of INC-"+strconv.FormatInt(number, 10), `WHERE number = $1`, number)
}

// ByBranch finds the publication under review on branch.
func (r *GitPublications) ByBranch(ctx context.Context, branch string) (gitpub.Publication, error) {
	return r.one(ctx, "git publication on branch "+branch, `WHERE branch = $1`, branch)
}

func (r *GitPublications) one(ctx context.Context, what, where string, arg any) (gitpub.Publication, error) {
	p, err := scanGitPub(r.s.rdb.QueryRowContext(ctx, `SELECT `+gitPubColumns+` FROM git_publications `+where, arg))
	if err == sql.ErrNoRows {
		return p, apperr.NotFound(what)
	}
	return p, mapErr(err)
}

// Open lists the submitted publications.
func (r *GitPublications) Open(ctx context.Context) ([]gitpub.Publication, error) {
	rows, err := r.s.rdb.QueryContext(ctx, `SELECT `+gitPubColumns+` FROM git_publications WHERE state = 'submitted' ORDER BY number`)
	if err != nil {
		return nil, mapErr(err)
	}
	return collect(rows, scanGitPub)
}

// Pushed records the pushed branch of a pending revision.
func (r *GitPublications) Pushed(ctx context.Context, p gitpub.Publication) error {
	_, err := r.s.db.ExecContext(ctx, `UPDATE git_publications SET state = 'submitted', branch = $1, path = $2, head_commit = $3, blob = $4,
		pr_number = $5, pr_url = $6, submitted_at = $7, last_error = '' WHERE number = $8 AND revision = $9 AND state = 'pending'`,
		p.Branch, p.Path, p.HeadCommit, p.Blob, p.PRNumber, p.PRURL, p.SubmittedAt, p.Number, p.Revision)
	return mapErr(err)
}

// Merge records a merge and enqueues the publish job, once.
func (r *GitPublications) Merge(ctx context.Context, number, revision int64, commit, url string, at time.Time, job gitpub.MarkJob) (bool, error) {
	var done bool
	err := r.s.InTx(ctx, func(tx *Tx) error {
		res, err := tx.tx.ExecContext(ctx, `UPDATE git_publications SET state = 'merged', merge_commit = $1, pr_url = CASE WHEN $2 = '' THEN pr_url ELSE $2 END, merged_at = $3
			WHERE number = $4 AND revision = $5 AND state = 'submitted'`, commit, url, at.UTC(), number, revision)
		if err != nil {
			return mapErr(err)
		}
		n, err := res.RowsAffected()
		if err != nil || n == 0 {
			return mapErr(err)
		}
		done = true
		if r.q == nil {
			return nil
		}
		return r.q.EnqueueTx(ctx, tx.tx, job)
	})
	return done, err
}

// Failed records the last error of a revision's push.
func (r *GitPublications) Failed(ctx context.Context, number, revision int64, msg string) error {
	_, err := r.s.db.ExecContext(ctx, `UPDATE git_publications SET last_error = $1 WHERE number = $2 AND revision = $3`, msg, number, revision)
	return mapErr(err)
}
