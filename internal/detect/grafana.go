package detect

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/firebreak-hq/firebreak/internal/apperr"
)

// Grafana's webhook contact point signs bodies with HMAC-SHA256 when a
// secret is set: the hex digest goes in this header, and, when a timestamp
// header is configured, the digest covers "timestamp:body".
const (
	GrafanaSignatureHeader = "X-Grafana-Alerting-Signature"
)

// DecodeGrafana reads a Grafana alerting webhook: Alertmanager's shape
// plus orgId, title, state and message.
func DecodeGrafana(body []byte) ([]Event, error) {
	var p amPayload
	if err := decodeBody(body, &p); err != nil {
		return nil, err
	}
	if p.OrgID == nil {
		return nil, apperr.Invalid("orgId", "orgId is missing: this does not look like a Grafana alerting webhook")
	}
	return p.events("grafana")
}

// VerifyGrafanaSignature checks a Grafana HMAC signature. timestamp is the
// value of the timestamp header when one is configured, else empty.
func VerifyGrafanaSignature(secret, signature, timestamp string, body []byte) bool {
	if secret == "" {
		return true
	}
	got, err := hex.DecodeString(strings.TrimSpace(signature))
	if err != nil || len(got) == 0 {
		return false
	}
	m := hmac.New(sha256.New, []byte(secret))
	if timestamp != "" {
		m.Write([]byte(timestamp + ":"))
	}
	m.Write(body)
	return hmac.Equal(got, m.Sum(nil))
}
