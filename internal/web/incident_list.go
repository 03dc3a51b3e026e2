package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/auth"
	"github.com/firebreak-hq/firebreak/internal/detect"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

// listPageSize is how many incidents a page of the list shows (beyond the
// open ones, which the first page always shows in full).
const listPageSize = 25

// listView is the data of the incident list.
type listView struct {
	Open      []listRow // open incidents, on the first unfiltered page
	Rows      []listRow // the rest, or everything matching the filter
	Filter    listFilter
	Filtered  bool
	Stages    []incident.Stage
	Scale     incident.Scale
	Services  []string
	NextURL   string
	SelfURL   string // this page, re-fetched when an incident changes
	FirstPage bool
	// Triage holds the items waiting in the triage queue, shown above the
	// incidents to responders on the first unfiltered page, so the first
	// screen after sign-in says what needs a decision.
	Triage     []detect.Item
	ShowTriage bool
}

type listFilter struct {
	Stage    string // a stage, "open", or "" for all
	Severity string
	Service  string
	Query    string
}

type listRow struct {
	Inc      *incident.Incident
	Ref      string
	Duration string
	Manager  string
	Open     bool
}

// incidentList answers GET /: for responders the items waiting in the
// triage queue, then open incidents, then the others newest first, with
// filters by stage, severity and service, and pages.
func (s *server) incidentList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	f := listFilter{
		Stage: q.Get("stage"), Severity: q.Get("severity"),
		Service: q.Get("service"), Query: strings.TrimSpace(q.Get("q")),
	}
	cursor := q.Get("cursor")
	v := listView{Filter: f, Stages: incident.Stages, Scale: s.inc.Scale(), FirstPage: cursor == ""}
	v.Filtered = f != listFilter{}
	v.SelfURL = r.URL.RequestURI()

	users, err := s.auth.ListUsers(ctx)
	if err != nil {
		return err
	}
	byID := make(map[int64]auth.User, len(users))
	for _, u := range users {
		byID[u.ID] = u
	}
	if v.Services, err = s.serviceNames(r); err != nil {
		return err
	}
	if !v.Filtered && v.FirstPage && s.triage != nil && actor(r).Can(access.Responder) {
		if v.Triage, err = s.triage.Queue(ctx); err != nil {
			return err
		}
		v.ShowTriage = true
	}

	base := incident.Filter{Service: f.Service, Query: f.Query}
	if f.Severity != "" {
		base.Severities = []string{f.Severity}
	}
	now := s.now()
	rows := func(incs []*incident.Incident) []listRow {
		out := make([]listRow, 0, len(incs))
		for _, inc := range incs {
			row := listRow{Inc: inc, Ref: inc.Ref(), Duration: formatDuration(inc.Duration(now)), Open: inc.Stage.Open()}
			if inc.Roles.IncidentManager != 0 {
				row.Manager = nameOf(byID, inc.Roles.IncidentManager)
			}
			out = append(out, row)
		}
		return out
	}

	rest := base
	rest.Limit, rest.Cursor = listPageSize, cursor
	switch f.Stage {
	case "":
		// Open incidents first, all of them, on the first page; then the rest.
		if cursor == "" {
			open := base
			open.Open, open.Limit = true, 200
			res, err := s.inc.List(ctx, open)
			if err != nil {
				return err
			}
			v.Open = rows(res.Incidents)
		}
		rest.Stages = []incident.Stage{incident.Resolved, incident.Improve, incident.Closed, incident.Dismissed}
	case "open":
		rest.Open = true
	default:
		rest.Stages = []incident.Stage{incident.Stage(f.Stage)}
	}
	res, err := s.inc.List(ctx, rest)
	if err != nil {
		return err
	}
	v.Rows = rows(res.Incidents)
	if res.Next != "" {
		nq := url.Values{}
		for k, val := range map[string]string{"stage": f.Stage, "severity": f.Severity, "service": f.Service, "q": f.Query} {
			if val != "" {
				nq.Set(k, val)
			}
		}
		nq.Set("cursor", res.Next)
		v.NextURL = "/?" + nq.Encode()
	}
	s.render(w, r, http.StatusOK, "incidents", page{Title: "Incidents", Nav: "incidents", Data: v})
	return nil
}
