package config

import (
	"strings"
	"testing"
)

func TestNotificationKeysAreChecked(t *testing.T) {
	for _, c := range []struct {
		sms  SMSConfig
		want string
	}{
		{SMSConfig{Provider: "carrier-pigeon"}, "notifications.sms.provider"},
		{SMSConfig{Provider: "twilio", Twilio: TwilioConfig{AccountSID: "XX1", AuthToken: "secret-token", From: "+14155550199"}}, "notifications.sms.twilio.account_sid"},
		{SMSConfig{Provider: "twilio", Twilio: TwilioConfig{AccountSID: "AC1", From: "+14155550199"}}, "notifications.sms.twilio.auth_token"},
		{SMSConfig{Provider: "gateway", Gateway: SMSGatewayConfig{URL: "sms.example/{to}"}}, "notifications.sms.gateway.url"},
		{SMSConfig{Provider: "twilio", Twilio: TwilioConfig{AccountSID: "AC1", AuthToken: "secret-token", From: "+14155550199"}}, ""},
	} {
		var msgs []string
		NotifyConfig{SMS: c.sms}.validate(func(key, format string, args ...any) { msgs = append(msgs, key) })
		got := strings.Join(msgs, ",")
		if got != c.want {
			t.Errorf("%+v: complaints %q, want %q", c.sms, got, c.want)
		}
		if strings.Contains(got, "secret-token") {
			t.Errorf("a complaint repeats the auth token")
		}
	}
}
