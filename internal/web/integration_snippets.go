package web

import (
	"fmt"

	"github.com/firebreak-hq/firebreak/internal/detect"
)

// snippet is a piece of configuration to paste into a sender.
type snippet struct {
	Title string
	Text  string
}

// snippetsFor shows how each sender is pointed at an integration. The key
// travels in a header where the sender can send one, so it stays out of
// proxy logs.
func snippetsFor(in detect.Integration, base, key string) []snippet {
	hook := base + "/integrations/" + string(in.Kind) + "/" + key
	curl := func(body string) snippet {
		return snippet{"curl", fmt.Sprintf("curl -sS -X POST %s \\\n  -H 'Content-Type: application/json' \\\n  -d '%s'", hook, body)}
	}
	switch in.Kind {
	case detect.KindAlertmanager:
		return []snippet{
			{"Alertmanager (alertmanager.yml)", fmt.Sprintf(`receivers:
  - name: firebreak
    webhook_configs:
      - url: %s/integrations/alertmanager
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: %s`, base, key)},
			curl(`{"version":"4","status":"firing","groupKey":"test","alerts":[{"status":"firing","labels":{"alertname":"FirebreakTest","severity":"warning"},"annotations":{"summary":"Test alert from curl"}}]}`),
		}
	case detect.KindGrafana:
		return []snippet{
			{"Grafana contact point", fmt.Sprintf(`Integration: Webhook
URL: %s
HTTP Method: POST
HMAC signature secret: the secret set on this integration (if any)
Send resolved: on`, hook)},
			curl(`{"orgId":1,"version":"1","status":"firing","groupKey":"test","alerts":[{"status":"firing","labels":{"alertname":"FirebreakTest"},"annotations":{"summary":"Test alert from curl"}}]}`),
		}
	case detect.KindPagerDuty:
		return []snippet{
			{"PagerDuty Events API v2 client", fmt.Sprintf(`Events API URL: %s/v2/enqueue
Integration (routing) key: %s`, base, key)},
			{"curl", fmt.Sprintf(`curl -sS -X POST %s/v2/enqueue \
  -H 'Content-Type: application/json' \
  -d '{"routing_key":"%s","event_action":"trigger","dedup_key":"test-1","payload":{"summary":"Test alert from curl","source":"curl","severity":"warning"}}'`, base, key)},
		}
	case detect.KindOpsgenie:
		return []snippet{
			{"Opsgenie Alert API client", fmt.Sprintf(`API URL: %s   (the client adds /v2/alerts)
Authorization: GenieKey %s`, base, key)},
			{"curl", fmt.Sprintf(`curl -sS -X POST %s/v2/alerts \
  -H 'Content-Type: application/json' -H 'Authorization: GenieKey %s' \
  -d '{"message":"Test alert from curl","alias":"test-1","priority":"P3"}'`, base, key)},
		}
	case detect.KindHeartbeat:
		return []snippet{
			{"Ping (cron, a watchdog alert, or a script)", fmt.Sprintf("curl -sS -X POST %s", hook)},
			{"Alertmanager Watchdog (alertmanager.yml)", fmt.Sprintf(`routes:
  - matchers: [alertname="Watchdog"]
    receiver: firebreak-heartbeat
    repeat_interval: 1m
receivers:
  - name: firebreak-heartbeat
    webhook_configs:
      - url: %s`, hook)},
		}
	}
	return []snippet{curl(`{"id":"test-1","title":"Test alert from curl"}`)}
}
