package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/firebreak-hq/firebreak/internal/app/apptest"
	"github.com/firebreak-hq/firebreak/internal/statuspage"
)

func TestStatusCommandsAgainstServer(t *testing.T) {
	s := apptest.Start(t)
	admin := against(t, s)
	ctx := s.AdminContext()
	page, err := s.App.StatusPages.DefaultPage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	admin.run(t, "service", "create", "api").want(t, 0)
	name := "Plugins"
	if _, err := s.App.StatusPages.SaveComponent(ctx, page.ID, 0, statuspage.ComponentInput{Name: &name, Services: &[]string{"api"}}); err != nil {
		t.Fatal(err)
	}
	r := admin.run(t, "status", "pages").want(t, 0)
	has(t, "pages", r.stdout, "default", "Status", "UTC")
	r = admin.run(t, "status", "components").want(t, 0)
	has(t, "components", r.stdout, "Plugins", "operational", "api")
	r = admin.run(t, "status", "set", "plugins", "degraded_performance").want(t, 0)
	has(t, "set", r.stdout, "Plugins is now degraded_performance on Status.")
	r = admin.run(t, "status", "set", "plugins", "down")
	if r.code == 0 || !strings.Contains(r.stderr, "major_outage") {
		t.Errorf("bad status: %d %s", r.code, r.stderr)
	}

	admin.run(t, "incident", "declare", "Analytics is not available", "--severity", "SEV1", "--service", "api", "--take-manager").want(t, 0)
	r = admin.run(t, "status", "draft", "INC-1").want(t, 0)
	has(t, "draft", r.stdout, "Next public update: due in", "Proposed update (investigating)", "We are investigating reports that Plugins")
	r = admin.run(t, "status", "publish", "INC-1", "--status", "identified", "--component", "Plugins=major_outage").want(t, 0)
	has(t, "publish", r.stdout, `Published "Analytics is not available" (identified) on Status.`)
	r = admin.run(t, "status", "publish", "INC-1", "--status", "identified", "--component", "Plugins").want(t, 2)
	has(t, "bad component flag", r.stderr, "NAME=STATUS")
	r = admin.run(t, "status", "incidents").want(t, 0)
	has(t, "incidents", r.stdout, "INC-1", "identified", "critical")
	r = admin.run(t, "status", "stakeholder", "INC-1", "Support: expect tickets").want(t, 0)
	has(t, "stakeholder", r.stdout, "timeline of INC-1")
	r = admin.run(t, "incident", "timeline", "INC-1").want(t, 0)
	has(t, "timeline", r.stdout, "published a public update (identified):", "sent a stakeholder update: Support: expect tickets")

	r = admin.run(t, "status", "maintenance", "Database upgrade", "--start", "2030-01-02T22:00:00Z", "--duration", "2h", "--component", "Plugins").want(t, 0)
	has(t, "maintenance", r.stdout, `Scheduled "Database upgrade" on Status`)
	r = admin.run(t, "status", "maintenance", "x", "--start", "tomorrow").want(t, 2)
	has(t, "bad start", r.stderr, "--start must be like")

	dir := t.TempDir()
	r = admin.run(t, "statuspage", "export", dir).want(t, 0)
	has(t, "export", r.stdout, "Wrote", "files of Status")
	home, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	has(t, "exported home", string(home), "Analytics is not available", `href="/incidents/`, `href="/static/status.css`)
	for _, f := range []string{"history/index.html", "api/v2/summary.json", "history.atom", "static/status.css"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("export lacks %s", f)
		}
	}
}
