package engine

import (
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/gitpod-mock/orgmock/engine/connect"
)

// Each session has a fake DNS zone of TXT records: tests publish and remove records through
// the control plane (POST and DELETE /_mock/dns), and a backend reads them through
// Env.LookupTXT, so that an API which checks DNS (a domain verification, say) can be driven
// to either outcome without a real resolver. A reset empties the zone; the state file does not
// keep it.

// Bounds of a session's zone.
const (
	// MaxDNSNames is how many names a zone holds at once.
	MaxDNSNames = 1000
	// MaxTXTPerName is how many TXT records one name holds.
	MaxTXTPerName = 16
	// maxTXTLen is the longest TXT record: one DNS character-string.
	maxTXTLen = 255
	// maxDNSNameLen is the longest DNS name.
	maxDNSNameLen = 253
)

// zone is a session's TXT records by name (lower-cased, without a trailing dot).
type zone struct {
	mu  sync.Mutex
	txt map[string][]string
}

// DNSRecord is the TXT records published at a name.
type DNSRecord struct {
	Name string   `json:"name"` // lower-cased, without a trailing dot
	TXT  []string `json:"txt"`  // in the order they were published
}

// DNSRecords is the answer of the /_mock/dns endpoints: the session's whole zone, by name.
type DNSRecords struct {
	Records []DNSRecord `json:"records"` // by name
}

// DNSChange publishes a TXT record (POST /_mock/dns).
type DNSChange struct {
	Name string `json:"name"` // a DNS name, e.g. _gitpod-verification.example.com
	TXT  string `json:"txt"`  // the record's value, 1 to 255 bytes
}

// canonicalName is name as the zone keys it, or an error naming the rule it breaks.
func canonicalName(name string) (string, error) {
	n := strings.ToLower(strings.TrimSuffix(name, "."))
	if n == "" || len(n) > maxDNSNameLen {
		return "", connect.Errorf(connect.InvalidArgument, "name: must be a DNS name of 1 to %d characters", maxDNSNameLen)
	}
	for _, label := range strings.Split(n, ".") {
		if label == "" || len(label) > 63 || strings.Trim(label, "abcdefghijklmnopqrstuvwxyz0123456789-_") != "" ||
			label[0] == '-' || label[len(label)-1] == '-' {
			return "", connect.Errorf(connect.InvalidArgument,
				"name: %q is not a DNS name: labels of 1 to 63 letters, digits, '-' (not first or last) or '_', separated by dots", name)
		}
	}
	return n, nil
}

// lookup returns the TXT records at name (a copy).
func (z *zone) lookup(name string) []string {
	n, err := canonicalName(name)
	if err != nil {
		return nil
	}
	z.mu.Lock()
	defer z.mu.Unlock()
	return slices.Clone(z.txt[n])
}

func (z *zone) publish(c DNSChange) error {
	n, err := canonicalName(c.Name)
	if err != nil {
		return err
	}
	if c.TXT == "" || len(c.TXT) > maxTXTLen {
		return connect.Errorf(connect.InvalidArgument, "txt: must be 1 to %d bytes", maxTXTLen)
	}
	z.mu.Lock()
	defer z.mu.Unlock()
	have := z.txt[n]
	switch {
	case slices.Contains(have, c.TXT):
		return nil
	case len(have) >= MaxTXTPerName:
		return connect.Errorf(connect.ResourceExhausted, "name: %s holds %d TXT records, the most a name may hold", n, MaxTXTPerName)
	case have == nil && len(z.txt) >= MaxDNSNames:
		return connect.Errorf(connect.ResourceExhausted, "the zone holds %d names, the most it may hold: remove some first", MaxDNSNames)
	}
	if z.txt == nil {
		z.txt = map[string][]string{}
	}
	z.txt[n] = append(have, c.TXT)
	return nil
}

// remove deletes the record txt at name, or every record at name when txt is "", or the
// whole zone when name is "" too.
func (z *zone) remove(name, txt string) error {
	if name == "" {
		if txt != "" {
			return connect.Errorf(connect.InvalidArgument, "txt: name the record's name too")
		}
		z.empty()
		return nil
	}
	n, err := canonicalName(name)
	if err != nil {
		return err
	}
	z.mu.Lock()
	defer z.mu.Unlock()
	if txt == "" {
		delete(z.txt, n)
		return nil
	}
	z.txt[n] = slices.DeleteFunc(z.txt[n], func(v string) bool { return v == txt })
	if len(z.txt[n]) == 0 {
		delete(z.txt, n)
	}
	return nil
}

// empty removes every record (a reset).
func (z *zone) empty() {
	z.mu.Lock()
	defer z.mu.Unlock()
	clear(z.txt)
}

func (z *zone) records() DNSRecords {
	z.mu.Lock()
	defer z.mu.Unlock()
	out := DNSRecords{Records: []DNSRecord{}}
	for n, txt := range z.txt {
		out.Records = append(out.Records, DNSRecord{Name: n, TXT: slices.Clone(txt)})
	}
	slices.SortFunc(out.Records, func(a, b DNSRecord) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// GET /_mock/dns: the session's TXT records.
func (s *Server) controlDNS(c echo.Context) error {
	se, err := s.controlSession(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, se.dns.records())
}

// POST /_mock/dns: publishes a TXT record in the session's zone.
func (s *Server) controlPublishDNS(c echo.Context) error {
	var change DNSChange
	if _, err := decodeControl(c, &change); err != nil {
		return err
	}
	se, err := s.controlSession(c)
	if err != nil {
		return err
	}
	if err := se.dns.publish(change); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, se.dns.records())
}

// DELETE /_mock/dns[?name=N[&txt=V]]: removes records from the session's zone.
func (s *Server) controlRemoveDNS(c echo.Context) error {
	q := c.QueryParams()
	for k, v := range q {
		if k != "name" && k != "txt" {
			return connect.Errorf(connect.InvalidArgument, "%s: unknown query parameter: want name and txt", k)
		}
		if len(v) > 1 {
			return connect.Errorf(connect.InvalidArgument, "%s (query): must be given at most once", k)
		}
	}
	se, err := s.controlSession(c)
	if err != nil {
		return err
	}
	if err := se.dns.remove(q.Get("name"), q.Get("txt")); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, se.dns.records())
}
