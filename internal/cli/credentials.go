package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/client"
)

// credentials is what `firebreak login` stores: where the server is and the
// API token it issued. The file is readable by its owner only.
type credentials struct {
	URL   string `json:"url"`
	Token string `json:"token"`
}

// credentialsPath is $XDG_CONFIG_HOME/firebreak/credentials.json, with
// XDG_CONFIG_HOME defaulting to ~/.config.
func (e *env) credentialsPath() (string, error) {
	dir := e.getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home := e.getenv("HOME")
		if home == "" {
			var err error
			if home, err = os.UserHomeDir(); err != nil {
				return "", fmt.Errorf("cannot find where to keep credentials: set XDG_CONFIG_HOME or HOME")
			}
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "firebreak", "credentials.json"), nil
}

// loadCredentials reads the stored login; a missing file is no login.
func (e *env) loadCredentials() (credentials, string, error) {
	path, err := e.credentialsPath()
	if err != nil {
		return credentials{}, "", err
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return credentials{}, path, nil
	}
	if err != nil {
		return credentials{}, path, err
	}
	var c credentials
	if err := json.Unmarshal(b, &c); err != nil {
		return credentials{}, path, fmt.Errorf("%s is damaged (%v); run 'firebreak login' again", path, err)
	}
	return c, path, nil
}

// saveCredentials writes c atomically with mode 0600 in a 0700 directory.
func (e *env) saveCredentials(c credentials) (string, error) {
	path, err := e.credentialsPath()
	if err != nil {
		return "", err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return "", err
	}
	f, err := os.CreateTemp(dir, ".credentials-*.json")
	if err != nil {
		return "", err
	}
	defer os.Remove(f.Name()) // after the rename, a no-op
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return "", err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return "", err
	}
	return path, nil
}

// normalizeURL checks a server address and drops a trailing slash.
func normalizeURL(raw string) (string, error) {
	raw = strings.TrimRight(strings.TrimSpace(raw), "/")
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%q is not a server address like https://firebreak.example.com", raw)
	}
	return raw, nil
}

// server returns where to talk to and with which token: FIREBREAK_URL and
// FIREBREAK_TOKEN override the stored login. A stored token is only ever
// sent to the server that issued it.
func (e *env) server() (baseURL, token string, err error) {
	baseURL, token = e.getenv("FIREBREAK_URL"), e.getenv("FIREBREAK_TOKEN")
	if baseURL == "" || token == "" {
		stored, _, err := e.loadCredentials()
		if err != nil {
			return "", "", err
		}
		switch {
		case baseURL == "":
			baseURL = stored.URL
			if token == "" {
				token = stored.Token
			}
		case token == "" && sameServer(baseURL, stored.URL):
			token = stored.Token
		}
	}
	if baseURL == "" {
		return "", "", errors.New("not signed in: run 'firebreak login --url https://your-firebreak', or set FIREBREAK_URL and FIREBREAK_TOKEN")
	}
	if baseURL, err = normalizeURL(baseURL); err != nil {
		return "", "", fmt.Errorf("FIREBREAK_URL: %w", err)
	}
	if token == "" {
		return "", "", fmt.Errorf("no API token for %s: run 'firebreak login --url %s', or set FIREBREAK_TOKEN", baseURL, baseURL)
	}
	return baseURL, token, nil
}

func sameServer(a, b string) bool {
	return strings.TrimRight(a, "/") == strings.TrimRight(b, "/")
}

// client is an API client of the server the environment or the stored login names.
func (e *env) client() (*client.Client, error) {
	baseURL, token, err := e.server()
	if err != nil {
		return nil, err
	}
	return client.New(baseURL, token, e.httpClient()), nil
}

func (e *env) httpClient() *http.Client {
	if e.hc != nil {
		return e.hc
	}
	return &http.Client{Timeout: 30 * time.Second}
}
