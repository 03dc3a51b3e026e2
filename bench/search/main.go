// Command search is benchmark B7: the postmortem site's full-text search
// over 100,000 synthetic postmortems of about 3 KB. It loads them through
// the store (the time to load and index is the index build time), then
// measures the latency of searches as the site runs them (ranked, 20
// results with snippets, the total count): 1–3 term queries, and phrase and
// prefix queries. Targets: p95 ≤ 50 ms and ≤ 200 ms. Beside the latency it
// prints each query's CPU time, the latency of an idle machine.
//
//	go run ./bench/search                                   # SQLite in a temp dir
//	go run ./bench/search -database-url postgres://…/empty  # PostgreSQL
//	go run ./bench/search -docs 10000 -queries 200
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/firebreak-hq/firebreak/bench/benchkit"
	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/postmortem/site"
	"github.com/firebreak-hq/firebreak/internal/store"
)

func main() {
	dbURL := flag.String("database-url", "", "PostgreSQL URL of an empty database (default: SQLite in a temp dir)")
	docs := flag.Int("docs", 100000, "postmortems to index")
	queries := flag.Int("queries", 500, "queries of each kind")
	limit := flag.Int("limit", 20, "results per search (the site shows up to 50)")
	only := flag.String("only", "", "run only the query kinds whose name contains this, e.g. term")
	keep := flag.String("sqlite-file", "", "use (and keep) this SQLite file; an already loaded one is searched without loading again")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the queries to this file")
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
	if err := run(*dbURL, *keep, *only, *docs, *queries, *limit); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

// cpuTime is the CPU time this process has used (user + system). Queries
// run one at a time, so its growth over one is that query's cost — what
// the latency would be on an idle machine, when other work on the same
// cores stretches the wall-clock figures.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// procCPU is the CPU time of process pid (user + system, from
// /proc/<pid>/stat in clock ticks of 10 ms), or 0.
func procCPU(pid int) time.Duration {
	if pid == 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name may hold spaces; the fields after it are fixed.
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	stt, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+stt) * 10 * time.Millisecond
}

func run(dbURL, keep, only string, docs, queries, limit int) error {
	ctx := context.Background()
	var st *store.Store
	var svc *site.Service
	if keep != "" {
		var err error
		if st, err = store.Open(ctx, "", keep); err != nil {
			return err
		}
		defer st.Close()
		if err := st.Migrate(ctx); err != nil {
			return err
		}
		svc = site.NewService(st.PostmortemSite())
	} else {
		n, err := benchkit.Open(ctx, dbURL)
		if err != nil {
			return err
		}
		defer n.Remove()
		defer n.App.Close()
		st, svc = n.App.Store, n.App.Publishing.Site
	}
	db := "SQLite"
	if dbURL != "" {
		db = "PostgreSQL"
	}
	idx := st.PostmortemSite()
	reader := access.With(ctx, access.Actor{UserID: 1, Handle: "bench", Name: "Bench", Level: access.Viewer})
	if _, have, err := svc.Search(reader, "", site.Filter{Limit: 1}); err != nil {
		return err
	} else if have >= docs {
		docs = 0 // loaded already
		fmt.Printf("B7 %s: searching the %d postmortems already in %s\n", db, have, keep)
	}
	c := newCorpus(7)
	start := time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)
	var bytes int
	began := time.Now()
	const batch = 1000
	for i := 0; i < docs; i += batch {
		b := make([]site.Doc, 0, batch)
		for j := i; j < min(i+batch, docs); j++ {
			d := c.doc(int64(j+1), start)
			bytes += len(d.Markdown) + len(d.Title)
			b = append(b, d)
		}
		if err := idx.PutMany(ctx, b); err != nil {
			return err
		}
	}
	if dbURL != "" && docs > 0 {
		// What autovacuum does soon after a bulk load: planner statistics,
		// without which PostgreSQL cannot tell a common word from a rare
		// one, and the GIN indexes' pending lists merged, which every search
		// would otherwise scan. Part of the build time.
		if _, err := st.DB().ExecContext(ctx, `VACUUM ANALYZE pm_docs, pm_doc_services, pm_doc_labels`); err != nil {
			return err
		}
	}
	build := time.Since(began)
	if docs > 0 {
		fmt.Printf("B7 %s: %d postmortems, %.1f KB each on average, loaded and indexed in %s (%.0f docs/s)\n",
			db, docs, float64(bytes)/float64(docs)/1024, build.Round(time.Millisecond), float64(docs)/build.Seconds())
	}
	q := newCorpus(99)
	r := rand.New(rand.NewPCG(1, 2))
	kinds := []struct {
		name   string
		target time.Duration
		make   func() string
	}{
		{"1 term", 50 * time.Millisecond, func() string { return q.word() }},
		{"2 terms", 50 * time.Millisecond, func() string { return q.word() + " " + q.word() }},
		{"3 terms", 50 * time.Millisecond, func() string { return q.word() + " " + q.word() + " " + q.word() }},
		{"rare term", 50 * time.Millisecond, func() string { return vocabulary[len(vocabulary)-1-r.IntN(100)] }},
		{"phrase", 200 * time.Millisecond, func() string {
			s := q.sentence(8)
			ws := strings.Fields(strings.TrimSuffix(strings.ToLower(s), "."))
			i := r.IntN(len(ws) - 1)
			return `"` + ws[i] + " " + ws[i+1] + `"`
		}},
		{"prefix", 200 * time.Millisecond, func() string {
			w := q.word()
			return w[:min(len(w), 3+r.IntN(3))] + "*"
		}},
		{"term + filter", 50 * time.Millisecond, func() string { return q.word() }},
	}
	// On PostgreSQL the work is the server's: one connection, whose backend's
	// CPU time (from /proc, in clock ticks) is averaged per query.
	backend := 0
	if dbURL != "" {
		st.DB().SetMaxOpenConns(1)
		if err := st.DB().QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&backend); err != nil {
			return err
		}
	}
	for _, k := range kinds {
		if !strings.Contains(k.name, only) {
			continue
		}
		serverCPU0 := procCPU(backend)
		var lat, cpu []time.Duration
		var hits int
		for i := 0; i < queries; i++ {
			f := site.Filter{Limit: limit}
			if k.name == "term + filter" {
				f.Service, f.Year = services[r.IntN(len(services))], 2019+r.IntN(6)
			}
			text := k.make()
			c0, t0 := cpuTime(), time.Now()
			res, _, err := svc.Search(reader, text, f)
			lat, cpu = append(lat, time.Since(t0)), append(cpu, cpuTime()-c0)
			if err != nil {
				return fmt.Errorf("%s %q: %w", k.name, text, err)
			}
			hits += len(res)
		}
		slices.Sort(lat)
		slices.Sort(cpu)
		p95 := benchkit.Quantile(lat, 0.95)
		verdict := "meets"
		if p95 > k.target {
			verdict = "MISSES"
		}
		cpuNote := fmt.Sprintf("CPU p50 %7s  p95 %7s", benchkit.Quantile(cpu, 0.5).Round(10*time.Microsecond), benchkit.Quantile(cpu, 0.95).Round(10*time.Microsecond))
		if backend != 0 {
			cpuNote = fmt.Sprintf("server CPU mean %7s", ((procCPU(backend) - serverCPU0) / time.Duration(queries)).Round(10*time.Microsecond))
		}
		fmt.Printf("B7 %s %-14s p50 %7s  p95 %7s  p99 %7s  max %7s  | %s  (%d queries, %.1f results each; target p95 ≤ %s: %s)\n", db, k.name,
			benchkit.Quantile(lat, 0.5).Round(10*time.Microsecond), p95.Round(10*time.Microsecond), benchkit.Quantile(lat, 0.99).Round(10*time.Microsecond),
			lat[len(lat)-1].Round(10*time.Microsecond), cpuNote, queries, float64(hits)/float64(queries), k.target, verdict)
	}
	return nil
}
