package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/mail"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/app/apptest"
	"github.com/firebreak-hq/firebreak/internal/config"
	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/postmortem"
	"github.com/firebreak-hq/firebreak/internal/testkit/smtptest"
)

// pmAPI sends a JSON request with a bearer token and decodes the answer.
func pmAPI(t *testing.T, method, url, token string, body any, header map[string]string, out any) int {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil && resp.StatusCode < 300 {
			t.Fatalf("%s %s: %v: %s", method, url, err, data)
		}
	}
	return resp.StatusCode
}

// calendarOf finds the text/calendar part of a received email.
func calendarOf(t *testing.T, m smtptest.Message) (method string, cal *ics.Calendar) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(m.Raw))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(ct string, body io.Reader, enc string) bool
	walk = func(ct string, body io.Reader, enc string) bool {
		mt, params, err := mime.ParseMediaType(ct)
		if err != nil {
			return false
		}
		if strings.HasPrefix(mt, "multipart/") {
			mr := multipart.NewReader(body, params["boundary"])
			for {
				p, err := mr.NextRawPart()
				if err != nil {
					return false
				}
				if walk(p.Header.Get("Content-Type"), p, p.Header.Get("Content-Transfer-Encoding")) {
					return true
				}
			}
		}
		if mt != "text/calendar" {
			return false
		}
		if strings.EqualFold(enc, "quoted-printable") {
			body = quotedprintable.NewReader(body)
		}
		method = params["method"]
		cal, err = ics.ParseCalendar(body)
		if err != nil {
			t.Fatalf("the invitation does not parse: %v", err)
		}
		return true
	}
	if !walk(msg.Header.Get("Content-Type"), msg.Body, msg.Header.Get("Content-Transfer-Encoding")) {
		t.Fatalf("no text/calendar part in %s", m.Raw)
	}
	return method, cal
}

// pmWait polls cond (a job's effect) for up to ten seconds.
func pmWait(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func mailsTo(msgs []smtptest.Message, to, subject string) []smtptest.Message {
	var out []smtptest.Message
	for _, m := range msgs {
		if len(m.To) == 1 && m.To[0] == to && strings.Contains(m.Header.Get("Subject"), subject) {
			out = append(out, m)
		}
	}
	return out
}

// The Improve stage through the whole node on both stores: entering Improve
// drafts the postmortem and mails 5-Why forms; the meeting invitation,
// reschedule and cancellation reach a real SMTP server as iCalendar that an
// independent parser reads; unanswered forms are reminded; edits are
// versioned with 412 on a stale version; the close gate refuses until the
// built-in review publishes; the SLO metrics are exported.
func TestPostmortemProcessThroughTheNode(t *testing.T) {
	mailServer := smtptest.Start(t)
	apptest.EachStore(t, func(t *testing.T, s *apptest.Server) {
		before := len(mailServer.Messages())
		a := s.App
		ann, annTok := s.User(t, "ann-"+strconv.Itoa(before), "Ann Lee", access.Responder, "")
		bob, bobTok := s.User(t, "bob-"+strconv.Itoa(before), "Bob Stone", access.Responder, "")
		rev, revTok := s.User(t, "rev-"+strconv.Itoa(before), "Rita Review", access.Responder, "")
		annCtx := access.With(context.Background(), access.Actor{UserID: ann.ID, Name: ann.Name, Level: access.Responder, Source: "test"})
		bobCtx := access.With(context.Background(), access.Actor{UserID: bob.ID, Name: bob.Name, Level: access.Responder, Source: "test"})

		inc, err := a.Incidents.Declare(annCtx, incident.DeclareInput{Title: "Checkout fails for EU cards", Severity: "SEV2", TakeManager: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Incidents.AddNote(bobCtx, inc.Number, "Rolled back the gateway config", true); err != nil {
			t.Fatal(err)
		}
		for _, st := range []incident.Stage{incident.Resolved, incident.Improve} {
			if _, err := a.Incidents.ChangeStage(annCtx, inc.Number, 0, st, ""); err != nil {
				t.Fatal(err)
			}
		}
		ref := inc.Ref()
		base := s.URL + "/api/v1/postmortems/" + ref

		// The move to Improve drafts the postmortem (a job) and mails the 5-Why forms.
		var doc struct {
			postmortem.Doc
			Warnings []postmortem.Warning `json:"warnings"`
		}
		pmWait(t, "the draft", func() bool { return pmAPI(t, "GET", base, bobTok, nil, nil, &doc) == 200 })
		if doc.Status != postmortem.Draft || !strings.Contains(doc.Body, "| Incident Manager | Ann Lee |") || !strings.Contains(doc.Body, "Rolled back the gateway config") {
			t.Fatalf("draft %+v", doc.Postmortem)
		}
		pmWait(t, "two form invitations", func() bool {
			return len(mailsTo(mailServer.Messages()[before:], bob.Email, "5-Why preparation")) == 1 && len(mailsTo(mailServer.Messages()[before:], ann.Email, "5-Why preparation")) == 1
		})
		if m := mailsTo(mailServer.Messages()[before:], bob.Email, "5-Why preparation")[0]; !strings.Contains(m.Body, s.URL+"/postmortems/"+ref+"/form") {
			t.Errorf("form link missing: %s", m.Body)
		}

		// Closing is refused until published (the app wires the gate).
		var problem struct {
			Status int    `json:"status"`
			Detail string `json:"detail"`
		}
		if code := pmAPI(t, "POST", s.URL+"/api/v1/incidents/"+ref+"/stage", annTok, map[string]any{"stage": "closed"}, nil, &problem); code != 409 || !strings.Contains(problem.Detail, "postmortem is published") {
			t.Fatalf("close before publish: %d %+v", code, problem)
		}

		// The meeting: policy enforced by the API, invitations as iCalendar.
		if code := pmAPI(t, "PUT", base+"/meeting", annTok, map[string]any{"start": time.Now().Add(20 * 24 * time.Hour), "minutes": 60}, nil, &problem); code != 400 || !strings.Contains(problem.Detail, "14 days") {
			t.Fatalf("meeting after 14 days: %d %+v", code, problem)
		}
		if code := pmAPI(t, "PUT", base+"/meeting", bobTok, map[string]any{"start": time.Now().Add(72 * time.Hour)}, nil, nil); code != 403 {
			t.Fatalf("a responder who is not the IM scheduled: %d", code)
		}
		start := time.Now().Add(48 * time.Hour).Truncate(time.Second)
		var m postmortem.Meeting
		if code := pmAPI(t, "PUT", base+"/meeting", annTok, map[string]any{"start": start, "minutes": 60, "location": "Room 4"}, nil, &m); code != 200 {
			t.Fatalf("schedule: %d", code)
		}
		invites := func(to string) []smtptest.Message {
			return mailsTo(mailServer.Messages()[before:], to, "Postmortem: "+ref)
		}
		pmWait(t, "the invitations", func() bool { return len(invites(ann.Email)) == 1 && len(invites(bob.Email)) == 1 })
		method, cal := calendarOf(t, invites(bob.Email)[0])
		ev := cal.Events()[0]
		evStart, _ := ev.GetStartAt()
		if method != "REQUEST" || ev.Id() != m.UID || !evStart.Equal(start) || ev.GetProperty(ics.ComponentPropertySequence).Value != "0" || len(ev.Attendees()) != 2 {
			t.Fatalf("invitation %s %s %s", method, ev.Id(), evStart)
		}
		if org := ev.GetProperty(ics.ComponentPropertyOrganizer); org == nil || !strings.Contains(org.Value, ann.Email) {
			t.Errorf("organizer %v", org)
		}
		// Ann submits her form; Bob only drafts.
		if code := pmAPI(t, "PUT", base+"/form", annTok, map[string]any{"saw": "errors", "whys": []string{"config rejected EU cards"}, "submit": true}, nil, nil); code != 200 {
			t.Fatalf("ann's form: %d", code)
		}
		if code := pmAPI(t, "PUT", base+"/form", revTok, map[string]any{"saw": "x", "whys": []string{"y"}}, nil, nil); code != 403 {
			t.Fatalf("someone not involved filled a form: %d", code)
		}
		// Reschedule: the same UID, SEQUENCE 1; the reminder (configured 2 s after this) goes to Bob only.
		start = time.Now().Add(49 * time.Hour).Truncate(time.Second)
		if code := pmAPI(t, "PUT", base+"/meeting", annTok, map[string]any{"start": start, "minutes": 90}, nil, &m); code != 200 || m.Sequence != 1 {
			t.Fatalf("reschedule: %d %+v", code, m)
		}
		pmWait(t, "the updates", func() bool { return len(invites(bob.Email)) == 2 })
		method, cal = calendarOf(t, invites(bob.Email)[1])
		if ev := cal.Events()[0]; method != "REQUEST" || ev.Id() != m.UID || ev.GetProperty(ics.ComponentPropertySequence).Value != "1" {
			t.Fatalf("update %s %s", method, ev.Id())
		}
		pmWait(t, "the form reminder", func() bool { return len(mailsTo(mailServer.Messages()[before:], bob.Email, "Reminder: 5-Why")) == 1 })
		if n := len(mailsTo(mailServer.Messages()[before:], ann.Email, "Reminder: 5-Why")); n != 0 {
			t.Errorf("ann submitted but got %d reminders", n)
		}
		// Cancel: METHOD:CANCEL, same UID, SEQUENCE 2.
		if code := pmAPI(t, "DELETE", base+"/meeting", annTok, nil, nil, &m); code != 200 || !m.Cancelled {
			t.Fatalf("cancel: %d", code)
		}
		pmWait(t, "the cancellations", func() bool { return len(invites(bob.Email)) == 3 })
		method, cal = calendarOf(t, invites(bob.Email)[2])
		if ev := cal.Events()[0]; method != "CANCEL" || ev.Id() != m.UID || ev.GetProperty(ics.ComponentPropertySequence).Value != "2" {
			t.Fatalf("cancel %s", method)
		}

		// Edits with versions: a stale version answers 412 with the current postmortem.
		pmAPI(t, "GET", base, annTok, nil, nil, &doc)
		v := doc.Version
		body := doc.Body + "\n## Note\nBob forgot to stage the change.\n"
		if code := pmAPI(t, "PUT", base, annTok, map[string]any{"body": body, "note": "more"}, map[string]string{"If-Match": strconv.Quote(strconv.FormatInt(v, 10))}, &doc); code != 200 || doc.Version != v+1 {
			t.Fatalf("edit: %d v%d", code, doc.Version)
		}
		var stale struct {
			Status  int             `json:"status"`
			Current json.RawMessage `json:"current"`
		}
		if code := pmAPI(t, "PUT", base, bobTok, map[string]any{"body": body + "x", "version": v}, nil, &stale); code != 412 || len(stale.Current) == 0 {
			t.Fatalf("stale edit: %d %s", code, stale.Current)
		}

		// Built-in review: publishing needs an approval; then the incident closes.
		if code := pmAPI(t, "POST", base+"/publish", annTok, nil, nil, &problem); code != 409 {
			t.Fatalf("publish without approval: %d", code)
		}
		if code := pmAPI(t, "POST", base+"/reviewers", annTok, map[string]any{"user_ids": []int64{rev.ID}}, nil, nil); code != 200 {
			t.Fatalf("reviewers: %d", code)
		}
		pmWait(t, "the review request", func() bool { return len(mailsTo(mailServer.Messages()[before:], rev.Email, "Review requested")) == 1 })
		if code := pmAPI(t, "POST", base+"/review", revTok, map[string]any{"state": "approved"}, nil, nil); code != 200 {
			t.Fatalf("approve: %d", code)
		}
		if code := pmAPI(t, "POST", base+"/publish", annTok, nil, nil, &doc); code != 200 || doc.Status != postmortem.Published {
			t.Fatalf("publish: %d %s", code, doc.Status)
		}
		if code := pmAPI(t, "POST", s.URL+"/api/v1/incidents/"+ref+"/stage", annTok, map[string]any{"stage": "closed"}, nil, nil); code != 200 {
			t.Fatalf("close after publish: %d", code)
		}

		// The process SLOs are exported.
		code, metrics := get(t, s.URL+"/metrics")
		if code != 200 || !strings.Contains(metrics, `firebreak_postmortems{status="published"} 1`) || !strings.Contains(metrics, "firebreak_postmortem_resolve_to_publish_seconds_count 1") ||
			!strings.Contains(metrics, `firebreak_postmortem_slo_ratio{slo="meetings_in_time"}`) {
			t.Errorf("metrics lack the postmortem SLOs")
		}
	}, apptest.Configure(func(c *config.Config) {
		c.SMTP = config.SMTPConfig{Host: net.JoinHostPort(mailServer.Host, strconv.Itoa(mailServer.Port)), From: "firebreak@acme.example", TLS: "none"}
		// The reminder falls due two seconds after the rescheduled meeting is set (start = now + 49 h).
		c.Postmortem.FormReminderBefore = 49*time.Hour - 2*time.Second
	}))
}
