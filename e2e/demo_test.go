// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/signet-sso/signet/e2e/harness"
)

// TestDemoAsPrinted is the first five minutes of a new user: build the
// binary, start `signet demo` as the README says (ports from its flags),
// read the URLs and credentials from what it prints, and follow the
// printed walk-through in a browser until the assigned user is signed in
// to the org. Nothing is done behind the person's back: no CLI, no store.
func TestDemoAsPrinted(t *testing.T) {
	chromiumPath(t) // skip early (or fail under CI) without a browser
	bin := filepath.Join(t.TempDir(), "signet")
	build := exec.Command("go", "build", "-o", bin, "./cmd/signet")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/signet: %v\n%s", err, out)
	}
	idpAddr, spAddr := harness.FreeAddr(t), harness.FreeAddr(t)
	printed, stop := startDemo(t, bin, "--idp-addr", idpAddr, "--sp-addr", spAddr)
	c, idpURL, spURL := castFromDemo(t, printed)
	if idpURL != "http://"+idpAddr || spURL != "http://"+spAddr {
		t.Fatalf("demo printed %s and %s, want the addresses of its flags %s and %s", idpURL, spURL, idpAddr, spAddr)
	}
	walkthrough(t, idpURL, spURL, c, newBrowser(t, outputDir("demo")))

	goodbye := stop()
	if !strings.Contains(goodbye, "Signet demo stopped") || !strings.Contains(goodbye, "data folder was removed") {
		t.Errorf("after Ctrl-C the demo must say it stopped and what became of its data:\n%s", goodbye)
	}
}

// startDemo runs the demo until it has printed its walk-through; stop sends
// Ctrl-C (SIGINT) and returns what it printed after that.
func startDemo(t *testing.T, bin string, args ...string) (printed string, stop func() string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	cmd := exec.CommandContext(ctx, bin, append([]string{"demo"}, args...)...)
	cmd.Env = append(os.Environ(), "SIGNET_LOG_LEVEL=warn")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	var out strings.Builder
	deadline := time.After(2 * time.Minute)
	for !strings.Contains(out.String(), "Health:") {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("signet demo ended before printing its walk-through:\n%s\n%s", out.String(), stderr.String())
			}
			out.WriteString(l + "\n")
		case <-deadline:
			t.Fatalf("signet demo printed no walk-through in 2 minutes:\n%s\n%s", out.String(), stderr.String())
		}
	}
	t.Logf("signet demo printed:\n%s", out.String())
	stopped := false
	stop = func() string {
		stopped = true
		if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
			t.Error(err)
		}
		var rest strings.Builder
		for l := range lines {
			rest.WriteString(l + "\n")
		}
		if err := cmd.Wait(); err != nil {
			t.Errorf("signet demo after Ctrl-C: %v\n%s", err, stderr.String())
		}
		cancel()
		return rest.String()
	}
	t.Cleanup(func() {
		if !stopped {
			stop()
		}
	})
	return out.String(), stop
}

// castFromDemo reads the URLs and credentials the demo printed.
func castFromDemo(t *testing.T, printed string) (cast, string, string) {
	t.Helper()
	find := func(pattern string) []string {
		m := regexp.MustCompile(pattern).FindStringSubmatch(printed)
		if m == nil {
			t.Fatalf("the demo's text has no %s:\n%s", pattern, printed)
		}
		return m[1:]
	}
	idp := find(`Identity Center \(IdP\)\s+(\S+)/admin`)[0]
	sp := find(`Workspace \(SP\)\s+(\S+)/login`)[0]
	admin := find(`Identity Center admin\s+(\S+) / (\S+)`)
	alice := find(`Directory user\s+(\S+) / (\S+)\s+\(primary email (\S+)\)`)
	bob := find(`Directory user\s+(\S+) / (\S+)\s+\(no primary email\)`)
	group := find(`Group\s+"([^"]+)"`)
	org := find(`Org\s+(.+) \(ID (\S+), `)
	orgAdmin := find(`Org admin\s+(\S+) / (\S+)`)
	find(`Invited to the org\s+` + regexp.QuoteMeta(alice[2])) // step 15 depends on it
	return cast{Admin: admin[0], AdminPassword: admin[1], Alice: alice[0], AlicePassword: alice[1], AliceEmail: alice[2],
		Bob: bob[0], BobPassword: bob[1], Group: group[0], OrgName: org[0], OrgSlug: org[1],
		OrgAdmin: orgAdmin[0], OrgAdminPassword: orgAdmin[1]}, idp, sp
}
