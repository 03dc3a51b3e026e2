package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/chat"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

// Chat stores incident channels, user links and captured messages (chat.Store).
type Chat struct{ s *Store }

var _ chat.Store = (*Chat)(nil)

// Chat returns the chat store.
func (s *Store) Chat() *Chat { return &Chat{s: s} }

const chatChannelColumns = `incident_number, platform, channel_id, channel_name, card_ts, pinned, topic, invited,
	announced, summarized, archived, created_at, updated_at`

func scanChatChannel(row rowScanner) (chat.ChannelState, error) {
	var c chat.ChannelState
	var invited string
	err := row.Scan(&c.Number, &c.Platform, &c.ChannelID, &c.ChannelName, &c.CardTS, &c.Pinned, &c.Topic, &invited,
		&c.Announced, &c.Summarized, &c.Archived, &c.CreatedAt, &c.UpdatedAt)
	if err != nil {
		return c, err
	}
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	if err := json.Unmarshal([]byte(invited), &c.Invited); err != nil {
		return c, fmt.Errorf("chat channel %d: invited: %w", c.Number, err)
	}
	return c, nil
}

// Channel reads an incident's channel state.
func (r *Chat) Channel(ctx context.Context, number int64) (chat.ChannelState, error) {
	return spQueryOne(ctx, r.s.db, scanChatChannel, "the chat channel of "+incident.Ref(number),
		`SELECT `+chatChannelColumns+` FROM chat_channels WHERE incident_number = $1`, number)
}

// ChannelByID finds the incident whose channel this is.
func (r *Chat) ChannelByID(ctx context.Context, platform, channelID string) (chat.ChannelState, error) {
	return spQueryOne(ctx, r.s.db, scanChatChannel, "an incident of this channel",
		`SELECT `+chatChannelColumns+` FROM chat_channels WHERE platform = $1 AND channel_id = $2`, platform, channelID)
}

// Channels lists every incident channel, newest incident first.
func (r *Chat) Channels(ctx context.Context) ([]chat.ChannelState, error) {
	return spQueryAll(ctx, r.s.rdb, scanChatChannel, `SELECT `+chatChannelColumns+` FROM chat_channels ORDER BY incident_number DESC`)
}

// SaveChannel inserts or replaces an incident's channel state. It reads and
// writes through the writer pool so a job that resumes sees its own steps.
func (r *Chat) SaveChannel(ctx context.Context, c chat.ChannelState) error {
	if c.Invited == nil {
		c.Invited = []string{}
	}
	_, err := r.s.db.ExecContext(ctx, `INSERT INTO chat_channels (`+chatChannelColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
		ON CONFLICT (incident_number) DO UPDATE SET platform = excluded.platform, channel_id = excluded.channel_id,
			channel_name = excluded.channel_name, card_ts = excluded.card_ts, pinned = excluded.pinned, topic = excluded.topic,
			invited = excluded.invited, announced = excluded.announced, summarized = excluded.summarized,
			archived = excluded.archived, updated_at = excluded.updated_at`,
		c.Number, c.Platform, c.ChannelID, c.ChannelName, c.CardTS, c.Pinned, c.Topic, spJSON(c.Invited),
		c.Announced, c.Summarized, c.Archived, c.CreatedAt.UTC(), c.UpdatedAt.UTC())
	return mapErr(err)
}

const chatLinkColumns = `user_id, platform, chat_user_id, how, created_at`

func scanChatLink(row rowScanner) (chat.UserLink, error) {
	var l chat.UserLink
	err := row.Scan(&l.UserID, &l.Platform, &l.ChatUserID, &l.How, &l.CreatedAt)
	l.CreatedAt = l.CreatedAt.UTC()
	return l, err
}

// Link reads the link of a Firebreak user.
func (r *Chat) Link(ctx context.Context, platform string, userID int64) (chat.UserLink, error) {
	return spQueryOne(ctx, r.s.rdb, scanChatLink, "a "+platform+" link of user "+strconv.FormatInt(userID, 10),
		`SELECT `+chatLinkColumns+` FROM chat_user_links WHERE platform = $1 AND user_id = $2`, platform, userID)
}

// LinkByChatUser reads the link of a chat user.
func (r *Chat) LinkByChatUser(ctx context.Context, platform, chatUserID string) (chat.UserLink, error) {
	return spQueryOne(ctx, r.s.rdb, scanChatLink, "a Firebreak user linked to "+platform+" user "+chatUserID,
		`SELECT `+chatLinkColumns+` FROM chat_user_links WHERE platform = $1 AND chat_user_id = $2`, platform, chatUserID)
}

// Links lists every link of the platform, by user.
func (r *Chat) Links(ctx context.Context, platform string) ([]chat.UserLink, error) {
	return spQueryAll(ctx, r.s.rdb, scanChatLink, `SELECT `+chatLinkColumns+` FROM chat_user_links WHERE platform = $1 ORDER BY user_id`, platform)
}

// SaveLink links a user to a chat user, replacing the user's earlier link.
func (r *Chat) SaveLink(ctx context.Context, l chat.UserLink) error {
	return r.s.InTx(ctx, func(tx *Tx) error {
		var other int64
		err := tx.tx.QueryRowContext(ctx, `SELECT user_id FROM chat_user_links WHERE platform = $1 AND chat_user_id = $2`, l.Platform, l.ChatUserID).Scan(&other)
		if err == nil && other != l.UserID {
			return apperr.Conflict("%s user %s is already linked to Firebreak user %d; unlink that user first", l.Platform, l.ChatUserID, other)
		}
		_, err = tx.tx.ExecContext(ctx, `INSERT INTO chat_user_links (`+chatLinkColumns+`) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (user_id) DO UPDATE SET platform = excluded.platform, chat_user_id = excluded.chat_user_id,
				how = excluded.how, created_at = excluded.created_at`,
			l.UserID, l.Platform, l.ChatUserID, l.How, l.CreatedAt.UTC())
		return mapErr(err)
	})
}

// DeleteLink removes a user's link.
func (r *Chat) DeleteLink(ctx context.Context, platform string, userID int64) error {
	return spExecOne(ctx, r.s.db, "a "+platform+" link of user "+strconv.FormatInt(userID, 10),
		`DELETE FROM chat_user_links WHERE platform = $1 AND user_id = $2`, platform, userID)
}

const chatCaptureColumns = `platform, channel_id, message_ts, incident_number, author, text, permalink, deleted, captured_at, updated_at`

func scanChatCapture(row rowScanner) (chat.Capture, error) {
	var c chat.Capture
	err := row.Scan(&c.Platform, &c.ChannelID, &c.MessageTS, &c.Number, &c.Author, &c.Text, &c.Permalink, &c.Deleted, &c.CapturedAt, &c.UpdatedAt)
	c.CapturedAt, c.UpdatedAt = c.CapturedAt.UTC(), c.UpdatedAt.UTC()
	return c, err
}

// Capture reads a captured message.
func (r *Chat) Capture(ctx context.Context, platform, channelID, ts string) (chat.Capture, error) {
	return spQueryOne(ctx, r.s.db, scanChatCapture, "a captured message",
		`SELECT `+chatCaptureColumns+` FROM chat_captures WHERE platform = $1 AND channel_id = $2 AND message_ts = $3`, platform, channelID, ts)
}

// AddCapture inserts a capture inside an incident change; false when the
// message was captured already (two reactions, or Slack redelivering the
// event, at the same moment).
func (r *Chat) AddCapture(ctx context.Context, itx incident.Tx, c chat.Capture) (bool, error) {
	t, ok := itx.(incidentTx)
	if !ok {
		return false, apperr.Internal(fmt.Errorf("chat: %T is not a transaction of this store", itx))
	}
	res, err := t.tx.ExecContext(ctx, `INSERT INTO chat_captures (`+chatCaptureColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (platform, channel_id, message_ts) DO NOTHING`,
		c.Platform, c.ChannelID, c.MessageTS, c.Number, c.Author, c.Text, c.Permalink, c.Deleted, c.CapturedAt.UTC(), c.UpdatedAt.UTC())
	if err != nil {
		return false, mapErr(err)
	}
	n, err := res.RowsAffected()
	return n == 1, mapErr(err)
}

// SaveCapture inserts or updates a capture inside an incident change.
func (r *Chat) SaveCapture(ctx context.Context, itx incident.Tx, c chat.Capture) error {
	t, ok := itx.(incidentTx)
	if !ok {
		return apperr.Internal(fmt.Errorf("chat: %T is not a transaction of this store", itx))
	}
	_, err := t.tx.ExecContext(ctx, `INSERT INTO chat_captures (`+chatCaptureColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (platform, channel_id, message_ts) DO UPDATE SET text = excluded.text, deleted = excluded.deleted,
			permalink = excluded.permalink, updated_at = excluded.updated_at`,
		c.Platform, c.ChannelID, c.MessageTS, c.Number, c.Author, c.Text, c.Permalink, c.Deleted, c.CapturedAt.UTC(), c.UpdatedAt.UTC())
	return mapErr(err)
}

// Lock takes an incident's sync lease: inserted when none exists, taken over
// when the holder's lease has expired; one statement on both databases.
func (r *Chat) Lock(ctx context.Context, number int64, holder string, now, until time.Time) (bool, error) {
	res, err := r.s.db.ExecContext(ctx, `INSERT INTO chat_locks (incident_number, holder, until_ms) VALUES ($1, $2, $3)
		ON CONFLICT (incident_number) DO UPDATE SET holder = excluded.holder, until_ms = excluded.until_ms
		WHERE chat_locks.until_ms < $4`, number, holder, until.UnixMilli(), now.UnixMilli())
	if err != nil {
		return false, mapErr(err)
	}
	n, err := res.RowsAffected()
	return n == 1, mapErr(err)
}

// Unlock gives the lease back if holder still has it.
func (r *Chat) Unlock(ctx context.Context, number int64, holder string) error {
	_, err := r.s.db.ExecContext(ctx, `DELETE FROM chat_locks WHERE incident_number = $1 AND holder = $2`, number, holder)
	return mapErr(err)
}

// CallLink reads an incident's generated conference link.
func (r *Chat) CallLink(ctx context.Context, number int64) (string, error) {
	var url string
	err := r.s.db.QueryRowContext(ctx, `SELECT url FROM chat_call_links WHERE incident_number = $1`, number).Scan(&url)
	if errors.Is(err, sql.ErrNoRows) {
		return "", apperr.NotFound("a call link of " + incident.Ref(number))
	}
	return url, mapErr(err)
}

// AddCallLink records an incident's conference link unless it has one: the
// first link made is kept, so every reader sees the same room.
func (r *Chat) AddCallLink(ctx context.Context, number int64, url string, at time.Time) error {
	_, err := r.s.db.ExecContext(ctx, `INSERT INTO chat_call_links (incident_number, url, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (incident_number) DO NOTHING`, number, url, at.UTC())
	return mapErr(err)
}
