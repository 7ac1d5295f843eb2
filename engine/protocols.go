package engine

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	connectgo "connectrpc.com/connect"
	"connectrpc.com/grpchealth"
	"connectrpc.com/grpcreflect"
	"connectrpc.com/vanguard"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/gitpod-mock/orgmock/engine/connect"
	"github.com/gitpod-mock/orgmock/engine/jsonproto"
)

// The front door: every protocol a Connect server speaks reaches the one pipeline, which
// checks Connect JSON. A POST of application/json (Connect's JSON codec, the seed's curl,
// Stainless SDKs, fetch) goes straight in, exactly as it always has. Everything else that
// names an RPC (Connect's binary codec, Connect GET, gRPC, gRPC-Web, compressed bodies) is
// transcoded to that by connectrpc.com/vanguard from the API's descriptors, and the answer,
// errors included, back into the caller's protocol. gRPC reflection and health are served
// beside the API.

// protocolKey carries the protocol a call arrived in (see protocolOf) on its context.
type protocolKey struct{}

// protocolOf names how a request speaks: "connect+json" for the plain JSON POST,
// "connect+proto", "connect-get+json", "grpc+proto", "grpc-web+json" and so on.
func protocolOf(r *http.Request) string {
	if p, ok := r.Context().Value(protocolKey{}).(string); ok {
		return p
	}
	return classify(r)
}

// plainJSONPost is the call the pipeline takes as it is, in the form nearly every client
// sends it: a POST of exactly application/json, uncompressed.
func plainJSONPost(r *http.Request) bool {
	return r.Method == http.MethodPost && r.Header.Get("Content-Type") == "application/json" && r.Header.Get("Content-Encoding") == ""
}

// classify reads the protocol and codec from the request line and headers.
func classify(r *http.Request) string {
	if plainJSONPost(r) {
		return "connect+json"
	}
	ct := mediaType(r)
	switch {
	case r.Method == http.MethodGet:
		enc := r.URL.Query().Get("encoding")
		if enc == "" {
			enc = "json"
		}
		return "connect-get+" + enc
	case strings.HasPrefix(ct, "application/grpc-web"):
		return "grpc-web+" + codecOf(strings.TrimPrefix(ct, "application/grpc-web"))
	case strings.HasPrefix(ct, "application/grpc"):
		return "grpc+" + codecOf(strings.TrimPrefix(ct, "application/grpc"))
	case strings.HasPrefix(ct, "application/connect+"):
		return "connect-stream+" + strings.TrimPrefix(ct, "application/connect+")
	case strings.HasPrefix(ct, "application/"):
		return "connect+" + strings.TrimPrefix(ct, "application/")
	}
	return "connect+json"
}

// codecOf is the codec of a gRPC content type's suffix ("", "+proto", "+json", "-text").
func codecOf(suffix string) string {
	switch suffix {
	case "", "-text":
		return "proto"
	}
	return strings.TrimPrefix(suffix, "+")
}

// frontDoor routes requests to the pipeline, directly or through the transcoder.
type frontDoor struct {
	transcoder *vanguard.Transcoder
	extra      map[string]http.Handler // reflection and health, by path prefix
	services   []string                // "/<service>/" prefixes
	bases      []string                // base paths the API is also served under
	binary     map[string]protoMethod  // Connect binary unary, by path (connectproto.go)
	maxBody    int64
}

// newFrontDoor builds the transcoder for services, in front of api (the pipeline).
func newFrontDoor(services []protoreflect.ServiceDescriptor, bases []string, maxBody int64, api http.Handler) (*frontDoor, error) {
	fd := &frontDoor{extra: map[string]http.Handler{}, bases: bases, binary: protoMethods(services), maxBody: maxBody}
	if len(services) == 0 {
		return fd, nil
	}
	target := connectGetToPost(api)
	var svcs []*vanguard.Service
	names := make([]string, 0, len(services))
	for _, sd := range services {
		svcs = append(svcs, vanguard.NewServiceWithSchema(sd, target,
			vanguard.WithTargetProtocols(vanguard.ProtocolConnect),
			vanguard.WithTargetCodecs(vanguard.CodecJSON),
			vanguard.WithNoTargetCompression(),
			vanguard.WithMaxMessageBufferBytes(uint32(min(maxBody, 1<<31))),
		))
		names = append(names, string(sd.FullName()))
		fd.services = append(fd.services, "/"+string(sd.FullName())+"/")
	}
	t, err := vanguard.NewTranscoder(svcs,
		vanguard.WithCodec(func(res vanguard.TypeResolver) vanguard.Codec { return protoCodec{vanguard.NewProtoCodec(res)} }),
		vanguard.WithCodec(func(res vanguard.TypeResolver) vanguard.Codec {
			c := vanguard.NewJSONCodec(res)
			// Write messages as protojson and connect-go do by default: unset and zero fields
			// left out. vanguard's default writes every field, null for an unset message, which
			// would make a request that leaves pagination unset read "pagination": null in the
			// pipeline (refused), and would give grpc+json clients answers no Connect server
			// writes.
			c.MarshalOptions.EmitUnpopulated = false
			return jsonCodec{c}
		}),
		vanguard.WithCompression(vanguard.CompressionGzip,
			func() connectgo.Compressor { return gzip.NewWriter(io.Discard) },
			func() connectgo.Decompressor { return &gunzip{limit: maxBody} }))
	if err != nil {
		return nil, fmt.Errorf("engine: protocols: %w", err)
	}
	fd.transcoder = t
	reflector := grpcreflect.NewStaticReflector(names...)
	p, h := grpcreflect.NewHandlerV1(reflector)
	fd.extra[p] = h
	p, h = grpcreflect.NewHandlerV1Alpha(reflector)
	fd.extra[p] = h
	p, h = grpchealth.NewHandler(grpchealth.NewStaticChecker(names...))
	fd.extra[p] = h
	return fd, nil
}

// protoCodec and jsonCodec are vanguard's codecs, except that a message that does not decode
// is the caller's mistake (invalid_argument, naming the message), not an unknown error.
type (
	protoCodec struct{ *vanguard.ProtoCodec }
	jsonCodec  struct{ *vanguard.JSONCodec }
)

// Unmarshal decodes data into msg, refusing fields its schema does not have.
func (c protoCodec) Unmarshal(data []byte, msg proto.Message) error {
	if err := badMessage(c.Name(), msg, c.ProtoCodec.Unmarshal(data, msg)); err != nil {
		return err
	}
	if u := unknownFields(msg.ProtoReflect()); u != "" {
		return connectgo.NewError(connectgo.CodeInvalidArgument, errors.New(u))
	}
	return nil
}

// Unmarshal decodes data into msg: through the wire format when jsonproto covers the JSON
// (several times faster than protojson), else with protojson.
func (c jsonCodec) Unmarshal(data []byte, msg proto.Message) error {
	p := wireBufs.Get().(*[]byte)
	defer wireBufs.Put(p)
	if b, ok := jsonproto.Append((*p)[:0], data, msg.ProtoReflect().Descriptor()); ok {
		*p = b
		return badMessage(c.Name(), msg, proto.Unmarshal(b, msg))
	}
	return badMessage(c.Name(), msg, c.JSONCodec.Unmarshal(data, msg))
}

// wireBufs hold jsonCodec's wire-format buffers between calls.
var wireBufs = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

func badMessage(codec string, msg proto.Message, err error) error {
	if err == nil {
		return nil
	}
	return connectgo.NewError(connectgo.CodeInvalidArgument,
		fmt.Errorf("the body is not a %s in the %s codec: %w", msg.ProtoReflect().Descriptor().FullName(), codec, err))
}

// gunzip decompresses a request body up to limit bytes: a small body cannot make the
// transcoder hold more than the pipeline would take. A body that is not gzip is the
// caller's mistake (invalid_argument).
type gunzip struct {
	zr          gzip.Reader
	limit, read int64
}

// Reset starts on a new body.
func (d *gunzip) Reset(r io.Reader) error {
	d.read = 0
	if err := d.zr.Reset(r); err != nil {
		return notGzip(err)
	}
	return nil
}

// Read decompresses.
func (d *gunzip) Read(p []byte) (int, error) {
	n, err := d.zr.Read(p)
	d.read += int64(n)
	if d.read > d.limit {
		return n, connectgo.NewError(connectgo.CodeResourceExhausted,
			fmt.Errorf("request body exceeds the limit of %d bytes once decompressed", d.limit))
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return n, notGzip(err)
	}
	return n, err
}

// Close ends the body.
func (d *gunzip) Close() error { return d.zr.Close() }

func notGzip(err error) error {
	return connectgo.NewError(connectgo.CodeInvalidArgument, fmt.Errorf("the body is not valid gzip: %w", err))
}

// connectHeader marks a Connect unary POST that does not say which protocol it speaks as
// Connect (vanguard takes a binary POST without Connect-Protocol-Version for REST), as a
// Connect server would take it.
func connectHeader(r *http.Request) *http.Request {
	if r.Method != http.MethodPost || r.Header.Get("Connect-Protocol-Version") != "" {
		return r
	}
	if ct := mediaType(r); ct != "application/proto" && ct != "application/json" {
		return r
	}
	r.Header = r.Header.Clone()
	r.Header.Set("Connect-Protocol-Version", "1")
	return r
}

// stripBase serves a path under a base path (e.g. /api/gitpod.v1.X/Y) as the same path at
// the root.
func (fd *frontDoor) stripBase(r *http.Request) *http.Request {
	for _, b := range fd.bases {
		if rest, ok := strings.CutPrefix(r.URL.Path, b); ok && strings.HasPrefix(rest, "/") {
			r2 := new(http.Request)
			*r2 = *r
			u := *r.URL
			u.Path, u.RawPath = rest, ""
			r2.URL = &u
			return r2
		}
	}
	return r
}

// route returns the handler for a request the pipeline does not take as it is, or nil.
func (fd *frontDoor) route(r *http.Request) http.Handler {
	for p, h := range fd.extra {
		if strings.HasPrefix(r.URL.Path, p) {
			return h
		}
	}
	if fd.transcoder == nil || !transcoded(r) || !fd.isRPC(r.URL.Path) {
		return nil
	}
	if strings.HasPrefix(mediaType(r), "application/grpc-web-text") {
		return grpcWebTextRefused
	}
	if enc := r.Header.Get("Content-Encoding"); r.Method == http.MethodPost && enc != "" && enc != "identity" && enc != vanguard.CompressionGzip &&
		!strings.HasPrefix(mediaType(r), "application/grpc") {
		return unsupportedEncoding(enc)
	}
	return fd.transcoder
}

// grpcWebTextRefused answers gRPC-Web's base64 variant, which the transcoder does not
// speak, with a trailers-only gRPC-Web answer every client reads: unimplemented.
var grpcWebTextRefused = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", mediaType(r))
	h.Set("Grpc-Status", "12")
	h.Set("Grpc-Message", "application/grpc-web-text is not supported: send application/grpc-web+proto or application/grpc-web+json")
	w.WriteHeader(http.StatusOK)
})

// unsupportedEncoding answers a Connect call compressed in a way the mock does not know, as
// a Connect server does.
func unsupportedEncoding(enc string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeError(w, connect.Errorf(connect.Unimplemented, "Content-Encoding %q is not supported: send gzip or identity", enc))
	})
}

// isRPC reports whether path names a method of a served service.
func (fd *frontDoor) isRPC(path string) bool {
	for _, p := range fd.services {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// transcoded reports whether a request speaks a protocol the pipeline takes only through the
// transcoder: a Connect GET, a binary or streaming Connect call, gRPC, gRPC-Web, or a
// compressed body. Anything else (a JSON POST, or a request no Connect client sends) goes
// to the pipeline as it is, which answers it as it always has.
func transcoded(r *http.Request) bool {
	switch r.Method {
	case http.MethodGet:
		return r.Header.Get("Connect-Protocol-Version") == "1" || strings.Contains(r.URL.RawQuery, "connect=v1")
	case http.MethodPost:
		switch ct := mediaType(r); {
		case ct == "application/proto", strings.HasPrefix(ct, "application/grpc"), strings.HasPrefix(ct, "application/connect+"):
			return true
		case ct == "application/json":
			enc := r.Header.Get("Content-Encoding")
			return enc != "" && enc != "identity"
		}
	}
	return false
}

// mediaType is the request's Content-Type without parameters, lower case.
func mediaType(r *http.Request) string {
	ct := r.Header.Get("Content-Type")
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	return strings.TrimSpace(strings.ToLower(ct))
}

// connectGetToPost turns a Connect GET (what the transcoder sends on for a side-effect-free
// method called with GET) into the POST the pipeline serves: the message from the query,
// decoded, as the body.
func connectGetToPost(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			next.ServeHTTP(w, r)
			return
		}
		q := r.URL.Query()
		msg := []byte(q.Get("message"))
		if q.Get("base64") == "1" {
			b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(string(msg), "="))
			if err != nil {
				writeError(w, connect.Errorf(connect.InvalidArgument, "message: must be URL-safe base64 (base64=1)"))
				return
			}
			msg = b
		}
		if enc := q.Get("encoding"); enc != "" && enc != "json" {
			writeError(w, connect.Errorf(connect.Internal, "encoding %q: the transcoder sent on a codec other than JSON", enc))
			return
		}
		r2 := r.Clone(r.Context())
		r2.Method = http.MethodPost
		u := *r.URL
		u.RawQuery = ""
		r2.URL = &u
		r2.Header.Set("Content-Type", "application/json")
		r2.Body = io.NopCloser(bytes.NewReader(msg))
		r2.ContentLength = int64(len(msg))
		next.ServeHTTP(w, r2)
	})
}

// withProtocol records the request's protocol on its context, before anything rewrites it.
func withProtocol(r *http.Request) *http.Request {
	return connectHeader(r.WithContext(context.WithValue(r.Context(), protocolKey{}, classify(r))))
}
