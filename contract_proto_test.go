package orgmock_test

import (
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	"github.com/getkin/kin-openapi/openapi3"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/known/durationpb"

	orgcontract "github.com/gitpod-mock/orgmock/server/contract" // contract is TestContract's type
)

// openapi.yaml is the JSON contract the mock serves; proto/gitpod/v1/organization.proto (compiled
// into server/contract/descriptor.binpb) is the same slice of gitpod.v1.OrganizationService as
// the real API's descriptors have it. TestContractMatchesProto reads both and compares them RPC
// by RPC and field by field, in both directions: every proto field needs its property and every
// property its proto field; every buf.validate rule OpenAPI can state must be stated, and every
// limit openapi.yaml states must come from a rule. Each disagreement is one line naming the
// message, the field and the rule, so that drift on either side fails with a fix-it list.
//
// The comparison follows openapi.yaml's own conventions (see its info.description):
//   - a message is a closed object (additionalProperties: false), a $ref to the schema named
//     after the message; field-less messages share the schema Empty;
//   - properties are named by the fields' JSON names;
//   - a proto3 optional request field is nullable (null means "not set"); nothing else is;
//   - buf.validate required <=> the property is listed in required;
//   - enums are strings listing every value name; Timestamp is a date-time string; Duration is
//     a string with a pattern, its bounds stated in the description.
//
// No allowlist: the files agree entirely. Two differences of form are read as agreement, each
// where it is handled: field-less messages share the schema Empty (schemaName), and
// minLength: 1 may restate buf.validate required on an implicit string (scalar).

func TestContractMatchesProto(t *testing.T) {
	doc := loadOpenAPI(t)
	svc := loadProtoService(t, nil)
	d := compareOpenAPIWithProto(doc, svc)
	if len(d.problems) > 0 {
		t.Errorf("openapi.yaml and %s (proto/gitpod/v1/organization.proto) disagree in %d places:\n  %s",
			svc.FullName(), len(d.problems), strings.Join(d.problems, "\n  "))
	}
	// The counts show the walk reached everything: an empty problem list from a walk that
	// stopped early would prove nothing.
	t.Logf("compared %d RPCs, %d (message, schema) pairs, %d fields", svc.Methods().Len(), len(d.compared), d.fields)
	if d.fields == 0 {
		t.Error("no field was compared")
	}
	t.Run("DetectsDrift", testProtoDriftDetected)
}

// loadProtoService builds the service's descriptors from orgcontract.DescriptorSet, after mutate
// (if not nil) has changed the decoded set.
func loadProtoService(t *testing.T, mutate func(*descriptorpb.FileDescriptorSet)) protoreflect.ServiceDescriptor {
	t.Helper()
	var set descriptorpb.FileDescriptorSet
	// GlobalTypes knows buf.validate.field because this file imports the validate package: the
	// rules are decoded as extensions, not left as unknown bytes in the field options.
	opts := proto.UnmarshalOptions{Resolver: protoregistry.GlobalTypes}
	if err := opts.Unmarshal(orgcontract.DescriptorSet(), &set); err != nil {
		t.Fatalf("decoding orgcontract.DescriptorSet: %v", err)
	}
	if mutate != nil {
		mutate(&set)
	}
	files, err := protodesc.NewFiles(&set)
	if err != nil {
		t.Fatalf("building descriptors: %v", err)
	}
	d, err := files.FindDescriptorByName(orgcontract.ServiceName)
	if err != nil {
		t.Fatalf("%s: %v", orgcontract.ServiceName, err)
	}
	svc, ok := d.(protoreflect.ServiceDescriptor)
	if !ok {
		t.Fatalf("%s is not a service", orgcontract.ServiceName)
	}
	return svc
}

// protoDrift collects the disagreements between openapi.yaml and the descriptors.
type protoDrift struct {
	problems []string
	// inResponse is set while a response message is compared: presence and required read
	// differently there (see presence and requiredZero).
	inResponse bool
	compared   map[driftPair]bool
	fields     int // fields compared, for the log
}

// driftPair is one (message, schema) comparison, done once however often it is reached.
type driftPair struct {
	message    protoreflect.FullName
	schema     *openapi3.Schema
	inResponse bool
}

func (d *protoDrift) addf(format string, args ...any) {
	d.problems = append(d.problems, fmt.Sprintf(format, args...))
}

// compareOpenAPIWithProto finds every disagreement between doc and svc (d.problems, sorted).
func compareOpenAPIWithProto(doc *openapi3.T, svc protoreflect.ServiceDescriptor) *protoDrift {
	d := &protoDrift{compared: map[driftPair]bool{}}
	ops := d.operations(doc, svc)
	methods := svc.Methods()
	for i := range methods.Len() {
		m := methods.Get(i)
		d.method(m, ops[string(m.Name())])
	}
	slices.Sort(d.problems)
	d.problems = slices.Compact(d.problems)
	return d
}

// operations indexes doc's operations by operationId, reporting any that is not a POST to
// /<service>/<method> of a method of svc: the only shape a Connect unary RPC has.
func (d *protoDrift) operations(doc *openapi3.T, svc protoreflect.ServiceDescriptor) map[string]*openapi3.Operation {
	ops := map[string]*openapi3.Operation{}
	paths := doc.Paths.Map()
	for _, path := range slices.Sorted(maps.Keys(paths)) {
		for method, op := range paths[path].Operations() {
			id := op.OperationID
			if method != http.MethodPost {
				d.addf("operation %s: %s %s in openapi.yaml; a Connect unary RPC is a POST", id, method, path)
			}
			if want := "/" + string(svc.FullName()) + "/" + id; path != want {
				d.addf("operation %s: path %s in openapi.yaml, want %s", id, path, want)
			}
			if svc.Methods().ByName(protoreflect.Name(id)) == nil {
				d.addf("operation %s: in openapi.yaml, but %s has no method %s", id, svc.FullName(), id)
			}
			if ops[id] != nil {
				d.addf("operation %s: twice in openapi.yaml", id)
			}
			ops[id] = op
		}
	}
	return ops
}

// method compares an RPC with its operation: idempotency, request body, 200 response.
func (d *protoDrift) method(m protoreflect.MethodDescriptor, op *openapi3.Operation) {
	if op == nil {
		d.addf("%s: method of %s, but openapi.yaml has no operation %s", m.Name(), m.Parent().FullName(), m.Name())
		return
	}
	if m.IsStreamingClient() || m.IsStreamingServer() {
		d.addf("%s: a streaming RPC, which an OpenAPI operation cannot describe", m.Name())
	}
	d.idempotency(m, op)
	opts, _ := m.Options().(*descriptorpb.MethodOptions)
	d.deprecated(string(m.Name()), opts.GetDeprecated(), op.Deprecated)

	var body *openapi3.SchemaRef
	if rb := op.RequestBody; rb != nil && rb.Value != nil {
		if mt := rb.Value.Content.Get("application/json"); mt != nil {
			body = mt.Schema
		}
	}
	d.inResponse = false
	d.message(m.Input(), body, string(m.Name())+" request body")

	var res *openapi3.SchemaRef
	if r := op.Responses.Value("200"); r != nil && r.Value != nil {
		if mt := r.Value.Content.Get("application/json"); mt != nil {
			res = mt.Schema
		}
	}
	d.inResponse = true
	d.message(m.Output(), res, string(m.Name())+" 200 response")
}

// idempotency compares x-idempotency-level with the method's idempotency_level. Like the
// engine (engine/spec) and protobuf, a missing value means IDEMPOTENCY_UNKNOWN.
func (d *protoDrift) idempotency(m protoreflect.MethodDescriptor, op *openapi3.Operation) {
	opts, _ := m.Options().(*descriptorpb.MethodOptions)
	want := opts.GetIdempotencyLevel().String()
	got := descriptorpb.MethodOptions_IDEMPOTENCY_UNKNOWN.String()
	switch v := op.Extensions["x-idempotency-level"].(type) {
	case nil:
	case string:
		got = v
	default:
		got = fmt.Sprint(v)
	}
	if got != want {
		d.addf("%s: x-idempotency-level %s in openapi.yaml, proto idempotency_level %s", m.Name(), got, want)
	}
}

// message compares a message with its schema: a closed object, a $ref to the schema named
// after the message, with one property per field, named by the field's JSON name.
func (d *protoDrift) message(md protoreflect.MessageDescriptor, ref *openapi3.SchemaRef, where string) {
	name := protoShortName(md)
	if ref == nil || ref.Value == nil {
		d.addf("%s: %s has no JSON schema in openapi.yaml", name, where)
		return
	}
	key := driftPair{md.FullName(), ref.Value, d.inResponse}
	if d.compared[key] {
		return
	}
	d.compared[key] = true
	d.schemaName(name, md, ref)
	s := ref.Value

	got := oasFacts(s)
	delete(got, "properties") // compared field by field below
	want := map[string]driftFact{
		"type":                 {"object", "a message is a JSON object"},
		"additionalProperties": {"false", "a message has no fields but its own (openapi.yaml rejects unknown properties)"},
	}
	d.oneofs(name, md, want)
	d.diff(name, want, got)
	d.messageRules(name, md)

	required := map[string]bool{}
	for _, r := range s.Required {
		required[r] = true
		if s.Properties[r] == nil {
			d.addf("%s: required lists %s in openapi.yaml, which is not a property", name, r)
		}
	}
	fields := md.Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		loc := name + "." + string(fd.Name())
		rules, err := bufValidateRules(fd)
		if err != nil {
			d.addf("%s: %v", loc, err)
			continue
		}
		prop := s.Properties[fd.JSONName()]
		if prop == nil || prop.Value == nil {
			hint := ""
			if s.Properties[string(fd.Name())] != nil {
				hint = fmt.Sprintf(" (openapi.yaml spells it %s, the proto name)", fd.Name())
			}
			d.addf("%s: no property %s (the field's JSON name) in openapi.yaml%s", loc, fd.JSONName(), hint)
			continue
		}
		d.fields++
		d.required(loc, fd, prop.Value, required[fd.JSONName()], rules.GetRequired())
		opts, _ := fd.Options().(*descriptorpb.FieldOptions)
		d.deprecated(loc, opts.GetDeprecated(), prop.Value.Deprecated)
		d.field(loc, fd, prop, rules)
	}
	for _, p := range slices.Sorted(maps.Keys(s.Properties)) {
		if fields.ByJSONName(p) == nil {
			d.addf("%s: property %s in openapi.yaml has no proto field", name, p)
		}
	}
}

// oneofs adds what a message's oneofs say of its schema to want. protojson refuses a message
// that sets two members of one oneof; for a oneof of two fields, OpenAPI 3.0 states that as
// not: {required: [both]} (a oneof of more fields would need a list of pairs, which no message
// of the contract has yet: it is reported). A oneof whose members may all be unset needs no
// other keyword.
func (d *protoDrift) oneofs(name string, md protoreflect.MessageDescriptor, want map[string]driftFact) {
	oneofs := md.Oneofs()
	for i := range oneofs.Len() {
		o := oneofs.Get(i)
		if o.IsSynthetic() {
			continue
		}
		if o.Fields().Len() != 2 {
			d.addf("%s: oneof %s of %d fields, which this comparison does not map to OpenAPI", name, o.Name(), o.Fields().Len())
			continue
		}
		if _, ok := want["not"]; ok {
			d.addf("%s: two oneofs (%s and another), but a schema has one not", name, o.Name())
			continue
		}
		names := []string{o.Fields().Get(0).JSONName(), o.Fields().Get(1).JSONName()}
		slices.Sort(names)
		want["not"] = driftFact{"required " + strings.Join(names, ","),
			fmt.Sprintf("oneof %s: at most one of its fields may be set", o.Name())}
	}
}

// schemaName checks that a message's schema is the $ref named after it. openapi.yaml's one
// exception is a convention, not drift: messages without fields (DeleteSCIMConfiguration-,
// DeleteSSOConfiguration-, UpdateSSOConfigurationResponse) share the schema Empty, which is what
// protojson writes for each of them; their (absent) fields are still compared.
func (d *protoDrift) schemaName(name string, md protoreflect.MessageDescriptor, ref *openapi3.SchemaRef) {
	const prefix = "#/components/schemas/"
	if ref.Ref == "" {
		d.addf("%s: an inline schema in openapi.yaml, want $ref %s%s", name, prefix, name)
		return
	}
	got := strings.TrimPrefix(ref.Ref, prefix)
	if got == name || (got == "Empty" && md.Fields().Len() == 0) {
		return
	}
	d.addf("%s: $ref %s in openapi.yaml, want %s%s", name, ref.Ref, prefix, name)
}

// required compares openapi.yaml's required with buf.validate required, as equal in requests
// and in responses:
//   - in a request, required in openapi.yaml without the rule refuses calls the real API takes;
//     the rule without required in openapi.yaml lets the mock take calls the real API refuses.
//   - in a response, protojson omits a field whose value is the zero value or unset; only the rule
//     (set, not zero) guarantees it is written, so required without the rule would make valid
//     responses of the real API break the contract; and the rule without required would let the
//     mock leave out what the real API always sends.
func (d *protoDrift) required(loc string, fd protoreflect.FieldDescriptor, s *openapi3.Schema, inOpenAPI, rule bool) {
	switch {
	case inOpenAPI && !rule:
		d.addf("%s: listed in required in openapi.yaml, but no buf.validate required", loc)
	case rule && !inOpenAPI:
		d.addf("%s: buf.validate required, but %s is not listed in required in openapi.yaml", loc, fd.JSONName())
	case rule && !d.inResponse && requiredMeansNonEmpty(fd) && acceptsEmptyString(s):
		// required on an implicit string means "not the empty string"; listing the property
		// in required only says it is there.
		d.addf("%s: buf.validate required refuses \"\", openapi.yaml accepts it (no minLength, format or pattern)", loc)
	}
}

func requiredMeansNonEmpty(fd protoreflect.FieldDescriptor) bool {
	return fd.Kind() == protoreflect.StringKind && !fd.HasPresence() && fd.Cardinality() != protoreflect.Repeated
}

// acceptsEmptyString tells whether s lets "" through. Every format OpenAPI names refuses "".
func acceptsEmptyString(s *openapi3.Schema) bool {
	if s.MinLength > 0 || s.Format != "" {
		return false
	}
	re, err := regexp.Compile(s.Pattern)
	return err != nil || re.MatchString("")
}

// deprecated compares the proto's deprecated option with OpenAPI's deprecated.
func (d *protoDrift) deprecated(loc string, inProto, inOpenAPI bool) {
	if inProto != inOpenAPI {
		d.addf("%s: deprecated %t in openapi.yaml, proto option deprecated %t", loc, inOpenAPI, inProto)
	}
}

// field compares one field with its property: presence first, then the value's shape.
func (d *protoDrift) field(loc string, fd protoreflect.FieldDescriptor, prop *openapi3.SchemaRef, rules *validate.FieldRules) {
	optional := fd.HasOptionalKeyword()
	if optional && fd.Message() != nil && !prop.Value.Nullable {
		// A message field has presence with or without the keyword (an absent message is
		// unset), so nullable adds nothing; and a schema that a response shares (InviteDomains)
		// cannot be nullable.
		optional = false
	}
	d.presence(loc, optional, prop.Value)
	d.ruleFacts(loc, "", rules.ProtoReflect(), nil, "required", "type", "cel", "ignore")
	d.celRules(loc, prop.Value, rules)
	if ig := rules.GetIgnore(); ig != validate.Ignore_IGNORE_UNSPECIFIED && ig != validate.Ignore_IGNORE_IF_ZERO_VALUE {
		d.addf("%s: buf.validate ignore %s has no OpenAPI counterpart in this comparison", loc, ig)
	}
	switch {
	case fd.IsList():
		d.list(loc, fd, prop, rules)
	case fd.IsMap():
		d.mapField(loc, fd, prop, rules)
	default:
		d.value(loc, fd, prop, rules)
	}
}

// presence compares proto3 optional with nullable. openapi.yaml marks the optional request
// fields nullable (null means "not set"), and no others: message fields keep presence without
// it (an absent message is unset), and a list or map value is never null. Responses never
// hold null (protojson omits what is unset), so no response property may be nullable.
func (d *protoDrift) presence(loc string, optional bool, s *openapi3.Schema) {
	want := optional && !d.inResponse
	switch {
	case want && !s.Nullable:
		d.addf("%s: proto3 optional (presence kept), but not nullable in openapi.yaml", loc)
	case !want && s.Nullable && optional:
		d.addf("%s: nullable in openapi.yaml, but a response never holds null", loc)
	case !want && s.Nullable:
		d.addf("%s: nullable in openapi.yaml, but not proto3 optional", loc)
	}
}

// list compares a repeated field with an array schema; its items with the field's type.
func (d *protoDrift) list(loc string, fd protoreflect.FieldDescriptor, ref *openapi3.SchemaRef, rules *validate.FieldRules) {
	s := ref.Value
	want := map[string]driftFact{
		"type":  {"array", "a repeated field is a JSON array"},
		"items": {"a schema", "a repeated field is a JSON array"},
	}
	items := &validate.FieldRules{}
	if m := d.typeRules(loc, rules, "repeated"); m != nil {
		maps.Copy(want, d.ruleFacts(loc, "repeated", m, repeatedKeywords, "items"))
		if r := rules.GetRepeated().GetItems(); r != nil {
			items = r
		}
	}
	d.diff(loc, want, oasFacts(s))
	if s.Items == nil || s.Items.Value == nil {
		return
	}
	loc += "[]"
	d.presence(loc, false, s.Items.Value)
	d.ruleFacts(loc, "repeated.items", items.ProtoReflect(), nil, "type")
	d.value(loc, fd, s.Items, items)
}

// mapField compares a map with an object whose additionalProperties are the values. JSON keys
// are strings whatever the key type; OpenAPI 3.0 cannot constrain them, so map.keys rules are
// reported as unmapped.
func (d *protoDrift) mapField(loc string, fd protoreflect.FieldDescriptor, ref *openapi3.SchemaRef, rules *validate.FieldRules) {
	s := ref.Value
	want := map[string]driftFact{
		"type":                 {"object", "a map is a JSON object"},
		"additionalProperties": {"a schema", "a map is a JSON object of its values"},
	}
	values := &validate.FieldRules{}
	if m := d.typeRules(loc, rules, "map"); m != nil {
		maps.Copy(want, d.ruleFacts(loc, "map", m, mapKeywords, "values"))
		if r := rules.GetMap().GetValues(); r != nil {
			values = r
		}
	}
	d.diff(loc, want, oasFacts(s))
	if fd.MapKey().Kind() != protoreflect.StringKind {
		d.addf("%s: map key %s, which this comparison does not map to OpenAPI", loc, fd.MapKey().Kind())
	}
	v := s.AdditionalProperties.Schema
	if v == nil || v.Value == nil {
		return
	}
	loc += "{}"
	d.presence(loc, false, v.Value)
	d.ruleFacts(loc, "map.values", values.ProtoReflect(), nil, "type")
	d.value(loc, fd.MapValue(), v, values)
}

// value compares a singular value (a field, a list item, a map value) with its schema.
func (d *protoDrift) value(loc string, fd protoreflect.FieldDescriptor, ref *openapi3.SchemaRef, rules *validate.FieldRules) {
	switch fd.Kind() {
	case protoreflect.MessageKind, protoreflect.GroupKind:
		d.messageValue(loc, fd.Message(), ref, rules)
	case protoreflect.EnumKind:
		d.enum(loc, fd.Enum(), ref, rules)
	default:
		d.scalar(loc, fd.Kind(), ref.Value, rules)
	}
}

// messageValue handles the well-known types protojson writes as strings; other messages are
// compared as messages.
func (d *protoDrift) messageValue(loc string, md protoreflect.MessageDescriptor, ref *openapi3.SchemaRef, rules *validate.FieldRules) {
	switch md.FullName() {
	case "google.protobuf.Timestamp":
		why := "google.protobuf.Timestamp is an RFC 3339 string in JSON"
		if m := d.typeRules(loc, rules, "timestamp"); m != nil {
			d.ruleFacts(loc, "timestamp", m, nil) // none mapped: reported
		}
		d.diff(loc, map[string]driftFact{"type": {"string", why}, "format": {"date-time", why}}, oasFacts(ref.Value))
	case "google.protobuf.Duration":
		d.duration(loc, ref.Value, rules)
	default:
		if md.ParentFile().Package() == "google.protobuf" {
			d.addf("%s: %s, a well-known type this comparison does not map to OpenAPI", loc, md.FullName())
			return
		}
		d.typeRules(loc, rules, "")
		d.message(md, ref, loc)
	}
}

// protojsonDurations are what protojson writes for a Duration; notDurations are not Durations.
var (
	protojsonDurations = []string{"86400s", "0s", "1.5s", "0.000000001s", "-3s", "63072000s"}
	notDurations       = []string{"", "s", "86400", "1h", "1d", "P1D", "1.5 s"}
)

// duration compares a google.protobuf.Duration ("<seconds>s" in JSON) with its schema.
// OpenAPI has no duration format, so openapi.yaml states the wire form with a pattern, which
// must take what protojson writes and refuse what is not a duration. JSON Schema cannot bound a
// string by the duration it spells either, so buf.validate's bounds can only be stated in the
// description: each must appear there as protojson writes it ("86400s"). The other direction
// (a bound in the prose that the proto lacks) cannot be read reliably and is not checked.
func (d *protoDrift) duration(loc string, s *openapi3.Schema, rules *validate.FieldRules) {
	got := oasFacts(s)
	if p, ok := got["pattern"]; !ok {
		d.addf("%s: no pattern in openapi.yaml for a google.protobuf.Duration (\"<seconds>s\")", loc)
	} else {
		d.durationPattern(loc, p)
		delete(got, "pattern")
	}
	if m := d.typeRules(loc, rules, "duration"); m != nil {
		m.Range(func(f protoreflect.FieldDescriptor, v protoreflect.Value) bool {
			switch f.Name() {
			case "gt", "gte", "lt", "lte":
				bound := protojsonDuration(v.Message().Interface())
				if !strings.Contains(s.Description, bound) {
					d.addf("%s: buf.validate duration.%s %s is not in its description in openapi.yaml (OpenAPI cannot bound a duration string)",
						loc, f.Name(), bound)
				}
			default:
				d.addf("%s: buf.validate duration.%s has no OpenAPI counterpart in this comparison", loc, f.Name())
			}
			return true
		})
	}
	d.diff(loc, map[string]driftFact{"type": {"string", `google.protobuf.Duration is a "<seconds>s" string in JSON`}}, got)
}

func (d *protoDrift) durationPattern(loc, pattern string) {
	re, err := regexp.Compile(pattern)
	if err != nil {
		d.addf("%s: pattern %q in openapi.yaml does not compile: %v", loc, pattern, err)
		return
	}
	for _, s := range protojsonDurations {
		if !re.MatchString(s) {
			d.addf("%s: pattern %q in openapi.yaml refuses %q, a google.protobuf.Duration in JSON", loc, pattern, s)
		}
	}
	for _, s := range notDurations {
		if re.MatchString(s) {
			d.addf("%s: pattern %q in openapi.yaml accepts %q, not a google.protobuf.Duration", loc, pattern, s)
		}
	}
}

// protojsonDuration writes a Duration as protojson does: seconds with an "s".
func protojsonDuration(m proto.Message) string {
	dur, ok := m.(*durationpb.Duration)
	if !ok {
		return fmt.Sprint(m)
	}
	return strconv.FormatFloat(dur.AsDuration().Seconds(), 'f', -1, 64) + "s"
}

// enum compares an enum with a string schema listing exactly the enum's value names, in
// either form openapi.yaml uses: a $ref to the schema named after the enum, or inline (when
// the field is nullable, which a $ref cannot say in OpenAPI 3.0).
func (d *protoDrift) enum(loc string, ed protoreflect.EnumDescriptor, ref *openapi3.SchemaRef, rules *validate.FieldRules) {
	s := ref.Value
	if ref.Ref != "" {
		if got := strings.TrimPrefix(ref.Ref, "#/components/schemas/"); got != string(ed.Name()) {
			d.addf("%s: $ref %s in openapi.yaml, want #/components/schemas/%s", loc, ref.Ref, ed.Name())
		}
	}
	values := ed.Values()
	listed := map[string]bool{}
	for _, v := range s.Enum {
		name := fmt.Sprint(v)
		listed[name] = true
		if values.ByName(protoreflect.Name(name)) == nil {
			d.addf("%s: enum value %s in openapi.yaml is not a value of %s", loc, name, protoShortName(ed))
		}
	}
	for i := range values.Len() {
		if name := string(values.Get(i).Name()); !listed[name] {
			d.addf("%s: enum value %s of %s is missing from openapi.yaml", loc, name, protoShortName(ed))
		}
	}
	if m := d.typeRules(loc, rules, "enum"); m != nil {
		// defined_only says nothing in JSON: an enum is spelled by a value name there, so an
		// undefined number cannot be sent, and the enum list already refuses other names.
		d.ruleFacts(loc, "enum", m, nil, "defined_only")
	}
	got := oasFacts(s)
	delete(got, "enum")
	d.diff(loc, map[string]driftFact{"type": {"string", "a proto enum is its value name in JSON"}}, got)
}

// scalar compares a scalar (string, bool, number) with its schema: the JSON type and format
// protojson gives the kind, and the limits its buf.validate rules set.
func (d *protoDrift) scalar(loc string, kind protoreflect.Kind, s *openapi3.Schema, rules *validate.FieldRules) {
	jt, ok := protojsonTypes[kind]
	if !ok {
		d.addf("%s: proto %s, a type this comparison does not map to OpenAPI", loc, kind)
		return
	}
	why := fmt.Sprintf("proto %s is a JSON %s", kind, jt.typ)
	want := map[string]driftFact{"type": {jt.typ, why}}
	if jt.format != "" {
		want["format"] = driftFact{jt.format, why + " of format " + jt.format}
	}
	if m := d.typeRules(loc, rules, kind.String()); m != nil {
		table := numberKeywords
		if kind == protoreflect.StringKind {
			table = stringKeywords
		}
		if kind == protoreflect.BoolKind || jt.typ == "string" && kind != protoreflect.StringKind {
			table = nil // no bounds on a bool, nor on a 64-bit integer written as a string
		}
		maps.Copy(want, d.ruleFacts(loc, kind.String(), m, table))
	}
	if f, ok := want["format"]; ok && f.value == "uuid" && rules.GetIgnore() == validate.Ignore_IGNORE_IF_ZERO_VALUE && !d.inResponse {
		// A request may send "" (the zero value: the rule is skipped). In a response protojson
		// never writes "" for it, so format uuid stays right there.
		delete(want, "format")
		want["pattern"] = driftFact{emptyOrUUID, "buf.validate string.uuid with ignore IGNORE_IF_ZERO_VALUE takes \"\" or a UUID"}
	}
	got := oasFacts(s)
	// buf.validate required on an implicit string means "not empty": openapi.yaml may restate
	// that as minLength: 1 (SSOConfiguration.issuerUrl does), which is not drift.
	if _, ruled := want["minLength"]; !ruled && kind == protoreflect.StringKind && rules.GetRequired() && got["minLength"] == "1" {
		delete(got, "minLength")
	}
	d.diff(loc, want, got)
}

// celRules checks that each buf.validate CEL rule of a field is stated where OpenAPI can state
// it: in words, its message in the property's description (OpenAPI has no expressions).
func (d *protoDrift) celRules(loc string, s *openapi3.Schema, rules *validate.FieldRules) {
	for _, r := range rules.GetCel() {
		if !strings.Contains(s.Description, r.GetMessage()) {
			d.addf("%s: buf.validate cel %s (%q) is not in its description in openapi.yaml (OpenAPI cannot state an expression)",
				loc, r.GetId(), r.GetMessage())
		}
	}
}

// emptyOrUUID is a string rule OpenAPI can state for string.uuid with ignore
// IGNORE_IF_ZERO_VALUE in a request: "" (left alone by the rule) or a UUID.
const emptyOrUUID = `^$|^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`

// protojsonTypes are the JSON types protojson writes for the scalar kinds. The contract uses only
// string, bool and int32 so far; the others follow protojson (64-bit integers as strings,
// bytes as base64) and will show on first use whether openapi.yaml agrees.
var protojsonTypes = map[protoreflect.Kind]struct{ typ, format string }{
	protoreflect.StringKind:   {"string", ""},
	protoreflect.BoolKind:     {"boolean", ""},
	protoreflect.Int32Kind:    {"integer", "int32"},
	protoreflect.Sint32Kind:   {"integer", "int32"},
	protoreflect.Sfixed32Kind: {"integer", "int32"},
	protoreflect.Uint32Kind:   {"integer", "int64"},
	protoreflect.Fixed32Kind:  {"integer", "int64"},
	protoreflect.Int64Kind:    {"string", "int64"},
	protoreflect.Sint64Kind:   {"string", "int64"},
	protoreflect.Sfixed64Kind: {"string", "int64"},
	protoreflect.Uint64Kind:   {"string", "uint64"},
	protoreflect.Fixed64Kind:  {"string", "uint64"},
	protoreflect.FloatKind:    {"number", "float"},
	protoreflect.DoubleKind:   {"number", "double"},
	protoreflect.BytesKind:    {"string", "byte"},
}

// ruleKeyword maps a buf.validate rule to the OpenAPI keyword stating it; value, if set, is the
// keyword's value (for flags such as string.uuid), else the rule's own value is.
type ruleKeyword struct{ rule, keyword, value string }

var (
	stringKeywords = []ruleKeyword{
		{"min_len", "minLength", ""}, {"max_len", "maxLength", ""},
		{"len", "minLength", ""}, {"len", "maxLength", ""},
		{"pattern", "pattern", ""},
		{"uuid", "format", "uuid"}, {"uri", "format", "uri"}, {"uri_ref", "format", "uri-reference"},
		{"email", "format", "email"}, {"hostname", "format", "hostname"},
		{"ipv4", "format", "ipv4"}, {"ipv6", "format", "ipv6"},
	}
	numberKeywords = []ruleKeyword{
		{"gte", "minimum", ""}, {"gt", "minimum", ""}, {"gt", "exclusiveMinimum", "true"},
		{"lte", "maximum", ""}, {"lt", "maximum", ""}, {"lt", "exclusiveMaximum", "true"},
	}
	repeatedKeywords = []ruleKeyword{
		{"min_items", "minItems", ""}, {"max_items", "maxItems", ""}, {"unique", "uniqueItems", "true"},
	}
	mapKeywords = []ruleKeyword{
		{"min_pairs", "minProperties", ""}, {"max_pairs", "maxProperties", ""},
	}
)

// driftFact is what the proto says an OpenAPI keyword must be, and why.
type driftFact struct{ value, why string }

// String is the reason, and the value wanted unless the reason ends with it already.
func (f driftFact) String() string {
	if strings.HasSuffix(f.why, " "+f.value) {
		return f.why
	}
	return fmt.Sprintf("%s (want %s)", f.why, f.value)
}

// ruleFacts turns the rules set in m (one of buf.validate's *Rules messages) into the OpenAPI
// keywords table maps them to. A rule neither in table nor in skip is reported: a kind of rule
// the proto starts using fails the test until the comparison maps it or says why it cannot.
func (d *protoDrift) ruleFacts(loc, prefix string, m protoreflect.Message, table []ruleKeyword, skip ...string) map[string]driftFact {
	out := map[string]driftFact{}
	m.Range(func(f protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		name := string(f.Name())
		if f.IsExtension() {
			name = string(f.FullName())
		}
		if slices.Contains(skip, name) || f.ContainingOneof() != nil && slices.Contains(skip, string(f.ContainingOneof().Name())) {
			return true // skip names a rule or a oneof of rules (FieldRules' "type") handled elsewhere
		}
		if f.Kind() == protoreflect.BoolKind && !f.IsList() && !v.Bool() {
			return true // a flag set to false checks nothing
		}
		rule := strings.TrimPrefix(prefix+"."+name, ".")
		mapped := false
		for _, k := range table {
			if k.rule != name {
				continue
			}
			mapped = true
			val := k.value
			if val == "" {
				val = fmt.Sprint(v.Interface())
			}
			out[k.keyword] = driftFact{val, fmt.Sprintf("buf.validate %s %v", rule, v.Interface())}
		}
		if !mapped {
			d.addf("%s: buf.validate %s has no OpenAPI counterpart in this comparison", loc, rule)
		}
		return true
	})
	return out
}

// typeRules returns the field's rules of FieldRules' type oneof (string, int32, repeated, ...)
// if they are of kind want, and reports rules of another kind (which protovalidate refuses).
func (d *protoDrift) typeRules(loc string, rules *validate.FieldRules, want string) protoreflect.Message {
	m := rules.ProtoReflect()
	f := m.WhichOneof(m.Descriptor().Oneofs().ByName("type"))
	if f == nil {
		return nil
	}
	switch {
	case want == "":
		d.addf("%s: buf.validate %s rules on a message field, which this comparison does not map", loc, f.Name())
		return nil
	case string(f.Name()) != want:
		d.addf("%s: buf.validate %s rules, but the field takes %s rules", loc, f.Name(), want)
		return nil
	}
	return m.Get(f).Message()
}

// messageRules reports message-level buf.validate rules (cel, oneof), which OpenAPI cannot state.
func (d *protoDrift) messageRules(name string, md protoreflect.MessageDescriptor) {
	opts, _ := md.Options().(*descriptorpb.MessageOptions)
	if opts == nil {
		return
	}
	if r, _ := proto.GetExtension(opts, validate.E_Message).(*validate.MessageRules); r != nil {
		d.ruleFacts(name, "message", r.ProtoReflect(), nil)
	}
}

// bufValidateRules returns the field's buf.validate.field option (empty if it has none).
func bufValidateRules(fd protoreflect.FieldDescriptor) (*validate.FieldRules, error) {
	opts, _ := fd.Options().(*descriptorpb.FieldOptions)
	if opts == nil {
		return &validate.FieldRules{}, nil
	}
	if len(opts.ProtoReflect().GetUnknown()) > 0 {
		// The rules would be invisible, and the test would pass on nothing.
		return nil, fmt.Errorf("field options hold undecoded bytes: is buf.validate registered?")
	}
	if r, _ := proto.GetExtension(opts, validate.E_Field).(*validate.FieldRules); r != nil {
		return r, nil
	}
	return &validate.FieldRules{}, nil
}

// oasFacts lists the keywords of s that constrain a value, each as text. Annotations
// (description, example, default, x-secret, readOnly...) are left out: proto3 has no default
// values, and PaginationRequest.pageSize's default: 25 documents the mock's paging.
func oasFacts(s *openapi3.Schema) map[string]string {
	f := map[string]string{}
	num := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	if s.Type != nil && !s.Type.IsEmpty() {
		f["type"] = strings.Join(s.Type.Slice(), ",")
	}
	if s.Format != "" {
		f["format"] = s.Format
	}
	if s.MinLength > 0 {
		f["minLength"] = strconv.FormatUint(s.MinLength, 10)
	}
	if s.MaxLength != nil {
		f["maxLength"] = strconv.FormatUint(*s.MaxLength, 10)
	}
	if s.Pattern != "" {
		f["pattern"] = s.Pattern
	}
	if s.Min != nil {
		f["minimum"] = num(*s.Min)
	}
	if s.Max != nil {
		f["maximum"] = num(*s.Max)
	}
	for k, b := range map[string]openapi3.ExclusiveBound{"exclusiveMinimum": s.ExclusiveMin, "exclusiveMaximum": s.ExclusiveMax} {
		switch {
		case b.Value != nil:
			f[k] = num(*b.Value)
		case b.Bool != nil && *b.Bool:
			f[k] = "true"
		}
	}
	if s.MultipleOf != nil {
		f["multipleOf"] = num(*s.MultipleOf)
	}
	if s.MinItems > 0 {
		f["minItems"] = strconv.FormatUint(s.MinItems, 10)
	}
	if s.MaxItems != nil {
		f["maxItems"] = strconv.FormatUint(*s.MaxItems, 10)
	}
	if s.UniqueItems {
		f["uniqueItems"] = "true"
	}
	if s.MinProps > 0 {
		f["minProperties"] = strconv.FormatUint(s.MinProps, 10)
	}
	if s.MaxProps != nil {
		f["maxProperties"] = strconv.FormatUint(*s.MaxProps, 10)
	}
	if len(s.Enum) > 0 {
		f["enum"] = fmt.Sprint(s.Enum)
	}
	if s.Items != nil {
		f["items"] = "a schema"
	}
	if len(s.Properties) > 0 {
		f["properties"] = strings.Join(slices.Sorted(maps.Keys(s.Properties)), ",")
	}
	switch ap := s.AdditionalProperties; {
	case ap.Schema != nil:
		f["additionalProperties"] = "a schema"
	case ap.Has != nil:
		f["additionalProperties"] = strconv.FormatBool(*ap.Has)
	}
	for k, refs := range map[string]openapi3.SchemaRefs{"oneOf": s.OneOf, "anyOf": s.AnyOf, "allOf": s.AllOf} {
		if len(refs) > 0 {
			f[k] = fmt.Sprintf("%d schemas", len(refs))
		}
	}
	if s.Not != nil {
		f["not"] = "a schema"
		if n := s.Not.Value; n != nil && len(n.Required) > 0 && len(oasFacts(n)) == 0 {
			f["not"] = "required " + strings.Join(slices.Sorted(slices.Values(n.Required)), ",")
		}
	}
	return f
}

// diff reports each keyword where openapi.yaml (got) and the proto (want) differ, both ways.
func (d *protoDrift) diff(loc string, want map[string]driftFact, got map[string]string) {
	keys := slices.Sorted(maps.Keys(got))
	for k := range want {
		if _, ok := got[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		w, inProto := want[k]
		g, inOpenAPI := got[k]
		switch {
		case inProto && inOpenAPI && w.value == g:
		case inProto && !inOpenAPI && w.value == "0" && (k == "minLength" || k == "minItems" || k == "minProperties"):
			// A lower bound of 0 bounds nothing: OpenAPI's default says the same.
		case inProto && inOpenAPI:
			d.addf("%s: %s %s in openapi.yaml, %s", loc, k, g, w)
		case inOpenAPI:
			d.addf("%s: %s %s in openapi.yaml, but no buf.validate rule or proto type says so", loc, k, g)
		default:
			d.addf("%s: no %s in openapi.yaml, %s", loc, k, w)
		}
	}
}

// protoShortName is a descriptor's name within its package: SSOConfiguration.ProviderType.
func protoShortName(d protoreflect.Descriptor) string {
	return strings.TrimPrefix(string(d.FullName()), string(d.ParentFile().Package())+".")
}

// testProtoDriftDetected proves the comparison can fail: each case changes a fresh copy of
// openapi.yaml's document or of the descriptor set in memory, in one place, and expects the
// comparison to name that place.
func testProtoDriftDetected(t *testing.T) {
	cases := []struct {
		name  string
		doc   func(*openapi3.T)
		proto func(*descriptorpb.FileDescriptorSet)
		want  []string
	}{
		{name: "maxLength changed",
			doc: func(doc *openapi3.T) {
				oasProp(doc, "CreateSCIMConfigurationRequest", "name").MaxLength = driftPtr[uint64](64)
			},
			want: []string{"CreateSCIMConfigurationRequest.name: maxLength 64 in openapi.yaml, buf.validate string.max_len 128"}},
		{name: "minLength added without a rule",
			doc:  func(doc *openapi3.T) { oasProp(doc, "PaginationRequest", "token").MinLength = 3 },
			want: []string{"PaginationRequest.token: minLength 3 in openapi.yaml, but no buf.validate rule"}},
		{name: "property renamed",
			doc: func(doc *openapi3.T) {
				s := oasSchema(doc, "CreateSCIMConfigurationRequest")
				s.Properties["orgId"] = s.Properties["organizationId"]
				delete(s.Properties, "organizationId")
			},
			want: []string{
				"CreateSCIMConfigurationRequest.organization_id: no property organizationId",
				"CreateSCIMConfigurationRequest: property orgId in openapi.yaml has no proto field",
			}},
		{name: "property spelled with the proto name",
			doc: func(doc *openapi3.T) {
				s := oasSchema(doc, "GetSCIMConfigurationRequest")
				s.Properties["scim_configuration_id"] = s.Properties["scimConfigurationId"]
				delete(s.Properties, "scimConfigurationId")
			},
			want: []string{"GetSCIMConfigurationRequest.scim_configuration_id: no property scimConfigurationId (the field's JSON name) in openapi.yaml (openapi.yaml spells it scim_configuration_id"}},
		{name: "property added",
			doc: func(doc *openapi3.T) {
				oasSchema(doc, "SCIMConfiguration").Properties["secret"] = openapi3.NewStringSchema().NewRef()
			},
			want: []string{"SCIMConfiguration: property secret in openapi.yaml has no proto field"}},
		{name: "enum value dropped",
			doc: func(doc *openapi3.T) {
				s := oasSchema(doc, "SSOConfigurationState")
				s.Enum = s.Enum[:len(s.Enum)-1]
			},
			want: []string{"SSOConfiguration.state: enum value SSO_CONFIGURATION_STATE_ACTIVE of SSOConfigurationState is missing from openapi.yaml"}},
		{name: "enum value added",
			doc: func(doc *openapi3.T) {
				s := oasSchema(doc, "ProviderType")
				s.Enum = append(s.Enum, "PROVIDER_TYPE_SAML")
			},
			want: []string{"SSOConfiguration.provider_type: enum value PROVIDER_TYPE_SAML in openapi.yaml is not a value of SSOConfiguration.ProviderType"}},
		{name: "inline enum value dropped",
			doc: func(doc *openapi3.T) {
				s := oasProp(doc, "UpdateSSOConfigurationRequest", "state")
				s.Enum = s.Enum[1:]
			},
			want: []string{"UpdateSSOConfigurationRequest.state: enum value SSO_CONFIGURATION_STATE_UNSPECIFIED"}},
		{name: "nullable dropped from an optional field",
			doc:  func(doc *openapi3.T) { oasProp(doc, "UpdateSCIMConfigurationRequest", "name").Nullable = false },
			want: []string{"UpdateSCIMConfigurationRequest.name: proto3 optional (presence kept), but not nullable"}},
		{name: "nullable added to a field without presence",
			doc:  func(doc *openapi3.T) { oasProp(doc, "CreateSSOConfigurationRequest", "displayName").Nullable = true },
			want: []string{"CreateSSOConfigurationRequest.display_name: nullable in openapi.yaml, but not proto3 optional"}},
		{name: "nullable added to a message schema a response shares",
			doc:  func(doc *openapi3.T) { oasSchema(doc, "InviteDomains").Nullable = true },
			want: []string{"Organization.invite_domains: nullable in openapi.yaml, but not proto3 optional"}},
		{name: "oneof constraint dropped",
			doc:  func(doc *openapi3.T) { oasSchema(doc, "JoinOrganizationRequest").Not = nil },
			want: []string{"JoinOrganizationRequest: no not in openapi.yaml, oneof join_id: at most one of its fields may be set (want required inviteId,organizationId)"}},
		{name: "oneof constraint names another field",
			doc: func(doc *openapi3.T) {
				oasSchema(doc, "JoinOrganizationRequest").Not.Value.Required = []string{"inviteId", "organization_id"}
			},
			want: []string{"JoinOrganizationRequest: not required inviteId,organization_id in openapi.yaml, oneof join_id"}},
		{name: "nested message under its own name",
			doc: func(doc *openapi3.T) {
				oasSchema(doc, "ListMembersRequest").Properties["sort"].Ref = "#/components/schemas/Sort"
			},
			want: []string{"ListMembersRequest.Sort: $ref #/components/schemas/Sort in openapi.yaml, want #/components/schemas/ListMembersRequest.Sort"}},
		{name: "CEL rule not stated",
			doc: func(doc *openapi3.T) {
				oasProp(doc, "UpdateOrganizationPoliciesRequest", "archiveEnvironmentsAfter").Description = "how long stopped environments stay"
			},
			want: []string{`UpdateOrganizationPoliciesRequest.archive_environments_after: buf.validate cel archive_environments_after_whole_days ("value must be a whole number of days") is not in its description`}},
		{name: "ignore-if-zero uuid stated as a plain uuid in a request",
			doc: func(doc *openapi3.T) {
				p := oasProp(doc, "UpdateOrganizationPoliciesRequest", "securityPolicyId")
				p.Pattern, p.Format = "", "uuid"
			},
			want: []string{"UpdateOrganizationPoliciesRequest.security_policy_id: format uuid in openapi.yaml, but no buf.validate rule or proto type says so",
				"UpdateOrganizationPoliciesRequest.security_policy_id: no pattern in openapi.yaml"}},
		{name: "a lower bound of 0 is no bound, but 1 is",
			doc:  func(doc *openapi3.T) { oasProp(doc, "ListMembersRequest.Filter", "search").MinLength = 1 },
			want: []string{"ListMembersRequest.Filter.search: minLength 1 in openapi.yaml, buf.validate string.min_len 0"}},
		{name: "required dropped",
			doc: func(doc *openapi3.T) {
				s := oasSchema(doc, "CreateSCIMConfigurationRequest")
				s.Required = slices.DeleteFunc(s.Required, func(r string) bool { return r == "ssoConfigurationId" })
			},
			want: []string{"CreateSCIMConfigurationRequest.sso_configuration_id: buf.validate required, but ssoConfigurationId is not listed in required"}},
		{name: "required added in a response",
			doc: func(doc *openapi3.T) {
				s := oasSchema(doc, "SCIMConfiguration")
				s.Required = append(s.Required, "name")
			},
			want: []string{"SCIMConfiguration.name: listed in required in openapi.yaml, but no buf.validate required"}},
		{name: "required request string accepts empty",
			doc:  func(doc *openapi3.T) { oasProp(doc, "CreateSSOConfigurationRequest", "clientId").MinLength = 0 },
			want: []string{"CreateSSOConfigurationRequest.client_id: buf.validate required refuses \"\"", "CreateSSOConfigurationRequest.client_id: no minLength in openapi.yaml, buf.validate string.min_len 1"}},
		{name: "uuid format dropped",
			doc:  func(doc *openapi3.T) { oasProp(doc, "GetSCIMConfigurationRequest", "scimConfigurationId").Format = "" },
			want: []string{"GetSCIMConfigurationRequest.scim_configuration_id: no format in openapi.yaml, buf.validate string.uuid true (want uuid)"}},
		{name: "uri format replaced",
			doc:  func(doc *openapi3.T) { oasProp(doc, "UpdateSSOConfigurationRequest", "issuerUrl").Format = "hostname" },
			want: []string{"UpdateSSOConfigurationRequest.issuer_url: format hostname in openapi.yaml, buf.validate string.uri true (want uri)"}},
		{name: "uniqueItems dropped",
			doc:  func(doc *openapi3.T) { oasProp(doc, "SSOConfiguration", "emailDomains").UniqueItems = false },
			want: []string{"SSOConfiguration.email_domains: no uniqueItems in openapi.yaml, buf.validate repeated.unique true"}},
		{name: "maxItems dropped",
			doc: func(doc *openapi3.T) {
				oasProp(doc, "CreateSSOConfigurationRequest", "additionalScopes").MaxItems = nil
			},
			want: []string{"CreateSSOConfigurationRequest.additional_scopes: no maxItems in openapi.yaml, buf.validate repeated.max_items 100"}},
		{name: "item pattern changed",
			doc:  func(doc *openapi3.T) { oasSchema(doc, "EmailDomain").Pattern = "^[a-z.]+$" },
			want: []string{"CreateSSOConfigurationRequest.email_domains[]: pattern ^[a-z.]+$ in openapi.yaml, buf.validate string.pattern"}},
		{name: "item maxLength changed",
			doc: func(doc *openapi3.T) {
				oasProp(doc, "AdditionalScopesUpdate", "scopes").Items.Value.MaxLength = driftPtr[uint64](256)
			},
			want: []string{"AdditionalScopesUpdate.scopes[]: maxLength 256 in openapi.yaml, buf.validate string.max_len 128"}},
		{name: "maximum changed",
			doc:  func(doc *openapi3.T) { oasProp(doc, "PaginationRequest", "pageSize").Max = driftPtr(200.0) },
			want: []string{"PaginationRequest.page_size: maximum 200 in openapi.yaml, buf.validate int32.lte 100"}},
		{name: "integer typed as number",
			doc:  func(doc *openapi3.T) { oasProp(doc, "PaginationRequest", "pageSize").Type = &openapi3.Types{"number"} },
			want: []string{"PaginationRequest.page_size: type number in openapi.yaml, proto int32 is a JSON integer"}},
		{name: "timestamp format changed",
			doc:  func(doc *openapi3.T) { oasProp(doc, "SCIMConfiguration", "createdAt").Format = "date" },
			want: []string{"SCIMConfiguration.created_at: format date in openapi.yaml, google.protobuf.Timestamp"}},
		{name: "duration pattern too narrow",
			doc: func(doc *openapi3.T) {
				oasProp(doc, "CreateSCIMConfigurationRequest", "tokenExpiresIn").Pattern = `^[0-9]+s$`
			},
			want: []string{`CreateSCIMConfigurationRequest.token_expires_in: pattern "^[0-9]+s$" in openapi.yaml refuses "1.5s"`}},
		{name: "duration bound not stated",
			doc: func(doc *openapi3.T) {
				oasProp(doc, "RegenerateSCIMTokenRequest", "tokenExpiresIn").Description = "the lifetime"
			},
			want: []string{"RegenerateSCIMTokenRequest.token_expires_in: buf.validate duration.gte 86400s is not in its description"}},
		{name: "map value type changed",
			doc: func(doc *openapi3.T) {
				oasProp(doc, "SSOConfiguration", "claims").AdditionalProperties.Schema = openapi3.NewIntegerSchema().NewRef()
			},
			want: []string{"SSOConfiguration.claims{}: type integer in openapi.yaml, proto string is a JSON string"}},
		{name: "message schema opened",
			doc:  func(doc *openapi3.T) { oasSchema(doc, "PaginationResponse").AdditionalProperties.Has = nil },
			want: []string{"PaginationResponse: no additionalProperties in openapi.yaml"}},
		{name: "wrong $ref",
			doc: func(doc *openapi3.T) {
				oasSchema(doc, "GetSCIMConfigurationResponse").Properties["scimConfiguration"] = &openapi3.SchemaRef{
					Ref: "#/components/schemas/SSOConfiguration", Value: oasSchema(doc, "SSOConfiguration")}
			},
			want: []string{"SCIMConfiguration: $ref #/components/schemas/SSOConfiguration in openapi.yaml, want #/components/schemas/SCIMConfiguration"}},
		{name: "idempotency changed",
			doc: func(doc *openapi3.T) {
				oasOp(doc, "GetSCIMConfiguration").Extensions["x-idempotency-level"] = "IDEMPOTENCY_UNKNOWN"
			},
			want: []string{"GetSCIMConfiguration: x-idempotency-level IDEMPOTENCY_UNKNOWN in openapi.yaml, proto idempotency_level NO_SIDE_EFFECTS"}},
		{name: "operation dropped",
			doc:  func(doc *openapi3.T) { doc.Paths.Delete("/gitpod.v1.OrganizationService/RegenerateSCIMToken") },
			want: []string{"RegenerateSCIMToken: method of gitpod.v1.OrganizationService, but openapi.yaml has no operation"}},
		{name: "operation added",
			doc: func(doc *openapi3.T) {
				doc.Paths.Set("/gitpod.v1.OrganizationService/RenameOrganization", &openapi3.PathItem{
					Post: &openapi3.Operation{OperationID: "RenameOrganization", Responses: openapi3.NewResponses()}})
			},
			want: []string{"operation RenameOrganization: in openapi.yaml, but gitpod.v1.OrganizationService has no method RenameOrganization"}},
		{name: "deprecated added",
			doc:  func(doc *openapi3.T) { oasProp(doc, "SCIMConfiguration", "name").Deprecated = true },
			want: []string{"SCIMConfiguration.name: deprecated true in openapi.yaml, proto option deprecated false"}},
		{name: "proto max_len changed",
			proto: func(set *descriptorpb.FileDescriptorSet) {
				editBufValidate(orgProtoField(set, "SCIMConfiguration", "name"), func(r *validate.FieldRules) { r.GetString().SetMaxLen(64) })
			},
			want: []string{"SCIMConfiguration.name: maxLength 128 in openapi.yaml, buf.validate string.max_len 64"}},
		{name: "proto rule without OpenAPI counterpart",
			proto: func(set *descriptorpb.FileDescriptorSet) {
				editBufValidate(orgProtoField(set, "CreateSSOConfigurationRequest", "client_id"), func(r *validate.FieldRules) { r.GetString().SetPrefix("x") })
			},
			want: []string{"CreateSSOConfigurationRequest.client_id: buf.validate string.prefix has no OpenAPI counterpart"}},
		{name: "proto required added",
			proto: func(set *descriptorpb.FileDescriptorSet) {
				editBufValidate(orgProtoField(set, "SCIMConfiguration", "enabled"), func(r *validate.FieldRules) { r.SetRequired(true) })
			},
			want: []string{"SCIMConfiguration.enabled: buf.validate required, but enabled is not listed in required"}},
		{name: "proto field added",
			proto: func(set *descriptorpb.FileDescriptorSet) {
				m := orgProtoMessage(set, "SCIMConfiguration")
				m.Field = append(m.Field, &descriptorpb.FieldDescriptorProto{
					Name: proto.String("owner_id"), JsonName: proto.String("ownerId"), Number: proto.Int32(99),
					Label: descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(), Type: descriptorpb.FieldDescriptorProto_TYPE_STRING.Enum()})
			},
			want: []string{"SCIMConfiguration.owner_id: no property ownerId (the field's JSON name) in openapi.yaml"}},
		{name: "proto method added",
			proto: func(set *descriptorpb.FileDescriptorSet) {
				svc := orgProtoFile(set).Service[0]
				svc.Method = append(svc.Method, &descriptorpb.MethodDescriptorProto{Name: proto.String("GetSCIMToken"),
					InputType: proto.String(".gitpod.v1.GetSCIMConfigurationRequest"), OutputType: proto.String(".gitpod.v1.RegenerateSCIMTokenResponse")})
			},
			want: []string{"GetSCIMToken: method of gitpod.v1.OrganizationService, but openapi.yaml has no operation GetSCIMToken"}},
		{name: "proto idempotency changed",
			proto: func(set *descriptorpb.FileDescriptorSet) {
				for _, m := range orgProtoFile(set).Service[0].Method {
					if m.GetName() == "RegenerateSCIMToken" {
						m.Options = &descriptorpb.MethodOptions{IdempotencyLevel: descriptorpb.MethodOptions_NO_SIDE_EFFECTS.Enum()}
					}
				}
			},
			want: []string{"RegenerateSCIMToken: x-idempotency-level IDEMPOTENCY_UNKNOWN in openapi.yaml, proto idempotency_level NO_SIDE_EFFECTS"}},
	}
	for _, c := range cases {
		t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
			t.Parallel()
			doc := loadOpenAPI(t)
			if c.doc != nil {
				c.doc(doc)
			}
			problems := compareOpenAPIWithProto(doc, loadProtoService(t, c.proto)).problems
			for _, w := range c.want {
				if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, w) }) {
					t.Errorf("no problem reported containing %q; got %d:\n  %s", w, len(problems), strings.Join(problems, "\n  "))
				}
			}
		})
	}
}

func driftPtr[T any](v T) *T { return &v }

func oasSchema(doc *openapi3.T, name string) *openapi3.Schema {
	return doc.Components.Schemas[name].Value
}

func oasProp(doc *openapi3.T, schema, prop string) *openapi3.Schema {
	return oasSchema(doc, schema).Properties[prop].Value
}

func oasOp(doc *openapi3.T, id string) *openapi3.Operation {
	return doc.Paths.Value("/gitpod.v1.OrganizationService/" + id).Post
}

// orgProtoFile is organization.proto's descriptor in set.
func orgProtoFile(set *descriptorpb.FileDescriptorSet) *descriptorpb.FileDescriptorProto {
	for _, f := range set.File {
		if f.GetPackage() == "gitpod.v1" {
			return f
		}
	}
	panic("no gitpod.v1 file in the descriptor set")
}

func orgProtoMessage(set *descriptorpb.FileDescriptorSet, name string) *descriptorpb.DescriptorProto {
	for _, m := range orgProtoFile(set).MessageType {
		if m.GetName() == name {
			return m
		}
	}
	panic("no message " + name)
}

func orgProtoField(set *descriptorpb.FileDescriptorSet, message, field string) *descriptorpb.FieldDescriptorProto {
	for _, f := range orgProtoMessage(set, message).Field {
		if f.GetName() == field {
			return f
		}
	}
	panic("no field " + message + "." + field)
}

// editBufValidate changes a field's buf.validate.field option; string rules are created if missing.
func editBufValidate(f *descriptorpb.FieldDescriptorProto, edit func(*validate.FieldRules)) {
	if f.Options == nil {
		f.Options = &descriptorpb.FieldOptions{}
	}
	r, _ := proto.GetExtension(f.Options, validate.E_Field).(*validate.FieldRules)
	r = proto.CloneOf(r)
	if r == nil {
		r = &validate.FieldRules{}
	}
	if f.GetType() == descriptorpb.FieldDescriptorProto_TYPE_STRING && r.GetString() == nil {
		r.SetString(&validate.StringRules{})
	}
	edit(r)
	proto.SetExtension(f.Options, validate.E_Field, r)
}
