// The Playground's page side (an anywidget module): controls, counters, and
// each frame drawn from the numbers it carries. The network diagram and the
// plane come drawn from Python (keyed SVG, as the film's); here edges are
// restyled, the decision surface is painted from the weights, and the curves
// are redrawn. Colour and width formulas are those of palette.py and network.py.

const SVG_NS = "http://www.w3.org/2000/svg";

const STYLE = `
.agm-pg { font-family: Helvetica, Arial, sans-serif; color: #1f2937; max-width: 920px; }
.agm-pg .agm-pg-row { display: flex; flex-wrap: wrap; gap: 8px; align-items: flex-start; margin: 4px 0; }
.agm-pg svg { max-width: 100%; height: auto; border: 1px solid #e2e8f0; border-radius: 6px; background: #fff; }
.agm-pg .agm-pg-controls { display: flex; flex-wrap: wrap; align-items: center; gap: 10px; margin: 4px 0; }
.agm-pg button { font-size: 14px; min-width: 2.4em; padding: 3px 10px; border: 1px solid #94a3b8; border-radius: 4px; background: #f8fafc; cursor: pointer; }
.agm-pg button:hover { background: #e2e8f0; }
.agm-pg button.agm-pg-play[aria-pressed=true] { background: #dbeafe; border-color: #2166ac; }
.agm-pg label { font-size: 13px; display: inline-flex; align-items: center; gap: 4px; }
.agm-pg .agm-pg-counters { font-size: 13px; font-variant-numeric: tabular-nums; }
.agm-pg .agm-pg-counters b { display: inline-block; min-width: 3.5em; }
.agm-pg .agm-pg-message { font-size: 13px; min-height: 1.3em; padding: 2px 6px; border-radius: 4px; }
.agm-pg .agm-pg-message.agm-pg-alarm { background: #fde2cc; }
`;

const CONTROLS = `
<div class="agm-pg-controls">
  <button type="button" class="agm-pg-play" aria-pressed="false" title="play / pause">&#x25B6; play</button>
  <button type="button" class="agm-pg-one" title="one optimizer step">step</button>
  <button type="button" class="agm-pg-reset" title="back to the initial weights">reset</button>
  <label>learning rate <input type="range" class="agm-pg-lr" min="-4" max="1" step="0.05" aria-label="log10 of the learning rate">
    <span class="agm-pg-lr-value"></span></label>
  <label>batch size <select class="agm-pg-batch"></select></label>
  <label>frames/s <select class="agm-pg-fps"></select></label>
</div>
<div class="agm-pg-counters">step <b class="agm-pg-step">0</b> epoch <b class="agm-pg-epoch">0</b>
  loss <b class="agm-pg-loss">-</b> accuracy <b class="agm-pg-accuracy">-</b></div>
<div class="agm-pg-message"></div>
<div class="agm-pg-row agm-pg-pictures"></div>
<div class="agm-pg-row agm-pg-curves"></div>
`;

function rgb(hex) { return [1, 3, 5].map((i) => parseInt(hex.substr(i, 2), 16)); }
function toHex(c) { return "#" + c.map((v) => (v < 16 ? "0" : "") + v.toString(16)).join(""); }

function fmt(x) {
  if (x === null || x === undefined) { return "-"; }
  if (!isFinite(x)) { return String(x); }
  const t = Number(x.toPrecision(4));
  if (t === 0) { return "0"; }
  const a = Math.abs(t);
  return (a >= 1e4 || a < 1e-3) ? t.toExponential(2) : String(t);
}

const ACT = {
  relu: (x) => (x > 0 ? x : 0), tanh: Math.tanh, linear: (x) => x,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)), leaky_relu: (x) => (x > 0 ? x : 0.01 * x),
};

function makeDrawing(spec) {
  const POS = rgb(spec.palette.pos), NEG = rgb(spec.palette.neg), ZERO = rgb(spec.palette.zero);
  const CLASSES = spec.classes.map(rgb);
  const L = spec.sizes.length - 1;
  function divergingRgb(t) {
    if (!(t === t)) { t = 0; }
    t = Math.max(-1, Math.min(1, t));
    const end = t >= 0 ? POS : NEG, a = Math.abs(t);
    return [0, 1, 2].map((i) => Math.floor(ZERO[i] + (end[i] - ZERO[i]) * a + 0.5));
  }
  function width(v, scale) {
    const share = scale > 0 && v === v ? Math.min(1, Math.abs(v) / scale) : 0;
    return Math.round((spec.edge[0] + (spec.edge[1] - spec.edge[0]) * share) * 100) / 100;
  }
  const wIndex = (l, j, i) => spec.offsets[l] + j * spec.sizes[l] + i;
  const bIndex = (l, j) => spec.offsets[l] + spec.sizes[l + 1] * spec.sizes[l] + j;
  function forward(p, x) {
    let h = x;
    for (let l = 0; l < L; l++) {
      const out = [], f = ACT[spec.acts[l]], nin = spec.sizes[l];
      for (let j = 0; j < spec.sizes[l + 1]; j++) {
        let s = p[bIndex(l, j)];
        const o = spec.offsets[l] + j * nin;
        for (let i = 0; i < nin; i++) { s += p[o + i] * h[i]; }
        out.push(f(s === s ? s : 0));
      }
      h = out;
    }
    return h;
  }
  function surfaceRgb(out) {
    if (out.length === 1) {
      const c = spec.loss === "mse" ? 0.5 : 0;
      return divergingRgb(0.6 * Math.tanh(2 * (out[0] - c)));
    }
    let best = 0;
    for (let i = 1; i < out.length; i++) { if (out[i] > out[best]) { best = i; } }
    return CLASSES[best % CLASSES.length].map((v) => Math.floor(255 + (v - 255) * 0.5 + 0.5));
  }
  return { divergingRgb, width, wIndex, bIndex, forward, surfaceRgb, L };
}

// Numbers the kernel sent as a binary buffer (little-endian float64): a DataView here.
function floats(view) {
  if (Array.isArray(view)) { return view; }
  const out = new Float64Array(Math.floor(view.byteLength / 8));
  for (let i = 0; i < out.length; i++) { out[i] = view.getFloat64(8 * i, true); }
  return out;
}

function svgElement(name, attributes) {
  const e = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attributes)) { e.setAttribute(k, String(v)); }
  return e;
}

// A chart of series over steps: [{name, colour, steps, values}], y from 0 (or the
// lowest value) to the highest, or to `top` when given.
function drawChart(svg, title, series, top) {
  const W = 445, H = 150, left = 46, right = 10, upper = 22, lower = 26;
  while (svg.firstChild) { svg.removeChild(svg.firstChild); }
  let xMax = 1, yMin = 0, yMax = top === undefined ? 0 : top;
  for (const s of series) {
    s.steps.forEach((st, i) => {
      const v = s.values[i];
      if (v === null || !isFinite(v)) { return; }
      xMax = Math.max(xMax, st);
      yMin = Math.min(yMin, v);
      if (top === undefined) { yMax = Math.max(yMax, v); }
    });
  }
  if (yMax <= yMin) { yMax = yMin + 1; }
  const x = (st) => left + (st / xMax) * (W - left - right);
  const y = (v) => H - lower - ((Math.max(yMin, Math.min(yMax, v)) - yMin) / (yMax - yMin)) * (H - upper - lower);
  const text = (tx, ty, content, extra) => {
    const t = svgElement("text", Object.assign({ x: tx, y: ty, "font-size": 10, fill: "#1f2937" }, extra || {}));
    t.textContent = content;
    svg.appendChild(t);
  };
  svg.appendChild(svgElement("line", { x1: left, y1: H - lower, x2: W - right, y2: H - lower, stroke: "#94a3b8" }));
  svg.appendChild(svgElement("line", { x1: left, y1: upper, x2: left, y2: H - lower, stroke: "#94a3b8" }));
  text(4, 12, title, { "font-size": 12, "font-weight": "bold" });
  text(left - 4, upper + 4, fmt(yMax), { "text-anchor": "end" });
  text(left - 4, H - lower, fmt(yMin), { "text-anchor": "end" });
  text(left, H - lower + 14, "step 0");
  text(W - right, H - lower + 14, "step " + xMax, { "text-anchor": "end" });
  let legendX = left + 8 + 7 * title.length;
  for (const s of series) {
    const points = [];
    s.steps.forEach((st, i) => {
      const v = s.values[i];
      if (v !== null && isFinite(v)) { points.push(x(st).toFixed(1) + "," + y(v).toFixed(1)); }
    });
    if (!points.length) { continue; }
    svg.appendChild(svgElement("polyline", { points: points.join(" "), fill: "none", stroke: s.colour, "stroke-width": 1.6 }));
    svg.appendChild(svgElement("line", { x1: legendX, y1: 9, x2: legendX + 16, y2: 9, stroke: s.colour, "stroke-width": 2.5 }));
    text(legendX + 20, 12, s.name);
    legendX += 28 + 6 * s.name.length;
  }
}

// Where JupyterLab or Notebook 7 shows this widget, the output just above holds
// its saved picture: the live widget takes its place.
function hidePicture(el) {
  const output = el.closest ? el.closest(".jp-OutputArea-child") : null;
  const above = output ? output.previousElementSibling : null;
  const picture = "[data-mime-type='image/png'], [data-mime-type='image/svg+xml']";
  if (above && above.querySelector(picture)) { above.style.display = "none"; }
  return output !== null;
}

function render({ model, el }) {
  const spec = model.get("spec");
  const draw = makeDrawing(spec);
  const root = document.createElement("div");
  root.className = "agm-pg";
  const style = document.createElement("style");
  style.textContent = STYLE;
  root.appendChild(style);
  const body = document.createElement("div");
  body.innerHTML = CONTROLS;
  root.appendChild(body);
  el.appendChild(root);
  const q = (sel) => root.querySelector(sel);

  // Python's SVG is built from escaped text only (viz.drawing).
  const pictures = q(".agm-pg-pictures");
  pictures.innerHTML = model.get("network_svg") + model.get("side_svg");
  const keyed = {};
  pictures.querySelectorAll("[data-k]").forEach((e) => { keyed[e.getAttribute("data-k")] = e; });
  const curves = q(".agm-pg-curves");
  const lossChart = svgElement("svg", { width: 445, height: 150, viewBox: "0 0 445 150", class: "agm-pg-loss-chart" });
  const accuracyChart = svgElement("svg", { width: 445, height: 150, viewBox: "0 0 445 150", class: "agm-pg-accuracy-chart" });
  curves.appendChild(lossChart);
  curves.appendChild(accuracyChart);

  // Controls -> synced traitlets; the kernel does the rest.
  const play = q(".agm-pg-play");
  play.addEventListener("click", () => { model.set("running", !model.get("running")); model.save_changes(); });
  q(".agm-pg-one").addEventListener("click", () => { model.send({ action: "step" }); });
  q(".agm-pg-reset").addEventListener("click", () => { model.send({ action: "reset" }); });
  const lr = q(".agm-pg-lr"), lrValue = q(".agm-pg-lr-value");
  lr.addEventListener("input", () => { lrValue.textContent = fmt(Math.pow(10, Number(lr.value))); });
  lr.addEventListener("change", () => {
    model.set("lr", Number(Math.pow(10, Number(lr.value)).toPrecision(3)));
    model.save_changes();
  });
  const batch = q(".agm-pg-batch");
  const sizes = [1, 2, 4, 8, 16, 32, 64, 128, 256].filter((b) => b < spec.samples).concat([spec.samples]);
  const current = model.get("batch_size");
  if (sizes.indexOf(current) < 0) { sizes.push(current); sizes.sort((a, b) => a - b); }
  for (const b of sizes) {
    const o = document.createElement("option");
    o.value = String(b);
    o.textContent = b === spec.samples ? b + " (all)" : String(b);
    batch.appendChild(o);
  }
  batch.addEventListener("change", () => { model.set("batch_size", Number(batch.value)); model.save_changes(); });
  const fps = q(".agm-pg-fps");
  for (const f of [1, 2, 5, 10, 20, 30]) {
    const o = document.createElement("option");
    o.value = String(f);
    o.textContent = String(f);
    fps.appendChild(o);
  }
  fps.addEventListener("change", () => { model.set("fps", Number(fps.value)); model.save_changes(); });

  function showControls() {
    const on = model.get("running");
    play.setAttribute("aria-pressed", on ? "true" : "false");
    play.innerHTML = on ? "&#x25A0; pause" : "&#x25B6; play";
    const rate = model.get("lr");
    lr.value = String(Math.log10(rate));
    lrValue.textContent = fmt(rate);
    batch.value = String(model.get("batch_size"));
    fps.value = String(Math.round(model.get("fps")));
  }
  function showCounters() {
    q(".agm-pg-step").textContent = String(model.get("step"));
    q(".agm-pg-epoch").textContent = String(model.get("epoch"));
    q(".agm-pg-loss").textContent = fmt(model.get("loss"));
    const a = model.get("accuracy");
    q(".agm-pg-accuracy").textContent = a === null || a === undefined ? "-" : (100 * a).toFixed(1) + "%";
    const message = model.get("message");
    const box = q(".agm-pg-message");
    box.textContent = message;
    box.classList.toggle("agm-pg-alarm", message.indexOf("paused:") === 0 || message.indexOf("the loss (") === 0);
  }

  const canvas = document.createElement("canvas");
  const ctx = canvas.getContext("2d");
  function paintSurface(p) {
    const image = keyed.surface;
    if (!image || !ctx || !spec.plane) { return; }
    const g = spec.grid, e = spec.extent;
    canvas.width = g; canvas.height = g;
    const pixels = ctx.createImageData(g, g);
    for (let r = 0; r < g; r++) {
      for (let c = 0; c < g; c++) {
        const x = [e[0] + (c + 0.5) / g * (e[1] - e[0]), e[3] - (r + 0.5) / g * (e[3] - e[2])];
        const col = draw.surfaceRgb(draw.forward(p, x)), o = 4 * (r * g + c);
        pixels.data[o] = col[0]; pixels.data[o + 1] = col[1]; pixels.data[o + 2] = col[2]; pixels.data[o + 3] = 255;
      }
    }
    ctx.putImageData(pixels, 0, 0);
    image.setAttribute("href", canvas.toDataURL("image/png"));
  }
  function showFrame() {
    const frame = model.get("frame");
    if (!frame || !frame.params) { return; }
    const p = Array.from(floats(frame.params), (v) => (isFinite(v) ? v : 0));
    const steps = Array.from(floats(frame.steps));
    let scale = 0;
    for (const v of p) { scale = Math.max(scale, Math.abs(v)); }
    scale = scale || 1;
    for (let l = 0; l < draw.L; l++) {
      for (const j of spec.shown[l + 1]) {
        for (const i of spec.shown[l]) {
          const k = draw.wIndex(l, j, i), e = keyed["w" + k];
          if (!e) { continue; }
          e.setAttribute("stroke", toHex(draw.divergingRgb(p[k] / scale)));
          e.setAttribute("stroke-width", String(draw.width(p[k], scale)));
        }
        const b = keyed["b" + draw.bIndex(l, j)];
        if (b) { b.setAttribute("fill", toHex(draw.divergingRgb(p[draw.bIndex(l, j)] / scale))); }
      }
    }
    if (keyed.legend) { keyed.legend.textContent = "weights: widest at |value| \u2265 " + fmt(scale) + "; square = bias"; }
    paintSurface(p);
    const val = frame.validation || [];
    const valSteps = val.map((v) => v[0]);
    drawChart(lossChart, "loss", [
      { name: "batch", colour: spec.palette.pos, steps: steps, values: Array.from(floats(frame.loss)) },
      { name: "validation", colour: spec.palette.neg, steps: valSteps, values: val.map((v) => v[1]) },
    ]);
    drawChart(accuracyChart, "accuracy", [
      { name: "batch", colour: spec.palette.pos, steps: steps, values: Array.from(floats(frame.accuracy)) },
      { name: "validation", colour: spec.palette.neg, steps: valSteps, values: val.map((v) => v[2]) },
    ], 1);
  }

  // Frames arrive at most at the frame-rate cap; drawing waits for the browser's next paint.
  let pending = false;
  function scheduleFrame() {
    if (pending) { return; }
    pending = true;
    requestAnimationFrame(() => { pending = false; showFrame(); });
  }
  const handlers = [["change:frame", scheduleFrame]];
  for (const name of ["running", "lr", "batch_size", "fps"]) { handlers.push(["change:" + name, showControls]); }
  for (const name of ["step", "epoch", "loss", "accuracy", "message"]) { handlers.push(["change:" + name, showCounters]); }
  for (const [event, handler] of handlers) { model.on(event, handler); }
  showControls();
  showCounters();
  showFrame();
  if (!hidePicture(el)) { requestAnimationFrame(() => hidePicture(el)); }
  return () => {
    for (const [event, handler] of handlers) { model.off(event, handler); }
  };
}

export default { render };
