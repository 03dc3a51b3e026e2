package ingest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/catalog"
	"github.com/firebreak-hq/firebreak/internal/detect"
	"github.com/firebreak-hq/firebreak/internal/detect/ingest"
	"github.com/firebreak-hq/firebreak/internal/store"
	"github.com/firebreak-hq/firebreak/internal/testkit/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type env struct {
	t     *testing.T
	s     *store.Store
	a     *store.Alerts
	srv   *httptest.Server
	pipe  *ingest.Pipeline
	keys  map[detect.Kind]string
	svcID int64
}

func eachStore(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			url := ""
			if d == store.Postgres {
				url = pgtest.NewDatabase(t)
			}
			s, err := store.Open(ctx, url, filepath.Join(t.TempDir(), "fb.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			if err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			fn(t, newEnv(t, s))
		})
	}
}

func newEnv(t *testing.T, s *store.Store) *env {
	ctx := access.With(context.Background(), access.System)
	cat := catalog.NewCatalog(s.Catalog(), time.Now)
	svc, err := cat.CreateService(ctx, catalog.ServiceInput{Name: "checkout"})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, s: s, a: s.Alerts(nil), keys: map[detect.Kind]string{}, svcID: svc.ID}
	for _, k := range detect.Kinds {
		in := detect.Integration{Name: string(k), Kind: k, ServiceID: svc.ID, CreatedAt: time.Now(), HeartbeatMinutes: 5}
		switch k {
		case detect.KindWebhook:
			in.Config.Mapping = &detect.Mapping{Title: `payload.check.name + " is " + payload.state`, DedupKey: "payload.check.id",
				Status: `payload.state == "up" ? "resolve" : "trigger"`}
		case detect.KindGrafana:
			in.Config.GrafanaSecret = "s3cret"
		}
		key := detect.NewKey()
		if _, err := e.a.CreateIntegration(context.Background(), in, detect.HashKey(key)); err != nil {
			t.Fatal(err)
		}
		e.keys[k] = key
	}
	committers := 1
	if s.Dialect() == store.Postgres {
		committers = 4
	}
	e.pipe = ingest.NewPipeline(e.a, ingest.PipelineOptions{Committers: committers})
	e.pipe.Start()
	t.Cleanup(e.pipe.Stop)
	rcv := ingest.NewReceiver(e.pipe, e.a, time.Now, ingest.ReceiverOptions{})
	e.srv = httptest.NewServer(rcv.Handler())
	t.Cleanup(e.srv.Close)
	return e
}

func fixture(t *testing.T, name string) []byte {
	b, err := os.ReadFile(filepath.Join("..", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (e *env) post(path string, body []byte, header ...string) (*http.Response, map[string]any) {
	e.t.Helper()
	req, _ := http.NewRequest("POST", e.srv.URL+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp, out
}

func (e *env) alerts() []detect.Alert {
	al, err := e.a.ListAlerts(context.Background(), detect.AlertFilter{})
	if err != nil {
		e.t.Fatal(err)
	}
	return al
}

func TestAlertmanagerWebhook(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		body := fixture(t, "alertmanager_v4.json")
		resp, out := e.post("/integrations/alertmanager/"+e.keys[detect.KindAlertmanager], body)
		if resp.StatusCode != 202 || out["events"] != float64(2) {
			t.Fatalf("%d %v", resp.StatusCode, out)
		}
		// A 2xx means committed: the alert is readable right away.
		al := e.alerts()
		if len(al) != 1 || al[0].DedupKey != "4b7a1c5e2f3d9a80" {
			t.Fatalf("after first send: %+v", al) // the resolved alert in the payload had nothing open to resolve
		}
		// Re-sent (Alertmanager repeats every repeat_interval): same alert, counted.
		resp, _ = e.post("/integrations/alertmanager", body, "Authorization", "Bearer "+e.keys[detect.KindAlertmanager])
		if resp.StatusCode != 202 {
			t.Fatalf("bearer: %d", resp.StatusCode)
		}
		if al = e.alerts(); len(al) != 1 || al[0].EventCount != 2 {
			t.Fatalf("after re-send: %+v", al)
		}
		n, _ := e.a.CountEvents(context.Background())
		if n != 2 {
			t.Errorf("%d raw payloads kept, want 2", n)
		}
	})
}

func TestIngestRefusals(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		am := e.keys[detect.KindAlertmanager]
		cases := []struct {
			name, path string
			body       []byte
			status     int
			field      string
		}{
			{"unknown key", "/integrations/alertmanager/" + strings.Repeat("0", 32), fixture(t, "alertmanager_v4.json"), 401, ""},
			{"no key", "/integrations/alertmanager", fixture(t, "alertmanager_v4.json"), 401, ""},
			{"key of another kind", "/integrations/grafana/" + am, fixture(t, "grafana.json"), 400, ""},
			{"wrong version", "/integrations/alertmanager/" + am, fixture(t, "grafana.json"), 400, "version"},
			{"wrong type", "/integrations/alertmanager/" + am, []byte(`{"version":"4","alerts":"x"}`), 400, "alerts"},
			{"not json", "/integrations/alertmanager/" + am, []byte(`<xml/>`), 400, ""},
			{"too large", "/integrations/alertmanager/" + am, bytes.Repeat([]byte(" "), detect.MaxPayload+1), 413, ""},
			{"unknown kind", "/integrations/nagios/" + am, []byte(`{}`), 404, ""},
			{"grafana without signature", "/integrations/grafana/" + e.keys[detect.KindGrafana], fixture(t, "grafana.json"), 401, ""},
			{"webhook payload the mapping cannot read", "/integrations/webhook/" + e.keys[detect.KindWebhook], []byte(`{"state":"down"}`), 400, "mapping.title"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				resp, out := e.post(c.path, c.body)
				if resp.StatusCode != c.status || resp.Header.Get("Content-Type") != "application/problem+json" {
					t.Fatalf("%d %s %v", resp.StatusCode, resp.Header.Get("Content-Type"), out)
				}
				if c.field != "" && out["field"] != c.field {
					t.Errorf("field %v, want %s (%v)", out["field"], c.field, out)
				}
				if out["detail"] == "" {
					t.Error("no detail")
				}
			})
		}
		if len(e.alerts()) != 0 {
			t.Fatal("a refused request left an alert")
		}
	})
}

func TestGrafanaSigned(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		body := fixture(t, "grafana.json")
		sig := "1a94372184da1ec3816f8103960619ee37184b4f5f649c4719534c567b1e1b0f" // openssl dgst -sha256 -hmac s3cret
		resp, out := e.post("/integrations/grafana/"+e.keys[detect.KindGrafana], body, detect.GrafanaSignatureHeader, sig)
		if resp.StatusCode != 202 || len(e.alerts()) != 2 {
			t.Fatalf("%d %v", resp.StatusCode, out)
		}
	})
}

func TestPagerDutyEventsV2(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		key := e.keys[detect.KindPagerDuty]
		body := bytes.Replace(fixture(t, "pagerduty_trigger.json"), []byte(`"routing_key": "samplekeyhere"`), []byte(`"routing_key": "`+key+`"`), 1)
		resp, out := e.post("/v2/enqueue", body)
		if resp.StatusCode != 202 || out["status"] != "success" || out["message"] != "Event processed" || out["dedup_key"] != "samplekeyhere" {
			t.Fatalf("%d %v", resp.StatusCode, out)
		}
		// Without a dedup_key, one is made up and returned.
		resp, out = e.post("/v2/enqueue", []byte(`{"routing_key":"`+key+`","event_action":"trigger","payload":{"summary":"s","source":"h","severity":"info"}}`))
		if resp.StatusCode != 202 || len(out["dedup_key"].(string)) < 8 {
			t.Fatalf("%d %v", resp.StatusCode, out)
		}
		// Resolve through the integration path.
		resp, _ = e.post("/integrations/pagerduty/"+key+"/v2/enqueue", []byte(`{"routing_key":"ignored","event_action":"resolve","dedup_key":"samplekeyhere"}`))
		if resp.StatusCode != 202 {
			t.Fatalf("resolve %d", resp.StatusCode)
		}
		al := e.alerts()
		if len(al) != 2 || al[1].DedupKey != "samplekeyhere" || al[1].Status != detect.StatusResolved {
			t.Fatalf("%+v", al)
		}
		// Errors in PagerDuty's shape.
		resp, out = e.post("/v2/enqueue", []byte(`{"routing_key":"`+key+`","event_action":"trigger","payload":{"summary":"s","source":"h","severity":"fatal"}}`))
		errs, _ := out["errors"].([]any)
		if resp.StatusCode != 400 || out["status"] != "invalid event" || len(errs) != 1 || !strings.Contains(errs[0].(string), "severity") {
			t.Fatalf("%d %v", resp.StatusCode, out)
		}
		resp, out = e.post("/v2/enqueue", []byte(`{"routing_key":"nope","event_action":"resolve","dedup_key":"x"}`))
		if resp.StatusCode != 400 || out["status"] != "invalid event" {
			t.Fatalf("unknown routing key: %d %v", resp.StatusCode, out)
		}
	})
}

func TestOpsgenieAlertAPI(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		auth := []string{"Authorization", "GenieKey " + e.keys[detect.KindOpsgenie]}
		resp, out := e.post("/v2/alerts", fixture(t, "opsgenie_create.json"), auth...)
		if resp.StatusCode != 202 || out["result"] != "Request will be processed" || out["requestId"] == "" {
			t.Fatalf("%d %v", resp.StatusCode, out)
		}
		resp, _ = e.post("/v2/alerts/Life%20is%20too%20short%20for%20no%20alias/acknowledge?identifierType=alias", []byte(`{"user":"Monitoring Script"}`), auth...)
		if al := e.alerts(); resp.StatusCode != 202 || al[0].Status != detect.StatusAcknowledged {
			t.Fatalf("ack %d %+v", resp.StatusCode, al)
		}
		resp, _ = e.post("/v2/alerts/Life%20is%20too%20short%20for%20no%20alias/close?identifierType=alias", fixture(t, "opsgenie_close.json"), auth...)
		if al := e.alerts(); resp.StatusCode != 202 || len(al) != 1 || al[0].Status != detect.StatusResolved || al[0].Severity != detect.SevCritical {
			t.Fatalf("close %d %+v", resp.StatusCode, al)
		}
		resp, out = e.post("/v2/alerts/abc/close", nil, auth...)
		if resp.StatusCode != 422 || !strings.Contains(out["message"].(string), "alias") {
			t.Fatalf("close by id: %d %v", resp.StatusCode, out)
		}
		resp, _ = e.post("/v2/alerts", fixture(t, "opsgenie_create.json"), "Authorization", "GenieKey wrong")
		if resp.StatusCode != 401 {
			t.Fatalf("wrong key: %d", resp.StatusCode)
		}
	})
}

func TestGenericWebhookAndHeartbeat(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		resp, out := e.post("/integrations/webhook/"+e.keys[detect.KindWebhook], fixture(t, "generic_uptime.json"))
		if resp.StatusCode != 202 {
			t.Fatalf("%d %v", resp.StatusCode, out)
		}
		if al := e.alerts(); len(al) != 1 || al[0].Title != "Checkout API is down" || al[0].DedupKey != "chk_42" {
			t.Fatalf("%+v", al)
		}
		resp, _ = e.post("/integrations/heartbeat/"+e.keys[detect.KindHeartbeat], nil)
		if resp.StatusCode != 202 {
			t.Fatalf("ping %d", resp.StatusCode)
		}
		ins, _ := e.a.ListIntegrations(context.Background())
		for _, in := range ins {
			if in.Kind == detect.KindHeartbeat && in.LastSeenAt == nil {
				t.Fatal("ping not recorded")
			}
		}
	})
}

func TestConcurrentSendersShareCommits(t *testing.T) {
	eachStore(t, func(t *testing.T, e *env) {
		key := e.keys[detect.KindPagerDuty]
		var wg sync.WaitGroup
		var mu sync.Mutex
		accepted := map[string]bool{}
		for w := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 20 {
					dk := "k" + string(rune('a'+w)) + "-" + string(rune('a'+i%5))
					resp, _ := e.post("/v2/enqueue", []byte(`{"routing_key":"`+key+`","event_action":"trigger","dedup_key":"`+dk+`","payload":{"summary":"s","source":"h","severity":"info"}}`))
					if resp.StatusCode == 202 {
						mu.Lock()
						accepted[dk] = true
						mu.Unlock()
					}
				}
			}()
		}
		wg.Wait()
		al := e.alerts()
		if len(al) != len(accepted) || len(al) != 80 {
			t.Fatalf("%d alerts for %d accepted keys, want 80", len(al), len(accepted))
		}
		var total int64
		for _, a := range al {
			total += a.EventCount
		}
		if total != 320 || e.pipe.Committed.Load() != 320 {
			t.Fatalf("total events %d, committed %d, want 320", total, e.pipe.Committed.Load())
		}
		if e.pipe.Batches.Load() >= 320 {
			t.Logf("no batching happened (%d transactions)", e.pipe.Batches.Load())
		}
	})
}

// blockedStore holds every commit until released, to fill the queue.
type blockedStore struct{ release chan struct{} }

func (b blockedStore) Ingest(ctx context.Context, batch []detect.Accepted) error {
	<-b.release
	return nil
}

func TestOverloadAnswers429WithRetryAfter(t *testing.T) {
	bs := blockedStore{release: make(chan struct{})}
	pipe := ingest.NewPipeline(bs, ingest.PipelineOptions{QueueLen: 4, MaxBatch: 1})
	pipe.Start()
	defer pipe.Stop()
	ctx := context.Background()
	results := make(chan error, 10)
	for range 10 {
		go func() { results <- pipe.Submit(ctx, detect.Accepted{Body: []byte("x")}) }()
	}
	// One request is being committed and four wait: the other five are refused at once.
	refused := 0
	for range 5 {
		if err := <-results; err == ingest.ErrOverloaded {
			refused++
		}
	}
	if refused != 5 {
		t.Fatalf("%d refused, want 5", refused)
	}
	close(bs.release)
	for range 5 {
		if err := <-results; err != nil {
			t.Fatalf("queued request failed: %v", err)
		}
	}
	if pipe.Committed.Load() != 5 || pipe.Refused.Load() != 5 {
		t.Fatalf("committed %d refused %d", pipe.Committed.Load(), pipe.Refused.Load())
	}
}

func TestOverloadOverHTTP(t *testing.T) {
	bs := blockedStore{release: make(chan struct{})}
	pipe := ingest.NewPipeline(bs, ingest.PipelineOptions{QueueLen: 1, MaxBatch: 1})
	pipe.Start()
	defer pipe.Stop()
	in := detect.Integration{ID: 1, Name: "am", Kind: detect.KindAlertmanager, ServiceID: 1}
	rcv := ingest.NewReceiver(pipe, oneIntegration{in, "k"}, time.Now, ingest.ReceiverOptions{})
	srv := httptest.NewServer(rcv.Handler())
	defer srv.Close()
	body := `{"version":"4","alerts":[{"status":"firing","labels":{"a":"b"}}]}`
	// Fill the committer and the queue.
	for range 2 {
		go http.Post(srv.URL+"/integrations/alertmanager/k", "application/json", strings.NewReader(body))
	}
	deadline := time.Now().Add(5 * time.Second)
	for pipe.Backlog() < 1 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	resp, err := http.Post(srv.URL+"/integrations/alertmanager/k", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	close(bs.release)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "1" {
		t.Fatalf("%d Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

func TestRateLimitPerIntegration(t *testing.T) {
	pipe := ingest.NewPipeline(blockedStore{release: closed()}, ingest.PipelineOptions{})
	pipe.Start()
	defer pipe.Stop()
	in := detect.Integration{ID: 1, Name: "am", Kind: detect.KindAlertmanager, ServiceID: 1, Config: detect.IntegrationConfig{RatePerSecond: 2}}
	rcv := ingest.NewReceiver(pipe, oneIntegration{in, "k"}, time.Now, ingest.ReceiverOptions{})
	srv := httptest.NewServer(rcv.Handler())
	defer srv.Close()
	body := `{"version":"4","alerts":[{"status":"firing","labels":{"a":"b"}}]}`
	codes := map[int]int{}
	for range 5 {
		resp, err := http.Post(srv.URL+"/integrations/alertmanager/k", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		codes[resp.StatusCode]++
	}
	if codes[202] != 2 || codes[429] != 3 {
		t.Fatalf("codes %v: want a burst of 2 then 429", codes)
	}
}

func closed() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}

type oneIntegration struct {
	in  detect.Integration
	key string
}

func (o oneIntegration) IntegrationByKeyHash(_ context.Context, hash string) (detect.Integration, error) {
	if hash == detect.HashKey(o.key) {
		return o.in, nil
	}
	return detect.Integration{}, errNotFound
}

func (oneIntegration) Rules(context.Context) ([]detect.Rule, error) { return nil, nil }
