// Command mock serves the Gitpod Organization API mock (mock --help says what and how).
//
//	go run ./cmd/mock                       # 127.0.0.1:4010, embedded fixtures
//	go run ./cmd/mock --addr :4010 --fixtures ./my-fixtures --strict-auth
//	go run ./cmd/mock --host 0.0.0.0 --port 4011
//
//	mock healthcheck [--addr host:port]     # exit 0 when /healthz answers 200 (for HEALTHCHECK)
//	mock --version
//
// Every flag has an environment equivalent (MOCK_ADDR, MOCK_FIXTURES, ...); a flag wins.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gitpod-mock/orgmock/server"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	default:
		fmt.Fprintln(os.Stderr, "mock:", err)
		os.Exit(1)
	}
}

// config is the command line, after environment fallbacks.
type config struct {
	addr           string
	host, port     string // Prism's names for the parts of addr
	fixtures       string
	strictAuth     bool
	logLevel       string
	logFormat      string
	maxBodyBytes   int64
	mode           string
	seed           string
	clock          string
	sessionTTL     time.Duration
	journalSize    int
	journalBytes   int64
	maxSessions    int
	corsOrigins    string
	controlCORS    string
	controlToken   string
	noControl      bool
	stateFile      string
	stateFileBytes int64
	version        bool
}

// envVar is the environment variable of a flag: MOCK_ and its name in capitals, with _ for
// - (--max-sessions: MOCK_MAX_SESSIONS). Every flag has one except --version.
func envVar(flagName string) string {
	return "MOCK_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parseFlags reads the command line, then fills every flag not given there from its
// environment variable through the same parser, so a flag always wins and a bad variable is
// reported only when it is used.
func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var cfg config
	fset := flag.NewFlagSet("mock", flag.ContinueOnError)
	fset.SetOutput(io.Discard) // errors are returned, and reported once (by main)
	fset.StringVar(&cfg.addr, "addr", "127.0.0.1:4010", "listen address (env MOCK_ADDR)")
	fset.StringVar(&cfg.host, "host", "", "listen on this host, keeping --addr's port (Prism's -h) (env MOCK_HOST)")
	fset.StringVar(&cfg.port, "port", "", "listen on this port, keeping --addr's host (Prism's -p) (env MOCK_PORT)")
	fset.StringVar(&cfg.fixtures, "fixtures", "", "directory of fixture *.json files; the embedded set when empty (env MOCK_FIXTURES)")
	fset.BoolVar(&cfg.strictAuth, "strict-auth", false, "refuse bearer tokens not listed in the fixtures (env MOCK_STRICT_AUTH)")
	fset.StringVar(&cfg.logLevel, "log-level", "info", "debug, info, warn or error (env MOCK_LOG_LEVEL)")
	fset.StringVar(&cfg.logFormat, "log-format", "text", "text or json (env MOCK_LOG_FORMAT)")
	fset.Int64Var(&cfg.maxBodyBytes, "max-body-bytes", server.DefaultMaxBodyBytes, "largest request body accepted (env MOCK_MAX_BODY_BYTES)")
	fset.StringVar(&cfg.mode, "mode", string(server.ModeStateful), "stateful, or examples: answer every valid request with its documented example (env MOCK_MODE)")
	fset.StringVar(&cfg.seed, "seed", "", "make IDs and tokens reproducible from this unsigned integer (env MOCK_SEED)")
	fset.StringVar(&cfg.clock, "clock", "", "start a fake clock at this RFC 3339 time; it moves only via POST /_mock/clock (env MOCK_CLOCK)")
	fset.DurationVar(&cfg.sessionTTL, "session-ttl", server.DefaultSessionTTL, "drop X-Mock-Session sessions idle this long (env MOCK_SESSION_TTL)")
	fset.IntVar(&cfg.journalSize, "journal-size", server.DefaultJournalSize, "requests kept per session journal (env MOCK_JOURNAL_SIZE)")
	fset.Int64Var(&cfg.journalBytes, "journal-bytes", server.DefaultJournalBytes, "bytes all journals keep together; the oldest entries go first (env MOCK_JOURNAL_BYTES)")
	fset.IntVar(&cfg.maxSessions, "max-sessions", server.DefaultMaxSessions, "sessions kept at once; the least recently used idle one makes room (env MOCK_MAX_SESSIONS)")
	fset.StringVar(&cfg.corsOrigins, "cors-origins", "*", "comma-separated browser origins allowed to call the mock, * for any (env MOCK_CORS_ORIGINS)")
	fset.StringVar(&cfg.controlCORS, "control-cors-origins", "", "comma-separated browser origins allowed to call /_mock/ (none by default) (env MOCK_CONTROL_CORS_ORIGINS)")
	fset.StringVar(&cfg.controlToken, "control-token", "", "require this bearer token on every /_mock/ call (env MOCK_CONTROL_TOKEN)")
	fset.BoolVar(&cfg.noControl, "no-control", false, "remove the /_mock/ control plane (env MOCK_NO_CONTROL)")
	fset.StringVar(&cfg.stateFile, "state-file", "", "keep every session's state in this file (a bbolt database) across restarts (env MOCK_STATE_FILE)")
	fset.Int64Var(&cfg.stateFileBytes, "state-file-max-bytes", 0, "largest the state file may grow; a change past it answers unavailable; 0 for no bound (env MOCK_STATE_FILE_MAX_BYTES)")
	fset.BoolVar(&cfg.version, "version", false, "print the version and VCS revision, then exit")
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(fset, stderr)
			return cfg, err
		}
		return cfg, fmt.Errorf("%w (mock --help lists the flags)", err)
	}
	if fset.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments: %s (mock --help lists the flags and subcommands)", strings.Join(fset.Args(), " "))
	}
	given := map[string]bool{"version": true}
	fset.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fset.VisitAll(func(f *flag.Flag) { // in name order
		v := getenv(envVar(f.Name))
		if err != nil || given[f.Name] || v == "" {
			return
		}
		if e := fset.Set(f.Name, v); e != nil {
			err = fmt.Errorf("%s=%q: not a valid value for --%s: %w", envVar(f.Name), v, f.Name, e)
		}
	})
	if err != nil {
		return cfg, err
	}
	if cfg.host != "" || cfg.port != "" {
		host, port, e := net.SplitHostPort(cfg.addr)
		if e != nil {
			return cfg, fmt.Errorf("--addr %q: %w", cfg.addr, e)
		}
		if cfg.host != "" {
			host = cfg.host
		}
		if cfg.port != "" {
			port = cfg.port
		}
		cfg.addr = net.JoinHostPort(host, port)
	}
	return cfg, nil
}

// flagGroups order the flags of --help by what they are for; every flag is in one.
var flagGroups = []struct {
	title string
	flags []string
}{
	{"Serving", []string{"addr", "host", "port", "fixtures", "mode", "strict-auth", "max-body-bytes", "cors-origins"}},
	{"Reproducible runs", []string{"seed", "clock"}},
	{"Test sessions and the journal", []string{"session-ttl", "max-sessions", "journal-size", "journal-bytes"}},
	{"Control plane (/_mock/)", []string{"control-token", "no-control", "control-cors-origins"}},
	{"State that outlives the process", []string{"state-file", "state-file-max-bytes"}},
	{"Logging", []string{"log-level", "log-format"}},
	{"Other", []string{"version"}},
}

// usage writes --help: what the mock is, how to call it, and the flags by group, each line as
// the flag package writes them.
func usage(fset *flag.FlagSet, w io.Writer) {
	fmt.Fprint(w, `mock serves Gitpod's Organization API (gitpod.v1.OrganizationService, all 44 RPCs) from
its contract, openapi.yaml: stateful (state that persists across calls, real ids, paging,
roles), over Connect (JSON, binary, GET), gRPC and gRPC-Web, at / and /api, checking every
request and every response against the contract. A test control plane lives under /_mock/
(reset, journal, coverage, faults, clock, fake DNS, state; GET /_mock/openapi.yaml describes
it) with a live dashboard at /_mock/ui/, and the contract is served at /openapi.yaml and
/descriptors.binpb.

Usage:
  mock [flags]                                        serve (Ctrl-C or SIGTERM stops it)
  mock healthcheck [--addr host:port] [--timeout 2s]  exit 0 when /healthz answers 200
  mock --version

Examples:
  mock --seed 1 --clock 2026-01-01T00:00:00Z          reproducible ids and times
  MOCK_PORT=4011 mock --mode examples --strict-auth   like Prism: documented examples only

Every flag can be given as an environment variable instead (named after it: MOCK_ADDR,
MOCK_STATE_FILE, ...); a flag wins.
`)
	for _, g := range flagGroups {
		fmt.Fprintf(w, "\n%s:\n", g.title)
		for _, name := range g.flags {
			f := fset.Lookup(name)
			kind, text := flag.UnquoteUsage(f)
			line := "  -" + f.Name
			if kind != "" {
				line += " " + kind
			}
			if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
				text += fmt.Sprintf(" (default %q)", f.DefValue)
			}
			fmt.Fprintf(w, "%s\n    \t%s\n", line, text)
		}
	}
}

func newLogger(cfg config, w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.logLevel)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch cfg.logFormat {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format: want text or json, got %q", cfg.logFormat)
}

// run starts the server and blocks until ctx is done, then shuts down gracefully.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "healthcheck" {
		return healthcheck(ctx, args[1:], getenv, stderr)
	}
	cfg, err := parseFlags(args, getenv, stderr)
	if err != nil {
		return err
	}
	if cfg.version {
		fmt.Fprintln(stdout, version())
		return nil
	}
	logger, err := newLogger(cfg, stdout)
	if err != nil {
		return err
	}
	var fixtureFS fs.FS
	if cfg.fixtures != "" {
		if st, err := os.Stat(cfg.fixtures); err != nil || !st.IsDir() {
			return fmt.Errorf("--fixtures %s: not a directory", cfg.fixtures)
		}
		fixtureFS = os.DirFS(cfg.fixtures)
	}
	opts := server.Options{
		Fixtures:   fixtureFS,
		StrictAuth: cfg.strictAuth,
		Logger:     logger,
		Mode:       server.Mode(cfg.mode),
		Limits: server.Limits{MaxBodyBytes: cfg.maxBodyBytes, SessionTTL: cfg.sessionTTL, JournalSize: cfg.journalSize,
			JournalBytes: cfg.journalBytes, MaxSessions: cfg.maxSessions, StateFileBytes: cfg.stateFileBytes},
		Control:   server.Control{Token: cfg.controlToken, Disabled: cfg.noControl},
		StateFile: cfg.stateFile,
	}
	opts.CORSOrigins = origins(cfg.corsOrigins)
	opts.Control.CORSOrigins = origins(cfg.controlCORS)
	if cfg.seed != "" {
		seed, err := strconv.ParseUint(cfg.seed, 10, 64)
		if err != nil {
			return fmt.Errorf("--seed: want an unsigned integer, got %q", cfg.seed)
		}
		opts.Replay.Seed = &seed
	}
	if cfg.clock != "" {
		t, err := time.Parse(time.RFC3339Nano, cfg.clock)
		if err != nil {
			return fmt.Errorf("--clock: want an RFC 3339 time such as 2026-01-01T00:00:00Z, got %q", cfg.clock)
		}
		t = t.UTC()
		opts.Replay.Clock = &t
	}
	// Loading the spec and fixtures allocates a few MB of short-lived garbage; collecting it
	// mid-load only delays the first answer.
	gc := debug.SetGCPercent(-1)
	srv, err := server.New(opts)
	debug.SetGCPercent(gc)
	if err != nil {
		return err
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	httpSrv := newHTTPServer(srv)
	httpSrv.RegisterOnShutdown(srv.CloseStreams) // open dashboards must not hold the shutdown
	orgs, users, sso, scim := srv.Store().Counts()
	fixtures := cfg.fixtures
	if fixtures == "" {
		fixtures = "embedded"
	}
	logger.Info("mock listening",
		"addr", "http://"+ln.Addr().String(),
		"operations", len(srv.Spec().Operations()),
		"fixtures", fixtures,
		"organizations", orgs, "users", users,
		"sso_configurations", sso, "scim_configurations", scim,
		"strict_auth", cfg.strictAuth,
		"mode", cfg.mode,
		"control", controlState(cfg),
		"state_file", cfg.stateFile)

	errc := make(chan error, 1)
	go func() { errc <- httpSrv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := httpSrv.Shutdown(shutdownCtx); err != nil {
		// A client stalled mid-request (an upload that stopped, say) outlasted the grace:
		// cut it, as the timeouts would have, and stop as asked.
		logger.Warn("shutdown: cutting the connections still open after the grace period",
			"grace", shutdownGrace, "error", err)
		_ = httpSrv.Close()
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// origins splits a comma-separated list of origins.
func origins(list string) []string {
	var out []string
	for _, o := range strings.Split(list, ",") {
		if o = strings.TrimSpace(o); o != "" {
			out = append(out, o)
		}
	}
	return out
}

// shutdownGrace is how long in-flight requests may take to finish once a stop is asked.
var shutdownGrace = 10 * time.Second

// newHTTPServer bounds what a slow or stalled client can hold. The write timeout counts from
// the end of the request's headers, so it must outlast the longest latency fault, or a
// delayed answer would be cut and the client would get nothing where the journal says 200.
func newHTTPServer(h http.Handler) *http.Server {
	// HTTP/1.1, and HTTP/2 without TLS (h2c, prior knowledge) for gRPC clients, on one port.
	protocols := new(http.Protocols)
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true)
	return &http.Server{
		Handler:           h,
		Protocols:         protocols,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      server.MaxFaultLatency + 30*time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
}

// healthcheck asks a running mock for /healthz and fails unless it answers 200. It needs no
// shell or curl, so a scratch image can use it as its HEALTHCHECK.
func healthcheck(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	fset := flag.NewFlagSet("mock healthcheck", flag.ContinueOnError)
	fset.SetOutput(stderr)
	def := getenv("MOCK_ADDR")
	if def == "" {
		def = "127.0.0.1:4010"
	}
	addr := fset.String("addr", def, "address of the mock (env MOCK_ADDR)")
	timeout := fset.Duration("timeout", 2*time.Second, "how long to wait for the answer")
	if err := fset.Parse(args); err != nil {
		return err
	}
	host, port, err := net.SplitHostPort(*addr)
	if err != nil {
		return fmt.Errorf("healthcheck: --addr %q: %w", *addr, err)
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1" // a listen address for all interfaces is reached on loopback
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	url := "http://" + net.JoinHostPort(host, port) + "/healthz"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %d", url, res.StatusCode)
	}
	return nil
}

// revision can be set at build time where no VCS information is at hand (a Docker build
// without .git): go build -ldflags "-X main.revision=$(git rev-parse HEAD)".
var revision string

// version reports the module version and VCS revision the binary was built from.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "mock (no build information)"
	}
	rev, modified, at := "unknown", "", ""
	if revision != "" {
		rev = revision
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = " (modified)"
			}
		case "vcs.time":
			at = " " + s.Value
		}
	}
	return fmt.Sprintf("mock %s, revision %s%s%s, %s", info.Main.Version, rev, modified, at, info.GoVersion)
}

// controlState says how the control plane is exposed, for the startup line (never the token).
func controlState(cfg config) string {
	switch {
	case cfg.noControl:
		return "off"
	case cfg.controlToken != "":
		return "locked"
	}
	return "open"
}
