(() => {
  // The sign-in cookie is set or cleared by an HTTP response (geo/api/web_session.py): go there, then back.
  const spots = document.querySelectorAll("[data-antt-go]");
  const spot = spots[spots.length - 1];
  if (!spot || spot.dataset.done) return;
  spot.dataset.done = "yes";
  const next = spot.dataset.next || (window.location.pathname + window.location.search);
  const target = spot.dataset.anttGo;
  window.location.replace(target + (target.includes("?") ? "&" : "?") + "next=" + encodeURIComponent(next));
})();
