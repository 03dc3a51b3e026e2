package store

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/tracker"
)

// TrackerLinks stores action items' issues in outside trackers (tracker.Store).
type TrackerLinks struct{ s *Store }

var _ tracker.Store = (*TrackerLinks)(nil)

// TrackerLinks returns the tracker-link store.
func (s *Store) TrackerLinks() *TrackerLinks { return &TrackerLinks{s: s} }

const trackerLinkColumns = `item_id, tracker, target, external_id, url, state, done, synced_hash, last_error, synced_at`

func scanTrackerLink(row rowScanner) (tracker.Link, error) {
	var l tracker.Link
	err := row.Scan(&l.ItemID, &l.Tracker, &l.Target, &l.ExternalID, &l.URL, &l.State, &l.Done, &l.SyncedHash, &l.LastError, &l.SyncedAt)
	l.SyncedAt = l.SyncedAt.UTC()
	return l, err
}

func (r *TrackerLinks) one(ctx context.Context, what, q string, args ...any) (tracker.Link, error) {
	l, err := scanTrackerLink(r.s.rdb.QueryRowContext(ctx, `SELECT `+trackerLinkColumns+` FROM tracker_links `+q, args...))
	if err == sql.ErrNoRows {
		return l, apperr.NotFound(what)
	}
	return l, mapErr(err)
}

// Link reads the issue of an action item.
func (r *TrackerLinks) Link(ctx context.Context, itemID int64) (tracker.Link, error) {
	return r.one(ctx, "tracker issue of action item "+strconv.FormatInt(itemID, 10), `WHERE item_id = $1`, itemID)
}

// ByExternal finds the link of a tracker's issue.
func (r *TrackerLinks) ByExternal(ctx context.Context, kind, target, externalID string) (tracker.Link, error) {
	return r.one(ctx, kind+" issue "+externalID, `WHERE tracker = $1 AND target = $2 AND external_id = $3`, kind, target, externalID)
}

// SaveLink inserts or replaces an item's link.
func (r *TrackerLinks) SaveLink(ctx context.Context, l tracker.Link) error {
	_, err := r.s.db.ExecContext(ctx, `INSERT INTO tracker_links (`+trackerLinkColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (item_id) DO UPDATE SET tracker = excluded.tracker, target = excluded.target, external_id = excluded.external_id,
			url = excluded.url, state = excluded.state, done = excluded.done, synced_hash = excluded.synced_hash,
			last_error = excluded.last_error, synced_at = excluded.synced_at`,
		l.ItemID, l.Tracker, l.Target, l.ExternalID, l.URL, l.State, l.Done, l.SyncedHash, l.LastError, l.SyncedAt.UTC())
	return mapErr(err)
}

// WatchedLinks lists the links whose issue is not done, or changed since.
func (r *TrackerLinks) WatchedLinks(ctx context.Context, since time.Time) ([]tracker.Link, error) {
	rows, err := r.s.rdb.QueryContext(ctx, `SELECT `+trackerLinkColumns+` FROM tracker_links WHERE done = FALSE OR synced_at >= $1 ORDER BY item_id`, since.UTC())
	if err != nil {
		return nil, mapErr(err)
	}
	return collect(rows, scanTrackerLink)
}
