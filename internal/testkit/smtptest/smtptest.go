// Package smtptest runs a real SMTP server (emersion/go-smtp) in the test
// process and keeps every message it receives, so that tests check what a
// mail server would really get.
package smtptest

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Message is one received email.
type Message struct {
	From   string
	To     []string
	Header mail.Header
	Body   string
	Raw    []byte
}

// Server is an SMTP server on 127.0.0.1.
type Server struct {
	Host string
	Port int

	mu       sync.Mutex
	messages []Message
	arrived  chan struct{}
	refuse   []int // SMTP codes to answer the next RCPTs with
}

// RefuseNext makes the server answer the next recipient with code (e.g.
// 451, a temporary failure, or 550, a permanent one) instead of accepting it.
func (s *Server) RefuseNext(code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse = append(s.refuse, code)
}

// Start runs a server until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{arrived: make(chan struct{}, 1000)}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	addr := ln.Addr().(*net.TCPAddr)
	s.Host, s.Port = "127.0.0.1", addr.Port
	return s
}

// Messages returns what arrived so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Wait waits until n messages arrived in all, or fails the test after timeout.
func (s *Server) Wait(t testing.TB, n int, timeout time.Duration) []Message {
	t.Helper()
	deadline := time.After(timeout)
	for {
		if msgs := s.Messages(); len(msgs) >= n {
			return msgs
		}
		select {
		case <-s.arrived:
		case <-deadline:
			t.Fatalf("smtptest: %d messages arrived within %v, want %d", len(s.Messages()), timeout, n)
		}
	}
}

type session struct {
	s    *Server
	from string
	to   []string
}

func (se *session) Reset()        { se.from, se.to = "", nil }
func (se *session) Logout() error { return nil }
func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	se.from = from
	return nil
}
func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	se.s.mu.Lock()
	if len(se.s.refuse) > 0 {
		code := se.s.refuse[0]
		se.s.refuse = se.s.refuse[1:]
		se.s.mu.Unlock()
		return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 1, 1}, Message: "refused by the test"}
	}
	se.s.mu.Unlock()
	se.to = append(se.to, to)
	return nil
}
func (se *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := mail.ReadMessage(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(m.Body)
	msg := Message{From: se.from, To: se.to, Header: m.Header, Body: decodeQP(m.Header, body), Raw: raw}
	se.s.mu.Lock()
	se.s.messages = append(se.s.messages, msg)
	se.s.mu.Unlock()
	select {
	case se.s.arrived <- struct{}{}:
	default:
	}
	return nil
}

// decodeQP undoes quoted-printable transfer encoding, which mail libraries
// use for text with long lines or non-ASCII characters.
func decodeQP(h mail.Header, body []byte) string {
	if !strings.EqualFold(h.Get("Content-Transfer-Encoding"), "quoted-printable") {
		return string(body)
	}
	out, err := io.ReadAll(newQPReader(body))
	if err != nil {
		return string(body)
	}
	return string(out)
}
