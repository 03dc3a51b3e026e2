package app_test

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/app/apptest"
	"github.com/firebreak-hq/firebreak/internal/auth"
	"github.com/firebreak-hq/firebreak/internal/catalog"
	"github.com/firebreak-hq/firebreak/internal/config"
	"github.com/firebreak-hq/firebreak/internal/detect"
	"github.com/firebreak-hq/firebreak/internal/notify/webhook"
	"github.com/firebreak-hq/firebreak/internal/testkit/smtptest"
)

// A new triage item reaches the owner team through the job queue: a signed
// webhook to the team's hook and an email to each member, over real SMTP.
func TestNewTriageItemNotifiesTheOwnerTeam(t *testing.T) {
	mailServer := smtptest.Start(t)
	apptest.EachStore(t, func(t *testing.T, s *apptest.Server) {
		before := len(mailServer.Messages())
		ctx := s.AdminContext()
		a := s.App
		ann, err := a.Auth.CreateUser(ctx, auth.UserInput{Handle: "ann", Name: "Ann", Email: "ann@example.com", Level: "responder"})
		if err != nil {
			t.Fatal(err)
		}
		team, err := a.Catalog.CreateTeam(ctx, catalog.TeamInput{Name: "shop", Members: []int64{ann.ID}})
		if err != nil {
			t.Fatal(err)
		}
		svc, err := a.Catalog.CreateService(ctx, catalog.ServiceInput{Name: "checkout", OwnerTeamID: team.ID})
		if err != nil {
			t.Fatal(err)
		}
		hooked := make(chan *http.Request, 1)
		var hookBody []byte
		hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hookBody, _ = io.ReadAll(r.Body)
			hooked <- r
		}))
		defer hook.Close()
		if err := a.Detect.Triage.SetTriageHook(ctx, team.ID, hook.URL, "s3cret"); err != nil {
			t.Fatal(err)
		}
		in, err := a.Detect.Triage.CreateIntegration(ctx, detect.NewIntegration{Name: "prom", Kind: detect.KindAlertmanager, ServiceID: svc.ID})
		if err != nil {
			t.Fatal(err)
		}
		body, err := os.ReadFile("../detect/testdata/alertmanager_v4.json")
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.Post(s.URL+"/integrations/alertmanager/"+in.Key, "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			t.Fatalf("ingest: %s", resp.Status)
		}

		select {
		case r := <-hooked:
			if r.Header.Get("X-Firebreak-Event") != "triage.new" || !webhook.Verify("s3cret", hookBody, r.Header.Get("X-Firebreak-Signature")) ||
				!strings.Contains(string(hookBody), "KubePodCrashLooping") {
				t.Fatalf("hook got %v %s", r.Header, hookBody)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the team's hook heard nothing")
		}
		msgs := mailServer.Wait(t, before+1, 10*time.Second)[before:]
		if len(msgs) != 1 || msgs[0].To[0] != "ann@example.com" || !strings.Contains(msgs[0].Body, "KubePodCrashLooping") ||
			!strings.Contains(msgs[0].Body, s.URL+"/triage/") {
			t.Fatalf("mail %+v", msgs)
		}
	}, apptest.Configure(func(c *config.Config) {
		c.SMTP = config.SMTPConfig{Host: net.JoinHostPort(mailServer.Host, strconv.Itoa(mailServer.Port)), From: "firebreak@acme.example", TLS: "none"}
	}))
}
