import { initAll } from "../govuk/govuk-frontend.min.js";

initAll();

// A region marked data-poll="N" is fetched again every N seconds and replaced (a progress panel made by
// the worker); once the fresh copy no longer polls, the page reloads to show the finished result. Without
// JavaScript the page has a link to check again.
for (const region of document.querySelectorAll("[data-poll]")) {
  const every = Number(region.dataset.poll) * 1000;
  const tick = async () => {
    try {
      const response = await fetch(window.location.href, { credentials: "same-origin" });
      if (!response.ok) return;
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.getElementById(region.id);
      if (!fresh) return;
      if (!fresh.hasAttribute("data-poll")) {
        window.location.reload();
        return;
      }
      region.innerHTML = fresh.innerHTML;
      window.setTimeout(tick, every);
    } catch {
      // the next visit shows the state; nothing to do here
    }
  };
  window.setTimeout(tick, every);
}
