package paging

import (
	"context"
	"fmt"
	"strconv"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

// Incidents is what paging needs of the incident core: read an incident
// and appoint its First Responder.
type Incidents interface {
	Get(ctx context.Context, number int64) (*incident.Incident, error)
	AssignRole(ctx context.Context, number, version int64, role incident.Role, userID int64) (*incident.Incident, error)
}

// AlertGroups tells which incident an alert group was declared as (0: none yet).
type AlertGroups interface {
	IncidentOf(ctx context.Context, groupID int64) (int64, error)
}

// UseIncidents connects paging to the incident core and the triage queue.
func (s *Service) UseIncidents(inc Incidents, groups AlertGroups) {
	s.incidents, s.groups = inc, groups
}

// DeclaredJob pages for a newly declared incident: the service's policy
// (unless a triage page already woke someone for it) and its
// Incident-Manager schedule.
type DeclaredJob struct {
	Number int64 `json:"number"`
}

// Kind names the job for the queue.
func (DeclaredJob) Kind() string { return "page_incident_declared" }

// Follow is the incident follower of paging: a declare pages, and an
// incident that leaves Detect and Fix resolves its pages.
func Follow(inc *incident.Incident, e incident.Event) []incident.Job {
	switch e.Kind {
	case incident.EventDeclared:
		return []incident.Job{DeclaredJob{Number: inc.Number}}
	case incident.EventStageChanged:
		if inc.Stage != incident.Detect && inc.Stage != incident.Fix {
			return []incident.Job{ResolveSourceJob{Source: FromIncident, SourceID: inc.Number, Why: fmt.Sprintf("%s moved to %s", incident.Ref(inc.Number), inc.Stage)}}
		}
	}
	return nil
}

func systemCtx(ctx context.Context) context.Context { return access.With(ctx, access.System) }

// WorkDeclared is the worker of DeclaredJob. Each part is idempotent: a
// page is raised once per source, and linking or appointing again changes
// nothing.
func (s *Service) WorkDeclared(ctx context.Context, j DeclaredJob, attempt int) error {
	ctx = systemCtx(ctx)
	if s.incidents == nil {
		return nil
	}
	inc, err := s.incidents.Get(ctx, j.Number)
	if apperr.Is(err, apperr.CodeNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	fromTriage := false
	if g, err := strconv.ParseInt(inc.Labels["alert_group"], 10, 64); err == nil && g > 0 {
		fromTriage = true
		if err := s.linkTriagePage(ctx, inc, g); err != nil {
			return err
		}
	}
	title := fmt.Sprintf("%s: %s", incident.Ref(inc.Number), inc.Title)
	for _, name := range inc.Services {
		sid, err := s.store.ServiceIDByName(ctx, name)
		if apperr.Is(err, apperr.CodeNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		sp, err := s.store.ServicePaging(ctx, sid)
		if err != nil {
			return err
		}
		if sp.PolicyID != 0 && !fromTriage {
			// One page per incident: the first affected service with a policy.
			if _, err := s.Raise(ctx, Trigger{Source: FromIncident, SourceID: inc.Number, ServiceID: sid, Summary: title,
				Urgency: High, IncidentNumber: inc.Number}); err != nil {
				return err
			}
		}
		if sp.IMScheduleID != 0 {
			pol := Direct("Incident Manager of "+name, Target{Kind: TargetSchedule, ID: sp.IMScheduleID})
			if _, err := s.Raise(ctx, Trigger{Source: FromIMSchedule, SourceID: inc.Number, ServiceID: sid,
				Summary: title + " — you are asked to be Incident Manager", Urgency: High, IncidentNumber: inc.Number, Policy: &pol}); err != nil {
				return err
			}
		}
	}
	return nil
}

// linkTriagePage ties the alert group's page to the incident declared from
// it, and makes whoever acknowledged it First Responder.
func (s *Service) linkTriagePage(ctx context.Context, inc *incident.Incident, groupID int64) error {
	var acker int64
	err := s.store.InTx(ctx, func(tx Tx) error {
		open, err := tx.OpenPagesOf(ctx, FromAlertGroup, []int64{groupID})
		p, ok := open[groupID]
		if err != nil || !ok {
			return err
		}
		acker = p.AckedBy
		if p.IncidentNumber == inc.Number {
			return nil
		}
		p.IncidentNumber = inc.Number
		if err := tx.SavePage(ctx, &p); err != nil {
			return err
		}
		return tx.AppendEvents(ctx, []Event{{PageID: p.ID, At: s.now(), Kind: EvTriggered, Text: "Declared as " + incident.Ref(inc.Number)}})
	})
	if err != nil || acker == 0 {
		return err
	}
	return s.appoint(ctx, inc, acker)
}

func (s *Service) appoint(ctx context.Context, inc *incident.Incident, user int64) error {
	if inc.Roles.FirstResponder == user || (inc.Stage != incident.Detect && inc.Stage != incident.Fix) {
		return nil
	}
	_, err := s.incidents.AssignRole(ctx, inc.Number, 0, incident.FirstResponder, user)
	if c := apperr.CodeOf(err); c == apperr.CodeInvalid || c == apperr.CodeForbidden || c == apperr.CodeConflict {
		s.log.Warn("could not make the acknowledger First Responder", "incident", inc.Number, "user", user, "error", err)
		return nil
	}
	return err
}

// WorkAcked is the worker of AckedJob: if the acknowledged triage page's
// item was declared already, its acknowledger becomes First Responder.
func (s *Service) WorkAcked(ctx context.Context, j AckedJob, attempt int) error {
	ctx = systemCtx(ctx)
	if s.incidents == nil || s.groups == nil {
		return nil
	}
	p, err := s.store.Page(ctx, j.PageID)
	if err != nil {
		return ignoreNotFound(err)
	}
	if p.Source != FromAlertGroup || p.AckedBy == 0 {
		return nil
	}
	number := p.IncidentNumber
	if number == 0 {
		if number, err = s.groups.IncidentOf(ctx, p.SourceID); err != nil {
			return ignoreNotFound(err)
		}
	}
	if number == 0 {
		return nil // not declared yet: WorkDeclared appoints when it is
	}
	inc, err := s.incidents.Get(ctx, number)
	if err != nil {
		return ignoreNotFound(err)
	}
	return s.appoint(ctx, inc, p.AckedBy)
}

func ignoreNotFound(err error) error {
	if apperr.Is(err, apperr.CodeNotFound) {
		return nil
	}
	return err
}
