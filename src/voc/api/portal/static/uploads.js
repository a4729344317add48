// Upload -> mapping preview -> commit -> analyse, through the same /v1 API as any client.
// The session cookie authenticates; writes carry the CSRF token in X-CSRF-Token.
(function () {
  const form = document.getElementById("upload-form");
  if (!form) return;
  const csrf = form.dataset.csrf;
  const preview = document.getElementById("preview");
  const commit = document.getElementById("commit");
  const bar = document.getElementById("progress");
  const status = document.getElementById("progress-text");
  let uploadId = null;

  function text(tag, value) { const el = document.createElement(tag); el.textContent = value; return el; }
  async function call(method, url, body) {
    const init = { method, headers: { "X-CSRF-Token": csrf }, credentials: "same-origin" };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) { init.body = JSON.stringify(body); init.headers["Content-Type"] = "application/json"; }
    const response = await fetch(url, init);
    const data = await response.json();
    if (!response.ok) throw new Error(data.detail || response.statusText);
    return data;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    preview.replaceChildren(text("p", "…"));
    try {
      const data = await call("POST", "/v1/uploads", new FormData(form));
      uploadId = data.upload.id;
      const m = data.detected;
      const list = document.createElement("dl");
      for (const [k, v] of [["score", m.score], ["comment", m.comment], ["date", m.date], ["id", m.response_id], ["segments", (m.segments || []).join(", ")]]) {
        list.append(text("dt", k), text("dd", v || "–"));
      }
      preview.replaceChildren(text("p", `${data.rows_used} / ${data.rows_read} rows usable, ${data.skipped} skipped`), list);
      commit.hidden = false;
      commit.focus();
    } catch (err) { preview.replaceChildren(text("p", String(err.message))); }
  });

  commit.addEventListener("click", async () => {
    commit.disabled = true;
    try {
      await call("POST", `/v1/uploads/${uploadId}/commit`, {});
      let job = await call("POST", "/v1/jobs", { upload_id: uploadId });
      bar.hidden = false;
      while (job.status === "queued" || job.status === "running") {
        bar.value = job.progress_percent; status.textContent = `${job.stage} ${job.progress_percent}%`;
        await new Promise((r) => setTimeout(r, 700));
        job = await call("GET", `/v1/jobs/${job.id}`);
      }
      bar.value = job.progress_percent;
      status.textContent = job.status === "succeeded" ? "done" : `failed: ${job.error}`;
    } catch (err) { status.textContent = String(err.message); }
  });
})();
