package site

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseQuery(t *testing.T) {
	cases := []struct{ in, fts, ts string }{
		{"database", `"database"`, `'database'`},
		{"Database  Replica", `"database" AND "replica"`, `'database' & 'replica'`},
		{`"connection pool"`, `"connection pool"`, `('connection' <-> 'pool')`},
		{"migrat*", `"migrat"*`, `'migrat':*`},
		{"a*", `"a"`, `'a'`},
		{"db*", `"db"*`, `'db':*`},
		{"database -replica", `"database" NOT "replica"`, `'database' & !('replica')`},
		{"eu-west-1", `"eu west 1"`, `('eu' <-> 'west' <-> '1')`},
		{`NEAR(a, 2) OR title:x`, `"near a" AND "2" AND "or" AND "title x"`, `('near' <-> 'a') & '2' & 'or' & ('title' <-> 'x')`},
		{`'; DROP TABLE x; --`, `"drop" AND "table" AND "x"`, `'drop' & 'table' & 'x'`},
		{`"`, ``, ``},
		{`-`, ``, ``},
		{`-only`, ``, ``},
		{"Zürich naïve", `"zürich" AND "naïve"`, `'zürich' & 'naïve'`},
	}
	for _, c := range cases {
		q := ParseQuery(c.in)
		if got := q.FTS5(); got != c.fts {
			t.Errorf("%q: FTS5 %s, want %s", c.in, got, c.fts)
		}
		if got := q.TSQuery(); got != c.ts {
			t.Errorf("%q: tsquery %s, want %s", c.in, got, c.ts)
		}
	}
}

func TestParseRef(t *testing.T) {
	for in, want := range map[string]int64{"INC-169-analytics-data": 169, "inc-7": 7, "42": 42, "INC-": 0, "x": 0, "INC--3": 0} {
		n, ok := ParseRef(in)
		if n != want && ok || (want == 0) == ok {
			t.Errorf("ParseRef(%q) = %d, %v", in, n, ok)
		}
	}
}

// FuzzParseQuery checks the translation's promise: whatever a person types,
// the FTS5 and tsquery texts hold only quoted words and the operators this
// package writes, so the index never sees syntax it did not intend.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"database", `"a b" c*`, `-x y`, `NEAR("a" "b")`, `'\"`, "數據庫 ü", `a:* & !b | c <-> d`, "\x00\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := ParseQuery(s)
		if len(q.Terms)+len(q.Not) > maxTerms {
			t.Fatalf("%d terms", len(q.Terms)+len(q.Not))
		}
		for _, term := range append(append([]Term{}, q.Terms...), q.Not...) {
			if len(term.Words) == 0 {
				t.Fatal("empty term")
			}
			for _, w := range term.Words {
				if w == "" || !utf8.ValidString(w) {
					t.Fatalf("word %q", w)
				}
				for _, r := range w {
					if !isWordRune(r) {
						t.Fatalf("word %q holds %q", w, r)
					}
				}
			}
		}
		fts := q.FTS5()
		// Outside the quoted words only AND, NOT, * and spaces remain.
		rest := stripQuoted(fts, '"')
		for _, op := range []string{"AND", "NOT", "*", " "} {
			rest = strings.ReplaceAll(rest, op, "")
		}
		if rest != "" {
			t.Fatalf("FTS5 %q has unexpected syntax %q", fts, rest)
		}
		ts := q.TSQuery()
		rest = stripQuoted(ts, '\'')
		for _, op := range []string{"<->", ":*", "&", "!", "(", ")", " "} {
			rest = strings.ReplaceAll(rest, op, "")
		}
		if rest != "" {
			t.Fatalf("tsquery %q has unexpected syntax %q", ts, rest)
		}
		if q.Empty() != (fts == "") {
			t.Fatalf("empty %v but FTS5 %q", q.Empty(), fts)
		}
	})
}

func stripQuoted(s string, quote rune) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		if r == quote {
			in = !in
			continue
		}
		if !in {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func TestRenderSnippet(t *testing.T) {
	cases := map[string]string{
		"a " + Mark + "b" + EndMark + " <i>":  "a <mark>b</mark> &lt;i&gt;",
		Mark + "open":                         "<mark>open</mark>",
		EndMark + "stray" + Mark + Mark + "x": "stray<mark>x</mark>",
		`"quotes" & 'apostrophes'`:            "&#34;quotes&#34; &amp; &#39;apostrophes&#39;",
	}
	for in, want := range cases {
		if got := string(RenderSnippet(in)); got != want {
			t.Errorf("RenderSnippet(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPlainTextAndSummary(t *testing.T) {
	md := "# INC-1: Title\n\n| a | b |\n|---|---|\n\nThe **pool** was [exhausted](http://x). `code` here.\n\nSecond."
	if got := Summary(md); got != "The pool was exhausted . code here." && got != "The pool was exhausted. code here." {
		t.Errorf("summary %q", got)
	}
	if got := PlainText("a" + Mark + "b" + EndMark + "c <b>bold</b> x < 3"); got != "abc bold x < 3" {
		t.Errorf("plain %q", got)
	}
}
