package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/auth"
	"github.com/firebreak-hq/firebreak/internal/chat"
	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/store"
)

// TestChatChannelsLinksAndCaptures: an incident's channel state is saved
// step by step and found by channel id; a chat user links to one Firebreak
// user only; a capture is written inside an incident change and updated on
// edit — on both databases.
func TestChatChannelsLinksAndCaptures(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cs := s.Chat()
		incs := newIncidentService(s, &recordingQueue{})
		inc, err := incs.Declare(access.With(ctx, alice), incident.DeclareInput{Title: "Checkout down", Severity: "SEV1"})
		must(t, err)
		now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

		if _, err := cs.Channel(ctx, inc.Number); !apperr.Is(err, apperr.CodeNotFound) {
			t.Fatalf("channel before any: %v", err)
		}
		st := chat.ChannelState{Number: inc.Number, Platform: "slack", ChannelID: "C1", ChannelName: "inc-1-checkout-down", CreatedAt: now, UpdatedAt: now}
		must(t, cs.SaveChannel(ctx, st))
		st.CardTS, st.Pinned, st.Invited, st.Announced, st.Topic = "1700000000.000100", true, []string{"U1", "U2"}, true, "INC-1"
		st.UpdatedAt = now.Add(time.Minute)
		must(t, cs.SaveChannel(ctx, st))
		got, err := cs.ChannelByID(ctx, "slack", "C1")
		must(t, err)
		if got.CardTS != st.CardTS || !got.Pinned || !slices.Equal(got.Invited, st.Invited) || !got.Announced || got.Summarized || !got.UpdatedAt.Equal(st.UpdatedAt) {
			t.Fatalf("channel = %+v", got)
		}
		if _, err := cs.ChannelByID(ctx, "slack", "C2"); !apperr.Is(err, apperr.CodeNotFound) {
			t.Fatalf("unknown channel: %v", err)
		}
		all, err := cs.Channels(ctx)
		must(t, err)
		if len(all) != 1 || all[0].ChannelID != "C1" {
			t.Fatalf("channels = %+v", all)
		}

		svc, _, actx, _ := newAuth(t, s)
		ann, err := svc.CreateUser(actx, auth.UserInput{Handle: "ann", Name: "Ann", Email: "ann@example.com", Level: "responder"})
		must(t, err)
		bob, err := svc.CreateUser(actx, auth.UserInput{Handle: "bob", Name: "Bob", Email: "bob@example.com", Level: "responder"})
		must(t, err)
		must(t, cs.SaveLink(ctx, chat.UserLink{UserID: ann.ID, Platform: "slack", ChatUserID: "UANN", How: chat.LinkedByEmail, CreatedAt: now}))
		if err := cs.SaveLink(ctx, chat.UserLink{UserID: bob.ID, Platform: "slack", ChatUserID: "UANN", How: chat.LinkedManually, CreatedAt: now}); !apperr.Is(err, apperr.CodeConflict) {
			t.Fatalf("linking a chat user twice: %v", err)
		}
		// Relinking Ann moves her link.
		must(t, cs.SaveLink(ctx, chat.UserLink{UserID: ann.ID, Platform: "slack", ChatUserID: "UANN2", How: chat.LinkedManually, CreatedAt: now}))
		l, err := cs.LinkByChatUser(ctx, "slack", "UANN2")
		must(t, err)
		if l.UserID != ann.ID || l.How != chat.LinkedManually {
			t.Fatalf("link = %+v", l)
		}
		if _, err := cs.LinkByChatUser(ctx, "slack", "UANN"); !apperr.Is(err, apperr.CodeNotFound) {
			t.Fatalf("old link still there: %v", err)
		}
		links, err := cs.Links(ctx, "slack")
		must(t, err)
		if len(links) != 1 {
			t.Fatalf("links = %+v", links)
		}
		must(t, cs.DeleteLink(ctx, "slack", ann.ID))
		if _, err := cs.Link(ctx, "slack", ann.ID); !apperr.Is(err, apperr.CodeNotFound) {
			t.Fatalf("deleted link: %v", err)
		}
		if err := cs.DeleteLink(ctx, "slack", ann.ID); !apperr.Is(err, apperr.CodeNotFound) {
			t.Fatalf("deleting twice: %v", err)
		}

		// A capture is written with the timeline note, in one transaction.
		c := chat.Capture{Platform: "slack", ChannelID: "C1", MessageTS: "1700000001.000200", Number: inc.Number,
			Author: "Ann", Text: "rolled back the deploy", Permalink: "https://x.slack.com/archives/C1/p1700000001000200", CapturedAt: now, UpdatedAt: now}
		for i, want := range []bool{true, false} { // the second time: captured already
			_, err = incs.RecordAlongside(access.With(ctx, alice), inc.Number, func(tx incident.Tx, a access.Actor, _ *incident.Incident, at time.Time) (incident.Event, error) {
				added, err := cs.AddCapture(ctx, tx, c)
				if added != want {
					t.Errorf("AddCapture #%d = %v", i+1, added)
				}
				return incident.Event{Kind: incident.EventNote, Note: c.Text}, err
			})
			must(t, err)
		}
		c.Text, c.UpdatedAt = "rolled back the deploy to v41", now.Add(time.Minute)
		_, err = incs.RecordAlongside(access.With(ctx, alice), inc.Number, func(tx incident.Tx, a access.Actor, _ *incident.Incident, at time.Time) (incident.Event, error) {
			return incident.Event{Kind: chat.EventMessageEdited, Note: c.Text}, cs.SaveCapture(ctx, tx, c)
		})
		must(t, err)
		got2, err := cs.Capture(ctx, "slack", "C1", c.MessageTS)
		must(t, err)
		if got2.Text != c.Text || got2.Author != "Ann" || !got2.CapturedAt.Equal(now) || got2.Deleted {
			t.Fatalf("capture = %+v", got2)
		}
		// The call link: the first one made is kept.
		if _, err := cs.CallLink(ctx, inc.Number); !apperr.Is(err, apperr.CodeNotFound) {
			t.Fatalf("call link before any: %v", err)
		}
		must(t, cs.AddCallLink(ctx, inc.Number, "https://meet.jit.si/a", now))
		must(t, cs.AddCallLink(ctx, inc.Number, "https://meet.jit.si/b", now))
		if link, err := cs.CallLink(ctx, inc.Number); err != nil || link != "https://meet.jit.si/a" {
			t.Fatalf("call link %q %v", link, err)
		}

		// The sync lease: one holder at a time until it expires.
		ok, err := cs.Lock(ctx, inc.Number, "a", now, now.Add(time.Minute))
		must(t, err)
		if !ok {
			t.Fatal("first lock refused")
		}
		if ok, _ := cs.Lock(ctx, inc.Number, "b", now.Add(time.Second), now.Add(time.Minute)); ok {
			t.Fatal("a second holder took a live lease")
		}
		if ok, _ := cs.Lock(ctx, inc.Number, "b", now.Add(2*time.Minute), now.Add(3*time.Minute)); !ok {
			t.Fatal("an expired lease was not taken over")
		}
		must(t, cs.Unlock(ctx, inc.Number, "a")) // not a's any more: nothing happens
		if ok, _ := cs.Lock(ctx, inc.Number, "c", now.Add(2*time.Minute), now.Add(3*time.Minute)); ok {
			t.Fatal("a stale unlock released b's lease")
		}
		must(t, cs.Unlock(ctx, inc.Number, "b"))
		if ok, _ := cs.Lock(ctx, inc.Number, "c", now.Add(2*time.Minute), now.Add(3*time.Minute)); !ok {
			t.Fatal("lock after unlock refused")
		}

		tl, err := incs.Timeline(access.With(ctx, alice), inc.Number)
		must(t, err)
		if k := tl[len(tl)-1].Kind; k != chat.EventMessageEdited {
			t.Fatalf("last event %s", k)
		}
	})
}
