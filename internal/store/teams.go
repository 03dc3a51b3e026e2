package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/catalog"
)

// catalogStore adapts Store to catalog.Store: its InTx hands out catalog.Tx.
type catalogStore struct{ *Store }

var (
	_ catalog.Store = catalogStore{}
	_ catalog.Tx    = (*Tx)(nil)
)

// Catalog returns the storage of the service catalog.
func (s *Store) Catalog() catalog.Store { return catalogStore{s} }

// InTx runs fn in one transaction.
func (c catalogStore) InTx(ctx context.Context, fn func(catalog.Tx) error) error {
	return c.Store.InTx(ctx, func(tx *Tx) error { return fn(tx) })
}

func teamByID(ctx context.Context, q querier, id int64) (catalog.Team, error) {
	teams, err := queryTeams(ctx, q, ` WHERE id = $1`, id)
	if err != nil {
		return catalog.Team{}, err
	}
	if len(teams) == 0 {
		return catalog.Team{}, apperr.NotFound(fmt.Sprintf("team %d", id))
	}
	return teams[0], nil
}

// queryTeams reads teams and their members; where filters the teams.
func queryTeams(ctx context.Context, q querier, where string, args ...any) ([]catalog.Team, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, name, description, created_at, updated_at FROM teams`+where+` ORDER BY name`, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	out := []catalog.Team{}
	idx := map[int64]int{}
	for rows.Next() {
		var t catalog.Team
		if err := rows.Scan(&t.ID, &t.Name, &t.Description, &t.CreatedAt, &t.UpdatedAt); err != nil {
			rows.Close()
			return nil, mapErr(err)
		}
		t.CreatedAt, t.UpdatedAt, t.Members = t.CreatedAt.UTC(), t.UpdatedAt.UTC(), []int64{}
		idx[t.ID] = len(out)
		out = append(out, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, mapErr(err)
	}
	if len(out) == 0 {
		return out, nil
	}
	mq := `SELECT team_id, user_id FROM team_members ORDER BY team_id, user_id`
	var margs []any
	if len(out) == 1 {
		mq, margs = `SELECT team_id, user_id FROM team_members WHERE team_id = $1 ORDER BY user_id`, []any{out[0].ID}
	}
	mrows, err := q.QueryContext(ctx, mq, margs...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer mrows.Close()
	for mrows.Next() {
		var teamID, userID int64
		if err := mrows.Scan(&teamID, &userID); err != nil {
			return nil, mapErr(err)
		}
		if i, ok := idx[teamID]; ok {
			out[i].Members = append(out[i].Members, userID)
		}
	}
	return out, mapErr(mrows.Err())
}

// TeamByID reads one team with its members.
func (s *Store) TeamByID(ctx context.Context, id int64) (catalog.Team, error) {
	return teamByID(ctx, s.rdb, id)
}

// ListTeams lists every team by name, with members.
func (s *Store) ListTeams(ctx context.Context) ([]catalog.Team, error) {
	return queryTeams(ctx, s.rdb, "")
}

// TeamByIDTx reads one team inside the transaction.
func (t *Tx) TeamByIDTx(ctx context.Context, id int64) (catalog.Team, error) {
	return teamByID(ctx, t.tx, id)
}

// InsertTeam stores a new team (not its members).
func (t *Tx) InsertTeam(ctx context.Context, team catalog.Team) (int64, error) {
	var id int64
	err := t.tx.QueryRowContext(ctx, `INSERT INTO teams (name, description, created_at, updated_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		team.Name, team.Description, team.CreatedAt.UTC(), team.UpdatedAt.UTC()).Scan(&id)
	return id, mapErr(err)
}

// UpdateTeam writes a team's name, description and update time.
func (t *Tx) UpdateTeam(ctx context.Context, team catalog.Team) error {
	res, err := t.tx.ExecContext(ctx, `UPDATE teams SET name = $1, description = $2, updated_at = $3 WHERE id = $4`,
		team.Name, team.Description, team.UpdatedAt.UTC(), team.ID)
	return affectedOne(res, err, fmt.Sprintf("team %d", team.ID))
}

// DeleteTeam removes a team; its services lose their owner.
func (t *Tx) DeleteTeam(ctx context.Context, id int64) error {
	res, err := t.tx.ExecContext(ctx, `DELETE FROM teams WHERE id = $1`, id)
	return affectedOne(res, err, fmt.Sprintf("team %d", id))
}

// SetTeamMembers replaces the members of a team.
func (t *Tx) SetTeamMembers(ctx context.Context, teamID int64, userIDs []int64) error {
	for _, uid := range userIDs {
		var one int
		err := t.tx.QueryRowContext(ctx, `SELECT 1 FROM users WHERE id = $1`, uid).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.Invalid("members", "user %d does not exist", uid)
		}
		if err != nil {
			return mapErr(err)
		}
	}
	if _, err := t.tx.ExecContext(ctx, `DELETE FROM team_members WHERE team_id = $1`, teamID); err != nil {
		return mapErr(err)
	}
	for _, uid := range userIDs {
		if _, err := t.tx.ExecContext(ctx, `INSERT INTO team_members (team_id, user_id) VALUES ($1, $2)`, teamID, uid); err != nil {
			return mapErr(err)
		}
	}
	return nil
}
