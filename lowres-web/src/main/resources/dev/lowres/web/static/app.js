// lowres serve: the little the pages do in the browser. Live learning curves (server-sent events from
// /run/events; the curves themselves are drawn by the server, as in the static reports), mistake tags,
// uploads to predict, the augmentation preview that follows its form, and explanations computed map by map.
"use strict";

// a JSON answer's body, or (an error status) a rejection with the server's message
function jsonOrError(r) {
  return r.json().then((body) => (r.ok ? body : Promise.reject(new Error(body.error || r.status))));
}

function liveCurves(section) {
  const path = section.dataset.path;
  const state = document.getElementById("live-state");
  let lines = 0;
  let timer = null;
  const refresh = () => {
    timer = null;
    fetch("/run/curves?path=" + encodeURIComponent(path))
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error("HTTP " + r.status))))
      .then((html) => {
        section.innerHTML = html;
        section.dataset.updates = String(Number(section.dataset.updates || "0") + 1);
        state.textContent = "Live: " + lines + " new lines of metrics.jsonl, curves redrawn at "
          + new Date().toLocaleTimeString() + ".";
      })
      .catch((e) => { state.textContent = "Could not redraw the curves: " + e.message; });
  };
  const changed = () => { if (timer === null) { timer = setTimeout(refresh, 250); } };
  const source = new EventSource("/run/events?path=" + encodeURIComponent(path)
    + "&from=" + encodeURIComponent(section.dataset.from || "0"));
  source.addEventListener("metrics", () => { lines += 1; changed(); });
  source.addEventListener("reset", () => { lines = 0; changed(); });
  source.addEventListener("hello", () => { state.textContent = "Live: following metrics.jsonl."; });
  source.onerror = () => { state.textContent = "Not following the run (the server went away?); reload to retry."; };
}

function tagging(gallery) {
  const path = gallery.dataset.path;
  gallery.querySelectorAll(".card.mistake").forEach((card) => {
    const saved = card.querySelector(".saved");
    const save = () => {
      const tags = Array.from(card.querySelectorAll("input.tag:checked")).map((i) => i.value);
      const note = card.querySelector("input.note").value;
      saved.textContent = "saving…";
      fetch("/eval/tags", {
        method: "POST",
        headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify({ path, index: Number(card.dataset.index), tags, note }),
      })
        .then(jsonOrError)
        .then(() => { saved.textContent = "saved"; card.dataset.saved = "yes"; })
        .catch((e) => { saved.textContent = "not saved: " + e.message; card.dataset.saved = "no"; });
    };
    card.querySelectorAll("input.tag").forEach((i) => i.addEventListener("change", save));
    card.querySelector("input.note").addEventListener("change", save);
  });
}

function predicting(form) {
  const status = document.getElementById("predict-status");
  const result = document.getElementById("predict-result");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const file = document.getElementById("predict-file").files[0];
    if (!file) { status.textContent = "Choose an image first."; return; }
    status.textContent = "Predicting " + file.name + "…";
    result.hidden = true;
    fetch("/api/predict?run=" + encodeURIComponent(form.dataset.run), {
      method: "POST",
      headers: { "Content-Type": file.type || "application/octet-stream", "Accept": "application/json" },
      body: file,
    })
      .then(jsonOrError)
      .then((p) => {
        document.getElementById("predict-image").src = p.image;
        document.getElementById("predict-input").textContent = file.name + ": " + p.input.format + " "
          + p.input.width + "×" + p.input.height + ", " + p.input.bytes + " bytes → " + p.pipeline.size + "×"
          + p.pipeline.size + " (" + p.pipeline.filter + ", " + p.pipeline.decode + ")";
        const body = document.querySelector("#predict-top5 tbody");
        body.replaceChildren(...p.top5.map((c, i) => {
          const row = document.createElement("tr");
          [String(i + 1), c.wnid + " " + c.name, (100 * c.probability).toFixed(2) + "%"].forEach((text, k) => {
            const cell = document.createElement("td");
            cell.textContent = text;
            if (k !== 1) { cell.className = "num"; }
            row.appendChild(cell);
          });
          return row;
        }));
        result.hidden = false;
        status.textContent = "";
        form.dataset.done = String(Number(form.dataset.done || "0") + 1);
      })
      .catch((e) => { status.textContent = "Not predicted: " + e.message; form.dataset.failed = "yes"; });
  });
}

function augmentPreview(form) {
  const sheet = document.getElementById("augment-sheet");
  const status = document.getElementById("augment-status");
  let timer = null;
  let asked = 0;
  const draw = () => {
    timer = null;
    const query = new URLSearchParams(new FormData(form)).toString();
    const mine = ++asked;
    status.textContent = "Drawing…";
    fetch("/dataset/augment.png?" + query, { headers: { "Accept": "image/png, application/json" } })
      .then((r) => (r.ok ? r.blob().then((b) => ({ blob: b, spec: r.headers.get("X-Augment-Spec") }))
        : jsonOrError(r)))
      .then(({ blob, spec }) => {
        if (mine !== asked) { return; }
        const old = sheet.src;
        sheet.src = URL.createObjectURL(blob);
        if (old.startsWith("blob:")) { URL.revokeObjectURL(old); }
        status.textContent = "Spec: " + spec;
        history.replaceState(null, "", "/dataset/augment?" + query);
        form.dataset.drawn = String(Number(form.dataset.drawn || "0") + 1);
      })
      .catch((e) => { if (mine === asked) { status.textContent = "Not drawn: " + e.message; form.dataset.failed = "yes"; } });
  };
  const changed = () => { if (timer !== null) { clearTimeout(timer); } timer = setTimeout(draw, 400); };
  form.addEventListener("input", changed);
  form.addEventListener("submit", (event) => { event.preventDefault(); changed(); });
}

// the explanation page: each map in turn from /explain/method, then the curves of them all
function explaining(maps) {
  const pending = Array.from(maps.querySelectorAll("figure.map[data-state='pending']"));
  if (pending.length === 0) { return; }
  const status = document.getElementById("explain-status");
  const query = maps.dataset.query;
  const methods = pending.map((f) => f.dataset.method);
  const one = (i) => {
    if (i === methods.length) {
      status.textContent = "Drawing the curves…";
      return fetch("/explain/curves?" + query + methods.map((m) => "&method=" + encodeURIComponent(m)).join(""))
        .then((r) => (r.ok ? r.text() : jsonOrError(r)))
        .then((html) => { document.getElementById("explain-curves").innerHTML = html; status.textContent = ""; maps.dataset.done = "yes"; });
    }
    const m = methods[i];
    status.textContent = "Computing " + m + " (" + (i + 1) + " of " + methods.length + ")…";
    return fetch("/explain/method?" + query + "&method=" + encodeURIComponent(m), { headers: { "Accept": "application/json" } })
      .then(jsonOrError)
      .then((v) => {
        const figure = pending[i];
        const img = document.createElement("img");
        img.className = "px";
        img.alt = m;
        img.width = Number(figure.querySelector(".pending").style.width.replace("px", ""));
        img.src = v.png;
        figure.querySelector(".pending").replaceWith(img);
        figure.dataset.state = "done";
        const row = document.querySelector("#faithfulness tr[data-method='" + m + "']");
        const cells = row.querySelectorAll("td");
        cells[1].textContent = v.deletion.toFixed(4);
        cells[2].textContent = v.insertion.toFixed(4);
        cells[3].textContent = v.seconds.toFixed(3);
        cells[4].textContent = v.note || "";
        row.dataset.state = "done";
        return one(i + 1);
      });
  };
  one(0).catch((e) => { status.textContent = "Not computed: " + e.message; maps.dataset.failed = "yes"; });
}

document.addEventListener("DOMContentLoaded", () => {
  const maps = document.getElementById("maps");
  if (maps && maps.dataset.query !== undefined) { explaining(maps); }
  const curves = document.getElementById("curves");
  if (curves && curves.dataset.path !== undefined) { liveCurves(curves); }
  const gallery = document.getElementById("mistakes");
  if (gallery) { tagging(gallery); }
  const predict = document.getElementById("predict-form");
  if (predict) { predicting(predict); }
  const augment = document.getElementById("augment-form");
  if (augment) { augmentPreview(augment); }
});
