package cli

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"strconv"
	"testing"

	"github.com/firebreak-hq/firebreak/internal/app/apptest"
	"github.com/firebreak-hq/firebreak/internal/client"
	"github.com/firebreak-hq/firebreak/internal/detect"
)

// sendAlert posts a sender's payload to the node's ingest endpoint.
func sendAlert(t *testing.T, url string, body []byte) {
	t.Helper()
	resp, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST %s: %s", url, resp.Status)
	}
}

func TestTriageAndAlertCommandsAgainstServer(t *testing.T) {
	s := apptest.Start(t)
	admin := against(t, s)
	ctx := context.Background()
	c := client.New(s.URL, s.AdminToken, nil)
	svc, err := c.CreateService(ctx, client.ServiceInput{Name: "shop"})
	if err != nil {
		t.Fatal(err)
	}
	am, err := c.CreateIntegration(ctx, detect.NewIntegration{Name: "prometheus", Kind: detect.KindAlertmanager, ServiceID: svc.ID})
	if err != nil {
		t.Fatal(err)
	}
	pd, err := c.CreateIntegration(ctx, detect.NewIntegration{Name: "legacy", Kind: detect.KindPagerDuty, ServiceID: svc.ID})
	if err != nil {
		t.Fatal(err)
	}
	fixture, err := os.ReadFile("../detect/testdata/alertmanager_v4.json")
	if err != nil {
		t.Fatal(err)
	}
	sendAlert(t, s.URL+"/integrations/alertmanager/"+am.Key, fixture)
	sendAlert(t, s.URL+"/v2/enqueue", []byte(`{"routing_key":"`+pd.Key+`","event_action":"trigger","dedup_key":"disk-1",
		"payload":{"summary":"Disk full on db-1","source":"db-1","severity":"error"}}`))

	r := admin.run(t, "triage", "list").want(t, 0)
	has(t, "triage list", r.stdout, "ITEM", "KubePodCrashLooping: Pod is crash looping.", "Disk full on db-1", "shop", "warning", "error", "firebreak triage dismiss")

	q, err := c.Triage(ctx)
	if err != nil || len(q.Items) != 2 {
		t.Fatalf("queue %+v %v", q, err)
	}
	disk, crash := q.Items[0], q.Items[1]

	r = admin.run(t, "alert", "list", "--status", "firing").want(t, 0)
	has(t, "alert list", r.stdout, "firing", "Disk full on db-1", "KubePodCrashLooping")
	r = admin.run(t, "alert", "show", itoa(crash.Alerts[0].ID)).want(t, 0)
	has(t, "alert show", r.stdout, "Dedup key:   4b7a1c5e2f3d9a80", "Integration: prometheus", "pod=checkout-7d9f8b6c5-x2kqp", "Runbook: https://runbooks.prometheus-operator.dev")
	r = admin.run(t, "alert", "show", "--group", itoa(disk.ID)).want(t, 0)
	has(t, "alert show --group", r.stdout, "Alert group", "Triage:    pending", "Disk full on db-1")

	r = admin.run(t, "triage", "dismiss", itoa(disk.ID), "--reason", "bored").want(t, exitError)
	has(t, "dismiss with a bad reason", r.stderr, "reason must be one of", "false positive")
	r = admin.run(t, "triage", "dismiss", itoa(disk.ID), "--reason", "known issue", "--note", "db-1 is being replaced").want(t, 0)
	has(t, "dismiss", r.stdout, `Dismissed item`, `"known issue"`)

	r = admin.run(t, "triage", "declare", itoa(crash.ID)).want(t, 0)
	has(t, "declare", r.stdout, "Declared INC-1 (SEV3): KubePodCrashLooping: Pod is crash looping.", "First Responder")
	r = admin.run(t, "triage", "declare", itoa(crash.ID)).want(t, exitError)
	has(t, "declare twice", r.stderr, "no longer in the triage queue")
	r = admin.run(t, "incident", "show", "INC-1").want(t, 0)
	has(t, "incident show", r.stdout, "shop")

	r = admin.run(t, "triage", "list").want(t, 0)
	has(t, "empty queue", r.stdout, "The triage queue is empty")
	r = admin.run(t, "--json", "alert", "list").want(t, 0)
	has(t, "alert list --json", r.stdout, `"alerts"`, `"dedup_key":"disk-1"`)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
