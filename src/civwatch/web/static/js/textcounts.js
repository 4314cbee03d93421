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
  const cw = window.civwatch;
  const en = cw.lang === "en";  // English prints the reader's own words (killed, at-least) as before
  const word = (v) => (en ? String(v) : cw.tValue("js.tc.value.", v));
  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function range(f) {
    if (f.best !== null) return String(f.best);
    if (f.low !== null && f.high !== null) return `${f.low}–${f.high}`;
    if (f.low !== null) return cw.t("js.tc.at_least", { n: String(f.low) });
    return cw.t("js.tc.at_most", { n: String(f.high) });
  }
  function show(body) {
    result.replaceChildren();
    if (body.error) { result.appendChild(el("p", body.error, "problem")); return; }
    if (!body.figures.length) { result.appendChild(el("p", cw.t("js.tc.none_found"))); return; }
    const list = el("ul");
    list.id = "tc-figures";
    for (const f of body.figures) {
      const who = [f.sex !== "unknown" ? word(f.sex) : "", f.age_group !== "unknown" ? word(f.age_group) : "",
        f.civilian === true ? cw.t("js.tc.civilian") : f.civilian === false ? cw.t("js.tc.combatant") : ""].filter(Boolean).join(", ");
      const li = el("li");
      li.appendChild(el("strong", `${word(f.outcome)} ${range(f)}`));
      li.appendChild(document.createTextNode(` (${word(f.basis)}${f.part_of_another ? ", " + cw.t("js.tc.part_of_another") : ""}${who ? "; " + who : ""}): `));
      li.appendChild(el("q", f.text));
      list.appendChild(li);
    }
    result.appendChild(list);
    const use = el("button", cw.t("js.tc.use"));
    use.type = "button";
    use.id = "tc-use";
    use.addEventListener("click", () => {
      for (const [name, value] of Object.entries(body.form)) {
        const input = document.getElementById("r-" + name);
        if (input) input.value = value === null ? "" : value;
      }
      result.appendChild(el("p", cw.t("js.tc.copied"), "hint"));
    });
    result.appendChild(use);
    result.appendChild(el("p", cw.t("js.tc.read_by", { method: String(body.method), button: cw.t("record.submit") }), "hint"));
  }
  document.getElementById("tc-read").addEventListener("click", () => {
    const data = new FormData();
    data.append("csrf", csrf);
    data.append("text", notes.value);
    result.replaceChildren(el("p", cw.t("js.tc.reading")));
    fetch("/record/textcounts.json", { method: "POST", body: data, headers: { Accept: "application/json" } })
      .then((r) => r.json().then((b) => (r.ok || r.status === 422 ? b : { error: b.detail || b.error || cw.t("js.tc.refused") })))
      .then(show)
      .catch(() => show({ error: cw.t("js.tc.unreachable") }));
  });
})();
