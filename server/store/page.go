package store

import (
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// PageSizes are the page sizes of the List operations: what a request without one gets, and
// the most it may ask for. They come from the contract (PaginationRequest.pageSize).
type PageSizes struct {
	Default, Max int
}

// PageRequest asks for one page of a List. Size 0 means the default size.
type PageRequest struct {
	Token string
	Size  int
	// TokenField names where the token came from ("token" or "pagination.token"), for messages.
	TokenField string
}

// pager issues and checks page tokens. A token is a signed cursor: the (createdAt, id) of the
// last item of the page, the collection and the organization. Keyset paging never skips or
// repeats an item that exists throughout a walk, whatever is added or deleted meanwhile; the
// signature makes a token we did not issue (or one for another list) an invalid_argument.
type pager struct {
	key   []byte
	sizes PageSizes
}

type cursor struct {
	List string `json:"l"`
	Org  string `json:"o"`
	Sec  int64  `json:"s"` // createdAt: Unix seconds and nanoseconds, which cover every time
	Nsec int64  `json:"n"` // (Unix nanoseconds alone overflow before 1678 and after 2262)
	ID   string `json:"i"`
}

// keyed is what a paged collection exposes: its ordering key.
type keyed interface {
	pageKey() (time.Time, string)
}

// page sorts items by (createdAt, id) and returns the page req asks for, with the token of the
// next page ("" on the last page).
func page[T keyed](p pager, list, org string, items []T, req PageRequest) ([]T, string, error) {
	size := req.Size
	if size <= 0 {
		size = p.sizes.Default
	}
	if size > p.sizes.Max {
		return nil, "", errorf(ErrInvalidArgument, "pageSize: must be at most %d", p.sizes.Max)
	}
	slices.SortFunc(items, func(a, b T) int {
		at, aid := a.pageKey()
		bt, bid := b.pageKey()
		return cmp.Or(at.Compare(bt), strings.Compare(aid, bid))
	})
	if req.Token != "" {
		c, ok := p.decode(req.Token)
		if !ok || c.List != list || c.Org != org {
			field := req.TokenField
			if field == "" {
				field = "token"
			}
			return nil, "", errorf(ErrInvalidArgument, "%s: not a page token issued by this server for %s", field, list)
		}
		after := time.Unix(c.Sec, c.Nsec)
		start, _ := slices.BinarySearchFunc(items, c, func(it T, c cursor) int {
			t, id := it.pageKey()
			if n := t.Compare(after); n != 0 {
				return n
			}
			return strings.Compare(id, c.ID)
		})
		// Skip the cursor item itself if it still exists.
		if start < len(items) {
			if t, id := items[start].pageKey(); t.Equal(after) && id == c.ID {
				start++
			}
		}
		items = items[start:]
	}
	if len(items) <= size {
		return items, "", nil
	}
	items = items[:size]
	t, id := items[size-1].pageKey()
	return items, p.encode(cursor{List: list, Org: org, Sec: t.Unix(), Nsec: int64(t.Nanosecond()), ID: id}), nil
}

func (p pager) encode(c cursor) string {
	payload, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(payload) + "." + base64.RawURLEncoding.EncodeToString(p.sign(payload))
}

func (p pager) decode(token string) (cursor, bool) {
	var c cursor
	body, sig, ok := strings.Cut(token, ".")
	if !ok {
		return c, false
	}
	payload, err1 := base64.RawURLEncoding.Strict().DecodeString(body)
	mac, err2 := base64.RawURLEncoding.Strict().DecodeString(sig)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, p.sign(payload)) {
		return c, false
	}
	return c, json.Unmarshal(payload, &c) == nil
}

func (p pager) sign(payload []byte) []byte {
	m := hmac.New(sha256.New, p.key)
	m.Write(payload)
	return m.Sum(nil)[:16]
}
