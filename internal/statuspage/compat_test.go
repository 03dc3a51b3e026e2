package statuspage

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func sampleSite(t *testing.T) *Site {
	t.Helper()
	now := time.Date(2026, 11, 25, 17, 27, 0, 0, time.UTC)
	snap, err := Build(sampleData(now), now, BuildOptions{BaseURL: "https://firebreak.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	return snap.Default
}

// TestJSONGolden: the /api/v2 documents match the golden files byte for byte.
func TestJSONGolden(t *testing.T) {
	site := sampleSite(t)
	for path, f := range site.Files {
		if !strings.HasPrefix(path, "api/v2/") {
			continue
		}
		name := filepath.Join("testdata", "golden", strings.ReplaceAll(strings.TrimPrefix(path, "api/v2/"), "/", "_"))
		var pretty bytes.Buffer
		if err := json.Indent(&pretty, f.Body, "", "  "); err != nil {
			t.Fatalf("%s is not JSON: %v", path, err)
		}
		if *update {
			if err := os.WriteFile(name, pretty.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(name)
		if err != nil {
			t.Fatalf("%v (run go test -run TestJSONGolden -update to create it)", err)
		}
		if !bytes.Equal(pretty.Bytes(), want) {
			t.Errorf("%s differs from %s:\n%s", path, name, pretty.String())
		}
	}
}

// TestJSONShapes: every object has exactly the keys Statuspage's has.
func TestJSONShapes(t *testing.T) {
	raw, err := os.ReadFile("testdata/statuspage-shapes.json")
	if err != nil {
		t.Fatal(err)
	}
	var shapes map[string]any
	if err := json.Unmarshal(raw, &shapes); err != nil {
		t.Fatal(err)
	}
	check := func(kind string, obj any) {
		t.Helper()
		m, ok := obj.(map[string]any)
		if !ok {
			t.Fatalf("%s is %T, not an object", kind, obj)
		}
		var want, got []string
		for _, k := range shapes[kind].([]any) {
			want = append(want, k.(string))
		}
		for k := range m {
			got = append(got, k)
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(want, got) {
			t.Errorf("%s keys %v, Statuspage has %v", kind, got, want)
		}
	}
	var sum map[string]any
	if err := json.Unmarshal(sampleSite(t).Files["api/v2/summary.json"].Body, &sum); err != nil {
		t.Fatal(err)
	}
	check("summary", sum)
	check("page", sum["page"])
	check("status", sum["status"])
	comps := sum["components"].([]any)
	var sawGroup bool
	for _, c := range comps {
		if c.(map[string]any)["group"] == true {
			sawGroup = true
			check("group", c)
		} else {
			check("component", c)
		}
	}
	if !sawGroup {
		t.Error("no group in components")
	}
	inc := sum["incidents"].([]any)[0]
	check("incident", inc)
	upd := inc.(map[string]any)["incident_updates"].([]any)
	check("incident_update", upd[0])
	check("affected_component", upd[0].(map[string]any)["affected_components"].([]any)[0])
	check("scheduled_maintenance", sum["scheduled_maintenances"].([]any)[0])
	for _, want := range []string{`"indicator":"critical"`, `"status":"major_outage"`, `"impact":"critical"`} {
		if !strings.Contains(string(sampleSite(t).Files["api/v2/summary.json"].Body), want) {
			t.Errorf("summary lacks %s", want)
		}
	}
}

// TestFeedsParse: an independent parser reads both feeds.
func TestFeedsParse(t *testing.T) {
	site := sampleSite(t)
	for _, path := range []string{"history.atom", "history.rss"} {
		feed, err := gofeed.NewParser().ParseString(string(site.Files[path].Body))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if len(feed.Items) != 3 {
			t.Fatalf("%s: %d items", path, len(feed.Items))
		}
		first := feed.Items[0]
		if first.Title != "Analytics is not available on the US infrastructure" || first.Link != "https://firebreak.example.com/status/incidents/2" {
			t.Errorf("%s first item %q %q", path, first.Title, first.Link)
		}
		content := first.Content + first.Description
		if !strings.Contains(content, "Identified") || strings.Contains(content, "<script") {
			t.Errorf("%s content %q", path, content)
		}
		if first.PublishedParsed == nil {
			t.Errorf("%s: no publication date", path)
		}
		if !strings.Contains(feed.Title, "Acme") {
			t.Errorf("%s title %q", path, feed.Title)
		}
	}
}
