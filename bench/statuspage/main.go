// Command statuspage is benchmark B6: the public status page under load.
// 64 connections read the overview page and summary.json (half each) while
// Alertmanager events arrive at 2,000/s on the ingest path (B1's workload),
// and a Communications Manager publishes an update every 2 s. It prints
// requests/s and latency percentiles of the readers, the ingest rate
// achieved, and freshness: the time from a publish committing to
// summary.json showing it.
//
//	go run ./bench/statuspage                                  # SQLite in a temp dir
//	go run ./bench/statuspage -database-url postgres://…/empty # PostgreSQL
//	go run ./bench/statuspage -duration 60s
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/firebreak-hq/firebreak/bench/benchkit"
	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/catalog"
	"github.com/firebreak-hq/firebreak/internal/detect"
	"github.com/firebreak-hq/firebreak/internal/incident"
	"github.com/firebreak-hq/firebreak/internal/statuspage"
)

func main() {
	dbURL := flag.String("database-url", "", "PostgreSQL URL of an empty database (default: SQLite in a temp dir)")
	conns := flag.Int("conns", 64, "concurrent readers")
	duration := flag.Duration("duration", 30*time.Second, "length of the measurement")
	ingest := flag.Int("ingest", 2000, "Alertmanager events per second in the background (0: none)")
	publishEvery := flag.Duration("publish-every", 2*time.Second, "how often an update is published during the run")
	flag.BoolVar(&acceptGzip, "gzip", true, "readers send Accept-Encoding: gzip, as browsers and CDNs do")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the run to this file")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		_ = pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	if err := run(*dbURL, *conns, *duration, *ingest, *publishEvery); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

func ptr[T any](v T) *T { return &v }

// acceptGzip makes the readers ask for the precompressed copies.
var acceptGzip bool

func run(dbURL string, conns int, duration time.Duration, ingestRate int, publishEvery time.Duration) error {
	fmt.Printf("machine: %d CPUs, %s\n", runtime.NumCPU(), runtime.Version())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	node, err := benchkit.Open(ctx, dbURL)
	if err != nil {
		return err
	}
	defer node.Remove()
	a, base := node.App, node.URL
	sys := access.With(ctx, access.System)

	// A realistic page: 3 groups of 4 components, 90 days of history with
	// some outages, 20 past incidents.
	sp := a.StatusPages
	page, err := sp.DefaultPage(sys)
	if err != nil {
		return err
	}
	var comps []int64
	for gi, gname := range []string{"Common Features", "Analytics", "Infrastructure"} {
		g, err := sp.SaveGroup(sys, page.ID, 0, statuspage.GroupInput{Name: ptr(gname), Position: ptr(gi)})
		if err != nil {
			return err
		}
		for ci := range 4 {
			c, err := sp.SaveComponent(sys, page.ID, 0, statuspage.ComponentInput{Name: ptr(fmt.Sprintf("%s %d", gname, ci+1)), GroupID: &g.ID, Position: ptr(ci)})
			if err != nil {
				return err
			}
			comps = append(comps, c.ID)
		}
	}
	for i := range 20 {
		pub, err := sp.CreateIncident(sys, page.ID, statuspage.UpdateInput{Status: statuspage.Investigating, Title: fmt.Sprintf("Past incident %d", i+1),
			Body: "We are investigating elevated error rates.", Components: []statuspage.ComponentChange{{ComponentID: comps[i%len(comps)], Status: statuspage.PartialOutage}}})
		if err != nil {
			return err
		}
		if _, err := sp.PostUpdate(sys, pub.Incident.ID, statuspage.UpdateInput{Status: statuspage.Resolved, Body: "Resolved.",
			Components: []statuspage.ComponentChange{{ComponentID: comps[i%len(comps)], Status: statuspage.Operational}}}); err != nil {
			return err
		}
	}
	inc, err := a.Incidents.Declare(sys, incident.DeclareInput{Title: "Analytics is not available on the US infrastructure", Severity: "SEV1", TakeManager: true})
	if err != nil {
		return err
	}
	svc, err := a.Catalog.CreateService(sys, catalog.ServiceInput{Name: "api"})
	if err != nil {
		return err
	}
	intg, err := a.Detect.Triage.CreateIntegration(sys, detect.NewIntegration{Name: "prometheus", Kind: detect.KindAlertmanager, ServiceID: svc.ID})
	if err != nil {
		return err
	}
	done := node.Serve(ctx)
	for {
		if resp, err := http.Get(base + "/readyz"); err == nil && resp.StatusCode == 200 {
			resp.Body.Close()
			break
		}
		time.Sleep(20 * time.Millisecond)
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup

	// Background ingest at a fixed rate.
	var ingested, ingestFailed atomic.Int64
	if ingestRate > 0 {
		url := base + "/integrations/alertmanager/" + intg.Key
		ihc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}, Timeout: 30 * time.Second}
		tokens := make(chan int, 4096)
		wg.Go(func() {
			t := time.NewTicker(10 * time.Millisecond)
			defer t.Stop()
			n := 0
			per := ingestRate / 100
			for {
				select {
				case <-stop:
					close(tokens)
					return
				case <-t.C:
					for range per {
						select {
						case tokens <- n:
						default: // the senders are behind; the rate achieved shows it
						}
						n++
					}
				}
			}
		})
		for range 128 { // enough senders that the rate is offered even while commits wait on fsync
			wg.Go(func() {
				for n := range tokens {
					resp, err := ihc.Post(url, "application/json", bytes.NewReader(alert(n%10000)))
					if err != nil {
						ingestFailed.Add(1)
						continue
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode == http.StatusAccepted {
						ingested.Add(1)
					} else {
						ingestFailed.Add(1)
					}
				}
			})
		}
	}

	// Publishing during the run, and freshness: commit → summary.json shows it.
	var (
		freshMu sync.Mutex
		fresh   []time.Duration
	)
	wg.Go(func() {
		fhc := &http.Client{Timeout: 10 * time.Second}
		statuses := []statuspage.IncidentStatus{statuspage.Investigating, statuspage.Identified, statuspage.Monitoring}
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(publishEvery):
			}
			body := "Update number " + strconv.Itoa(i) + ": we are working on it."
			if _, err := sp.Publish(sys, inc.Number, statuspage.UpdateInput{Status: statuses[i%3], Body: body,
				Components: []statuspage.ComponentChange{{ComponentID: comps[0], Status: statuspage.MajorOutage}}}); err != nil {
				fmt.Fprintln(os.Stderr, "publish:", err)
				continue
			}
			committed := time.Now()
			for time.Since(committed) < 30*time.Second {
				resp, err := fhc.Get(base + "/api/v2/summary.json")
				if err == nil {
					b, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if bytes.Contains(b, []byte(body)) {
						freshMu.Lock()
						fresh = append(fresh, time.Since(committed))
						freshMu.Unlock()
						break
					}
				}
				time.Sleep(5 * time.Millisecond)
			}
		}
	})

	// Readers: warm up, then measure.
	paths := []string{"/status", "/api/v2/summary.json"}
	read(base, paths, conns, 2*time.Second)
	r := read(base, paths, conns, duration)
	close(stop)
	wg.Wait()

	rate := float64(r.ok) / r.elapsed.Seconds()
	enc := "identity"
	if acceptGzip {
		enc = "gzip"
	}
	fmt.Printf("B6 %-8s %d conns %s on /status and /api/v2/summary.json (%s): %7.0f req/s  p50 %-8s p99 %-8s max %-8s  errors: %d  (%.1f KB/view average)\n",
		a.Store.Dialect(), conns, duration, enc, rate, r.q(0.5), r.q(0.99), r.q(1), r.failed, float64(r.bytes)/float64(max(r.ok, 1))/1024)
	fmt.Printf("   background ingest: %.0f events/s accepted (asked %d/s), %d failed\n",
		float64(ingested.Load())/(r.elapsed.Seconds()+2), ingestRate, ingestFailed.Load())
	slices.Sort(fresh)
	if len(fresh) > 0 {
		fmt.Printf("   freshness (publish committed → summary.json shows it), %d publishes: median %s  max %s\n",
			len(fresh), fresh[len(fresh)/2].Round(time.Millisecond), fresh[len(fresh)-1].Round(time.Millisecond))
	}
	fmt.Printf("   targets: ≥ 15,000 req/s, p99 ≤ 50 ms, freshness ≤ 5 s\n")
	cancel()
	<-done
	return nil
}

type result struct {
	ok, failed, bytes int64
	latencies         []time.Duration
	elapsed           time.Duration
}

func (r result) q(p float64) time.Duration { return benchkit.Quantile(r.latencies, p) }

// read runs conns closed-loop readers for d, alternating the paths.
func read(base string, paths []string, conns int, d time.Duration) result {
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true}, Timeout: 30 * time.Second}
	defer hc.CloseIdleConnections()
	var (
		mu  sync.Mutex
		res result
		wg  sync.WaitGroup
	)
	deadline := time.Now().Add(d)
	start := time.Now()
	for i := range conns {
		wg.Go(func() {
			var local result
			for n := i; time.Now().Before(deadline); n++ {
				t0 := time.Now()
				req, _ := http.NewRequest(http.MethodGet, base+paths[n%len(paths)], nil)
				if acceptGzip {
					req.Header.Set("Accept-Encoding", "gzip")
				}
				resp, err := hc.Do(req)
				if err != nil {
					local.failed++
					continue
				}
				b, _ := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					local.ok++
					local.bytes += b
					local.latencies = append(local.latencies, time.Since(t0))
				} else {
					local.failed++
				}
			}
			mu.Lock()
			res.ok += local.ok
			res.failed += local.failed
			res.bytes += local.bytes
			res.latencies = append(res.latencies, local.latencies...)
			mu.Unlock()
		})
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	slices.Sort(res.latencies)
	return res
}

// alert is an Alertmanager v4 webhook of about 1.4 KB, as in B1.
func alert(fp int) []byte {
	return fmt.Appendf(nil, `{"receiver":"firebreak","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"HighRequestLatency","instance":"api-%d.prod.example.com:9090","job":"api","namespace":"shop","pod":"api-7d9f8b6c5-%05d","prometheus":"monitoring/k8s","severity":"warning","team":"checkout"},"annotations":{"description":"The 99th percentile of request latency of api-%d has been above 500 ms for 10 minutes. Customers see slow checkout pages; look at the database connection pool and recent deploys first.","runbook_url":"https://runbooks.example.com/api/high-request-latency","summary":"High request latency on api-%d"},"startsAt":"2026-11-25T09:21:03.123Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://prometheus-k8s-0:9090/graph","fingerprint":"%016x"}],"groupLabels":{"alertname":"HighRequestLatency"},"commonLabels":{"alertname":"HighRequestLatency","job":"api","namespace":"shop","severity":"warning"},"commonAnnotations":{},"externalURL":"http://alertmanager-main-0:9093","version":"4","groupKey":"{}/{severity=\"warning\"}:{alertname=\"HighRequestLatency\"}","truncatedAlerts":0}`,
		fp, fp, fp, fp, 0x9e3779b97f4a7c15^uint64(fp))
}
