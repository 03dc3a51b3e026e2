// Command page measures the pager.
//
// B3: alert → first notification. Alertmanager alerts are offered at a
// fixed rate (open loop: latency counts from when a request was due, so a
// slow server cannot hide behind a slow client), 10 % of them with a new
// fingerprint in a new group (a new triage item, which pages the service's
// policy); the time from the alert's request to the webhook contact method
// on loopback receiving the push is measured.
//
//	go run ./bench/page b3 [-database-url postgres://…] [-rate 1000] [-seconds 20]
//
// B4: 10,000 open pages whose next step falls due spread over 10 minutes,
// with 1,000 alerts/s of background ingest; the node runs as a child
// process, is killed with SIGKILL half-way and restarted. Lateness is the
// step's recorded firing time minus its deadline; steps that fell due while
// the node was down are measured from the restart.
//
//	go run ./bench/page b4 [-database-url postgres://…] [-pages 10000] [-spread 10m]
package main

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/firebreak-hq/firebreak/bench/benchkit"
	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/app"
	"github.com/firebreak-hq/firebreak/internal/auth"
	"github.com/firebreak-hq/firebreak/internal/catalog"
	"github.com/firebreak-hq/firebreak/internal/detect"
	"github.com/firebreak-hq/firebreak/internal/notification"
	"github.com/firebreak-hq/firebreak/internal/paging"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: page b3|b4 [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "b3":
		err = b3(os.Args[2:])
	case "b4":
		err = b4(os.Args[2:])
	case "child":
		err = child(os.Args[2:])
	default:
		err = fmt.Errorf("unknown benchmark %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// setup creates what both benchmarks page: a person with a verified webhook
// contact method (push to hookURL), a service with an Alertmanager
// integration, and an escalation policy for it; it returns the
// integration's key. A second service without a policy takes the
// background alerts of B4.
type setup struct {
	UserID     int64
	ServiceID  int64
	Key        string // the paged service's integration key
	QuietKey   string // a service without a policy (B4's background ingest)
	PolicyID   int64
	PolicyName string
}

func prepare(ctx context.Context, a *app.App, hookURL string, steps []paging.Step) (setup, error) {
	sys := access.With(ctx, access.System)
	var s setup
	u, err := a.Auth.CreateUser(sys, auth.UserInput{Handle: "oncall", Name: "On Call", Email: "oncall@example.com", Level: "responder"})
	if err != nil {
		return s, err
	}
	s.UserID = u.ID
	if _, err := a.Notifications.AddVerified(sys, u.ID, notification.Webhook, "push", hookURL); err != nil {
		return s, err
	}
	for i := range steps {
		steps[i].Targets = []paging.Target{{Kind: paging.TargetUser, ID: u.ID}}
	}
	pol, err := a.Paging.SavePolicy(sys, paging.Policy{Name: "bench", Steps: steps})
	if err != nil {
		return s, err
	}
	s.PolicyID, s.PolicyName = pol.ID, pol.Name
	for i, name := range []string{"checkout", "background"} {
		svc, err := a.Catalog.CreateService(sys, catalog.ServiceInput{Name: name})
		if err != nil {
			return s, err
		}
		in, err := a.Detect.Triage.CreateIntegration(sys, detect.NewIntegration{Name: name, Kind: detect.KindAlertmanager, ServiceID: svc.ID})
		if err != nil {
			return s, err
		}
		if i == 0 {
			s.ServiceID, s.Key = svc.ID, in.Key
			if err := a.Paging.SetServicePaging(sys, paging.ServicePaging{ServiceID: svc.ID, PolicyID: pol.ID}); err != nil {
				return s, err
			}
		} else {
			s.QuietKey = in.Key
		}
	}
	return s, nil
}

// alertBody is an Alertmanager v4 webhook with one firing alert named
// name, in its own group; severity critical (a high-urgency page).
func alertBody(name string) []byte {
	return fmt.Appendf(nil, `{"version":"4","groupKey":"bench-%s","truncatedAlerts":0,"status":"firing","receiver":"firebreak",`+
		`"groupLabels":{"alertname":"%s"},"commonLabels":{"alertname":"%s","severity":"critical"},"commonAnnotations":{},`+
		`"externalURL":"http://alertmanager:9093","alerts":[{"status":"firing","labels":{"alertname":"%s","severity":"critical",`+
		`"instance":"web-1:9100","job":"node"},"annotations":{"summary":"%s is failing","description":"benchmark alert"},`+
		`"startsAt":"2026-11-25T03:00:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://prometheus:9090/graph","fingerprint":"%s"}]}`,
		name, name, name, name, name, name)
}

var markRE = regexp.MustCompile(`bx(\d+)x`)

// mark finds the alert number in a push's body.
func mark(body []byte) (int, bool) {
	m := markRE.FindSubmatch(body)
	if m == nil {
		return 0, false
	}
	n, err := strconv.Atoi(string(m[1]))
	return n, err == nil
}

func quantiles(ds []time.Duration) string {
	if len(ds) == 0 {
		return "none"
	}
	slices.Sort(ds)
	return fmt.Sprintf("p50 %v  p99 %v  p99.9 %v  max %v", benchkit.Quantile(ds, .5), benchkit.Quantile(ds, .99),
		benchkit.Quantile(ds, .999), ds[len(ds)-1].Round(10*time.Microsecond))
}

func dbName(url string) string {
	if url == "" {
		return "sqlite"
	}
	return "postgres"
}
