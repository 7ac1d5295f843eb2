package store

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"

	"github.com/google/btree"
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

// indexKey orders a paged collection: by organization, then (createdAt, id), the order List
// answers in.
type indexKey struct {
	org string
	at  time.Time
	id  string
}

func (a indexKey) less(b indexKey) bool {
	if a.org != b.org {
		return a.org < b.org
	}
	if n := a.at.Compare(b.at); n != 0 {
		return n < 0
	}
	return a.id < b.id
}

// index is an ordered index of a collection: a page costs O(log n + page size).
type index = btree.BTreeG[indexKey]

func newIndex() *index { return btree.NewG(32, indexKey.less) }

// page returns the page req asks for of org's records in idx, read with get, and the token of
// the next page ("" on the last page).
func page[T any](p pager, list, org string, idx *index, get func(id string) T, req PageRequest) ([]T, string, error) {
	size := req.Size
	if size <= 0 {
		size = p.sizes.Default
	}
	if size > p.sizes.Max {
		return nil, "", errorf(ErrInvalidArgument, "pageSize: must be at most %d", p.sizes.Max)
	}
	from := indexKey{org: org} // the zero time comes before every record's
	if req.Token != "" {
		c, ok := p.decode(req.Token)
		if !ok || c.List != list || c.Org != org {
			field := req.TokenField
			if field == "" {
				field = "token"
			}
			return nil, "", errorf(ErrInvalidArgument, "%s: not a page token issued by this server for %s", field, list)
		}
		from = indexKey{org: org, at: time.Unix(c.Sec, c.Nsec), id: c.ID}
	}
	var keys []indexKey
	idx.AscendGreaterOrEqual(from, func(k indexKey) bool {
		if k.org != org {
			return false
		}
		if req.Token != "" && k.id == from.id && k.at.Equal(from.at) {
			return true // the cursor item itself, if it still exists
		}
		keys = append(keys, k)
		return len(keys) <= size // one more than a page: is there a next?
	})
	next := ""
	if len(keys) > size {
		keys = keys[:size]
		last := keys[size-1]
		next = p.encode(cursor{List: list, Org: org, Sec: last.at.Unix(), Nsec: int64(last.at.Nanosecond()), ID: last.id})
	}
	items := make([]T, len(keys))
	for i, k := range keys {
		items[i] = get(k.id)
	}
	return items, next, nil
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
