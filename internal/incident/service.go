package incident

import (
	"context"
	"fmt"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/audit"
)

// Service is the one way incidents change. Each change reads the incident,
// applies a rule of this package, and in one transaction writes the row,
// appends the timeline events, enqueues their side effects, records the audit
// entry and tells live viewers.
type Service struct {
	store   Store
	people  People
	catalog Catalog
	scale   Scale
	now     func() time.Time
	closeOK ClosePolicy

	followers []Follower
}

// NewService builds the incident service. closePolicy gates Improve → Closed;
// pass AllowClose until a postmortem policy exists.
func NewService(store Store, people People, catalog Catalog, scale Scale, now func() time.Time, closePolicy ClosePolicy) *Service {
	if len(scale) == 0 {
		scale = DefaultScale
	}
	if closePolicy == nil {
		closePolicy = AllowClose
	}
	return &Service{store: store, people: people, catalog: catalog, scale: scale, now: now, closeOK: closePolicy}
}

// Scale returns the severity scale in force.
func (s *Service) Scale() Scale { return s.scale }

func actorOf(ctx context.Context) (access.Actor, error) {
	a, ok := access.From(ctx)
	if !ok {
		return access.Actor{}, apperr.Unauthenticated("sign in first")
	}
	return a, nil
}

// Get returns one incident; viewers may read.
func (s *Service) Get(ctx context.Context, number int64) (*Incident, error) {
	if _, err := actorOf(ctx); err != nil {
		return nil, err
	}
	return s.store.Get(ctx, number)
}

// List returns a page of incidents, newest first.
func (s *Service) List(ctx context.Context, f Filter) (Page, error) {
	if _, err := actorOf(ctx); err != nil {
		return Page{}, err
	}
	for _, st := range f.Stages {
		if !st.Valid() {
			return Page{}, apperr.Invalid("stage", "unknown stage %q", st)
		}
	}
	for i, sev := range f.Severities {
		canon, ok := s.scale.Lookup(sev)
		if !ok {
			return Page{}, apperr.Invalid("severity", "unknown severity %q", sev)
		}
		f.Severities[i] = canon.Name
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	if f.Limit > 200 {
		return Page{}, apperr.Invalid("limit", "at most 200 incidents per page")
	}
	return s.store.List(ctx, f)
}

// Timeline returns every event of an incident in order.
func (s *Service) Timeline(ctx context.Context, number int64) ([]Event, error) {
	if _, err := s.Get(ctx, number); err != nil {
		return nil, err
	}
	return s.store.Timeline(ctx, number)
}

// Declare creates an incident.
func (s *Service) Declare(ctx context.Context, in DeclareInput) (*Incident, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.checkServices(ctx, in.Services); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	inc, events, err := Declare(a, in, s.scale, now)
	if err != nil {
		return nil, err
	}
	err = s.store.InTx(ctx, func(tx Tx) error {
		n, err := tx.Insert(ctx, inc)
		if err != nil {
			return err
		}
		inc.Number = n
		for i := range events {
			events[i].IncidentNumber = n
		}
		return s.record(ctx, tx, a, inc, events, now)
	})
	if err != nil {
		return nil, err
	}
	return inc, nil
}

// Update changes fields. version is the version the caller read (0: do not check).
func (s *Service) Update(ctx context.Context, number, version int64, p Patch) (*Incident, error) {
	if p.Services != nil {
		if err := s.checkServices(ctx, *p.Services); err != nil {
			return nil, err
		}
	}
	return s.change(ctx, number, version, func(_ Tx, a access.Actor, inc *Incident, now time.Time) ([]Event, error) {
		return inc.Update(a, p, s.scale, now)
	})
}

// ChangeStage moves an incident to another stage; reason is required for Dismissed.
func (s *Service) ChangeStage(ctx context.Context, number, version int64, to Stage, reason string) (*Incident, error) {
	return s.change(ctx, number, version, func(_ Tx, a access.Actor, inc *Incident, now time.Time) ([]Event, error) {
		var gate error
		if to == Closed && inc.Stage == Improve {
			gate = s.closeOK(ctx, inc)
		}
		return inc.ChangeStage(a, to, reason, gate, now)
	})
}

// AssignRole gives a role to a user under the appointment rules.
func (s *Service) AssignRole(ctx context.Context, number, version int64, role Role, userID int64) (*Incident, error) {
	p, err := s.people.Person(ctx, userID)
	if err != nil {
		return nil, err
	}
	return s.change(ctx, number, version, func(_ Tx, a access.Actor, inc *Incident, now time.Time) ([]Event, error) {
		return inc.AssignRole(a, role, p, now)
	})
}

// UnassignRole removes a user from a role.
func (s *Service) UnassignRole(ctx context.Context, number, version int64, role Role, userID int64) (*Incident, error) {
	return s.change(ctx, number, version, func(_ Tx, a access.Actor, inc *Incident, now time.Time) ([]Event, error) {
		return inc.UnassignRole(a, role, userID, now)
	})
}

// AddNote appends a note. Notes never conflict, so no version is checked.
func (s *Service) AddNote(ctx context.Context, number int64, text string, keyMoment bool) (*Incident, error) {
	return s.change(ctx, number, 0, func(_ Tx, a access.Actor, inc *Incident, now time.Time) ([]Event, error) {
		return inc.AddNote(a, text, keyMoment, now)
	})
}

// MarkKeyMoment marks the note with sequence number seq as a key moment.
func (s *Service) MarkKeyMoment(ctx context.Context, number, seq int64) (*Incident, error) {
	return s.change(ctx, number, 0, func(tx Tx, a access.Actor, inc *Incident, now time.Time) ([]Event, error) {
		note, err := tx.Event(ctx, number, seq)
		if err != nil {
			return nil, err
		}
		return inc.MarkKeyMoment(a, note, now)
	})
}

type changeFunc func(tx Tx, a access.Actor, inc *Incident, now time.Time) ([]Event, error)

// change is the single path of every change to an existing incident.
func (s *Service) change(ctx context.Context, number, version int64, fn changeFunc) (*Incident, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	var out *Incident
	err = s.store.InTx(ctx, func(tx Tx) error {
		inc, err := tx.GetForUpdate(ctx, number)
		if err != nil {
			return err
		}
		if version != 0 && inc.Version != version {
			return staleError(inc, version)
		}
		now := s.now().UTC()
		prev := inc.Version
		events, err := fn(tx, a, inc, now)
		if err != nil {
			return err
		}
		out = inc
		if len(events) == 0 {
			return nil // nothing changed: no version bump, no event
		}
		inc.Version++
		inc.UpdatedAt = now
		saved, err := tx.Save(ctx, inc, prev)
		if err != nil {
			return err
		}
		if !saved {
			current, err := tx.GetForUpdate(ctx, number)
			if err != nil {
				return err
			}
			return staleError(current, prev)
		}
		return s.record(ctx, tx, a, inc, events, now)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// record appends the events and writes everything that follows from them.
func (s *Service) record(ctx context.Context, tx Tx, a access.Actor, inc *Incident, events []Event, now time.Time) error {
	events, err := tx.AppendEvents(ctx, events)
	if err != nil {
		return err
	}
	for _, e := range events {
		if err := tx.Enqueue(ctx, EventJob{Number: inc.Number, Seq: e.Seq}); err != nil {
			return err
		}
		for _, j := range s.followJobs(inc, e) {
			if err := tx.Enqueue(ctx, j); err != nil {
				return err
			}
		}
		detail := map[string]any{"seq": e.Seq}
		if e.After != nil {
			detail["after"] = e.After
		}
		if err := tx.Audit(ctx, audit.New(a, now, "incident."+string(e.Kind), inc.Ref(), detail)); err != nil {
			return err
		}
	}
	if err := tx.Publish(ctx, Topic(inc.Number)); err != nil {
		return err
	}
	return tx.Publish(ctx, ListTopic)
}

func staleError(current *Incident, had int64) error {
	return apperr.Stale(fmt.Sprintf("%s was changed by someone else (you edited version %d, it is now at version %d); reload it and try again",
		current.Ref(), had, current.Version), current)
}

func (s *Service) checkServices(ctx context.Context, names []string) error {
	for _, n := range normalizeList(names) {
		ok, err := s.catalog.ServiceExists(ctx, n)
		if err != nil {
			return err
		}
		if !ok {
			return apperr.Invalid("services", "there is no service named %q in the catalog", n)
		}
	}
	return nil
}
