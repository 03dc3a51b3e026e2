package statuspage

import (
	"context"
	"slices"
	"time"

	"github.com/firebreak-hq/firebreak/internal/incident"
)

// Draft is a proposed public update: a template filled with the incident's
// facts, for the Communications Manager to edit and publish.
type Draft struct {
	PageID     int64             `json:"page_id"`
	Status     IncidentStatus    `json:"status"`
	Title      string            `json:"title"`
	Body       string            `json:"body"`
	Components []ComponentChange `json:"components"`
	Reason     string            `json:"reason,omitempty"` // why this status is proposed, e.g. the incident was resolved
}

// Communications is everything the communications panel of an incident shows.
type Communications struct {
	Number          int64               `json:"number"`
	MayPublish      bool                `json:"may_publish"` // the caller is CM, IM or admin
	Public          []*Incident         `json:"public"`      // the public incidents telling about it, one per page
	Stakeholder     []StakeholderUpdate `json:"stakeholder_updates"`
	LastPublished   *time.Time          `json:"last_published,omitempty"`
	NextDue         *time.Time          `json:"next_due,omitempty"` // when the next public update is due (cadence of the severity)
	CadenceMinutes  int                 `json:"cadence_minutes"`    // 0: the severity has no cadence
	Draft           Draft               `json:"draft"`
	ProposeResolved bool                `json:"propose_resolved"` // the incident is resolved and its public incident is not
	Pages           []Page              `json:"pages"`
	Components      []Component         `json:"components"` // of every page, for choosing
	Templates       []Template          `json:"templates"`
}

// Communications gathers the communications panel of incident number and
// proposes the next public update (pageID 0: the page it was published on,
// else the default page; status "": the natural next status).
func (s *Service) Communications(ctx context.Context, number, pageID int64, status IncidentStatus) (*Communications, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	inc, err := s.incidents.Get(ctx, number)
	if err != nil {
		return nil, err
	}
	c := &Communications{Number: number, MayPublish: MayCommunicate(a, inc) && !(inc.Stage == incident.Closed || inc.Stage == incident.Dismissed)}
	if c.Public, err = s.store.IncidentsOf(ctx, number); err != nil {
		return nil, err
	}
	if c.Stakeholder, err = s.store.StakeholderUpdates(ctx, number); err != nil {
		return nil, err
	}
	if c.Pages, err = s.store.Pages(ctx); err != nil {
		return nil, err
	}
	if c.Components, err = s.store.Components(ctx, 0); err != nil {
		return nil, err
	}
	if c.Templates, err = s.Templates(ctx); err != nil {
		return nil, err
	}
	cadence, err := s.Cadence(ctx)
	if err != nil {
		return nil, err
	}
	var current *Incident
	for _, p := range c.Public {
		if l := p.Latest(); l != nil && (c.LastPublished == nil || l.CreatedAt.After(*c.LastPublished)) {
			t := l.CreatedAt
			c.LastPublished = &t
		}
		if p.PageID == pageID || (pageID == 0 && current == nil) {
			current = p
		}
	}
	if pageID == 0 {
		if current != nil {
			pageID = current.PageID
		} else if def, err := s.DefaultPage(ctx); err == nil {
			pageID = def.ID
		}
	}
	allDone := len(c.Public) > 0
	for _, p := range c.Public {
		allDone = allDone && p.Status.Done()
	}
	if inc.Stage.Open() && !allDone {
		last := inc.CreatedAt
		if c.LastPublished != nil {
			last = *c.LastPublished
		}
		if due, ok := cadence.NextDue(inc.Severity, last); ok {
			c.NextDue = &due
			c.CadenceMinutes = int(due.Sub(last).Minutes())
		}
	}
	c.ProposeResolved = !inc.Stage.Open() && current != nil && !current.Status.Done()
	c.Draft = s.draft(inc, current, pageID, status, c, cadence)
	return c, nil
}

// draft proposes the next update of inc on page pageID.
func (s *Service) draft(inc *incident.Incident, current *Incident, pageID int64, status IncidentStatus, c *Communications, cadence Cadence) Draft {
	d := Draft{PageID: pageID, Status: status}
	if d.Status == "" {
		switch {
		case current == nil:
			d.Status = Investigating
		case c.ProposeResolved:
			d.Status, d.Reason = Resolved, inc.Ref()+" is "+inc.Stage.Label()+": publish the Resolved update to close the public incident."
		case current.Status == Investigating:
			d.Status = Identified
		default:
			d.Status = current.Status
		}
	}
	// The components: those already affected, else those standing for the
	// incident's services.
	var comps []Component
	for _, comp := range c.Components {
		if comp.PageID != pageID {
			continue
		}
		affected := current != nil && slices.Contains(current.Components, comp.ID)
		linked := false
		for _, sv := range comp.Services {
			linked = linked || slices.Contains(inc.Services, sv)
		}
		if affected || (current == nil && linked) {
			comps = append(comps, comp)
		}
	}
	var names, groups []string
	for _, comp := range comps {
		names = append(names, comp.Name)
		st := comp.Status
		if st == Operational {
			st = PartialOutage
		}
		if d.Status == Resolved {
			st = Operational
		}
		d.Components = append(d.Components, ComponentChange{ComponentID: comp.ID, Status: st})
	}
	title := inc.Title
	if current != nil {
		title = current.Name
	}
	var next time.Duration
	if due, ok := cadence.NextDue(inc.Severity, time.Time{}); ok {
		next = due.Sub(time.Time{})
	}
	for _, t := range c.Templates {
		if t.Status == d.Status {
			d.Title, d.Body = t.Fill(Vars{Title: title, Components: names, Groups: groups, Region: inc.Labels["region"],
				Impact: inc.CustomerImpact, Page: pageName(c.Pages, pageID), NextUpdate: next})
		}
	}
	return d
}

func pageName(pages []Page, id int64) string {
	for _, p := range pages {
		if p.ID == id {
			return p.Name
		}
	}
	return ""
}

// Preview renders an update as it will appear on the public page.
func (s *Service) Preview(ctx context.Context, in UpdateInput) (PreviewResult, error) {
	if _, err := actorOf(ctx); err != nil {
		return PreviewResult{}, err
	}
	body, err := checkText("body", in.Body, maxBody, false)
	if err != nil {
		return PreviewResult{}, err
	}
	return PreviewResult{Status: in.Status.Label(), Title: in.Title, HTML: string(RenderMarkdown(body))}, nil
}

// PreviewResult is a rendered update.
type PreviewResult struct {
	Status string `json:"status"`
	Title  string `json:"title"`
	HTML   string `json:"html"` // sanitized
}
