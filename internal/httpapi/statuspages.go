package httpapi

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/statuspage"
)

// The status-page management API: pages, groups, components, public
// incidents and maintenance, subscribers, templates, cadence, internal
// channels, and the communications of an incident.

// statusPageView is a page with its groups and components.
type statusPageView struct {
	statuspage.Page
	URL        string                 `json:"url"` // where the public page is served
	Groups     []statuspage.Group     `json:"groups"`
	Components []statuspage.Component `json:"components"`
}

type statusPageList struct {
	Pages []statuspage.Page `json:"pages"`
}

type publicIncidentList struct {
	Incidents []*statuspage.Incident `json:"incidents"`
}

type subscriberList struct {
	Subscribers []statuspage.Subscriber `json:"subscribers"`
}

// subscriberCreated carries a webhook subscriber's signing secret, shown once.
type subscriberCreated struct {
	statuspage.Subscriber
	Secret string `json:"secret,omitempty"`
}

type deliveryList struct {
	Deliveries []statuspage.Delivery `json:"deliveries"`
}

type templateList struct {
	Templates []statuspage.Template `json:"templates"`
	Variables []string              `json:"variables"`
}

type templateBody struct {
	Title string `json:"title"`
	Body  string `json:"body"`
}

// cadenceDoc is the update cadence: severity → Go duration ("30m"; "0" for none).
type cadenceDoc struct {
	Cadence map[string]string `json:"cadence"`
}

type channelList struct {
	Channels []statuspage.Channel `json:"channels"`
}

type channelBody struct {
	Kind    statuspage.SubscriberKind `json:"kind"`
	Address string                    `json:"address"`
	Name    string                    `json:"name"`
}

// channelCreated carries a webhook channel's signing secret, shown once.
type channelCreated struct {
	statuspage.Channel
	Secret string `json:"secret,omitempty"`
}

type stakeholderBody struct {
	Body string `json:"body"`
}

type stakeholderList struct {
	Updates []statuspage.StakeholderUpdate `json:"updates"`
}

func (s *server) pageID(r *http.Request) (int64, error) { return pathID(r, "page", "status page") }

func (s *server) listStatusPages(w http.ResponseWriter, r *http.Request) error {
	pages, err := s.status.Pages(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, statusPageList{pages})
}

func (s *server) writeStatusPage(w http.ResponseWriter, r *http.Request, status int, p statuspage.Page) error {
	v := statusPageView{Page: p, URL: statuspage.PageURL(p, s.baseURL)}
	var err error
	if v.Groups, err = s.status.Groups(r.Context(), p.ID); err != nil {
		return err
	}
	if v.Components, err = s.status.Components(r.Context(), p.ID); err != nil {
		return err
	}
	if status == http.StatusCreated {
		w.Header().Set("Location", Prefix+"/status-pages/"+strconv.FormatInt(p.ID, 10))
	}
	return writeJSON(w, status, v)
}

func (s *server) postStatusPage(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeJSON[statuspage.PageInput](w, r)
	if err != nil {
		return err
	}
	p, err := s.status.CreatePage(r.Context(), in)
	if err != nil {
		return err
	}
	return s.writeStatusPage(w, r, http.StatusCreated, p)
}

func (s *server) getStatusPage(w http.ResponseWriter, r *http.Request) error {
	id, err := s.pageID(r)
	if err != nil {
		return err
	}
	p, err := s.status.Page(r.Context(), id)
	if err != nil {
		return err
	}
	return s.writeStatusPage(w, r, http.StatusOK, p)
}

func (s *server) patchStatusPage(w http.ResponseWriter, r *http.Request) error {
	id, err := s.pageID(r)
	if err != nil {
		return err
	}
	in, err := decodeJSON[statuspage.PageInput](w, r)
	if err != nil {
		return err
	}
	p, err := s.status.UpdatePage(r.Context(), id, in)
	if err != nil {
		return err
	}
	return s.writeStatusPage(w, r, http.StatusOK, p)
}

func (s *server) deleteStatusPage(w http.ResponseWriter, r *http.Request) error {
	id, err := s.pageID(r)
	if err != nil {
		return err
	}
	if err := s.status.DeletePage(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *server) postStatusGroup(w http.ResponseWriter, r *http.Request) error {
	return s.saveStatusGroup(w, r, false)
}

func (s *server) patchStatusGroup(w http.ResponseWriter, r *http.Request) error {
	return s.saveStatusGroup(w, r, true)
}

func (s *server) saveStatusGroup(w http.ResponseWriter, r *http.Request, existing bool) error {
	page, err := s.pageID(r)
	if err != nil {
		return err
	}
	var id int64
	if existing {
		if id, err = pathID(r, "group", "component group"); err != nil {
			return err
		}
	}
	in, err := decodeJSON[statuspage.GroupInput](w, r)
	if err != nil {
		return err
	}
	g, err := s.status.SaveGroup(r.Context(), page, id, in)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if !existing {
		status = http.StatusCreated
	}
	return writeJSON(w, status, g)
}

func (s *server) deleteStatusGroup(w http.ResponseWriter, r *http.Request) error {
	page, err := s.pageID(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "group", "component group")
	if err != nil {
		return err
	}
	if err := s.status.DeleteGroup(r.Context(), page, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type componentList struct {
	Components []statuspage.Component `json:"components"`
}

func (s *server) listStatusComponents(w http.ResponseWriter, r *http.Request) error {
	page, err := s.pageID(r)
	if err != nil {
		return err
	}
	cs, err := s.status.Components(r.Context(), page)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, componentList{cs})
}

func (s *server) postStatusComponent(w http.ResponseWriter, r *http.Request) error {
	return s.saveStatusComponent(w, r, false)
}

func (s *server) patchStatusComponent(w http.ResponseWriter, r *http.Request) error {
	return s.saveStatusComponent(w, r, true)
}

func (s *server) saveStatusComponent(w http.ResponseWriter, r *http.Request, existing bool) error {
	page, err := s.pageID(r)
	if err != nil {
		return err
	}
	var id int64
	if existing {
		if id, err = pathID(r, "component", "component"); err != nil {
			return err
		}
	}
	in, err := decodeJSON[statuspage.ComponentInput](w, r)
	if err != nil {
		return err
	}
	c, err := s.status.SaveComponent(r.Context(), page, id, in)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if !existing {
		status = http.StatusCreated
	}
	return writeJSON(w, status, c)
}

func (s *server) deleteStatusComponent(w http.ResponseWriter, r *http.Request) error {
	page, err := s.pageID(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "component", "component")
	if err != nil {
		return err
	}
	if err := s.status.DeleteComponent(r.Context(), page, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *server) listPublicIncidents(w http.ResponseWriter, r *http.Request) error {
	page, err := s.pageID(r)
	if err != nil {
		return err
	}
	incs, err := s.status.PageIncidents(r.Context(), page)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, publicIncidentList{incs})
}

func (s *server) postPublicIncident(w http.ResponseWriter, r *http.Request) error {
	page, err := s.pageID(r)
	if err != nil {
		return err
	}
	in, err := decodeJSON[statuspage.UpdateInput](w, r)
	if err != nil {
		return err
	}
	out, err := s.status.CreateIncident(r.Context(), page, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, out)
}

// publicIncident reads {id} and checks that it is on {page}.
func (s *server) publicIncident(r *http.Request) (*statuspage.Incident, error) {
	page, err := s.pageID(r)
	if err != nil {
		return nil, err
	}
	id, err := pathID(r, "incident", "public incident")
	if err != nil {
		return nil, err
	}
	inc, err := s.status.Incident(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if inc.PageID != page {
		return nil, apperr.NotFound("public incident " + strconv.FormatInt(id, 10) + " of status page " + strconv.FormatInt(page, 10))
	}
	return inc, nil
}

func (s *server) getPublicIncident(w http.ResponseWriter, r *http.Request) error {
	inc, err := s.publicIncident(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, inc)
}

func (s *server) postPublicUpdate(w http.ResponseWriter, r *http.Request) error {
	inc, err := s.publicIncident(r)
	if err != nil {
		return err
	}
	in, err := decodeJSON[statuspage.UpdateInput](w, r)
	if err != nil {
		return err
	}
	out, err := s.status.PostUpdate(r.Context(), inc.ID, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, out)
}

func (s *server) deletePublicIncident(w http.ResponseWriter, r *http.Request) error {
	inc, err := s.publicIncident(r)
	if err != nil {
		return err
	}
	if err := s.status.DeleteIncident(r.Context(), inc.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *server) getDeliveries(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.publicIncident(r); err != nil {
		return err
	}
	id, err := pathID(r, "update", "update")
	if err != nil {
		return err
	}
	ds, err := s.status.Deliveries(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, deliveryList{ds})
}

func (s *server) postMaintenance(w http.ResponseWriter, r *http.Request) error {
	page, err := s.pageID(r)
	if err != nil {
		return err
	}
	in, err := decodeJSON[statuspage.MaintenanceInput](w, r)
	if err != nil {
		return err
	}
	in.PageID = page
	out, err := s.status.ScheduleMaintenance(r.Context(), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, out)
}

func (s *server) listSubscribers(w http.ResponseWriter, r *http.Request) error {
	page, err := s.pageID(r)
	if err != nil {
		return err
	}
	subs, err := s.status.Subscribers(r.Context(), page)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, subscriberList{subs})
}

func (s *server) postSubscriber(w http.ResponseWriter, r *http.Request) error {
	page, err := s.pageID(r)
	if err != nil {
		return err
	}
	in, err := decodeJSON[statuspage.SubscriberInput](w, r)
	if err != nil {
		return err
	}
	sub, secret, err := s.status.AddSubscriber(r.Context(), page, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, subscriberCreated{sub, secret})
}

func (s *server) deleteSubscriber(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.pageID(r); err != nil {
		return err
	}
	id, err := pathID(r, "subscriber", "subscriber")
	if err != nil {
		return err
	}
	if err := s.status.RemoveSubscriber(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *server) getStatusTemplates(w http.ResponseWriter, r *http.Request) error {
	ts, err := s.status.Templates(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, templateList{ts, statuspage.TemplateVariables})
}

func (s *server) putStatusTemplate(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeJSON[templateBody](w, r)
	if err != nil {
		return err
	}
	t, err := s.status.SaveTemplate(r.Context(), statuspage.Template{Status: statuspage.IncidentStatus(r.PathValue("status")), Title: in.Title, Body: in.Body})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, t)
}

func cadenceOut(c statuspage.Cadence) cadenceDoc {
	out := cadenceDoc{Cadence: map[string]string{}}
	for k, v := range c {
		out.Cadence[k] = v.String()
	}
	return out
}

func (s *server) getStatusCadence(w http.ResponseWriter, r *http.Request) error {
	c, err := s.status.Cadence(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, cadenceOut(c))
}

func (s *server) putStatusCadence(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeJSON[cadenceDoc](w, r)
	if err != nil {
		return err
	}
	c := statuspage.Cadence{}
	for sev, v := range in.Cadence {
		if _, ok := s.inc.Scale().Lookup(sev); !ok {
			return apperr.Invalid("cadence", "there is no severity %q", sev)
		}
		d, err := time.ParseDuration(v)
		if err != nil {
			return apperr.Invalid("cadence", "%s: %q is not a duration like 30m or 1h", sev, v)
		}
		c[sev] = d
	}
	if err := s.status.SetCadence(r.Context(), c); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, cadenceOut(c))
}

func (s *server) listStatusChannels(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.status.Channels(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, channelList{cs})
}

func (s *server) postStatusChannel(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeJSON[channelBody](w, r)
	if err != nil {
		return err
	}
	c, err := s.status.AddChannel(r.Context(), in.Kind, in.Address, in.Name)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, channelCreated{c, c.Secret})
}

func (s *server) deleteStatusChannel(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "channel")
	if err != nil {
		return err
	}
	if err := s.status.RemoveChannel(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// Communications of an incident.

var commsQuery = []string{"page", "status"}

func (s *server) getCommunications(w http.ResponseWriter, r *http.Request) error {
	n, err := incidentRef(r)
	if err != nil {
		return err
	}
	if err := checkQuery(r, commsQuery...); err != nil {
		return err
	}
	var page int64
	if v := r.URL.Query().Get("page"); v != "" {
		if page, err = strconv.ParseInt(v, 10, 64); err != nil || page <= 0 {
			return apperr.Invalid("page", "must be a status page id, not %q", v)
		}
	}
	c, err := s.status.Communications(r.Context(), n, page, statuspage.IncidentStatus(r.URL.Query().Get("status")))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c)
}

func (s *server) postStatusUpdate(w http.ResponseWriter, r *http.Request) error {
	n, err := incidentRef(r)
	if err != nil {
		return err
	}
	in, err := decodeJSON[statuspage.UpdateInput](w, r)
	if err != nil {
		return err
	}
	out, err := s.status.Publish(r.Context(), n, in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, out)
}

func (s *server) postStatusPreview(w http.ResponseWriter, r *http.Request) error {
	if _, err := incidentRef(r); err != nil {
		return err
	}
	in, err := decodeJSON[statuspage.UpdateInput](w, r)
	if err != nil {
		return err
	}
	out, err := s.status.Preview(r.Context(), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *server) listStakeholderUpdates(w http.ResponseWriter, r *http.Request) error {
	n, err := incidentRef(r)
	if err != nil {
		return err
	}
	us, err := s.status.StakeholderUpdates(r.Context(), n)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, stakeholderList{us})
}

func (s *server) postStakeholderUpdate(w http.ResponseWriter, r *http.Request) error {
	n, err := incidentRef(r)
	if err != nil {
		return err
	}
	in, err := decodeJSON[stakeholderBody](w, r)
	if err != nil {
		return err
	}
	u, err := s.status.SendStakeholderUpdate(r.Context(), n, in.Body)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, u)
}

// exportFile is one file of an exported site.
type exportFile struct {
	Name        string `json:"name"` // relative file name, e.g. "incidents/4/index.html"
	ContentType string `json:"content_type"`
	Body        string `json:"body"` // the content, base64 (standard encoding)
}

// exportDoc is a whole exported site; etag changes when any file does.
type exportDoc struct {
	ETag  string       `json:"etag"`
	Files []exportFile `json:"files"`
}

var exportQuery = []string{"root"}

func (s *server) getStatusExport(w http.ResponseWriter, r *http.Request) error {
	id, err := s.pageID(r)
	if err != nil {
		return err
	}
	if err := checkQuery(r, exportQuery...); err != nil {
		return err
	}
	root := strings.TrimSuffix(r.URL.Query().Get("root"), "/")
	if root != "" && (!strings.HasPrefix(root, "/") || strings.ContainsAny(root, "\"'<> ")) {
		return apperr.Invalid("root", "must be a path like /status, or empty for the root of a host")
	}
	site, err := s.status.Export(r.Context(), id, root, s.baseURL)
	if err != nil {
		return err
	}
	paths := slices.Sorted(maps.Keys(site.Files))
	h := sha256.New()
	doc := exportDoc{Files: []exportFile{}}
	for _, p := range paths {
		f := site.Files[p]
		h.Write([]byte(p + f.ETag))
		doc.Files = append(doc.Files, exportFile{Name: statuspage.ExportName(p), ContentType: f.ContentType, Body: base64.StdEncoding.EncodeToString(f.Body)})
	}
	doc.ETag = `"` + hex.EncodeToString(h.Sum(nil)[:12]) + `"`
	w.Header().Set("ETag", doc.ETag)
	if r.Header.Get("If-None-Match") == doc.ETag {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	return writeJSON(w, http.StatusOK, doc)
}
