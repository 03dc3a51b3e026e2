package statuspage

import (
	"bytes"
	"html/template"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// markdown renders update bodies; raw HTML in the source is dropped by
// goldmark (it is not in unsafe mode) and the result is sanitized again so
// that nothing but formatting and links reaches a public page.
var (
	markdown  = goldmark.New(goldmark.WithExtensions(extension.Linkify, extension.Strikethrough))
	sanitizer = func() *bluemonday.Policy {
		p := bluemonday.UGCPolicy()
		p.RequireNoFollowOnLinks(true)
		p.AddTargetBlankToFullyQualifiedLinks(false)
		return p
	}()
)

// RenderMarkdown turns an update body into safe HTML.
func RenderMarkdown(src string) template.HTML {
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(src), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(src))
	}
	return template.HTML(sanitizer.SanitizeBytes(buf.Bytes())) //nolint:gosec // sanitized just above
}
