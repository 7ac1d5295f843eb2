// Command harness runs the side-by-side benchmark that bench/run.sh prepares: this mock, a raw
// net/http floor, Steady and Prism, interleaved round by round, each server pinned to CPU 0
// and wrk to CPU 1. For UpdateSCIMConfiguration on a fixture id it measures req/s and p50/p99
// at 32 connections and at 1, the time from spawn to the first 200, and peak RSS; it writes
// medians and ratios as markdown, an SVG chart and the raw rows under the output folder.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	path = "/gitpod.v1.OrganizationService/UpdateSCIMConfiguration"
	body = `{"scimConfigurationId":"d2c94c27-3b76-4a42-b88c-95a85e392c68"}`
)

type server struct {
	name string
	cmd  func(port int) []string
	load string // how it is called: "" (a JSON POST, wrk), "proto" (Connect's binary codec, wrk), "grpc" (h2load)
}

// protoBody is the same request in the binary codec: field 1 (scim_configuration_id), a
// string of 36 bytes.
var protoBody = append([]byte{0x0a, 36}, "d2c94c27-3b76-4a42-b88c-95a85e392c68"...)

// luaString writes b as a Lua string literal, every byte a decimal escape (wrk's LuaJIT
// reads those in any string).
func luaString(b []byte) string {
	var s strings.Builder
	s.WriteByte('"')
	for _, c := range b {
		fmt.Fprintf(&s, "\\%d", c)
	}
	s.WriteByte('"')
	return s.String()
}

// sample is one round's measurements of one server.
type sample struct {
	RPS32, P50us32, P99us32 float64
	RPS1, P50us1, P99us1    float64
	StartupMs, RSSMB        float64
}

func main() {
	rounds := flag.Int("rounds", 3, "interleaved rounds")
	duration := flag.String("duration", "10s", "wrk duration per measurement")
	cache := flag.String("cache", "bench/cache", "where run.sh put the binaries and npm packages")
	out := flag.String("out", "bench/results", "output folder")
	only := flag.String("only", "", "comma-separated subset of servers (mock,floor,steady,prism,baseline)")
	baseline := flag.String("baseline", "", "revision the cache's mock-baseline was built from: measure it beside the mock")
	flag.Parse()

	bin := func(p string) string { return filepath.Join(*cache, p) }
	mock := func(p int) []string {
		return []string{bin("mock"), "--addr", fmt.Sprintf("127.0.0.1:%d", p), "--log-level", "error"}
	}
	servers := []server{
		{name: "mock", cmd: mock},
		// The same mock and operation in the other protocols, through the transcoder.
		{name: "mock-proto", cmd: mock, load: "proto"},
		{name: "mock-grpc", cmd: mock, load: "grpc"},
		{name: "floor", cmd: func(p int) []string { return []string{bin("floor"), "-addr", fmt.Sprintf("127.0.0.1:%d", p)} }},
		{name: "steady", cmd: func(p int) []string {
			return []string{bin("node_modules/.bin/steady"), "-p", strconv.Itoa(p), "--host", "127.0.0.1", "-q", "openapi.yaml"}
		}},
		{name: "prism", cmd: func(p int) []string {
			return []string{bin("node_modules/.bin/prism"), "mock", "-h", "127.0.0.1", "-p", strconv.Itoa(p), "openapi.yaml"}
		}},
	}
	if *baseline != "" {
		// The mock as it was at another revision, measured the same way, right after the mock.
		servers = append(servers[:1], append([]server{{name: "baseline", cmd: func(p int) []string {
			return []string{bin("mock-baseline"), "--addr", fmt.Sprintf("127.0.0.1:%d", p), "--log-level", "error"}
		}}}, servers[1:]...)...)
	}
	if *only != "" {
		keep := map[string]bool{}
		for _, n := range strings.Split(*only, ",") {
			keep[n] = true
		}
		var sel []server
		for _, s := range servers {
			if keep[s.name] {
				sel = append(sel, s)
			}
		}
		servers = sel
	}
	scripts := map[string]string{"": filepath.Join(*cache, "update.lua"), "proto": filepath.Join(*cache, "update-proto.lua")}
	lua := fmt.Sprintf("wrk.method = \"POST\"\nwrk.body = %q\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.headers[\"Authorization\"] = \"Bearer acme-admin-token\"\n", body)
	must(os.WriteFile(scripts[""], []byte(lua), 0o644))
	lua = fmt.Sprintf("wrk.method = \"POST\"\nwrk.body = %s\nwrk.headers[\"Content-Type\"] = \"application/proto\"\nwrk.headers[\"Connect-Protocol-Version\"] = \"1\"\nwrk.headers[\"Authorization\"] = \"Bearer acme-admin-token\"\n", luaString(protoBody))
	must(os.WriteFile(scripts["proto"], []byte(lua), 0o644))
	// The gRPC frame: uncompressed, its length, the message.
	frame := append([]byte{0, 0, 0, 0, byte(len(protoBody))}, protoBody...)
	grpcBody := filepath.Join(*cache, "update.grpc")
	must(os.WriteFile(grpcBody, frame, 0o644))
	scripts["grpc"] = grpcBody

	results := map[string][]sample{}
	port := 4300
	for r := 1; r <= *rounds; r++ {
		for _, s := range servers {
			port++
			fmt.Fprintf(os.Stderr, "round %d/%d: %s\n", r, *rounds, s.name)
			smp, err := measure(s, port, scripts[s.load], *duration)
			if err != nil {
				fmt.Fprintf(os.Stderr, "  %s: %v\n", s.name, err)
				os.Exit(1)
			}
			fmt.Fprintf(os.Stderr, "  %+v\n", smp)
			results[s.name] = append(results[s.name], smp)
		}
	}
	must(os.MkdirAll(*out, 0o755))
	stamp := time.Now().UTC().Format("2006-01-02")
	md, svg, tsv := report(servers, results, *rounds, *duration, stamp, *baseline)
	must(os.WriteFile(filepath.Join(*out, stamp+".md"), []byte(md), 0o644))
	must(os.WriteFile(filepath.Join(*out, stamp+".svg"), []byte(svg), 0o644))
	must(os.WriteFile(filepath.Join(*out, stamp+".tsv"), []byte(tsv), 0o644))
	fmt.Print(md)
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "harness:", err)
		os.Exit(1)
	}
}

// measure starts one server on CPU 0, times its startup, loads it from CPU 1 and stops it.
func measure(s server, port int, script, duration string) (sample, error) {
	var smp sample
	args := append([]string{"-c", "0"}, s.cmd(port)...)
	cmd := exec.Command("taskset", args...)
	cmd.Stdout, cmd.Stderr = nil, nil
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return smp, err
	}
	defer func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	}()
	url := fmt.Sprintf("http://127.0.0.1:%d%s", port, path)
	client := &http.Client{Timeout: time.Second}
	for {
		req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer acme-admin-token")
		res, err := client.Do(req)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Since(start) > 60*time.Second {
			return smp, fmt.Errorf("no 200 within 60s (last error %v)", err)
		}
		time.Sleep(time.Millisecond)
	}
	smp.StartupMs = float64(time.Since(start).Microseconds()) / 1000
	load := wrk
	if s.load == "grpc" {
		if err := grpcCallSucceeds(url, script); err != nil {
			return smp, err
		}
		load = h2load
	}
	// Warm up, then measure.
	if _, err := load(url, script, 32, "3s"); err != nil {
		return smp, err
	}
	w32, err := load(url, script, 32, duration)
	if err != nil {
		return smp, err
	}
	w1, err := load(url, script, 1, duration)
	if err != nil {
		return smp, err
	}
	smp.RPS32, smp.P50us32, smp.P99us32 = w32.rps, w32.p50, w32.p99
	smp.RPS1, smp.P50us1, smp.P99us1 = w1.rps, w1.p50, w1.p99
	smp.RSSMB = float64(peakRSSKB(cmd.Process.Pid)) / 1024
	return smp, nil
}

type wrkResult struct{ rps, p50, p99 float64 }

var (
	rpsRE     = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	pctRE     = regexp.MustCompile(`(?m)^\s+(50|99)%\s+([0-9.]+)(us|ms|s)\s*$`)
	non2xxRE  = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
	errorsRE  = regexp.MustCompile(`Socket errors: .*`)
	unitScale = map[string]float64{"us": 1, "ms": 1000, "s": 1e6}
)

func wrk(url, script string, conns int, duration string) (wrkResult, error) {
	var r wrkResult
	out, err := exec.Command("taskset", "-c", "1", "wrk", "-t1", "-c", strconv.Itoa(conns), "-d", duration,
		"--latency", "-s", script, url).CombinedOutput()
	if err != nil {
		return r, fmt.Errorf("wrk: %v\n%s", err, out)
	}
	if m := non2xxRE.FindSubmatch(out); m != nil {
		return r, fmt.Errorf("wrk saw %s non-2xx answers:\n%s", m[1], out)
	}
	if m := errorsRE.Find(out); m != nil {
		fmt.Fprintf(os.Stderr, "  wrk: %s\n", m)
	}
	m := rpsRE.FindSubmatch(out)
	if m == nil {
		return r, fmt.Errorf("no Requests/sec in wrk output:\n%s", out)
	}
	r.rps, _ = strconv.ParseFloat(string(m[1]), 64)
	for _, pm := range pctRE.FindAllSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(string(pm[2]), 64)
		v *= unitScale[string(pm[3])]
		if string(pm[1]) == "50" {
			r.p50 = v
		} else {
			r.p99 = v
		}
	}
	return r, nil
}

var (
	h2rpsRE  = regexp.MustCompile(`finished in [^,]+, ([0-9.]+) req/s`)
	h2doneRE = regexp.MustCompile(`requests: \d+ total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored`)
	h2timeRE = regexp.MustCompile(`time for request:\s+([0-9.]+)(us|ms|s)\s+([0-9.]+)(us|ms|s)\s+([0-9.]+)(us|ms|s)`)
)

// h2load loads url with gRPC calls over HTTP/2 cleartext, body the framed request: conns
// connections of one stream each. It reports req/s, the mean time of a request as p50 and
// the longest as p99 (h2load gives no percentiles).
func h2load(url, body string, conns int, duration string) (wrkResult, error) {
	var r wrkResult
	out, err := exec.Command("taskset", "-c", "1", "h2load", "-t1", "-c", strconv.Itoa(conns), "-m1", "-D", strings.TrimSuffix(duration, "s"),
		"-H", "content-type: application/grpc", "-H", "te: trailers", "-H", "authorization: Bearer acme-admin-token",
		"-d", body, url).CombinedOutput()
	if err != nil {
		return r, fmt.Errorf("h2load: %v\n%s", err, out)
	}
	d := h2doneRE.FindSubmatch(out)
	if d == nil || string(d[3]) != "0" || string(d[4]) != "0" || string(d[1]) == "0" {
		return r, fmt.Errorf("h2load: requests failed:\n%s", out)
	}
	m := h2rpsRE.FindSubmatch(out)
	if m == nil {
		return r, fmt.Errorf("no req/s in h2load output:\n%s", out)
	}
	r.rps, _ = strconv.ParseFloat(string(m[1]), 64)
	if t := h2timeRE.FindSubmatch(out); t != nil {
		maxV, _ := strconv.ParseFloat(string(t[3]), 64)
		meanV, _ := strconv.ParseFloat(string(t[5]), 64)
		r.p99, r.p50 = maxV*unitScale[string(t[4])], meanV*unitScale[string(t[6])]
	}
	return r, nil
}

// grpcCallSucceeds makes one gRPC call with the body h2load sends and checks its grpc-status
// (h2load counts any HTTP 200 a success; a gRPC error is one too).
func grpcCallSucceeds(url, body string) error {
	frame, err := os.ReadFile(body)
	if err != nil {
		return err
	}
	tr := &http.Transport{Protocols: new(http.Protocols)}
	tr.Protocols.SetUnencryptedHTTP2(true)
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(frame))
	req.Header.Set("Content-Type", "application/grpc")
	req.Header.Set("Te", "trailers")
	req.Header.Set("Authorization", "Bearer acme-admin-token")
	res, err := (&http.Client{Transport: tr, Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if _, err := io.Copy(io.Discard, res.Body); err != nil {
		return err
	}
	if st := res.Trailer.Get("Grpc-Status") + res.Header.Get("Grpc-Status"); st != "0" {
		return fmt.Errorf("the gRPC call answered grpc-status %q: %s", st, res.Trailer.Get("Grpc-Message")+res.Header.Get("Grpc-Message"))
	}
	return nil
}

// peakRSSKB sums VmHWM over the process and its descendants (node servers may fork).
func peakRSSKB(pid int) int {
	total := 0
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid)); err == nil {
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			if f := strings.Fields(sc.Text()); len(f) >= 2 && f[0] == "VmHWM:" {
				n, _ := strconv.Atoi(f[1])
				total += n
			}
		}
	}
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	for _, t := range tasks {
		b, _ := os.ReadFile(t)
		for _, c := range strings.Fields(string(b)) {
			if child, err := strconv.Atoi(c); err == nil {
				total += peakRSSKB(child)
			}
		}
	}
	return total
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	n := len(s)
	if n == 0 {
		return math.NaN()
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func pick(ss []sample, f func(sample) float64) float64 {
	var xs []float64
	for _, s := range ss {
		xs = append(xs, f(s))
	}
	return median(xs)
}

func machine() string {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "model name") {
				model = strings.TrimSpace(strings.SplitN(line, ":", 2)[1])
				break
			}
		}
	}
	kernel, _ := exec.Command("uname", "-r").Output()
	node, _ := exec.Command("node", "--version").Output()
	wrkV, _ := exec.Command("sh", "-c", "wrk -v 2>&1 | head -1").Output()
	return fmt.Sprintf("%s, %d cores, Linux %s, %s, node %s, %s", model, runtime.NumCPU(),
		strings.TrimSpace(string(kernel)), runtime.Version(), strings.TrimSpace(string(node)), strings.TrimSpace(string(wrkV)))
}

func report(servers []server, res map[string][]sample, rounds int, duration, stamp, baseline string) (md, svg, tsv string) {
	var b strings.Builder
	fmt.Fprintf(&b, "# Benchmark %s\n\n", stamp)
	fmt.Fprintf(&b, "Machine: %s.\n\n", machine())
	fmt.Fprintf(&b, "Command: `bench/run.sh` (ROUNDS=%d DURATION=%s): UpdateSCIMConfiguration on the fixture id, full validation for the mock; each server pinned to CPU 0, wrk (1 thread) to CPU 1; rounds interleaved; medians of %d rounds.\n\n", rounds, duration, rounds)
	b.WriteString("| server | req/s @32 | p50 @32 | p99 @32 | req/s @1 | p50 @1 | p99 @1 | startup to first 200 | peak RSS |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	med := map[string]sample{}
	for _, s := range servers {
		ss := res[s.name]
		m := sample{
			RPS32: pick(ss, func(x sample) float64 { return x.RPS32 }), P50us32: pick(ss, func(x sample) float64 { return x.P50us32 }),
			P99us32: pick(ss, func(x sample) float64 { return x.P99us32 }), RPS1: pick(ss, func(x sample) float64 { return x.RPS1 }),
			P50us1: pick(ss, func(x sample) float64 { return x.P50us1 }), P99us1: pick(ss, func(x sample) float64 { return x.P99us1 }),
			StartupMs: pick(ss, func(x sample) float64 { return x.StartupMs }), RSSMB: pick(ss, func(x sample) float64 { return x.RSSMB }),
		}
		med[s.name] = m
		fmt.Fprintf(&b, "| %s | %.0f | %s | %s | %.0f | %s | %s | %.1f ms | %.1f MB |\n", s.name, m.RPS32, us(m.P50us32), us(m.P99us32),
			m.RPS1, us(m.P50us1), us(m.P99us1), m.StartupMs, m.RSSMB)
	}
	mock, okMock := med["mock"]
	if base, ok := med["baseline"]; ok && okMock {
		fmt.Fprintf(&b, "\nBefore and after: `baseline` is the mock at %s, built and measured the same way in the same run.\n\n", baseline)
		b.WriteString("| | baseline | mock | mock / baseline |\n|---|---:|---:|---:|\n")
		fmt.Fprintf(&b, "| req/s @32 | %.0f | %.0f | %.1f%% |\n", base.RPS32, mock.RPS32, 100*mock.RPS32/base.RPS32)
		fmt.Fprintf(&b, "| p99 @32 | %s | %s | %.1f%% |\n", us(base.P99us32), us(mock.P99us32), 100*mock.P99us32/base.P99us32)
		fmt.Fprintf(&b, "| req/s @1 | %.0f | %.0f | %.1f%% |\n", base.RPS1, mock.RPS1, 100*mock.RPS1/base.RPS1)
		fmt.Fprintf(&b, "| p50 @1 | %s | %s | %.1f%% |\n", us(base.P50us1), us(mock.P50us1), 100*mock.P50us1/base.P50us1)
		fmt.Fprintf(&b, "| startup | %.1f ms | %.1f ms | %.1f%% |\n", base.StartupMs, mock.StartupMs, 100*mock.StartupMs/base.StartupMs)
		fmt.Fprintf(&b, "| peak RSS | %.1f MB | %.1f MB | %.1f%% |\n", base.RSSMB, mock.RSSMB, 100*mock.RSSMB/base.RSSMB)
		yes := func(ok bool) string {
			if ok {
				return "yes"
			}
			return "no"
		}
		fmt.Fprintf(&b, "\nTargets (issue 11): throughput @32 within 5%% of the baseline or better: %s; p99 @32 no worse: %s.\n",
			yes(mock.RPS32 >= 0.95*base.RPS32), yes(mock.P99us32 <= base.P99us32))
	}
	if okMock {
		b.WriteString("\nRatios (mock vs peer, medians of this run):\n\n| | mock / floor | mock / steady | mock / prism |\n|---|---:|---:|---:|\n")
		ratio := func(f func(sample) float64, peer string) string {
			p, ok := med[peer]
			if !ok || f(p) == 0 {
				return "n/a"
			}
			return fmt.Sprintf("%.2fx", f(mock)/f(p))
		}
		rps := func(x sample) float64 { return x.RPS32 }
		fmt.Fprintf(&b, "| throughput @32 | %s | %s | %s |\n", ratio(rps, "floor"), ratio(rps, "steady"), ratio(rps, "prism"))
		b.WriteString("\nTargets (issue 6):\n\n| target | measured | met |\n|---|---:|:---:|\n")
		target := func(name string, got float64, unit string, ok bool) {
			mark := "no"
			if ok {
				mark = "yes"
			}
			fmt.Fprintf(&b, "| %s | %.2f%s | %s |\n", name, got, unit, mark)
		}
		if f, ok := med["floor"]; ok {
			target(">= 50% of the raw floor @32", 100*mock.RPS32/f.RPS32, "%", mock.RPS32 >= 0.5*f.RPS32)
		}
		if st, ok := med["steady"]; ok {
			target(">= 10x Steady @32", mock.RPS32/st.RPS32, "x", mock.RPS32 >= 10*st.RPS32)
		}
		if p, ok := med["prism"]; ok {
			target(">= 30x Prism @32", mock.RPS32/p.RPS32, "x", mock.RPS32 >= 30*p.RPS32)
		}
		target("p99 @32 <= 3 ms", mock.P99us32/1000, " ms", mock.P99us32 <= 3000)
		target("p50 @1 <= 150 us", mock.P50us1, " us", mock.P50us1 <= 150)
		target("startup to first 200 <= 25 ms", mock.StartupMs, " ms", mock.StartupMs <= 25)
		target("peak RSS <= 25 MB", mock.RSSMB, " MB", mock.RSSMB <= 25)
	}
	if okMock {
		var rows strings.Builder
		for _, v := range []struct{ name, label string }{{"mock-proto", "Connect, binary codec (application/proto)"}, {"mock-grpc", "gRPC over HTTP/2 cleartext (h2load)"}} {
			if m, ok := med[v.name]; ok {
				fmt.Fprintf(&rows, "| %s | %.0f | %.0f | %.1f%% | %.1f%% |\n", v.label, m.RPS32, m.RPS1, 100*m.RPS32/mock.RPS32, 100*m.RPS1/mock.RPS1)
			}
		}
		if rows.Len() > 0 {
			b.WriteString("\nProtocols: the same mock and operation, through the transcoder (issue 13); for gRPC the p50 and p99 columns above are h2load's mean and longest request.\n\n")
			b.WriteString("| protocol | req/s @32 | req/s @1 | / JSON @32 | / JSON @1 |\n|---|---:|---:|---:|---:|\n")
			fmt.Fprintf(&b, "| Connect, JSON codec (the POST above) | %.0f | %.0f | 100%% | 100%% |\n", mock.RPS32, mock.RPS1)
			b.WriteString(rows.String())
			if m, ok := med["mock-proto"]; ok {
				met := "no"
				if m.RPS32 >= 0.7*mock.RPS32 {
					met = "yes"
				}
				fmt.Fprintf(&b, "\nTarget (issue 13): the binary codec at least 70%% of the JSON path's throughput @32: %.1f%%, %s.\n", 100*m.RPS32/mock.RPS32, met)
			}
		}
	}
	fmt.Fprintf(&b, "\n![throughput at 32 connections](%s.svg)\n", stamp)

	var t strings.Builder
	t.WriteString("server\tround\trps32\tp50us32\tp99us32\trps1\tp50us1\tp99us1\tstartup_ms\trss_mb\n")
	for _, s := range servers {
		for i, x := range res[s.name] {
			fmt.Fprintf(&t, "%s\t%d\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%.2f\t%.2f\n", s.name, i+1, x.RPS32, x.P50us32, x.P99us32,
				x.RPS1, x.P50us1, x.P99us1, x.StartupMs, x.RSSMB)
		}
	}
	return b.String(), chart(servers, med, stamp), t.String()
}

func us(v float64) string {
	if v >= 1000 {
		return fmt.Sprintf("%.2f ms", v/1000)
	}
	return fmt.Sprintf("%.0f µs", v)
}

// chart draws req/s at 32 connections as horizontal bars (SVG, no dependencies).
func chart(servers []server, med map[string]sample, stamp string) string {
	const width, barH, left, gap = 720, 28, 90, 12
	maxRPS := 1.0
	for _, s := range servers {
		maxRPS = math.Max(maxRPS, med[s.name].RPS32)
	}
	h := 60 + len(servers)*(barH+gap)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="13">`, width, h)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/><text x="10" y="22" font-size="15">UpdateSCIMConfiguration, req/s at 32 connections (median), %s</text>`, stamp)
	colors := map[string]string{"mock": "#2b7bb9", "mock-proto": "#4a90c8", "mock-grpc": "#6aa5d6", "baseline": "#7fb3d9", "floor": "#999999", "steady": "#e08a2b", "prism": "#8e44ad"}
	for i, s := range servers {
		y := 40 + i*(barH+gap)
		w := int(float64(width-left-120) * med[s.name].RPS32 / maxRPS)
		if w < 1 {
			w = 1
		}
		fmt.Fprintf(&b, `<text x="10" y="%d">%s</text><rect x="%d" y="%d" width="%d" height="%d" fill="%s"/><text x="%d" y="%d">%.0f</text>`,
			y+barH*2/3, s.name, left, y, w, barH, colors[s.name], left+w+6, y+barH*2/3, med[s.name].RPS32)
	}
	b.WriteString(`</svg>`)
	return b.String()
}
