package engine

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	"github.com/gitpod-mock/orgmock/engine/connect"
	"github.com/gitpod-mock/orgmock/engine/jsonproto"
)

// Connect's binary codec on a unary POST, the protocol of the official TypeScript SDK, is
// served without the transcoder: in that protocol the body is the message and nothing else
// (no envelope, no trailers; an error is the same JSON as in the JSON codec), so all it
// takes is the two codecs: protobuf's for the request, jsonproto (JSON straight to the wire
// format) for the answer. Going through vanguard cost twice the JSON path; this costs it the
// codecs alone. Every other protocol still goes through vanguard.

// protoMethod is what the binary path needs of a method: its messages, as generated types.
type protoMethod struct {
	in, out protoreflect.MessageType
}

// protoMethods finds the generated types of every method of services, by path; nil for a
// service whose types are not linked into the program (the transcoder then serves it).
func protoMethods(services []protoreflect.ServiceDescriptor) map[string]protoMethod {
	out := map[string]protoMethod{}
	for _, sd := range services {
		methods := sd.Methods()
		for i := range methods.Len() {
			md := methods.Get(i)
			if md.IsStreamingClient() || md.IsStreamingServer() {
				continue
			}
			in, err1 := protoregistry.GlobalTypes.FindMessageByName(md.Input().FullName())
			out2, err2 := protoregistry.GlobalTypes.FindMessageByName(md.Output().FullName())
			if err1 != nil || err2 != nil || in.Descriptor() != md.Input() || out2.Descriptor() != md.Output() {
				continue
			}
			out["/"+string(sd.FullName())+"/"+string(md.Name())] = protoMethod{in: in, out: out2}
		}
	}
	return out
}

// connectProto reports whether r is a Connect unary POST in the binary codec, uncompressed,
// for a method the binary path knows.
func (fd *frontDoor) connectProto(r *http.Request) (protoMethod, bool) {
	if r.Method != http.MethodPost || mediaType(r) != "application/proto" {
		return protoMethod{}, false
	}
	if enc := r.Header.Get("Content-Encoding"); enc != "" && enc != "identity" {
		return protoMethod{}, false
	}
	m, ok := fd.binary[r.URL.Path]
	return m, ok
}

// serveConnectProto decodes the request message, lets next (the pipeline) answer it in
// JSON, and encodes a success in the binary codec.
func (fd *frontDoor) serveConnectProto(w http.ResponseWriter, r *http.Request, m protoMethod, next http.Handler) {
	body, err := readLimited(r, fd.maxBody)
	if err != nil {
		writeError(w, err)
		return
	}
	in := m.in.New().Interface()
	if err := proto.Unmarshal(body, in); err != nil {
		writeError(w, connect.Errorf(connect.InvalidArgument, "the body is not a %s in the proto codec: %v", m.in.Descriptor().FullName(), err))
		return
	}
	if u := unknownFields(in.ProtoReflect()); u != "" {
		writeError(w, connect.Errorf(connect.InvalidArgument, "%s", u))
		return
	}
	js, err := protojson.Marshal(in)
	if err != nil {
		writeError(w, connect.Errorf(connect.InvalidArgument, "%s: %v", m.in.Descriptor().FullName(), err))
		return
	}
	r2 := r.WithContext(context.WithValue(r.Context(), protocolKey{}, "connect+proto"))
	r2.Header["Content-Type"] = jsonContentType // the request is ours: no copy of its headers
	r2.Body, r2.ContentLength = &bodyReader{Reader: *bytes.NewReader(js)}, int64(len(js))
	rec := protoAnswers.Get().(*protoAnswer)
	defer protoAnswers.Put(rec)
	rec.reset(w)
	next.ServeHTTP(rec, r2)
	if rec.status != http.StatusOK {
		w.WriteHeader(rec.status) // an error: JSON in both codecs
		_, _ = w.Write(rec.buf.Bytes())
		return
	}
	b, ok := jsonproto.Append(rec.enc[:0], rec.buf.Bytes(), m.out.Descriptor())
	if !ok { // JSON jsonproto leaves to protobuf's own codecs
		out := m.out.New().Interface()
		if err := (protojson.UnmarshalOptions{}).Unmarshal(rec.buf.Bytes(), out); err != nil {
			writeError(w, connect.Errorf(connect.Internal, "the answer does not fit %s: %v", m.out.Descriptor().FullName(), err))
			return
		}
		var err error
		if b, err = (proto.MarshalOptions{}).MarshalAppend(rec.enc[:0], out); err != nil {
			writeError(w, connect.Errorf(connect.Internal, "%s: %v", m.out.Descriptor().FullName(), err))
			return
		}
	}
	rec.enc = b
	h := w.Header()
	h["Content-Type"] = protoContentType
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

var (
	protoContentType = []string{"application/proto"}
	jsonContentType  = []string{"application/json"}
)

// protoAnswer holds the pipeline's answer to a binary call until it is encoded. Headers go
// to the client's writer; the body waits.
type protoAnswer struct {
	w      http.ResponseWriter
	status int
	buf    bytes.Buffer
	enc    []byte
}

var protoAnswers = sync.Pool{New: func() any { return new(protoAnswer) }}

func (a *protoAnswer) reset(w http.ResponseWriter) {
	a.w, a.status = w, 0
	a.buf.Reset()
}

// Header is the client's header map.
func (a *protoAnswer) Header() http.Header { return a.w.Header() }

// WriteHeader keeps the status.
func (a *protoAnswer) WriteHeader(status int) {
	if a.status == 0 {
		a.status = status
	}
}

// Write keeps the body.
func (a *protoAnswer) Write(b []byte) (int, error) {
	if a.status == 0 {
		a.status = http.StatusOK
	}
	return a.buf.Write(b)
}

// Unwrap gives http.ResponseController the client's writer.
func (a *protoAnswer) Unwrap() http.ResponseWriter { return a.w }

// unknownFields names the first field of m, or of a message in it, that its schema does not
// have ("" when there is none). Protobuf keeps such fields aside and a transcoder drops
// them, so a client drifting from the contract would go unnoticed; the mock refuses them,
// as the JSON path refuses an unknown member.
func unknownFields(m protoreflect.Message) string {
	if raw := m.GetUnknown(); len(raw) > 0 {
		num, typ, n := protowire.ConsumeTag(raw)
		if n < 0 {
			return fmt.Sprintf("%s: undecodable bytes", m.Descriptor().FullName())
		}
		return fmt.Sprintf("%s: field %d (wire type %d) is not in its schema", m.Descriptor().FullName(), num, typ)
	}
	found := ""
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsMap():
			if fd.MapValue().Message() != nil {
				v.Map().Range(func(_ protoreflect.MapKey, mv protoreflect.Value) bool {
					found = unknownFields(mv.Message())
					return found == ""
				})
			}
		case fd.IsList() && fd.Message() != nil:
			l := v.List()
			for i := 0; i < l.Len() && found == ""; i++ {
				found = unknownFields(l.Get(i).Message())
			}
		case fd.Message() != nil:
			found = unknownFields(v.Message())
		}
		return found == ""
	})
	return found
}
