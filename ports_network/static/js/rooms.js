// Live room: progressive enhancement of the room page (which works without this file).
// Messages are kept by sequence number: shown once each, in order; sends are retried until acknowledged.
(() => {
  "use strict";

  const section = document.getElementById("room");
  if (!section || typeof window.io !== "function") return;

  const text = section.dataset; // every string shown here is rendered, translated, by the template
  const roomId = Number(text.roomId);
  const list = document.getElementById("room-messages");
  const form = document.getElementById("room-form");
  const status = document.getElementById("room-status");
  const presenceLine = document.getElementById("room-presence");
  const typingLine = document.getElementById("room-typing");
  const typists = new Map(); // user id -> {name, timer}: who is typing now, shown for TYPING_SHOWN_MS
  const TYPING_SHOWN_MS = 4000;
  const TYPING_EVERY_MS = 2000; // the server announces a person's typing at most this often too
  let typingSentAt = 0;
  const seqOf = (element) => Number(element.dataset.seq);
  const shown = new Set(Array.from(list.querySelectorAll("[data-seq]"), seqOf));
  let lastSeq = Math.max(Number(text.lastSeq) || 0, 0, ...shown); // highest seq with no gap before it
  const waiting = new Map(); // seq -> message received ahead of a gap
  const pending = new Map(); // client_id -> {body, element, acked}, until shown and acknowledged
  let joined = false;
  let catchingUp = null;

  // autoConnect off: the handlers below are in place before the first connection.
  const socket = window.io({ autoConnect: false, transports: ["websocket", "polling"], tryAllTransports: true });

  function newClientId() {
    if (window.crypto.randomUUID) return window.crypto.randomUUID();
    // randomUUID exists only in secure contexts (HTTPS, localhost); 16 random bytes serve as well.
    return Array.from(window.crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function names(list) {
    // "Ana, Bruno and Carla" in the page's language.
    if (!window.Intl || !Intl.ListFormat) return list.join(", ");
    return new Intl.ListFormat(document.documentElement.lang || undefined, { type: "conjunction" }).format(list);
  }

  function fillIn(template, values) {
    return template.replace(/\{(\w+)\}/g, (match, key) => (key in values ? values[key] : match));
  }

  function showPresence(notice) {
    // Everyone else in the room now who shares it (the server lists only them).
    if (notice.room_id !== roomId) return;
    const others = notice.people.filter((person) => String(person.id) !== text.userId).map((person) => person.name);
    presenceLine.textContent = others.length ? fillIn(text.textHereNow, { names: names(others) }) : "";
  }

  function showTyping() {
    const typing = Array.from(typists.values(), (typist) => typist.name);
    if (!typing.length) typingLine.textContent = "";
    else if (typing.length === 1) typingLine.textContent = fillIn(text.textTypingOne, { name: typing[0] });
    else typingLine.textContent = fillIn(text.textTypingMany, { names: names(typing) });
  }

  function stopTyping(userId) {
    const typist = typists.get(userId);
    if (!typist) return;
    window.clearTimeout(typist.timer);
    typists.delete(userId);
    showTyping();
  }

  function someoneTyping(notice) {
    if (notice.room_id !== roomId || String(notice.user_id) === text.userId) return; // not one's other tabs
    stopTyping(notice.user_id);
    const timer = window.setTimeout(() => stopTyping(notice.user_id), TYPING_SHOWN_MS);
    typists.set(notice.user_id, { name: notice.name, timer });
    showTyping();
  }

  function typed() {
    // Cheap by design: at most one notice every TYPING_EVERY_MS, none for those who do not share presence.
    const now = Date.now();
    if (!joined || text.sharePresence !== "true" || now - typingSentAt < TYPING_EVERY_MS) return;
    typingSentAt = now;
    socket.emit("typing", { room_id: roomId });
  }

  function setConnection(state, message) {
    section.dataset.connection = state;
    status.textContent = message || "";
  }

  function stateElement(state) {
    const element = document.createElement("small");
    element.className = "room-message-state";
    element.dataset.state = state;
    element.textContent = { sending: text.textSending, sent: text.textSent }[state] || state;
    return element;
  }

  function paint(entry, state, message) {
    entry.element.querySelector(".room-message-state")?.remove();
    entry.element.dataset.state = state;
    const badge = stateElement(state);
    if (message) badge.textContent = message;
    entry.element.append(badge);
  }

  function messageElement(message) {
    const item = document.createElement("li");
    item.className = "room-message";
    item.id = `m${message.seq}`;
    item.dataset.seq = String(message.seq);
    item.dataset.clientId = message.client_id;
    const header = document.createElement("header");
    const author = document.createElement("strong");
    author.textContent = message.author;
    const time = document.createElement("small");
    const stamp = document.createElement("time");
    stamp.dateTime = message.created_at;
    stamp.textContent = new Date(message.created_at).toLocaleString(document.documentElement.lang || undefined, {
      dateStyle: "short",
      timeStyle: "short",
    }); // as the server renders it (format "short")
    time.append(stamp);
    header.append(author, " ", time);
    const body = document.createElement("div");
    body.className = "room-message-body";
    item.append(header);
    if (message.reply_to) {
      // Only a link to the parent: its text is on the page (or one "Older messages" page away).
      const reply = document.createElement("p");
      reply.className = "room-message-reply";
      const link = document.createElement("a");
      link.href = `#m${message.reply_to}`;
      link.textContent = text.textInReply;
      reply.append(link);
      item.append(reply);
    }
    item.append(body);
    if (!message.deleted && message.attachments && message.attachments.length) item.append(filesList(message));
    if (!message.deleted) item.append(actionsFor(message));
    fill(item, message);
    return item;
  }

  function filesList(message) {
    // Links to the message's files; pictures the server serves inline get a thumbnail.
    const files = document.createElement("ul");
    files.className = "room-message-files";
    message.attachments.forEach((file) => {
      const entry = document.createElement("li");
      const link = document.createElement("a");
      link.href = file.url;
      if (file.inline_image) {
        const image = document.createElement("img");
        image.src = file.url;
        image.alt = "";
        image.loading = "lazy";
        image.className = "room-message-thumbnail";
        link.append(image, " ");
      }
      link.append(file.name);
      const size = document.createElement("small");
      size.textContent = `(${file.size_label})`;
      entry.append(link, " ", size);
      files.append(entry);
    });
    return files;
  }

  function actionsFor(message) {
    // A copy of the actions the page renders under messages, for this message's number (0 in the copy).
    const own = String(message.author_id) === section.dataset.userId;
    const copy = document.getElementById(own ? "room-actions-own" : "room-actions-other").content.cloneNode(true);
    const seq = String(message.seq);
    copy.querySelectorAll("form[action], a[href]").forEach((element) => {
      const attribute = element.tagName === "FORM" ? "action" : "href";
      const url = new URL(element.getAttribute(attribute), window.location.href);
      url.pathname = url.pathname.replace("/messages/0/", `/messages/${seq}/`);
      if (url.searchParams.has("reply_to")) url.searchParams.set("reply_to", seq);
      element.setAttribute(attribute, url.pathname + url.search + url.hash);
    });
    copy.querySelectorAll("[data-reply-to]").forEach((link) => (link.dataset.replyTo = seq));
    copy.querySelectorAll("[id='edit-0'], [id='report-0'], [for='edit-0'], [for='report-0']").forEach((element) => {
      if (element.id) element.id = element.id.replace(/-0$/, `-${seq}`);
      if (element.htmlFor) element.htmlFor = element.htmlFor.replace(/-0$/, `-${seq}`);
    });
    const editor = copy.querySelector("textarea[name=body]");
    if (editor) editor.value = message.body;
    return copy;
  }

  function fill(item, change) {
    // A deleted or hidden message keeps its place, with a placeholder instead of its text.
    const body = item.querySelector(".room-message-body");
    if (change.deleted) {
      const note = document.createElement("em");
      note.textContent = change.hidden ? text.textHidden : text.textDeleted;
      body.replaceChildren(note);
      item.classList.add("room-message-removed");
      item.querySelectorAll(".room-message-actions, .room-message-edited, .room-message-files").forEach((e) => e.remove());
      return;
    }
    body.innerHTML = change.html; // sanitised on the server by the one markdown renderer (nh3)
    if (change.edited && !item.querySelector(".room-message-edited")) {
      const edited = document.createElement("small");
      edited.className = "room-message-edited";
      edited.textContent = text.textEdited;
      item.querySelector("header").append(" ", edited);
    }
  }

  function update(change) {
    // An edit, deletion or hiding of a message already on the page; others arrive with their new state.
    if (change.room_id !== roomId) return;
    const item = document.getElementById(`m${change.seq}`);
    if (item) fill(item, change);
  }

  function insertInOrder(element, seq) {
    // Before the first later message; unnumbered (unsent) messages of this person stay at the end.
    const later = Array.from(list.querySelectorAll("[data-seq]")).find((li) => seqOf(li) > seq);
    list.insertBefore(element, later || list.querySelector(".room-message-pending"));
  }

  function show(message) {
    if (message.room_id !== roomId || shown.has(message.seq)) return;
    shown.add(message.seq);
    const element = messageElement(message);
    const mine = pending.get(message.client_id);
    if (mine) {
      // The stored version replaces the local copy, keeping its sending/sent state.
      mine.element.remove();
      mine.element = element;
      paint(mine, mine.acked ? "sent" : "sending");
      if (mine.acked) pending.delete(message.client_id);
    }
    insertInOrder(element, message.seq);
    document.getElementById("room-empty")?.remove();
  }

  function accept(message) {
    if (message.room_id !== roomId) return;
    if (message.seq <= lastSeq) {
      show(message);
      return;
    }
    waiting.set(message.seq, message);
    while (waiting.has(lastSeq + 1)) {
      const next = waiting.get(lastSeq + 1);
      waiting.delete(lastSeq + 1);
      show(next);
      lastSeq += 1;
    }
    if (waiting.size) catchUp(); // a gap: fetch what lies between from the server
  }

  async function fetchAfter() {
    for (;;) {
      const response = await fetch(`${text.historyUrl}?after=${lastSeq}&limit=200`, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        cache: "no-store",
      });
      if (!response.ok) return;
      const data = await response.json();
      data.messages.forEach(accept);
      if (!data.messages.length || lastSeq >= data.last_seq) return;
    }
  }

  function catchUp() {
    // One fetch at a time; a gap noticed meanwhile is covered by the loop in fetchAfter.
    if (!catchingUp) {
      catchingUp = fetchAfter()
        .catch(() => {}) // offline: the next join catches up
        .finally(() => {
          catchingUp = null;
          markRead();
        });
    }
    return catchingUp;
  }

  function markRead() {
    if (joined && document.visibilityState === "visible") socket.emit("read", { room_id: roomId, seq: lastSeq });
  }

  function acknowledged(clientId, ack) {
    const entry = pending.get(clientId);
    if (!entry) return;
    if (ack && ack.ok) {
      entry.acked = true;
      paint(entry, "sent");
      if (shown.has(ack.seq)) pending.delete(clientId);
      else window.setTimeout(() => shown.has(ack.seq) || catchUp(), 2000); // its broadcast was lost
    } else {
      paint(entry, "failed", (ack && ack.error) || text.textFailed);
      entry.element.classList.add("room-message-failed");
      pending.delete(clientId);
    }
  }

  function sendPending(clientId) {
    const entry = pending.get(clientId);
    if (!entry || entry.acked || !joined) return;
    const payload = { room_id: roomId, client_id: clientId, body: entry.body };
    if (entry.replyTo) payload.reply_to = entry.replyTo;
    socket.timeout(10000).emit("send", payload, (err, ack) => {
      // No answer in time: try again (the client id makes it idempotent); while offline, the next join does.
      if (err) window.setTimeout(() => sendPending(clientId), 2000);
      else acknowledged(clientId, ack);
    });
  }

  function join() {
    socket.emit("join", { room_id: roomId, last_seq: lastSeq }, (ack) => {
      if (!ack || !ack.ok) {
        setConnection("refused", ack && ack.error);
        return;
      }
      joined = true;
      setConnection("online", text.textOnline);
      // In the room first, then the missed messages: nothing committed in between can be lost.
      ack.messages.forEach(accept);
      if (lastSeq < ack.last_seq) catchUp();
      pending.forEach((_entry, clientId) => sendPending(clientId));
      markRead();
    });
  }

  socket.on("connect", join);
  socket.on("disconnect", () => {
    joined = false;
    setConnection("offline", text.textOffline);
    presenceLine.textContent = ""; // unknown while offline; the next join tells again
    typists.forEach((_typist, userId) => stopTyping(userId));
  });
  socket.on("connect_error", () => setConnection("offline", text.textOffline)); // retried by the client
  socket.on("message", (message) => {
    accept(message);
    if (message.room_id === roomId) stopTyping(message.author_id); // their message is here: done typing
    markRead();
  });
  socket.on("message_updated", update);
  socket.on("presence", showPresence);
  socket.on("typing", someoneTyping);
  document.addEventListener("visibilitychange", markRead);
  // The browser knows before any ping timeout that the network is gone or back.
  window.addEventListener("offline", () => {
    socket.disconnect();
    setConnection("offline", text.textOffline);
  });
  window.addEventListener("online", () => socket.connect());

  if (form) {
    form.querySelector("textarea[name=body]")?.addEventListener("input", typed);
    form.addEventListener("submit", (event) => {
      const field = form.querySelector("textarea[name=body]");
      const body = field.value.trim();
      // Files go with the form itself (a normal submission); the live path sends text only.
      const files = form.querySelector("input[type=file]");
      if (!body || (files && files.files.length)) return;
      event.preventDefault();
      const clientId = newClientId();
      const element = document.createElement("li");
      element.className = "room-message room-message-pending";
      element.dataset.clientId = clientId;
      const content = document.createElement("div");
      content.className = "room-message-body";
      content.textContent = body;
      element.append(content);
      list.append(element);
      const replyField = form.querySelector("input[name=reply_to]");
      const replyTo = replyField && Number.parseInt(replyField.value, 10) > 0 ? Number.parseInt(replyField.value, 10) : null;
      if (replyField) replyField.value = "";
      const entry = { body, element, acked: false, replyTo };
      pending.set(clientId, entry);
      paint(entry, "sending");
      document.getElementById("room-empty")?.remove();
      field.value = "";
      sendPending(clientId);
    });
  }

  // A reply link fills in the form's reply field instead of reloading the page.
  section.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-reply-to]");
    const replyField = form && form.querySelector("input[name=reply_to]");
    if (!link || !replyField) return;
    event.preventDefault();
    replyField.value = link.dataset.replyTo;
    form.querySelector("textarea[name=body]").focus();
  });

  // Arriving without a target in the address: start reading where this visit's unread messages begin.
  if (!window.location.hash) document.getElementById("first-unread")?.scrollIntoView({ block: "start" });

  setConnection("connecting", "");
  socket.connect();
})();
