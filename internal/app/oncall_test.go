package app

import "testing"

func TestRedactFeedToken(t *testing.T) {
	for in, want := range map[string]string{
		"/calendar/fbcal_0123abcd.ics": "/calendar/…",
		"/calendar/":                   "/calendar/",
		"/oncall":                      "/oncall",
	} {
		if got := redactFeedToken(in); got != want {
			t.Errorf("redactFeedToken(%q) = %q, want %q", in, got, want)
		}
	}
}
