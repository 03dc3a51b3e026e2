package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/audit"
	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/postmortem"
)

// Postmortems stores postmortems, their versions, templates, meetings,
// 5-Why forms, action items and reviews (postmortem.Store).
type Postmortems struct {
	s *Store
	q Enqueuer
}

var _ postmortem.Store = (*Postmortems)(nil)

// Postmortems returns the postmortem store; q receives the side-effect jobs.
func (s *Store) Postmortems(q Enqueuer) *Postmortems { return &Postmortems{s: s, q: q} }

type pmTx struct {
	*Tx
	q Enqueuer
}

var _ postmortem.Tx = pmTx{}

// InTx runs fn in one transaction.
func (r *Postmortems) InTx(ctx context.Context, fn func(postmortem.Tx) error) error {
	return r.s.InTx(ctx, func(tx *Tx) error { return fn(pmTx{tx, r.q}) })
}

// Within returns the postmortem side of an incident change's transaction.
func (r *Postmortems) Within(itx incident.Tx) (postmortem.Tx, error) {
	t, ok := itx.(incidentTx)
	if !ok {
		return nil, apperr.Internal(fmt.Errorf("postmortems: %T is not a transaction of this store", itx))
	}
	return pmTx{t.Tx, r.q}, nil
}

// Enqueue adds a job inside the transaction.
func (t pmTx) Enqueue(ctx context.Context, job postmortem.Job) error {
	if t.q == nil {
		return nil
	}
	return t.q.EnqueueTx(ctx, t.tx, job)
}

// Audit records an audit entry inside the transaction.
func (t pmTx) Audit(ctx context.Context, e audit.Entry) error { return t.Tx.Audit(ctx, e) }

func pmNullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}

func pmForUpdate(d Dialect, q string) string {
	if d == Postgres {
		return q + ` FOR UPDATE`
	}
	return q
}

// --- postmortems ---

const pmColumns = `incident_number, title, slug, body, status, version, template_id, severity, resolved_at, created_at, updated_at,
	updated_by, published_at, pub_mode, pub_commit, pub_url, waiver_reason, waived_by, waived_at`

func scanPostmortem(row rowScanner) (*postmortem.Postmortem, error) {
	var (
		p                           postmortem.Postmortem
		tpl, updatedBy, waivedBy    sql.NullInt64
		resolved, published, waived sql.NullTime
		mode, commit, url, reason   string
	)
	err := row.Scan(&p.Number, &p.Title, &p.Slug, &p.Body, &p.Status, &p.Version, &tpl, &p.Severity, &resolved, &p.CreatedAt, &p.UpdatedAt,
		&updatedBy, &published, &mode, &commit, &url, &reason, &waivedBy, &waived)
	if err != nil {
		return nil, err
	}
	p.TemplateID, p.UpdatedBy = tpl.Int64, updatedBy.Int64
	p.ResolvedAt, p.CreatedAt, p.UpdatedAt = spTime(resolved), p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	if published.Valid {
		p.Publication = &postmortem.Publication{Mode: mode, Commit: commit, URL: url, At: published.Time.UTC()}
	}
	if waived.Valid {
		p.Waiver = &postmortem.Waiver{Reason: reason, By: waivedBy.Int64, At: waived.Time.UTC()}
	}
	return &p, nil
}

func pmWhat(number int64) string { return "the postmortem of " + incident.Ref(number) }

// Get reads one postmortem.
func (r *Postmortems) Get(ctx context.Context, number int64) (*postmortem.Postmortem, error) {
	return spQueryOne(ctx, r.s.rdb, scanPostmortem, pmWhat(number), `SELECT `+pmColumns+` FROM postmortems WHERE incident_number = $1`, number)
}

// List returns postmortems, newest incident first.
func (r *Postmortems) List(ctx context.Context, status postmortem.Status, limit int) ([]*postmortem.Postmortem, error) {
	return spQueryAll(ctx, r.s.rdb, scanPostmortem, `SELECT `+pmColumns+` FROM postmortems WHERE status = $1 OR $1 = '' ORDER BY incident_number DESC LIMIT $2`, string(status), limit)
}

// GetForUpdate reads a postmortem inside the transaction.
func (t pmTx) GetForUpdate(ctx context.Context, number int64) (*postmortem.Postmortem, error) {
	return spQueryOne(ctx, t.tx, scanPostmortem, pmWhat(number), pmForUpdate(t.s.dialect, `SELECT `+pmColumns+` FROM postmortems WHERE incident_number = $1`), number)
}

func pmArgs(p *postmortem.Postmortem) []any {
	var published any
	mode, commit, url := "", "", ""
	if p.Publication != nil {
		published, mode, commit, url = p.Publication.At.UTC(), p.Publication.Mode, p.Publication.Commit, p.Publication.URL
	}
	var waived, waivedBy any
	reason := ""
	if p.Waiver != nil {
		waived, waivedBy, reason = p.Waiver.At.UTC(), spNullID(p.Waiver.By), p.Waiver.Reason
	}
	return []any{p.Number, p.Title, p.Slug, p.Body, string(p.Status), p.Version, spNullID(p.TemplateID), p.Severity, pmNullTime(p.ResolvedAt),
		p.CreatedAt.UTC(), p.UpdatedAt.UTC(), spNullID(p.UpdatedBy), published, mode, commit, url, reason, waivedBy, waived}
}

// Insert stores a new postmortem; false when the incident already has one.
func (t pmTx) Insert(ctx context.Context, p *postmortem.Postmortem) (bool, error) {
	res, err := t.tx.ExecContext(ctx, `INSERT INTO postmortems (`+pmColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
		ON CONFLICT (incident_number) DO NOTHING`, pmArgs(p)...)
	if err != nil {
		return false, mapErr(err)
	}
	n, err := res.RowsAffected()
	return n == 1, mapErr(err)
}

// Save writes a postmortem if its stored version is still prev.
func (t pmTx) Save(ctx context.Context, p *postmortem.Postmortem, prev int64) (bool, error) {
	args := append(pmArgs(p), prev)
	res, err := t.tx.ExecContext(ctx, `UPDATE postmortems SET title = $2, slug = $3, body = $4, status = $5, version = $6, template_id = $7,
		severity = $8, resolved_at = $9, created_at = $10, updated_at = $11, updated_by = $12, published_at = $13, pub_mode = $14,
		pub_commit = $15, pub_url = $16, waiver_reason = $17, waived_by = $18, waived_at = $19
		WHERE incident_number = $1 AND version = $20`, args...)
	if err != nil {
		return false, mapErr(err)
	}
	n, err := res.RowsAffected()
	return n == 1, mapErr(err)
}

// --- versions ---

func scanPMVersion(row rowScanner) (postmortem.Version, error) {
	var (
		v      postmortem.Version
		author sql.NullInt64
	)
	err := row.Scan(&v.Number, &v.Version, &v.Body, &author, &v.AuthorName, &v.Note, &v.At)
	v.AuthorID, v.At = author.Int64, v.At.UTC()
	return v, err
}

const pmVersionColumns = `incident_number, version, body, author_id, author_name, note, created_at`

// Versions lists every version of a postmortem, oldest first.
func (r *Postmortems) Versions(ctx context.Context, number int64) ([]postmortem.Version, error) {
	return spQueryAll(ctx, r.s.rdb, scanPMVersion, `SELECT `+pmVersionColumns+` FROM postmortem_versions WHERE incident_number = $1 ORDER BY version`, number)
}

// Version reads one version.
func (r *Postmortems) Version(ctx context.Context, number, version int64) (postmortem.Version, error) {
	return spQueryOne(ctx, r.s.rdb, scanPMVersion, fmt.Sprintf("version %d of %s", version, pmWhat(number)),
		`SELECT `+pmVersionColumns+` FROM postmortem_versions WHERE incident_number = $1 AND version = $2`, number, version)
}

// AddVersion records a version.
func (t pmTx) AddVersion(ctx context.Context, v postmortem.Version) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO postmortem_versions (`+pmVersionColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		v.Number, v.Version, v.Body, spNullID(v.AuthorID), v.AuthorName, v.Note, v.At.UTC())
	return mapErr(err)
}

// --- templates ---

const pmTemplateColumns = `id, name, body, is_default, updated_by, created_at, updated_at`

func scanPMTemplate(row rowScanner) (postmortem.Template, error) {
	var (
		t  postmortem.Template
		by sql.NullInt64
	)
	err := row.Scan(&t.ID, &t.Name, &t.Body, &t.Default, &by, &t.CreatedAt, &t.UpdatedAt)
	t.UpdatedBy, t.CreatedAt, t.UpdatedAt = by.Int64, t.CreatedAt.UTC(), t.UpdatedAt.UTC()
	return t, err
}

// Templates lists the templates, the default first.
func (r *Postmortems) Templates(ctx context.Context) ([]postmortem.Template, error) {
	return spQueryAll(ctx, r.s.rdb, scanPMTemplate, `SELECT `+pmTemplateColumns+` FROM postmortem_templates ORDER BY is_default DESC, name`)
}

// Template reads one template.
func (r *Postmortems) Template(ctx context.Context, id int64) (postmortem.Template, error) {
	return spQueryOne(ctx, r.s.rdb, scanPMTemplate, fmt.Sprintf("postmortem template %d", id), `SELECT `+pmTemplateColumns+` FROM postmortem_templates WHERE id = $1`, id)
}

// SaveTemplate inserts or updates a template; a default unsets the others.
func (t pmTx) SaveTemplate(ctx context.Context, tp *postmortem.Template) error {
	if tp.Default {
		if _, err := t.tx.ExecContext(ctx, `UPDATE postmortem_templates SET is_default = FALSE WHERE id <> $1`, tp.ID); err != nil {
			return mapErr(err)
		}
	}
	if tp.ID == 0 {
		return mapErr(t.tx.QueryRowContext(ctx, `INSERT INTO postmortem_templates (name, body, is_default, updated_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, tp.Name, tp.Body, tp.Default, spNullID(tp.UpdatedBy), tp.CreatedAt.UTC(), tp.UpdatedAt.UTC()).Scan(&tp.ID))
	}
	return spExecOne(ctx, t.tx, fmt.Sprintf("postmortem template %d", tp.ID), `UPDATE postmortem_templates SET name = $1, body = $2, is_default = $3,
		updated_by = $4, updated_at = $5 WHERE id = $6`, tp.Name, tp.Body, tp.Default, spNullID(tp.UpdatedBy), tp.UpdatedAt.UTC(), tp.ID)
}

// DeleteTemplate removes a template.
func (t pmTx) DeleteTemplate(ctx context.Context, id int64) error {
	return spExecOne(ctx, t.tx, fmt.Sprintf("postmortem template %d", id), `DELETE FROM postmortem_templates WHERE id = $1`, id)
}

// DefaultTemplate reads the default template; nil when none is stored.
func (t pmTx) DefaultTemplate(ctx context.Context) (*postmortem.Template, error) {
	tp, err := spQueryOne(ctx, t.tx, scanPMTemplate, "default template", `SELECT `+pmTemplateColumns+` FROM postmortem_templates WHERE is_default ORDER BY id LIMIT 1`)
	if apperr.CodeOf(err) == apperr.CodeNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &tp, nil
}

// --- meetings ---

const pmMeetingColumns = `incident_number, uid, starts_at, minutes, location, sequence, cancelled, attendees, notes, started_at, ended_at,
	scheduled_by, version, created_at, updated_at`

func scanPMMeeting(row rowScanner) (*postmortem.Meeting, error) {
	var (
		m              postmortem.Meeting
		attendees      string
		started, ended sql.NullTime
		by             sql.NullInt64
	)
	err := row.Scan(&m.Number, &m.UID, &m.Start, &m.Minutes, &m.Location, &m.Sequence, &m.Cancelled, &attendees, &m.Notes, &started, &ended,
		&by, &m.Version, &m.CreatedAt, &m.UpdatedAt)
	if err != nil {
		return nil, err
	}
	m.Start, m.CreatedAt, m.UpdatedAt = m.Start.UTC(), m.CreatedAt.UTC(), m.UpdatedAt.UTC()
	m.StartedAt, m.EndedAt, m.ScheduledBy = spTime(started), spTime(ended), by.Int64
	return &m, json.Unmarshal([]byte(attendees), &m.Attendees)
}

// Meeting reads the meeting of an incident.
func (r *Postmortems) Meeting(ctx context.Context, number int64) (*postmortem.Meeting, error) {
	return spQueryOne(ctx, r.s.rdb, scanPMMeeting, "the meeting of "+incident.Ref(number), `SELECT `+pmMeetingColumns+` FROM postmortem_meetings WHERE incident_number = $1`, number)
}

// MeetingForUpdate reads the meeting inside the transaction; nil when none.
func (t pmTx) MeetingForUpdate(ctx context.Context, number int64) (*postmortem.Meeting, error) {
	m, err := spQueryOne(ctx, t.tx, scanPMMeeting, "meeting", pmForUpdate(t.s.dialect, `SELECT `+pmMeetingColumns+` FROM postmortem_meetings WHERE incident_number = $1`), number)
	if apperr.CodeOf(err) == apperr.CodeNotFound {
		return nil, nil
	}
	return m, err
}

// SaveMeeting inserts or replaces the meeting.
func (t pmTx) SaveMeeting(ctx context.Context, m *postmortem.Meeting) error {
	if m.Attendees == nil {
		m.Attendees = []int64{}
	}
	_, err := t.tx.ExecContext(ctx, `INSERT INTO postmortem_meetings (`+pmMeetingColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
		ON CONFLICT (incident_number) DO UPDATE SET starts_at = excluded.starts_at, minutes = excluded.minutes, location = excluded.location,
			sequence = excluded.sequence, cancelled = excluded.cancelled, attendees = excluded.attendees, notes = excluded.notes,
			started_at = excluded.started_at, ended_at = excluded.ended_at, scheduled_by = excluded.scheduled_by,
			version = excluded.version, updated_at = excluded.updated_at`,
		m.Number, m.UID, m.Start.UTC(), m.Minutes, m.Location, m.Sequence, m.Cancelled, spJSON(m.Attendees), m.Notes,
		pmNullTime(m.StartedAt), pmNullTime(m.EndedAt), spNullID(m.ScheduledBy), m.Version, m.CreatedAt.UTC(), m.UpdatedAt.UTC())
	return mapErr(err)
}

// --- forms ---

const pmFormColumns = `incident_number, user_id, saw, did, whys, submitted_at, reminded_at, created_at, updated_at`

func scanPMForm(row rowScanner) (*postmortem.Form, error) {
	var (
		f                   postmortem.Form
		whys                string
		submitted, reminded sql.NullTime
	)
	if err := row.Scan(&f.Number, &f.UserID, &f.Saw, &f.Did, &whys, &submitted, &reminded, &f.CreatedAt, &f.UpdatedAt); err != nil {
		return nil, err
	}
	f.SubmittedAt, f.RemindedAt, f.CreatedAt, f.UpdatedAt = spTime(submitted), spTime(reminded), f.CreatedAt.UTC(), f.UpdatedAt.UTC()
	return &f, json.Unmarshal([]byte(whys), &f.Whys)
}

// Forms lists the forms of an incident.
func (r *Postmortems) Forms(ctx context.Context, number int64) ([]postmortem.Form, error) {
	ptrs, err := spQueryAll(ctx, r.s.rdb, scanPMForm, `SELECT `+pmFormColumns+` FROM postmortem_forms WHERE incident_number = $1 ORDER BY created_at, user_id`, number)
	return derefAll(ptrs), err
}

func derefAll[T any](ptrs []*T) []T {
	out := make([]T, len(ptrs))
	for i, p := range ptrs {
		out[i] = *p
	}
	return out
}

// Form reads one person's form.
func (r *Postmortems) Form(ctx context.Context, number, userID int64) (*postmortem.Form, error) {
	return spQueryOne(ctx, r.s.rdb, scanPMForm, "the 5-Why form", `SELECT `+pmFormColumns+` FROM postmortem_forms WHERE incident_number = $1 AND user_id = $2`, number, userID)
}

// FormForUpdate reads one person's form inside the transaction; nil when none.
func (t pmTx) FormForUpdate(ctx context.Context, number, userID int64) (*postmortem.Form, error) {
	f, err := spQueryOne(ctx, t.tx, scanPMForm, "form", pmForUpdate(t.s.dialect, `SELECT `+pmFormColumns+` FROM postmortem_forms WHERE incident_number = $1 AND user_id = $2`), number, userID)
	if apperr.CodeOf(err) == apperr.CodeNotFound {
		return nil, nil
	}
	return f, err
}

// SaveForm inserts or replaces a form.
func (t pmTx) SaveForm(ctx context.Context, f *postmortem.Form) error {
	if f.Whys == nil {
		f.Whys = []string{}
	}
	_, err := t.tx.ExecContext(ctx, `INSERT INTO postmortem_forms (`+pmFormColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (incident_number, user_id) DO UPDATE SET saw = excluded.saw, did = excluded.did, whys = excluded.whys,
			submitted_at = excluded.submitted_at, reminded_at = excluded.reminded_at, updated_at = excluded.updated_at`,
		f.Number, f.UserID, f.Saw, f.Did, spJSON(f.Whys), pmNullTime(f.SubmittedAt), pmNullTime(f.RemindedAt), f.CreatedAt.UTC(), f.UpdatedAt.UTC())
	return mapErr(err)
}

// --- reviews ---

func scanPMReviewer(row rowScanner) (postmortem.Reviewer, error) {
	var (
		r       postmortem.Reviewer
		by      sql.NullInt64
		decided sql.NullTime
	)
	err := row.Scan(&r.Number, &r.UserID, &r.State, &by, &r.RequestedAt, &decided, &r.ApprovedVersion)
	r.RequestedBy, r.RequestedAt, r.DecidedAt = by.Int64, r.RequestedAt.UTC(), spTime(decided)
	return r, err
}

const pmReviewerColumns = `incident_number, user_id, state, requested_by, requested_at, decided_at, approved_version`

// Reviewers lists the requested reviewers.
func (r *Postmortems) Reviewers(ctx context.Context, number int64) ([]postmortem.Reviewer, error) {
	return spQueryAll(ctx, r.s.rdb, scanPMReviewer, `SELECT `+pmReviewerColumns+` FROM postmortem_reviewers WHERE incident_number = $1 ORDER BY requested_at, user_id`, number)
}

// Reviewers lists the requested reviewers inside the transaction.
func (t pmTx) Reviewers(ctx context.Context, number int64) ([]postmortem.Reviewer, error) {
	return spQueryAll(ctx, t.tx, scanPMReviewer, `SELECT `+pmReviewerColumns+` FROM postmortem_reviewers WHERE incident_number = $1 ORDER BY requested_at, user_id`, number)
}

// SaveReviewer inserts or updates a reviewer.
func (t pmTx) SaveReviewer(ctx context.Context, r postmortem.Reviewer) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO postmortem_reviewers (`+pmReviewerColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (incident_number, user_id) DO UPDATE SET state = excluded.state, decided_at = excluded.decided_at, approved_version = excluded.approved_version`,
		r.Number, r.UserID, string(r.State), spNullID(r.RequestedBy), r.RequestedAt.UTC(), pmNullTime(r.DecidedAt), r.ApprovedVersion)
	return mapErr(err)
}

// Comments lists the review comments, oldest first.
func (r *Postmortems) Comments(ctx context.Context, number int64) ([]postmortem.Comment, error) {
	return spQueryAll(ctx, r.s.rdb, func(row rowScanner) (postmortem.Comment, error) {
		var (
			c      postmortem.Comment
			author sql.NullInt64
		)
		err := row.Scan(&c.ID, &c.Number, &author, &c.AuthorName, &c.Body, &c.At)
		c.AuthorID, c.At = author.Int64, c.At.UTC()
		return c, err
	}, `SELECT id, incident_number, author_id, author_name, body, created_at FROM postmortem_comments WHERE incident_number = $1 ORDER BY id`, number)
}

// AddComment stores a comment.
func (t pmTx) AddComment(ctx context.Context, c *postmortem.Comment) error {
	return mapErr(t.tx.QueryRowContext(ctx, `INSERT INTO postmortem_comments (incident_number, author_id, author_name, body, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, c.Number, spNullID(c.AuthorID), c.AuthorName, c.Body, c.At.UTC()).Scan(&c.ID))
}
