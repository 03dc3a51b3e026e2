package sms

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
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
	// StatusCallback is where Twilio reports what became of each text (its
	// status callback, with the delivery's id added as ?delivery=): the
	// public URL of the node's /hooks/twilio/status. Empty: no receipts.
	StatusCallback string
}

// Twilio sends texts with the Messages API:
// POST {BaseURL}/2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded
// To, From, Body (and StatusCallback), HTTP basic auth with the account SID
// and auth token; and reads the status callbacks Twilio then sends
// (Receipt).
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
func (t *Twilio) SendSMS(ctx context.Context, to, body string, delivery int64) error {
	form := url.Values{"To": {to}, "From": {t.cfg.From}, "Body": {body}}
	if t.cfg.StatusCallback != "" && delivery != 0 {
		form.Set("StatusCallback", t.cfg.StatusCallback+"?delivery="+strconv.FormatInt(delivery, 10))
	}
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

// ErrSignature is a status callback whose X-Twilio-Signature is missing or
// wrong: not from Twilio.
var ErrSignature = errors.New("twilio status callback: the signature is missing or does not match")

// Receipt reads one of Twilio's status callbacks: a form POST to the
// StatusCallback URL given with the text, signed in X-Twilio-Signature
// (base64 HMAC-SHA1, keyed with the auth token, of the URL Twilio called
// followed by every form parameter's name and value, sorted by name).
// publicURL is that URL as Twilio knows it. ok is false for a status that is
// no receipt (queued, sent …); a signature that does not match is an error.
func (t *Twilio) Receipt(r *http.Request, publicURL string) (rc notification.Receipt, ok bool, err error) {
	if err := r.ParseForm(); err != nil {
		return rc, false, fmt.Errorf("twilio status callback: %w", err)
	}
	if !ValidTwilioSignature(t.cfg.AuthToken, publicURL, r.PostForm, r.Header.Get("X-Twilio-Signature")) {
		return rc, false, ErrSignature
	}
	if rc.DeliveryID, err = strconv.ParseInt(r.URL.Query().Get("delivery"), 10, 64); err != nil || rc.DeliveryID <= 0 {
		return rc, false, errors.New("twilio status callback: no delivery in its URL")
	}
	switch status := r.PostForm.Get("MessageStatus"); status {
	case "delivered", "read":
		rc.Delivered = true
	case "undelivered", "failed":
		rc.Failure = twilioFailure(status, r.PostForm.Get("ErrorCode"))
	default:
		return rc, false, nil
	}
	return rc, true, nil
}

// TwilioSignature is what Twilio signs a request to u with form parameters
// params: base64(HMAC-SHA1(authToken, u + name₁ + value₁ + … sorted by name)).
func TwilioSignature(authToken, u string, params url.Values) string {
	m := hmac.New(sha1.New, []byte(authToken))
	m.Write([]byte(u))
	for _, k := range slices.Sorted(maps.Keys(params)) {
		for _, v := range params[k] {
			m.Write([]byte(k + v))
		}
	}
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// ValidTwilioSignature reports, in constant time, whether sig is Twilio's
// signature of a request to u with params.
func ValidTwilioSignature(authToken, u string, params url.Values, sig string) bool {
	return sig != "" && hmac.Equal([]byte(TwilioSignature(authToken, u, params)), []byte(sig))
}

// twilioErrors are the delivery errors Twilio reports most, with its words.
var twilioErrors = map[string]string{
	"30001": "queue overflow",
	"30002": "account suspended",
	"30003": "unreachable destination handset",
	"30004": "message blocked",
	"30005": "unknown destination handset",
	"30006": "landline or unreachable carrier",
	"30007": "message filtered by the carrier",
	"30008": "unknown error",
}

func twilioFailure(status, code string) string {
	switch why, ok := twilioErrors[code]; {
	case ok:
		return fmt.Sprintf("Twilio reports %s, error %s: %s", status, code, why)
	case code != "":
		return fmt.Sprintf("Twilio reports %s, error %s (https://www.twilio.com/docs/api/errors/%s)", status, code, code)
	}
	return "Twilio reports " + status
}
