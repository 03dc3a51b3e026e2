package chat

import (
	"context"
	"slices"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

// Timeline kinds chat records through RecordAlongside. A captured message
// itself becomes an ordinary note (so it can be a key moment).
const (
	// EventMessageEdited: a captured message was edited in the chat; Note is its new text.
	EventMessageEdited incident.EventKind = "chat_message_edited"
	// EventMessageDeleted: a captured message was deleted in the chat; Note is the text it had.
	EventMessageDeleted incident.EventKind = "chat_message_deleted"
)

// SyncJob brings an incident's channel in step with the incident after one
// of its timeline events. It carries ids only: the worker re-reads both.
type SyncJob struct {
	Number int64 `json:"number"`
	Seq    int64 `json:"seq"`
}

// Kind names the job for the queue.
func (SyncJob) Kind() string { return "chat_sync" }

// CallLinkJob gives a new incident its conference link.
type CallLinkJob struct {
	Number int64 `json:"number"`
}

// Kind names the job for the queue.
func (CallLinkJob) Kind() string { return "chat_call_link" }

// Follow decides, for one timeline event, what chat must do: every new
// incident without a call link gets one, and when a chat is connected,
// every event except notes brings the channel in step (notes change
// nothing on the card). It is pure, as incident.Follower requires.
func (s *Service) Follow(inc *incident.Incident, e incident.Event) []incident.Job {
	var jobs []incident.Job
	if e.Kind == incident.EventDeclared && inc.ConferenceURL == "" {
		jobs = append(jobs, CallLinkJob{Number: inc.Number})
	}
	if s.Platform != nil {
		switch e.Kind {
		case incident.EventNote, incident.EventKeyMoment, EventMessageEdited, EventMessageDeleted:
		default:
			jobs = append(jobs, SyncJob{Number: inc.Number, Seq: e.Seq})
		}
	}
	return jobs
}

// SetCallLink gives a new incident its conference link from the template,
// kept beside the incident (not in it: writing the incident would bump its
// version under the feet of whoever is editing it). Idempotent.
func (s *Service) SetCallLink(ctx context.Context, j CallLinkJob) error {
	inc, err := s.Incidents.Get(access.With(ctx, access.System), j.Number)
	if err != nil {
		return err
	}
	_, err = s.callLink(ctx, inc)
	return err
}

// callLink is the incident's conference link: the one a person set on the
// incident, else the generated one (made now if it is missing).
func (s *Service) callLink(ctx context.Context, inc *incident.Incident) (string, error) {
	if inc.ConferenceURL != "" {
		return inc.ConferenceURL, nil
	}
	link, err := s.Store.CallLink(ctx, inc.Number)
	if !apperr.Is(err, apperr.CodeNotFound) {
		return link, err
	}
	if err := s.Store.AddCallLink(ctx, inc.Number, CallLink(s.Config.CallTemplate, inc.Number), s.Now()); err != nil {
		return "", err
	}
	return s.Store.CallLink(ctx, inc.Number)
}

// Sync brings the channel of incident j.Number in step: it creates the
// channel (once), sets the topic, invites role holders and involved people,
// posts and pins the card or edits it in place, announces the incident
// (once), and on close posts the summary and archives (once). Each step is
// saved as it completes, so a job retried after a rate limit resumes where
// it stopped: nothing is posted twice and nothing is lost. Syncs of one
// incident run one at a time (a lease in the store); a job that finds the
// lease taken returns *Busy and is run again shortly.
func (s *Service) Sync(ctx context.Context, j SyncJob) error {
	if s.Platform == nil {
		return nil
	}
	holder := randomToken(12)
	now := s.Now()
	ok, err := s.Store.Lock(ctx, j.Number, holder, now, now.Add(syncLease))
	if err != nil {
		return err
	}
	if !ok {
		return &Busy{Number: j.Number}
	}
	defer func() {
		if err := s.Store.Unlock(context.WithoutCancel(ctx), j.Number, holder); err != nil {
			s.Log.Warn("chat: unlock", "incident", j.Number, "err", err)
		}
	}()
	return s.sync(ctx, j)
}

// syncLease bounds how long a dead node's sync blocks others: the job
// timeout (one minute) and a margin.
const syncLease = 90 * time.Second

func (s *Service) sync(ctx context.Context, j SyncJob) error {
	sys := access.With(ctx, access.System)
	inc, err := s.Incidents.Get(sys, j.Number)
	if err != nil {
		return err
	}
	st, err := s.Store.Channel(ctx, j.Number)
	if apperr.Is(err, apperr.CodeNotFound) {
		if inc.Stage == incident.Closed || inc.Stage == incident.Dismissed {
			return nil // finished before a channel was made: none is needed now
		}
		st, err = s.createChannel(sys, inc)
	}
	if err != nil {
		return err
	}
	if st.Archived {
		return nil
	}
	save := func() error {
		st.UpdatedAt = s.Now().UTC()
		return s.Store.SaveChannel(ctx, st)
	}
	call, err := s.callLink(ctx, inc)
	if err != nil {
		return err
	}
	if topic := Topic(inc, call); topic != st.Topic {
		if err := s.Platform.SetTopic(ctx, st.ChannelID, topic); err != nil {
			return err
		}
		st.Topic = topic
		if err := save(); err != nil {
			return err
		}
	}
	want := append(inc.Roles.Holders(), inc.Involved...)
	var invite []string
	for _, id := range want {
		cid, err := s.chatUserOf(ctx, id)
		if err != nil {
			return err
		}
		if cid != "" && !slices.Contains(st.Invited, cid) && !slices.Contains(invite, cid) {
			invite = append(invite, cid)
		}
	}
	if len(invite) > 0 {
		if err := s.Platform.Invite(ctx, st.ChannelID, invite); err != nil {
			return err
		}
		st.Invited = append(st.Invited, invite...)
		if err := save(); err != nil {
			return err
		}
	}
	card, err := s.card(sys, inc, call)
	if err != nil {
		return err
	}
	msg := Message{Text: card.Text(), Card: &card}
	if st.CardTS == "" {
		ts, err := s.Platform.Post(ctx, st.ChannelID, msg)
		if err != nil {
			return err
		}
		st.CardTS = ts
		if err := save(); err != nil {
			return err
		}
	} else if err := s.Platform.Update(ctx, st.ChannelID, st.CardTS, msg); err != nil {
		return err
	}
	if !st.Pinned {
		if err := s.Platform.Pin(ctx, st.ChannelID, st.CardTS); err != nil {
			return err
		}
		st.Pinned = true
		if err := save(); err != nil {
			return err
		}
	}
	if !st.Announced && s.Config.Announcements != "" {
		if _, err := s.Platform.Post(ctx, s.Config.Announcements, Announcement(inc, st.ChannelID, s.incidentURL(inc.Number))); err != nil {
			return err
		}
		st.Announced = true
		if err := save(); err != nil {
			return err
		}
	}
	if inc.Stage == incident.Closed || inc.Stage == incident.Dismissed {
		if !st.Summarized {
			if _, err := s.Platform.Post(ctx, st.ChannelID, Summary(inc, s.postmortemURL(sys, inc.Number), s.incidentURL(inc.Number))); err != nil {
				return err
			}
			st.Summarized = true
			if err := save(); err != nil {
				return err
			}
		}
		if s.Config.ArchiveOnClose {
			if err := s.Platform.Archive(ctx, st.ChannelID); err != nil {
				return err
			}
			st.Archived = true
			return save()
		}
	}
	return nil
}

// createChannel makes the incident's channel and records it beside the
// incident (IncidentLinks reads it for the incident page and the postmortem).
func (s *Service) createChannel(ctx context.Context, inc *incident.Incident) (ChannelState, error) {
	ch, err := s.Platform.CreateChannel(ctx, ChannelName(s.Config.ChannelPattern, inc))
	if err != nil {
		return ChannelState{}, err
	}
	now := s.Now().UTC()
	st := ChannelState{Number: inc.Number, Platform: s.Platform.Name(), ChannelID: ch.ID, ChannelName: ch.Name, Invited: []string{}, CreatedAt: now, UpdatedAt: now}
	if err := s.Store.SaveChannel(ctx, st); err != nil {
		return st, err
	}
	return st, nil
}

// card builds the incident's card with its people and links.
func (s *Service) card(ctx context.Context, inc *incident.Incident, call string) (Card, error) {
	people, err := s.people(ctx, inc.Roles.Holders())
	if err != nil {
		return Card{}, err
	}
	links := CardLinks{Incident: s.incidentURL(inc.Number), Call: call, Postmortem: s.postmortemURL(ctx, inc.Number)}
	if s.StatusPages != nil {
		if pubs, err := s.StatusPages.PublicIncidentsOf(ctx, inc.Number); err == nil && len(pubs) > 0 {
			links.StatusPage = s.Config.BaseURL + "/status"
			if p, err := s.StatusPages.Page(ctx, pubs[0].PageID); err == nil && p.Slug != "default" {
				links.StatusPage += "/" + p.Slug
			}
		}
	}
	return CardFor(inc, people, links), nil
}

func (s *Service) postmortemURL(ctx context.Context, number int64) string {
	if s.Postmortems == nil {
		return ""
	}
	u, err := s.Postmortems.PostmortemURL(ctx, number)
	if err != nil {
		s.Log.Warn("chat: postmortem link", "incident", number, "err", err)
		return ""
	}
	return u
}
