package chat

import (
	"crypto/rand"
	"strconv"
	"strings"
	"unicode"

	"github.com/firebreak-hq/firebreak/internal/incident"
)

// DefaultChannelPattern names incident channels: #inc-42-checkout-is-down.
const DefaultChannelPattern = "inc-{number}-{slug}"

// DefaultCallTemplate gives every incident a Jitsi Meet room, which needs no
// account; {random} makes it unguessable.
const DefaultCallTemplate = "https://meet.jit.si/firebreak-inc-{number}-{random}"

// maxChannelName is Slack's limit on channel names.
const maxChannelName = 80

// ChannelName fills pattern ({number}, {slug}, {severity}) for inc and
// makes the result a valid channel name: lower case letters, digits, - and
// _, at most 80 characters, no doubled or trailing dashes.
func ChannelName(pattern string, inc *incident.Incident) string {
	if pattern == "" {
		pattern = DefaultChannelPattern
	}
	name := strings.NewReplacer(
		"{number}", strconv.FormatInt(inc.Number, 10),
		"{severity}", strings.ToLower(inc.Severity),
		"{slug}", Slug(inc.Title, 40),
	).Replace(pattern)
	name = cleanName(name)
	if len(name) > maxChannelName {
		name = strings.TrimRight(name[:maxChannelName], "-_")
	}
	if name == "" {
		name = "inc-" + strconv.FormatInt(inc.Number, 10)
	}
	return name
}

// Slug turns a title into at most max characters of lower-case words joined
// by dashes, cut at a word boundary.
func Slug(title string, max int) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
	}
	s := b.String()
	if len(s) > max {
		s = s[:max]
		if i := strings.LastIndexByte(s, '-'); i > max/2 {
			s = s[:i]
		}
	}
	return strings.Trim(s, "-")
}

// cleanName keeps the characters channel names allow.
func cleanName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)), r == '_':
			b.WriteRune(r)
		case r == '-' || r == ' ':
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "-") {
				b.WriteByte('-')
			}
		}
	}
	return strings.Trim(b.String(), "-_")
}

// CallLink fills a conference-link template: {number} is the incident's
// number and {random} 16 random letters and digits (80 bits), so a room
// cannot be guessed from the incident number.
func CallLink(template string, number int64) string {
	if template == "" {
		template = DefaultCallTemplate
	}
	link := strings.ReplaceAll(template, "{number}", strconv.FormatInt(number, 10))
	if strings.Contains(link, "{random}") {
		link = strings.ReplaceAll(link, "{random}", randomToken(16))
	}
	return link
}

func randomToken(n int) string {
	const alphabet = "abcdefghijkmnopqrstuvwxyz23456789" // no l, 0, 1: read aloud on a call
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// Topic is the channel topic: what the incident is, where it stands, and its call.
func Topic(inc *incident.Incident, call string) string {
	t := inc.Ref() + " · " + inc.Severity + " · " + inc.Stage.Label() + " · " + inc.Title
	if call != "" {
		t += " · call: " + call
	}
	if len(t) > 250 { // Slack's topic limit
		t = t[:250]
	}
	return t
}
