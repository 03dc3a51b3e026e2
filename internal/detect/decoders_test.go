package detect

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func fixedKey() string { return "generated-key" }

func TestAlertmanagerFixture(t *testing.T) {
	evs, err := DecodeAlertmanager(fixture(t, "alertmanager_v4.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 {
		t.Fatalf("got %d events, want 2", len(evs))
	}
	e := evs[0]
	if e.DedupKey != "4b7a1c5e2f3d9a80" || e.Action != Trigger || e.Severity != SevWarning {
		t.Errorf("first event: key %q action %q severity %q", e.DedupKey, e.Action, e.Severity)
	}
	if e.Title != "KubePodCrashLooping: Pod is crash looping." {
		t.Errorf("title %q", e.Title)
	}
	if !strings.HasPrefix(e.GroupKey, "{}/{severity") || e.Labels["pod"] != "checkout-7d9f8b6c5-x2kqp" {
		t.Errorf("group key %q labels %v", e.GroupKey, e.Labels)
	}
	if len(e.Links) != 2 || e.Links[1].Text != "Runbook" {
		t.Errorf("links %+v", e.Links)
	}
	r := evs[1]
	if r.Action != Resolve || r.Severity != SevCritical || !r.At.Equal(time.Date(2024, 5, 14, 9, 16, 3, 123e6, time.UTC)) {
		t.Errorf("second event: %+v", r)
	}
}

func TestAlertmanagerFingerprintFallback(t *testing.T) {
	a := `{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"b":"2","a":"1"},"annotations":{"summary":"cpu at 91%"}}]}`
	b := `{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"a":"1","b":"2"},"annotations":{"summary":"cpu at 97%"}}]}`
	ea, err := DecodeAlertmanager([]byte(a))
	if err != nil {
		t.Fatal(err)
	}
	eb, err := DecodeAlertmanager([]byte(b))
	if err != nil {
		t.Fatal(err)
	}
	if ea[0].DedupKey != eb[0].DedupKey {
		t.Errorf("same labels, different summaries must be the same alert: %q vs %q", ea[0].DedupKey, eb[0].DedupKey)
	}
}

func TestGrafanaFixture(t *testing.T) {
	evs, err := DecodeGrafana(fixture(t, "grafana.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 || evs[0].DedupKey != "c6eadffa33fcdf37" || evs[1].DedupKey != "bc97ff14869b13e3" {
		t.Fatalf("events %+v", evs)
	}
	if evs[0].Title != "High memory usage: This alert was triggered for zone us-1" {
		t.Errorf("title %q", evs[0].Title)
	}
	// Grafana's payload is not an Alertmanager v4 one (version "1").
	if _, err := DecodeAlertmanager(fixture(t, "grafana.json")); !apperr.Is(err, apperr.CodeInvalid) {
		t.Errorf("alertmanager endpoint accepted a Grafana body: %v", err)
	}
}

func TestGrafanaSignature(t *testing.T) {
	body := fixture(t, "grafana.json")
	// Computed independently: openssl dgst -sha256 -hmac s3cret testdata/grafana.json
	sig := "1a94372184da1ec3816f8103960619ee37184b4f5f649c4719534c567b1e1b0f"
	if !VerifyGrafanaSignature("s3cret", sig, "", body) {
		t.Error("valid signature refused")
	}
	if VerifyGrafanaSignature("s3cret", sig, "", append(body, ' ')) {
		t.Error("signature of another body accepted")
	}
	if VerifyGrafanaSignature("s3cret", "", "", body) {
		t.Error("missing signature accepted")
	}
	ts := "1700000000"
	if !VerifyGrafanaSignature("s3cret", hmacHex("s3cret", ts, body), ts, body) {
		t.Error("timestamped signature refused")
	}
}

func TestPagerDutyFixtures(t *testing.T) {
	pe, err := DecodePagerDuty(fixture(t, "pagerduty_trigger.json"), fixedKey)
	if err != nil {
		t.Fatal(err)
	}
	e := pe.Event
	if pe.RoutingKey != "samplekeyhere" || e.DedupKey != "samplekeyhere" || e.Action != Trigger || e.Severity != SevCritical {
		t.Errorf("%+v", pe)
	}
	if e.Labels["component"] != "mysql" || e.Labels["custom_details.free space"] != "1%" || e.GroupKey != "prod-datapipe" {
		t.Errorf("labels %v group %q", e.Labels, e.GroupKey)
	}
	if !e.At.Equal(time.Date(2015, 7, 17, 8, 42, 58, 315e6, time.UTC)) {
		t.Errorf("at %v", e.At)
	}
	if len(e.Links) != 3 {
		t.Errorf("links %+v", e.Links)
	}
	for name, act := range map[string]Action{"pagerduty_acknowledge.json": Acknowledge, "pagerduty_resolve.json": Resolve} {
		pe, err := DecodePagerDuty(fixture(t, name), fixedKey)
		if err != nil || pe.Event.Action != act || pe.Event.DedupKey != "samplekeyhere" {
			t.Errorf("%s: %+v %v", name, pe, err)
		}
	}
}

func TestPagerDutyRefusals(t *testing.T) {
	cases := []struct{ name, body, field string }{
		{"unknown action", `{"routing_key":"k","event_action":"explode"}`, "event_action"},
		{"no routing key", `{"event_action":"resolve","dedup_key":"x"}`, "routing_key"},
		{"resolve without key", `{"routing_key":"k","event_action":"resolve"}`, "dedup_key"},
		{"trigger without payload", `{"routing_key":"k","event_action":"trigger"}`, "payload"},
		{"no summary", `{"routing_key":"k","event_action":"trigger","payload":{"source":"s","severity":"info"}}`, "payload.summary"},
		{"no source", `{"routing_key":"k","event_action":"trigger","payload":{"summary":"s","severity":"info"}}`, "payload.source"},
		{"bad severity", `{"routing_key":"k","event_action":"trigger","payload":{"summary":"s","source":"s","severity":"bad"}}`, "payload.severity"},
		{"bad time", `{"routing_key":"k","event_action":"trigger","payload":{"summary":"s","source":"s","severity":"info","timestamp":"yesterday"}}`, "payload.timestamp"},
		{"wrong type", `{"routing_key":"k","event_action":"trigger","payload":{"summary":5}}`, "payload.summary"},
		{"two values", `{"routing_key":"k","event_action":"resolve","dedup_key":"x"} {}`, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := DecodePagerDuty([]byte(c.body), fixedKey)
			e := apperr.As(err)
			if e == nil || e.Code != apperr.CodeInvalid || e.Field != c.field {
				t.Fatalf("got %v (%+v), want invalid %q", err, e, c.field)
			}
		})
	}
	pe, err := DecodePagerDuty([]byte(`{"routing_key":"k","event_action":"trigger","payload":{"summary":"s","source":"s","severity":"info"}}`), fixedKey)
	if err != nil || pe.Event.DedupKey != "generated-key" {
		t.Errorf("trigger without dedup_key: %+v %v", pe, err)
	}
}

func TestOpsgenieFixtures(t *testing.T) {
	e, err := DecodeOpsgenieCreate(fixture(t, "opsgenie_create.json"), fixedKey)
	if err != nil {
		t.Fatal(err)
	}
	if e.DedupKey != "Life is too short for no alias" || e.Severity != SevCritical || e.Title != "An example alert message" {
		t.Errorf("%+v", e)
	}
	if e.Labels["key1"] != "value1" || e.Labels["tags"] != "OverwriteQuietHours,Critical" || e.GroupKey != "An example entity" {
		t.Errorf("labels %v group %q", e.Labels, e.GroupKey)
	}
	c, err := DecodeOpsgenieAction(fixture(t, "opsgenie_close.json"), "Life is too short for no alias", "alias", Resolve)
	if err != nil || c.Action != Resolve || c.DedupKey != e.DedupKey {
		t.Errorf("close: %+v %v", c, err)
	}
	if _, err := DecodeOpsgenieAction(nil, "abc", "id", Resolve); !apperr.Is(err, apperr.CodeInvalid) {
		t.Errorf("identifierType id accepted: %v", err)
	}
	if _, err := DecodeOpsgenieCreate([]byte(`{"message":"m","priority":"P9"}`), fixedKey); !apperr.Is(err, apperr.CodeInvalid) {
		t.Errorf("priority P9 accepted: %v", err)
	}
	if e, _ := DecodeOpsgenieCreate([]byte(`{"message":"m"}`), fixedKey); e.DedupKey != "generated-key" {
		t.Errorf("no alias: key %q", e.DedupKey)
	}
}

func TestGenericMapping(t *testing.T) {
	m := Mapping{
		Title:    `payload.check.name + " is " + payload.state`,
		DedupKey: `payload.check.id`,
		Severity: `payload.state == "down" ? "critical" : "info"`,
		Status:   `payload.state == "up" ? "resolve" : "trigger"`,
		Labels:   `{"region": payload.region, "url": payload.check.url}`,
	}
	mp, err := m.Compile()
	if err != nil {
		t.Fatal(err)
	}
	e, err := mp.Decode(fixture(t, "generic_uptime.json"))
	if err != nil {
		t.Fatal(err)
	}
	if e.Title != "Checkout API is down" || e.DedupKey != "chk_42" || e.Severity != SevCritical || e.Action != Trigger || e.Labels["region"] != "eu-west" {
		t.Errorf("%+v", e)
	}
	up, err := mp.Decode([]byte(`{"check":{"id":"chk_42","name":"Checkout API","url":"u"},"state":"up","region":"eu"}`))
	if err != nil || up.Action != Resolve {
		t.Errorf("up: %+v %v", up, err)
	}
	// A payload without the field the mapping reads is refused, naming the mapping field.
	_, err = mp.Decode([]byte(`{"state":"down"}`))
	if e := apperr.As(err); e == nil || e.Field != "mapping.title" {
		t.Errorf("missing field: %v", err)
	}
}

func TestGenericMappingValidation(t *testing.T) {
	cases := []struct {
		name  string
		m     Mapping
		field string
	}{
		{"no title", Mapping{DedupKey: "payload.id"}, "mapping.title"},
		{"no key", Mapping{Title: "payload.t"}, "mapping.dedup_key"},
		{"syntax", Mapping{Title: "payload.(", DedupKey: "payload.id"}, "mapping.title"},
		{"wrong type", Mapping{Title: "1 + 2", DedupKey: "payload.id"}, "mapping.title"},
		{"labels not a map", Mapping{Title: "payload.t", DedupKey: "payload.id", Labels: `"x"`}, "mapping.labels"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.m.Compile()
			if e := apperr.As(err); e == nil || e.Field != c.field {
				t.Fatalf("got %v, want invalid %s", err, c.field)
			}
		})
	}
}

func TestDecodeErrorsNameTheField(t *testing.T) {
	_, err := DecodeAlertmanager([]byte(`{"version":"4","alerts":[{"status":"firing","labels":{"a":1}}]}`))
	e := apperr.As(err)
	if e == nil || e.Field != "alerts.labels" || !strings.Contains(e.Message, "must be a string") {
		t.Errorf("got %v (%+v)", err, e)
	}
	_, err = DecodeAlertmanager([]byte(`{"version":"4","alerts":[{"status":"pending","labels":{"a":"1"}}]}`))
	if e := apperr.As(err); e == nil || e.Field != "alerts[0].status" {
		t.Errorf("got %v", err)
	}
	_, err = DecodeAlertmanager([]byte(strings.Repeat(" ", MaxPayload+1)))
	if !apperr.Is(err, apperr.CodeInvalid) {
		t.Errorf("oversized body: %v", err)
	}
}

func TestLabelsKeyIgnoresOrder(t *testing.T) {
	a := LabelsKey(map[string]string{"a": "1", "b": "2"})
	if a != LabelsKey(map[string]string{"b": "2", "a": "1"}) || a == LabelsKey(map[string]string{"a": "12"}) {
		t.Error("labels key is not a function of the label set")
	}
	// "a=1,b=" and "a=,b=1"-style collisions are avoided by separators.
	if LabelsKey(map[string]string{"a": "b"}) == LabelsKey(map[string]string{"ab": ""}) {
		t.Error("collision")
	}
}
