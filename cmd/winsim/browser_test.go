package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// findChromium returns a Chromium to drive. A machine without one fails the browser test,
// saying how to get one (.ci/run installs Debian's chromium).
func findChromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("no Chromium on PATH: the step-through page is tested in a real browser; install Debian's chromium package (apt-get install -y chromium), as .ci/run does")
	return ""
}

// The step-through page works in a real browser: it opens at the first step, next and
// previous move one step, the slider jumps, each step shows its call, result, trace
// events, tables and picture, and what changed since the previous step is highlighted.
func TestHTMLPageStepsThroughInChromium(t *testing.T) {
	browser := findChromium(t)
	page := filepath.Join(t.TempDir(), "run.html")
	code, _, errOut := winsim(t, "", "run", "-q", "--html", page, "../../testdata/scenarios/mailslot-basics.txt")
	require.Equal(t, 0, code, errOut)
	b, err := os.ReadFile(page)
	require.NoError(t, err)
	assert.False(t, regexp.MustCompile(`(src|href)=\\?"(https?:)?//`).Match(b), "self-contained: nothing to fetch")
	assert.NotContains(t, string(b), "<link")

	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(browser), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate("file://"+page)))
	tctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
	defer cancelT()
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(tctx, chromedp.Text(sel))
		require.NoError(t, err)
		return s
	}
	eval := func(js string) int {
		t.Helper()
		n, err := chromedp.Run(tctx, chromedp.Evaluate[int](js))
		require.NoError(t, err)
		return n
	}
	total := eval("steps.length")
	require.Greater(t, total, 20)

	assert.Contains(t, text("#step-label"), "step 1 of ")
	assert.Equal(t, "machine ALPHA WORKGROUP", text("#source"))
	assert.Contains(t, text("#events"), "ALPHA machine-added domain WORKGROUP")
	assert.Equal(t, 1, eval(`document.getElementById("prev").disabled ? 1 : 0`))
	assert.Equal(t, 1, eval(`document.querySelectorAll("#picture svg").length`), "a picture of the network")

	// Next, three times: the mailslot is created; its object appears, highlighted.
	for i := 0; i < 3; i++ {
		require.NoError(t, chromedp.Do(tctx, chromedp.Click("#next")))
	}
	assert.Contains(t, text("#step-label"), "step 4 of ")
	assert.Equal(t, `server CreateMailslot \\.\mailslot\inbox 0 0 NULL -> slot`, text("#source"))
	assert.Contains(t, text("#comment"), "The server creates the mailslot")
	assert.Contains(t, text("#result"), "= ok h=0x4 -> slot")
	assert.Contains(t, text("#events"), "handle-opened pid=8 handle=0x4")
	changed, err := chromedp.Run(tctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("#objects .changed")).map(e => e.textContent).join("\n")`))
	require.NoError(t, err)
	assert.Contains(t, changed, `\Device\Mailslot\inbox`, "the new object is highlighted")
	assert.NotContains(t, changed, "System pid 4", "what did not change is not")
	assert.Contains(t, text("#handles"), `0x4:    File  obj 4`)
	assert.Contains(t, text("#picture"), `\Device\Mailslot\inbox`)

	// Previous goes back one.
	require.NoError(t, chromedp.Do(tctx, chromedp.Click("#prev")))
	assert.Contains(t, text("#step-label"), "step 3 of ")
	hash, err := chromedp.Run(tctx, chromedp.Evaluate[string](`location.hash`))
	require.NoError(t, err)
	assert.Equal(t, "#step=3", hash, "the address names the step, so a step can be linked to")

	// The slider jumps to the last step: the final leak check, nothing left.
	_, err = chromedp.Run(tctx, chromedp.Evaluate[bool](`slider.value = slider.max; slider.dispatchEvent(new Event("input"))`))
	require.NoError(t, err)
	label := text("#step-label")
	assert.True(t, strings.HasPrefix(label, fmt.Sprintf("step %d of %d", total, total)), label)
	assert.Equal(t, "leaks ALPHA == 0", text("#source"))
	assert.Equal(t, 1, eval(`document.getElementById("next").disabled ? 1 : 0`))
	assert.NotContains(t, text("#objects"), "Mailslot", "the mailslot is gone at the end")

	// The arrow keys step too.
	_, err = chromedp.Run(tctx, chromedp.Evaluate[bool](`document.dispatchEvent(new KeyboardEvent("keydown", {key: "ArrowLeft"}))`))
	require.NoError(t, err)
	assert.Contains(t, text("#step-label"), fmt.Sprintf("step %d of ", total-1))
}
