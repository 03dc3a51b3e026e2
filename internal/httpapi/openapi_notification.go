package httpapi

// notificationPathParams describes the path parameters of the notification routes.
var notificationPathParams = map[string]string{
	"contact": "A contact method id (one of the caller's).",
	"rule":    "A notification rule id (one of the caller's).",
}

const contactDesc = "Kinds: `email` (an address), `webhook` (an http(s) URL; a JSON POST per message that an ntfy topic URL such as " +
	"https://ntfy.sh/your-topic shows as a push notification), `sms` (a number with its country code, stored as E.164), and `slack` " +
	"when chat is configured; `kinds` in the list says which this server can send to. A new contact method is sent a six-digit code " +
	"(valid 15 minutes, 5 tries) and is used only once verified with it."

// notificationOperations describes the personal-notification routes.
var notificationOperations = map[string]op{
	"GET /api/v1/me/contact-methods":              {tag: "notifications", summary: "My contact methods, and the kinds this server can send to", status: 200, resp: contactList{}},
	"POST /api/v1/me/contact-methods":             {tag: "notifications", summary: "Add a contact method and send it a verification code", desc: contactDesc, body: contactBody{}, status: 201, resp: ContactMethod{}, errors: []int{409}},
	"DELETE /api/v1/me/contact-methods/{contact}": {tag: "notifications", summary: "Remove a contact method and its rules (its deliveries stay in the history)", status: 204},
	"POST /api/v1/me/contact-methods/{contact}/verify": {tag: "notifications", summary: "Verify a contact method with the code sent to it",
		desc: "A wrong code counts against the five tries even though it is refused (400).", body: verifyBody{}, status: 200, resp: ContactMethod{}},
	"POST /api/v1/me/contact-methods/{contact}/resend-code": {tag: "notifications", summary: "Send a new verification code (at most one a minute)", status: 202, errors: []int{409}},
	"POST /api/v1/me/contact-methods/{contact}/test": {tag: "notifications", summary: "Send a test notification to a verified contact method",
		desc: "It goes through the whole delivery pipeline, throttle included; its outcome shows in the history. 400 when the method is not verified yet.", status: 202, resp: DeliveryOut{}, errors: []int{400}},
	"GET /api/v1/me/notification-rules": {tag: "notifications", summary: "My notification rules, and what a message of each urgency would do now",
		desc:   "Without a rule for an urgency the default applies: high urgency to every verified contact method at once, low urgency to verified email addresses (or every verified method without one).",
		status: 200, resp: notificationRuleList{}},
	"POST /api/v1/me/notification-rules": {tag: "notifications", summary: "Add a rule: this contact method, for this urgency, this many minutes after the message",
		desc: "E.g. push and email at 0 minutes and SMS at 3 for high urgency: the SMS goes only if the page is still open by then. Delays are 0–1440 minutes.",
		body: ruleBody{}, status: 201, resp: NotificationRule{}, errors: []int{409}},
	"DELETE /api/v1/me/notification-rules/{rule}": {tag: "notifications", summary: "Remove a rule", status: 204},
	"GET /api/v1/me/notification-settings":        {tag: "notifications", summary: "My notification settings", status: 200, resp: settingsBody{}},
	"PUT /api/v1/me/notification-settings": {tag: "notifications", summary: "Set my notification settings",
		desc: "`digest_minutes` > 0 collects low-urgency messages into one digest per contact method sent at every multiple of that interval (since midnight UTC); 0 sends them at once.",
		body: settingsBody{}, status: 200, resp: settingsBody{}},
	"GET /api/v1/me/deliveries": {tag: "notifications", summary: "My notifications, newest first: sent, failed (with the reason), cancelled, or collapsed into a summary",
		query: []param{limitParam}, status: 200, resp: notificationDeliveryList{}},
	"GET /api/v1/users/{id}/deliveries": {tag: "notifications", summary: "A person's notifications, newest first (admins, or the person)",
		query: []param{limitParam}, status: 200, resp: notificationDeliveryList{}},
}
