package httpapi

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/detect"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

// triageQueue is the triage queue with the reasons a dismissal may give.
type triageQueue struct {
	Items          []detect.Item `json:"items"`
	DismissReasons []string      `json:"dismiss_reasons"`
}

// dismissBody dismisses a triage item.
type dismissBody struct {
	Reason string `json:"reason"`
	Note   string `json:"note"`
}

// mergeBody merges a triage item into an open incident.
type mergeBody struct {
	Incident string `json:"incident"` // INC-42 or 42
}

// groupList is a page of alert groups.
type groupList struct {
	Groups []detect.Group `json:"groups"`
}

// alertList is a page of alerts.
type alertList struct {
	Alerts []detect.Alert `json:"alerts"`
}

// getTriage lists the triage queue.
func (s *server) getTriage(w http.ResponseWriter, r *http.Request) error {
	if err := checkQuery(r); err != nil {
		return err
	}
	items, err := s.triage.Queue(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, triageQueue{Items: items, DismissReasons: s.triage.DismissReasons()})
}

// postDeclareTriage declares an incident from a triage item.
func (s *server) postDeclareTriage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "triage item")
	if err != nil {
		return err
	}
	in, err := decodeJSON[detect.DeclareOptions](w, r)
	if err != nil {
		return err
	}
	inc, err := s.triage.Declare(r.Context(), id, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/incidents/"+inc.Ref())
	w.Header().Set("ETag", etag(inc.Version))
	return writeJSON(w, http.StatusCreated, s.viewIncident(r.Context(), inc))
}

// postDismissTriage dismisses a triage item with a reason.
func (s *server) postDismissTriage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "triage item")
	if err != nil {
		return err
	}
	in, err := decodeJSON[dismissBody](w, r)
	if err != nil {
		return err
	}
	if strings.TrimSpace(in.Reason) == "" {
		return invalidRequired("reason", "one of the dismiss reasons")
	}
	g, err := s.triage.Dismiss(r.Context(), id, in.Reason, in.Note)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, g)
}

// postMergeTriage merges a triage item into an open incident.
func (s *server) postMergeTriage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "triage item")
	if err != nil {
		return err
	}
	in, err := decodeJSON[mergeBody](w, r)
	if err != nil {
		return err
	}
	number, err := incident.ParseRef(in.Incident)
	if err != nil {
		return apperr.Invalid("incident", "%s", err.Error())
	}
	g, err := s.triage.Merge(r.Context(), id, number)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, g)
}

// serviceParam reads ?service= (a service's name) as its id; 0 when absent.
func (s *server) serviceParam(r *http.Request) (int64, error) {
	name := r.URL.Query().Get("service")
	if name == "" {
		return 0, nil
	}
	svc, err := s.catalog.ServiceByName(r.Context(), name)
	return svc.ID, err
}

func queryLimit(r *http.Request) (int, error) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 500 {
		return 0, apperr.Invalid("limit", "limit must be a number from 1 to 500")
	}
	return n, nil
}

// listAlertGroups lists alert groups, newest first.
func (s *server) listAlertGroups(w http.ResponseWriter, r *http.Request) error {
	if err := checkQuery(r, "triage", "open", "service", "limit"); err != nil {
		return err
	}
	q := r.URL.Query()
	var f detect.GroupFilter
	for _, v := range q["triage"] {
		for _, t := range strings.Split(v, ",") {
			if t = strings.TrimSpace(t); t != "" {
				f.Triage = append(f.Triage, t)
			}
		}
	}
	switch q.Get("open") {
	case "", "false":
	case "true":
		f.Open = true
	default:
		return apperr.Invalid("open", "open must be true or false")
	}
	var err error
	if f.ServiceID, err = s.serviceParam(r); err != nil {
		return err
	}
	if f.Limit, err = queryLimit(r); err != nil {
		return err
	}
	gs, err := s.triage.Groups(r.Context(), f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, groupList{gs})
}

// getAlertGroup returns one alert group with its alerts.
func (s *server) getAlertGroup(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "alert group")
	if err != nil {
		return err
	}
	item, err := s.triage.Item(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, item)
}

// listAlerts lists alerts, newest first.
func (s *server) listAlerts(w http.ResponseWriter, r *http.Request) error {
	if err := checkQuery(r, "status", "group", "limit"); err != nil {
		return err
	}
	q := r.URL.Query()
	f := detect.AlertFilter{Status: q.Get("status")}
	if v := q.Get("group"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return apperr.Invalid("group", "group must be an alert group id")
		}
		f.GroupID = n
	}
	var err error
	if f.Limit, err = queryLimit(r); err != nil {
		return err
	}
	al, err := s.triage.Alerts(r.Context(), f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, alertList{al})
}

// getAlert returns one alert.
func (s *server) getAlert(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "alert")
	if err != nil {
		return err
	}
	al, err := s.triage.Alert(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, al)
}

// integrationList is every integration.
type integrationList struct {
	Integrations []detect.Integration `json:"integrations"`
}

// listIntegrations lists the integrations.
func (s *server) listIntegrations(w http.ResponseWriter, r *http.Request) error {
	if err := checkQuery(r); err != nil {
		return err
	}
	ins, err := s.triage.Integrations(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, integrationList{ins})
}

// postIntegration creates an integration; the answer holds its key, once.
func (s *server) postIntegration(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeJSON[detect.NewIntegration](w, r)
	if err != nil {
		return err
	}
	created, err := s.triage.CreateIntegration(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/integrations/"+strconv.FormatInt(created.ID, 10))
	return writeJSON(w, http.StatusCreated, created)
}

// getIntegration returns one integration.
func (s *server) getIntegration(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "integration")
	if err != nil {
		return err
	}
	in, err := s.triage.Integration(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, in)
}

// deleteIntegration removes an integration.
func (s *server) deleteIntegration(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "integration")
	if err != nil {
		return err
	}
	if err := s.triage.DeleteIntegration(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// testMappingBody is a mapping and a sample payload to run it on.
type testMappingBody struct {
	Mapping detect.Mapping `json:"mapping"`
	Payload any            `json:"payload"` // any JSON value, as the sender would post it
}

// mappedEvent is the alert event a mapping makes (named apart from the
// incident timeline's Event in the OpenAPI document).
type mappedEvent detect.Event

// postTestMapping runs a generic-webhook mapping on a sample payload.
func (s *server) postTestMapping(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeJSON[testMappingBody](w, r)
	if err != nil {
		return err
	}
	if in.Payload == nil {
		return invalidRequired("payload", "a sample JSON payload")
	}
	payload, err := json.Marshal(in.Payload)
	if err != nil {
		return err
	}
	ev, err := s.triage.TestMapping(r.Context(), in.Mapping, payload)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, mappedEvent(ev))
}

// ruleList is the ordered list of routing rules.
type ruleList struct {
	Rules []detect.Rule `json:"rules"`
}

// getRules lists the routing rules in order.
func (s *server) getRules(w http.ResponseWriter, r *http.Request) error {
	if err := checkQuery(r); err != nil {
		return err
	}
	rules, err := s.triage.AllRules(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, ruleList{rules})
}

// putRules replaces the routing rules.
func (s *server) putRules(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeJSON[ruleList](w, r)
	if err != nil {
		return err
	}
	if in.Rules == nil {
		return invalidRequired("rules", "the ordered list of rules ([] removes them all)")
	}
	// The configuration file's rules are read-only; a list read with GET
	// may be sent back as it is, so they are skipped rather than refused.
	stored := make([]detect.Rule, 0, len(in.Rules))
	for _, rule := range in.Rules {
		if rule.Source != detect.RuleSourceConfig {
			stored = append(stored, rule)
		}
	}
	if _, err := s.triage.SetRules(r.Context(), stored); err != nil {
		return err
	}
	rules, err := s.triage.AllRules(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, ruleList{rules})
}

// triageHookBody is a team's triage webhook.
type triageHookBody struct {
	URL    string `json:"url"`    // empty: remove the hook
	Secret string `json:"secret"` // signs deliveries (X-Firebreak-Signature); optional
}

// putTriageHook sets the webhook a team hears about new triage items on.
func (s *server) putTriageHook(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "team")
	if err != nil {
		return err
	}
	in, err := decodeJSON[triageHookBody](w, r)
	if err != nil {
		return err
	}
	if _, err := s.catalog.GetTeam(r.Context(), id); err != nil {
		return err
	}
	if err := s.triage.SetTriageHook(r.Context(), id, in.URL, in.Secret); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
