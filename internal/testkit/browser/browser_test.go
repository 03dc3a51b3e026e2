package browser_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/firebreak-hq/firebreak/internal/testkit/browser"
)

const page = `<!doctype html>
<title>fixture</title>
<button id="go" onclick="document.getElementById('out').textContent = 'clicked'">Go</button>
<p id="out">waiting</p>`

func TestClickChangesText(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, page)
	}))
	defer srv.Close()

	ctx := browser.New(t)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL),
		chromedp.WaitVisible(chromedp.ID("go")),
	); err != nil {
		t.Fatal(err)
	}
	if got, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("out"))); err != nil || got != "waiting" {
		t.Fatalf("text before the click = %q, %v; want %q", got, err, "waiting")
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("go"))); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](
		`document.getElementById('out').textContent === 'clicked'`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("waiting for the text to change: %v", err)
	}
	if got, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("out"))); err != nil || got != "clicked" {
		t.Fatalf("text after the click = %q, %v; want %q", got, err, "clicked")
	}

	shot := filepath.Join(t.TempDir(), "shots", "page.png")
	browser.Screenshot(t, ctx, shot)
	png, err := os.ReadFile(shot)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("%s is not a PNG", shot)
	}
}

func TestNewTabHasItsOwnCookies(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/login" {
			http.SetCookie(w, &http.Cookie{Name: "session", Value: "alice", Path: "/"})
		}
		user := "nobody"
		if c, err := r.Cookie("session"); err == nil {
			user = c.Value
		}
		fmt.Fprintf(w, `<!doctype html><p id="user">%s</p>`, user)
	}))
	defer srv.Close()

	first := browser.New(t)
	second := browser.NewTab(t, first)

	user := func(ctx context.Context, path string) string {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+path)); err != nil {
			t.Fatal(err)
		}
		got, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("user")))
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := user(first, "/login"); got != "nobody" {
		t.Fatalf("first browser, login page: %q", got)
	}
	if got := user(first, "/"); got != "alice" {
		t.Fatalf("first browser after login: user %q, want alice", got)
	}
	if got := user(second, "/"); got != "nobody" {
		t.Fatalf("second browser sees the cookie of the first: user %q", got)
	}
	if got := user(first, "/"); got != "alice" {
		t.Fatalf("first browser, while the second runs: user %q, want alice", got)
	}
}
