package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/catalog"
	"github.com/firebreak-hq/firebreak/internal/detect"
)

// Integration setup: admins add a sender and get its URL, key and a
// copy-paste snippet for Alertmanager, Grafana or curl; everyone may look.

// integrationsView is the data of the integration list and pages.
type integrationsView struct {
	Integrations []detect.Integration
	Services     []catalog.Service
	Kinds        []detect.Kind
	CanEdit      bool
	Form         integrationForm
	// One integration's page:
	Integration *detect.Integration
	Key         string // only right after creation; afterwards the placeholder
	KeyShown    bool
	BaseURL     string
	Snippets    []snippet
	MappingJSON string
	Preview     string // the event the mapping made from PreviewIn, as JSON
	PreviewIn   string
	PreviewErr  string
}

type integrationForm struct {
	Name, Kind, Title, DedupKey, Severity, Status, Labels, GrafanaSecret string
	ServiceID, Heartbeat                                                 int64
}

func (s *server) integrationList(w http.ResponseWriter, r *http.Request) error {
	return s.showIntegrations(w, r, http.StatusOK, integrationForm{Kind: string(detect.KindAlertmanager)}, nil)
}

func (s *server) showIntegrations(w http.ResponseWriter, r *http.Request, status int, f integrationForm, b *banner) error {
	ins, err := s.triage.Integrations(r.Context())
	if err != nil {
		return err
	}
	svcs, err := s.catalog.ListServices(r.Context())
	if err != nil {
		return err
	}
	v := integrationsView{Integrations: ins, Services: svcs, Kinds: detect.Kinds, CanEdit: actor(r).IsAdmin(), Form: f}
	s.render(w, r, status, "integrations", page{Title: "Integrations", Nav: "alerting", Banner: b, Data: v})
	return nil
}

func (s *server) createIntegration(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("", "the form could not be read")
	}
	f := integrationForm{Name: r.PostFormValue("name"), Kind: r.PostFormValue("kind"), Title: r.PostFormValue("title"),
		DedupKey: r.PostFormValue("dedup_key"), Severity: r.PostFormValue("severity"), Status: r.PostFormValue("status"),
		Labels: r.PostFormValue("labels"), GrafanaSecret: r.PostFormValue("grafana_secret")}
	f.ServiceID, _ = strconv.ParseInt(r.PostFormValue("service_id"), 10, 64)
	f.Heartbeat, _ = strconv.ParseInt(r.PostFormValue("heartbeat_minutes"), 10, 64)
	in := detect.NewIntegration{Name: f.Name, Kind: detect.Kind(f.Kind), ServiceID: f.ServiceID, HeartbeatMinutes: int(f.Heartbeat)}
	if in.Kind == detect.KindWebhook {
		in.Config.Mapping = &detect.Mapping{Title: f.Title, DedupKey: f.DedupKey, Severity: f.Severity, Status: f.Status, Labels: f.Labels}
	}
	if in.Kind == detect.KindGrafana {
		in.Config.GrafanaSecret = strings.TrimSpace(f.GrafanaSecret)
	}
	created, err := s.triage.CreateIntegration(r.Context(), in)
	if err != nil {
		if !onForm(err) {
			return err
		}
		return s.showIntegrations(w, r, statusOf(apperr.CodeOf(err)), f, &banner{Kind: "error", Message: s.messageOf(r, err)})
	}
	// The key is shown once, on this answer: only its hash is kept.
	return s.showIntegration(w, r, http.StatusCreated, created.Integration, created.Key, "", nil)
}

func (s *server) integrationPage(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "integration")
	if err != nil {
		return err
	}
	in, err := s.triage.Integration(r.Context(), id)
	if err != nil {
		return err
	}
	return s.showIntegration(w, r, http.StatusOK, in, "", "", nil)
}

func (s *server) showIntegration(w http.ResponseWriter, r *http.Request, status int, in detect.Integration, key, previewIn string, preview *detect.Event, previewErr ...string) error {
	v := integrationsView{Integration: &in, Key: key, KeyShown: key != "", BaseURL: s.baseURL(r), CanEdit: actor(r).IsAdmin(), PreviewIn: previewIn}
	if !v.KeyShown {
		v.Key = "KEY-ENDING-" + in.KeyHint
	}
	if preview != nil {
		v.Preview = prettyJSON(preview)
	}
	if in.Config.Mapping != nil {
		v.MappingJSON = prettyJSON(in.Config.Mapping)
	}
	v.Snippets = snippetsFor(in, v.BaseURL, v.Key)
	if len(previewErr) > 0 {
		v.PreviewErr = previewErr[0]
	}
	b := (*banner)(nil)
	if v.KeyShown {
		b = &banner{Kind: "ok", Message: "Integration created. Copy its key now: Firebreak keeps only a hash of it and cannot show it again"}
	}
	s.render(w, r, status, "integration", page{Title: in.Name, Nav: "alerting", Banner: b, Data: v})
	return nil
}

// testMapping runs the webhook integration's mapping on a pasted payload.
func (s *server) testMapping(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "integration")
	if err != nil {
		return err
	}
	in, err := s.triage.Integration(r.Context(), id)
	if err != nil {
		return err
	}
	if in.Config.Mapping == nil {
		return apperr.Invalid("", "only webhook integrations have a mapping to test")
	}
	payload := r.PostFormValue("payload")
	ev, err := s.triage.TestMapping(r.Context(), *in.Config.Mapping, []byte(payload))
	if err != nil {
		if !onForm(err) {
			return err
		}
		return s.showIntegration(w, r, http.StatusUnprocessableEntity, in, "", payload, nil, s.messageOf(r, err))
	}
	return s.showIntegration(w, r, http.StatusOK, in, "", payload, &ev)
}

func (s *server) deleteIntegration(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "integration")
	if err != nil {
		return err
	}
	if err := s.triage.DeleteIntegration(r.Context(), id); err != nil {
		return err
	}
	http.Redirect(w, r, "/alerting/integrations", http.StatusSeeOther)
	return nil
}

// baseURL is the address senders use: the configured public URL, or the
// one this page was requested on.
func (s *server) baseURL(r *http.Request) string {
	if s.publicURL != "" {
		return strings.TrimRight(s.publicURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// rulesView is the data of the routing rules page.
type rulesView struct {
	ConfigRules []detect.Rule // from the configuration file: read-only, evaluated first
	Rules       []detect.Rule
	Services    []catalog.Service
	Scale       []string
	CanEdit     bool
	Form        detect.Rule
}

func (s *server) rulesPage(w http.ResponseWriter, r *http.Request) error {
	return s.showRules(w, r, http.StatusOK, detect.Rule{Action: detect.RouteTriage}, nil)
}

func (s *server) showRules(w http.ResponseWriter, r *http.Request, status int, f detect.Rule, b *banner) error {
	rules, err := s.triage.Rules(r.Context())
	if err != nil {
		return err
	}
	svcs, err := s.catalog.ListServices(r.Context())
	if err != nil {
		return err
	}
	v := rulesView{ConfigRules: s.triage.ConfigRules(), Rules: rules, Services: svcs, Scale: s.inc.Scale().Names(), CanEdit: actor(r).IsAdmin(), Form: f}
	s.render(w, r, status, "rules", page{Title: "Routing rules", Nav: "alerting", Banner: b, Data: v})
	return nil
}

// changeRules adds, removes or moves a rule; the whole ordered list is
// saved, so the service validates it as one.
func (s *server) changeRules(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid("", "the form could not be read")
	}
	rules, err := s.triage.Rules(r.Context())
	if err != nil {
		return err
	}
	f := detect.Rule{Name: r.PostFormValue("name"), Condition: r.PostFormValue("condition"), Action: detect.Route(r.PostFormValue("action")), Severity: r.PostFormValue("severity")}
	f.ServiceID, _ = strconv.ParseInt(r.PostFormValue("service_id"), 10, 64)
	i, _ := strconv.Atoi(r.PostFormValue("index"))
	switch r.PostFormValue("op") {
	case "add":
		rules = append(rules, f)
	case "delete":
		if i >= 0 && i < len(rules) {
			rules = append(rules[:i], rules[i+1:]...)
		}
	case "up":
		if i > 0 && i < len(rules) {
			rules[i-1], rules[i] = rules[i], rules[i-1]
		}
	default:
		return apperr.Invalid("op", "unknown change to the rules")
	}
	if _, err := s.triage.SetRules(r.Context(), rules); err != nil {
		if !onForm(err) {
			return err
		}
		return s.showRules(w, r, statusOf(apperr.CodeOf(err)), f, &banner{Kind: "error", Message: s.messageOf(r, err)})
	}
	http.Redirect(w, r, "/alerting/rules", http.StatusSeeOther)
	return nil
}

// prettyJSON formats a value for a <pre> block.
func prettyJSON(v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return ""
	}
	return string(b)
}
