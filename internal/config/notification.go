package config

import "strings"

// NotifyConfig sets how personal notifications (pages, verification
// codes, handoff notices) reach people beyond email (smtp.*) and webhooks.
type NotifyConfig struct {
	SMS SMSConfig `koanf:"sms"`
	// WebhookAllowPrivate lets webhook contact methods reach loopback,
	// private and link-local addresses ("true"); by default they may not,
	// since anyone who can sign in may add one.
	WebhookAllowPrivate string `koanf:"webhook_allow_private"`
}

// AllowPrivateWebhooks reports whether webhook contact methods may reach internal addresses.
func (c NotifyConfig) AllowPrivateWebhooks() bool { return c.WebhookAllowPrivate == "true" }

// SMSConfig chooses the SMS provider. Secrets (auth_token, the gateway's
// authorization) belong in environment variables or a file only the server reads.
type SMSConfig struct {
	Provider string           `koanf:"provider"` // "" (no SMS contact methods), "twilio" or "gateway"
	Twilio   TwilioConfig     `koanf:"twilio"`
	Gateway  SMSGatewayConfig `koanf:"gateway"`
}

// TwilioConfig is a Twilio (or Twilio-compatible) account.
type TwilioConfig struct {
	AccountSID string `koanf:"account_sid"` // AC…
	AuthToken  string `koanf:"auth_token"`
	From       string `koanf:"from"`     // the sending number (E.164) or alphanumeric sender id
	BaseURL    string `koanf:"base_url"` // default https://api.twilio.com
}

// SMSGatewayConfig is a generic HTTP SMS gateway; {to} and {message} are
// filled into url and body.
type SMSGatewayConfig struct {
	URL           string `koanf:"url"`           // e.g. https://sms.example/send
	Method        string `koanf:"method"`        // default POST
	Body          string `koanf:"body"`          // default {"to": "{to}", "message": "{message}"}
	ContentType   string `koanf:"content_type"`  // default application/json
	Authorization string `koanf:"authorization"` // sent as the Authorization header when set
}

// validate checks the notification keys, never repeating a secret.
func (c NotifyConfig) validate(bad func(key, format string, args ...any)) {
	switch c.WebhookAllowPrivate {
	case "", "true", "false":
	default:
		bad("notifications.webhook_allow_private", "%q must be true or false", c.WebhookAllowPrivate)
	}
	s := c.SMS
	switch s.Provider {
	case "":
	case "twilio":
		if !strings.HasPrefix(s.Twilio.AccountSID, "AC") {
			bad("notifications.sms.twilio.account_sid", "must be the account SID starting with AC (Twilio Console → Account Info)")
		}
		if s.Twilio.AuthToken == "" {
			bad("notifications.sms.twilio.auth_token", "is required with the twilio provider")
		}
		if s.Twilio.From == "" {
			bad("notifications.sms.twilio.from", "is required: the number (or sender id) texts come from")
		}
		if s.Twilio.BaseURL != "" && !isHTTPURL(s.Twilio.BaseURL) {
			bad("notifications.sms.twilio.base_url", "%q must be an http(s) URL", s.Twilio.BaseURL)
		}
	case "gateway":
		if !isHTTPURL(strings.NewReplacer("{to}", "1", "{message}", "x").Replace(s.Gateway.URL)) {
			bad("notifications.sms.gateway.url", "%q must be an http(s) URL; {to} and {message} are filled in", s.Gateway.URL)
		}
	default:
		bad("notifications.sms.provider", "%q must be twilio, gateway or empty", s.Provider)
	}
}
