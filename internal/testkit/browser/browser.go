// Package browser starts headless Chromium for tests, through chromedp.
//
// [New] starts a browser for a test and returns its chromedp context; run
// actions on it with chromedp.Do and chromedp.Run. [NewTab] starts a second,
// independent browser, with its own profile and so its own cookies, for tests
// where two users or two sessions look at the same server. The browsers stop,
// and their temporary profiles are removed, in t.Cleanup.
//
// The browser is /usr/bin/chromium, or else chromium, chromium-browser,
// google-chrome or google-chrome-stable on PATH. Without one the test is
// skipped, or failed when FIREBREAK_TEST_REQUIRE names "browser" (see
// [testkit.SkipOrFail]).
//
// chromedp (since v0.20) has a generic API: an action returns its value, as
// in
//
//	ctx := browser.New(t)
//	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL), chromedp.Click(chromedp.ID("save"))); err != nil {
//		t.Fatal(err)
//	}
//	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("status")))
//
// See docs/API.md inside the chromedp module for more.
package browser

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/firebreak-hq/firebreak/internal/testkit"
)

// candidates are the browsers tried, in order: a path, then names on PATH.
var candidates = []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// findBrowser returns the path of the browser, or "" when there is none.
func findBrowser() string {
	for _, c := range candidates {
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	return ""
}

// New starts a headless browser for the test t and returns a chromedp
// context for its first tab. The browser is stopped in t.Cleanup. Actions on
// the context fail after the test ends.
//
// New skips t, or fails it when the browser is required, when no browser
// is installed, and fails t when the browser does not start.
func New(t testing.TB) context.Context {
	t.Helper()
	return start(t, context.Background())
}

// NewTab starts another headless browser for the test t and returns a
// chromedp context for it. Despite the name, it is not a tab of the browser
// of parent: it is a separate browser process with its own fresh profile,
// so it shares no cookies, storage or cache with any other, as a second user
// or device would. Cancelling parent stops it too; it is also stopped in
// t.Cleanup. parent is usually the context from [New].
func NewTab(t testing.TB, parent context.Context) context.Context {
	t.Helper()
	return start(t, parent)
}

// start allocates a browser under parent and waits until it runs.
func start(t testing.TB, parent context.Context) context.Context {
	t.Helper()
	path := findBrowser()
	if path == "" {
		testkit.SkipOrFail(t, "browser", "no /usr/bin/chromium, and no chromium, chromium-browser or google-chrome on PATH (apt-get install chromium)")
	}

	// Start from chromedp's defaults (headless, no first run, no background
	// networking, no sync, no /dev/shm, and more), then add what keeps
	// Chromium quiet and off the network in CI. chromedp makes a fresh
	// temporary --user-data-dir for every browser, and removes it after the
	// browser and all its child processes are gone.
	output := new(lockedBuffer)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // tests run as root in CI; the sandbox refuses root
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900),
		chromedp.CombinedOutput(output),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(parent, opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelCtx()   // closes the tab and stops the browser
		cancelAlloc() // waits until the profile directory is removed
		if t.Failed() {
			t.Logf("browser output:\n%s", output.tail(8<<10))
		}
	})

	// Run no action, just to start the browser and open its tab now, so that
	// a broken browser fails here with its output.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("browser: start %s: %v\n%s", path, err, output.tail(8<<10))
	}
	return ctx
}

// Screenshot saves a PNG of the whole page of ctx, beyond the visible part,
// to path, making its directory if needed. It reports a failure with
// t.Errorf, so it may be called from t.Cleanup to capture a failed test.
func Screenshot(t testing.TB, ctx context.Context, path string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100 means PNG
	if err != nil {
		t.Errorf("browser: screenshot: %v", err)
		return
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Errorf("browser: screenshot: %v", err)
		return
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Errorf("browser: screenshot: %v", err)
		return
	}
	t.Logf("browser: screenshot saved to %s", path)
}

// lockedBuffer collects the output of the browser, which chromedp writes
// from its own goroutine.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// tail returns the last n bytes written.
func (b *lockedBuffer) tail(n int) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.buf.Bytes()
	if len(s) > n {
		return fmt.Sprintf("[…]%s", s[len(s)-n:])
	}
	return string(s)
}
