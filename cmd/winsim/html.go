package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/winsim/winsim/scenario"
	"github.com/winsim/winsim/view"
)

// pageStep is one step of the page, as the page's script reads it.
type pageStep struct {
	Line      int      `json:"line"`
	Source    string   `json:"source"`
	Comment   string   `json:"comment"`
	Output    []string `json:"output"`
	Events    []string `json:"events"`
	Failed    bool     `json:"failed"`
	Elapsed   string   `json:"elapsed"`
	Objects   string   `json:"objects"`
	Handles   string   `json:"handles"`
	Processes string   `json:"processes"`
	SVG       string   `json:"svg"`
}

// writeHTML writes the step-through page of a recorded run: one self-contained file (no
// server, no network) with every step's call, result, trace events, tables and picture,
// and the script that steps through them.
func writeHTML(ctx context.Context, w io.Writer, title string, steps []scenario.Step) error {
	r, err := view.NewSVGRenderer(ctx)
	if err != nil {
		return err
	}
	defer r.Close()
	page := make([]pageStep, 0, len(steps))
	for _, st := range steps {
		ps := pageStep{Line: st.Line, Source: st.Source, Comment: st.Comment, Output: st.Output, Failed: st.Failed,
			Elapsed: st.Elapsed.String(), Objects: st.Objects, Handles: st.Handles, Processes: st.Processes}
		for _, ev := range st.Events {
			s := ev.String()
			if _, rest, ok := strings.Cut(s, " "); ok && strings.HasPrefix(s, "#") {
				s = rest
			}
			ps.Events = append(ps.Events, s)
		}
		if st.Network != nil {
			var dot, svg bytes.Buffer
			view.NetworkDot(&dot, st.Network)
			if err := r.Render(ctx, &svg, dot.Bytes()); err != nil {
				return fmt.Errorf("step at line %d: %w", st.Line, err)
			}
			s := svg.String()
			if i := strings.Index(s, "<svg"); i >= 0 {
				s = s[i:]
			}
			ps.SVG = s
		}
		page = append(page, ps)
	}
	data, err := json.Marshal(page)
	if err != nil {
		return err
	}
	return pageTemplate.Execute(w, struct {
		Title string
		Steps template.JS
	}{title, template.JS(data)})
}

var pageTemplate = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>winsim: {{.Title}}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1em 2em; color: #222; }
h1 { font-size: 1.3em; }
#controls { position: sticky; top: 0; background: #fff; padding: .5em 0; border-bottom: 1px solid #ccc; z-index: 1; }
#controls button { font-size: 1em; padding: .2em .8em; }
#slider { width: 40em; vertical-align: middle; }
pre { background: #f6f6f6; padding: .5em; overflow-x: auto; font-size: 12px; margin: .3em 0; }
.changed { background: #fff2a8; }
.failed { color: #b00020; font-weight: bold; }
#comment { color: #555; font-style: italic; white-space: pre-wrap; }
#source { font-family: monospace; font-size: 1.05em; background: #eef3ff; padding: .3em .5em; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 1em; }
#picture svg { max-width: 100%; height: auto; }
h2 { font-size: 1.05em; margin: .8em 0 .2em; }
</style>
</head>
<body>
<h1>winsim: {{.Title}}</h1>
<div id="controls">
<button id="prev" type="button">&larr; previous</button>
<input id="slider" type="range" min="0" value="0">
<button id="next" type="button">next &rarr;</button>
<span id="step-label"></span>
</div>
<div id="comment"></div>
<div id="source"></div>
<h2>Result</h2>
<pre id="result"></pre>
<h2>Trace events</h2>
<pre id="events"></pre>
<h2>The network at this moment</h2>
<div id="picture"></div>
<div class="grid">
<div><h2>Objects</h2><pre id="objects"></pre></div>
<div><h2>Handle tables</h2><pre id="handles"></pre></div>
</div>
<h2>Processes</h2>
<pre id="processes"></pre>
<script type="application/json" id="steps">{{.Steps}}</script>
<script>
"use strict";
const steps = JSON.parse(document.getElementById("steps").textContent);
const slider = document.getElementById("slider");
slider.max = Math.max(steps.length - 1, 0);
let cur = 0;
function esc(s) { return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"); }
// lines renders text, marking the lines that were not in the previous step's text
// (compared without their spacing, which changes when a column widens).
function key(l) { return l.replace(/\s+/g, " ").trim(); }
function lines(now, before) {
  const old = new Set((before || "").split("\n").map(key));
  return now.split("\n").map(l => old.has(key(l)) ? esc(l) : '<span class="changed">' + esc(l) + '</span>').join("\n");
}
function show(i) {
  cur = Math.max(0, Math.min(i, steps.length - 1));
  slider.value = cur;
  const s = steps[cur], p = cur > 0 ? steps[cur - 1] : {objects: "", handles: "", processes: ""};
  document.getElementById("step-label").textContent = "step " + (cur + 1) + " of " + steps.length + " (line " + s.line + ", t=" + s.elapsed + ")";
  document.getElementById("comment").textContent = s.comment;
  const src = document.getElementById("source");
  src.textContent = s.source;
  src.className = s.failed ? "failed" : "";
  document.getElementById("result").textContent = (s.output || []).join("\n") || "(no result)";
  document.getElementById("events").textContent = (s.events || []).join("\n") || "(no events)";
  document.getElementById("objects").innerHTML = lines(s.objects, p.objects);
  document.getElementById("handles").innerHTML = lines(s.handles, p.handles);
  document.getElementById("processes").innerHTML = lines(s.processes, p.processes);
  document.getElementById("picture").innerHTML = s.svg;
  document.getElementById("prev").disabled = cur === 0;
  document.getElementById("next").disabled = cur === steps.length - 1;
  history.replaceState(null, "", "#step=" + (cur + 1));
}
document.getElementById("prev").onclick = () => show(cur - 1);
document.getElementById("next").onclick = () => show(cur + 1);
slider.oninput = () => show(Number(slider.value));
document.addEventListener("keydown", e => { if (e.key === "ArrowRight") show(cur + 1); if (e.key === "ArrowLeft") show(cur - 1); });
// #step=N in the address opens step N, and stepping keeps the address up to date.
const m = /step=(\d+)/.exec(location.hash);
show(m ? Number(m[1]) - 1 : 0);
</script>
</body>
</html>
`))
