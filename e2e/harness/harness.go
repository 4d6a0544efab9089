// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package harness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signet-sso/signet/internal/app"
)

// Signet is a running Signet on one database.
type Signet struct {
	t        testing.TB
	Env      map[string]string
	IdP, SP  string // public base URLs
	Database string

	idpAddr, spAddr string
	stop            func() // ends the running `signet serve` and waits for it
}

// FreeAddr returns a loopback address with a free port.
func FreeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// Start runs `signet serve` on database until the test ends.
func Start(t testing.TB, database string) *Signet {
	t.Helper()
	return StartWith(t, database, nil)
}

// StartWith is Start with more environment for `signet serve` and the
// CLI, such as SIGNET_DNS_SERVER. A free port can be taken by another test
// between FreeAddr and the listener: then it tries other ports.
func StartWith(t testing.TB, database string, env map[string]string) *Signet {
	t.Helper()
	for attempt := 1; ; attempt++ {
		s, err := start(t, database, FreeAddr(t), FreeAddr(t), env)
		if err == nil {
			return s
		}
		if attempt == 3 || !errors.Is(err, errAddrTaken) {
			t.Fatal(err)
		}
	}
}

// StartOn is StartWith on given addresses, which are also the public URLs
// (for a database made earlier, whose entity IDs name them).
func StartOn(t testing.TB, database, idpAddr, spAddr string, env map[string]string) *Signet {
	t.Helper()
	s, err := start(t, database, idpAddr, spAddr, env)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func start(t testing.TB, database, idpAddr, spAddr string, env map[string]string) (*Signet, error) {
	s := &Signet{t: t, IdP: "http://" + idpAddr, SP: "http://" + spAddr, Database: database}
	s.Env = map[string]string{"SIGNET_DATABASE_URL": database, "SIGNET_IDP_URL": s.IdP, "SIGNET_SP_URL": s.SP,
		"SIGNET_DATA_DIR": t.TempDir(), "SIGNET_INSECURE_FAST_PASSWORDS": "1", "SIGNET_ALLOW_PRIVATE_METADATA_URLS": "true",
		"SIGNET_METRICS_ADDR": "off", "SIGNET_DRAIN": "0s"}
	for k, v := range env {
		s.Env[k] = v
	}
	return s, s.serve(idpAddr, spAddr)
}

// Replica runs a second `signet serve` beside s: the same database, the
// same secret key and the same public URLs (as behind a load balancer),
// listening on addresses of its own, which its IdP and SP fields name so
// a test can reach this replica directly.
func (s *Signet) Replica() *Signet {
	s.t.Helper()
	for attempt := 1; ; attempt++ {
		idpAddr, spAddr := FreeAddr(s.t), FreeAddr(s.t)
		r := &Signet{t: s.t, IdP: "http://" + idpAddr, SP: "http://" + spAddr, Database: s.Database, Env: map[string]string{}}
		for k, v := range s.Env {
			r.Env[k] = v
		}
		err := r.serve(idpAddr, spAddr)
		if err == nil {
			return r
		}
		if attempt == 3 || !errors.Is(err, errAddrTaken) {
			s.t.Fatal(err)
		}
	}
}

// errAddrTaken: another process took a listen address first.
var errAddrTaken = errors.New("a listen address was taken")

// serve runs `signet serve` until the test ends, once it answers /readyz.
func (s *Signet) serve(idpAddr, spAddr string) error {
	t := s.t
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	logs := &Output{}
	go func() {
		done <- app.Run(ctx, []string{"serve", "--idp-addr", idpAddr, "--sp-addr", spAddr}, app.IO{Stdin: strings.NewReader(""),
			Stdout: io.Discard, Stderr: logs, Env: s.getenv})
	}()
	// A fresh PostgreSQL schema runs every migration first, which takes
	// several seconds on a loaded CI machine: wait up to a minute.
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); {
		select {
		case code := <-done:
			cancel()
			err := fmt.Errorf("signet serve exited %d before it was ready:\n%s", code, logs.String())
			if strings.Contains(logs.String(), "already in use") {
				err = fmt.Errorf("%w: %w", errAddrTaken, err)
			}
			return err
		default:
		}
		if ready("http://"+spAddr) && ready("http://"+idpAddr) {
			s.idpAddr, s.spAddr = idpAddr, spAddr
			s.stop = sync.OnceFunc(func() {
				cancel()
				if code := <-done; code != 0 {
					t.Errorf("signet serve exited %d:\n%s", code, logs.String())
				}
			})
			t.Cleanup(s.stop)
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	<-done
	return fmt.Errorf("signet did not become ready:\n%s", logs.String())
}

// Stop shuts `signet serve` down (as SIGTERM does) and waits until it has
// exited: its addresses refuse connections until Restart.
func (s *Signet) Stop() { s.stop() }

// Restart runs `signet serve` again on the same addresses and database.
func (s *Signet) Restart() {
	s.t.Helper()
	if err := s.serve(s.idpAddr, s.spAddr); err != nil {
		s.t.Fatal(err)
	}
}

func ready(base string) bool {
	r, err := http.Get(base + "/readyz")
	if err != nil {
		return false
	}
	r.Body.Close()
	return r.StatusCode == http.StatusOK
}

func (s *Signet) getenv(k string) string { return s.Env[k] }

// CLI runs a signet command against the same database and returns stdout.
func (s *Signet) CLI(stdin string, args ...string) string {
	s.t.Helper()
	var out, errOut bytes.Buffer
	code := app.Run(context.Background(), args, app.IO{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Env: s.getenv})
	if code != 0 {
		s.t.Fatalf("signet %s: exit %d: %s", strings.Join(args, " "), code, errOut.String())
	}
	return strings.TrimSpace(out.String())
}

// Output is a process's output, safe to write from several goroutines.
type Output struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write implements io.Writer.
func (b *Output) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String is everything written so far.
func (b *Output) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
