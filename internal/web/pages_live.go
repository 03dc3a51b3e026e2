package web

import (
	"net/http"
	"strconv"

	"github.com/firebreak-hq/firebreak/internal/paging"
)

// Live pages. Paging publishes its topic only when a page is raised,
// acknowledged, resolved or otherwise acted on — not per fired step, since
// on PostgreSQL each NOTIFY serializes commits — so the list and a page's
// view refresh on exactly those changes.

// pageVersion is what a page's view shows, for telling whether it changed:
// every action moves UpdatedAt.
func pageVersion(p paging.Page) int64 { return p.UpdatedAt.UnixMicro() }

// pageListLive answers GET /live/pages: a "changed" event after any page
// is raised or acted on, for the pages list.
func (s *server) pageListLive(w http.ResponseWriter, r *http.Request) error {
	signals, cancel := s.hub.Subscribe(paging.Topic)
	defer cancel()
	var n int64
	s.stream(w, r, signals, false, func() (int64, error) { n++; return n, nil })
	return nil
}

// pageLive answers GET /pages/{id}/live: a "changed" event when this page
// has changed. ?v= (or Last-Event-ID) is the version the view shows; when
// the page moved on since, the event is sent at once. The topic is shared
// by every page, so a signal re-reads the page and passes on only its own
// changes: a busy night does not make every open page reload.
func (s *server) pageLive(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return errNotFoundPage
	}
	ctx := r.Context()
	// Subscribe before reading, so a change in between is not lost.
	signals, cancel := s.hub.Subscribe(paging.Topic)
	defer cancel()
	p, err := s.paging.Get(ctx, id)
	if err != nil {
		return err
	}
	seen, _ := strconv.ParseInt(r.URL.Query().Get("v"), 10, 64)
	if le := r.Header.Get("Last-Event-ID"); le != "" {
		seen, _ = strconv.ParseInt(le, 10, 64)
	}
	cur := pageVersion(p)

	mine := make(chan struct{}, 1)
	go func() {
		defer close(mine) // ends the stream: the client left or the hub closed
		last := cur
		for {
			select {
			case <-ctx.Done():
				return
			case _, ok := <-signals:
				if !ok {
					return
				}
				q, err := s.paging.Get(ctx, id)
				if err != nil || pageVersion(q) == last {
					continue
				}
				last = pageVersion(q)
				select {
				case mine <- struct{}{}:
				default: // one pending signal is enough: the view re-reads
				}
			}
		}
	}()
	s.stream(w, r, mine, seen != 0 && seen != cur, func() (int64, error) {
		q, err := s.paging.Get(ctx, id)
		return pageVersion(q), err
	})
	return nil
}
