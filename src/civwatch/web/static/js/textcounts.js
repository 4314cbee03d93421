/* Recording form: read casualty figures from the pasted notes, show each with the words it came
   from, and let the recorder copy them into the form (then correct them) before recording. */
(function () {
  "use strict";
  const box = document.getElementById("textcounts");
  if (!box) return;
  box.hidden = false;
  const notes = document.getElementById("r-notes");
  const result = document.getElementById("tc-result");
  const csrf = document.querySelector('input[name="csrf"]').value;
  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function range(f) {
    if (f.best !== null) return String(f.best);
    if (f.low !== null && f.high !== null) return `${f.low}–${f.high}`;
    if (f.low !== null) return `at least ${f.low}`;
    return `at most ${f.high}`;
  }
  function show(body) {
    result.replaceChildren();
    if (body.error) { result.appendChild(el("p", body.error, "problem")); return; }
    if (!body.figures.length) { result.appendChild(el("p", "No casualty figure found in this text.")); return; }
    const list = el("ul");
    list.id = "tc-figures";
    for (const f of body.figures) {
      const who = [f.sex !== "unknown" ? f.sex : "", f.age_group !== "unknown" ? f.age_group : "",
        f.civilian === true ? "civilian" : f.civilian === false ? "combatant" : ""].filter(Boolean).join(", ");
      const li = el("li");
      li.appendChild(el("strong", `${f.outcome} ${range(f)}`));
      li.appendChild(document.createTextNode(` (${f.basis}${f.part_of_another ? ", part of another figure" : ""}${who ? "; " + who : ""}): `));
      li.appendChild(el("q", f.text));
      list.appendChild(li);
    }
    result.appendChild(list);
    const use = el("button", "Use these figures");
    use.type = "button";
    use.id = "tc-use";
    use.addEventListener("click", () => {
      for (const [name, value] of Object.entries(body.form)) {
        const input = document.getElementById("r-" + name);
        if (input) input.value = value === null ? "" : value;
      }
      result.appendChild(el("p", "Copied into the form (figures the text calls combatants left out): check and correct them before recording.", "hint"));
    });
    result.appendChild(use);
    result.appendChild(el("p", `Read by ${body.method}; nothing is recorded until you press “Record the incident”.`, "hint"));
  }
  document.getElementById("tc-read").addEventListener("click", () => {
    const data = new FormData();
    data.append("csrf", csrf);
    data.append("text", notes.value);
    result.replaceChildren(el("p", "Reading…"));
    fetch("/record/textcounts.json", { method: "POST", body: data, headers: { Accept: "application/json" } })
      .then((r) => r.json().then((b) => (r.ok || r.status === 422 ? b : { error: b.detail || b.error || "the server refused the text" })))
      .then(show)
      .catch(() => show({ error: "the server could not be reached" }));
  });
})();
