package statuspage

import (
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// FuzzRenderMarkdown: whatever an update body holds, the public page gets
// no script, no event handler and no javascript: link.
func FuzzRenderMarkdown(f *testing.F) {
	for _, s := range []string{"**bold** [x](https://example.com)", "<script>alert(1)</script>", "[a](javascript:alert(1))",
		"<img src=x onerror=alert(1)>", "<a href=\"jav&#x09;ascript:alert(1)\">x</a>", "```\n<script>\n```", "<svg onload=alert(1)>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		out := string(RenderMarkdown(src))
		z := html.NewTokenizer(strings.NewReader(out))
		for {
			tt := z.Next()
			if tt == html.ErrorToken {
				return
			}
			if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
				continue
			}
			tok := z.Token()
			switch tok.Data {
			case "script", "style", "iframe", "svg", "object", "embed", "form", "input", "math":
				t.Fatalf("%q rendered a <%s>: %q", src, tok.Data, out)
			}
			for _, a := range tok.Attr {
				v := strings.ToLower(strings.Join(strings.Fields(a.Val), ""))
				if strings.HasPrefix(strings.ToLower(a.Key), "on") || a.Key == "style" ||
					((a.Key == "href" || a.Key == "src") && (strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "data:") || strings.HasPrefix(v, "vbscript:"))) {
					t.Fatalf("%q rendered %s=%q: %q", src, a.Key, a.Val, out)
				}
			}
		}
	})
}

// FuzzCheckAddress: an accepted address is clean and fits in a header.
func FuzzCheckAddress(f *testing.F) {
	for _, s := range []string{"a@example.com", "A <a@example.com>", "https://hooks.example.com/x", "javascript:alert(1)", "a@b\r\nBcc: c@d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		for _, kind := range []SubscriberKind{ByEmail, ByWebhook} {
			out, err := CheckAddress(kind, in)
			if err != nil {
				continue
			}
			if strings.ContainsAny(out, "\r\n<>") || out == "" {
				t.Fatalf("%s %q accepted as %q", kind, in, out)
			}
			if kind == ByWebhook && !strings.HasPrefix(out, "http://") && !strings.HasPrefix(out, "https://") {
				t.Fatalf("webhook %q accepted as %q", in, out)
			}
		}
	})
}

// FuzzParseCadence: what parses, prints and parses back the same.
func FuzzParseCadence(f *testing.F) {
	for _, s := range []string{"SEV1=30m,SEV2=1h", "", "x", "SEV1=bogus", "=,=,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		c, err := ParseCadence(in)
		if err != nil {
			return
		}
		again, err := ParseCadence(c.String())
		if err != nil || len(again) != len(c) {
			t.Fatalf("%q → %v → %q → %v (%v)", in, c, c.String(), again, err)
		}
		for k, v := range c {
			if again[k] != v && !strings.ContainsAny(k, ",=") {
				t.Fatalf("%q: %s changed from %v to %v", in, k, v, again[k])
			}
		}
		_, _ = c.NextDue("SEV1", time.Time{})
	})
}
