// Talking to the watchkeeper API: login, authenticated JSON requests, and the live WebSocket feed.
// The token lives in sessionStorage (gone when the tab closes); any 401 sends the user back to login.

const TOKEN_KEY = "watchkeeper.session";

export class Unauthorised extends Error {}

export const session = {
  get() {
    try {
      const s = JSON.parse(sessionStorage.getItem(TOKEN_KEY) || "null");
      if (!s || !s.access_token) return null;
      if (s.expires_at && Date.parse(s.expires_at) <= Date.now()) return null;
      return s;
    } catch {
      return null;
    }
  },
  set(s) {
    sessionStorage.setItem(TOKEN_KEY, JSON.stringify(s));
  },
  clear() {
    sessionStorage.removeItem(TOKEN_KEY);
  },
};

export async function login(username, password) {
  const resp = await fetch("/api/auth/login", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ username, password }),
  });
  if (resp.status === 401 || resp.status === 403) throw new Unauthorised("Wrong user name or password.");
  if (!resp.ok) throw new Error(`Sign-in failed (HTTP ${resp.status}).`);
  const body = await resp.json();
  session.set(body);
  return body;
}

async function request(method, path, body, accept = "application/json") {
  const s = session.get();
  if (!s) throw new Unauthorised("not signed in");
  const headers = { Authorization: `Bearer ${s.access_token}`, Accept: accept };
  const init = { method, headers };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const resp = await fetch(path, init);
  if (resp.status === 401) {
    session.clear();
    throw new Unauthorised("session expired");
  }
  if (!resp.ok) {
    let message = `${path}: HTTP ${resp.status}`;
    try {
      const err = await resp.json();
      if (err && err.error && err.error.message) message = err.error.message;
    } catch {
      // not JSON: keep the status line
    }
    const error = new Error(message);
    error.status = resp.status;
    throw error;
  }
  return resp;
}

export async function apiGet(path) {
  return (await request("GET", path)).json();
}

// A JSON call with a body (POST, PUT, PATCH, DELETE); returns the parsed answer (null when empty).
export async function apiSend(method, path, body) {
  const resp = await request(method, path, body);
  const text = await resp.text();
  return text ? JSON.parse(text) : null;
}

// Save an authenticated download (an export, a chart, an evidence package) under ``filename``.
export async function apiDownload(path, filename) {
  const resp = await request("GET", path, undefined, "*/*");
  const url = URL.createObjectURL(await resp.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// Live picture over /api/live. Reconnects with capped exponential backoff and jitter; before each
// reconnect it checks the session with a REST call so an expired token leads to login, not a loop.
export class LiveFeed {
  constructor({ onMessage, onState, onUnauthorised }) {
    this.onMessage = onMessage;
    this.onState = onState;
    this.onUnauthorised = onUnauthorised;
    this.ws = null;
    this.attempt = 0;
    this.timer = null;
    this.stopped = false;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.ws) this.ws.close(1000, "signed out");
    this.ws = null;
  }

  connect() {
    const s = session.get();
    if (!s) {
      this.onUnauthorised();
      return;
    }
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    const url = `${proto}//${location.host}/api/live?token=${encodeURIComponent(s.access_token)}`;
    this.onState(this.attempt ? "reconnecting" : "connecting");
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.onState("live");
    };
    ws.onmessage = (ev) => {
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return; // a malformed frame is ignored; the next snapshot/update repairs the picture
      }
      this.onMessage(msg);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws || this.stopped) return;
      this.ws = null;
      if (ev.code === 4401 || ev.code === 4403 || ev.code === 1008) {
        session.clear();
        this.onUnauthorised();
        return;
      }
      this.scheduleReconnect();
    };
  }

  scheduleReconnect() {
    this.onState("reconnecting");
    const base = Math.min(30000, 500 * 2 ** this.attempt);
    const delay = base / 2 + Math.random() * (base / 2);
    this.attempt += 1;
    clearTimeout(this.timer);
    this.timer = setTimeout(async () => {
      if (this.stopped) return;
      try {
        await apiGet("/api/picture"); // cheap session check; also proves the server is back
      } catch (err) {
        if (err instanceof Unauthorised) {
          this.onUnauthorised();
          return;
        }
        this.scheduleReconnect();
        return;
      }
      this.connect();
    }, delay);
  }
}
