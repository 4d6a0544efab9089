// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// chromiumPath finds Debian's chromium, or skips (fails under CI).
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("SIGNET_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed, but CI is set: .ci/run must install it (apt-get install chromium)")
	}
	t.Skip("chromium is not installed (apt-get install chromium); skipping the browser walk-through")
	return ""
}

// session is one browser profile (cookies of its own) with a tab.
type session struct {
	t       *testing.T
	name    string
	ctx     context.Context
	shots   string
	n       *int
	dlDir   string
	timeout time.Duration
	console *pageProblems
}

// pageProblems collects what a tab must never show: CSP violations, errors
// and exceptions in the console, and pages wider than a phone.
type pageProblems struct {
	mu   sync.Mutex
	list []string
}

func (p *pageProblems) add(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.list = append(p.list, fmt.Sprintf(format, args...))
}

func (p *pageProblems) all() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.list)
}

// watchConsole records every console error of the tab: a refused inline
// style or script (CSP), an exception, a missing asset. A page's own 4xx
// status (a failure page the test means to reach) is not a problem.
func watchConsole(ctx context.Context, problems *pageProblems) {
	messages := chromedp.Console(ctx) // subscribes now, before any page loads
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type != chromedp.ConsoleError && m.Type != chromedp.ConsoleException {
				continue
			}
			if m.Source == "network" && strings.Contains(m.Text, "status of 4") && !strings.Contains(m.URL, "/static/") && !strings.HasSuffix(m.URL, "/favicon.ico") {
				continue
			}
			problems.add("console %s at %s: %s", m.Type, m.URL, m.Text)
		}
	}()
}

// newBrowser starts headless chromium with a fresh profile and returns a
// factory of isolated sessions (each its own browser context: own cookies).
func newBrowser(t *testing.T, shots string) func(name string) *session {
	t.Helper()
	path := chromiumPath(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 900))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	if err := chromedp.Do(bctx); err != nil { // start the browser
		t.Fatalf("start chromium: %v", err)
	}
	t.Cleanup(func() { cancelBrowser(); cancelAlloc() })
	os.MkdirAll(shots, 0o755)
	n := 0
	return func(name string) *session {
		ctx, cancel := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
		t.Cleanup(cancel)
		// The first call on a context opens its tab, and must not carry a
		// timeout: cancelling it would close the tab.
		if err := chromedp.Do(ctx); err != nil {
			t.Fatalf("open a tab: %v", err)
		}
		s := &session{t: t, name: name, ctx: ctx, shots: shots, n: &n, dlDir: t.TempDir(), timeout: 20 * time.Second, console: &pageProblems{}}
		watchConsole(ctx, s.console)
		t.Cleanup(func() {
			for _, p := range s.console.all() {
				t.Errorf("browser %s: %s", name, p)
			}
		})
		s.do(chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
				Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: s.dlDir,
				BrowserContextID: chromedp.FromContext(ctx).BrowserContextID})
			return err
		}))
		return s
	}
}

// do runs actions with a time limit and fails the test with the page's text.
func (s *session) do(actions ...chromedp.Action[chromedp.Void]) {
	s.t.Helper()
	for i, a := range actions {
		ctx, cancel := context.WithTimeout(s.ctx, s.timeout)
		err := chromedp.Do(ctx, a)
		cancel()
		if err != nil {
			s.t.Fatalf("browser action %d of %d: %v\nat %s\n%s", i+1, len(actions), err, s.location(), s.text())
		}
	}
}

func (s *session) location() string {
	ctx, cancel := context.WithTimeout(s.ctx, 5*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	return loc
}

// text is the visible text of the page.
func (s *session) text() string {
	ctx, cancel := context.WithTimeout(s.ctx, 5*time.Second)
	defer cancel()
	txt, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
	return txt
}

// waitText waits until the page shows want and has finished loading.
// It polls rather than using one long-lived call, because a click that
// navigates replaces the page (and its JavaScript context) mid-wait. A
// page still loading can show want already while the browser is yet to
// settle its document, and the next action then meets "No node with given
// id found".
func (s *session) waitText(want string) {
	s.t.Helper()
	expr := fmt.Sprintf(`!!(document.readyState === "complete" && document.body && document.body.innerText.includes(%q))`, want)
	deadline := time.Now().Add(s.timeout)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(s.ctx, 2*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		cancel()
		if err == nil && ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.t.Fatalf("the page never showed %q\nat %s\n%s", want, s.location(), s.text())
}

// value reads an input's value.
func (s *session) value(sel string) string {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.ctx, s.timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		s.t.Fatalf("read %s: %v", sel, err)
	}
	return v
}

// shot saves a full-page screenshot named after the step, and checks the
// page at a phone's width (390 px): nothing may stick out sideways. The
// phone screenshot is saved beside the desktop one.
func (s *session) shot(name string) {
	s.t.Helper()
	*s.n++
	ctx, cancel := context.WithTimeout(s.ctx, s.timeout)
	defer cancel()
	s.save(ctx, fmt.Sprintf("%02d-%s.png", *s.n, name))
	if _, err := chromedp.Run(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)); err != nil {
		s.t.Logf("phone width for %s: %v", name, err)
		return
	}
	defer chromedp.Run(ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.ClearDeviceMetricsOverride, cdp.Empty{})
		return err
	}))
	over, err := chromedp.Run(ctx, chromedp.Evaluate[string](phoneOverflowJS))
	if err != nil {
		s.t.Logf("phone check of %s: %v", name, err)
	} else if over != "" {
		s.console.add("page %q (%s) is wider than a 390 px phone: %s", name, s.location(), over)
	}
	s.save(ctx, fmt.Sprintf("%02d-%s-phone.png", *s.n, name))
}

// phoneOverflowJS says which elements stick out of the viewport, or "".
const phoneOverflowJS = `(() => {
  const d = document.documentElement;
  if (d.scrollWidth <= d.clientWidth) return "";
  const out = [];
  const scrolls = (el) => { for (let p = el.parentElement; p; p = p.parentElement) { const o = getComputedStyle(p).overflowX; if (o === "auto" || o === "scroll" || o === "hidden") return true; } return false; };
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    const wide = r.right > d.clientWidth + 1 || (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === "visible");
    if (wide && out.length < 8 && !scrolls(el)) out.push(el.tagName + (el.id ? "#" + el.id : "") + (el.className ? "." + el.className : "") + " right=" + Math.round(r.right) + " scroll=" + el.scrollWidth + "/" + el.clientWidth);
  }
  return "scrollWidth " + d.scrollWidth + " > " + d.clientWidth + ": " + out.join(", ");
})()`

func (s *session) save(ctx context.Context, file string) {
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		s.t.Logf("screenshot %s: %v", file, err)
		return
	}
	if err := os.WriteFile(filepath.Join(s.shots, file), png, 0o644); err != nil {
		s.t.Logf("save screenshot: %v", err)
	}
}

// download waits for a file to appear in the download folder.
func (s *session) download(suffix string) string {
	s.t.Helper()
	deadline := time.Now().Add(s.timeout)
	for time.Now().Before(deadline) {
		entries, _ := os.ReadDir(s.dlDir)
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), suffix) {
				return filepath.Join(s.dlDir, e.Name())
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.t.Fatalf("no %s was downloaded", suffix)
	return ""
}

// typeInto clears an input and types text.
func typeInto(sel, text string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.Clear(chromedp.CSS(sel)), chromedp.SendKeys(chromedp.CSS(sel), text))
}

// click clicks the first element matching a CSS selector.
func click(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible)
}

// clickText clicks the link or button whose text is exactly text.
func clickText(text string) chromedp.Action[chromedp.Void] {
	xp := fmt.Sprintf(`//*[self::a or self::button or self::summary][normalize-space(.)=%q]`, text)
	return chromedp.Click(chromedp.Search(xp), chromedp.NodeVisible)
}

func chromedpNavigate(u string) chromedp.Action[chromedp.Void] { return chromedp.Navigate(u) }

func chromedpReload() chromedp.Action[chromedp.Void] { return chromedp.Reload() }

// chromedpSetSelect chooses an option by value.
func chromedpSetSelect(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.SetValue(chromedp.CSS(sel), value)
}

func chromedpUpload(sel, file string) chromedp.Action[chromedp.Void] {
	return chromedp.SetUploadFiles(chromedp.CSS(sel), []string{file})
}
