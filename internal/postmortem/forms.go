package postmortem

import (
	"context"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

// FormInput is what a person writes in their 5-Why form.
type FormInput struct {
	Saw  string   `json:"saw"`
	Did  string   `json:"did"`
	Whys []string `json:"whys"`
}

// MyForm returns the actor's own form for an incident (an empty draft when
// they have not started it). Only involved people have a form.
func (s *Service) MyForm(ctx context.Context, number int64) (*Form, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	inc, err := s.incidents.Get(ctx, number)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(inc.Involved, a.UserID) {
		return nil, apperr.Forbidden("only the people involved in %s have a 5-Why form", inc.Ref())
	}
	f, err := s.store.Form(ctx, number, a.UserID)
	if apperr.CodeOf(err) == apperr.CodeNotFound {
		return &Form{Number: number, UserID: a.UserID, Whys: []string{}}, nil
	}
	return f, err
}

// SaveForm saves the actor's form as a draft, or submits it. A submitted
// form may still be corrected until the meeting has ended.
func (s *Service) SaveForm(ctx context.Context, number int64, in FormInput, submit bool) (*Form, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	inc, err := s.incidents.Get(ctx, number)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(inc.Involved, a.UserID) {
		return nil, apperr.Forbidden("only the people involved in %s have a 5-Why form", inc.Ref())
	}
	in.Saw, in.Did = strings.TrimSpace(in.Saw), strings.TrimSpace(in.Did)
	var whys []string
	for _, w := range in.Whys {
		if w = strings.TrimSpace(w); w != "" {
			whys = append(whys, w)
		}
	}
	if len(whys) > MaxWhys {
		return nil, apperr.Invalid("whys", "at most %d answers to \"why?\"", MaxWhys)
	}
	for _, t := range append([]string{in.Saw, in.Did}, whys...) {
		if utf8.RuneCountInString(t) > 5000 {
			return nil, apperr.Invalid("whys", "each answer is at most 5,000 characters")
		}
	}
	if submit && (in.Saw == "" || len(whys) == 0) {
		return nil, apperr.Invalid("whys", "to submit, say what you saw and answer \"why?\" at least once")
	}
	now := s.now().UTC()
	var out *Form
	err = s.store.InTx(ctx, func(tx Tx) error {
		if _, err := tx.GetForUpdate(ctx, number); err != nil {
			return err
		}
		m, err := tx.MeetingForUpdate(ctx, number)
		if err != nil {
			return err
		}
		if m != nil && m.EndedAt != nil {
			return apperr.Conflict("the meeting of %s was held; the forms are closed", inc.Ref())
		}
		f, err := tx.FormForUpdate(ctx, number, a.UserID)
		if err != nil {
			return err
		}
		if f == nil {
			f = &Form{Number: number, UserID: a.UserID, CreatedAt: now}
		}
		f.Saw, f.Did, f.Whys, f.UpdatedAt = in.Saw, in.Did, whys, now
		if f.Whys == nil {
			f.Whys = []string{}
		}
		if submit && f.SubmittedAt == nil {
			f.SubmittedAt = &now
		}
		if err := tx.SaveForm(ctx, f); err != nil {
			return err
		}
		out = f
		action := "postmortem.form.draft"
		if submit {
			action = "postmortem.form.submit"
		}
		return s.audit(ctx, tx, action, number, nil, now)
	})
	return out, err
}

// Answers is every involved person's form side by side, for the IM.
type Answers struct {
	People []Person `json:"people"` // one column each, in order of involvement
	Forms  []Form   `json:"forms"`  // the same order; an empty form for those who have not started
	Rows   []Row    `json:"rows"`   // "saw", "did", then why 1…5
}

// Row is one question across everyone's answers.
type Row struct {
	Question string   `json:"question"`
	Answers  []string `json:"answers"`
	Disagree bool     `json:"disagree"` // answers given by two or more people that share little
}

// Answers returns the forms side by side; only the IM (or an admin) sees
// them, so that everyone prepares their own view before the meeting.
func (s *Service) Answers(ctx context.Context, number int64) (*Answers, error) {
	a, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	inc, err := s.incidents.Get(ctx, number)
	if err != nil {
		return nil, err
	}
	if err := manager(a, inc); err != nil {
		return nil, err
	}
	forms, err := s.store.Forms(ctx, number)
	if err != nil {
		return nil, err
	}
	byUser := map[int64]Form{}
	for _, f := range forms {
		byUser[f.UserID] = f
	}
	out := &Answers{}
	for _, id := range inc.Involved {
		p, err := s.people.Person(ctx, id)
		if err != nil {
			continue
		}
		f, ok := byUser[id]
		if !ok {
			f = Form{Number: number, UserID: id, Whys: []string{}}
		}
		out.People = append(out.People, p)
		out.Forms = append(out.Forms, f)
	}
	out.Rows = Compare(out.Forms)
	return out, nil
}

// Compare lines the forms up question by question and marks the rows where
// the people who answered disagree: two answers that share less than a
// quarter of their words. It is a hint for the meeting, not a judgement.
func Compare(forms []Form) []Row {
	rows := []Row{{Question: "What did you see?"}, {Question: "What did you do?"}}
	for i := 0; i < MaxWhys; i++ {
		rows = append(rows, Row{Question: "Why? (" + itoa(int64(i+1)) + ")"})
	}
	for _, f := range forms {
		rows[0].Answers = append(rows[0].Answers, f.Saw)
		rows[1].Answers = append(rows[1].Answers, f.Did)
		for i := 0; i < MaxWhys; i++ {
			w := ""
			if i < len(f.Whys) {
				w = f.Whys[i]
			}
			rows[2+i].Answers = append(rows[2+i].Answers, w)
		}
	}
	for i := range rows {
		rows[i].Disagree = disagree(rows[i].Answers)
	}
	last := len(rows)
	for last > 2 && allEmpty(rows[last-1].Answers) {
		last--
	}
	return rows[:last]
}

func allEmpty(ss []string) bool {
	for _, s := range ss {
		if s != "" {
			return false
		}
	}
	return true
}

func disagree(answers []string) bool {
	var sets []map[string]bool
	for _, a := range answers {
		if w := words(a); len(w) > 0 {
			sets = append(sets, w)
		}
	}
	for i := range sets {
		for j := i + 1; j < len(sets); j++ {
			if jaccard(sets[i], sets[j]) < 0.25 {
				return true
			}
		}
	}
	return false
}

// stopwords are left out of the comparison: they say nothing about causes.
var stopwords = map[string]bool{"the": true, "a": true, "an": true, "and": true, "or": true, "of": true, "to": true, "in": true,
	"on": true, "was": true, "were": true, "is": true, "it": true, "we": true, "because": true, "that": true, "for": true, "not": true, "no": true, "did": true}

func words(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if !stopwords[w] && len(w) > 1 {
			out[w] = true
		}
	}
	return out
}

func jaccard(a, b map[string]bool) float64 {
	inter := 0
	for w := range a {
		if b[w] {
			inter++
		}
	}
	union := len(a) + len(b) - inter
	if union == 0 {
		return 1
	}
	return float64(inter) / float64(union)
}

// PullAnswers writes the submitted forms into the document's contributing
// factors section, as perspectives without names (blameless: the causes are
// in the system, and the chain matters, not who wrote it).
func (s *Service) PullAnswers(ctx context.Context, number, version int64) (*Postmortem, error) {
	ans, err := s.Answers(ctx, number)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	b.WriteString("### From the 5-Why forms\n\n")
	n := 0
	for _, f := range ans.Forms {
		if !f.Submitted() {
			continue
		}
		n++
		b.WriteString("**Perspective " + string(rune('A'+n-1)) + "**\n\n")
		b.WriteString("- Saw: " + oneLine(f.Saw) + "\n")
		if f.Did != "" {
			b.WriteString("- Did: " + oneLine(f.Did) + "\n")
		}
		for i, w := range f.Whys {
			b.WriteString("- Why " + itoa(int64(i+1)) + ": " + oneLine(w) + "\n")
		}
		b.WriteString("\n")
	}
	if n == 0 {
		return nil, apperr.Conflict("no 5-Why form of %s has been submitted yet", incident.Ref(number))
	}
	doc, err := s.store.Get(ctx, number)
	if err != nil {
		return nil, err
	}
	return s.Edit(ctx, number, version, insertInSection(doc.Body, "Contributing factors", b.String()), "pulled in the 5-Why answers")
}

// insertInSection appends text at the end of the second-level section whose
// heading starts with prefix, or at the end of the document when there is none.
func insertInSection(body, prefix, text string) string {
	lines := strings.SplitAfter(body, "\n")
	in, at := false, -1
	for i, line := range lines {
		if strings.HasPrefix(line, "## ") {
			if in {
				at = i
				break
			}
			in = strings.HasPrefix(strings.ToLower(strings.TrimSpace(line[3:])), strings.ToLower(prefix))
		}
	}
	if at < 0 {
		if !strings.HasSuffix(body, "\n") {
			body += "\n"
		}
		return body + "\n" + text
	}
	head := strings.Join(lines[:at], "")
	return head + text + "\n" + strings.Join(lines[at:], "")
}
