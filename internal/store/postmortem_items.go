package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/postmortem"
)

const pmItemColumns = `id, incident_number, title, description, owner_id, team_id, important, urgent, due_at, status, labels, product_owner,
	due_agreed_at, created_by, created_at, updated_at, done_at, owner_reminded_at, im_reminded_at, version`

func scanPMItem(row rowScanner) (*postmortem.ActionItem, error) {
	var (
		it                            postmortem.ActionItem
		owner, team, by               sql.NullInt64
		labels                        string
		agreed, done, ownerRem, imRem sql.NullTime
	)
	err := row.Scan(&it.ID, &it.Number, &it.Title, &it.Description, &owner, &team, &it.Important, &it.Urgent, &it.Due, &it.Status, &labels,
		&it.ProductOwner, &agreed, &by, &it.CreatedAt, &it.UpdatedAt, &done, &ownerRem, &imRem, &it.Version)
	if err != nil {
		return nil, err
	}
	it.OwnerID, it.TeamID, it.CreatedBy = owner.Int64, team.Int64, by.Int64
	it.Due, it.CreatedAt, it.UpdatedAt = it.Due.UTC(), it.CreatedAt.UTC(), it.UpdatedAt.UTC()
	it.DueAgreedAt, it.DoneAt, it.OwnerReminded, it.IMReminded = spTime(agreed), spTime(done), spTime(ownerRem), spTime(imRem)
	return &it, json.Unmarshal([]byte(labels), &it.Labels)
}

// Items lists action items, the soonest due first.
func (r *Postmortems) Items(ctx context.Context, f postmortem.ItemFilter) ([]postmortem.ActionItem, error) {
	var w filter
	if f.Number != 0 {
		w.add("incident_number = " + w.arg(f.Number))
	}
	if f.OwnerID != 0 {
		w.add("owner_id = " + w.arg(f.OwnerID))
	}
	if f.TeamID != 0 {
		w.add("team_id = " + w.arg(f.TeamID))
	}
	if f.Open {
		w.add("status NOT IN ('done', 'wont_do')")
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 200
	}
	q := `SELECT ` + pmItemColumns + ` FROM postmortem_action_items` + w.where() + ` ORDER BY due_at, id LIMIT ` + w.arg(limit)
	ptrs, err := spQueryAll(ctx, r.s.rdb, scanPMItem, q, w.args...)
	return derefAll(ptrs), err
}

// Item reads one action item.
func (r *Postmortems) Item(ctx context.Context, id int64) (*postmortem.ActionItem, error) {
	return spQueryOne(ctx, r.s.rdb, scanPMItem, fmt.Sprintf("action item %d", id), `SELECT `+pmItemColumns+` FROM postmortem_action_items WHERE id = $1`, id)
}

// ItemForUpdate reads an action item inside the transaction.
func (t pmTx) ItemForUpdate(ctx context.Context, id int64) (*postmortem.ActionItem, error) {
	return spQueryOne(ctx, t.tx, scanPMItem, fmt.Sprintf("action item %d", id), pmForUpdate(t.s.dialect, `SELECT `+pmItemColumns+` FROM postmortem_action_items WHERE id = $1`), id)
}

// SaveItem inserts (ID 0) or updates an action item.
func (t pmTx) SaveItem(ctx context.Context, it *postmortem.ActionItem) error {
	args := []any{it.Number, it.Title, it.Description, spNullID(it.OwnerID), spNullID(it.TeamID), it.Important, it.Urgent, it.Due.UTC(),
		string(it.Status), spJSON(it.Labels), it.ProductOwner, pmNullTime(it.DueAgreedAt), spNullID(it.CreatedBy), it.CreatedAt.UTC(),
		it.UpdatedAt.UTC(), pmNullTime(it.DoneAt), pmNullTime(it.OwnerReminded), pmNullTime(it.IMReminded), it.Version}
	if it.ID == 0 {
		return mapErr(t.tx.QueryRowContext(ctx, `INSERT INTO postmortem_action_items (incident_number, title, description, owner_id, team_id,
			important, urgent, due_at, status, labels, product_owner, due_agreed_at, created_by, created_at, updated_at, done_at,
			owner_reminded_at, im_reminded_at, version)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id`, args...).Scan(&it.ID))
	}
	return spExecOne(ctx, t.tx, fmt.Sprintf("action item %d", it.ID), `UPDATE postmortem_action_items SET incident_number = $1, title = $2,
		description = $3, owner_id = $4, team_id = $5, important = $6, urgent = $7, due_at = $8, status = $9, labels = $10,
		product_owner = $11, due_agreed_at = $12, created_by = $13, created_at = $14, updated_at = $15, done_at = $16,
		owner_reminded_at = $17, im_reminded_at = $18, version = $19 WHERE id = $20`, append(args, it.ID)...)
}

// ProcessFacts reads the postmortems of incidents resolved since `since`,
// with their meetings, forms and action items, and the team names.
func (r *Postmortems) ProcessFacts(ctx context.Context, since time.Time) (postmortem.ProcessFacts, error) {
	var f postmortem.ProcessFacts
	var err error
	f.Postmortems, err = spQueryAll(ctx, r.s.rdb, scanPostmortem, `SELECT `+pmColumns+` FROM postmortems WHERE resolved_at >= $1 OR resolved_at IS NULL`, since.UTC())
	if err != nil {
		return f, err
	}
	ms, err := spQueryAll(ctx, r.s.rdb, scanPMMeeting, `SELECT m.`+pmMeetingColumnsM+` FROM postmortem_meetings m
		JOIN postmortems p ON p.incident_number = m.incident_number WHERE p.resolved_at >= $1 OR p.resolved_at IS NULL`, since.UTC())
	if err != nil {
		return f, err
	}
	f.Meetings = derefAll(ms)
	fs, err := spQueryAll(ctx, r.s.rdb, scanPMForm, `SELECT f.`+pmFormColumnsF+` FROM postmortem_forms f
		JOIN postmortems p ON p.incident_number = f.incident_number WHERE p.resolved_at >= $1 OR p.resolved_at IS NULL`, since.UTC())
	if err != nil {
		return f, err
	}
	f.Forms = derefAll(fs)
	// Open items count whatever their age: overdue is overdue.
	is, err := spQueryAll(ctx, r.s.rdb, scanPMItem, `SELECT i.`+pmItemColumnsI+` FROM postmortem_action_items i
		JOIN postmortems p ON p.incident_number = i.incident_number
		WHERE p.resolved_at >= $1 OR p.resolved_at IS NULL OR i.status NOT IN ('done', 'wont_do')`, since.UTC())
	if err != nil {
		return f, err
	}
	f.Items = derefAll(is)
	type team struct {
		id   int64
		name string
	}
	teams, err := spQueryAll(ctx, r.s.rdb, func(row rowScanner) (team, error) {
		var t team
		return t, row.Scan(&t.id, &t.name)
	}, `SELECT id, name FROM teams`)
	if err != nil {
		return f, err
	}
	f.Teams = map[int64]string{}
	for _, t := range teams {
		f.Teams[t.id] = t.name
	}
	return f, nil
}

// The column lists qualified by a table alias, for the joins above.
var (
	pmMeetingColumnsM = qualify(pmMeetingColumns, "m")
	pmFormColumnsF    = qualify(pmFormColumns, "f")
	pmItemColumnsI    = qualify(pmItemColumns, "i")
)

// qualify prefixes every column of a list with alias (the first is left
// for the caller's "alias." prefix).
func qualify(cols, alias string) string {
	parts := strings.Split(cols, ",")
	for i := 1; i < len(parts); i++ {
		parts[i] = " " + alias + "." + strings.TrimSpace(parts[i])
	}
	return strings.Join(parts, ",")
}
