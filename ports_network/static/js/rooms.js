// Live room: progressive enhancement of the room page (which works without this file).
// Messages are kept by sequence number: shown once each, in order; sends are retried until acknowledged.
(() => {
  "use strict";

  const section = document.getElementById("room");
  if (!section || typeof window.io !== "function") return;

  const roomId = Number(section.dataset.roomId);
  const list = document.getElementById("room-messages");
  const form = document.getElementById("room-form");
  const status = document.getElementById("room-status");
  const text = section.dataset;
  let lastSeq = Number(section.dataset.lastSeq) || 0; // highest seq with no gap before it
  const shown = new Set(Array.from(list.querySelectorAll("[data-seq]"), (li) => Number(li.dataset.seq)));
  const waiting = new Map(); // seq -> message received ahead of a gap
  const pending = new Map(); // client_id -> {body, element}, until the server acknowledges
  let joined = false;

  const socket = window.io({ transports: ["websocket", "polling"] });

  function setStatus(message) {
    status.textContent = message || "";
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
    stamp.textContent = new Date(message.created_at).toLocaleString();
    time.append(stamp);
    header.append(author, " ", time);
    const body = document.createElement("div");
    body.className = "room-message-body";
    body.innerHTML = message.html; // sanitised on the server by the one markdown renderer (nh3)
    item.append(header, body);
    return item;
  }

  function insertInOrder(element, seq) {
    const later = Array.from(list.querySelectorAll("[data-seq]")).find((li) => Number(li.dataset.seq) > seq);
    list.insertBefore(element, later || null);
  }

  function show(message) {
    if (message.room_id !== roomId || shown.has(message.seq)) return;
    shown.add(message.seq);
    const mine = pending.get(message.client_id);
    if (mine) {
      mine.element.remove();
      pending.delete(message.client_id);
    }
    insertInOrder(messageElement(message), message.seq);
    document.getElementById("room-empty")?.remove();
  }

  function accept(message) {
    if (message.seq <= lastSeq) return show(message);
    waiting.set(message.seq, message);
    while (waiting.has(lastSeq + 1)) {
      const next = waiting.get(lastSeq + 1);
      waiting.delete(lastSeq + 1);
      show(next);
      lastSeq += 1;
    }
    if (waiting.size) catchUp(); // a gap: fetch what lies between from the server
  }

  async function catchUp() {
    const response = await fetch(`${text.historyUrl}?after=${lastSeq}&limit=200`, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (!response.ok) return;
    const data = await response.json();
    data.messages.forEach(accept);
    if (data.messages.length && lastSeq < data.last_seq) catchUp();
  }

  function markRead() {
    if (joined && document.visibilityState === "visible") socket.emit("read", { room_id: roomId, seq: lastSeq });
  }

  function sendPending(clientId) {
    const entry = pending.get(clientId);
    if (!entry || !joined) return;
    entry.element.querySelector(".room-message-state").textContent = text.textSending;
    socket.timeout(10000).emit("send", { room_id: roomId, client_id: clientId, body: entry.body }, (err, ack) => {
      if (err) return; // no answer: retried on the next (re)connection
      const state = entry.element.querySelector(".room-message-state");
      if (ack && ack.ok) {
        state.textContent = text.textSent;
        entry.element.dataset.seq = String(ack.seq);
        if (shown.has(ack.seq)) {
          entry.element.remove();
          pending.delete(clientId);
        }
      } else {
        state.textContent = (ack && ack.error) || text.textFailed;
        entry.element.classList.add("room-message-failed");
        pending.delete(clientId);
      }
    });
  }

  function join() {
    socket.emit("join", { room_id: roomId, last_seq: lastSeq }, (ack) => {
      if (!ack || !ack.ok) {
        setStatus(ack && ack.error);
        return;
      }
      joined = true;
      setStatus(text.textOnline);
      ack.messages.forEach(accept);
      if (lastSeq < ack.last_seq) catchUp();
      pending.forEach((_entry, clientId) => sendPending(clientId));
      markRead();
    });
  }

  socket.on("connect", join);
  socket.on("disconnect", () => {
    joined = false;
    setStatus(text.textOffline);
  });
  socket.on("message", (message) => {
    accept(message);
    markRead();
  });
  document.addEventListener("visibilitychange", markRead);

  if (form) {
    form.addEventListener("submit", (event) => {
      const field = form.querySelector("textarea[name=body]");
      const body = field.value.trim();
      if (!body) return;
      event.preventDefault();
      const clientId = window.crypto.randomUUID();
      const element = document.createElement("li");
      element.className = "room-message room-message-pending";
      const content = document.createElement("div");
      content.className = "room-message-body";
      content.textContent = body;
      const state = document.createElement("small");
      state.className = "room-message-state";
      state.textContent = text.textSending;
      element.append(content, state);
      list.append(element);
      pending.set(clientId, { body, element });
      field.value = "";
      sendPending(clientId);
    });
  }
})();
