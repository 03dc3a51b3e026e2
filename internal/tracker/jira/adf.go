package jira

import "strings"

// ADF turns plain text into an Atlassian Document Format document, which
// API v3 requires for descriptions: blank lines separate paragraphs, lines
// starting "- " or "* " make a bullet list, and URLs become links.
func ADF(text string) map[string]any {
	content := []any{}
	for _, block := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		lines := strings.Split(strings.Trim(block, "\n"), "\n")
		if len(lines) == 0 || strings.TrimSpace(block) == "" {
			continue
		}
		if isList(lines) {
			items := []any{}
			for _, l := range lines {
				l = strings.TrimSpace(l)[2:]
				items = append(items, map[string]any{"type": "listItem", "content": []any{paragraph(l)}})
			}
			content = append(content, map[string]any{"type": "bulletList", "content": items})
			continue
		}
		content = append(content, paragraph(strings.Join(lines, "\n")))
	}
	return map[string]any{"type": "doc", "version": 1, "content": content}
}

func isList(lines []string) bool {
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if !strings.HasPrefix(l, "- ") && !strings.HasPrefix(l, "* ") {
			return false
		}
	}
	return true
}

// paragraph is one paragraph: text nodes, with hard breaks between lines
// and a link mark on each http(s) URL.
func paragraph(s string) map[string]any {
	nodes := []any{}
	for i, line := range strings.Split(s, "\n") {
		if i > 0 {
			nodes = append(nodes, map[string]any{"type": "hardBreak"})
		}
		for _, word := range strings.SplitAfter(line, " ") {
			w := strings.TrimSpace(word)
			if strings.HasPrefix(w, "http://") || strings.HasPrefix(w, "https://") {
				nodes = append(nodes, map[string]any{"type": "text", "text": w,
					"marks": []any{map[string]any{"type": "link", "attrs": map[string]any{"href": w}}}})
				if strings.HasSuffix(word, " ") {
					nodes = append(nodes, map[string]any{"type": "text", "text": " "})
				}
				continue
			}
			if word == "" {
				continue
			}
			// Merge with the previous plain text node.
			if n := len(nodes); n > 0 {
				if prev, ok := nodes[n-1].(map[string]any); ok && prev["type"] == "text" && prev["marks"] == nil {
					prev["text"] = prev["text"].(string) + word
					continue
				}
			}
			nodes = append(nodes, map[string]any{"type": "text", "text": word})
		}
	}
	return map[string]any{"type": "paragraph", "content": nodes}
}
