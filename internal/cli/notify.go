package cli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/firebreak-hq/firebreak/internal/client"
)

// NotifyCmd manages how Firebreak reaches you: contact methods, rules,
// the low-urgency digest, and your notification history.
type NotifyCmd struct {
	Contact NotifyContactCmd `cmd:"" help:"Your contact methods: list, add, verify, resend, test, remove."`
	Rule    NotifyRuleCmd    `cmd:"" help:"Your notification rules: which contact method, for which urgency, after how many minutes."`
	Digest  NotifyDigestCmd  `cmd:"" help:"Collect low-urgency notifications into a digest every N minutes (0: send each at once)."`
	History NotifyHistoryCmd `cmd:"" help:"Your notifications, newest first: sent, failed and why, cancelled, collapsed."`
}

// NotifyContactCmd groups the contact-method commands.
type NotifyContactCmd struct {
	List   NotifyContactListCmd   `cmd:"" default:"withargs" help:"List your contact methods."`
	Add    NotifyContactAddCmd    `cmd:"" help:"Add a contact method; a verification code is sent to it."`
	Verify NotifyContactVerifyCmd `cmd:"" help:"Verify a contact method with the code it received."`
	Resend NotifyContactResendCmd `cmd:"" help:"Send a new verification code."`
	Test   NotifyContactTestCmd   `cmd:"" help:"Send a test notification to a verified contact method."`
	Remove NotifyContactRemoveCmd `cmd:"" help:"Remove a contact method and its rules."`
}

// NotifyContactListCmd lists contact methods.
type NotifyContactListCmd struct{}

// Run prints the caller's contact methods.
func (c *NotifyContactListCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	cs, err := cl.ContactMethods(e.ctx)
	if err != nil {
		return err
	}
	if e.json {
		return e.printValue(cs)
	}
	if len(cs.ContactMethods) == 0 {
		e.printf("You have no contact methods. Add one: firebreak notify contact add %s ADDRESS\n", strings.Join(cs.Kinds, "|"))
		return nil
	}
	w := table(e.stdout)
	row(w, "ID", "KIND", "NAME", "ADDRESS", "VERIFIED")
	for _, m := range cs.ContactMethods {
		v := "no (firebreak notify contact verify " + strconv.FormatInt(m.ID, 10) + " CODE)"
		if m.Verified {
			v = "yes"
		}
		row(w, strconv.FormatInt(m.ID, 10), m.Kind, m.Name, m.Address, v)
	}
	return w.Flush()
}

// NotifyContactAddCmd adds a contact method.
type NotifyContactAddCmd struct {
	Kind    string `arg:"" help:"email, webhook (an ntfy topic URL or any JSON receiver), sms, or slack when chat is configured."`
	Address string `arg:"" help:"The address: name@example.com, https://ntfy.sh/your-topic, +49 170 1234567."`
	Name    string `help:"A name to recognise it by, e.g. 'Work phone'."`
}

// Run adds the contact method.
func (c *NotifyContactAddCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	m, err := cl.AddContactMethod(e.ctx, c.Kind, c.Name, c.Address)
	if err != nil {
		return err
	}
	if e.json {
		return e.printValue(m)
	}
	e.printf("Added %s %s (id %d). A code is on its way; verify with: firebreak notify contact verify %d CODE\n", m.Kind, m.Address, m.ID, m.ID)
	return nil
}

// NotifyContactVerifyCmd verifies a contact method.
type NotifyContactVerifyCmd struct {
	ID   int64  `arg:"" help:"The contact method's id."`
	Code string `arg:"" help:"The six-digit code it received."`
}

// Run verifies the contact method.
func (c *NotifyContactVerifyCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	m, err := cl.VerifyContactMethod(e.ctx, c.ID, c.Code)
	if err != nil {
		return err
	}
	if e.json {
		return e.printValue(m)
	}
	e.printf("Verified %s %s: Firebreak notifies you there now.\n", m.Kind, m.Address)
	return nil
}

// NotifyContactResendCmd asks for a new code.
type NotifyContactResendCmd struct {
	ID int64 `arg:"" help:"The contact method's id."`
}

// Run asks for a new code.
func (c *NotifyContactResendCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	if err := cl.ResendCode(e.ctx, c.ID); err != nil {
		return err
	}
	e.printf("A new code is on its way; the previous one no longer works.\n")
	return nil
}

// NotifyContactTestCmd sends a test notification.
type NotifyContactTestCmd struct {
	ID int64 `arg:"" help:"The contact method's id."`
}

// Run sends the test.
func (c *NotifyContactTestCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	d, err := cl.TestContactMethod(e.ctx, c.ID)
	if err != nil {
		return err
	}
	if e.json {
		return e.printValue(d)
	}
	e.printf("Test notification queued (delivery %d). 'firebreak notify history' shows whether it went out.\n", d.ID)
	return nil
}

// NotifyContactRemoveCmd removes a contact method.
type NotifyContactRemoveCmd struct {
	ID int64 `arg:"" help:"The contact method's id."`
}

// Run removes it.
func (c *NotifyContactRemoveCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	if err := cl.RemoveContactMethod(e.ctx, c.ID); err != nil {
		return err
	}
	e.printf("Removed contact method %d and its rules.\n", c.ID)
	return nil
}

// NotifyRuleCmd groups the rule commands.
type NotifyRuleCmd struct {
	List   NotifyRuleListCmd   `cmd:"" default:"withargs" help:"List your rules and what a page would do now."`
	Add    NotifyRuleAddCmd    `cmd:"" help:"Add a rule."`
	Remove NotifyRuleRemoveCmd `cmd:"" help:"Remove a rule."`
}

// NotifyRuleListCmd lists rules.
type NotifyRuleListCmd struct{}

// Run prints the rules and the plan per urgency.
func (c *NotifyRuleListCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	rs, err := cl.NotificationRules(e.ctx)
	if err != nil {
		return err
	}
	if e.json {
		return e.printValue(rs)
	}
	cs, err := cl.ContactMethods(e.ctx)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for _, m := range cs.ContactMethods {
		names[m.ID] = fmt.Sprintf("%s %s", m.Kind, m.Address)
	}
	if len(rs.Rules) > 0 {
		w := table(e.stdout)
		row(w, "ID", "URGENCY", "AFTER", "CONTACT METHOD")
		for _, r := range rs.Rules {
			row(w, strconv.FormatInt(r.ID, 10), r.Urgency, fmt.Sprintf("%d min", r.DelayMinutes), names[r.ContactMethodID])
		}
		if err := w.Flush(); err != nil {
			return err
		}
		e.printf("\n")
	}
	for _, u := range []string{"high", "low"} {
		steps := rs.Plan[u]
		if len(steps) == 0 {
			e.printf("A %s-urgency notification reaches you nowhere: add and verify a contact method.\n", u)
			continue
		}
		var parts []string
		for _, s := range steps {
			parts = append(parts, fmt.Sprintf("%s at %d min", names[s.ContactMethodID], s.DelayMinutes))
		}
		how := ""
		if steps[0].Default {
			how = " (default: you have no %s-urgency rules)"
			how = fmt.Sprintf(how, u)
		}
		e.printf("A %s-urgency notification goes to: %s%s.\n", u, strings.Join(parts, ", "), how)
	}
	return nil
}

// NotifyRuleAddCmd adds a rule.
type NotifyRuleAddCmd struct {
	Contact int64  `arg:"" help:"The contact method's id ('firebreak notify contact' lists them)."`
	Urgency string `help:"high or low." default:"high" enum:"high,low"`
	Delay   int    `help:"Minutes after the notification (0–1440)." default:"0"`
}

// Run adds the rule.
func (c *NotifyRuleAddCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	r, err := cl.AddNotificationRule(e.ctx, client.NotificationRule{ContactMethodID: c.Contact, Urgency: c.Urgency, DelayMinutes: c.Delay})
	if err != nil {
		return err
	}
	if e.json {
		return e.printValue(r)
	}
	e.printf("Added rule %d: %s urgency → contact method %d after %d min.\n", r.ID, r.Urgency, r.ContactMethodID, r.DelayMinutes)
	return nil
}

// NotifyRuleRemoveCmd removes a rule.
type NotifyRuleRemoveCmd struct {
	ID int64 `arg:"" help:"The rule's id."`
}

// Run removes it.
func (c *NotifyRuleRemoveCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	if err := cl.RemoveNotificationRule(e.ctx, c.ID); err != nil {
		return err
	}
	e.printf("Removed rule %d.\n", c.ID)
	return nil
}

// NotifyDigestCmd sets the low-urgency digest.
type NotifyDigestCmd struct {
	Minutes *int `arg:"" optional:"" help:"Every how many minutes (0: off). Without it, shows the setting."`
}

// Run sets or shows the digest interval.
func (c *NotifyDigestCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	var s client.NotificationSettings
	if c.Minutes == nil {
		s, err = cl.NotificationSettings(e.ctx)
	} else {
		s, err = cl.SetNotificationSettings(e.ctx, client.NotificationSettings{DigestMinutes: *c.Minutes})
	}
	if err != nil {
		return err
	}
	if e.json {
		return e.printValue(s)
	}
	if s.DigestMinutes == 0 {
		e.printf("Low-urgency notifications are sent at once (no digest).\n")
		return nil
	}
	e.printf("Low-urgency notifications are collected into a digest every %d minutes.\n", s.DigestMinutes)
	return nil
}

// NotifyHistoryCmd lists deliveries.
type NotifyHistoryCmd struct {
	User  string `help:"Another person's history (admins)."`
	Limit int    `help:"At most this many." default:"30"`
}

// Run prints the history.
func (c *NotifyHistoryCmd) Run(e *env) error {
	cl, err := e.client()
	if err != nil {
		return err
	}
	var uid int64
	if c.User != "" {
		if uid, err = e.userID(cl, c.User); err != nil {
			return err
		}
	}
	ds, err := cl.Deliveries(e.ctx, uid, c.Limit)
	if err != nil {
		return err
	}
	if e.json {
		return e.printValue(ds)
	}
	if len(ds) == 0 {
		e.printf("No notifications yet.\n")
		return nil
	}
	w := table(e.stdout)
	row(w, "WHEN", "STATE", "VIA", "URGENCY", "SUBJECT", "NOTE")
	for _, d := range ds {
		when := d.DueAt
		if d.SentAt != nil {
			when = *d.SentAt
		}
		row(w, e.when(when), d.State, d.Kind+" "+d.Address, d.Urgency, d.Subject, d.Error)
	}
	return w.Flush()
}
