package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/catalog"
)

const serviceSelect = `SELECT s.id, s.name, s.description, s.owner_team_id, t.name, s.links, s.created_at, s.updated_at
	FROM services s LEFT JOIN teams t ON t.id = s.owner_team_id`

func queryServices(ctx context.Context, q querier, where string, args ...any) ([]catalog.Service, error) {
	rows, err := q.QueryContext(ctx, serviceSelect+where+` ORDER BY s.name`, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	out := []catalog.Service{}
	for rows.Next() {
		var (
			s         catalog.Service
			ownerID   sql.NullInt64
			ownerName sql.NullString
			links     []byte
		)
		if err := rows.Scan(&s.ID, &s.Name, &s.Description, &ownerID, &ownerName, &links, &s.CreatedAt, &s.UpdatedAt); err != nil {
			return nil, mapErr(err)
		}
		s.OwnerTeamID, s.OwnerTeam = ownerID.Int64, ownerName.String
		s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
		if err := json.Unmarshal(links, &s.Links); err != nil {
			return nil, fmt.Errorf("decode links of service %d: %w", s.ID, err)
		}
		if s.Links == nil {
			s.Links = []catalog.Link{}
		}
		out = append(out, s)
	}
	return out, mapErr(rows.Err())
}

func oneService(ctx context.Context, q querier, what, where string, args ...any) (catalog.Service, error) {
	ss, err := queryServices(ctx, q, where, args...)
	if err != nil {
		return catalog.Service{}, err
	}
	if len(ss) == 0 {
		return catalog.Service{}, apperr.NotFound(what)
	}
	return ss[0], nil
}

// ServiceByID reads one service.
func (s *Store) ServiceByID(ctx context.Context, id int64) (catalog.Service, error) {
	return oneService(ctx, s.rdb, fmt.Sprintf("service %d", id), ` WHERE s.id = $1`, id)
}

// ServiceByName reads one service by its exact name.
func (s *Store) ServiceByName(ctx context.Context, name string) (catalog.Service, error) {
	return oneService(ctx, s.rdb, fmt.Sprintf("service %q", name), ` WHERE s.name = $1`, name)
}

// ListServices lists every service by name.
func (s *Store) ListServices(ctx context.Context) ([]catalog.Service, error) {
	return queryServices(ctx, s.rdb, "")
}

// ServiceByIDTx reads one service inside the transaction.
func (t *Tx) ServiceByIDTx(ctx context.Context, id int64) (catalog.Service, error) {
	return oneService(ctx, t.tx, fmt.Sprintf("service %d", id), ` WHERE s.id = $1`, id)
}

func serviceArgs(s catalog.Service) (owner any, links string, err error) {
	if s.OwnerTeamID != 0 {
		owner = s.OwnerTeamID
	}
	l := s.Links
	if l == nil {
		l = []catalog.Link{}
	}
	b, err := json.Marshal(l)
	return owner, string(b), err
}

// InsertService stores a new service.
func (t *Tx) InsertService(ctx context.Context, s catalog.Service) (int64, error) {
	owner, links, err := serviceArgs(s)
	if err != nil {
		return 0, err
	}
	var id int64
	err = t.tx.QueryRowContext(ctx, `INSERT INTO services (name, description, owner_team_id, links, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, s.Name, s.Description, owner, links, s.CreatedAt.UTC(), s.UpdatedAt.UTC()).Scan(&id)
	return id, mapErr(err)
}

// UpdateService writes every field of a service.
func (t *Tx) UpdateService(ctx context.Context, s catalog.Service) error {
	owner, links, err := serviceArgs(s)
	if err != nil {
		return err
	}
	res, err := t.tx.ExecContext(ctx, `UPDATE services SET name = $1, description = $2, owner_team_id = $3, links = $4, updated_at = $5
		WHERE id = $6`, s.Name, s.Description, owner, links, s.UpdatedAt.UTC(), s.ID)
	return affectedOne(res, err, fmt.Sprintf("service %d", s.ID))
}

// DeleteService removes a service.
func (t *Tx) DeleteService(ctx context.Context, id int64) error {
	res, err := t.tx.ExecContext(ctx, `DELETE FROM services WHERE id = $1`, id)
	return affectedOne(res, err, fmt.Sprintf("service %d", id))
}
