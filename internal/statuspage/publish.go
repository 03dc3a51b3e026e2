package statuspage

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/audit"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

// ComponentChange sets one component's status with an update.
type ComponentChange struct {
	ComponentID int64           `json:"component_id"`
	Status      ComponentStatus `json:"status"`
}

// UpdateInput is one public update to publish.
type UpdateInput struct {
	PageID     int64             `json:"page_id,omitempty"` // for an incident's first update; default: the default page
	Status     IncidentStatus    `json:"status"`
	Title      string            `json:"title,omitempty"` // the public incident's name; set on the first update, changes it later
	Body       string            `json:"body"`
	Components []ComponentChange `json:"components,omitempty"`
}

// Published is what a publish wrote.
type Published struct {
	Incident *Incident `json:"incident"`
	Update   Update    `json:"update"`
}

// Publish publishes a public update of internal incident number: it creates
// or updates the public incident on the page, sets component statuses and
// is recorded on the incident's timeline, all in the incident's transaction,
// with the subscriber deliveries and the next-update reminder as jobs.
// The Communications Manager, the Incident Manager or an admin may publish.
func (s *Service) Publish(ctx context.Context, number int64, in UpdateInput) (Published, error) {
	var out Published
	if in.PageID == 0 {
		p, err := s.DefaultPage(ctx)
		if err != nil {
			return out, err
		}
		in.PageID = p.ID
	}
	cadence, err := s.Cadence(ctx)
	if err != nil {
		return out, err
	}
	_, err = s.incidents.RecordAlongside(ctx, number, func(itx incident.Tx, a access.Actor, inc *incident.Incident, now time.Time) (incident.Event, error) {
		if !MayCommunicate(a, inc) {
			return incident.Event{}, apperr.Forbidden("only the Communications Manager or the Incident Manager of %s (or an admin) may publish its public updates", inc.Ref())
		}
		tx, err := s.store.Within(itx)
		if err != nil {
			return incident.Event{}, err
		}
		pi, err := tx.IncidentOf(ctx, in.PageID, number)
		if err != nil {
			return incident.Event{}, err
		}
		if pi == nil {
			if in.Title == "" {
				in.Title = inc.Title
			}
			pi = &Incident{PageID: in.PageID, Kind: KindIncident, IncidentNumber: number, Impact: ImpactNone, CreatedAt: now}
		}
		if out, err = s.post(ctx, tx, a, pi, in, now); err != nil {
			return incident.Event{}, err
		}
		if !pi.Status.Done() && inc.Stage.Open() {
			if due, ok := cadence.NextDue(inc.Severity, now); ok {
				if err := tx.Enqueue(ctx, ReminderJob{Number: number, AfterUpdate: out.Update.ID, Due: due}); err != nil {
					return incident.Event{}, err
				}
			}
		}
		return incident.Event{Kind: incident.EventStatusUpdatePublished, Note: out.Update.Body, After: map[string]any{
			"page_id": pi.PageID, "public_incident": pi.ID, "update": out.Update.ID, "status": string(out.Update.Status), "title": pi.Name,
		}}, nil
	})
	return out, err
}

// post validates and writes one update of pi (new when pi.ID is zero).
func (s *Service) post(ctx context.Context, tx Tx, a access.Actor, pi *Incident, in UpdateInput, now time.Time) (Published, error) {
	statuses := IncidentStatuses
	if pi.Kind == KindMaintenance {
		statuses = MaintenanceStatuses
	}
	if !slices.Contains(statuses, in.Status) {
		return Published{}, apperr.Invalid("status", "a %s update's status is one of %v, not %q", pi.Kind, statuses, in.Status)
	}
	var err error
	if in.Title, err = checkText("title", in.Title, maxName, pi.ID == 0); err != nil {
		return Published{}, err
	}
	if in.Title != "" {
		pi.Name = in.Title
	}
	if in.Body, err = checkText("body", in.Body, maxBody, true); err != nil {
		return Published{}, err
	}
	changes := in.Components
	if pi.Kind == KindMaintenance && len(changes) == 0 {
		// A maintenance puts its components under maintenance while it runs
		// and gives them back when it is over.
		switch in.Status {
		case InProgress:
			changes = s.all(pi.Components, UnderMaintenance)
		case Completed:
			changes = s.all(pi.Components, Operational)
		}
	}
	seen := map[int64]bool{}
	var affected []Affected
	for _, ch := range changes {
		if seen[ch.ComponentID] {
			return Published{}, apperr.Invalid("components", "component %d is named twice", ch.ComponentID)
		}
		seen[ch.ComponentID] = true
		if !ch.Status.Valid() {
			return Published{}, apperr.Invalid("components", "%q is not a component status", ch.Status)
		}
		c, err := tx.ComponentForUpdate(ctx, ch.ComponentID)
		if apperr.Is(err, apperr.CodeNotFound) || (err == nil && c.PageID != pi.PageID) {
			return Published{}, apperr.Invalid("components", "there is no component %d on this page", ch.ComponentID)
		}
		if err != nil {
			return Published{}, err
		}
		affected = append(affected, Affected{ComponentID: c.ID, Name: c.Name, OldStatus: c.Status, Status: ch.Status})
		if c.Status != ch.Status {
			c.Status, c.UpdatedAt = ch.Status, now
			if err := tx.SaveComponent(ctx, &c); err != nil {
				return Published{}, err
			}
		}
		if !slices.Contains(pi.Components, c.ID) {
			pi.Components = append(pi.Components, c.ID)
		}
	}
	if impact := ImpactOf(pi.Kind, affected); impactRank(impact) > impactRank(pi.Impact) || pi.Kind == KindMaintenance {
		pi.Impact = impact
	}
	pi.Status, pi.UpdatedAt = in.Status, now
	switch in.Status {
	case Monitoring, Verifying:
		if pi.MonitoringAt == nil {
			pi.MonitoringAt = &now
		}
	case Resolved, Completed:
		pi.ResolvedAt = &now
	default:
		pi.ResolvedAt = nil // reopened
	}
	if pi.Components == nil {
		pi.Components = []int64{}
	}
	if err := tx.SaveIncident(ctx, pi); err != nil {
		return Published{}, err
	}
	u := Update{IncidentID: pi.ID, Status: in.Status, Body: in.Body, Affected: affected, ActorName: a.Name, CreatedAt: now}
	if u.Affected == nil {
		u.Affected = []Affected{}
	}
	if err := tx.AddUpdate(ctx, &u); err != nil {
		return Published{}, err
	}
	if err := tx.Enqueue(ctx, FanoutJob{UpdateID: u.ID}); err != nil {
		return Published{}, err
	}
	if err := tx.Publish(ctx, Topic); err != nil {
		return Published{}, err
	}
	pi.Updates = append([]Update{u}, pi.Updates...)
	return Published{Incident: pi, Update: u}, nil
}

func (s *Service) all(ids []int64, st ComponentStatus) []ComponentChange {
	out := make([]ComponentChange, len(ids))
	for i, id := range ids {
		out[i] = ComponentChange{ComponentID: id, Status: st}
	}
	return out
}

// CreateIncident opens a public incident that no internal incident stands
// behind (the management API and the Statuspage-compatible API); responders may.
func (s *Service) CreateIncident(ctx context.Context, pageID int64, in UpdateInput) (Published, error) {
	a, err := need(ctx, access.Responder, "publishing incidents")
	if err != nil {
		return Published{}, err
	}
	if in.Status == "" {
		in.Status = Investigating
	}
	var out Published
	err = s.write(ctx, a, "statuspage.incident.create", "status page "+strconv.FormatInt(pageID, 10), map[string]any{"title": in.Title}, func(tx Tx, now time.Time) error {
		pi := &Incident{PageID: pageID, Kind: KindIncident, Impact: ImpactNone, CreatedAt: now}
		out, err = s.post(ctx, tx, a, pi, in, now)
		return err
	})
	return out, s.pageMissing(ctx, pageID, err)
}

// pageMissing turns a foreign-key failure on a page into "no such page".
func (s *Service) pageMissing(ctx context.Context, pageID int64, err error) error {
	if err != nil && !apperr.Is(err, apperr.CodeNotFound) {
		if _, perr := s.store.Page(ctx, pageID); perr != nil {
			return perr
		}
	}
	return err
}

// PostUpdate adds an update to an existing public incident or maintenance.
// Updates of an incident that an internal incident stands behind go through
// Publish, so that they reach its timeline and obey its roles.
func (s *Service) PostUpdate(ctx context.Context, id int64, in UpdateInput) (Published, error) {
	a, err := need(ctx, access.Responder, "publishing updates")
	if err != nil {
		return Published{}, err
	}
	pi, err := s.store.Incident(ctx, id)
	if err != nil {
		return Published{}, err
	}
	if pi.IncidentNumber != 0 {
		in.PageID = pi.PageID
		return s.Publish(ctx, pi.IncidentNumber, in)
	}
	var out Published
	err = s.write(ctx, a, "statuspage.update", "public incident "+strconv.FormatInt(id, 10), map[string]any{"status": in.Status}, func(tx Tx, now time.Time) error {
		pi, err := tx.IncidentForUpdate(ctx, id)
		if err != nil {
			return err
		}
		out, err = s.post(ctx, tx, a, pi, in, now)
		return err
	})
	return out, err
}

// DeleteIncident removes a public incident (one published by mistake); admins only.
func (s *Service) DeleteIncident(ctx context.Context, id int64) error {
	a, err := need(ctx, access.Admin, "deleting public incidents")
	if err != nil {
		return err
	}
	return s.write(ctx, a, "statuspage.incident.delete", "public incident "+strconv.FormatInt(id, 10), nil, func(tx Tx, _ time.Time) error {
		if _, err := tx.IncidentForUpdate(ctx, id); err != nil {
			return err
		}
		return tx.DeleteIncident(ctx, id)
	})
}

// MaintenanceInput schedules a maintenance.
type MaintenanceInput struct {
	PageID         int64     `json:"page_id,omitempty"`
	Title          string    `json:"title"`
	Body           string    `json:"body"`
	ScheduledFor   time.Time `json:"scheduled_for"`
	ScheduledUntil time.Time `json:"scheduled_until"`
	Components     []int64   `json:"components,omitempty"`
}

// ScheduleMaintenance announces a maintenance window; it starts and
// completes by itself at the window's edges (jobs) unless moved on by hand.
func (s *Service) ScheduleMaintenance(ctx context.Context, in MaintenanceInput) (Published, error) {
	a, err := need(ctx, access.Responder, "scheduling maintenance")
	if err != nil {
		return Published{}, err
	}
	if in.PageID == 0 {
		p, err := s.DefaultPage(ctx)
		if err != nil {
			return Published{}, err
		}
		in.PageID = p.ID
	}
	if in.ScheduledFor.IsZero() || in.ScheduledUntil.IsZero() {
		return Published{}, apperr.Invalid("scheduled_for", "a maintenance needs scheduled_for and scheduled_until")
	}
	if !in.ScheduledUntil.After(in.ScheduledFor) {
		return Published{}, apperr.Invalid("scheduled_until", "must be after scheduled_for")
	}
	var out Published
	err = s.write(ctx, a, "statuspage.maintenance.create", "status page "+strconv.FormatInt(in.PageID, 10), map[string]any{"title": in.Title}, func(tx Tx, now time.Time) error {
		from, until := in.ScheduledFor.UTC(), in.ScheduledUntil.UTC()
		pi := &Incident{PageID: in.PageID, Kind: KindMaintenance, Impact: ImpactMaintenance, CreatedAt: now,
			ScheduledFor: &from, ScheduledUntil: &until, Components: []int64{}}
		for _, id := range in.Components {
			c, err := tx.ComponentForUpdate(ctx, id)
			if err != nil || c.PageID != in.PageID {
				return apperr.Invalid("components", "there is no component %d on this page", id)
			}
			if !slices.Contains(pi.Components, id) {
				pi.Components = append(pi.Components, id)
			}
		}
		out, err = s.post(ctx, tx, a, pi, UpdateInput{Status: Scheduled, Title: in.Title, Body: in.Body}, now)
		if err != nil {
			return err
		}
		if err := tx.Enqueue(ctx, MaintenanceJob{IncidentID: pi.ID, From: Scheduled, To: InProgress, At: from}); err != nil {
			return err
		}
		return tx.Enqueue(ctx, MaintenanceJob{IncidentID: pi.ID, From: InProgress, To: Completed, At: until})
	})
	return out, s.pageMissing(ctx, in.PageID, err)
}

// MoveMaintenance is the worker of MaintenanceJob: it starts or completes a
// maintenance at its window's edge, if it is still where the job expects.
func (s *Service) MoveMaintenance(ctx context.Context, job MaintenanceJob, _ int) error {
	a := access.System
	return s.store.InTx(ctx, func(tx Tx) error {
		pi, err := tx.IncidentForUpdate(ctx, job.IncidentID)
		if apperr.Is(err, apperr.CodeNotFound) {
			return nil // deleted since
		}
		if err != nil || pi.Status != job.From {
			return err
		}
		body := "The scheduled maintenance is now in progress."
		if job.To == Completed {
			body = "The scheduled maintenance has been completed."
		}
		now := s.now().UTC()
		if _, err := s.post(ctx, tx, a, pi, UpdateInput{Status: job.To, Body: body}, now); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.New(a, now, "statuspage.maintenance."+string(job.To), "public incident "+strconv.FormatInt(pi.ID, 10), nil))
	})
}
