package statuspage

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// view is one page as a snapshot shows it: everything resolved, sorted and
// computed once per build, so that rendering is only formatting.
type view struct {
	page       Page
	loc        *time.Location
	now        time.Time
	url        string // absolute URL of the page, for JSON and feeds
	root       string // path prefix of the page's links ("/status", "" when served at a host's root)
	updatedAt  time.Time
	overall    Overall
	sections   []section
	components map[int64]Component
	groupOf    map[int64]*Group
	incidents  []*Incident // the page's incidents (not maintenance), newest first
	maint      []*Incident // the page's maintenance, newest first
	days       int
}

// section is a group with its components, or the components in no group.
type section struct {
	Group      *Group
	Status     ComponentStatus // the worst of its components
	UpdatedAt  time.Time
	Components []componentView
	Uptime     float64 // the group's average
}

type componentView struct {
	Component
	Uptime Uptime
}

func newView(d *Data, p Page, now time.Time, url, root string, days int) *view {
	v := &view{page: p, loc: p.Location(), now: now, url: strings.TrimSuffix(url, "/"), root: strings.TrimSuffix(root, "/"),
		updatedAt: p.UpdatedAt, components: map[int64]Component{}, groupOf: map[int64]*Group{}, days: days}
	var comps []Component
	for _, c := range d.Components {
		if c.PageID == p.ID {
			comps = append(comps, c)
			v.components[c.ID] = c
			if c.UpdatedAt.After(v.updatedAt) {
				v.updatedAt = c.UpdatedAt
			}
		}
	}
	var open []*Incident
	for _, inc := range d.Incidents {
		if inc.PageID != p.ID {
			continue
		}
		if inc.UpdatedAt.After(v.updatedAt) {
			v.updatedAt = inc.UpdatedAt
		}
		if inc.Kind == KindMaintenance {
			v.maint = append(v.maint, inc)
		} else {
			v.incidents = append(v.incidents, inc)
			if inc.Open() {
				open = append(open, inc)
			}
		}
	}
	v.overall = OverallStatus(comps, open)

	// Groups in order, each with its components; ungrouped components first.
	var groups []Group
	for _, g := range d.Groups {
		if g.PageID == p.ID {
			groups = append(groups, g)
		}
	}
	slices.SortStableFunc(groups, func(a, b Group) int { return a.Position - b.Position })
	byGroup := map[int64][]componentView{}
	for _, c := range comps {
		byGroup[c.GroupID] = append(byGroup[c.GroupID], componentView{c, ComputeUptime(c.ID, d.History, days, now, v.loc)})
	}
	add := func(g *Group, cs []componentView) {
		if len(cs) == 0 && g == nil {
			return
		}
		sec := section{Group: g, Status: Operational, Components: cs}
		var sum float64
		for _, c := range cs {
			if c.Status.rank() > sec.Status.rank() {
				sec.Status = c.Status
			}
			if c.UpdatedAt.After(sec.UpdatedAt) {
				sec.UpdatedAt = c.UpdatedAt
			}
			sum += c.Uptime.Percent
		}
		if len(cs) > 0 {
			sec.Uptime = sum / float64(len(cs))
		}
		v.sections = append(v.sections, sec)
	}
	add(nil, byGroup[0])
	for i := range groups {
		g := &groups[i]
		for _, c := range byGroup[g.ID] {
			v.groupOf[c.ID] = g
		}
		add(g, byGroup[g.ID])
	}
	return v
}

// The helpers below are the templates' functions.

func (v *view) link(path string) string {
	if path == "" {
		if v.root == "" {
			return "/"
		}
		return v.root
	}
	return v.root + "/" + path
}

// local formats t in the page's time zone, like "Sep 30, 2021 - 18:27 CEST".
func (v *view) local(t time.Time) string {
	return t.In(v.loc).Format("Jan 2, 2006 - 15:04 MST")
}

// ago says how long ago t was, in words.
func (v *view) ago(t time.Time) string {
	d := v.now.Sub(t)
	switch {
	case d < time.Minute:
		return "less than a minute ago"
	case d < 2*time.Minute:
		return "1 minute ago"
	case d < time.Hour:
		return fmt.Sprintf("%d minutes ago", int(d.Minutes()))
	case d < 2*time.Hour:
		return "1 hour ago"
	case d < 48*time.Hour:
		return fmt.Sprintf("%d hours ago", int(d.Hours()))
	}
	return fmt.Sprintf("%d days ago", int(d.Hours()/24))
}

// affectedText says what an incident affected as "Group (A, B), C".
func (v *view) affectedText(inc *Incident) string {
	var parts []string
	seen := map[int64]bool{}
	for _, sec := range v.sections {
		var names []string
		for _, c := range sec.Components {
			if slices.Contains(inc.Components, c.ID) {
				names = append(names, c.Name)
			}
		}
		if len(names) == 0 {
			continue
		}
		if sec.Group == nil {
			parts = append(parts, names...)
		} else if !seen[sec.Group.ID] {
			seen[sec.Group.ID] = true
			parts = append(parts, sec.Group.Name+" ("+strings.Join(names, ", ")+")")
		}
	}
	return strings.Join(parts, ", ")
}

// openIncidents are the incidents not resolved yet.
func (v *view) openIncidents() []*Incident {
	var out []*Incident
	for _, inc := range v.incidents {
		if inc.Open() {
			out = append(out, inc)
		}
	}
	return out
}

// activeMaintenance is in progress, or scheduled and inside its window.
func (v *view) activeMaintenance() []*Incident {
	var out []*Incident
	for _, m := range v.maint {
		if m.Status == InProgress || m.Status == Verifying ||
			(m.Status == Scheduled && m.ScheduledFor != nil && !v.now.Before(*m.ScheduledFor)) {
			out = append(out, m)
		}
	}
	return out
}

// upcomingMaintenance is scheduled and not started, soonest first.
func (v *view) upcomingMaintenance() []*Incident {
	var out []*Incident
	for _, m := range v.maint {
		if m.Status == Scheduled && (m.ScheduledFor == nil || v.now.Before(*m.ScheduledFor)) {
			out = append(out, m)
		}
	}
	slices.SortFunc(out, func(a, b *Incident) int { return a.ScheduledFor.Compare(*b.ScheduledFor) })
	return out
}

// dayEntry is one day of the "past incidents" list.
type dayEntry struct {
	Date      time.Time
	Incidents []*Incident
}

// pastDays lists the last n days with the incidents that started on each.
func (v *view) pastDays(n int) []dayEntry {
	today := v.now.In(v.loc)
	out := make([]dayEntry, n)
	for i := range out {
		d := time.Date(today.Year(), today.Month(), today.Day()-i, 0, 0, 0, 0, v.loc)
		out[i].Date = d
		for _, inc := range v.incidents {
			c := inc.CreatedAt.In(v.loc)
			if c.Year() == d.Year() && c.YearDay() == d.YearDay() {
				out[i].Incidents = append(out[i].Incidents, inc)
			}
		}
	}
	return out
}

// monthEntry is one month of the history page.
type monthEntry struct {
	Month     time.Time
	Incidents []*Incident
}

// months groups every incident and maintenance by the month it started, newest first.
func (v *view) months() []monthEntry {
	all := append(slices.Clone(v.incidents), v.maint...)
	slices.SortFunc(all, func(a, b *Incident) int { return b.CreatedAt.Compare(a.CreatedAt) })
	var out []monthEntry
	for _, inc := range all {
		c := inc.CreatedAt.In(v.loc)
		m := time.Date(c.Year(), c.Month(), 1, 0, 0, 0, 0, v.loc)
		if len(out) == 0 || !out[len(out)-1].Month.Equal(m) {
			out = append(out, monthEntry{Month: m})
		}
		out[len(out)-1].Incidents = append(out[len(out)-1].Incidents, inc)
	}
	return out
}
