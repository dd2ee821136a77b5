// Live session: progressive enhancement of the live page, which works without this file through forms.
// After every stored change the server pushes the parts of the session it changed (the session and its
// roll call, the speakers, or one motion) with the session's revision; this script merges and draws them,
// and sends the console's actions (officers) and the attendees' requests and votes as Socket.IO events.
// Each part is kept at the latest revision received, so a push overtaken by a later one changes nothing;
// on (re)connecting, the join acknowledgement brings the whole state. Every string shown comes translated
// from the page (#live-labels); no inline script (CSP).
(() => {
  "use strict";

  const root = document.getElementById("live");
  if (!root || typeof window.io !== "function") return;

  const sessionId = Number(root.dataset.sessionId);
  const me = Number(root.dataset.userId);
  const drives = root.dataset.drives === "true";
  const maySpeak = root.dataset.maySpeak === "true";
  const addActionUrl = root.dataset.addActionUrl; // officers: a new action from a decision
  const minutesUrl = root.dataset.minutesUrl; // officers: the minutes a carried motion approves ({id})
  const labels = JSON.parse(document.getElementById("live-labels").textContent);
  const T = labels.text;
  let state = JSON.parse(document.getElementById("live-state").textContent);
  const connection = document.getElementById("live-connection");
  const problem = document.getElementById("live-error");
  const announcement = document.getElementById("live-announcement");

  // autoConnect off: the handlers below are in place before the first connection.
  const socket = window.io({ autoConnect: false, transports: ["websocket", "polling"], tryAllTransports: true });

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (match, key) => (key in values ? String(values[key]) : match));
  }

  function el(tag, attributes = {}, ...children) {
    // Text goes in as text nodes: nothing from the state is parsed as HTML (but the motions' sanitised HTML).
    const element = document.createElement(tag);
    Object.entries(attributes).forEach(([name, value]) => {
      if (value === null || value === undefined || value === false) return;
      if (name === "dataset") Object.assign(element.dataset, value);
      else if (name === "onclick" || name === "onchange") element.addEventListener(name.slice(2), value);
      else element.setAttribute(name, value === true ? "" : String(value));
    });
    element.append(...children.filter((child) => child !== null && child !== undefined));
    return element;
  }

  function button(text, onclick, extra = {}) {
    return el("button", { type: "button", onclick, ...extra }, text);
  }

  function showProblem(reason) {
    if (!problem) return;
    problem.textContent = reason ? fill(T.error, { reason }) : "";
    problem.hidden = !reason;
  }

  function send(event, payload = {}) {
    showProblem("");
    socket.emit(event, { session_id: sessionId, ...payload }, (ack) => {
      if (!ack || !ack.ok) showProblem((ack && ack.error) || T.offline);
    });
  }

  const live = () => state.status === "in_progress";
  const nameOf = (id) => (state.people.find((person) => person.id === id) || {}).name || "";
  const voters = () => state.people.filter((person) => person.weight > 0);
  const myWeight = () => (state.people.find((person) => person.id === me) || { weight: 0 }).weight;

  function drawHeader() {
    document.getElementById("live-session-status").textContent = labels.session[state.status];
    const quorum = document.getElementById("live-quorum");
    const q = state.quorum;
    quorum.dataset.reached = String(q.reached);
    quorum.replaceChildren(
      fill(T.quorum, { represented: q.represented, seats: q.voting_seats, required: q.required }),
      " · ",
      el("strong", {}, q.reached ? T.reached : T.not_reached),
    );
    const current = state.items.find((item) => item.id === state.current_item_id);
    document.getElementById("live-current-item").textContent = current ? `${current.number}. ${current.title}` : T.no_item;
  }

  function drawAgenda() {
    const list = document.getElementById("live-agenda");
    if (!list) return;
    list.replaceChildren(
      ...state.items.map((item) => {
        const current = item.id === state.current_item_id;
        const entry = el("li", { dataset: { itemId: item.id }, "aria-current": current ? "step" : null, class: current ? "live-current" : null }, item.title);
        if (current) entry.append(" ", el("strong", {}, `· ${T.current}`));
        if (drives && live() && !current) {
          entry.append(" ", button(T.take_up, () => send("session_item", { item_id: item.id }), { class: "secondary", dataset: { action: "take-up" } }));
        }
        return entry;
      }),
    );
  }

  function statusSelect(person) {
    const select = el("select", {
      id: `roll-status-${person.id}`,
      "aria-label": `${labels.text.roll_call} · ${person.name}`,
      onchange: () => recordRoll(person),
    });
    if (!person.status) select.append(el("option", { value: "", selected: true, disabled: true }, T.not_recorded));
    Object.entries(labels.attendance).forEach(([code, text]) => select.append(el("option", { value: code, selected: code === person.status }, text)));
    return select;
  }

  function proxySelect(person) {
    const select = el("select", { id: `roll-proxy-${person.id}`, "aria-label": `${T.proxy_held_by} · ${person.name}`, onchange: () => recordRoll(person) });
    select.append(el("option", { value: "" }, T.no_proxy));
    state.people
      .filter((other) => other.voting && other.id !== person.id)
      .forEach((other) => select.append(el("option", { value: other.id, selected: other.id === person.proxy_holder_id }, other.name)));
    return select;
  }

  function recordRoll(person) {
    const status = document.getElementById(`roll-status-${person.id}`).value;
    const proxy = document.getElementById(`roll-proxy-${person.id}`);
    if (!status) return;
    send("session_roll_call", { person_id: person.id, status, proxy_holder_id: proxy && proxy.value ? Number(proxy.value) : null });
  }

  function proxyText(person) {
    if (!person.proxy_holder_id) return "";
    return fill(person.proxy_counted ? T.proxy : T.proxy_refused, { name: nameOf(person.proxy_holder_id) });
  }

  function drawRoll() {
    const body = document.getElementById("live-roll");
    if (!body) return;
    const focused = document.activeElement && document.activeElement.id;
    body.replaceChildren(
      ...state.people.map((person) => {
        const status = el("td", { dataset: { cell: "status" } }, person.status ? labels.attendance[person.status] : T.not_recorded);
        if (person.weight > 1) status.append(" ", el("small", {}, `· ${fill(T.weight, { num: person.weight })}`));
        const proxy = el("td", { dataset: { cell: "proxy" } }, proxyText(person));
        if (drives && live()) {
          const controls = el("div", { class: "live-roll-form" }, statusSelect(person));
          if (person.voting) controls.append(proxySelect(person));
          proxy.append(controls);
        }
        const role = labels.role[person.role] + (person.voting ? "" : ` · ${T.no_vote}`);
        return el("tr", { dataset: { personId: person.id } }, el("td", {}, person.name), el("td", {}, role), status, proxy);
      }),
    );
    if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
  }

  function drawSpeakers() {
    const list = document.getElementById("live-speakers");
    if (!list) return;
    const entries = state.speakers.map((s) => el("li", { dataset: { status: s.status } }, `${s.name} · ${labels.speaker[s.status]}`));
    list.replaceChildren(...(entries.length ? entries : [el("li", { class: "live-empty" }, T.queue_empty)]));
    const actions = document.getElementById("live-speaker-actions");
    if (!actions) return;
    const queued = state.speakers.some((s) => s.user_id === me);
    actions.replaceChildren();
    if (queued) actions.append(button(T.leave_queue, () => send("session_floor_withdraw"), { class: "secondary", dataset: { action: "leave-queue" } }));
    else if (maySpeak && live()) actions.append(button(T.ask_floor, () => send("session_floor"), { dataset: { action: "ask-floor" } }));
    if (drives && live()) actions.append(button(T.next_speaker, () => send("session_next_speaker"), { class: "secondary", dataset: { action: "next-speaker" } }));
  }

  function voteButtons(motion) {
    const group = el("div", { class: "actions", role: "group", "aria-label": T.your_vote });
    Object.entries(labels.choice).forEach(([code, text]) => {
      group.append(button(text, () => send("motion_vote", { motion_id: motion.id, choice: code }), { class: code === "yes" ? null : "secondary", dataset: { action: "vote", choice: code } }));
    });
    return group;
  }

  function handsForm(motion) {
    const recorded = Object.fromEntries(motion.ballots.map((ballot) => [ballot.voter_id, ballot.choice]));
    return el(
      "div",
      { class: "live-hand-form" },
      ...voters().map((person) => {
        const select = el("select", { id: `hand-${motion.id}-${person.id}`, onchange: (event) => send("motion_hand", { motion_id: motion.id, voter_id: person.id, choice: event.target.value }) });
        if (!recorded[person.id]) select.append(el("option", { value: "", selected: true, disabled: true }, "—"));
        Object.entries(labels.choice).forEach(([code, text]) => select.append(el("option", { value: code, selected: recorded[person.id] === code }, text)));
        const weight = person.weight > 1 ? ` (${fill(T.weight, { num: person.weight })})` : "";
        return el("label", {}, `${person.name}${weight} `, select);
      }),
    );
  }

  function proposedControls(motion) {
    const method = el("select", { "aria-label": T.method, dataset: { role: "method" } });
    Object.entries(labels.method).forEach(([code, text]) => method.append(el("option", { value: code }, text)));
    return el(
      "div",
      { class: "actions" },
      method,
      button(T.put_to_vote, () => send("motion_open_vote", { motion_id: motion.id, method: method.value }), { dataset: { action: "open-vote" } }),
      button(T.withdraw, () => send("motion_withdraw", { motion_id: motion.id }), { class: "secondary", dataset: { action: "withdraw" } }),
    );
  }

  function followUp(motion) {
    // What the officers do with a decision: record the approval of the minutes it names, add an action.
    if (motion.status !== "carried") return null;
    const links = [];
    if (minutesUrl) {
      (motion.minutes || []).forEach((minutes) => {
        const href = `${fill(minutesUrl, { id: minutes.id })}?motion_id=${motion.id}#approval`;
        links.push(el("a", { href, role: "button", dataset: { followUp: "approve-minutes" } }, fill(T.approve_minutes, { session: minutes.session })));
      });
    }
    if (addActionUrl) {
      const url = new URL(addActionUrl, window.location.href);
      url.searchParams.set("motion_id", motion.id);
      links.push(el("a", { href: url.pathname + url.search, role: "button", class: "secondary", dataset: { followUp: "add-action" } }, T.add_action));
    }
    return links.length ? el("div", { class: "actions motion-follow-up" }, ...links) : null;
  }

  function motionCard(motion) {
    const text = el("div", { class: "live-motion-text" });
    text.innerHTML = motion.text_html; // sanitised by the server's markdown renderer (nh3 allowlist)
    const by = [motion.mover && fill(T.moved_by, { name: motion.mover }), motion.seconder && fill(T.seconded_by, { name: motion.seconder })].filter(Boolean).join(", ");
    const status = el("p", {}, el("strong", { dataset: { cell: "status" } }, labels.motion[motion.status]));
    if (motion.method) status.append(` · ${labels.method[motion.method]} · ${fill(T.rule_line, { rule: labels.rule[motion.rule] })}`);
    const card = el("article", { class: "live-motion", id: `motion-${motion.id}`, dataset: { motionId: motion.id, status: motion.status } }, text, by ? el("p", {}, el("small", {}, by)) : null, status);
    if (motion.status === "voting") {
      card.append(el("p", { dataset: { cell: "progress" } }, fill(T.voted_count, { voted: motion.voted.length, eligible: voters().length })));
      if (motion.voted.includes(me)) card.append(el("p", { dataset: { cell: "voted" } }, T.you_voted));
      else if (myWeight() > 0 && motion.method !== "show_of_hands") card.append(voteButtons(motion));
      if (drives && motion.method === "show_of_hands") card.append(handsForm(motion));
      if (drives) card.append(button(T.close_vote, () => send("motion_close_vote", { motion_id: motion.id }), { class: "secondary", dataset: { action: "close-vote" } }));
    } else if (motion.totals) {
      card.append(el("p", { dataset: { cell: "result" } }, fill(T.result, { result: labels.motion[motion.status], ...motion.totals })));
    } else if (motion.status === "proposed" && drives && live()) {
      card.append(proposedControls(motion));
    }
    if (motion.ballots.length) {
      const list = el("ul", { class: "live-ballots" });
      motion.ballots.forEach((b) => list.append(el("li", {}, `${b.name}: ${labels.choice[b.choice]}${b.weight > 1 ? ` (${fill(T.weight, { num: b.weight })})` : ""}`)));
      card.append(list);
    }
    const links = followUp(motion);
    if (links) card.append(links);
    return card;
  }

  function drawMotions() {
    const box = document.getElementById("live-motions");
    if (!box) return;
    const cards = state.motions.map(motionCard);
    box.replaceChildren(...(cards.length ? cards : [el("p", { class: "live-empty" }, T.no_motions)]));
  }

  function announce(previous) {
    // A vote that closed since the last snapshot is announced to everyone (read out by screen readers).
    const before = Object.fromEntries(previous.motions.map((m) => [m.id, m.status]));
    const decided = state.motions.find((m) => m.totals && before[m.id] === "voting");
    if (!decided || !announcement) return;
    announcement.textContent = `${fill(T.announce, { result: labels.motion[decided.status] })} — ${fill(T.result, { result: labels.motion[decided.status], ...decided.totals })}`;
    announcement.hidden = false;
  }

  const SESSION_KEYS = ["status", "started_at", "closed_at", "current_item_id", "items", "quorum", "people"];
  const seen = { session: state.revision, speakers: state.revision }; // part -> revision shown
  state.motions.forEach((motion) => (seen[`motion-${motion.id}`] = state.revision));

  function newer(part, revision) {
    if (seen[part] !== undefined && seen[part] > revision) return false;
    seen[part] = revision;
    return true;
  }

  function merged(update) {
    // The state with the update's parts in it, each unless already held at a later revision.
    const next = { ...state, motions: state.motions.slice() };
    if (update.session && newer("session", update.revision)) SESSION_KEYS.forEach((key) => (next[key] = update.session[key]));
    if (update.speakers && newer("speakers", update.revision)) next.speakers = update.speakers;
    (update.motions || []).forEach((motion) => {
      if (!newer(`motion-${motion.id}`, update.revision)) return;
      const at = next.motions.findIndex((m) => m.id === motion.id);
      if (motion.status === "withdrawn") {
        if (at >= 0) next.motions.splice(at, 1);
      } else if (at >= 0) next.motions[at] = motion;
      else next.motions.push(motion);
    });
    next.motions.sort((a, b) => a.id - b.id);
    next.revision = Math.max(state.revision, update.revision);
    return next;
  }

  function whole(snapshot) {
    // A join's answer: every part, as an update holding them all.
    const { speakers, motions, session_id, revision, ...session } = snapshot;
    const update = { session_id, revision, session, speakers, motions };
    const absent = state.motions.filter((m) => !motions.some((n) => n.id === m.id)); // withdrawn meanwhile
    absent.forEach((m) => update.motions.push({ ...m, status: "withdrawn" }));
    return update;
  }

  function draw(update) {
    if (update.session_id !== sessionId) return;
    const next = merged(update);
    if (next.status !== root.dataset.status) {
      window.location.reload(); // opened or closed: the page's layout changes with the session's status
      return;
    }
    const previous = state;
    state = next;
    root.dataset.revision = String(state.revision);
    drawHeader();
    drawAgenda();
    drawRoll();
    drawSpeakers();
    drawMotions();
    announce(previous);
  }

  function wireMotionForm() {
    const form = document.getElementById("live-motion-form");
    if (!form) return;
    form.addEventListener("submit", (event) => {
      if (!socket.connected) return; // the form posts as it would without this script
      event.preventDefault();
      const number = (name) => Number(form.elements[name].value) || null;
      const text = form.elements.text.value;
      socket.emit("motion_propose", { session_id: sessionId, text, mover_id: number("mover_id"), seconder_id: number("seconder_id") }, (ack) => {
        if (ack && ack.ok) form.reset();
        else showProblem((ack && ack.error) || T.offline);
      });
    });
  }

  socket.on("connect", () => {
    socket.emit("session_join", { session_id: sessionId }, (ack) => {
      if (!ack || !ack.ok) {
        showProblem((ack && ack.error) || T.offline);
        return;
      }
      connection.textContent = T.online;
      root.dataset.connection = "online";
      draw(whole(ack.state));
    });
  });
  socket.on("disconnect", () => {
    connection.textContent = T.offline;
    root.dataset.connection = "offline";
  });
  socket.on("session_update", draw);

  wireMotionForm();
  draw(whole(state));
  socket.connect();
})();
