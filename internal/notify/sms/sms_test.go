package sms_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/firebreak-hq/firebreak/internal/notification"
	"github.com/firebreak-hq/firebreak/internal/notification/notificationtest"
	"github.com/firebreak-hq/firebreak/internal/notify/sms"
	"github.com/firebreak-hq/firebreak/internal/testkit/twiliotest"
)

var target = notification.Target{Kind: notification.SMS, Address: "+14155550100"}

func TestTwilioConformance(t *testing.T) {
	f := twiliotest.Start(t)
	p, err := sms.NewTwilio(sms.TwilioConfig{AccountSID: f.AccountSID, AuthToken: f.AuthToken, From: "+14155550199", BaseURL: f.URL})
	if err != nil {
		t.Fatal(err)
	}
	notificationtest.Run(t, notificationtest.Harness{
		Sender: sms.New(p),
		Target: target,
		Received: func(t testing.TB, n int) []string {
			var out []string
			for _, m := range f.Wait(t, n, 5*time.Second) {
				if m.To != target.Address || m.From != "+14155550199" {
					t.Fatalf("text %+v", m)
				}
				out = append(out, m.Body)
			}
			return out
		},
		Refuse: func(permanent bool) {
			if permanent {
				f.RefuseNext(twiliotest.InvalidNumber)
			} else {
				f.RefuseNext(twiliotest.TooManyRequests)
			}
		},
		Short: true,
	})
}

func TestTwilioWrongCredentialsArePermanent(t *testing.T) {
	f := twiliotest.Start(t)
	p, err := sms.NewTwilio(sms.TwilioConfig{AccountSID: f.AccountSID, AuthToken: "wrong", From: "+14155550199", BaseURL: f.URL})
	if err != nil {
		t.Fatal(err)
	}
	err = p.SendSMS(context.Background(), target.Address, "hi", 0)
	if !notification.IsPermanent(err) || !strings.Contains(err.Error(), "20003") {
		t.Fatalf("wrong token: %v", err)
	}
}

// Twilio's worked example in its webhook security guide: auth token 12345,
// a request to https://mycompany.com/myapp.php?foo=1&bar=2 with five form
// parameters.
func TestTwilioSignatureWorkedExample(t *testing.T) {
	const u = "https://mycompany.com/myapp.php?foo=1&bar=2"
	params := url.Values{"CallSid": {"CA1234567890ABCDE"}, "Caller": {"+12349013030"}, "Digits": {"1234"},
		"From": {"+12349013030"}, "To": {"+18005551212"}}
	if got := sms.TwilioSignature("12345", u, params); got != "0/KCTR6DLpKmkAf8muzZqo1nDgQ=" {
		t.Fatalf("signature %q", got)
	}
	if !sms.ValidTwilioSignature("12345", u, params, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=") {
		t.Fatal("the documented signature is refused")
	}
	tampered := url.Values{}
	for k, v := range params {
		tampered[k] = v
	}
	tampered.Set("Digits", "9999")
	for _, bad := range []struct {
		token, url string
		params     url.Values
		sig        string
	}{
		{"12345", u, tampered, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="},
		{"12345", "https://mycompany.com/myapp.php?foo=1&bar=3", params, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="},
		{"54321", u, params, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="},
		{"12345", u, params, ""},
	} {
		if sms.ValidTwilioSignature(bad.token, bad.url, bad.params, bad.sig) {
			t.Errorf("accepted %+v", bad)
		}
	}
}

// A text sent for a delivery asks Twilio for status callbacks naming it;
// the callbacks the fake then sends (Twilio's documented parameters, signed)
// read as receipts: "sent" is none, "delivered" and "undelivered" (with
// Twilio's error) are.
func TestTwilioStatusCallbacks(t *testing.T) {
	f := twiliotest.Start(t)
	var (
		mu       sync.Mutex
		receipts []notification.Receipt
		p        *sms.Twilio
	)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc, ok, err := p.Receipt(r, "http://"+r.Host+r.URL.RequestURI())
		if err != nil {
			http.Error(w, err.Error(), http.StatusForbidden)
			return
		}
		if ok {
			mu.Lock()
			receipts = append(receipts, rc)
			mu.Unlock()
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer hook.Close()
	var err error
	p, err = sms.NewTwilio(sms.TwilioConfig{AccountSID: f.AccountSID, AuthToken: f.AuthToken, From: "+14155550199", BaseURL: f.URL,
		StatusCallback: hook.URL + "/hooks/twilio/status"})
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(p.SendSMS(context.Background(), target.Address, "page 1", 41))
	f.WaitCallbacks(t, 2, 5*time.Second)
	f.UndeliverNext("30003")
	must(p.SendSMS(context.Background(), target.Address, "page 2", 42))
	f.WaitCallbacks(t, 4, 5*time.Second)
	must(p.SendSMS(context.Background(), target.Address, "a code", 0)) // no delivery: no callbacks asked for
	mu.Lock()
	defer mu.Unlock()
	want := []notification.Receipt{{DeliveryID: 41, Delivered: true},
		{DeliveryID: 42, Failure: "Twilio reports undelivered, error 30003: unreachable destination handset"}}
	if len(receipts) != 2 || receipts[0] != want[0] || receipts[1] != want[1] {
		t.Fatalf("receipts %+v, want %+v", receipts, want)
	}

	// A forged callback is refused.
	form := url.Values{"MessageStatus": {"undelivered"}, "ErrorCode": {"30003"}, "MessageSid": {"SM1"}}
	req, _ := http.NewRequest(http.MethodPost, hook.URL+"/hooks/twilio/status?delivery=41", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", sms.TwilioSignature("not-the-token", hook.URL+"/hooks/twilio/status?delivery=41", form))
	resp, err := http.DefaultClient.Do(req)
	must(err)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || len(receipts) != 2 {
		t.Fatalf("forged callback: %s, %d receipts", resp.Status, len(receipts))
	}
}

// fakeGateway is a generic SMS gateway taking JSON {"number", "text"} with a bearer token.
type fakeGateway struct {
	mu     sync.Mutex
	texts  []string
	refuse []int
}

func TestGatewayConformance(t *testing.T) {
	g := &fakeGateway{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v1/send" || r.URL.Query().Get("to") != target.Address || r.Header.Get("Authorization") != "Bearer gw" {
			t.Errorf("request %s %s %v", r.Method, r.URL, r.Header)
		}
		var in struct{ Number, Text string }
		raw, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(raw, &in); err != nil || in.Number != target.Address {
			t.Errorf("body %s: %v", raw, err)
		}
		g.mu.Lock()
		defer g.mu.Unlock()
		if len(g.refuse) > 0 {
			w.WriteHeader(g.refuse[0])
			g.refuse = g.refuse[1:]
			return
		}
		g.texts = append(g.texts, in.Text)
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	p, err := sms.NewGateway(sms.GatewayConfig{URL: srv.URL + "/v1/send?to={to}", Body: `{"number": "{to}", "text": "{message}"}`,
		Headers: map[string]string{"Authorization": "Bearer gw"}})
	if err != nil {
		t.Fatal(err)
	}
	notificationtest.Run(t, notificationtest.Harness{
		Sender: sms.New(p),
		Target: target,
		Received: func(t testing.TB, n int) []string {
			g.mu.Lock()
			defer g.mu.Unlock()
			if len(g.texts) < n {
				t.Fatalf("gateway got %d, want %d", len(g.texts), n)
			}
			return append([]string(nil), g.texts...)
		},
		Refuse: func(permanent bool) {
			g.mu.Lock()
			defer g.mu.Unlock()
			if permanent {
				g.refuse = append(g.refuse, http.StatusUnprocessableEntity)
			} else {
				g.refuse = append(g.refuse, http.StatusServiceUnavailable)
			}
		},
		Short: true,
	})
}

func TestGatewayTemplateErrors(t *testing.T) {
	for _, c := range []struct{ url, body, want string }{
		{"https://gw.example/send?to={phone}", "", "unknown placeholder {phone}"},
		{"https://gw.example/send", `{"to": "{to}", "x": {}}`, ""},
		{"https://gw.example/send", `{"to": "{mesage}"}`, "unknown placeholder {mesage}"},
		{"ftp://gw.example/{to}", "", "not an http(s) URL"},
	} {
		_, err := sms.NewGateway(sms.GatewayConfig{URL: c.url, Body: c.body})
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("url %q body %q: %v, want %q", c.url, c.body, err, c.want)
		}
	}
}

func TestTextIsShortAndComplete(t *testing.T) {
	long := strings.Repeat("détail ", 1000)
	txt := sms.Text(notification.Rendered{Subject: "db\ndown", Body: long, Actions: []notification.Action{{Label: "Ack", URL: "https://x.example/a"}}})
	if !strings.HasPrefix(txt, "Firebreak: db down\n") || !strings.HasSuffix(txt, "Ack: https://x.example/a") || utf8.RuneCountInString(txt) > 400 {
		t.Fatalf("text (%d chars): %q", utf8.RuneCountInString(txt), txt)
	}
}

func FuzzParseTemplate(f *testing.F) {
	for _, s := range []string{sms.DefaultGatewayBody, "https://gw/{to}?m={message}", "{{literal}}", "{", "}", "{to}{message}{{", "{nope}", "{to"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tpl, err := sms.ParseTemplate(s)
		if err != nil {
			return
		}
		out, _ := tpl.Render(func(name string) string { return "<" + name + ">" })
		// Rendering puts each value where its placeholder stood and keeps
		// every other byte.
		want := strings.NewReplacer("{to}", "<to>", "{message}", "<message>").Replace(s)
		if out != want {
			t.Fatalf("ParseTemplate(%q) renders %q, want %q", s, out, want)
		}
	})
}
