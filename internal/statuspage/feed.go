package statuspage

import (
	"bytes"
	"encoding/xml"
	"html/template"
	"net/url"
	"strings"
	"time"
)

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomText struct {
	Type string `xml:"type,attr,omitempty"`
	Body string `xml:",chardata"`
}

type atomEntry struct {
	ID        string   `xml:"id"`
	Published string   `xml:"published"`
	Updated   string   `xml:"updated"`
	Link      atomLink `xml:"link"`
	Title     string   `xml:"title"`
	Content   atomText `xml:"content"`
}

type atomFeed struct {
	XMLName xml.Name   `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string     `xml:"xml:lang,attr"`
	ID      string     `xml:"id"`
	Links   []atomLink `xml:"link"`
	Title   string     `xml:"title"`
	Updated string     `xml:"updated"`
	Author  struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type rssItem struct {
	Title       string `xml:"title"`
	Description string `xml:"description"`
	PubDate     string `xml:"pubDate"`
	Link        string `xml:"link"`
	GUID        string `xml:"guid"`
}

type rssFeed struct {
	XMLName xml.Name `xml:"rss"`
	Version string   `xml:"version,attr"`
	Channel struct {
		Title       string    `xml:"title"`
		Link        string    `xml:"link"`
		Description string    `xml:"description"`
		PubDate     string    `xml:"pubDate"`
		Items       []rssItem `xml:"item"`
	} `xml:"channel"`
}

// entryHTML is an incident as a feed entry's content: every update, newest first.
func (v *view) entryHTML(inc *Incident) string {
	var b strings.Builder
	for _, u := range inc.Updates {
		b.WriteString("<p><small>" + template.HTMLEscapeString(v.local(u.CreatedAt)) + "</small><br><strong>" +
			template.HTMLEscapeString(u.Status.Label()) + "</strong> - ")
		body := strings.TrimSpace(string(RenderMarkdown(u.Body)))
		body = strings.TrimSuffix(strings.TrimPrefix(body, "<p>"), "</p>")
		b.WriteString(body + "</p>")
	}
	return b.String()
}

// feeds renders the Atom and RSS feeds of incidents and maintenance (the
// 25 newest), at history.atom and history.rss as on Statuspage.
func (v *view) feeds() (atom, rss []byte, err error) {
	all := append(append([]*Incident{}, v.incidents...), v.maint...)
	// Newest first by last change.
	for i := 1; i < len(all); i++ {
		for j := i; j > 0 && all[j].UpdatedAt.After(all[j-1].UpdatedAt); j-- {
			all[j], all[j-1] = all[j-1], all[j]
		}
	}
	if len(all) > 25 {
		all = all[:25]
	}
	host := "firebreak"
	if u, err := url.Parse(v.url); err == nil && u.Host != "" {
		host = u.Hostname()
	}
	tag := "tag:" + host + ",2026:"
	af := atomFeed{Lang: "en", ID: tag + "/" + v.page.Slug + "/history", Title: v.page.Name + " status - incident history",
		Updated: v.updatedAt.UTC().Format(time.RFC3339),
		Links:   []atomLink{{Rel: "alternate", Type: "text/html", Href: v.url}, {Rel: "self", Type: "application/atom+xml", Href: v.url + "/history.atom"}}}
	af.Author.Name = v.page.Name
	rf := rssFeed{Version: "2.0"}
	rf.Channel.Title, rf.Channel.Link = v.page.Name+" status - incident history", v.url
	rf.Channel.Description = "Incidents and maintenance of " + v.page.Name
	rf.Channel.PubDate = v.updatedAt.UTC().Format(time.RFC1123Z)
	for _, inc := range all {
		link := v.url + "/incidents/" + apiID(inc.ID)
		content := v.entryHTML(inc)
		af.Entries = append(af.Entries, atomEntry{ID: tag + "Incident/" + apiID(inc.ID), Published: inc.CreatedAt.UTC().Format(time.RFC3339),
			Updated: inc.UpdatedAt.UTC().Format(time.RFC3339), Link: atomLink{Rel: "alternate", Type: "text/html", Href: link},
			Title: inc.Name, Content: atomText{Type: "html", Body: content}})
		rf.Channel.Items = append(rf.Channel.Items, rssItem{Title: inc.Name, Description: content,
			PubDate: inc.CreatedAt.UTC().Format(time.RFC1123Z), Link: link, GUID: link})
	}
	encode := func(doc any) ([]byte, error) {
		var buf bytes.Buffer
		buf.WriteString(xml.Header)
		enc := xml.NewEncoder(&buf)
		enc.Indent("", "  ")
		if err := enc.Encode(doc); err != nil {
			return nil, err
		}
		buf.WriteByte('\n')
		return buf.Bytes(), nil
	}
	if atom, err = encode(af); err != nil {
		return nil, nil, err
	}
	rss, err = encode(rf)
	return atom, rss, err
}
