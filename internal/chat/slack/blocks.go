package slack

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/firebreak-hq/firebreak/internal/chat"
)

// Callback ids of the modals and the message shortcut (also in the manifest).
const (
	callbackDeclare = "firebreak_declare"
	callbackUpdate  = "firebreak_update"
	callbackCapture = "firebreak_capture" // message shortcut "Add to incident timeline"
)

// Block and action ids of the modals' inputs.
const (
	blockTitle    = "title"
	blockSeverity = "severity"
	blockSummary  = "summary"
	blockLead     = "lead"
	blockStatus   = "status"
	blockBody     = "body"
	blockPubTitle = "public_title"
)

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, true, false)
}
func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

// escape makes text safe inside mrkdwn: &, < and > are Slack's control characters.
func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// CardBlocks renders an incident card as Block Kit.
func CardBlocks(c chat.Card) []slack.Block {
	blocks := []slack.Block{
		slack.NewHeaderBlock(plain(clipText(c.Ref+": "+c.Title, 150))),
		slack.NewSectionBlock(nil, []*slack.TextBlockObject{
			mrkdwn("*Severity*\n" + escape(c.Severity)),
			mrkdwn("*Stage*\n" + escape(c.Stage)),
		}, nil),
	}
	if c.Summary != "" {
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(escape(clipText(c.Summary, 2900))), nil, nil))
	}
	var roles []*slack.TextBlockObject
	for _, r := range c.Roles {
		names := make([]string, 0, len(r.Holders))
		for _, p := range r.Holders {
			if p.ChatUserID != "" {
				names = append(names, "<@"+p.ChatUserID+">")
			} else {
				names = append(names, escape(p.Name))
			}
		}
		who := "_vacant_"
		if len(names) > 0 {
			who = strings.Join(names, ", ")
		}
		roles = append(roles, mrkdwn("*"+r.Label+"*\n"+who))
	}
	blocks = append(blocks, slack.NewSectionBlock(nil, roles, nil))
	if len(c.Links) > 0 {
		var parts []string
		for _, l := range c.Links {
			parts = append(parts, fmt.Sprintf("<%s|%s>", l.URL, escape(l.Label)))
		}
		blocks = append(blocks, slack.NewContextBlock("links", mrkdwn(strings.Join(parts, "  ·  "))))
	}
	if len(c.Actions) > 0 {
		var els []slack.BlockElement
		for _, a := range c.Actions {
			b := slack.NewButtonBlockElement(a.ID, a.Value, plain(a.Label))
			if a.Style != "" {
				b = b.WithStyle(slack.Style(a.Style))
			}
			els = append(els, b)
		}
		blocks = append(blocks, slack.NewActionBlock("actions", els...))
	}
	return blocks
}

// ModalView renders a chat form as a Slack modal.
func ModalView(m chat.Modal) slack.ModalViewRequest {
	switch m.Kind {
	case chat.ModalUpdate:
		return updateView(m)
	}
	return declareView(m)
}

func declareView(m chat.Modal) slack.ModalViewRequest {
	var sevs []*slack.OptionBlockObject
	for _, s := range m.Severities {
		sevs = append(sevs, slack.NewOptionBlockObject(s, plain(s), nil))
	}
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Choose"), blockSeverity, sevs...)
	if len(sevs) > 0 {
		sel.InitialOption = sevs[len(sevs)/2]
	}
	title := slack.NewPlainTextInputBlockElement(plain("What is broken, for whom?"), blockTitle)
	title.InitialValue = m.Title
	summary := slack.NewPlainTextInputBlockElement(plain("What do we know so far?"), blockSummary)
	summary.Multiline = true
	lead := slack.NewOptionBlockObject("lead", plain("I will lead it (Incident Manager)"), nil)
	check := slack.NewCheckboxGroupsBlockElement(blockLead, lead)
	check.InitialOptions = []*slack.OptionBlockObject{lead}
	summaryIn := slack.NewInputBlock(blockSummary, plain("Summary"), nil, summary)
	summaryIn.Optional = true
	leadIn := slack.NewInputBlock(blockLead, plain("Role"), nil, check)
	leadIn.Optional = true
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: callbackDeclare, PrivateMetadata: m.ChannelID,
		Title: plain("Declare an incident"), Submit: plain("Declare"), Close: plain("Cancel"),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewInputBlock(blockTitle, plain("Title"), nil, title),
			slack.NewInputBlock(blockSeverity, plain("Severity"), nil, sel),
			summaryIn, leadIn,
		}},
	}
}

func updateView(m chat.Modal) slack.ModalViewRequest {
	var opts []*slack.OptionBlockObject
	var initial *slack.OptionBlockObject
	for _, s := range m.Statuses {
		o := slack.NewOptionBlockObject(s, plain(strings.ToUpper(s[:1])+strings.ReplaceAll(s[1:], "_", " ")), nil)
		opts = append(opts, o)
		if s == m.Status {
			initial = o
		}
	}
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Status"), blockStatus, opts...)
	sel.InitialOption = initial
	title := slack.NewPlainTextInputBlockElement(plain("Public title"), blockPubTitle)
	title.InitialValue = m.Title
	body := slack.NewPlainTextInputBlockElement(plain("What customers should know"), blockBody)
	body.Multiline, body.InitialValue = true, m.Body
	blocks := []slack.Block{}
	if m.Reason != "" {
		blocks = append(blocks, slack.NewContextBlock("reason", mrkdwn(escape(m.Reason))))
	}
	blocks = append(blocks,
		slack.NewInputBlock(blockStatus, plain("Status"), nil, sel),
		slack.NewInputBlock(blockPubTitle, plain("Title on the status page"), nil, title),
		slack.NewInputBlock(blockBody, plain("Update"), nil, body))
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: callbackUpdate,
		PrivateMetadata: strconv.FormatInt(m.Number, 10) + ":" + strconv.FormatInt(m.PageID, 10),
		Title:           plain(clipText("Update INC-"+strconv.FormatInt(m.Number, 10), 24)), Submit: plain("Publish"), Close: plain("Cancel"),
		Blocks: slack.Blocks{BlockSet: blocks},
	}
}

// declareForm reads a submitted declare modal.
func declareForm(v slack.View) chat.DeclareForm {
	vals := stateValues(v)
	f := chat.DeclareForm{
		Title:    vals[blockTitle][blockTitle].Value,
		Severity: vals[blockSeverity][blockSeverity].SelectedOption.Value,
		Summary:  vals[blockSummary][blockSummary].Value,
	}
	for _, o := range vals[blockLead][blockLead].SelectedOptions {
		f.Lead = f.Lead || o.Value == "lead"
	}
	return f
}

// updateForm reads a submitted update modal.
func updateForm(v slack.View) (chat.UpdateForm, error) {
	n, p, _ := strings.Cut(v.PrivateMetadata, ":")
	number, err := strconv.ParseInt(n, 10, 64)
	if err != nil {
		return chat.UpdateForm{}, fmt.Errorf("update modal: bad metadata %q", v.PrivateMetadata)
	}
	page, _ := strconv.ParseInt(p, 10, 64)
	vals := stateValues(v)
	return chat.UpdateForm{Number: number, PageID: page,
		Status: vals[blockStatus][blockStatus].SelectedOption.Value,
		Title:  vals[blockPubTitle][blockPubTitle].Value,
		Body:   vals[blockBody][blockBody].Value}, nil
}

// stateValues is a submitted view's input values (none when the payload has no state).
func stateValues(v slack.View) map[string]map[string]slack.BlockAction {
	if v.State == nil {
		return nil
	}
	return v.State.Values
}

// fieldBlock maps an invalid field of a form to the block that shows it.
func fieldBlock(field string) string {
	switch field {
	case "title", "severity", "summary", "status", "body":
		return field
	}
	return ""
}

func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
