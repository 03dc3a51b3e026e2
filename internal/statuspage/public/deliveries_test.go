package public_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/app"
	"github.com/firebreak-hq/firebreak/internal/app/apptest"
	"github.com/firebreak-hq/firebreak/internal/config"
	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/statuspage"
	"github.com/firebreak-hq/firebreak/internal/testkit/smtptest"
)

// TestWebhookSubscriberAndReminder: a webhook subscriber gets each update
// signed, in Statuspage's webhook shape, and the delivery is recorded as
// sent; when the cadence runs out without a new update, the Communications
// Manager gets a reminder email through the job queue.
func TestWebhookSubscriberAndReminder(t *testing.T) {
	var (
		mu     sync.Mutex
		bodies [][]byte
		sigs   []string
	)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies, sigs = append(bodies, b), append(sigs, r.Header.Get("X-Firebreak-Signature"))
		mu.Unlock()
	}))
	defer hook.Close()
	mail := smtptest.Start(t)
	// The node's clock runs an hour behind: the reminder due 30 minutes
	// after a publish is already due for the job queue.
	clock := func() time.Time { return time.Now().Add(-time.Hour) }
	s := apptest.Start(t, apptest.AppOptions(app.Options{Now: clock}), apptest.Configure(func(c *config.Config) {
		c.SMTP = config.SMTPConfig{Host: net.JoinHostPort(mail.Host, strconv.Itoa(mail.Port)), From: "status@acme.example", TLS: "none"}
	}))
	ctx := s.AdminContext()
	sp := s.App.StatusPages
	page, _ := sp.DefaultPage(ctx)
	comp, _ := sp.SaveComponent(ctx, page.ID, 0, statuspage.ComponentInput{Name: ptr("API")})
	sub, secret, err := sp.AddSubscriber(ctx, page.ID, statuspage.SubscriberInput{Kind: statuspage.ByWebhook, Address: hook.URL + "/status"})
	if err != nil {
		t.Fatal(err)
	}
	cm, _ := s.User(t, "carla", "Carla Comms", access.Responder, "correct horse battery")
	inc, err := s.App.Incidents.Declare(ctx, incident.DeclareInput{Title: "API errors", Severity: "SEV1", TakeManager: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.App.Incidents.AssignRole(ctx, inc.Number, 0, incident.CommunicationsManager, cm.ID); err != nil {
		t.Fatal(err)
	}
	pub, err := sp.Publish(ctx, inc.Number, statuspage.UpdateInput{Status: statuspage.Investigating, Body: "Looking into API errors.",
		Components: []statuspage.ComponentChange{{ComponentID: comp.ID, Status: statuspage.PartialOutage}}})
	if err != nil {
		t.Fatal(err)
	}

	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n := len(bodies)
		mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the webhook subscriber got nothing")
		}
		time.Sleep(20 * time.Millisecond)
	}
	mu.Lock()
	body, sig := bodies[0], sigs[0]
	mu.Unlock()
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	if sig != "sha256="+hex.EncodeToString(m.Sum(nil)) {
		t.Errorf("signature %q does not verify", sig)
	}
	var payload statuspage.WebhookPayload
	if err := json.Unmarshal(body, &payload); err != nil {
		t.Fatal(err)
	}
	if payload.Page.StatusIndicator != "major" || payload.Incident.Name != "API errors" ||
		payload.Incident.IncidentUpdates[0].Body != "Looking into API errors." || payload.Incident.IncidentUpdates[0].AffectedComponents[0].NewStatus != "partial_outage" {
		t.Errorf("payload %s", body)
	}
	// The delivery is recorded for admins.
	for {
		ds, err := sp.Deliveries(ctx, pub.Update.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) == 1 && ds[0].State == "sent" && ds[0].SubscriberID == sub.ID {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("deliveries %+v", ds)
		}
		time.Sleep(20 * time.Millisecond)
	}

	// The reminder reaches Carla.
	msgs := mail.Wait(t, 1, 10*time.Second)
	if msgs[0].To[0] != "carla@example.com" || !strings.Contains(msgs[0].Header.Get("Subject"), "Public update due") ||
		!strings.Contains(msgs[0].Body, "/incidents/"+inc.Ref()+"#communications") {
		t.Errorf("reminder %+v %s", msgs[0].Header, msgs[0].Body)
	}
}
