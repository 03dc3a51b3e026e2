package gitpub

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/postmortem"
)

// Path is where a postmortem lives in the repository:
// <dir>/<year>/INC-<n>-<slug>.md, the year of the incident.
func Path(dir string, doc *postmortem.Doc) string {
	if dir == "" {
		dir = "postmortems"
	}
	year := doc.Facts.Date.UTC().Year()
	if doc.Facts.Date.IsZero() {
		year = doc.CreatedAt.UTC().Year()
	}
	slug := doc.Slug
	if slug == "" {
		slug = postmortem.Slugify(doc.Title)
	}
	return fmt.Sprintf("%s/%d/INC-%d-%s.md", strings.Trim(dir, "/"), year, doc.Number, slug)
}

// Branch is the review branch of a revision: the first is
// <prefix>inc-<n>-<slug>; an edit after publishing gets -r<revision>.
func Branch(prefix string, doc *postmortem.Doc, revision int64) string {
	if prefix == "" {
		prefix = "postmortem/"
	}
	b := fmt.Sprintf("%sinc-%d", prefix, doc.Number)
	if revision > 1 {
		b += "-r" + strconv.FormatInt(revision, 10)
	}
	return b
}

// Render writes the file: YAML front matter with the incident's facts
// (strings as JSON strings, which are valid YAML double-quoted scalars, so
// no title can break the block) and the Markdown body.
func Render(doc *postmortem.Doc, revision int64) []byte {
	var b strings.Builder
	kv := func(k string, v any) {
		j, _ := json.Marshal(v)
		fmt.Fprintf(&b, "%s: %s\n", k, j)
	}
	b.WriteString("---\n")
	kv("id", fmt.Sprintf("INC-%d", doc.Number))
	kv("title", doc.Title)
	kv("slug", doc.Slug)
	if !doc.Facts.Date.IsZero() {
		fmt.Fprintf(&b, "date: %s\n", doc.Facts.Date.UTC().Format(time.RFC3339))
	}
	if doc.Facts.Resolved != nil {
		fmt.Fprintf(&b, "resolved: %s\n", doc.Facts.Resolved.UTC().Format(time.RFC3339))
	}
	kv("severity", doc.Severity)
	if doc.Facts.IncidentManager != nil {
		kv("incident_manager", personName(*doc.Facts.IncidentManager))
	}
	involved := []string{}
	for _, p := range doc.Facts.Involved {
		involved = append(involved, personName(p))
	}
	kv("involved", involved)
	kv("services", nonNil(doc.Facts.Services))
	kv("components", nonNil(doc.Facts.Components))
	kv("labels", nonNil(doc.Facts.Labels))
	if doc.Facts.ChatChannel != "" {
		kv("chat_channel", doc.Facts.ChatChannel)
	}
	if doc.Facts.BlastRadius != "" {
		kv("blast_radius", doc.Facts.BlastRadius)
	}
	fmt.Fprintf(&b, "revision: %d\n", revision)
	b.WriteString("---\n\n")
	b.WriteString(strings.TrimLeft(doc.Body, "\n"))
	if !strings.HasSuffix(doc.Body, "\n") {
		b.WriteString("\n")
	}
	return []byte(b.String())
}

func personName(p postmortem.Person) string {
	if p.Name != "" {
		return p.Name
	}
	return p.Handle
}

func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}
