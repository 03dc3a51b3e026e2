package detect

import (
	"testing"
)

// The fuzz tests feed the decoders arbitrary bytes: they must never panic,
// and whatever they accept must be a usable event (a dedup key within the
// limit, a known action and severity), never garbage.

func checkEvent(t *testing.T, e Event) {
	t.Helper()
	if e.DedupKey == "" || len(e.DedupKey) > maxDedupKey {
		t.Fatalf("accepted event with dedup key %q", e.DedupKey)
	}
	switch e.Action {
	case Trigger, Acknowledge, Resolve:
	default:
		t.Fatalf("accepted event with action %q", e.Action)
	}
	switch e.Severity {
	case SevCritical, SevError, SevWarning, SevInfo:
	default:
		t.Fatalf("accepted event with severity %q", e.Severity)
	}
	if len(e.Title) > maxTitle || e.Labels == nil {
		t.Fatalf("accepted event with title of %d bytes or nil labels", len(e.Title))
	}
	for _, l := range e.Links {
		if len(l.URL) < 7 || (l.URL[:7] != "http://" && l.URL[:8] != "https://") {
			t.Fatalf("accepted link %q", l.URL)
		}
	}
}

func FuzzAlertmanager(f *testing.F) {
	f.Add(fixture(f, "alertmanager_v4.json"))
	f.Add([]byte(`{"version":"4","alerts":[{"status":"firing","labels":{"a":"b"}}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		evs, err := DecodeAlertmanager(body)
		if err == nil && len(evs) == 0 {
			t.Fatal("accepted a body with no alerts")
		}
		for _, e := range evs {
			checkEvent(t, e)
			if e.Action == Acknowledge {
				t.Fatal("alertmanager has no acknowledge")
			}
		}
	})
}

func FuzzGrafana(f *testing.F) {
	f.Add(fixture(f, "grafana.json"))
	f.Fuzz(func(t *testing.T, body []byte) {
		evs, err := DecodeGrafana(body)
		if err == nil && len(evs) == 0 {
			t.Fatal("accepted a body with no alerts")
		}
		for _, e := range evs {
			checkEvent(t, e)
		}
	})
}

func FuzzPagerDuty(f *testing.F) {
	f.Add(fixture(f, "pagerduty_trigger.json"))
	f.Add(fixture(f, "pagerduty_resolve.json"))
	f.Fuzz(func(t *testing.T, body []byte) {
		pe, err := DecodePagerDuty(body, fixedKey)
		if err != nil {
			return
		}
		if pe.RoutingKey == "" {
			t.Fatal("accepted an event without routing key")
		}
		checkEvent(t, pe.Event)
		if pe.Event.Action == Trigger && (pe.Event.Title == "" || pe.Event.Source == "") {
			t.Fatal("accepted a trigger without summary or source")
		}
	})
}

func FuzzOpsgenie(f *testing.F) {
	f.Add(fixture(f, "opsgenie_create.json"), "alias-1", true)
	f.Add(fixture(f, "opsgenie_close.json"), "alias-1", false)
	f.Fuzz(func(t *testing.T, body []byte, alias string, create bool) {
		var e Event
		var err error
		if create {
			e, err = DecodeOpsgenieCreate(body, fixedKey)
		} else {
			e, err = DecodeOpsgenieAction(body, alias, "alias", Resolve)
		}
		if err == nil {
			checkEvent(t, e)
		}
	})
}

func FuzzGeneric(f *testing.F) {
	mp, err := Mapping{
		Title:    `payload.check.name + " is " + payload.state`,
		DedupKey: `payload.check.id`,
		Severity: `has(payload.sev) ? string(payload.sev) : "warning"`,
		Status:   `payload.state == "up" ? "resolve" : "trigger"`,
		Labels:   `{"region": string(payload.region)}`,
	}.Compile()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(fixture(f, "generic_uptime.json"))
	f.Fuzz(func(t *testing.T, body []byte) {
		e, err := mp.Decode(body)
		if err == nil {
			checkEvent(t, e)
		}
	})
}

func FuzzMappingCompile(f *testing.F) {
	f.Add(`payload.a + "x"`, `payload.id`, `{"a": payload.b}`)
	f.Fuzz(func(t *testing.T, title, key, labels string) {
		mp, err := Mapping{Title: title, DedupKey: key, Labels: labels}.Compile()
		if err != nil {
			return
		}
		if e, err := mp.Decode([]byte(`{"a":"x","id":"k","b":"c"}`)); err == nil {
			checkEvent(t, e)
		}
	})
}
