package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

// actionFunc performs one change to incident n. On failure it may return
// keep, which puts what the person typed back into the page.
type actionFunc func(r *http.Request, n int64) (keep func(*incidentView), err error)

// incidentAction turns an action into a POST handler: on success it
// redirects back to the incident (post/redirect/get; htmx follows the
// redirect and swaps the page in place), on failure it shows the incident as
// it is now with the service's message and the matching status, so a stale
// write shows both "INC-4 was changed by someone else …" and the current
// state.
func (s *server) incidentAction(fn actionFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		n, err := refParam(r)
		if err != nil {
			return err
		}
		keep, err := fn(r, n)
		if err == nil {
			target := "/incidents/" + incident.Ref(n)
			if r.URL.Path == target+"/notes" {
				target += "#add-note"
			}
			http.Redirect(w, r, target, http.StatusSeeOther)
			return nil
		}
		code := apperr.CodeOf(err)
		if code == apperr.CodeUnauthenticated || code == apperr.CodeInternal {
			return err
		}
		// The address stays the incident's, not the POST's, when htmx swapped it in.
		w.Header().Set("HX-Replace-Url", "/incidents/"+incident.Ref(n))
		return s.showIncident(w, r, n, statusOf(code), &banner{Kind: "error", Message: s.messageOf(r, err)}, keep)
	}
}

// formVersion reads the version the form was rendered with.
func formVersion(r *http.Request) (int64, error) {
	v, err := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	if err != nil || v <= 0 {
		return 0, apperr.Invalid("version", "the form is missing the incident version; reload the page and try again")
	}
	return v, nil
}

func (s *server) changeStage(r *http.Request, n int64) (func(*incidentView), error) {
	version, err := formVersion(r)
	if err != nil {
		return nil, err
	}
	_, err = s.inc.ChangeStage(r.Context(), n, version, incident.Stage(r.PostFormValue("stage")), r.PostFormValue("reason"))
	return nil, err
}

func (s *server) assignRole(r *http.Request, n int64) (func(*incidentView), error) {
	version, err := formVersion(r)
	if err != nil {
		return nil, err
	}
	userID, err := strconv.ParseInt(r.PostFormValue("user_id"), 10, 64)
	if err != nil || userID <= 0 {
		return nil, apperr.Invalid("user_id", "choose a person")
	}
	_, err = s.inc.AssignRole(r.Context(), n, version, incident.Role(r.PostFormValue("role")), userID)
	return nil, err
}

func (s *server) unassignRole(r *http.Request, n int64) (func(*incidentView), error) {
	version, err := formVersion(r)
	if err != nil {
		return nil, err
	}
	userID, err := strconv.ParseInt(r.PostFormValue("user_id"), 10, 64)
	if err != nil {
		return nil, apperr.Invalid("user_id", "choose a person")
	}
	_, err = s.inc.UnassignRole(r.Context(), n, version, incident.Role(r.PostFormValue("role")), userID)
	return nil, err
}

func (s *server) addNote(r *http.Request, n int64) (func(*incidentView), error) {
	text := r.PostFormValue("text")
	_, err := s.inc.AddNote(r.Context(), n, text, r.PostFormValue("key_moment") != "")
	return func(v *incidentView) { v.NoteText = text }, err
}

func (s *server) markKeyMoment(r *http.Request, n int64) (func(*incidentView), error) {
	seq, err := strconv.ParseInt(r.PathValue("seq"), 10, 64)
	if err != nil {
		return nil, apperr.NotFound("that note")
	}
	_, err = s.inc.MarkKeyMoment(r.Context(), n, seq)
	return nil, err
}

// editForm is the incident's editable fields as the form shows them.
type editForm struct {
	Version        int64
	Title          string
	Severity       string
	Summary        string
	CustomerImpact string
	BlastText      string
	Counts         string // one "kind: number" per line
	Services       []string
	Labels         string // one "key=value" per line
	ChatChannel    string
	ConferenceURL  string
	PagingRef      string
}

func editFormOf(inc *incident.Incident) editForm {
	f := editForm{
		Version: inc.Version, Title: inc.Title, Severity: inc.Severity, Summary: inc.Summary,
		CustomerImpact: inc.CustomerImpact, BlastText: inc.BlastRadius.Text, Services: inc.Services,
		ChatChannel: inc.ChatChannel, ConferenceURL: inc.ConferenceURL, PagingRef: inc.PagingRef,
	}
	var counts []string
	for _, c := range inc.BlastRadius.Counts {
		counts = append(counts, fmt.Sprintf("%s: %d", c.Kind, c.Count))
	}
	f.Counts = strings.Join(counts, "\n")
	var labels []string
	for _, l := range sortedLabels(inc.Labels) {
		labels = append(labels, l.Key+"="+l.Value)
	}
	f.Labels = strings.Join(labels, "\n")
	return f
}

func sortedLabels(m map[string]string) []labelView {
	out := make([]labelView, 0, len(m))
	for k, v := range m {
		out = append(out, labelView{k, v})
	}
	slices.SortFunc(out, func(a, b labelView) int { return strings.Compare(a.Key, b.Key) })
	return out
}

func (s *server) updateIncident(r *http.Request, n int64) (func(*incidentView), error) {
	if err := r.ParseForm(); err != nil {
		return nil, apperr.Invalid("", "the form could not be read")
	}
	f := editForm{
		Title: r.PostFormValue("title"), Severity: r.PostFormValue("severity"), Summary: r.PostFormValue("summary"),
		CustomerImpact: r.PostFormValue("customer_impact"), BlastText: r.PostFormValue("blast_text"),
		Counts: r.PostFormValue("counts"), Services: r.PostForm["services"], Labels: r.PostFormValue("labels"),
		ChatChannel: r.PostFormValue("chat_channel"), ConferenceURL: r.PostFormValue("conference_url"),
		PagingRef: r.PostFormValue("paging_ref"),
	}
	keep := func(v *incidentView) {
		if r.PostFormValue("version") == strconv.FormatInt(v.Inc.Version, 10) {
			// Not a stale write: keep what was typed so it can be fixed.
			f.Version = v.Inc.Version
			v.Edit, v.EditOpen = f, true
		}
	}
	version, err := formVersion(r)
	if err != nil {
		return keep, err
	}
	counts, err := parseCounts(f.Counts)
	if err != nil {
		return keep, err
	}
	labels, err := parseLabels(f.Labels)
	if err != nil {
		return keep, err
	}
	services := f.Services
	if services == nil {
		services = []string{}
	}
	p := incident.Patch{
		Title: &f.Title, Severity: &f.Severity, Summary: &f.Summary, CustomerImpact: &f.CustomerImpact,
		BlastRadius: &incident.BlastRadius{Text: f.BlastText, Counts: counts},
		Services:    &services, Labels: &labels,
		ChatChannel: &f.ChatChannel, ConferenceURL: &f.ConferenceURL, PagingRef: &f.PagingRef,
	}
	_, err = s.inc.Update(r.Context(), n, version, p)
	return keep, err
}

// parseCounts reads "support_tickets: 12" lines (also "12 support tickets").
func parseCounts(text string) ([]incident.Count, error) {
	out := []incident.Count{}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		var kind, count string
		if k, c, ok := strings.Cut(line, ":"); ok {
			kind, count = k, c
		} else if c, k, ok := strings.Cut(line, " "); ok {
			kind, count = k, c
		}
		n, err := strconv.ParseInt(strings.TrimSpace(count), 10, 64)
		kind = strings.Join(strings.Fields(kind), "_")
		if err != nil || kind == "" {
			return nil, apperr.Invalid("counts", "line %d of the blast radius counts: write it as kind: number, e.g. support_tickets: 12", i+1)
		}
		out = append(out, incident.Count{Kind: kind, Count: n})
	}
	return out, nil
}

// parseLabels reads "key=value" lines.
func parseLabels(text string) (map[string]string, error) {
	out := map[string]string{}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, apperr.Invalid("labels", "line %d of the labels: write it as key=value, e.g. region=eu-west", i+1)
		}
		out[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return out, nil
}
