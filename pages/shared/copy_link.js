(() => {
  if (window.__anttShare) return;
  window.__anttShare = true;
  function fallback(box, url) {
    const input = box.querySelector("input.antt-share-url");
    input.value = url; input.hidden = false; input.focus(); input.select();
    try { return document.execCommand("copy"); } catch (e) { return false; }
  }
  document.addEventListener("click", async (ev) => {
    const btn = ev.target.closest && ev.target.closest("button.antt-share-btn");
    if (!btn) return;
    const box = btn.closest(".antt-share"), status = box.querySelector(".antt-share-status"), url = btn.dataset.url;
    let ok = false;
    if (navigator.clipboard && window.isSecureContext) {
      try { await navigator.clipboard.writeText(url); ok = true; } catch (e) { ok = false; }
    }
    if (!ok) ok = fallback(box, url);
    status.textContent = ok ? btn.dataset.done : btn.dataset.manual;
    box.dataset.copied = ok ? "yes" : "no";
  });
})();
