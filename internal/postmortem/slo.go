package postmortem

import (
	"context"
	"slices"
	"strconv"
	"time"
)

// SLOs are the process figures: how well the organisation follows its own
// postmortem process. A share is in [0, 1]; Of says how many cases it
// counts (a share of nothing is reported as 1 with Of 0).
type SLOs struct {
	MeetingsInTime     Share          `json:"meetings_in_time"`      // meetings held within MeetingWithin of the resolve
	FormsBeforeMeeting Share          `json:"forms_before_meeting"`  // 5-Why forms submitted before their meeting started
	PriorityDoneInTime Share          `json:"priority_done_in_time"` // important+urgent items done within PriorityWithin of the meeting (of those due)
	ResolveToPublish   []float64      `json:"resolve_to_publish_s"`  // seconds from resolve to publish, one per published postmortem
	MedianToPublish    time.Duration  `json:"median_resolve_to_publish"`
	OverdueByTeam      map[string]int `json:"overdue_by_team"` // open overdue items; "" is no team
	Published          int            `json:"published"`
	Waived             int            `json:"waived"`
	Open               int            `json:"open"` // postmortems not yet published or waived
	At                 time.Time      `json:"at"`
}

// Share is a fraction with its counts.
type Share struct {
	Met   int     `json:"met"`
	Of    int     `json:"of"`
	Ratio float64 `json:"ratio"`
}

// Percent is the ratio for people: "83%".
func (s Share) Percent() string { return strconv.Itoa(int(s.Ratio*100+0.5)) + "%" }

func share(met, of int) Share {
	if of == 0 {
		return Share{Ratio: 1}
	}
	return Share{Met: met, Of: of, Ratio: float64(met) / float64(of)}
}

// ComputeSLOs computes the figures from the raw facts at now.
func ComputeSLOs(p Policy, f ProcessFacts, now time.Time) SLOs {
	p = p.withDefaults()
	out := SLOs{OverdueByTeam: map[string]int{}, ResolveToPublish: []float64{}, At: now}
	byNumber := map[int64]*Postmortem{}
	for _, pm := range f.Postmortems {
		byNumber[pm.Number] = pm
		switch pm.Status {
		case Published:
			out.Published++
			if pm.ResolvedAt != nil && pm.Publication != nil {
				out.ResolveToPublish = append(out.ResolveToPublish, pm.Publication.At.Sub(*pm.ResolvedAt).Seconds())
			}
		case Waived:
			out.Waived++
		default:
			out.Open++
		}
	}
	meetings := map[int64]Meeting{}
	for _, m := range f.Meetings {
		meetings[m.Number] = m
	}
	met, of := 0, 0
	for _, pm := range f.Postmortems {
		if pm.ResolvedAt == nil || pm.Status == Waived {
			continue // a waived postmortem needs no meeting
		}
		deadline := p.MeetingDeadline(*pm.ResolvedAt)
		m, ok := meetings[pm.Number]
		switch {
		case ok && !m.Cancelled && m.StartedAt != nil:
			of++
			if !m.StartedAt.After(deadline) {
				met++
			}
		case now.After(deadline):
			of++ // the deadline passed without a meeting
		}
	}
	out.MeetingsInTime = share(met, of)

	met, of = 0, 0
	for _, fm := range f.Forms {
		m, ok := meetings[fm.Number]
		if !ok || m.Cancelled || m.StartedAt == nil {
			continue
		}
		of++
		if fm.SubmittedAt != nil && !fm.SubmittedAt.After(*m.StartedAt) {
			met++
		}
	}
	out.FormsBeforeMeeting = share(met, of)

	met, of = 0, 0
	for _, it := range f.Items {
		if it.Overdue(now) {
			out.OverdueByTeam[f.Teams[it.TeamID]]++
		}
		if !it.Priority() || it.Status == ItemWontDo {
			continue
		}
		var m *Meeting
		if mm, ok := meetings[it.Number]; ok {
			m = &mm
		}
		limit := p.priorityBase(m, it.CreatedAt).Add(p.PriorityWithin)
		switch {
		case it.DoneAt != nil:
			of++
			if !it.DoneAt.After(limit) {
				met++
			}
		case now.After(limit):
			of++
		}
	}
	out.PriorityDoneInTime = share(met, of)
	if n := len(out.ResolveToPublish); n > 0 {
		s := slices.Clone(out.ResolveToPublish)
		slices.Sort(s)
		out.MedianToPublish = time.Duration(s[n/2] * float64(time.Second))
	}
	return out
}

// SLOs computes the process figures over the postmortems of incidents
// resolved in the last `window` (default one year).
func (s *Service) SLOs(ctx context.Context, window time.Duration) (SLOs, error) {
	if _, err := actorOf(ctx); err != nil {
		return SLOs{}, err
	}
	if window <= 0 {
		window = 365 * 24 * time.Hour
	}
	now := s.now().UTC()
	f, err := s.store.ProcessFacts(ctx, now.Add(-window))
	if err != nil {
		return SLOs{}, err
	}
	return ComputeSLOs(s.policy, f, now), nil
}
