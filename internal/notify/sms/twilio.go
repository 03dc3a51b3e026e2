package sms

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/notification"
)

// TwilioConfig says how to reach Twilio (or a Twilio-compatible API, e.g.
// SignalWire's, by its BaseURL).
type TwilioConfig struct {
	AccountSID string
	AuthToken  string
	From       string // an E.164 number or an alphanumeric sender id
	BaseURL    string // default https://api.twilio.com
	Client     *http.Client
}

// Twilio sends texts with the Messages API:
// POST {BaseURL}/2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded
// To, From, Body, HTTP basic auth with the account SID and auth token.
type Twilio struct {
	cfg TwilioConfig
}

var _ Provider = (*Twilio)(nil)

// NewTwilio checks cfg and returns the provider.
func NewTwilio(cfg TwilioConfig) (*Twilio, error) {
	if cfg.AccountSID == "" || cfg.AuthToken == "" || cfg.From == "" {
		return nil, fmt.Errorf("sms: twilio needs account_sid, auth_token and from")
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "https://api.twilio.com"
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("sms: twilio base_url %q is not an http(s) URL", cfg.BaseURL)
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 15 * time.Second}
	}
	return &Twilio{cfg: cfg}, nil
}

// TwilioMessage is the part of Twilio's Message resource Firebreak reads.
type TwilioMessage struct {
	SID          string  `json:"sid"`
	Status       string  `json:"status"`
	To           string  `json:"to"`
	ErrorCode    *int    `json:"error_code"`
	ErrorMessage *string `json:"error_message"`
}

// TwilioError is Twilio's error body.
type TwilioError struct {
	Code     int    `json:"code"`
	Message  string `json:"message"`
	MoreInfo string `json:"more_info"`
	Status   int    `json:"status"`
}

// SendSMS creates one Message resource.
func (t *Twilio) SendSMS(ctx context.Context, to, body string) error {
	form := url.Values{"To": {to}, "From": {t.cfg.From}, "Body": {body}}
	endpoint := t.cfg.BaseURL + "/2010-04-01/Accounts/" + url.PathEscape(t.cfg.AccountSID) + "/Messages.json"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return notification.Permanent(err)
	}
	req.SetBasicAuth(t.cfg.AccountSID, t.cfg.AuthToken)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := t.cfg.Client.Do(req)
	if err != nil {
		return fmt.Errorf("twilio: %w", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 == 2 {
		var m TwilioMessage
		if err := json.Unmarshal(raw, &m); err != nil || m.SID == "" {
			return fmt.Errorf("twilio: %s with an unreadable body", resp.Status)
		}
		if m.Status == "failed" || m.Status == "undelivered" {
			return notification.Permanent(fmt.Errorf("twilio: message %s %s", m.SID, m.Status))
		}
		return nil
	}
	var e TwilioError
	_ = json.Unmarshal(raw, &e)
	err = fmt.Errorf("twilio: %s: %d %s", resp.Status, e.Code, e.Message)
	// 4xx is Twilio refusing this request (bad number, unsubscribed, bad
	// credentials); 429 and 5xx pass.
	if resp.StatusCode/100 == 4 && resp.StatusCode != http.StatusTooManyRequests {
		return notification.Permanent(err)
	}
	return err
}
