// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"flag"
	"fmt"
	"net/url"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/signet-sso/signet/internal/saml"
)

// result is one measured operation.
type result struct {
	name   string
	ns     float64
	allocs int64
	bytes  int64
}

func measure(name string, fn func(b *testing.B)) result {
	r := testing.Benchmark(func(b *testing.B) { b.ReportAllocs(); fn(b) })
	return result{name: name, ns: float64(r.NsPerOp()), allocs: r.AllocsPerOp(), bytes: r.AllocedBytesPerOp()}
}

// bench is one micro-benchmark to measure.
type bench struct {
	name string
	fn   func(b *testing.B)
}

// measureRounds measures every bench rounds times, round-robin, and keeps
// each one's fastest round. On a shared machine noise only ever adds time,
// and it comes in spells: a ratio of two operations measured once each, a
// minute apart, moved by more than the differences it is meant to show (an
// issue overhead of ~70 µs against a ~0.9 ms RSA signature read anywhere
// from 7% to 19%). Interleaving puts every operation in every spell.
func measureRounds(benches []bench, rounds int) []result {
	best := make([]result, len(benches))
	for r := range rounds {
		for i, b := range benches {
			fmt.Fprintf(os.Stderr, "\rmeasuring: round %d of %d, %d of %d benchmarks   ", r+1, rounds, i+1, len(benches))
			if m := measure(b.name, b.fn); r == 0 || m.ns < best[i].ns {
				best[i] = m
			}
		}
	}
	fmt.Fprintln(os.Stderr)
	return best
}

// target is one line of the verdict.
type target struct {
	name           string
	ratio, goal    float64
	higherIsBetter bool
	unit           string
}

func (t target) String() string {
	met := t.ratio >= t.goal
	if !t.higherIsBetter {
		met = t.ratio <= t.goal
	}
	verdict := "missed"
	if met {
		verdict = "met"
	}
	return fmt.Sprintf("target %s: %.2f%s (goal %s%.2f%s) %s", t.name, t.ratio, t.unit, map[bool]string{true: "≥", false: "≤"}[t.higherIsBetter], t.goal, t.unit, verdict)
}

func main() {
	load := flag.Duration("load", 0, "also run the ACS load test for this long per server (e.g. 10s)")
	conns := flag.Int("conns", 8, "load test: concurrent connections")
	pg := flag.String("postgres", os.Getenv("SIGNET_TEST_POSTGRES_URL"), "load test: also on this PostgreSQL database")
	stores := flag.String("stores", "sqlite,postgres", "load test: the stores to drive Signet's ACS on")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file (see docs/PERFORMANCE.md)")
	rounds := flag.Int("rounds", 3, "micro-benchmarks: measure each this many times, interleaved, and keep the fastest")
	micro := flag.Bool("micro", true, "run the micro-benchmarks (-micro=false with -load: only the load test)")
	flag.Parse()
	if *rounds < 1 {
		fmt.Fprintln(os.Stderr, "bench: -rounds must be at least 1")
		os.Exit(2)
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	if !*micro {
		*rounds = 0
	}
	if err := run(*load, *conns, *pg, strings.Split(*stores, ","), *rounds); err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// run measures the micro-benchmarks (rounds 0: none) and, with load > 0,
// the ACS under load, and prints each target's verdict.
func run(load time.Duration, conns int, pg string, stores []string, rounds int) error {
	w, err := newWorld()
	if err != nil {
		return err
	}
	resp, err := w.response()
	if err != nil {
		return err
	}
	fmt.Printf("Signet SAML benchmarks — %s, %d CPUs, %s, response %d bytes (both signed)\n\n", runtime.Version(), runtime.NumCPU(), time.Now().UTC().Format("2006-01-02"), len(resp))
	var targets []target
	if rounds > 0 {
		if targets, err = microBenchmarks(w, resp, rounds); err != nil {
			return err
		}
	}
	if load > 0 {
		lt, err := loadTests(w, load, conns, pg, stores)
		if err != nil {
			return err
		}
		targets = append(targets, lt...)
	}
	fmt.Println()
	for _, t := range targets {
		fmt.Println(t)
	}
	return nil
}

// microBenchmarks compares verifying and issuing resp with the libraries
// and with the bare cryptography, each measured in rounds.
func microBenchmarks(w *world, resp []byte, rounds int) ([]target, error) {
	var targets []target
	// Verify: the same bytes through three verifiers.
	v := w.signet()
	cj, err := w.crewjam()
	if err != nil {
		return nil, err
	}
	acs, _ := url.Parse(w.acs)
	g2 := w.gosaml2()
	b64 := base64.StdEncoding.EncodeToString(resp)
	if _, err := v.Verify(context.Background(), resp); err != nil {
		return nil, fmt.Errorf("signet refuses the benchmark response: %w", err)
	}
	if _, err := cj.ParseXMLResponse(resp, nil, *acs); err != nil {
		return nil, fmt.Errorf("crewjam refuses the benchmark response: %w", err)
	}
	if _, err := g2.RetrieveAssertionInfo(b64); err != nil {
		return nil, fmt.Errorf("gosaml2 refuses the benchmark response: %w", err)
	}
	// The cryptography a verifier cannot avoid: one RSA-2048 verification.
	digest := sha256.Sum256(resp)
	sig, _ := rsa.SignPKCS1v15(rand.Reader, w.idpKey.Signer.(*rsa.PrivateKey), crypto.SHA256, digest[:])
	pub := w.idpKey.Certificate.PublicKey.(*rsa.PublicKey)
	crewIssue, err := w.crewjamIdP()
	if err != nil {
		return nil, err
	}
	if _, err := crewIssue(); err != nil {
		return nil, fmt.Errorf("crewjam's IdP cannot issue the benchmark response: %w", err)
	}
	// In this order; the targets below refer to the results by position.
	benches := []bench{
		{"verify/signet", func(b *testing.B) {
			for b.Loop() {
				v.Verify(context.Background(), resp)
			}
		}},
		{"verify/crewjam ParseXMLResponse", func(b *testing.B) {
			for b.Loop() {
				cj.ParseXMLResponse(resp, nil, *acs)
			}
		}},
		{"verify/gosaml2 RetrieveAssertionInfo", func(b *testing.B) {
			for b.Loop() {
				g2.RetrieveAssertionInfo(b64)
			}
		}},
		{"crypto/one RSA-2048 verify", func(b *testing.B) {
			for b.Loop() {
				rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig)
			}
		}},
		{"crypto/one RSA-2048 sign", func(b *testing.B) {
			for b.Loop() {
				rsa.SignPKCS1v15(rand.Reader, w.idpKey.Signer.(*rsa.PrivateKey), crypto.SHA256, digest[:])
			}
		}},
	}
	for _, c := range []struct {
		name string
		mode saml.SignMode
		key  saml.KeyPair
	}{{"issue/signet RSA assertion-only", saml.SignAssertion, w.idpKey}, {"issue/signet RSA both", saml.SignBoth, w.idpKey},
		{"issue/signet ECDSA P-256 assertion-only", saml.SignAssertion, w.ecKey}, {"issue/signet ECDSA P-256 both", saml.SignBoth, w.ecKey}} {
		p := w.params(c.mode, c.key)
		benches = append(benches, bench{c.name, func(b *testing.B) {
			for b.Loop() {
				saml.IssueResponse(p)
			}
		}})
	}
	benches = append(benches, bench{"issue/crewjam IdP RSA both", func(b *testing.B) {
		for b.Loop() {
			crewIssue()
		}
	}})
	all := measureRounds(benches, rounds)
	fmt.Printf("(fastest of %d interleaved rounds each)\n", rounds)
	printTable(all)
	verify, rsaVerify, rsaSign, sign := all[0:3], all[3], all[4], all[5:]

	signet, crew, gos := verify[0], verify[1], verify[2]
	targets = append(targets,
		target{name: "verify-vs-crewjam-throughput", ratio: crew.ns / signet.ns, goal: 10, higherIsBetter: true, unit: "×"},
		target{name: "verify-vs-gosaml2-throughput", ratio: gos.ns / signet.ns, goal: 10, higherIsBetter: true, unit: "×"},
		target{name: "verify-cost-in-rsa-verifications", ratio: signet.ns / rsaVerify.ns, goal: 10, unit: "×"},
		target{name: "verify-allocs-vs-crewjam", ratio: float64(signet.allocs) / float64(crew.allocs), goal: 0.1, unit: "×"},
		target{name: "verify-allocs-vs-gosaml2", ratio: float64(signet.allocs) / float64(gos.allocs), goal: 0.1, unit: "×"},
		target{name: "issue-assertion-overhead-over-rsa", ratio: (sign[0].ns - rsaSign.ns) / rsaSign.ns * 100, goal: 10, unit: "%"},
		target{name: "issue-both-overhead-over-rsa", ratio: (sign[1].ns - 2*rsaSign.ns) / (2 * rsaSign.ns) * 100, goal: 10, unit: "%"},
		target{name: "issue-both-vs-crewjam-idp-throughput", ratio: sign[4].ns / sign[1].ns, goal: 1.2, higherIsBetter: true, unit: "×"},
		target{name: "issue-ecdsa-both-vs-crewjam-rsa-idp-throughput", ratio: sign[4].ns / sign[3].ns, goal: 10, higherIsBetter: true, unit: "×"},
	)
	fmt.Printf("\nverify: signet is %.1f× the cost of one RSA-2048 verification (crewjam %.1f×, gosaml2 %.1f×)\n",
		signet.ns/rsaVerify.ns, crew.ns/rsaVerify.ns, gos.ns/rsaVerify.ns)
	return targets, nil
}

func printTable(rs []result) {
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "operation\tns/op\tops/s/core\tallocs/op\tB/op\t")
	for _, r := range rs {
		fmt.Fprintf(tw, "%s\t%.0f\t%.0f\t%d\t%d\t\n", r.name, r.ns, 1e9/r.ns, r.allocs, r.bytes)
	}
	tw.Flush()
}
