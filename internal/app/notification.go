package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/jobs"
	"github.com/firebreak-hq/firebreak/internal/notification"
	"github.com/firebreak-hq/firebreak/internal/notify/email"
	"github.com/firebreak-hq/firebreak/internal/notify/push"
	"github.com/firebreak-hq/firebreak/internal/notify/sms"
)

// registerNotificationJobs registers the delivery pipeline's workers; they
// reach the service built later by buildNotifications.
func (a *App) registerNotificationJobs(reg *jobs.Registry) {
	// Delivery jobs queued by an earlier version: their deliveries are
	// pending rows, which the dispatcher sends; one only nudges it.
	jobs.Handle(reg, func(ctx context.Context, j notification.DeliverJob, n int) error {
		a.Notifications.Wake()
		return nil
	})
	jobs.Handle(reg, func(ctx context.Context, j notification.BatchJob, n int) error {
		return a.Notifications.SendBatch(ctx, j, n)
	})
	jobs.Handle(reg, func(ctx context.Context, j notification.VerifyJob, n int) error {
		return a.Notifications.SendCode(ctx, j, n)
	})
}

// buildNotifications wires personal notifications: a sender per configured
// kind (email with smtp.*, webhook/ntfy always — to public addresses only
// unless notifications.webhook_allow_private —, SMS with notifications.sms.*)
// and, when paging is built, the pager both ways.
func (a *App) buildNotifications(q *jobs.Queue, opts Options) error {
	n := notification.NewService(a.Store.Notifications(q), a.Now, a.Log)
	var mailer email.Mailer
	if opts.Mailer != nil {
		mailer = opts.Mailer
	} else if a.Config.SMTP.Host != "" {
		s, err := a.smtpSender()
		if err != nil {
			return err
		}
		mailer = s
	}
	if mailer != nil {
		n.Register(notification.Email, email.NewPersonal(mailer))
	}
	hc := opts.WebhookHTTP
	if hc == nil && !a.Config.Notifications.AllowPrivateWebhooks() {
		hc = push.PublicOnlyClient()
	}
	n.Register(notification.Webhook, push.New(hc))
	provider, err := a.smsProvider(opts)
	if err != nil {
		return err
	}
	if provider != nil {
		n.Register(notification.SMS, sms.New(provider))
	}
	a.Notifications = n
	if a.Paging != nil {
		a.usePagingNotifications(n)
	}
	return nil
}

func (a *App) smsProvider(opts Options) (sms.Provider, error) {
	c := a.Config.Notifications.SMS
	switch c.Provider {
	case "twilio":
		t, err := sms.NewTwilio(sms.TwilioConfig{AccountSID: c.Twilio.AccountSID, AuthToken: c.Twilio.AuthToken,
			From: c.Twilio.From, BaseURL: c.Twilio.BaseURL, Client: opts.WebhookHTTP, StatusCallback: a.Config.BaseURL + twilioStatusPath})
		a.twilio = t
		return t, err
	case "gateway":
		var headers map[string]string
		if c.Gateway.Authorization != "" {
			headers = map[string]string{"Authorization": c.Gateway.Authorization}
		}
		g, err := sms.NewGateway(sms.GatewayConfig{URL: c.Gateway.URL, Method: c.Gateway.Method, Body: c.Gateway.Body,
			ContentType: c.Gateway.ContentType, Headers: headers, Client: opts.WebhookHTTP})
		if err != nil {
			return nil, fmt.Errorf("notifications.sms.gateway: %w", err)
		}
		return g, nil
	}
	return nil, nil
}

// handoffEvery is how often each node looks for shifts about to begin.
const handoffEvery = time.Minute

// handoffLoop sends handoff notices until ctx ends. Every node runs it; the
// notices' idempotency keys make each go out once.
func (a *App) handoffLoop(ctx context.Context) {
	if a.OnCall == nil {
		return
	}
	t := time.NewTicker(handoffEvery)
	defer t.Stop()
	for {
		if _, err := a.Notifications.SendHandoffs(ctx, shiftSource{a}); err != nil && ctx.Err() == nil {
			a.Log.Warn("handoff notices", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// shiftSource adapts on-call's ShiftsStarting to the notices: it adds the
// schedule's name and the person's time zone.
type shiftSource struct{ a *App }

func (s shiftSource) ShiftsStarting(ctx context.Context, from, to time.Time) ([]notification.Handoff, error) {
	shifts, err := s.a.OnCall.ShiftsStarting(ctx, from, to)
	if err != nil {
		return nil, err
	}
	sys := access.With(ctx, access.System)
	var out []notification.Handoff
	for _, sh := range shifts {
		h := notification.Handoff{ScheduleID: sh.ScheduleID, UserID: sh.UserID, Start: sh.Start, End: sh.End}
		if sc, err := s.a.OnCall.Schedule(sys, sh.ScheduleID); err == nil {
			h.ScheduleName = sc.Name
		}
		if u, err := s.a.Auth.GetUser(sys, sh.UserID); err == nil {
			h.TimeZone = u.TimeZone
		}
		out = append(out, h)
	}
	return out, nil
}

// twilioStatusPath is where Twilio reports what became of each text.
const twilioStatusPath = "/hooks/twilio/status"

// twilioHook takes Twilio's status callbacks: the delivery receipts of
// texts, authenticated by their X-Twilio-Signature over the URL Twilio was
// given (the base URL's). A text the carrier could not deliver fails its
// delivery, on the page's timeline too.
func (a *App) twilioHook(w http.ResponseWriter, r *http.Request) {
	if a.twilio == nil {
		http.NotFound(w, r)
		return
	}
	rc, ok, err := a.twilio.Receipt(r, a.Config.BaseURL+r.URL.RequestURI())
	switch {
	case errors.Is(err, sms.ErrSignature): // hookAnswer refuses it with 401
	case err != nil:
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	case ok:
		err = a.Notifications.Receive(r.Context(), rc)
	}
	a.hookAnswer(w, "twilio status", err)
}
