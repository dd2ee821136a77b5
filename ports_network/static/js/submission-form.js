// The submission form, enhanced: checks as you type (the server decides, nothing is saved), a warning
// before leaving with unsaved changes, and a copy of the typed values in this browser so a crash or a
// closed tab loses nothing. Without this file the form still saves and shows the same checks.
(() => {
  const form = document.getElementById("values-form");
  if (!form) return;
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";
  const key = form.dataset.draftKey;
  const fields = () => Array.from(form.elements).filter((el) => /^(value|justification)-/.test(el.name || ""));
  const revisionField = form.elements.namedItem("revision");
  // A form sent back by the server (conflict, invalid values) holds input that is not saved yet.
  let dirty = form.dataset.unsaved === "1";
  let timer = null;
  let pending = null;

  const snapshot = () => Object.fromEntries(fields().map((el) => [el.name, el.value]));

  const setStatus = (text) => {
    document.querySelectorAll("[data-form-status]").forEach((el) => { el.textContent = text; });
  };

  const showChecks = (findings) => {
    document.querySelectorAll("[data-checks-for]").forEach((list) => {
      list.replaceChildren();
      (findings[list.dataset.checksFor] || []).forEach((finding) => {
        const item = document.createElement("li");
        item.className = `check-${finding.severity}${finding.blocks ? "" : " check-ok"}`;
        item.textContent = finding.message;
        list.append(item);
      });
    });
  };

  const check = async () => {
    if (pending) pending.abort();
    pending = new AbortController();
    setStatus(form.dataset.checkingText);
    try {
      const response = await fetch(form.dataset.checkUrl, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-CSRFToken": csrf, Accept: "application/json" },
        credentials: "same-origin",
        signal: pending.signal,
      });
      if (!response.ok) throw new Error(String(response.status));
      showChecks((await response.json()).findings || {});
      setStatus(dirty ? form.dataset.unsavedText : "");
    } catch (error) {
      if (error.name !== "AbortError") setStatus(dirty ? form.dataset.unsavedText : "");
    }
  };

  const remember = () => {
    try {
      localStorage.setItem(key, JSON.stringify({ revision: revisionField.value, values: snapshot() }));
    } catch (error) {
      // Storage full or disabled: the warning before leaving still protects the input.
    }
  };

  const changed = () => {
    dirty = true;
    setStatus(form.dataset.unsavedText);
    remember();
    clearTimeout(timer);
    timer = setTimeout(check, 600);
  };

  const offerRestore = (draft) => {
    const notice = document.createElement("div");
    notice.className = "notice";
    notice.setAttribute("role", "status");
    const text = document.createElement("p");
    text.textContent = form.dataset.restoreText;
    const restore = document.createElement("button");
    restore.type = "button";
    restore.textContent = form.dataset.restoreLabel;
    const discard = document.createElement("button");
    discard.type = "button";
    discard.className = "secondary";
    discard.textContent = form.dataset.discardLabel;
    restore.addEventListener("click", () => {
      fields().forEach((el) => { if (el.name in draft.values) el.value = draft.values[el.name]; });
      // Saved against the revision it was typed on: a newer save by someone else shows as a conflict.
      revisionField.value = draft.revision;
      notice.remove();
      changed();
    });
    discard.addEventListener("click", () => { localStorage.removeItem(key); notice.remove(); });
    notice.append(text, restore, " ", discard);
    form.after(notice);
  };

  const draftOnLoad = () => {
    let draft = null;
    try {
      draft = JSON.parse(localStorage.getItem(key) || "null");
    } catch (error) {
      draft = null;
    }
    if (!draft || !draft.values) return;
    const current = snapshot();
    const differs = Object.entries(draft.values).some(([name, value]) => name in current && current[name] !== value);
    if (differs) offerRestore(draft);
    else localStorage.removeItem(key);
  };

  fields().forEach((el) => {
    el.addEventListener("input", changed);
    el.addEventListener("change", changed);
  });
  form.addEventListener("submit", () => { dirty = false; });
  window.addEventListener("beforeunload", (event) => {
    if (!dirty) return;
    event.preventDefault();
    event.returnValue = "";
  });
  draftOnLoad();
})();
