package store_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/postmortem/site"
	"github.com/firebreak-hq/firebreak/internal/store"
)

var siteDocs = []site.Doc{
	{Number: 1, Title: "Checkout outage in Zürich", Slug: "checkout-zurich", Severity: "SEV1", Services: []string{"checkout"}, Labels: []string{"database"},
		Markdown:   "## Summary\n\nThe **connection pool** of the checkout database was exhausted. Payments failed for 40 minutes.\n\nA naïve retry loop made it worse.",
		IncidentAt: time.Date(2025, 3, 2, 10, 0, 0, 0, time.UTC)},
	{Number: 2, Title: "Search latency", Slug: "search-latency", Severity: "SEV3", Services: []string{"search"},
		Markdown:   "Search was slow. The pool of workers was small; a connection to the index timed out. 数据库 故障 was logged by the Tokyo team.",
		IncidentAt: time.Date(2025, 7, 9, 10, 0, 0, 0, time.UTC)},
	{Number: 3, Title: "Login errors", Slug: "login", Severity: "SEV2", Services: []string{"auth", "checkout"}, Labels: []string{"database", "config"},
		Markdown:   "Logins failed after a database failover. The database replica lagged; database connections were refused; the database team fixed the database config.",
		IncidentAt: time.Date(2024, 11, 20, 10, 0, 0, 0, time.UTC)},
	{Number: 4, Title: "Database maintenance overran", Slug: "maintenance", Severity: "SEV3", Services: []string{"billing"},
		Markdown:   "A planned migration took longer than the window; the latency of writes rose. <script>alert(1)</script> was pasted in the chat log when the threshold < 3 & rising fired.",
		IncidentAt: time.Date(2025, 1, 15, 10, 0, 0, 0, time.UTC)},
}

func putSiteDocs(t *testing.T, s *store.Store) *store.PostmortemSite {
	t.Helper()
	idx := s.PostmortemSite()
	for i, d := range siteDocs {
		d.PublishedAt = d.IncidentAt.Add(time.Duration(10+i) * 24 * time.Hour)
		if err := idx.Put(context.Background(), d); err != nil {
			t.Fatalf("put %d: %v", d.Number, err)
		}
	}
	return idx
}

func hitNumbers(hits []site.Hit) []int64 {
	out := []int64{}
	for _, h := range hits {
		out = append(out, h.Number)
	}
	return out
}

func search(t *testing.T, idx *store.PostmortemSite, q string, f site.Filter) []site.Hit {
	t.Helper()
	hits, total, err := idx.Search(context.Background(), site.ParseQuery(q), f)
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	if total < len(hits) {
		t.Fatalf("search %q: total %d < %d hits", q, total, len(hits))
	}
	return hits
}

func sameSet(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[int64]bool{}
	for _, x := range a {
		m[x] = true
	}
	for _, x := range b {
		if !m[x] {
			return false
		}
	}
	return true
}

func TestPostmortemSiteListAndGet(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		idx := putSiteDocs(t, s)
		docs, total, err := idx.List(ctx, site.Filter{})
		if err != nil || total != 4 {
			t.Fatalf("list: %v, total %d", err, total)
		}
		var got []int64
		for _, d := range docs {
			got = append(got, d.Number)
		}
		if want := []int64{2, 1, 4, 3}; !equalInts(got, want) {
			t.Fatalf("list order %v, want newest published first %v", got, want)
		}
		d, err := idx.Get(ctx, 3)
		if err != nil || d.Ref() != "INC-3-login" || strings.Join(d.Services, ",") != "auth,checkout" || strings.Join(d.Labels, ",") != "config,database" {
			t.Fatalf("get: %+v %v", d, err)
		}
		if d.Summary == "" || strings.Contains(d.Summary, "**") {
			t.Fatalf("summary %q", d.Summary)
		}
		// Replacing keeps one row and the new lists.
		d.Services, d.Title = []string{"auth"}, "Login errors after failover"
		if err := idx.Put(ctx, d); err != nil {
			t.Fatal(err)
		}
		if hits := search(t, idx, "failover", site.Filter{Service: "checkout"}); len(hits) != 0 {
			t.Fatalf("service filter after replace: %v", hitNumbers(hits))
		}
		if err := idx.Remove(ctx, 3); err != nil {
			t.Fatal(err)
		}
		if _, err := idx.Get(ctx, 3); !apperr.Is(err, apperr.CodeNotFound) {
			t.Fatalf("get removed: %v", err)
		}
		if hits := search(t, idx, "failover", site.Filter{}); len(hits) != 0 {
			t.Fatalf("removed document still found: %v", hitNumbers(hits))
		}
	})
}

func equalInts(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestPostmortemSiteSearchConformance(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		idx := putSiteDocs(t, s)
		cases := []struct {
			name  string
			q     string
			f     site.Filter
			want  []int64  // as a set
			first int64    // the expected best hit, 0: any
			above [2]int64 // [a, b]: a ranks above b
		}{
			{"one word, stemmed", "failed", site.Filter{}, []int64{1, 3}, 0, [2]int64{}},
			{"many mentions outrank one", "database", site.Filter{}, []int64{1, 3, 4}, 0, [2]int64{3, 1}},
			{"a title outranks a body mention", "latency", site.Filter{}, []int64{2, 4}, 2, [2]int64{2, 4}},
			{"two words are AND", "database replica", site.Filter{}, []int64{3}, 3, [2]int64{}},
			{"phrase", `"connection pool"`, site.Filter{}, []int64{1}, 1, [2]int64{}},
			{"words of a phrase apart do not match it", `"pool connection"`, site.Filter{}, []int64{}, 0, [2]int64{}},
			{"phrase across a stop word", `"pool of workers"`, site.Filter{}, []int64{2}, 2, [2]int64{}},
			{"phrase of several words", `"the database replica lagged"`, site.Filter{}, []int64{3}, 3, [2]int64{}},
			{"phrase words touching in the other order only", `"replica database"`, site.Filter{}, []int64{}, 0, [2]int64{}},
			{"two phrases", `"database failover" "connections were refused"`, site.Filter{}, []int64{3}, 3, [2]int64{}},
			{"prefix", "migrat*", site.Filter{}, []int64{4}, 4, [2]int64{}},
			{"prefix inside a phrase", `"checkout datab*"`, site.Filter{}, []int64{1}, 1, [2]int64{}},
			{"exclusion", "database -replica", site.Filter{}, []int64{1, 4}, 0, [2]int64{}},
			{"Unicode word with umlaut", "Zürich", site.Filter{}, []int64{1}, 1, [2]int64{}},
			{"Unicode word with diaeresis", "naïve", site.Filter{}, []int64{1}, 1, [2]int64{}},
			{"CJK", "数据库", site.Filter{}, nil, 0, [2]int64{}},
			{"filter service", "database", site.Filter{Service: "checkout"}, []int64{1, 3}, 0, [2]int64{}},
			{"filter severity", "database", site.Filter{Severity: "SEV3"}, []int64{4}, 0, [2]int64{}},
			{"filter year", "database", site.Filter{Year: 2024}, []int64{3}, 0, [2]int64{}},
			{"filter label", "failed", site.Filter{Label: "config"}, []int64{3}, 0, [2]int64{}},
			{"empty query lists", "", site.Filter{Severity: "SEV3"}, []int64{2, 4}, 0, [2]int64{}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				hits := search(t, idx, c.q, c.f)
				got := hitNumbers(hits)
				if c.want != nil && !sameSet(got, c.want) {
					t.Fatalf("%q %+v found %v, want %v", c.q, c.f, got, c.want)
				}
				if c.first != 0 && (len(got) == 0 || got[0] != c.first) {
					t.Fatalf("%q ranked %v, want %d first", c.q, got, c.first)
				}
				if c.above[0] != 0 && slices.Index(got, c.above[0]) > slices.Index(got, c.above[1]) {
					t.Fatalf("%q ranked %v, want %d above %d", c.q, got, c.above[0], c.above[1])
				}
			})
		}
		t.Run("snippets highlight and escape", func(t *testing.T) {
			hits := search(t, idx, "threshold", site.Filter{})
			if len(hits) != 1 {
				t.Fatalf("hits %v", hitNumbers(hits))
			}
			html := string(site.RenderSnippet(hits[0].Snippet))
			if !strings.Contains(html, "<mark>threshold</mark> &lt; 3 &amp; rising") || strings.Contains(html, "<script") {
				t.Fatalf("snippet %q", html)
			}
			hits = search(t, idx, `"connection pool"`, site.Filter{})
			html = string(site.RenderSnippet(hits[0].Snippet))
			if !strings.Contains(html, "<mark>connection") || !strings.Contains(html, "pool</mark>") {
				t.Fatalf("phrase snippet %q", html)
			}
		})
		t.Run("hostile query syntax never errors", func(t *testing.T) {
			for _, q := range []string{`"`, `"""`, `AND OR NOT`, `NEAR(database, 2)`, `title:database`, `'; DROP TABLE pm_docs; --`,
				`\`, `*`, `-`, `--`, `(((`, `)`, `:*`, `!&|<->`, `^database`, `database*:*`, `{title body}: x`, "\x00", `'`, `''`, `a & b | !c`,
				strings.Repeat("x ", 500), `"unterminated phrase`, `-database`, `💥 🔥`, "e\u0301"} {
				search(t, idx, q, site.Filter{})
			}
		})
	})
}

func TestPostmortemSitePaging(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		idx := putSiteDocs(t, s)
		all := search(t, idx, "database", site.Filter{})
		var got []int64
		for off := 0; off < 4; off++ {
			hits, total, err := idx.Search(context.Background(), site.ParseQuery("database"), site.Filter{Limit: 1, Offset: off})
			if err != nil || total != 3 {
				t.Fatalf("offset %d: total %d, %v", off, total, err)
			}
			got = append(got, hitNumbers(hits)...)
		}
		if !equalInts(got, hitNumbers(all)) {
			t.Fatalf("pages %v, want %v", got, hitNumbers(all))
		}
	})
}

// The pairs index only narrows a phrase search on PostgreSQL: whatever it
// narrows to, the result must be what the tsvector's phrase operator alone
// finds. Every run of two to four words in the documents, and random word
// pairs (mostly absent), are searched both ways.
func TestPostmortemSitePhrasePairsAgreeWithTheTSVector(t *testing.T) {
	s := openStore(t, store.Postgres)
	ctx := context.Background()
	idx := putSiteDocs(t, s)
	vocab := strings.Fields("the of a database pool connection failover replica was to eu-west-1 db.primary Zürich checkout is not timed out")
	r := rand.New(rand.NewPCG(1, 2))
	var extra []site.Doc
	for n := int64(10); n < 30; n++ {
		ws := make([]string, 30)
		for i := range ws {
			ws[i] = vocab[r.IntN(len(vocab))]
		}
		extra = append(extra, site.Doc{Number: n, Title: vocab[r.IntN(len(vocab))] + " " + vocab[r.IntN(len(vocab))], Slug: "x",
			Markdown: strings.Join(ws, " "), IncidentAt: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)})
	}
	if err := idx.PutMany(ctx, extra); err != nil {
		t.Fatal(err)
	}
	var phrases []string
	for _, d := range append(slices.Clone(siteDocs), extra...) {
		words := strings.Fields(site.PlainText(d.Title + "\n\n" + d.Markdown))
		for i := range words {
			for n := 2; n <= 4 && i+n <= len(words); n++ {
				phrases = append(phrases, strings.Join(words[i:i+n], " "))
			}
		}
	}
	for range 200 {
		phrases = append(phrases, vocab[r.IntN(len(vocab))]+" "+vocab[r.IntN(len(vocab))])
	}
	found := 0
	for _, p := range phrases {
		q := site.ParseQuery(`"` + p + `"`)
		if q.Empty() {
			continue
		}
		hits, total, err := idx.Search(ctx, q, site.Filter{Limit: 50})
		if err != nil {
			t.Fatalf("%q: %v", p, err)
		}
		rows, err := s.DB().QueryContext(ctx, `SELECT number FROM pm_docs WHERE tsv @@ to_tsquery('english', $1)`, q.TSQuery())
		if err != nil {
			t.Fatal(err)
		}
		var want []int64
		for rows.Next() {
			var n int64
			if err := rows.Scan(&n); err != nil {
				t.Fatal(err)
			}
			want = append(want, n)
		}
		rows.Close()
		if got := hitNumbers(hits); !sameSet(got, want) || total != len(want) {
			t.Fatalf("%q (%s): search found %v (total %d), the tsvector alone %v", p, q.TSQuery(), got, total, want)
		}
		if len(want) > 0 {
			found++
		}
	}
	if found < len(phrases)/2 {
		t.Fatalf("only %d of %d phrases found anything", found, len(phrases))
	}
	t.Logf("%d phrases, %d found", len(phrases), found)
}
