package site

import (
	"html"
	"html/template"
	"regexp"
	"strings"
)

// RenderSnippet turns a raw snippet from the index into safe HTML: the
// document's text is escaped and only the index's highlight delimiters
// become <mark> elements, balanced even when the index cut a fragment.
func RenderSnippet(raw string) template.HTML {
	var b strings.Builder
	open := false
	for _, part := range strings.SplitAfter(raw, "") {
		switch part {
		case Mark:
			if !open {
				b.WriteString("<mark>")
				open = true
			}
		case EndMark:
			if open {
				b.WriteString("</mark>")
				open = false
			}
		default:
			b.WriteString(html.EscapeString(part))
		}
	}
	if open {
		b.WriteString("</mark>")
	}
	return template.HTML(b.String())
}

var (
	mdLink    = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
	mdLead    = regexp.MustCompile(`(?m)^\s{0,3}(#{1,6}\s+|>\s?|[-*+]\s+|\d+\.\s+|\|)`)
	mdMarks   = regexp.MustCompile("[*_`~|]+")
	mdFence   = regexp.MustCompile("(?m)^```.*$")
	mdRule    = regexp.MustCompile(`(?m)^\s*[-=:| ]{3,}\s*$`)
	htmlTag   = regexp.MustCompile(`</?[a-zA-Z][^<>]{0,200}>`)
	manySpace = regexp.MustCompile(`[ \t]+`)
)

// PlainText reduces Markdown to the words a reader sees, for indexing and
// snippets: link targets, emphasis marks, headings' hashes, table pipes and
// HTML tags go; the highlight delimiters are removed.
func PlainText(md string) string {
	s := Clean(md)
	s = mdFence.ReplaceAllString(s, "")
	s = mdLink.ReplaceAllString(s, "$1")
	s = htmlTag.ReplaceAllString(s, " ")
	s = mdRule.ReplaceAllString(s, "")
	s = mdLead.ReplaceAllString(s, "")
	s = mdMarks.ReplaceAllString(s, " ")
	s = manySpace.ReplaceAllString(s, " ")
	return strings.TrimSpace(s)
}

// Summary is the first paragraph of plain text that is not a heading, cut
// to about 280 characters at a word boundary.
func Summary(md string) string {
	for _, para := range strings.Split(Clean(md), "\n\n") {
		p := strings.TrimSpace(para)
		if p == "" || strings.HasPrefix(p, "#") || strings.HasPrefix(p, "---") || strings.HasPrefix(p, "|") {
			continue
		}
		t := strings.Join(strings.Fields(PlainText(p)), " ")
		if len([]rune(t)) <= 280 {
			return t
		}
		r := []rune(t)[:280]
		if i := strings.LastIndexByte(string(r), ' '); i > 200 {
			return string(r)[:i] + " …"
		}
		return string(r) + " …"
	}
	return ""
}
