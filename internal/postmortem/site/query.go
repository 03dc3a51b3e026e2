package site

import (
	"strings"
	"unicode"
)

// Query is a parsed search: every Term must match (AND), Not terms must not.
// People type words, "quoted phrases", prefix* and -excluded words; anything
// else is punctuation and separates words. Because the parts are reduced to
// runs of letters and digits, no input can inject the index's own query
// syntax (FTS5's NEAR, column filters, ^; tsquery's operators).
type Query struct {
	Terms []Term
	Not   []Term
}

// Term is one word (possibly a prefix) or a phrase of several words.
type Term struct {
	Words  []string
	Prefix bool // the last word is a prefix
}

// Phrase reports whether the term has more than one word.
func (t Term) Phrase() bool { return len(t.Words) > 1 }

// Empty reports whether nothing is searched for.
func (q Query) Empty() bool { return len(q.Terms) == 0 }

// maxTerms bounds the work one query can ask of the index.
const maxTerms = 16

// ParseQuery reads what a person typed into the search box.
func ParseQuery(s string) Query {
	var q Query
	rs := []rune(s)
	for i := 0; i < len(rs) && len(q.Terms)+len(q.Not) < maxTerms; {
		r := rs[i]
		switch {
		case r == '"':
			j := i + 1
			for j < len(rs) && rs[j] != '"' {
				j++
			}
			if t, ok := termOf(string(rs[i+1 : min(j, len(rs))])); ok {
				q.Terms = append(q.Terms, t)
			}
			i = j + 1
		case r == '-' && (i+1 < len(rs) && isWordRune(rs[i+1])) && (i == 0 || unicode.IsSpace(rs[i-1])):
			j := i + 1
			for j < len(rs) && !unicode.IsSpace(rs[j]) {
				j++
			}
			if t, ok := termOf(string(rs[i+1 : j])); ok {
				q.Not = append(q.Not, t)
			}
			i = j
		case unicode.IsSpace(r):
			i++
		default:
			j := i
			for j < len(rs) && !unicode.IsSpace(rs[j]) && rs[j] != '"' {
				j++
			}
			// One typed token may hold several words ("eu-west-1",
			// "db.primary"): they become a phrase, as both indexes
			// tokenize them into adjacent words.
			if t, ok := termOf(string(rs[i:j])); ok {
				q.Terms = append(q.Terms, t)
			}
			i = j
		}
	}
	return q
}

// termOf splits text into words; a trailing * makes the last one a prefix.
func termOf(s string) (Term, bool) {
	s = strings.TrimSpace(s)
	prefix := strings.HasSuffix(s, "*")
	words := strings.FieldsFunc(s, func(r rune) bool { return !isWordRune(r) })
	if len(words) == 0 {
		return Term{}, false
	}
	for i, w := range words {
		words[i] = strings.ToLower(w)
	}
	if len(words) > maxTerms {
		words = words[:maxTerms]
	}
	if prefix && len([]rune(words[len(words)-1])) < 2 {
		prefix = false // "a*" would match half the language: search the letter as a word
	}
	return Term{Words: words, Prefix: prefix}, true
}

// isWordRune is what both indexes' tokenizers keep inside a word.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// FTS5 renders q as an SQLite FTS5 MATCH expression: every word is a
// double-quoted string (so AND, OR, NOT, NEAR and column names typed by a
// person are just words), phrases are quoted together, prefixes end in *.
// It returns "" for an empty query.
func (q Query) FTS5() string {
	if q.Empty() {
		return ""
	}
	var b strings.Builder
	for i, t := range q.Terms {
		if i > 0 {
			b.WriteString(" AND ")
		}
		b.WriteString(fts5Term(t))
	}
	for _, t := range q.Not {
		b.WriteString(" NOT ")
		b.WriteString(fts5Term(t))
	}
	return b.String()
}

func fts5Term(t Term) string {
	s := `"` + strings.Join(t.Words, " ") + `"`
	if t.Prefix {
		s += "*"
	}
	return s
}

// TSQuery renders q as PostgreSQL to_tsquery input: each word single-quoted
// (the words hold no quotes or backslashes), phrases joined by <->, prefixes
// marked :*, excluded terms negated with !. It returns "" for an empty query.
func (q Query) TSQuery() string {
	if q.Empty() {
		return ""
	}
	parts := make([]string, 0, len(q.Terms)+len(q.Not))
	for _, t := range q.Terms {
		parts = append(parts, tsTerm(t))
	}
	for _, t := range q.Not {
		parts = append(parts, "!("+tsTerm(t)+")")
	}
	return strings.Join(parts, " & ")
}

func tsTerm(t Term) string {
	ws := make([]string, len(t.Words))
	for i, w := range t.Words {
		ws[i] = "'" + w + "'"
		if t.Prefix && i == len(t.Words)-1 {
			ws[i] += ":*"
		}
	}
	if len(ws) == 1 {
		return ws[0]
	}
	return "(" + strings.Join(ws, " <-> ") + ")"
}
