package postmortem

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/audit"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

// Follower is the incident follower of this capability: the move to Improve
// drafts the postmortem, and every later event of an incident in Improve
// refreshes its synced blocks. Register it with incident.Service.Follow.
func Follower(inc *incident.Incident, e incident.Event) []incident.Job {
	if inc.Stage != incident.Improve {
		return nil
	}
	if e.Kind == incident.EventStageChanged && e.After["stage"] == string(incident.Improve) {
		return []incident.Job{CreateJob{Number: inc.Number}}
	}
	if e.Kind == EventPublished || e.Kind == EventWaived {
		return nil
	}
	return []incident.Job{SyncJob{Number: inc.Number, Seq: e.Seq}}
}

// The timeline events this capability appends to the incident.
const (
	EventPublished incident.EventKind = "postmortem_published" // After holds {"mode", "commit", "url"}
	EventWaived    incident.EventKind = "postmortem_waived"    // Note holds the reason
)

// Create drafts the postmortem of an incident in Improve from the default
// template (the CreateJob's work). It is idempotent: it does nothing when the
// postmortem exists. It also sends every involved person their 5-Why form.
func (s *Service) Create(ctx context.Context, number int64) error {
	ctx = access.With(ctx, access.System)
	inc, err := s.incidents.Get(ctx, number)
	if err != nil {
		return err
	}
	if inc.Stage != incident.Improve && inc.Stage != incident.Closed {
		return nil // moved back before the job ran; nothing to draft
	}
	if _, err := s.store.Get(ctx, number); err == nil {
		return nil
	} else if apperr.CodeOf(err) != apperr.CodeNotFound {
		return err
	}
	facts, err := s.facts(ctx, inc)
	if err != nil {
		return err
	}
	events, err := s.incidents.Timeline(ctx, number)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	return s.store.InTx(ctx, func(tx Tx) error {
		tpl, err := tx.DefaultTemplate(ctx)
		if err != nil {
			return err
		}
		pm := &Postmortem{Number: number, Title: inc.Title, Slug: Slugify(inc.Title), Status: Draft, Version: 1,
			Severity: inc.Severity, ResolvedAt: inc.Times.Resolved, CreatedAt: now, UpdatedAt: now}
		body := ""
		if tpl != nil {
			body, pm.TemplateID = tpl.Body, tpl.ID
		}
		pm.Body = FromTemplate(body, facts, events, now)
		ok, err := tx.Insert(ctx, pm)
		if err != nil || !ok {
			return err
		}
		if err := tx.AddVersion(ctx, Version{Number: number, Version: 1, Body: pm.Body, AuthorName: "Firebreak", Note: "drafted from the template", At: now}); err != nil {
			return err
		}
		for _, id := range inc.Involved {
			if err := tx.Enqueue(ctx, FormInviteJob{Number: number, UserID: id}); err != nil {
				return err
			}
		}
		if err := tx.Audit(ctx, audit.New(access.System, now, "postmortem.create", inc.Ref(), nil)); err != nil {
			return err
		}
		return tx.Publish(ctx, Topic(number))
	})
}

// Sync refreshes the basic-information block and the imported timeline from
// the incident (the SyncJob's work). A published or waived postmortem is left
// as it was published; an unchanged body writes nothing.
func (s *Service) Sync(ctx context.Context, number int64) error {
	ctx = access.With(ctx, access.System)
	pm, err := s.store.Get(ctx, number)
	if apperr.CodeOf(err) == apperr.CodeNotFound {
		return nil // the create job has not run yet; it drafts from the current facts
	}
	if err != nil {
		return err
	}
	if pm.Status == Published || pm.Status == Waived {
		return nil
	}
	inc, err := s.incidents.Get(ctx, number)
	if err != nil {
		return err
	}
	facts, err := s.facts(ctx, inc)
	if err != nil {
		return err
	}
	events, err := s.incidents.Timeline(ctx, number)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	if err := s.RefreshItems(ctx, number); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx Tx) error {
		pm, err := tx.GetForUpdate(ctx, number)
		if err != nil {
			return err
		}
		body := Sync(pm.Body, facts, events, now)
		changed := body != pm.Body || pm.Severity != inc.Severity || !sameTime(pm.ResolvedAt, inc.Times.Resolved)
		if !changed {
			return nil
		}
		pm.Severity, pm.ResolvedAt = inc.Severity, inc.Times.Resolved
		return s.save(ctx, tx, access.System, pm, body, "basic information synced from the incident", now)
	})
}

// RefreshItems rewrites the document's action-items block from the items,
// as a version by Firebreak, when it changed: before publishing, so the
// published text lists them. A published or waived postmortem is left alone.
func (s *Service) RefreshItems(ctx context.Context, number int64) error {
	sys := access.With(ctx, access.System)
	items, err := s.store.Items(sys, ItemFilter{Number: number, Limit: 500})
	if err != nil {
		return err
	}
	owners := map[int64]string{}
	for _, it := range items {
		if it.OwnerID != 0 && owners[it.OwnerID] == "" {
			if p, err := s.people.Person(sys, it.OwnerID); err == nil {
				owners[it.OwnerID] = p.Name
			}
		}
	}
	now := s.now().UTC()
	return s.store.InTx(ctx, func(tx Tx) error {
		pm, err := tx.GetForUpdate(ctx, number)
		if err != nil {
			return err
		}
		if pm.Status == Published || pm.Status == Waived {
			return nil
		}
		body := SyncItems(pm.Body, items, owners)
		if body == pm.Body {
			return nil
		}
		return s.save(ctx, tx, access.System, pm, body, "action items listed", now)
	})
}

// Edit saves a new body. version is the version the editor read; a stale
// version is refused with the current postmortem, so the editor can merge.
func (s *Service) Edit(ctx context.Context, number, version int64, body, note string) (*Postmortem, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	if err := responder(a); err != nil {
		return nil, err
	}
	if strings.TrimSpace(body) == "" {
		return nil, apperr.Invalid("body", "the postmortem cannot be empty")
	}
	if utf8.RuneCountInString(body) > 200000 {
		return nil, apperr.Invalid("body", "the postmortem is longer than 200,000 characters")
	}
	if utf8.RuneCountInString(note) > 500 {
		return nil, apperr.Invalid("note", "the change note is longer than 500 characters")
	}
	body = strings.ReplaceAll(body, "\r\n", "\n")
	var out *Postmortem
	err = s.store.InTx(ctx, func(tx Tx) error {
		pm, err := tx.GetForUpdate(ctx, number)
		if err != nil {
			return err
		}
		if version != 0 && pm.Version != version {
			return stale(pm, version)
		}
		if pm.Status == Waived {
			return apperr.Conflict("the postmortem of %s was waived; there is nothing to edit", incident.Ref(number))
		}
		out = pm
		if body == pm.Body {
			return nil
		}
		if err := s.save(ctx, tx, a, pm, body, strings.TrimSpace(note), s.now().UTC()); err != nil {
			return err
		}
		if pm.Status == Published {
			if s.policy.Mode == ModeGit && s.publisher != nil {
				// In git review an edit after publishing is reviewed like the
				// first version: a new pull request; the site keeps the merged
				// text until it merges (MarkPublished re-indexes then).
				return tx.Enqueue(ctx, SubmitJob{Number: number, Version: pm.Version})
			}
			return tx.Enqueue(ctx, IndexJob{Number: number})
		}
		return nil
	})
	return out, err
}

// save writes a new body as the next version, with who wrote it.
func (s *Service) save(ctx context.Context, tx Tx, a access.Actor, pm *Postmortem, body, note string, now time.Time) error {
	prev := pm.Version
	pm.Body, pm.Version, pm.UpdatedAt, pm.UpdatedBy = body, pm.Version+1, now, a.UserID
	ok, err := tx.Save(ctx, pm, prev)
	if err != nil {
		return err
	}
	if !ok {
		return stale(pm, prev)
	}
	name := a.Name
	if a.UserID == 0 {
		name = "Firebreak"
	}
	if err := tx.AddVersion(ctx, Version{Number: pm.Number, Version: pm.Version, Body: body, AuthorID: a.UserID, AuthorName: name, Note: note, At: now}); err != nil {
		return err
	}
	if err := tx.Audit(ctx, audit.New(a, now, "postmortem.edit", incident.Ref(pm.Number), map[string]any{"version": pm.Version})); err != nil {
		return err
	}
	return tx.Publish(ctx, Topic(pm.Number))
}

func stale(pm *Postmortem, had int64) error {
	return apperr.Stale("the postmortem of "+incident.Ref(pm.Number)+" was changed by someone else (you edited version "+
		itoa(had)+", it is now at version "+itoa(pm.Version)+"); reload it and merge your changes", pm)
}
