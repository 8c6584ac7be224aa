/*
 * CIK therapy assistant: the website chat widget.
 *
 * Embed with one tag (options are data- attributes, all optional):
 *
 *   <script src="https://chat.example.org/widget.js"
 *           data-server="https://assistant.example.org"   Rasa server (socket.io)
 *           data-title="CIK therapy assistant"
 *           data-primary-color="#0b5cad" data-on-primary-color="#ffffff"
 *           data-lang="en"                                 en or es
 *           data-mode="floating"                           floating or full
 *           data-target="#chat"                            element for mode=full
 *           defer></script>
 *
 * It talks to Rasa's socket.io channel, keeps the conversation id in
 * localStorage so that a reload resumes the same conversation, redraws the
 * history from the web app (/chat/history/<id>) after every (re)connection,
 * and keeps unsent messages in an outbox until the server acknowledges them,
 * so that a dropped connection neither loses nor repeats a message.
 * The socket.io client is the npm package socket.io-client, served by the web
 * app from node_modules.
 */
(function () {
  "use strict";

  const script = document.currentScript;
  if (!script) return;

  const STRINGS = {
    en: {
      title: "CIK therapy assistant",
      open: "Chat about CIK therapy",
      close: "Close the chat",
      disclaimer: "Automated assistant, not a doctor: information only, not medical advice.",
      privacy: "Privacy note",
      coordinator: "Talk to a coordinator",
      coordinatorText: "I would like to talk to a coordinator.",
      restart: "Start over",
      restartConfirm: "Start a new conversation? This conversation will no longer show on this device.",
      inputLabel: "Your message",
      placeholder: "Type your question…",
      send: "Send",
      conversation: "Conversation",
      you: "You said:",
      assistant: "Assistant said:",
      coordinatorSaid: "Coordinator said:",
      coordinatorRole: "coordinator",
      typing: "The assistant is typing…",
      connecting: "Connecting…",
      offline: "Connection lost. Reconnecting… Messages you write now are sent once we are back.",
      queued: "Not sent yet",
      historyFailed: "Earlier messages could not be loaded just now.",
      suggestions: "Suggested replies",
      noScript: "The chat could not start.",
    },
    es: {
      title: "Asistente sobre la terapia CIK",
      open: "Chatear sobre la terapia CIK",
      close: "Cerrar el chat",
      disclaimer: "Asistente automático, no es un médico: solo información, no consejo médico. Responde en inglés.",
      privacy: "Nota de privacidad",
      coordinator: "Hablar con un coordinador",
      coordinatorText: "Me gustaría hablar con un coordinador.",
      restart: "Empezar de nuevo",
      restartConfirm: "¿Empezar una conversación nueva? Esta conversación dejará de mostrarse en este dispositivo.",
      inputLabel: "Su mensaje",
      placeholder: "Escriba su pregunta…",
      send: "Enviar",
      conversation: "Conversación",
      you: "Usted dijo:",
      assistant: "El asistente dijo:",
      coordinatorSaid: "El coordinador dijo:",
      coordinatorRole: "coordinador",
      typing: "El asistente está escribiendo…",
      connecting: "Conectando…",
      offline: "Se perdió la conexión. Reconectando… Lo que escriba ahora se enviará al volver.",
      queued: "Aún no enviado",
      historyFailed: "No se pudieron cargar los mensajes anteriores.",
      suggestions: "Respuestas sugeridas",
      noScript: "El chat no pudo iniciarse.",
    },
  };

  const assetBase = new URL(".", script.src).href; // where widget.js came from
  const data = script.dataset;

  function option(name, fallback) {
    const value = (data[name] || "").trim();
    return value || fallback;
  }

  function colour(name, fallback) {
    const value = option(name, "");
    return value && window.CSS && CSS.supports("color", value) ? value : fallback;
  }

  const lang = option("lang", (document.documentElement.lang || "en").slice(0, 2)).toLowerCase();
  const text = STRINGS[lang] || STRINGS.en;
  const config = {
    server: option("server", location.protocol + "//" + location.hostname + ":5005"),
    title: option("title", text.title),
    mode: option("mode", "floating") === "full" ? "full" : "floating",
    target: option("target", ""),
    lang: STRINGS[lang] ? lang : "en",
    primary: colour("primaryColor", "#0b5cad"),
    onPrimary: colour("onPrimaryColor", "#ffffff"),
    privacyUrl: option("privacyUrl", new URL("privacy", assetBase).href),
    storageKey: option("storageKey", "cik-chat"),
  };

  // ----- small helpers -------------------------------------------------

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "text") node.textContent = value;
      else if (key === "className") node.className = value;
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children || []) node.append(child);
    return node;
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  const store = {
    get(key, fallback) {
      try {
        const raw = localStorage.getItem(config.storageKey + ":" + key);
        return raw === null ? fallback : JSON.parse(raw);
      } catch (error) {
        return fallback;
      }
    },
    set(key, value) {
      try {
        localStorage.setItem(config.storageKey + ":" + key, JSON.stringify(value));
      } catch (error) {
        /* private mode or full storage: the chat still works for this page */
      }
    },
    remove(key) {
      try {
        localStorage.removeItem(config.storageKey + ":" + key);
      } catch (error) {
        /* ignore */
      }
    },
  };

  // Text with links: [label](url) and bare http(s) addresses become links;
  // everything else stays text (no HTML is ever parsed from a message).
  const LINK = /\[([^\]\n]+)\]\(((?:https?:\/\/|mailto:|tel:)[^\s)]+)\)|(https?:\/\/[^\s<>"]*[^\s<>".,;:!?)\]'])/g;

  function richText(value) {
    const fragment = document.createDocumentFragment();
    let last = 0;
    for (const match of value.matchAll(LINK)) {
      fragment.append(value.slice(last, match.index));
      const href = match[2] || match[3];
      const label = match[1] || match[3];
      fragment.append(el("a", { href: href, target: "_blank", rel: "noopener noreferrer", text: label }));
      last = match.index + match[0].length;
    }
    fragment.append(value.slice(last));
    return fragment;
  }

  // ----- the widget ----------------------------------------------------

  class ChatWidget {
    constructor() {
      this.sessionId = store.get("session", null);
      this.outbox = store.get("outbox", []);
      this.inflight = new Set();
      this.confirmed = false;
      this.socket = null;
      this.buildDom();
    }

    buildDom() {
      const host = el("div", { className: "cik-chat-host", "data-mode": config.mode });
      host.style.setProperty("--cik-primary", config.primary);
      host.style.setProperty("--cik-on-primary", config.onPrimary);
      this.host = host;
      const root = host.attachShadow({ mode: "open" });
      root.append(el("link", { rel: "stylesheet", href: new URL("static/widget.css", assetBase).href }));

      this.log = el("div", {
        className: "log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
        "aria-label": text.conversation, tabindex: "0",
      });
      this.typing = el("div", { className: "typing", role: "status", hidden: true }, [
        el("span", { className: "dots", "aria-hidden": "true" }, [el("span"), el("span"), el("span")]),
        el("span", { text: text.typing }),
      ]);
      this.status = el("div", { className: "status", role: "status", "aria-live": "polite", text: text.connecting });
      this.input = el("textarea", {
        id: "cik-input", rows: "1", maxlength: "2000", placeholder: text.placeholder, autocomplete: "off",
      });
      const sendButton = el("button", { type: "submit", className: "send", text: text.send });
      const form = el("form", { className: "composer" }, [
        el("label", { for: "cik-input", className: "sr-only", text: text.inputLabel }),
        this.input,
        sendButton,
      ]);
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        this.sendTyped();
      });
      this.input.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
          event.preventDefault();
          this.sendTyped();
        }
      });
      const coordinator = el("button", { type: "button", className: "coordinator", text: text.coordinator });
      coordinator.addEventListener("click", () => this.send(text.coordinatorText, "/human_handoff"));
      const restart = el("button", { type: "button", className: "restart", text: text.restart });
      restart.addEventListener("click", () => this.restart());

      const headerChildren = [
        el("h2", { id: "cik-title", text: config.title }),
        el("p", { className: "disclaimer", text: text.disclaimer }),
      ];
      if (config.mode === "floating") {
        const close = el("button", { type: "button", className: "close", "aria-label": text.close, text: "×" });
        close.addEventListener("click", () => this.toggle(false));
        headerChildren.push(close);
      }
      this.panel = el("section", {
        className: "panel", role: config.mode === "floating" ? "dialog" : "region",
        "aria-labelledby": "cik-title", hidden: config.mode === "floating",
      }, [
        el("header", {}, headerChildren),
        this.log,
        this.typing,
        this.status,
        el("div", { className: "actions" }, [coordinator, restart]),
        form,
        el("footer", {}, [
          el("a", { href: config.privacyUrl, target: "_blank", rel: "noopener", text: text.privacy }),
        ]),
      ]);
      this.panel.addEventListener("keydown", (event) => {
        if (event.key === "Escape" && config.mode === "floating") this.toggle(false);
      });
      root.append(this.panel);

      if (config.mode === "floating") {
        this.launcher = el("button", {
          type: "button", className: "launcher", "aria-expanded": "false", text: text.open,
        });
        this.launcher.addEventListener("click", () => this.toggle());
        root.append(this.launcher);
      }
      const target = config.target && document.querySelector(config.target);
      (target || document.body).append(host);
    }

    toggle(open) {
      const show = open === undefined ? this.panel.hidden : open;
      this.panel.hidden = !show;
      if (this.launcher) {
        this.launcher.setAttribute("aria-expanded", String(show));
        this.launcher.hidden = show;
      }
      if (show) {
        this.connect();
        this.input.focus();
      } else if (this.launcher) {
        this.launcher.focus();
      }
    }

    setStatus(message) {
      this.status.textContent = message || "";
      this.status.hidden = !message;
    }

    // ----- connection --------------------------------------------------

    connect() {
      if (this.socket) return;
      if (typeof window.io !== "function") {
        this.setStatus(text.noScript);
        return;
      }
      this.setStatus(text.connecting);
      const socket = window.io(config.server, { transports: ["websocket", "polling"] });
      this.socket = socket;
      socket.on("connect", () => socket.emit("session_request", { session_id: this.sessionId }));
      socket.on("session_confirm", (id) => this.onSession(id));
      socket.on("bot_uttered", (message) => this.onBotMessage(message));
      socket.on("disconnect", () => {
        this.confirmed = false;
        this.inflight.clear();
        this.showTyping(false);
        this.setStatus(text.offline);
      });
      socket.on("connect_error", () => this.setStatus(text.offline));
    }

    async onSession(id) {
      const isNew = id !== this.sessionId;
      this.sessionId = id;
      store.set("session", id);
      const history = await this.loadHistory(id);
      if (history) {
        const delivered = new Set(history.filter((m) => m.client_id).map((m) => m.client_id));
        this.outbox = this.outbox.filter((item) => !delivered.has(item.client_id));
        store.set("outbox", this.outbox);
        this.redraw(history);
      }
      this.confirmed = true;
      this.setStatus("");
      if (history && history.length === 0 && this.outbox.length === 0 && isNew) {
        this.emit({ client_id: newId(), message: "/greet", shown: null });
      }
      this.flush();
    }

    async loadHistory(id) {
      try {
        const response = await fetch(new URL("chat/history/" + id, assetBase).href, { cache: "no-store" });
        if (!response.ok) throw new Error("history " + response.status);
        const body = await response.json();
        return body.messages;
      } catch (error) {
        this.setStatus(text.historyFailed);
        return null;
      }
    }

    // ----- sending -----------------------------------------------------

    sendTyped() {
      const value = this.input.value.trim();
      if (!value) return;
      this.input.value = "";
      this.send(value, null);
    }

    send(shown, payload) {
      this.clearQuickReplies();
      const item = { client_id: newId(), message: payload || shown, shown: shown };
      this.outbox.push(item);
      store.set("outbox", this.outbox);
      this.appendMessage({ role: "user", text: shown, client_id: item.client_id, queued: true });
      this.input.focus();
      this.flush();
    }

    flush() {
      if (!this.confirmed) return;
      for (const item of this.outbox) {
        if (!this.inflight.has(item.client_id)) this.emit(item);
      }
    }

    emit(item) {
      this.inflight.add(item.client_id);
      this.showTyping(true);
      const packet = {
        message: item.message,
        session_id: this.sessionId,
        metadata: { client_id: item.client_id, language: config.lang },
      };
      // The server acknowledges once the assistant has finished answering.
      this.socket.emit("user_uttered", packet, () => this.onDelivered(item.client_id));
    }

    onDelivered(clientId) {
      this.inflight.delete(clientId);
      this.outbox = this.outbox.filter((item) => item.client_id !== clientId);
      store.set("outbox", this.outbox);
      const bubble = this.log.querySelector('[data-client-id="' + clientId + '"]');
      if (bubble) this.markSent(bubble);
      if (this.inflight.size === 0) this.showTyping(false);
    }

    restart() {
      if (!window.confirm(text.restartConfirm)) return;
      store.remove("session");
      store.remove("outbox");
      this.sessionId = null;
      this.outbox = [];
      this.log.replaceChildren();
      if (this.socket) {
        this.confirmed = false;
        this.socket.emit("session_request", { session_id: null });
      }
    }

    // ----- rendering ---------------------------------------------------

    onBotMessage(message) {
      if (!message || typeof message.text !== "string" || !message.text.trim()) return;
      const sender = message.metadata && message.metadata.sender === "coordinator" ? "coordinator" : "assistant";
      const replies = (message.quick_replies || []).map((r) => ({ title: r.title, payload: r.payload }));
      const name = sender === "coordinator" ? message.metadata.name || "" : "";
      this.appendMessage({ role: sender, text: message.text, quick_replies: replies, name: name });
    }

    redraw(history) {
      this.log.replaceChildren();
      for (const message of history) this.appendMessage(message);
      for (const item of this.outbox) {
        if (item.shown) this.appendMessage({ role: "user", text: item.shown, client_id: item.client_id, queued: true });
      }
    }

    appendMessage(message) {
      const label = { user: text.you, coordinator: text.coordinatorSaid }[message.role] || text.assistant;
      const bubble = el("div", { className: "msg msg-" + message.role }, [
        el("span", { className: "sr-only", text: label + " " }),
      ]);
      if (message.role === "coordinator") {
        const who = (message.name ? message.name + ", " : "") + text.coordinatorRole;
        bubble.append(el("span", { className: "who", "aria-hidden": "true", text: who }));
      }
      bubble.append(el("span", { className: "body" }, [richText(message.text)]));
      if (message.client_id) bubble.dataset.clientId = message.client_id;
      if (message.queued) {
        bubble.classList.add("queued");
        bubble.append(el("span", { className: "note", text: text.queued }));
      }
      this.log.append(bubble);
      if (message.quick_replies && message.quick_replies.length) this.showQuickReplies(message.quick_replies);
      this.log.scrollTop = this.log.scrollHeight;
    }

    markSent(bubble) {
      bubble.classList.remove("queued");
      const note = bubble.querySelector(".note");
      if (note) note.remove();
    }

    showQuickReplies(replies) {
      this.clearQuickReplies();
      const group = el("div", { className: "quick-replies", role: "group", "aria-label": text.suggestions });
      for (const reply of replies) {
        const button = el("button", { type: "button", text: reply.title });
        button.addEventListener("click", () => this.send(reply.title, reply.payload));
        group.append(button);
      }
      this.log.append(group);
    }

    clearQuickReplies() {
      for (const group of this.log.querySelectorAll(".quick-replies")) group.remove();
    }

    showTyping(on) {
      this.typing.hidden = !on;
    }
  }

  // ----- start ---------------------------------------------------------

  function loadSocketIo() {
    if (typeof window.io === "function") return Promise.resolve();
    return new Promise((resolve) => {
      const tag = document.createElement("script");
      tag.src = new URL("static/vendor/socket.io.min.js", assetBase).href;
      tag.onload = resolve;
      tag.onerror = resolve; // connect() then says the chat could not start
      document.head.append(tag);
    });
  }

  function start() {
    const widget = new ChatWidget();
    window.CIKChat = window.CIKChat || { instances: [] };
    window.CIKChat.instances.push(widget);
    loadSocketIo().then(() => {
      if (config.mode === "full") widget.connect();
      else if (store.get("session", null)) widget.connect(); // resume quietly; the panel stays closed
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
