package postmortem

import (
	"bytes"
	"html/template"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
)

// The document is rendered with GitHub-flavoured Markdown (tables for the
// basic information, task lists for action items). goldmark passes raw HTML
// through so the folded timeline's <details> survives, and bluemonday then
// keeps only formatting, links and <details>/<summary>: nothing a
// postmortem's author writes can run in a reader's browser.
var (
	markdown  = goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithRendererOptions(html.WithUnsafe()))
	sanitizer = func() *bluemonday.Policy {
		p := bluemonday.UGCPolicy()
		p.AllowElements("details", "summary")
		p.AllowAttrs("open").OnElements("details")
		p.RequireNoFollowOnLinks(true)
		return p
	}()
)

// Render turns a postmortem's Markdown into safe HTML.
func Render(src string) template.HTML {
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(src), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(src))
	}
	return template.HTML(sanitizer.SanitizeBytes(buf.Bytes())) //nolint:gosec // sanitized just above
}
