// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package interop

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// apacheModules are the modules both Apache-based peers load.
const apacheModules = `ServerRoot "/etc/apache2"
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule authn_core_module /usr/lib/apache2/modules/mod_authn_core.so
LoadModule authz_user_module /usr/lib/apache2/modules/mod_authz_user.so
LoadModule env_module /usr/lib/apache2/modules/mod_env.so
LoadModule include_module /usr/lib/apache2/modules/mod_include.so
LoadModule mime_module /usr/lib/apache2/modules/mod_mime.so
LoadModule dir_module /usr/lib/apache2/modules/mod_dir.so
TypesConfig /etc/mime.types
User www-data
Group www-data
`

func haveApacheModule(module string) func() error {
	return func() error {
		if _, err := exec.LookPath("apache2"); err != nil {
			return err
		}
		_, err := os.Stat("/usr/lib/apache2/modules/" + module)
		return err
	}
}

// openUp lets Apache's www-data user read the test's files (throwaway keys).
func openUp(t *testing.T, dir string) {
	t.Helper()
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil {
			mode := os.FileMode(0o644)
			if info.IsDir() {
				mode = 0o777
			}
			os.Chmod(p, mode)
		}
		return nil
	})
	for d := filepath.Dir(dir); d != "/" && d != "."; d = filepath.Dir(d) {
		os.Chmod(d, 0o755)
	}
}

// startApache runs apache2 -f conf (it daemonizes) until the test ends.
func startApache(t *testing.T, p *peer, conf, probe string) {
	t.Helper()
	openUp(t, p.Dir)
	if out, err := exec.Command("apache2", "-f", conf, "-k", "start").CombinedOutput(); err != nil {
		t.Fatalf("apache2: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		exec.Command("apache2", "-f", conf, "-k", "stop").Run()
		time.Sleep(300 * time.Millisecond)
		if t.Failed() {
			b, _ := os.ReadFile(filepath.Join(p.Dir, "error.log"))
			t.Logf("apache error.log:\n%s", b)
		}
	})
	for range 100 {
		if r, err := http.Get(p.Base + probe); err == nil {
			r.Body.Close()
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("apache did not start")
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	os.MkdirAll(filepath.Dir(path), 0o755)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func harnessGetStatus(u string) (int, error) {
	r, err := http.Get(u)
	if err != nil {
		return 0, err
	}
	r.Body.Close()
	return r.StatusCode, nil
}
