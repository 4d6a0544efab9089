// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package harness

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Peer is a third-party process a test runs, such as a SAML peer, on a
// free local port.
type Peer struct {
	Base string // http://127.0.0.1:PORT
	Port string
	Dir  string // its working directory, removed after the test
	// Logs collects the process's output; it is printed when the test fails.
	Logs *Output
	cmds []*exec.Cmd
}

// NewPeer picks a port and a working directory for a peer.
func NewPeer(t testing.TB) *Peer {
	addr := FreeAddr(t)
	return &Peer{Base: "http://" + addr, Port: addr[strings.LastIndexByte(addr, ':')+1:], Dir: t.TempDir(), Logs: &Output{}}
}

// Start runs the command in p.Dir, with env added to the test's
// environment, until Stop or the end of the test, and waits until probe
// answers on p.Base.
func (p *Peer) Start(t testing.TB, env []string, probe, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Stdout, cmd.Stderr = p.Dir, p.Logs, p.Logs
	if env != nil {
		cmd.Env = append(cmd.Environ(), env...)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	p.cmds = append(p.cmds, cmd)
	t.Cleanup(func() {
		p.Stop()
		if t.Failed() {
			t.Logf("%s output:\n%s", filepath.Base(name), p.Logs.String())
		}
	})
	for range 150 {
		if r, err := http.Get(p.Base + probe); err == nil {
			r.Body.Close()
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s did not start:\n%s", name, p.Logs.String())
}

// Stop ends the peer's processes.
func (p *Peer) Stop() {
	for _, c := range p.cmds {
		_ = c.Process.Kill() // it may have exited already
		_ = c.Wait()         // its exit status is of no interest once killed
	}
	p.cmds = nil
}

// Need skips the test when something it needs is missing (err), or fails
// it under CI, where .ci/run must have installed it.
func Need(t testing.TB, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is not installed, but CI is set: .ci/run must install it (%v)", what, err)
	}
	t.Skipf("%s is not installed (%v); skipping", what, err)
}

// Python checks that Debian's /usr/bin/python3 imports the modules.
func Python(modules ...string) error {
	args := []string{"-c", "import " + strings.Join(modules, ", ")}
	if out, err := exec.Command("/usr/bin/python3", args...).CombinedOutput(); err != nil {
		return fmt.Errorf("%v: %s", err, bytes.TrimSpace(out))
	}
	return nil
}
