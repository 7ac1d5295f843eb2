package spec

import (
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

func TestFormats(t *testing.T) {
	uuids := map[string]bool{
		"d2c94c27-3b76-4a42-b88c-95a85e392c68":  true,
		"D2C94C27-3B76-4A42-B88C-95A85E392C68":  true,
		"00000000-0000-0000-0000-000000000000":  true,
		"d2c94c27-3b76-0a42-088c-95a85e392c68":  true, // any version and variant nibble
		"d2c94c27-3b76-4a42-b88c-95a85e392c6":   false,
		"d2c94c27-3b76-4a42-b88c-95a85e392c688": false,
		"d2c94c273b764a42b88c95a85e392c68":      false,
		"g2c94c27-3b76-4a42-b88c-95a85e392c68":  false,
		"d2c94c27_3b76-4a42-b88c-95a85e392c68":  false,
		"":                                      false,
	}
	for s, ok := range uuids {
		if got := validateUUID(s) == nil; got != ok || IsUUID(s) != ok {
			t.Errorf("validateUUID(%q) = %v, want %v", s, got, ok)
		}
	}
	times := map[string]bool{
		"2019-12-27T18:11:19.117Z":      true,
		"2019-12-27T18:11:19Z":          true,
		"2019-12-27T18:11:19.117+02:00": true,
		"2019-12-27 18:11:19Z":          false,
		"2019-12-27":                    false,
		"2019-02-30T18:11:19Z":          false,
		"2019-12-27T25:11:19Z":          false,
	}
	for s, ok := range times {
		if got := validateDateTime(s) == nil; got != ok {
			t.Errorf("validateDateTime(%q) = %v, want %v", s, got, ok)
		}
	}
	uris := map[string]bool{"https://accounts.google.com": true, "urn:example:idp": true, "/relative": false, "accounts.google.com": false, "http://": false}
	for s, ok := range uris {
		if got := validateURI(s) == nil; got != ok {
			t.Errorf("validateURI(%q) = %v, want %v", s, got, ok)
		}
	}
}

// TestFormatsAreDocumentScoped: the engine's formats check its documents only; nothing is
// registered process-wide, so another validator in the process (a contract test's) keeps its
// own.
func TestFormatsAreDocumentScoped(t *testing.T) {
	loadAll(t)
	for _, name := range []string{"uuid", "uri"} {
		if _, ok := openapi3.SchemaStringFormats[name]; ok {
			t.Errorf("format %q is registered process-wide", name)
		}
	}
	s := &openapi3.Schema{Type: &openapi3.Types{"string"}, Format: "uuid"}
	if err := s.VisitJSON("not-a-uuid"); err != nil {
		t.Errorf("a schema outside the engine's documents checks the engine's uuid format: %v", err)
	}
	sp := loadAll(t)[1]
	if v := sp.CheckValue(s, "not-a-uuid"); len(v) != 1 || v[0] != "request body: must be a UUID" {
		t.Errorf("CheckValue with the document's formats: %v", v)
	}
}

func BenchmarkFormats(b *testing.B) {
	b.Run("uuid", func(b *testing.B) {
		for b.Loop() {
			_ = validateUUID("d2c94c27-3b76-4a42-b88c-95a85e392c68")
		}
	})
	b.Run("date-time", func(b *testing.B) {
		for b.Loop() {
			_ = validateDateTime("2019-12-27T18:11:19.117Z")
		}
	})
}
