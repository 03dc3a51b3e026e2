package app

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics is the node's Prometheus registry.
type metrics struct {
	reg      *prometheus.Registry
	duration *prometheus.HistogramVec
}

func newMetrics(a *App) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "firebreak_http_request_duration_seconds",
			Help:    "Time to serve HTTP requests, by route pattern, method and status code.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method", "code"}),
	}
	m.reg.MustRegister(m.duration,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&stateCollector{a: a},
		&pmCollector{a: a})
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// instrument times every request. The route label is the pattern the
// top-level mux matched (a bounded set), never the raw path.
func (m *metrics) instrument(mux *http.ServeMux, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		_, pattern := mux.Handler(r)
		m.duration.WithLabelValues(pattern, r.Method, strconv.Itoa(rec.code())).Observe(time.Since(start).Seconds())
	})
}

// stateCollector reads incident and job-queue figures from the database at
// scrape time, so every node reports the same truth.
type stateCollector struct{ a *App }

var (
	incidentsDesc = prometheus.NewDesc("firebreak_incidents", "Incidents by stage and severity.", []string{"stage", "severity"}, nil)
	jobsDesc      = prometheus.NewDesc("firebreak_job_queue_depth", "Jobs waiting, scheduled, retrying or running.", nil, nil)
)

func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- incidentsDesc
	ch <- jobsDesc
}

func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	counts, err := c.a.Store.CountIncidents(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(incidentsDesc, err)
	}
	for _, n := range counts {
		ch <- prometheus.MustNewConstMetric(incidentsDesc, prometheus.GaugeValue, float64(n.Count), n.Stage, n.Severity)
	}
	depth, err := c.a.Queue.Depth(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(jobsDesc, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(jobsDesc, prometheus.GaugeValue, float64(depth))
}
