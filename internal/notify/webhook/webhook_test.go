package webhook_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/notify/webhook"
)

type oneIncident struct{}

func (oneIncident) Get(_ context.Context, n int64) (*incident.Incident, error) {
	return &incident.Incident{Number: n, Title: "Checkout down", Stage: incident.Fix}, nil
}

func (oneIncident) TimelineEvent(_ context.Context, n, seq int64) (incident.Event, error) {
	return incident.Event{IncidentNumber: n, Seq: seq, Kind: incident.EventNote, Note: "rolled back"}, nil
}

func TestDeliverSignsAndReportsFailures(t *testing.T) {
	status := http.StatusOK
	var gotBody []byte
	var gotHeader http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotBody, _ = io.ReadAll(r.Body)
		gotHeader = r.Header
		w.WriteHeader(status)
	}))
	defer srv.Close()

	d := webhook.New([]webhook.Target{{URL: srv.URL, Secret: "k"}}, oneIncident{}, srv.Client())
	if err := d.Deliver(context.Background(), incident.EventJob{Number: 7, Seq: 3}, 1); err != nil {
		t.Fatal(err)
	}
	if !webhook.Verify("k", gotBody, gotHeader.Get("X-Firebreak-Signature")) || webhook.Verify("other", gotBody, gotHeader.Get("X-Firebreak-Signature")) {
		t.Fatal("signature does not verify with the right secret only")
	}
	if gotHeader.Get("X-Firebreak-Delivery") != "INC-7/3" || gotHeader.Get("X-Firebreak-Event") != "note" || !strings.Contains(string(gotBody), `"rolled back"`) {
		t.Fatalf("headers %v body %s", gotHeader, gotBody)
	}

	status = http.StatusBadGateway
	if err := d.Deliver(context.Background(), incident.EventJob{Number: 7, Seq: 3}, 2); err == nil || !strings.Contains(err.Error(), "502") {
		t.Fatalf("a 502 must fail the job so it is retried, got %v", err)
	}

	unsigned := webhook.New([]webhook.Target{{URL: srv.URL}}, oneIncident{}, srv.Client())
	status = http.StatusNoContent
	if err := unsigned.Deliver(context.Background(), incident.EventJob{Number: 7, Seq: 3}, 1); err != nil {
		t.Fatal(err)
	}
	if gotHeader.Get("X-Firebreak-Signature") != "" {
		t.Fatal("a target without a secret got a signature")
	}
}
