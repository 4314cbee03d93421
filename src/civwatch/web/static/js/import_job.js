/* Import progress: poll the job's JSON twin until the batch is done, then link to it. */
(function () {
  "use strict";
  const cw = window.civwatch;
  const d = cw.data("page-data");
  const bar = document.getElementById("progress");
  const text = document.getElementById("progress-text");
  const result = document.getElementById("result");
  function show(job) {
    bar.max = Math.max(job.total || 1, job.read || 0, 1);
    bar.value = job.read || 0;
    if (job.status === "done") {
      bar.value = bar.max;
      text.textContent = cw.t("js.import.done", { read: job.read, accepted: job.summary.accepted, rejected: job.summary.rejected });
    } else if (job.status === "failed") {
      text.textContent = cw.t("js.import.failed", { error: String(job.error) });
    } else {
      text.textContent = cw.t("js.import.reading", { read: job.read, total: job.total });
    }
    if (job.batch_id && !result.querySelector("a")) {
      const a = document.createElement("a");
      a.href = "/imports/" + job.batch_id;
      a.id = "batch-link";
      a.textContent = cw.t("js.import.batch_link", { batch: String(job.batch_id) });
      result.appendChild(a);
    }
    return job.status === "done" || job.status === "failed";
  }
  function poll() {
    fetch(d.poll, { headers: { Accept: "application/json" } })
      .then((r) => r.json())
      .then((job) => { if (!show(job)) setTimeout(poll, 400); else document.body.dataset.ready = "1"; })
      .catch(() => setTimeout(poll, 1000));
  }
  poll();
})();
