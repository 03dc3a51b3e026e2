package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/audit"
	"github.com/firebreak-hq/firebreak/internal/oncall"
)

// OnCall is the storage of on-call schedules, overrides and calendar
// tokens (oncall.Store).
type OnCall struct{ s *Store }

var (
	_ oncall.Store = OnCall{}
	_ oncall.Tx    = oncallTx{}
)

// OnCall returns the storage of on-call schedules.
func (s *Store) OnCall() OnCall { return OnCall{s} }

type oncallTx struct{ *Tx }

// InTx runs fn in one transaction.
func (r OnCall) InTx(ctx context.Context, fn func(oncall.Tx) error) error {
	return r.s.InTx(ctx, func(tx *Tx) error { return fn(oncallTx{tx}) })
}

// Audit records an audit entry inside the transaction.
func (t oncallTx) Audit(ctx context.Context, e audit.Entry) error { return t.Tx.Audit(ctx, e) }

const scheduleCols = `id, name, description, team_id, time_zone, layers, version, created_at, updated_at`

func scanSchedule(row rowScanner) (oncall.Schedule, error) {
	var (
		sc     oncall.Schedule
		team   sql.NullInt64
		layers string
	)
	if err := row.Scan(&sc.ID, &sc.Name, &sc.Description, &team, &sc.TimeZone, &layers, &sc.Version, &sc.CreatedAt, &sc.UpdatedAt); err != nil {
		return sc, err
	}
	sc.TeamID = team.Int64
	sc.CreatedAt, sc.UpdatedAt = sc.CreatedAt.UTC(), sc.UpdatedAt.UTC()
	if err := json.Unmarshal([]byte(layers), &sc.Layers); err != nil {
		return sc, fmt.Errorf("schedule %d layers: %w", sc.ID, err)
	}
	if sc.Layers == nil {
		sc.Layers = []oncall.Layer{}
	}
	return sc, nil
}

// Schedule reads one schedule.
func (r OnCall) Schedule(ctx context.Context, id int64) (oncall.Schedule, error) {
	return spQueryOne(ctx, r.s.rdb, scanSchedule, fmt.Sprintf("schedule %d", id),
		`SELECT `+scheduleCols+` FROM oncall_schedules WHERE id = $1`, id)
}

// Schedules lists every schedule by name.
func (r OnCall) Schedules(ctx context.Context) ([]oncall.Schedule, error) {
	return spQueryAll(ctx, r.s.rdb, scanSchedule, `SELECT `+scheduleCols+` FROM oncall_schedules ORDER BY name`)
}

// SchedulesOfTeam lists a team's schedules by name.
func (r OnCall) SchedulesOfTeam(ctx context.Context, teamID int64) ([]oncall.Schedule, error) {
	return spQueryAll(ctx, r.s.rdb, scanSchedule, `SELECT `+scheduleCols+` FROM oncall_schedules WHERE team_id = $1 ORDER BY name`, teamID)
}

// SchedulesOfUser lists the schedules a user takes part in, by name.
func (r OnCall) SchedulesOfUser(ctx context.Context, userID int64) ([]oncall.Schedule, error) {
	return spQueryAll(ctx, r.s.rdb, scanSchedule, `SELECT `+scheduleCols+` FROM oncall_schedules
		WHERE id IN (SELECT schedule_id FROM oncall_participants WHERE user_id = $1) ORDER BY name`, userID)
}

// TeamMember reports whether a user belongs to a team.
func (r OnCall) TeamMember(ctx context.Context, teamID, userID int64) (bool, error) {
	var n int
	err := r.s.rdb.QueryRowContext(ctx, `SELECT COUNT(*) FROM team_members WHERE team_id = $1 AND user_id = $2`, teamID, userID).Scan(&n)
	return n > 0, mapErr(err)
}

// ScheduleForUpdate reads a schedule inside the transaction (on PostgreSQL
// locking its row, so concurrent saves take turns).
func (t oncallTx) ScheduleForUpdate(ctx context.Context, id int64) (oncall.Schedule, error) {
	q := `SELECT ` + scheduleCols + ` FROM oncall_schedules WHERE id = $1`
	if t.s.dialect == Postgres {
		q += ` FOR UPDATE`
	}
	return spQueryOne(ctx, t.tx, scanSchedule, fmt.Sprintf("schedule %d", id), q, id)
}

// SaveSchedule inserts or replaces a schedule and its participants index.
func (t oncallTx) SaveSchedule(ctx context.Context, sc *oncall.Schedule) error {
	layers, err := json.Marshal(sc.Layers)
	if err != nil {
		return apperr.Internal(err)
	}
	team := sql.NullInt64{Int64: sc.TeamID, Valid: sc.TeamID != 0}
	if sc.ID == 0 {
		sc.Version = 1
		err = t.tx.QueryRowContext(ctx, `INSERT INTO oncall_schedules (name, description, team_id, time_zone, layers, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, 1, $6, $7) RETURNING id`,
			sc.Name, sc.Description, team, sc.TimeZone, string(layers), sc.CreatedAt.UTC(), sc.UpdatedAt.UTC()).Scan(&sc.ID)
		if err != nil {
			return mapErr(err)
		}
	} else {
		err = t.tx.QueryRowContext(ctx, `UPDATE oncall_schedules SET name = $1, description = $2, team_id = $3, time_zone = $4, layers = $5,
			version = version + 1, updated_at = $6 WHERE id = $7 RETURNING version`,
			sc.Name, sc.Description, team, sc.TimeZone, string(layers), sc.UpdatedAt.UTC(), sc.ID).Scan(&sc.Version)
		if err == sql.ErrNoRows {
			return apperr.NotFound(fmt.Sprintf("schedule %d", sc.ID))
		}
		if err != nil {
			return mapErr(err)
		}
		if _, err := t.tx.ExecContext(ctx, `DELETE FROM oncall_participants WHERE schedule_id = $1`, sc.ID); err != nil {
			return mapErr(err)
		}
	}
	seen := map[int64]bool{}
	for _, l := range sc.Layers {
		for _, u := range l.Rotation.Participants {
			if seen[u] {
				continue
			}
			seen[u] = true
			if _, err := t.tx.ExecContext(ctx, `INSERT INTO oncall_participants (schedule_id, user_id) VALUES ($1, $2)`, sc.ID, u); err != nil {
				if apperr.Is(mapErr(err), apperr.CodeInvalid) {
					return apperr.Invalid("layers", "user %d does not exist", u)
				}
				return mapErr(err)
			}
		}
	}
	return nil
}

// DeleteSchedule removes a schedule with its overrides and feed tokens.
func (t oncallTx) DeleteSchedule(ctx context.Context, id int64) error {
	return spExecOne(ctx, t.tx, fmt.Sprintf("schedule %d", id), `DELETE FROM oncall_schedules WHERE id = $1`, id)
}

const overrideCols = `id, schedule_id, user_id, replaces, starts_at, ends_at, kind, swap_id, note, created_by, created_at`

func scanOverride(row rowScanner) (oncall.Override, error) {
	var (
		o                   oncall.Override
		repl, swap, creator sql.NullInt64
	)
	err := row.Scan(&o.ID, &o.ScheduleID, &o.UserID, &repl, &o.Start, &o.End, &o.Kind, &swap, &o.Note, &creator, &o.CreatedAt)
	o.Replaces, o.SwapID, o.CreatedBy = repl.Int64, swap.Int64, creator.Int64
	o.Start, o.End, o.CreatedAt = o.Start.UTC(), o.End.UTC(), o.CreatedAt.UTC()
	return o, err
}

// Overrides lists the overrides of a schedule (0: all) overlapping [from, to).
func (r OnCall) Overrides(ctx context.Context, scheduleID int64, from, to time.Time) ([]oncall.Override, error) {
	if scheduleID == 0 {
		return spQueryAll(ctx, r.s.rdb, scanOverride, `SELECT `+overrideCols+` FROM oncall_overrides
			WHERE ends_at > $1 AND starts_at < $2 ORDER BY starts_at, id`, from.UTC(), to.UTC())
	}
	return spQueryAll(ctx, r.s.rdb, scanOverride, `SELECT `+overrideCols+` FROM oncall_overrides
		WHERE schedule_id = $1 AND ends_at > $2 AND starts_at < $3 ORDER BY starts_at, id`, scheduleID, from.UTC(), to.UTC())
}

// OverridesOfUser lists the overrides putting a user on call over [from, to).
func (r OnCall) OverridesOfUser(ctx context.Context, userID int64, from, to time.Time) ([]oncall.Override, error) {
	return spQueryAll(ctx, r.s.rdb, scanOverride, `SELECT `+overrideCols+` FROM oncall_overrides
		WHERE user_id = $1 AND ends_at > $2 AND starts_at < $3 ORDER BY starts_at, id`, userID, from.UTC(), to.UTC())
}

// Override reads one override.
func (r OnCall) Override(ctx context.Context, id int64) (oncall.Override, error) {
	return spQueryOne(ctx, r.s.rdb, scanOverride, fmt.Sprintf("override %d", id), `SELECT `+overrideCols+` FROM oncall_overrides WHERE id = $1`, id)
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// AddOverride stores a new override.
func (t oncallTx) AddOverride(ctx context.Context, o *oncall.Override) error {
	err := t.tx.QueryRowContext(ctx, `INSERT INTO oncall_overrides (schedule_id, user_id, replaces, starts_at, ends_at, kind, swap_id, note, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		o.ScheduleID, o.UserID, nullID(o.Replaces), o.Start.UTC(), o.End.UTC(), o.Kind, nullID(o.SwapID), o.Note, nullID(o.CreatedBy), o.CreatedAt.UTC()).Scan(&o.ID)
	return mapErr(err)
}

// SetSwap links an override to the other half of its swap.
func (t oncallTx) SetSwap(ctx context.Context, id, swapID int64) error {
	return spExecOne(ctx, t.tx, fmt.Sprintf("override %d", id), `UPDATE oncall_overrides SET swap_id = $1 WHERE id = $2`, swapID, id)
}

// DeleteOverride removes an override.
func (t oncallTx) DeleteOverride(ctx context.Context, id int64) error {
	return spExecOne(ctx, t.tx, fmt.Sprintf("override %d", id), `DELETE FROM oncall_overrides WHERE id = $1`, id)
}

const calTokenCols = `id, token_hash, owner_id, schedule_id, user_id, created_at, used_at`

func scanCalToken(row rowScanner) (oncall.CalendarToken, error) {
	var (
		c          oncall.CalendarToken
		sched, usr sql.NullInt64
		used       sql.NullTime
	)
	err := row.Scan(&c.ID, &c.Hash, &c.OwnerID, &sched, &usr, &c.CreatedAt, &used)
	c.ScheduleID, c.UserID, c.CreatedAt = sched.Int64, usr.Int64, c.CreatedAt.UTC()
	if used.Valid {
		u := used.Time.UTC()
		c.UsedAt = &u
	}
	return c, err
}

// CalendarToken finds an unrevoked token by its hash.
func (r OnCall) CalendarToken(ctx context.Context, hash []byte) (oncall.CalendarToken, error) {
	return spQueryOne(ctx, r.s.rdb, scanCalToken, "calendar feed", `SELECT `+calTokenCols+` FROM oncall_calendar_tokens
		WHERE token_hash = $1 AND revoked_at IS NULL AND owner_id IN (SELECT id FROM users WHERE NOT disabled)`, hash)
}

// CalendarTokens lists a user's unrevoked tokens, newest first.
func (r OnCall) CalendarTokens(ctx context.Context, ownerID int64) ([]oncall.CalendarToken, error) {
	return spQueryAll(ctx, r.s.rdb, scanCalToken, `SELECT `+calTokenCols+` FROM oncall_calendar_tokens
		WHERE owner_id = $1 AND revoked_at IS NULL ORDER BY id DESC`, ownerID)
}

// AddCalendarToken stores a new token (its hash).
func (t oncallTx) AddCalendarToken(ctx context.Context, c *oncall.CalendarToken) error {
	err := t.tx.QueryRowContext(ctx, `INSERT INTO oncall_calendar_tokens (token_hash, owner_id, schedule_id, user_id, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, c.Hash, c.OwnerID, nullID(c.ScheduleID), nullID(c.UserID), c.CreatedAt.UTC()).Scan(&c.ID)
	return mapErr(err)
}

// RevokeCalendarToken revokes a token; revoking twice is not found.
func (t oncallTx) RevokeCalendarToken(ctx context.Context, id int64, at time.Time) error {
	return spExecOne(ctx, t.tx, fmt.Sprintf("calendar feed %d", id),
		`UPDATE oncall_calendar_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`, at.UTC(), id)
}

// TouchCalendarToken records when a feed was last fetched.
func (r OnCall) TouchCalendarToken(ctx context.Context, id int64, at time.Time) error {
	_, err := r.s.db.ExecContext(ctx, `UPDATE oncall_calendar_tokens SET used_at = $1 WHERE id = $2`, at.UTC(), id)
	return mapErr(err)
}

// UserNames maps user ids to display names (the handle when the name is empty).
func (r OnCall) UserNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	want := map[int64]bool{}
	for _, id := range ids {
		want[id] = true
	}
	if len(want) == 0 {
		return out, nil
	}
	rows, err := r.s.rdb.QueryContext(ctx, `SELECT id, handle, name FROM users`)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id           int64
			handle, name string
		)
		if err := rows.Scan(&id, &handle, &name); err != nil {
			return nil, mapErr(err)
		}
		if want[id] {
			if name == "" {
				name = handle
			}
			out[id] = name
		}
	}
	return out, mapErr(rows.Err())
}
