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
	servers := []server{
		{"mock", func(p int) []string {
			return []string{bin("mock"), "--addr", fmt.Sprintf("127.0.0.1:%d", p), "--log-level", "error"}
		}},
		{"floor", func(p int) []string { return []string{bin("floor"), "-addr", fmt.Sprintf("127.0.0.1:%d", p)} }},
		{"steady", func(p int) []string {
			return []string{bin("node_modules/.bin/steady"), "-p", strconv.Itoa(p), "--host", "127.0.0.1", "-q", "openapi.yaml"}
		}},
		{"prism", func(p int) []string {
			return []string{bin("node_modules/.bin/prism"), "mock", "-h", "127.0.0.1", "-p", strconv.Itoa(p), "openapi.yaml"}
		}},
	}
	if *baseline != "" {
		// The mock as it was at another revision, measured the same way, right after the mock.
		servers = append(servers[:1], append([]server{{"baseline", func(p int) []string {
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
	script := filepath.Join(*cache, "update.lua")
	lua := fmt.Sprintf("wrk.method = \"POST\"\nwrk.body = %q\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.headers[\"Authorization\"] = \"Bearer acme-admin-token\"\n", body)
	must(os.WriteFile(script, []byte(lua), 0o644))

	results := map[string][]sample{}
	port := 4300
	for r := 1; r <= *rounds; r++ {
		for _, s := range servers {
			port++
			fmt.Fprintf(os.Stderr, "round %d/%d: %s\n", r, *rounds, s.name)
			smp, err := measure(s, port, script, *duration)
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
	// Warm up, then measure.
	if _, err := wrk(url, script, 32, "3s"); err != nil {
		return smp, err
	}
	w32, err := wrk(url, script, 32, duration)
	if err != nil {
		return smp, err
	}
	w1, err := wrk(url, script, 1, duration)
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
	colors := map[string]string{"mock": "#2b7bb9", "baseline": "#7fb3d9", "floor": "#999999", "steady": "#e08a2b", "prism": "#8e44ad"}
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
