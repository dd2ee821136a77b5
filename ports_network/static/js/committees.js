// Progressive enhancement: shows a session's start in the reader's own time zone, next to the session's
// zone and UTC that the server already printed. Without JavaScript nothing is missing but this line.
document.addEventListener("DOMContentLoaded", () => {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const format = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    dateStyle: "medium",
    timeStyle: "short",
  });
  document.querySelectorAll("[data-viewer-time]").forEach((element) => {
    const moment = new Date(element.dataset.viewerTime);
    if (Number.isNaN(moment.getTime())) return;
    element.textContent = `· ${element.dataset.viewerLabel} ${format.format(moment)} (${zone.replace(/_/g, " ")})`;
    element.hidden = false;
  });
});
