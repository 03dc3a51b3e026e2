package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/postmortem/site"
)

// The vocabulary of synthetic postmortems: words that incident reviews use,
// drawn with a Zipf distribution so that a few are everywhere ("database",
// "deploy") and most are rare, as in real text.
var vocabulary = strings.Fields(`
database deploy latency timeout error rollback outage customer request service cluster node
replica primary failover connection pool queue backlog consumer producer kafka partition broker
cache redis memcached eviction memory leak heap garbage collector pause thread deadlock lock
contention index query slow migration schema column table vacuum autovacuum bloat disk full
volume storage bucket object upload download bandwidth network packet loss dns resolver
certificate expired tls handshake load balancer ingress gateway proxy nginx envoy sidecar mesh
kubernetes pod container image registry scheduler autoscaler quota limit throttling rate api
endpoint payload json serialization parser regression release canary feature flag toggle config
configuration secret rotation credential token authentication authorization login session cookie
oauth provider webhook callback retry backoff jitter idempotency duplicate ordering event stream
batch job cron worker pipeline etl warehouse report dashboard alert pager oncall escalation
runbook monitoring metric prometheus grafana log logging tracing span sampling cardinality
checkout payment invoice billing subscription refund order cart inventory search recommendation
notification email sms push mobile android ios browser frontend backend microservice monolith
region zone datacenter cloud aws gcp azure terraform ansible helm chart manifest rollout
capacity planning saturation cpu throttled oom killed restart crashloop liveness readiness probe
healthcheck dependency upstream downstream vendor thirdparty sla slo error budget burn customers
impact degraded partial complete unavailable intermittent spike traffic surge marketing campaign
holiday weekend night shift handover communication status page stakeholder update timeline
detection mitigation resolution contributing factor root cause why human process tooling gap
documentation training review approval change management freeze window maintenance planned
unplanned manual automated script typo misconfiguration permission iam role policy firewall rule
vpn bastion ssh key expired clock skew ntp timezone daylight saving leap second overflow integer
null pointer exception panic stacktrace core dump segfault race condition concurrency goroutine
mutex channel buffer overflow underflow encoding utf unicode character emoji zürich naïve münchen
bottleneck hotspot shard rebalance split brain quorum consensus raft leader election heartbeat
snapshot backup restore replication lag wal archive retention compaction tombstone ttl expiry
`)

var services = []string{"checkout", "payments", "search", "auth", "billing", "notifications", "inventory", "api-gateway", "analytics", "mobile-backend",
	"recommendations", "orders", "shipping", "catalog", "media", "chat", "reporting", "identity", "email", "ledger"}

var severities = []string{"SEV1", "SEV2", "SEV2", "SEV3", "SEV3", "SEV3", "SEV4", "SEV4"}

var labels = []string{"team=payments", "team=platform", "team=search", "team=mobile", "customer-facing", "security", "data-loss", "vendor", "release"}

// corpus makes synthetic postmortems of about 3 KB.
type corpus struct {
	r    *rand.Rand
	zipf *rand.Zipf
}

func newCorpus(seed uint64) *corpus {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return &corpus{r: r, zipf: rand.NewZipf(r, 1.07, 8, uint64(len(vocabulary)-1))}
}

func (c *corpus) word() string { return vocabulary[c.zipf.Uint64()] }

func (c *corpus) sentence(n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = c.word()
	}
	s := strings.Join(ws, " ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

func (c *corpus) paragraph(sentences int) string {
	var b strings.Builder
	for i := 0; i < sentences; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(c.sentence(6 + c.r.IntN(10)))
	}
	return b.String()
}

// doc is postmortem number n: the usual sections of a blameless review.
func (c *corpus) doc(n int64, start time.Time) site.Doc {
	at := start.Add(time.Duration(n) * 37 * time.Minute)
	svc := []string{services[c.r.IntN(len(services))]}
	if c.r.IntN(3) == 0 {
		svc = append(svc, services[c.r.IntN(len(services))])
	}
	var b strings.Builder
	fmt.Fprintf(&b, "## Summary\n\n%s\n\n## Impact and blast radius\n\n%s\n\n## Timeline\n\n", c.paragraph(5), c.paragraph(3))
	for i := 0; i < 9; i++ {
		fmt.Fprintf(&b, "- %s %s\n", at.Add(time.Duration(i)*7*time.Minute).Format("15:04"), c.sentence(8))
	}
	b.WriteString("\n## Contributing factors\n\n")
	for i := 1; i <= 5; i++ {
		fmt.Fprintf(&b, "%d. Why? %s\n", i, c.sentence(10))
	}
	fmt.Fprintf(&b, "\n## What went well\n\n%s\n\n## What went wrong\n\n%s\n\n## Where we got lucky\n\n%s\n\n## Action items\n\n",
		c.paragraph(4), c.paragraph(4), c.paragraph(2))
	for i := 0; i < 3; i++ {
		fmt.Fprintf(&b, "- [ ] %s\n", c.sentence(7))
	}
	return site.Doc{Number: n, Title: strings.TrimSuffix(c.sentence(4+c.r.IntN(4)), "."), Slug: fmt.Sprintf("pm-%d", n),
		Severity: severities[c.r.IntN(len(severities))], Services: svc, Labels: []string{labels[c.r.IntN(len(labels))]},
		Markdown: b.String(), IncidentAt: at, PublishedAt: at.Add(time.Duration(3+c.r.IntN(14)) * 24 * time.Hour)}
}
