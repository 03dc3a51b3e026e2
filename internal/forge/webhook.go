package forge

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
)

// Event is what Firebreak reads of a pull_request webhook.
type Event struct {
	Action      string // closed, opened, …
	Merged      bool
	Number      int64
	Branch      string // the head ref
	HeadSHA     string
	MergeCommit string
	URL         string
	Repo        string // owner/name
}

// ErrSignature is a webhook whose signature is missing or wrong.
var ErrSignature = errors.New("webhook signature missing or wrong")

// ErrNotPullRequest is a webhook of another event (a ping, a push): acknowledge and ignore.
var ErrNotPullRequest = errors.New("not a pull_request event")

// ReadWebhook authenticates a webhook from GitHub (X-Hub-Signature-256:
// sha256=<hex HMAC-SHA256 of the body>) or Gitea/Forgejo (X-Gitea-Signature
// or X-Forgejo-Signature: <hex HMAC-SHA256>) with secret, and decodes a
// pull_request event. Other events return ErrNotPullRequest.
func ReadWebhook(r *http.Request, secret string) (Event, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 5<<20))
	if err != nil {
		return Event{}, err
	}
	if !SignatureValid(r.Header, body, secret) {
		return Event{}, ErrSignature
	}
	kind := r.Header.Get("X-GitHub-Event")
	if kind == "" {
		kind = r.Header.Get("X-Gitea-Event")
	}
	if kind == "" {
		kind = r.Header.Get("X-Forgejo-Event")
	}
	if kind != "pull_request" {
		return Event{}, ErrNotPullRequest
	}
	return ParseEvent(body)
}

// SignatureValid checks the body's HMAC-SHA256 in whichever header the forge uses.
func SignatureValid(h http.Header, body []byte, secret string) bool {
	if secret == "" {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	want := mac.Sum(nil)
	sig := strings.TrimPrefix(h.Get("X-Hub-Signature-256"), "sha256=")
	if sig == "" {
		sig = h.Get("X-Gitea-Signature")
	}
	if sig == "" {
		sig = h.Get("X-Forgejo-Signature")
	}
	got, err := hex.DecodeString(sig)
	return err == nil && hmac.Equal(got, want)
}

// ParseEvent decodes a pull_request event body (GitHub and Gitea share it).
func ParseEvent(body []byte) (Event, error) {
	var p struct {
		Action      string      `json:"action"`
		Number      int64       `json:"number"`
		PullRequest PullRequest `json:"pull_request"`
		Repository  struct {
			FullName string `json:"full_name"`
		} `json:"repository"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return Event{}, err
	}
	n := p.PullRequest.Number
	if n == 0 {
		n = p.Number
	}
	return Event{Action: p.Action, Merged: p.PullRequest.Merged, Number: n, Branch: p.PullRequest.Head.Ref,
		HeadSHA: p.PullRequest.Head.SHA, MergeCommit: p.PullRequest.MergeCommit, URL: p.PullRequest.URL, Repo: p.Repository.FullName}, nil
}
