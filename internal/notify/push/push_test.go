package push_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"text/template"

	"github.com/firebreak-hq/firebreak/internal/notification"
	"github.com/firebreak-hq/firebreak/internal/notification/notificationtest"
	"github.com/firebreak-hq/firebreak/internal/notify/push"
)

// fakeNtfy publishes like an ntfy server (docs.ntfy.sh/publish): POST
// /<topic>; title, priority, tags, actions and click from the X- headers;
// with X-Template: yes the JSON body is the data of the title and message
// templates (ntfy ≥ 2.10), otherwise the body is the message.
type fakeNtfy struct {
	mu     sync.Mutex
	shown  []string // what the phone would show: title, message, action buttons
	raw    []push.Payload
	refuse []int
}

func (f *fakeNtfy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	topic := strings.Trim(r.URL.Path, "/")
	if r.Method != http.MethodPost || topic == "" || strings.Contains(topic, "/") {
		http.Error(w, `{"code":40401,"http":404,"error":"page not found"}`, http.StatusNotFound)
		return
	}
	body, _ := io.ReadAll(r.Body)
	title, message := r.Header.Get("X-Title"), string(body)
	if r.Header.Get("X-Template") == "yes" {
		var data map[string]any
		if err := json.Unmarshal(body, &data); err != nil {
			http.Error(w, `{"code":40044,"http":400,"error":"invalid request: template but body is not JSON"}`, http.StatusBadRequest)
			return
		}
		title, message = render(title, data), render(r.Header.Get("X-Message"), data)
	}
	var p push.Payload
	_ = json.Unmarshal(body, &p)
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.refuse) > 0 {
		code := f.refuse[0]
		f.refuse = f.refuse[1:]
		w.WriteHeader(code)
		return
	}
	if r.Header.Get("X-Priority") != "5" || !strings.Contains(r.Header.Get("X-Tags"), "rotating_light") {
		http.Error(w, "high urgency not marked", http.StatusBadRequest)
		return
	}
	f.shown = append(f.shown, title+"\n"+message+"\n"+r.Header.Get("X-Actions"))
	f.raw = append(f.raw, p)
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"id":"hwQ2YpKdmg","time":1635528741,"event":"message","topic":"`+topic+`","message":"ok"}`)
}

func render(tpl string, data map[string]any) string {
	t, err := template.New("").Parse(tpl)
	if err != nil {
		return tpl
	}
	var b strings.Builder
	_ = t.Execute(&b, data)
	return b.String()
}

func TestPushConformance(t *testing.T) {
	f := &fakeNtfy{}
	srv := httptest.NewServer(f)
	defer srv.Close()
	notificationtest.Run(t, notificationtest.Harness{
		Sender: push.New(srv.Client()),
		Target: notification.Target{Kind: notification.Webhook, Address: srv.URL + "/ann-pager-x81"},
		Received: func(t testing.TB, n int) []string {
			f.mu.Lock()
			defer f.mu.Unlock()
			if len(f.shown) < n {
				t.Fatalf("ntfy showed %d notifications, want %d", len(f.shown), n)
			}
			return append([]string(nil), f.shown...)
		},
		Refuse: func(permanent bool) {
			f.mu.Lock()
			defer f.mu.Unlock()
			if permanent {
				f.refuse = append(f.refuse, http.StatusForbidden)
			} else {
				f.refuse = append(f.refuse, http.StatusTooManyRequests)
			}
		},
	})
	// A plain JSON receiver gets Firebreak's fields too.
	p := f.raw[0]
	if p.Key != notificationtest.Message.Key || p.Urgency != "high" || p.PageID != 7 || len(p.Actions) != 2 || p.Click != notificationtest.Message.Actions[0].URL {
		t.Fatalf("payload %+v", p)
	}
}

func TestPublicOnlyClientRefusesTheInside(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { t.Error("an internal address was reached") }))
	defer srv.Close()
	s := push.New(push.PublicOnlyClient())
	for _, u := range []string{srv.URL + "/topic", "http://localhost:" + srv.URL[strings.LastIndex(srv.URL, ":")+1:] + "/x", "http://169.254.169.254/latest/meta-data/"} {
		err := s.Send(t.Context(), notification.Target{Kind: notification.Webhook, Address: u}, notificationtest.Message)
		if !notification.IsPermanent(err) || !errors.Is(err, push.ErrInternalAddress) {
			t.Errorf("%s: %v", u, err)
		}
	}
	for _, a := range []string{"10.1.2.3", "192.168.0.1", "::1", "fe80::1", "100.64.0.1", "::ffff:127.0.0.1"} {
		if !push.Internal(netip.MustParseAddr(a)) {
			t.Errorf("%s counted as public", a)
		}
	}
	if push.Internal(netip.MustParseAddr("159.69.1.1")) {
		t.Error("a public address counted as internal")
	}
}
