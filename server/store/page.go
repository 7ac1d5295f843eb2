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

// pager issues and checks page tokens. A token is a signed cursor: the sort key of the last
// item of the page, the collection, the organization and the query (filter and sort) it was
// issued for. Keyset paging never skips or repeats an item that exists throughout a walk,
// whatever is added or deleted meanwhile; the signature makes a token we did not issue (or
// one for another list, organization or query) an invalid_argument.
type pager struct {
	key   []byte
	sizes PageSizes
}

type cursor struct {
	List  string `json:"l"`
	Org   string `json:"o"`
	Query string `json:"q,omitempty"`
	Name  string `json:"k,omitempty"`
	Sec   int64  `json:"s"` // the time: Unix seconds and nanoseconds, which cover every time
	Nsec  int64  `json:"n"` // (Unix nanoseconds alone overflow before 1678 and after 2262)
	ID    string `json:"i"`
}

// indexKey orders a paged collection: by organization, then (name, time, id), the order List
// answers in. Collections ordered by creation leave name empty.
type indexKey struct {
	org  string
	name string
	at   time.Time
	id   string
}

func (a indexKey) less(b indexKey) bool {
	if a.org != b.org {
		return a.org < b.org
	}
	if a.name != b.name {
		return a.name < b.name
	}
	if n := a.at.Compare(b.at); n != 0 {
		return n < 0
	}
	return a.id < b.id
}

// index is an ordered index of a collection: a page costs O(log n + page size), plus the
// items a filter passes over.
type index = btree.BTreeG[indexKey]

func newIndex() *index { return btree.NewG(32, indexKey.less) }

// listing is what a List pages through: one organization's part of an index, in either
// direction, the items keep accepts (all when nil).
type listing struct {
	list  string // the operation a token is issued for
	org   string
	query string // what else a token is bound to (a filter and sort), "" for nothing
	idx   *index
	desc  bool
	keep  func(id string) bool
	// first, when set, is listed before the walk (ListMembers' default order puts the caller
	// first). Its cursor is the organization's zero key, where the walk starts anyway.
	first string
}

// walk calls f with l's keys after the key from (all when from is nil), in l's order, until f
// returns false.
func (l listing) walk(from *indexKey, f func(indexKey) bool) {
	visit := func(k indexKey) bool {
		if k.org != l.org {
			return !l.desc && k.org < l.org || l.desc && k.org > l.org
		}
		if from != nil && k.id == from.id && k.name == from.name && k.at.Equal(from.at) {
			return true // the cursor item itself, if it still exists
		}
		if l.keep != nil && !l.keep(k.id) {
			return true
		}
		return f(k)
	}
	switch {
	case !l.desc && from == nil:
		l.idx.AscendGreaterOrEqual(indexKey{org: l.org}, visit) // the zero key comes first
	case !l.desc:
		l.idx.AscendGreaterOrEqual(*from, visit)
	case from == nil:
		// The last possible key of the organization: org ids are UUIDs, none has this suffix.
		l.idx.DescendLessOrEqual(indexKey{org: l.org + "\x7f"}, visit)
	default:
		l.idx.DescendLessOrEqual(*from, visit)
	}
}

// count is how many items l holds.
func (l listing) count() int {
	n := 0
	if l.first != "" {
		n++
	}
	l.walk(nil, func(indexKey) bool { n++; return true })
	return n
}

// page returns the page req asks for of l, read with get, and the token of the next page (""
// on the last page).
func page[T any](p pager, l listing, get func(id string) T, req PageRequest) ([]T, string, error) {
	size := req.Size
	if size <= 0 {
		size = p.sizes.Default
	}
	if size > p.sizes.Max {
		return nil, "", errorf(ErrInvalidArgument, "pageSize: must be at most %d", p.sizes.Max)
	}
	var from *indexKey
	if req.Token != "" {
		c, ok := p.decode(req.Token)
		if !ok || c.List != l.list || c.Org != l.org {
			field := req.TokenField
			if field == "" {
				field = "token"
			}
			return nil, "", errorf(ErrInvalidArgument, "%s: not a page token issued by this server for %s", field, l.list)
		}
		if c.Query != l.query {
			field := req.TokenField
			if field == "" {
				field = "token"
			}
			return nil, "", errorf(ErrInvalidArgument, "%s: issued for another filter or sort of %s: send the same filter and sort with it", field, l.list)
		}
		from = &indexKey{org: l.org, name: c.Name, at: time.Unix(c.Sec, c.Nsec), id: c.ID}
	}
	var keys []indexKey
	if from == nil && l.first != "" {
		keys = append(keys, indexKey{org: l.org, id: l.first})
	}
	l.walk(from, func(k indexKey) bool {
		keys = append(keys, k)
		return len(keys) <= size // one more than a page: is there a next?
	})
	next := ""
	if len(keys) > size {
		keys = keys[:size]
		last := keys[size-1]
		next = p.encode(cursor{List: l.list, Org: l.org, Query: l.query, Name: last.name,
			Sec: last.at.Unix(), Nsec: int64(last.at.Nanosecond()), ID: last.id})
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

// hashKey is a short digest of a query, for the cursor to hold instead of the query itself.
func hashKey(q string) string {
	sum := sha256.Sum256([]byte(q))
	return base64.RawURLEncoding.EncodeToString(sum[:12])
}
