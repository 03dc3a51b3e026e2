package app_test

import (
	"bufio"
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/app/apptest"
)

// A page's live stream over HTTP, on both stores: a view that is behind
// gets an event at once; another page's changes are not passed on; this
// page's acknowledgement is, carrying its new version.
func TestPageLiveStream(t *testing.T) {
	apptest.EachStore(t, func(t *testing.T, s *apptest.Server) {
		ctx := s.AdminContext()
		me := s.Admin.UserID
		p, err := s.App.Paging.PageUser(ctx, me, "mine", 0)
		if err != nil {
			t.Fatal(err)
		}
		other, err := s.App.Paging.PageUser(ctx, me, "someone else's", 0)
		if err != nil {
			t.Fatal(err)
		}
		// The first step fires right after the raise (moving UpdatedAt
		// without a live signal): wait for it on both pages.
		for _, id := range []int64{p.ID, other.ID} {
			for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
				got, err := s.App.Paging.Get(ctx, id)
				if err == nil && got.Last != nil {
					if id == p.ID {
						p = got
					}
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("page %d: first step not fired: %+v %v", id, got, err)
				}
			}
		}
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar}
		req, _ := http.NewRequest("POST", s.URL+"/login", strings.NewReader(url.Values{"login": {"admin"}, "password": {s.AdminPassword}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", s.URL)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()

		// events opens the stream and returns the data of its "changed" events.
		events := func(v string) <-chan string {
			sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			t.Cleanup(cancel)
			req, _ := http.NewRequestWithContext(sctx, "GET", s.URL+"/pages/"+strconv.FormatInt(p.ID, 10)+"/live?v="+v, nil)
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
				t.Fatalf("live: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			out := make(chan string, 8)
			go func() {
				defer resp.Body.Close()
				defer close(out)
				sc := bufio.NewScanner(resp.Body)
				changed := false
				for sc.Scan() {
					line := sc.Text()
					switch {
					case line == "event: changed":
						changed = true
					case changed && strings.HasPrefix(line, "data: "):
						out <- strings.TrimPrefix(line, "data: ")
						changed = false
					}
				}
			}()
			return out
		}
		next := func(ch <-chan string) string {
			t.Helper()
			select {
			case d := <-ch:
				return d
			case <-time.After(10 * time.Second):
				t.Fatal("no event")
				return ""
			}
		}
		cur := strconv.FormatInt(p.UpdatedAt.UnixMicro(), 10)

		if got := next(events("1")); got != cur {
			t.Fatalf("a view that is behind: event %s, want %s at once", got, cur)
		}

		// The stream's headers come after it subscribed: the changes
		// below cannot slip in before.
		ch := events(cur)
		if _, err := s.App.Paging.Acknowledge(ctx, other.ID); err != nil {
			t.Fatal(err)
		}
		acked, err := s.App.Paging.Acknowledge(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Had the other page's change been passed on, the first event would
		// carry this page's old version.
		if got, want := next(ch), strconv.FormatInt(acked.UpdatedAt.UnixMicro(), 10); got != want {
			t.Fatalf("first event %s, want this page's acknowledgement %s (was %s)", got, want, cur)
		}
	})
}
