// The Sika web phone: feature phones side by side, driving USSD sessions through the simulator API
// (docs/SIMULATOR.md) and receiving SMS live from its event stream. Plain JavaScript, nothing loaded from elsewhere.
"use strict";

const API = "/simulator/api";
const PAGE = 182;

const TEXT = {
  en: {
    title: "Sika web phone", interface: "Interface", addPhone: "Add a phone", demoSubscriber: "Demo subscriber",
    anyNumber: "Any number", add: "Add", phones: "Phones", remove: "Remove this phone", screen: "Screen",
    ussdCode: "USSD code", call: "Call", reply: "Reply", send: "Send", cancel: "Cancel", keypad: "Keypad", erase: "Erase",
    messages: "Messages", markRead: "Mark as read", noMessages: "No messages.", developer: "Developer", session: "Session",
    copyScript: "Copy as session script", script: "Session script", networkError: "Connection problem or invalid MMI code",
    ended: "Session ended", cancelled: "Session cancelled", waiting: "Waiting for the network…", idle: "Dial a code, e.g.",
    drop: "Lose signal", dropHint: "The network loses the phone: dial again to resume", dropped: "Network lost: dial the code again to resume",
    characters: "characters", unread: "unread", live: "SMS arrive live.", offline: "Reconnecting to the server…",
    french: "French", english: "English", phoneOf: "Phone", copied: "Copied to the clipboard.", copyFailed: "Select the text below to copy it.",
    noSessions: "No session to export yet.", from: "From", pick: "— pick —",
  },
  fr: {
    title: "Téléphone web Sika", interface: "Interface", addPhone: "Ajouter un téléphone", demoSubscriber: "Abonné de démo",
    anyNumber: "Autre numéro", add: "Ajouter", phones: "Téléphones", remove: "Retirer ce téléphone", screen: "Écran",
    ussdCode: "Code USSD", call: "Appeler", reply: "Réponse", send: "Envoyer", cancel: "Annuler", keypad: "Clavier", erase: "Effacer",
    messages: "Messages", markRead: "Marquer comme lus", noMessages: "Aucun message.", developer: "Développeur", session: "Session",
    copyScript: "Copier en script de session", script: "Script de session", networkError: "Problème de connexion ou code IHM non valide",
    ended: "Session terminée", cancelled: "Session annulée", waiting: "En attente du réseau…", idle: "Composez un code, par ex.",
    drop: "Perdre le réseau", dropHint: "Le réseau perd le téléphone : recomposez pour reprendre", dropped: "Réseau perdu : recomposez le code pour reprendre",
    characters: "caractères", unread: "non lus", live: "Les SMS arrivent en direct.", offline: "Reconnexion au serveur…",
    french: "Français", english: "Anglais", phoneOf: "Téléphone", copied: "Copié dans le presse-papiers.", copyFailed: "Sélectionnez le texte ci-dessous pour le copier.",
    noSessions: "Aucune session à exporter.", from: "De", pick: "— choisir —",
  },
};

let lang = localStorage.getItem("sika.lang") || ((navigator.language || "en").toLowerCase().startsWith("fr") ? "fr" : "en");
const t = (key) => (TEXT[lang] && TEXT[lang][key]) || TEXT.en[key] || key;

/** msisdn → { phone, el, session, busy, history: [session records], messages: Map(id → message) } */
const phones = new Map();
let contacts = [];

// MARK: Requests

async function call(method, path, body) {
  const options = { method, headers: {} };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(API + path, options);
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const error = new Error((data && data.error && data.error.message) || response.statusText);
    error.code = data && data.error && data.error.code;
    throw error;
  }
  return data;
}

// MARK: Interface language

function applyLanguage() {
  document.documentElement.lang = lang;
  document.title = t("title");
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll("[data-i18n-aria]")) el.setAttribute("aria-label", t(el.dataset.i18nAria));
  for (const el of document.querySelectorAll("[data-i18n-title]")) el.title = t(el.dataset.i18nTitle);
  for (const button of document.querySelectorAll(".lang")) button.setAttribute("aria-pressed", String(button.dataset.lang === lang));
  fillContacts();
  for (const entry of phones.values()) {
    renderHead(entry);
    renderBadge(entry);
    renderInbox(entry);
    if (!entry.session && entry.el.dataset.state === "idle") showIdle(entry);
  }
  renderLive();
}

function fillContacts() {
  const select = document.getElementById("contact");
  const chosen = select.value;
  select.replaceChildren(new Option(t("pick"), ""));
  for (const contact of contacts) {
    select.append(new Option(`${contact.name} — ${contact.msisdn} (${contact.operatorID})`, contact.msisdn));
  }
  select.value = chosen;
}

// MARK: Phones

function renderHead(entry) {
  const { phone, el } = entry;
  el.querySelector(".number").textContent = phone.msisdn;
  el.querySelector(".operator").textContent = phone.operatorName;
  el.querySelector(".language-name").textContent = phone.language === "en" ? t("english") : t("french");
  el.querySelector(".name").textContent = phone.name ? `· ${phone.name}` : "";
  el.setAttribute("aria-label", `${t("phoneOf")} ${phone.msisdn}, ${phone.operatorName}`);
  el.querySelector(".dial").placeholder = phone.ussdCode;
}

function mount(phone) {
  let entry = phones.get(phone.msisdn);
  if (entry) {
    entry.phone = phone;
    renderHead(entry);
    return entry;
  }
  const el = document.getElementById("phone-template").content.firstElementChild.cloneNode(true);
  el.dataset.msisdn = phone.msisdn;
  entry = { phone, el, session: null, busy: false, history: [], messages: new Map() };
  phones.set(phone.msisdn, entry);
  document.getElementById("phones").append(el);
  for (const node of el.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of el.querySelectorAll("[data-i18n-aria]")) node.setAttribute("aria-label", t(node.dataset.i18nAria));
  for (const node of el.querySelectorAll("[data-i18n-title]")) node.title = t(node.dataset.i18nTitle);
  renderHead(entry);
  showIdle(entry);
  wire(entry);
  loadInbox(entry);
  return entry;
}

function unmount(msisdn) {
  const entry = phones.get(msisdn);
  if (!entry) return;
  entry.el.remove();
  phones.delete(msisdn);
}

function wire(entry) {
  const { el } = entry;
  el.querySelector(".dial-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = el.querySelector(".dial");
    const dial = input.value.trim();
    if (dial) dialCode(entry, dial);
  });
  el.querySelector(".reply-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = el.querySelector(".reply");
    answer(entry, input.value);
  });
  el.querySelector(".reply").addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      cancel(entry);
    }
  });
  el.querySelector(".cancel").addEventListener("click", () => cancel(entry));
  el.querySelector(".drop").addEventListener("click", () => drop(entry));
  el.querySelector(".remove").addEventListener("click", async () => {
    try {
      await call("DELETE", `/phones/${entry.phone.msisdn}`);
    } catch (error) {
      if (error.code !== "unknown_phone") return showAddError(error.message);
    }
    unmount(entry.phone.msisdn);
    document.getElementById("number").focus();
  });
  el.querySelector(".keypad").addEventListener("click", (event) => {
    const key = event.target.closest("button") && event.target.closest("button").dataset.key;
    if (!key) return;
    const input = entry.session ? el.querySelector(".reply") : el.querySelector(".dial");
    input.value = key === "erase" ? input.value.slice(0, -1) : input.value + key;
  });
  el.querySelector(".mark-read").addEventListener("click", () => markRead(entry));
  el.querySelector(".export").addEventListener("click", () => exportScript(entry));
}

// MARK: Screens

function setScreen(entry, text, status, state) {
  const { el } = entry;
  el.querySelector(".screen-text").textContent = text;
  el.querySelector(".screen-status").textContent = status;
  el.dataset.state = state;
  const inSession = state === "session" || state === "waiting";
  el.querySelector(".reply-form").hidden = !inSession;
  el.querySelector(".dial-form").hidden = inSession;
  el.querySelector(".session-id").textContent = entry.session || "–";
}

function showIdle(entry) {
  setScreen(entry, `${entry.phone.operatorName}\n\n${t("idle")} ${entry.phone.ussdCode}`, "", "idle");
}

function pageStatus(text) {
  return `${[...text].length}/${PAGE} ${t("characters")}`;
}

function log(entry, exchange) {
  const list = entry.el.querySelector(".log");
  const item = document.createElement("li");
  const out = document.createElement("div");
  out.className = "out";
  out.textContent = "→ " + exchange.request;
  item.append(out);
  if (exchange.answer) {
    const back = document.createElement("div");
    back.className = "in";
    back.textContent = "← " + exchange.answer;
    item.append(back);
  }
  const ms = document.createElement("div");
  ms.className = "ms";
  ms.textContent = `${exchange.latencyMs.toFixed(1)} ms`;
  item.append(ms);
  list.append(item);
  list.scrollTop = list.scrollHeight;
}

/** Shows what the engine answered and records it for the session script. */
function received(entry, exchange, record) {
  entry.busy = false;
  log(entry, exchange);
  const { el } = entry;
  if (exchange.error) {
    record.refused = true;
    entry.session = null;
    setScreen(entry, t("networkError"), `${exchange.error.code}`, "error");
    el.querySelector(".dial").focus();
    return;
  }
  if (exchange.screen === null || exchange.screen === undefined) {
    entry.session = null;
    setScreen(entry, "", record.aborted ? t("dropped") : t("cancelled"), "ended");
    el.querySelector(".dial").focus();
    return;
  }
  record.steps[record.steps.length - 1].text = exchange.screen;
  record.steps[record.steps.length - 1].final = exchange.final;
  if (exchange.final) {
    entry.session = null;
    setScreen(entry, exchange.screen, `${t("ended")} · ${pageStatus(exchange.screen)}`, "ended");
    el.querySelector(".dial").focus();
  } else {
    entry.session = exchange.session;
    setScreen(entry, exchange.screen, pageStatus(exchange.screen), "session");
    const reply = el.querySelector(".reply");
    reply.value = "";
    reply.focus();
  }
}

function failed(entry, error) {
  entry.busy = false;
  entry.session = null;
  setScreen(entry, t("networkError"), error.message, "error");
}

async function dialCode(entry, dial) {
  if (entry.busy) return;
  entry.busy = true;
  const record = { from: entry.phone.msisdn, dial, steps: [{ answer: null }], aborted: false, refused: false };
  entry.history.push(record);
  setScreen(entry, "", t("waiting"), "waiting");
  try {
    const exchange = await call("POST", `/phones/${entry.phone.msisdn}/dial`, { dial });
    record.session = exchange.session;
    entry.session = exchange.session;
    received(entry, exchange, record);
  } catch (error) {
    record.refused = true;
    failed(entry, error);
  }
}

async function answer(entry, input) {
  if (entry.busy || !entry.session) return;
  const record = entry.history[entry.history.length - 1];
  entry.busy = true;
  record.steps.push({ answer: input });
  setScreen(entry, entry.el.querySelector(".screen-text").textContent, t("waiting"), "waiting");
  try {
    received(entry, await call("POST", `/sessions/${entry.session}/answer`, { input }), record);
  } catch (error) {
    record.refused = true;
    failed(entry, error);
  }
}

/** Hangs up: the session is over and never offered back (a script leaves such a session open, which is a hang-up). */
async function cancel(entry) {
  await release(entry, "cancel", false);
}

/** The network loses the phone: dialling the same code again offers the session back (`abort: true` in a script). */
async function drop(entry) {
  await release(entry, "drop", true);
}

async function release(entry, how, aborted) {
  if (entry.busy || !entry.session) return;
  const record = entry.history[entry.history.length - 1];
  entry.busy = true;
  record.aborted = aborted;
  try {
    received(entry, await call("POST", `/sessions/${entry.session}/${how}`, {}), record);
  } catch (error) {
    failed(entry, error);
  }
}

// MARK: Inbox

function format(date) {
  return new Intl.DateTimeFormat(lang === "fr" ? "fr-FR" : "en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" }).format(date);
}

function renderInbox(entry) {
  const list = entry.el.querySelector(".sms-list");
  const messages = [...entry.messages.values()].sort((a, b) => b.id - a.id);
  list.replaceChildren(
    ...messages.map((message) => {
      const item = document.createElement("li");
      item.className = message.read ? "sms" : "sms unread";
      item.dataset.id = String(message.id);
      const when = new Date(message.receivedAt);
      const time = document.createElement("time");
      time.dateTime = when.toISOString();
      time.textContent = format(when);
      const from = document.createElement("span");
      from.className = "from";
      from.textContent = `${t("from")} ${message.from}`;
      const body = document.createElement("p");
      body.textContent = message.text;
      item.append(time, from, body);
      return item;
    }),
  );
  entry.el.querySelector(".empty").hidden = messages.length > 0;
}

function renderBadge(entry) {
  const badge = entry.el.querySelector(".badge");
  const unread = entry.phone.unread || 0;
  badge.hidden = unread === 0;
  badge.textContent = String(unread);
  badge.setAttribute("aria-label", `${unread} ${t("unread")}`);
}

async function loadInbox(entry) {
  try {
    const { messages } = await call("GET", `/phones/${entry.phone.msisdn}/inbox`);
    entry.messages = new Map(messages.map((message) => [message.id, message]));
    entry.phone.unread = messages.filter((message) => !message.read).length;
    renderInbox(entry);
    renderBadge(entry);
  } catch (error) {
    if (error.code === "unknown_phone") unmount(entry.phone.msisdn);
  }
}

async function markRead(entry) {
  try {
    await call("POST", `/phones/${entry.phone.msisdn}/read`, {});
  } catch (error) {
    return;
  }
  for (const message of entry.messages.values()) message.read = true;
  entry.phone.unread = 0;
  renderInbox(entry);
  renderBadge(entry);
}

// MARK: Live events

let liveState = "connecting";

function renderLive() {
  document.getElementById("live").textContent = liveState === "open" ? t("live") : t("offline");
  document.getElementById("live").dataset.state = liveState;
}

function listen() {
  const source = new EventSource(API + "/events");
  source.onopen = () => {
    liveState = "open";
    renderLive();
    // Whatever happened while the stream was down.
    refresh();
  };
  source.onerror = () => {
    liveState = "closed";
    renderLive();
  };
  source.onmessage = (event) => {
    const data = JSON.parse(event.data);
    const entry = data.msisdn && phones.get(data.msisdn);
    switch (data.type) {
      case "sms":
        if (!entry) return;
        entry.messages.set(data.message.id, data.message);
        entry.phone.unread = data.unread;
        renderInbox(entry);
        renderBadge(entry);
        break;
      case "read":
        if (!entry) return;
        for (const message of entry.messages.values()) message.read = true;
        entry.phone.unread = data.unread;
        renderInbox(entry);
        renderBadge(entry);
        break;
      case "phone":
        mount(data.phone);
        break;
      case "removed":
        unmount(data.msisdn);
        break;
      case "reset":
        for (const each of phones.values()) {
          each.messages.clear();
          each.phone.unread = 0;
          each.session = null;
          renderInbox(each);
          renderBadge(each);
          showIdle(each);
        }
        break;
    }
  };
}

async function refresh() {
  const network = await call("GET", "/network");
  contacts = network.contacts;
  fillContacts();
  for (const phone of network.phones) mount(phone);
  for (const msisdn of [...phones.keys()]) {
    if (!network.phones.some((phone) => phone.msisdn === msisdn)) unmount(msisdn);
  }
  for (const entry of phones.values()) loadInbox(entry);
}

// MARK: Adding phones

function showAddError(message) {
  const el = document.getElementById("add-error");
  el.textContent = message;
  el.hidden = !message;
}

async function addPhone(msisdn) {
  showAddError("");
  try {
    const phone = await call("POST", "/phones", { msisdn });
    const entry = mount(phone);
    entry.el.querySelector(".dial").focus();
  } catch (error) {
    showAddError(error.message);
  }
}

// MARK: Session scripts

/** A YAML double-quoted scalar: JSON's string syntax is one. */
const quote = (text) => JSON.stringify(text);

/** References (TM261127.000012) and dates (27/11) change from run to run: those screens are matched by pattern. */
const VOLATILE = /[A-Z]{2}[0-9]{6}\.[0-9]+|\b[0-9]{2}\/[0-9]{2}\b/g;

function expectation(text) {
  if (!new RegExp(VOLATILE.source).test(text)) return `{ exact: ${quote(text)} }`;
  let pattern = "";
  let last = 0;
  for (const match of text.matchAll(VOLATILE)) {
    pattern += escapeRegex(text.slice(last, match.index));
    pattern += match[0].includes("/") ? "[0-9]{2}/[0-9]{2}" : "[A-Z]{2}[0-9]{6}\\.[0-9]+";
    last = match.index + match[0].length;
  }
  pattern += escapeRegex(text.slice(last));
  return `{ regex: ${quote("^" + pattern + "$")} }`;
}

function escapeRegex(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function scriptFor(entry) {
  const sessions = entry.history.filter((record) => record.steps.some((step) => step.text !== undefined) && !record.refused);
  if (sessions.length === 0) return null;
  const lines = [
    `# Exported from the Sika web phone on ${new Date().toISOString()}; replay with: sika script run FILE`,
    `script: ${quote(`Web phone ${entry.phone.msisdn}: ${sessions.length} session(s)`)}`,
    "sessions:",
  ];
  for (const record of sessions) {
    lines.push(`  - from: ${quote(record.from)}`, `    dial: ${quote(record.dial)}`, "    steps:");
    for (const step of record.steps) {
      if (step.text === undefined) continue;
      const key = step.final ? "end" : "show";
      if (step.answer === null) {
        lines.push(`      - ${key}: ${expectation(step.text)}`);
      } else {
        lines.push(`      - answer: ${quote(step.answer)}`, `        ${key}: ${expectation(step.text)}`);
      }
    }
    if (record.aborted) lines.push("    abort: true");
  }
  return lines.join("\n") + "\n";
}

async function exportScript(entry) {
  const area = entry.el.querySelector(".script");
  const script = scriptFor(entry);
  if (!script) {
    area.value = "";
    area.placeholder = t("noSessions");
    return;
  }
  area.value = script;
  try {
    await navigator.clipboard.writeText(script);
    area.title = t("copied");
  } catch (error) {
    area.title = t("copyFailed");
    area.select();
  }
}

// MARK: Start

document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll(".lang")) {
    button.addEventListener("click", () => {
      lang = button.dataset.lang;
      localStorage.setItem("sika.lang", lang);
      applyLanguage();
    });
  }
  document.getElementById("add-contact").addEventListener("submit", (event) => {
    event.preventDefault();
    const msisdn = document.getElementById("contact").value;
    if (msisdn) addPhone(msisdn);
  });
  document.getElementById("add-number").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = document.getElementById("number");
    if (input.value.trim()) addPhone(input.value.trim());
  });
  applyLanguage();
  listen();
});
