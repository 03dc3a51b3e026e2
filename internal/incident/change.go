package incident

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
)

// Limits on free text, so one careless paste cannot bloat every page.
const (
	maxTitle = 200
	maxText  = 20000
	maxShort = 500
)

// DeclareInput is what a person says when declaring an incident.
type DeclareInput struct {
	Title          string            `json:"title"`
	Summary        string            `json:"summary"`
	Severity       string            `json:"severity"`
	Stage          Stage             `json:"stage"` // Detect (still triaging) or Fix (the default: it is an incident)
	Services       []string          `json:"services"`
	Labels         map[string]string `json:"labels"`
	CustomerImpact string            `json:"customer_impact"`
	BlastRadius    BlastRadius       `json:"blast_radius"`
	ChatChannel    string            `json:"chat_channel"`
	ConferenceURL  string            `json:"conference_url"`
	PagingRef      string            `json:"paging_ref"`
	DetectedAt     *time.Time        `json:"detected_at"`           // when the problem was first noticed; default now
	TakeManager    bool              `json:"take_incident_manager"` // the declarer becomes Incident Manager
}

// Declare creates an incident. The declarer is its First Responder, and its
// Incident Manager when they ask to be. The number is assigned by the store.
func Declare(a access.Actor, in DeclareInput, scale Scale, now time.Time) (*Incident, []Event, error) {
	if !a.Can(access.Responder) {
		return nil, nil, apperr.Forbidden("declaring an incident needs the responder permission")
	}
	inc := &Incident{Stage: Fix, Labels: map[string]string{}, CreatedBy: a.UserID, CreatedAt: now, UpdatedAt: now, Version: 1}
	if in.Stage != "" {
		if in.Stage != Detect && in.Stage != Fix {
			return nil, nil, apperr.Invalid("stage", "a new incident starts in detect (still being evaluated) or fix, not %q", in.Stage)
		}
		inc.Stage = in.Stage
	}
	if in.Severity == "" && len(scale) > 0 {
		in.Severity = scale[len(scale)/2].Name // a middle severity until someone knows better
	}
	patch := Patch{
		Title: &in.Title, Summary: &in.Summary, Severity: &in.Severity, Services: &in.Services,
		Labels: &in.Labels, CustomerImpact: &in.CustomerImpact, BlastRadius: &in.BlastRadius,
		ChatChannel: &in.ChatChannel, ConferenceURL: &in.ConferenceURL, PagingRef: &in.PagingRef,
	}
	if _, _, err := patch.apply(inc, scale); err != nil {
		return nil, nil, err
	}
	detected := now
	if in.DetectedAt != nil {
		if in.DetectedAt.After(now) {
			return nil, nil, apperr.Invalid("detected_at", "cannot be in the future")
		}
		detected = in.DetectedAt.UTC()
	}
	inc.Times.Detected = &detected
	if inc.Stage == Fix {
		inc.Times.Declared, inc.Times.Fixing = &now, &now
	}
	if a.UserID != 0 {
		inc.Roles.FirstResponder = a.UserID
		if in.TakeManager {
			inc.Roles.IncidentManager = a.UserID
		}
	}
	inc.involve(a.UserID)
	ev := inc.event(a, EventDeclared, now)
	ev.After = map[string]any{"title": inc.Title, "severity": inc.Severity, "stage": string(inc.Stage)}
	return inc, []Event{ev}, nil
}

// Patch changes some fields of an incident; nil fields stay as they are.
type Patch struct {
	Title          *string            `json:"title"`
	Summary        *string            `json:"summary"`
	Severity       *string            `json:"severity"`
	Services       *[]string          `json:"services"`
	Labels         *map[string]string `json:"labels"`
	CustomerImpact *string            `json:"customer_impact"`
	BlastRadius    *BlastRadius       `json:"blast_radius"`
	ChatChannel    *string            `json:"chat_channel"`
	ConferenceURL  *string            `json:"conference_url"`
	PagingRef      *string            `json:"paging_ref"`
}

// Update applies a patch and records the fields that really changed.
func (inc *Incident) Update(a access.Actor, p Patch, scale Scale, now time.Time) ([]Event, error) {
	if err := inc.checkChangeable(a); err != nil {
		return nil, err
	}
	before, after, err := p.apply(inc, scale)
	if err != nil {
		return nil, err
	}
	if len(after) == 0 {
		return nil, nil
	}
	inc.involve(a.UserID)
	ev := inc.event(a, EventFieldChanged, now)
	ev.Before, ev.After = before, after
	return []Event{ev}, nil
}

// apply validates every set field, then writes them; it returns the old and
// new values of the fields that changed.
func (p Patch) apply(inc *Incident, scale Scale) (before, after map[string]any, err error) {
	before, after = map[string]any{}, map[string]any{}
	setText := func(field string, dst *string, v *string, max int, required bool) error {
		if v == nil {
			return nil
		}
		s := strings.TrimSpace(*v)
		if required && s == "" {
			return apperr.Invalid(field, "is required")
		}
		if utf8.RuneCountInString(s) > max {
			return apperr.Invalid(field, "is longer than %d characters", max)
		}
		if s != *dst {
			before[field], after[field] = *dst, s
			*dst = s
		}
		return nil
	}
	next := inc.clone()
	if err := setText("title", &next.Title, p.Title, maxTitle, true); err != nil {
		return nil, nil, err
	}
	if err := setText("summary", &next.Summary, p.Summary, maxText, false); err != nil {
		return nil, nil, err
	}
	if p.Severity != nil {
		sev, ok := scale.Lookup(*p.Severity)
		if !ok {
			return nil, nil, apperr.Invalid("severity", "unknown severity %q; use one of %s", *p.Severity, strings.Join(scale.Names(), ", "))
		}
		if err := setText("severity", &next.Severity, &sev.Name, maxShort, true); err != nil {
			return nil, nil, err
		}
	}
	if err := setText("customer_impact", &next.CustomerImpact, p.CustomerImpact, maxText, false); err != nil {
		return nil, nil, err
	}
	if err := setText("chat_channel", &next.ChatChannel, p.ChatChannel, 80, false); err != nil {
		return nil, nil, err
	}
	if p.ConferenceURL != nil && strings.TrimSpace(*p.ConferenceURL) != "" {
		u, err := url.Parse(strings.TrimSpace(*p.ConferenceURL))
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return nil, nil, apperr.Invalid("conference_url", "must be an http(s) link, e.g. https://meet.jit.si/inc-42")
		}
	}
	if err := setText("conference_url", &next.ConferenceURL, p.ConferenceURL, maxShort, false); err != nil {
		return nil, nil, err
	}
	if err := setText("paging_ref", &next.PagingRef, p.PagingRef, maxShort, false); err != nil {
		return nil, nil, err
	}
	if p.Services != nil {
		svcs := normalizeList(*p.Services)
		if !slices.Equal(svcs, next.Services) {
			before["services"], after["services"] = next.Services, svcs
			next.Services = svcs
		}
	}
	if p.Labels != nil {
		labels := map[string]string{}
		for k, v := range *p.Labels {
			k = strings.TrimSpace(k)
			if k == "" || len(k) > 100 || len(v) > maxShort {
				return nil, nil, apperr.Invalid("labels", "label keys must be 1–100 characters and values at most %d", maxShort)
			}
			labels[k] = strings.TrimSpace(v)
		}
		if !maps.Equal(labels, next.Labels) {
			before["labels"], after["labels"] = next.Labels, labels
			next.Labels = labels
		}
	}
	if p.BlastRadius != nil {
		br := BlastRadius{Text: strings.TrimSpace(p.BlastRadius.Text)}
		if utf8.RuneCountInString(br.Text) > maxText {
			return nil, nil, apperr.Invalid("blast_radius.text", "is longer than %d characters", maxText)
		}
		for i, c := range p.BlastRadius.Counts {
			c.Kind = strings.TrimSpace(c.Kind)
			if c.Kind == "" {
				return nil, nil, apperr.Invalid(fmt.Sprintf("blast_radius.counts[%d].kind", i), "is required, e.g. support_tickets")
			}
			if c.Count < 0 {
				return nil, nil, apperr.Invalid(fmt.Sprintf("blast_radius.counts[%d].count", i), "cannot be negative")
			}
			br.Counts = append(br.Counts, c)
		}
		if br.Text != next.BlastRadius.Text || !slices.Equal(br.Counts, next.BlastRadius.Counts) {
			before["blast_radius"], after["blast_radius"] = next.BlastRadius, br
			next.BlastRadius = br
		}
	}
	*inc = *next
	return before, after, nil
}

// normalizeList trims, drops empties and duplicates, keeping order.
func normalizeList(in []string) []string {
	out := []string{}
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// ChangeStage moves the incident to another stage if the transition table
// allows it. Dismissing needs a reason; closing must pass the close gate
// (the postmortem policy), which the caller evaluates and passes in.
func (inc *Incident) ChangeStage(a access.Actor, to Stage, reason string, closeGate error, now time.Time) ([]Event, error) {
	if !a.Can(access.Responder) {
		return nil, apperr.Forbidden("changing the stage needs the responder permission")
	}
	if !to.Valid() {
		return nil, apperr.Invalid("stage", "unknown stage %q; stages are detect, fix, resolved, improve, closed, dismissed", to)
	}
	if !inc.Stage.CanMoveTo(to) {
		return nil, apperr.Invalid("stage", "%s", inc.refusal(to))
	}
	reason = strings.TrimSpace(reason)
	if to == Dismissed && reason == "" {
		return nil, apperr.Invalid("reason", "dismissing needs a reason: say why this event is not an incident")
	}
	if to == Closed && closeGate != nil {
		return nil, closeGate
	}
	from := inc.Stage
	inc.Stage = to
	stamp := func(p **time.Time) {
		if *p == nil {
			*p = &now
		}
	}
	switch to {
	case Fix:
		stamp(&inc.Times.Declared)
		stamp(&inc.Times.Fixing)
	case Resolved:
		stamp(&inc.Times.Resolved)
	case Improve:
		stamp(&inc.Times.Improve)
	case Closed:
		stamp(&inc.Times.Closed)
	case Dismissed:
		stamp(&inc.Times.Dismissed)
		inc.DismissReason = reason
	}
	inc.involve(a.UserID)
	ev := inc.event(a, EventStageChanged, now)
	ev.Before = map[string]any{"stage": string(from)}
	ev.After = map[string]any{"stage": string(to)}
	if from == Resolved && to == Fix {
		ev.After["reopened"] = true
	}
	ev.Note = reason
	return []Event{ev}, nil
}

// refusal explains a refused transition and says what is allowed instead.
func (inc *Incident) refusal(to Stage) string {
	next := inc.Stage.Next()
	if len(next) == 0 {
		return fmt.Sprintf("%s is %s; it cannot change stage any more", inc.Ref(), inc.Stage.Label())
	}
	labels := make([]string, len(next))
	for i, s := range next {
		labels[i] = s.Label()
	}
	return fmt.Sprintf("%s is in %s and cannot move to %s; from %s it can move to %s",
		inc.Ref(), inc.Stage.Label(), to.Label(), inc.Stage.Label(), strings.Join(labels, " or "))
}

// AddNote appends a free-text note, optionally as a key moment.
func (inc *Incident) AddNote(a access.Actor, text string, keyMoment bool, now time.Time) ([]Event, error) {
	if !a.Can(access.Responder) {
		return nil, apperr.Forbidden("adding a note needs the responder permission")
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, apperr.Invalid("text", "a note needs some text")
	}
	if utf8.RuneCountInString(text) > maxText {
		return nil, apperr.Invalid("text", "is longer than %d characters", maxText)
	}
	inc.involve(a.UserID)
	ev := inc.event(a, EventNote, now)
	ev.Note, ev.KeyMoment = text, keyMoment
	return []Event{ev}, nil
}

// MarkKeyMoment marks an existing note as a key moment for the postmortem;
// the note itself is never edited.
func (inc *Incident) MarkKeyMoment(a access.Actor, note Event, now time.Time) ([]Event, error) {
	if !a.Can(access.Responder) {
		return nil, apperr.Forbidden("marking a key moment needs the responder permission")
	}
	if note.Kind != EventNote || note.IncidentNumber != inc.Number {
		return nil, apperr.Invalid("seq", "only notes of this incident can be marked as key moments")
	}
	inc.involve(a.UserID)
	ev := inc.event(a, EventKeyMoment, now)
	ev.Ref = note.Seq
	return []Event{ev}, nil
}

// checkChangeable refuses changes by viewers and to finished incidents.
func (inc *Incident) checkChangeable(a access.Actor) error {
	if !a.Can(access.Responder) {
		return apperr.Forbidden("changing an incident needs the responder permission")
	}
	if inc.Stage == Closed || inc.Stage == Dismissed {
		return apperr.Invalid("stage", "%s is %s and can no longer be changed", inc.Ref(), inc.Stage.Label())
	}
	return nil
}

// event starts a timeline event by a for this incident.
func (inc *Incident) event(a access.Actor, kind EventKind, now time.Time) Event {
	return Event{IncidentNumber: inc.Number, At: now, ActorID: a.UserID, ActorName: a.Name, Kind: kind}
}
