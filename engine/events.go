package engine

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/gitpod-mock/orgmock/engine/connect"
)

// Bounds of the event streams (GET /_mock/events).
const (
	// maxEventStreams is how many streams may be open at once, all sessions together.
	maxEventStreams = 16
	// eventStreamLife is how long one stream lasts; the client reconnects with since=SEQ (the
	// dashboard does), so no stream holds a connection, or a graceful shutdown, for long.
	eventStreamLife = 30 * time.Second
	// eventBatch is how many entries one wake-up sends at most before looking again.
	eventBatch = 100
	// eventPing is how often an idle stream says it is alive.
	eventPing = 10 * time.Second
)

// streams counts the open event streams and ends them all on CloseStreams.
type streams struct {
	mu   sync.Mutex
	open int
	quit chan struct{}
}

func newStreams() *streams { return &streams{quit: make(chan struct{})} }

func (st *streams) enter() bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	select {
	case <-st.quit:
		return false
	default:
	}
	if st.open >= maxEventStreams {
		return false
	}
	st.open++
	return true
}

func (st *streams) leave() {
	st.mu.Lock()
	st.open--
	st.mu.Unlock()
}

// CloseStreams ends every open event stream, and refuses new ones, so that a server can shut
// down without waiting for them (call it first: http.Server.RegisterOnShutdown, or before
// httptest.Server.Close).
func (s *Server) CloseStreams() {
	s.streams.mu.Lock()
	defer s.streams.mu.Unlock()
	select {
	case <-s.streams.quit:
	default:
		close(s.streams.quit)
	}
}

// changed is closed when the session's journal gains an entry (or is cleared), then replaced.
func (se *session) journalChanged() <-chan struct{} {
	se.mu.Lock()
	defer se.mu.Unlock()
	if se.changed == nil {
		se.changed = make(chan struct{})
	}
	return se.changed
}

// notifyLocked wakes the session's event streams; se.mu is held.
func (se *session) notifyLocked() {
	if se.changed != nil {
		close(se.changed)
		se.changed = nil
	}
}

// GET /_mock/events[?since=SEQ]: the session's journal as server-sent events, one "entry"
// event (the entry as GET /_mock/requests shows it) for each entry after SEQ, then each new
// one as it is recorded; a comment line every 10 s when idle. A "clear" event says the journal
// was emptied; a "reset" event that SEQ belongs to a journal that is no more (a restart, a
// session made again), and the entries from the first follow. The stream ends with its
// session. A stream lasts 30 s; the
// client reconnects with the last seq it saw. At most 16 streams are open at once.
func (s *Server) controlEvents(c echo.Context) error {
	se, err := s.controlSession(c)
	if err != nil {
		return err
	}
	since, err := countParam(c, "since")
	if err != nil {
		return err
	}
	if !s.streams.enter() {
		return connect.Errorf(connect.ResourceExhausted,
			"events: %d streams are open, the most allowed; close one (or the server is stopping)", maxEventStreams)
	}
	defer s.streams.leave()

	w := c.Response()
	w.Header().Set(echo.HeaderContentType, "text/event-stream")
	w.Header().Set(echo.HeaderCacheControl, "no-store")
	w.WriteHeader(http.StatusOK)
	w.Flush()
	ctx := c.Request().Context()
	end := time.NewTimer(eventStreamLife)
	defer end.Stop()
	ping := time.NewTicker(eventPing)
	defer ping.Stop()
	se.mu.Lock()
	clears := se.journal.clears
	se.mu.Unlock()
	for {
		changed := se.journalChanged() // before reading, so that no entry slips between
		se.mu.Lock()
		gone, seq, nowClears := se.gone, se.journal.seq, se.journal.clears
		kept := se.journal.kept("", statusFilter{}, since, eventBatch)
		se.mu.Unlock()
		if gone {
			return nil // the client reconnects, to the session of that name as it is now
		}
		if nowClears != clears || since > seq {
			// Cleared, or the client's seq is from a journal that is no more (a restart, a
			// session made again): it starts over from what is kept now.
			clears = nowClears
			event := "clear"
			if since > seq {
				event, since = "reset", 0
			}
			if _, err := fmt.Fprintf(w, "event: %s\ndata: {}\n\n", event); err != nil {
				return nil
			}
			w.Flush()
			continue
		}
		for i := range kept {
			b, err := json.Marshal(kept[i].view())
			if err != nil {
				return err
			}
			if _, err := fmt.Fprintf(w, "id: %d\nevent: entry\ndata: %s\n\n", kept[i].entry.Seq, b); err != nil {
				return nil // the client went away
			}
			since = kept[i].entry.Seq
		}
		if len(kept) > 0 {
			w.Flush()
			if len(kept) == eventBatch {
				continue
			}
		}
		select {
		case <-changed:
		case <-ping.C:
			if _, err := w.Write([]byte(": ping\n\n")); err != nil {
				return nil
			}
			w.Flush()
		case <-end.C:
			return nil
		case <-s.streams.quit:
			return nil
		case <-ctx.Done():
			return nil
		}
	}
}

// SessionList is the answer of GET /_mock/sessions.
type SessionList struct {
	Sessions []string `json:"sessions"` // every session's name, "" (the default) first, then in order
}

// GET /_mock/sessions: the names of the sessions that exist.
func (s *Server) controlSessions(c echo.Context) error {
	return c.JSON(http.StatusOK, SessionList{Sessions: s.sessions.names()})
}
