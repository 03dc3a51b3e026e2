package oncall

import (
	"sort"
	"time"
)

// Timeline returns the schedule's final timeline over [from, to): the top
// layer with someone on call decides, and an override decides over every
// layer (among overlapping overrides, the one created last). Stretches with
// nobody on call are spans with UserID 0. Adjacent stretches with the same
// person and the same reason are merged. Only the window is expanded.
func Timeline(layers []Layer, overrides []Override, loc *time.Location, from, to time.Time) []Span {
	if !from.Before(to) {
		return nil
	}
	per := make([][]Span, len(layers))
	cuts := []time.Time{from, to}
	for i, l := range layers {
		per[i] = l.Spans(loc, from, to)
		for _, s := range per[i] {
			cuts = append(cuts, s.Start, s.End)
		}
	}
	ovs := make([]Override, 0, len(overrides))
	for _, o := range overrides {
		if o.End.After(from) && o.Start.Before(to) && o.End.After(o.Start) {
			ovs = append(ovs, o)
			cuts = append(cuts, maxTime(o.Start, from), minTime(o.End, to))
		}
	}
	// The override created last wins: try them newest first.
	sort.SliceStable(ovs, func(i, j int) bool { return newer(ovs[i], ovs[j]) })
	sort.Slice(cuts, func(i, j int) bool { return cuts[i].Before(cuts[j]) })
	for i := range cuts {
		cuts[i] = cuts[i].UTC() // one form for every caller, whatever zone from/to came in
	}

	next := make([]int, len(layers)) // per layer, the first span not yet passed
	var out []Span
	for c := 0; c+1 < len(cuts); c++ {
		s, e := cuts[c], cuts[c+1]
		if !s.Before(e) {
			continue
		}
		seg := Span{Start: s, End: e, Layer: -1}
		for _, o := range ovs {
			if !o.Start.After(s) && !o.End.Before(e) {
				seg.UserID, seg.OverrideID = o.UserID, o.ID
				break
			}
		}
		for i := range layers {
			sp := per[i]
			for next[i] < len(sp) && !sp[next[i]].End.After(s) {
				next[i]++
			}
			if seg.OverrideID == 0 && seg.Layer == -1 && next[i] < len(sp) && !sp[next[i]].Start.After(s) {
				seg.UserID, seg.Layer = sp[next[i]].UserID, i
			}
		}
		if n := len(out); n > 0 && out[n-1].UserID == seg.UserID && out[n-1].Layer == seg.Layer && out[n-1].OverrideID == seg.OverrideID && out[n-1].End.Equal(s) {
			out[n-1].End = e
			continue
		}
		out = append(out, seg)
	}
	return out
}

func newer(a, b Override) bool {
	if !a.CreatedAt.Equal(b.CreatedAt) {
		return a.CreatedAt.After(b.CreatedAt)
	}
	return a.ID > b.ID
}

// At returns who is on call at t according to a timeline (0: nobody).
func At(spans []Span, t time.Time) int64 {
	i := sort.Search(len(spans), func(i int) bool { return spans[i].End.After(t) })
	if i < len(spans) && !spans[i].Start.After(t) {
		return spans[i].UserID
	}
	return 0
}

// Shifts turns a timeline into each person's continuous time on call,
// whatever layer or override put them there. Gaps are left out.
func Shifts(scheduleID int64, spans []Span) []Shift {
	var out []Shift
	for _, s := range spans {
		if s.UserID == 0 {
			continue
		}
		if n := len(out); n > 0 && out[n-1].UserID == s.UserID && out[n-1].End.Equal(s.Start) {
			out[n-1].End = s.End
			continue
		}
		out = append(out, Shift{ScheduleID: scheduleID, UserID: s.UserID, Start: s.Start, End: s.End})
	}
	return out
}

// Gap is a stretch of time with nobody on call.
type Gap struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Gaps lists the stretches of a timeline with nobody on call.
func Gaps(spans []Span) []Gap {
	var out []Gap
	for _, s := range spans {
		if s.UserID == 0 {
			out = append(out, Gap{s.Start, s.End})
		}
	}
	return out
}
