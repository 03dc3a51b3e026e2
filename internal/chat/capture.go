package chat

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

// maxCapture keeps a captured message within the timeline's note limit.
const maxCapture = 19000

// Reaction captures the message a person reacted to, when the reaction is
// the configured one (📌 by default) and the channel is an incident's.
// Capturing the same message twice does nothing.
func (s *Service) Reaction(ctx context.Context, reactorID, channelID, ts, reaction string) error {
	if reaction != s.Config.CaptureReaction || s.Platform == nil {
		return nil
	}
	if _, err := s.Store.ChannelByID(ctx, s.platformName(), channelID); apperr.Is(err, apperr.CodeNotFound) {
		return nil // not an incident channel: reactions there are none of our business
	} else if err != nil {
		return err
	}
	msg, err := s.Platform.Message(ctx, channelID, ts)
	if err != nil {
		return err
	}
	return s.Capture(ctx, reactorID, msg)
}

// Capture puts a chat message on its incident's timeline as a note (author,
// time, text, permalink), acting as the person who captured it. The message
// comes from a reaction or the "Add to incident timeline" shortcut.
func (s *Service) Capture(ctx context.Context, capturerID string, msg ChatMessage) error {
	st, err := s.Store.ChannelByID(ctx, s.platformName(), msg.ChannelID)
	if apperr.Is(err, apperr.CodeNotFound) {
		return apperr.Invalid("channel", "this channel belongs to no incident, so its messages cannot go on a timeline")
	}
	if err != nil {
		return err
	}
	if _, err := s.Store.Capture(ctx, s.platformName(), msg.ChannelID, msg.TS); err == nil {
		return nil // captured already
	} else if !apperr.Is(err, apperr.CodeNotFound) {
		return err
	}
	a, err := s.ActorFor(ctx, capturerID)
	if err != nil {
		return err
	}
	author := s.authorName(ctx, msg.UserID)
	link, err := s.Platform.Permalink(ctx, msg.ChannelID, msg.TS)
	if err != nil {
		return err
	}
	now := s.Now().UTC()
	text := clip(strings.TrimSpace(msg.Text))
	if text == "" {
		return apperr.Invalid("text", "that message has no text to capture")
	}
	c := Capture{Platform: s.platformName(), ChannelID: msg.ChannelID, MessageTS: msg.TS, Number: st.Number,
		Author: author, Text: text, Permalink: link, CapturedAt: now, UpdatedAt: now}
	_, err = s.Incidents.RecordAlongside(access.With(ctx, a), st.Number, func(tx incident.Tx, a access.Actor, inc *incident.Incident, now time.Time) (incident.Event, error) {
		if err := capturable(a, inc); err != nil {
			return incident.Event{}, err
		}
		added, err := s.Store.AddCapture(ctx, tx, c)
		if err != nil {
			return incident.Event{}, err
		}
		if !added {
			return incident.Event{}, errCapturedAlready // rolls the change back: one note per message
		}
		return incident.Event{Kind: incident.EventNote, Note: captureNote(c, msg.At),
			After: map[string]any{"source": s.platformName(), "author": author, "said_at": msg.At.UTC().Format(time.RFC3339), "permalink": link, "message_ts": msg.TS}}, nil
	})
	if errors.Is(err, errCapturedAlready) {
		return nil
	}
	return err
}

var errCapturedAlready = errors.New("chat: message captured already")

// Edited reflects an edit of a captured message on the timeline as a new
// event; the original note stays, as the timeline is append-only.
func (s *Service) Edited(ctx context.Context, channelID, ts, text string) error {
	return s.reflect(ctx, channelID, ts, func(c *Capture) (incident.EventKind, string, bool) {
		text = clip(strings.TrimSpace(text))
		if text == c.Text || c.Deleted {
			return "", "", false
		}
		c.Text = text
		return EventMessageEdited, text, true
	})
}

// Deleted reflects the deletion of a captured message on the timeline.
func (s *Service) Deleted(ctx context.Context, channelID, ts string) error {
	return s.reflect(ctx, channelID, ts, func(c *Capture) (incident.EventKind, string, bool) {
		if c.Deleted {
			return "", "", false
		}
		c.Deleted = true
		return EventMessageDeleted, c.Text, true
	})
}

func (s *Service) reflect(ctx context.Context, channelID, ts string, change func(*Capture) (incident.EventKind, string, bool)) error {
	c, err := s.Store.Capture(ctx, s.platformName(), channelID, ts)
	if apperr.Is(err, apperr.CodeNotFound) {
		return nil // not a captured message
	}
	if err != nil {
		return err
	}
	kind, note, ok := change(&c)
	if !ok {
		return nil
	}
	c.UpdatedAt = s.Now().UTC()
	_, err = s.Incidents.RecordAlongside(access.With(ctx, access.System), c.Number, func(tx incident.Tx, _ access.Actor, inc *incident.Incident, _ time.Time) (incident.Event, error) {
		return incident.Event{Kind: kind, Note: note, After: map[string]any{"source": c.Platform, "author": c.Author,
			"permalink": c.Permalink, "message_ts": c.MessageTS}}, s.Store.SaveCapture(ctx, tx, c)
	})
	if apperr.Is(err, apperr.CodeInvalid) {
		return nil // the incident is closed: its timeline no longer changes
	}
	return err
}

// capturable applies the note rules to a capture: a responder, on an
// incident that can still change.
func capturable(a access.Actor, inc *incident.Incident) error {
	if !a.Can(access.Responder) {
		return apperr.Forbidden("adding to the timeline needs the responder permission")
	}
	if inc.Stage == incident.Closed || inc.Stage == incident.Dismissed {
		return apperr.Invalid("stage", "%s is %s and its timeline can no longer change", inc.Ref(), inc.Stage.Label())
	}
	return nil
}

// authorName is the message author's Firebreak name, or their chat id.
func (s *Service) authorName(ctx context.Context, chatUserID string) string {
	if chatUserID == "" {
		return "someone"
	}
	if a, err := s.ActorFor(ctx, chatUserID); err == nil {
		return a.Name
	}
	return mentionOf(chatUserID)
}

// captureNote is the note's text: the message, then who said it, when, and where.
func captureNote(c Capture, at time.Time) string {
	when := ""
	if !at.IsZero() {
		when = " at " + at.UTC().Format("15:04 UTC")
	}
	return c.Text + "\n\n— " + c.Author + " in chat" + when + ": " + c.Permalink
}

func clip(s string) string {
	if len(s) <= maxCapture {
		return s
	}
	for !utf8.ValidString(s[:maxCapture]) {
		s = s[:len(s)-1]
	}
	return s[:maxCapture] + "…"
}
