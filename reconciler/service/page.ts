// The status page, server-rendered: template functions over the overview model (view.ts), no
// framework, no external assets. Every interpolated value is escaped by `html`, because names,
// descriptions, reasons and error messages come from the catalog, the cluster or API callers.
// The one inline style and script carry a per-response nonce that the CSP requires.
import { randomBytes } from 'node:crypto';
import type { Condition } from './status';
import type { Caller } from './auth';
import type {
  AppView,
  CommandView,
  DomainView,
  FailureView,
  PassView,
  SourceLink,
  StatusView,
  TopicView,
} from './view';

/** Markup that is already safe: the only thing `html` does not escape. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Text made safe for element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (c) => ESCAPES[c] as string);
}

function fragment(value: unknown): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(fragment).join('');
  if (value === undefined || value === null || value === false) return '';
  return escapeHtml(String(value));
}

/** A template whose every value is escaped, except Html (nested templates) and arrays of them. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += fragment(v) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

/** A fresh CSP nonce for one response. */
export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

/** Nothing but this page's own inline style and script, its own API and its own forms. */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const CSS = `
:root{--ok:#17803d;--warn:#a15c00;--info:#1f5fbf;--bad:#b42318;--line:#d8dde3;--mute:#5b6570;--bg:#f6f8fa}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1c2128;background:#fff}
header{background:#102a43;color:#fff;padding:12px 20px;display:flex;flex-wrap:wrap;gap:8px 24px;align-items:center}
header h1{font-size:18px;margin:0}header .meta{display:flex;flex-wrap:wrap;gap:4px 16px;color:#d9e2ec}
header form{margin-left:auto}header button{background:transparent;color:#fff;border:1px solid #9fb3c8;border-radius:4px;padding:3px 10px;cursor:pointer}
nav{padding:6px 20px;background:var(--bg);border-bottom:1px solid var(--line)}nav a{margin-right:14px}
main{padding:8px 20px 32px;max-width:1400px}h2{font-size:16px;margin:24px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px}h4{font-size:13px;margin:12px 0 4px;color:var(--mute);text-transform:uppercase;letter-spacing:.04em}
table{border-collapse:collapse;width:100%;margin:4px 0 8px}th,td{text-align:left;vertical-align:top;padding:4px 8px;border-bottom:1px solid var(--line)}
th{background:var(--bg);font-weight:600;font-size:12px}td.num{text-align:right}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}.mono{overflow-wrap:anywhere}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;color:#fff;background:var(--mute)}
.ready,.succeeded,.True{background:var(--ok)}.drifted{background:var(--warn)}.pending,.running,.accepted{background:var(--info)}.failed,.False{background:var(--bad)}.skipped{background:var(--mute)}
.cards{display:flex;flex-wrap:wrap;gap:8px;margin:12px 0}.card{border:1px solid var(--line);border-radius:6px;padding:6px 12px;min-width:110px}.card b{display:block;font-size:20px}
.banner{border-radius:6px;padding:8px 12px;margin:12px 0}.pre{white-space:pre-wrap}.banner.error{background:#fde8e7;border:1px solid var(--bad)}.banner.ok{background:#e6f4ea;border:1px solid var(--ok)}.banner.note{background:#fff6e0;border:1px solid var(--warn)}
.muted{color:var(--mute)}.src{font-size:12px;white-space:nowrap}ul.plain{list-style:none;margin:0;padding:0}
details>summary{cursor:pointer}.err{color:var(--bad)}footer{color:var(--mute);font-size:12px;padding:0 20px 20px}
form.login{max-width:420px;margin:48px auto;border:1px solid var(--line);border-radius:8px;padding:20px}form.login h1{font-size:20px;margin:0 0 12px}
form.login input{width:100%;padding:6px 8px;margin:6px 0 12px;font:inherit}form.login button{padding:6px 16px;font:inherit}
`;

function layout(opts: {
  title: string;
  nonce: string;
  body: Html;
  bodyAttrs?: Html;
  head?: Html;
}): string {
  return `<!doctype html>\n${
    html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${opts.title}</title>
<style nonce="${opts.nonce}">${new Html(CSS)}</style>
${opts.head ?? ''}
</head>
<body${opts.bodyAttrs ?? ''}>
${opts.body}
</body>
</html>
`.text
  }`;
}

/** The login form: the only thing an unauthenticated visitor sees. */
export function renderLoginPage(opts: {
  readonly environment: string;
  readonly nonce: string;
  /** Shown above the form (a refused token, an expired session). */
  readonly message?: string;
}): string {
  const body = html`<form class="login" id="login" method="post" action="login">
    <h1>streamplane reconciler · ${opts.environment}</h1>
    ${opts.message ? html`<p class="banner error" role="alert" id="login-error">${opts.message}</p>` : ''}
    <label for="token">Reader or operator token</label>
    <input
      id="token"
      name="token"
      type="password"
      autocomplete="current-password"
      required
      autofocus
      spellcheck="false"
    />
    <button type="submit">Log in</button>
    <p class="muted">
      The token is sent once. The page then keeps a session cookie (HttpOnly, this site only), never
      the token itself; the API still takes the token as a bearer token.
    </p>
  </form>`;
  return layout({ title: `Log in · reconciler ${opts.environment}`, nonce: opts.nonce, body });
}

export interface PageContext {
  readonly caller: Caller;
  /** The logout form's anti-CSRF token (the session's). */
  readonly csrf: string;
  readonly nonce: string;
  /** How often the page asks whether anything changed (10 s). */
  readonly refreshSeconds?: number;
}

/** The status page of one environment. */
export function renderStatusPage(view: StatusView, ctx: PageContext): string {
  const refresh = ctx.refreshSeconds ?? 10;
  const now = Date.parse(view.generatedAt);
  const ago = (iso: string | undefined): Html => time(iso, now);
  const topics = view.domains.flatMap((d) => d.topics);
  const apps = view.domains.flatMap((d) => d.apps);
  const driftTopics = topics.filter((t) => t.observed && t.state !== 'ready');

  const header = html`<header>
      <h1>streamplane reconciler · <span id="environment">${view.environment}</span></h1>
      <div class="meta">
        <span>mode <b id="mode">${view.mode}</b></span>
        <span
          >${view.leader ? 'leader: this replica runs the passes' : 'follower: serving reads'}</span
        >
        <span>compared ${view.observedAt ? ago(view.observedAt) : 'not yet'}</span>
        <span>signed in as <b id="caller">${ctx.caller.name}</b> (${ctx.caller.role})</span>
      </div>
      <form method="post" action="logout" id="logout">
        <input type="hidden" name="csrf" value="${ctx.csrf}" />
        <button type="submit">Log out</button>
      </form>
    </header>
    <nav>
      <a href="#drift">Drift</a><a href="#failures">Failed commands</a><a href="#domains">Domains</a
      ><a href="#apps">Apps and access</a><a href="#passes">Last passes</a>
    </nav>`;

  const banners = html`${view.error ? html`<p class="banner error" role="alert" id="error"><b>Last comparison failed:</b> ${view.error}</p>` : ''}
  ${view.catalogError ? html`<p class="banner error" role="alert" id="catalog-error"><b>Catalog:</b> <span class="pre">${view.catalogError}</span></p>` : ''}`;

  const card = (label: string, value: number | string, cls = ''): Html =>
    html`<div class="card"><span class="muted">${label}</span><b class="${cls}">${value}</b></div>`;
  const cards = html`<div class="cards" id="summary">
    ${card('drift', view.drift ?? '–')}
    ${(['ready', 'drifted', 'pending', 'failed'] as const).map((s) => card(s, view.counts[s]))}
    ${card('domains', view.domains.length)}${card('apps', apps.length)}${card('failed commands', view.failures.length)}
  </div>`;

  const drift = html`<section id="drift">
    <h2>Drift</h2>
    ${
      view.observedAt === undefined
        ? html`<p class="banner note">
            Not compared with the cluster yet: the first pass is on its way.
          </p>`
        : view.drift === 0
          ? html`<p class="banner ok">In sync: the cluster matches the catalog.</p>`
          : html`<p class="banner note">
              ${view.drift ?? 0} difference(s) between the catalog and the
              cluster${view.mode === 'observe' ? ' (observe mode: reported, not corrected)' : ''}.
            </p>`
    }
    ${
      driftTopics.length
        ? html`<table>
            <thead>
              <tr>
                <th>Topic</th>
                <th>State</th>
                <th>Condition</th>
                <th>Reason</th>
                <th>Message</th>
                <th>Since</th>
                <th>Catalog</th>
              </tr>
            </thead>
            <tbody>
              ${driftTopics.flatMap((t) =>
                t.conditions
                  .filter((c) => c.status === 'False')
                  .map(
                    (c) =>
                      html`<tr data-topic="${t.name}">
                        <td><code>${t.name}</code></td>
                        <td>${badge(t.state)}</td>
                        <td>${c.type}</td>
                        <td>${c.reason}</td>
                        <td class="mono">${clipped(c.message)}</td>
                        <td>${ago(c.lastTransitionTime)}</td>
                        <td>${source(t.source)}</td>
                      </tr>`,
                  ),
              )}
            </tbody>
          </table>`
        : ''
    }
  </section>`;

  const failures = html`<section id="failures">
    <h2>Failed commands</h2>
    ${
      view.failures.length
        ? html`<table>
            <thead>
              <tr>
                <th>When</th>
                <th>Pass</th>
                <th>Command</th>
                <th>Resource</th>
                <th>Reason</th>
                <th>Attempts</th>
                <th>Catalog</th>
              </tr>
            </thead>
            <tbody>
              ${view.failures.map(failureRow(ago))}
            </tbody>
          </table>`
        : html`<p class="muted">None in the last ${view.passes.length} pass(es).</p>`
    }
  </section>`;

  const domains = html`<section id="domains">
    <h2>Domains</h2>
    ${view.domains.length ? view.domains.map(domainSection(ago)) : html`<p class="muted">No catalog loaded.</p>`}
  </section>`;

  const access = html`<section id="apps">
    <h2>Apps and access</h2>
    <p class="muted">
      What each app may produce and consume, and the ACLs the catalog grants it for that.
    </p>
    ${apps.length ? appTable(apps) : html`<p class="muted">No apps.</p>`}
  </section>`;

  const passes = html`<section id="passes">
    <h2>Last passes</h2>
    ${view.passes.length ? passTable(view.passes, ago) : html`<p class="muted">No pass yet.</p>`}
  </section>`;

  const script = html`<script nonce="${ctx.nonce}">
    (() => {
      const version = document.body.dataset.version;
      const every = ${new Html(String(Math.max(1, refresh) * 1000))};
      const tick = async () => {
        try {
          const res = await fetch('api/v1/overview', {
            headers: { Accept: 'application/json' },
            credentials: 'same-origin',
            cache: 'no-store',
          });
          if (res.status === 401) return location.reload();
          if (res.ok && (await res.json()).version !== version) return location.reload();
        } catch (e) {
          /* the service restarts: try again */
        }
        setTimeout(tick, every);
      };
      setTimeout(tick, every);
    })();
  </script>`;

  const body = html`${header}
    <main>${banners} ${cards} ${drift} ${failures} ${domains} ${access} ${passes}</main>
    <footer>
      Generated ${time(view.generatedAt, now)}; the page reloads itself when anything changes
      (checked every ${refresh} s). Transition times are when this replica first saw a state.
    </footer>
    ${script}`;
  return layout({
    title: `${view.drift ? `(${view.drift}) ` : ''}reconciler · ${view.environment}`,
    nonce: ctx.nonce,
    body,
    bodyAttrs: html` data-version="${view.version}"`,
    head: html`<noscript
      ><meta http-equiv="refresh" content="${Math.max(5, refresh * 3)}"
    /></noscript>`,
  });
}

/** Long text (a condition listing 40 ACLs) folded after its beginning; all of it one click away. */
function clipped(text: string | undefined, limit = 200): Html {
  if (!text) return html``;
  if (text.length <= limit) return html`${text}`;
  return html`<details class="clip">
    <summary>${text.slice(0, limit)}…</summary>
    ${text}
  </details>`;
}

function badge(state: string): Html {
  return html`<span class="badge ${state}">${state}</span>`;
}

/** `topics/orders.yaml:14`, a link when a catalog URL is configured. */
export function source(link: SourceLink | undefined): Html {
  if (!link) return html``;
  const text = `${link.file}:${link.line}`;
  return link.href
    ? html`<a class="src" href="${link.href}" rel="noreferrer">${text}</a>`
    : html`<span class="src">${text}</span>`;
}

/** An ISO time as UTC, with how long ago relative to the page. */
function time(iso: string | undefined, now: number): Html {
  if (!iso) return html`<span class="muted">–</span>`;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return html`${iso}`;
  const s = Math.max(0, Math.round((now - t) / 1000));
  const rel =
    s < 60
      ? `${s} s ago`
      : s < 3600
        ? `${Math.floor(s / 60)} min ago`
        : s < 86400
          ? `${Math.floor(s / 3600)} h ago`
          : `${Math.floor(s / 86400)} d ago`;
  return html`<time datetime="${iso}" title="${iso}"
    >${iso.slice(0, 19).replace('T', ' ')}Z (${rel})</time
  >`;
}

function conditionRows(t: TopicView, ago: (iso?: string) => Html): Html {
  return html`<table class="conditions">
    <tbody>
      ${t.conditions.map(
        (c: Condition) =>
          html`<tr data-condition="${c.type}">
            <td>${c.type}</td>
            <td>${badge(c.status)}</td>
            <td>${c.reason}</td>
            <td class="mono">${clipped(c.message)}</td>
            <td>${ago(c.lastTransitionTime)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function domainSection(ago: (iso?: string) => Html): (d: DomainView) => Html {
  return (d) =>
    html`<article class="domain" id="domain-${d.name}" data-domain="${d.name}">
      <h3>
        ${d.name}
        <span class="muted">· ${d.team}${d.contact ? ` · ${d.contact}` : ''}</span>
        ${source(d.source)}
      </h3>
      <p class="description">${d.description}</p>
      ${
        d.topics.length
          ? html`<table class="topics">
              <thead>
                <tr>
                  <th>Topic</th>
                  <th>State</th>
                  <th>Since</th>
                  <th class="num">Partitions</th>
                  <th>Conditions</th>
                  <th>Catalog</th>
                </tr>
              </thead>
              <tbody>
                ${d.topics.map((t) => {
                  const falses = t.conditions.filter((c) => c.status === 'False').length;
                  const summary = !t.observed
                    ? 'not compared with the cluster yet'
                    : falses === 0
                      ? `${t.conditions.length}/${t.conditions.length} True`
                      : `${falses} of ${t.conditions.length} False`;
                  return html`<tr class="topic" data-topic="${t.name}" data-state="${t.state}">
                    <td><code>${t.name}</code></td>
                    <td>${badge(t.state)}</td>
                    <td>${ago(t.since)}</td>
                    <td class="num">${t.partitions}</td>
                    <td>
                      ${
                        t.conditions.length
                          ? html`<details>
                              <summary>${summary}</summary>
                              ${conditionRows(t, ago)}
                            </details>`
                          : html`<span class="muted">${summary}</span>`
                      }
                    </td>
                    <td>${source(t.source)}</td>
                  </tr>`;
                })}
              </tbody>
            </table>`
          : html`<p class="muted">No topics in this environment.</p>`
      }
    </article>`;
}

function appTable(apps: readonly AppView[]): Html {
  const list = (names: readonly string[]): Html =>
    names.length
      ? html`<ul class="plain">
          ${names.map((n) => html`<li><code>${n}</code></li>`)}
        </ul>`
      : html`<span class="muted">–</span>`;
  return html`<table class="apps">
    <thead>
      <tr>
        <th>App</th>
        <th>Principal</th>
        <th>Produces</th>
        <th>Consumes</th>
        <th>ACLs (allow)</th>
        <th>Catalog</th>
      </tr>
    </thead>
    <tbody>
      ${apps.map(
        (a) =>
          html`<tr class="app" data-app="${a.id}">
            <td>
              <b>${a.id}</b
              >${a.transactional ? html` <span class="badge">transactional</span>` : ''}
              <div class="muted">${a.description}</div>
            </td>
            <td>
              ${a.principal ? html`<code>${a.principal}</code>` : html`<span class="err">no principal on this cluster: its ACLs cannot be planned</span>`}
            </td>
            <td>${list(a.produces)}</td>
            <td>${list(a.consumes)}</td>
            <td>
              <ul class="plain">
                ${a.grants.map(
                  (g) => html`<li><code>${grantText(g)}</code> ${g.operations.join(', ')}</li>`,
                )}
              </ul>
            </td>
            <td>${source(a.source)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function grantText(g: AppView['grants'][number]): string {
  return `${g.resourceType} ${g.resourceName}${g.patternType === 'PREFIXED' ? '*' : ''}`;
}

function commandRow(c: CommandView): Html {
  return html`<tr data-outcome="${c.outcome}">
    <td>${c.kind}</td>
    <td class="mono">${c.resource}</td>
    <td>${badge(c.outcome)}</td>
    <td class="num">${c.attempts}</td>
    <td class="num">${c.durationMs} ms</td>
    <td class="mono err">${clipped(c.error)}${c.code ? ` (${c.code})` : ''}</td>
    <td>${source(c.source)}</td>
  </tr>`;
}

function failureRow(ago: (iso?: string) => Html): (f: FailureView) => Html {
  return (f) =>
    html`<tr class="failure">
      <td>${ago(f.at)}</td>
      <td class="mono">${f.pass.slice(0, 8)}</td>
      <td>${f.kind}</td>
      <td class="mono">${f.resource}</td>
      <td class="mono err">${clipped(f.error ?? 'failed')}${f.code ? ` (${f.code})` : ''}</td>
      <td class="num">${f.attempts}</td>
      <td>${source(f.source)}</td>
    </tr>`;
}

function passTable(passes: readonly PassView[], ago: (iso?: string) => Html): Html {
  return html`<table class="passes">
    <thead>
      <tr>
        <th>Accepted</th>
        <th>Pass</th>
        <th>Source</th>
        <th>Mode</th>
        <th>State</th>
        <th class="num">Drift</th>
        <th>Commands</th>
        <th>Reason</th>
      </tr>
    </thead>
    <tbody>
      ${passes.map((p) => {
        const c = p.counts;
        return html`<tr class="pass" data-pass="${p.id}" data-state="${p.state}">
          <td>${ago(p.acceptedAt)}</td>
          <td class="mono" title="${p.id}">${p.id.slice(0, 8)}</td>
          <td>${p.source}${p.forwarded ? ' (forwarded)' : ''}</td>
          <td>${p.mode}</td>
          <td>${badge(p.state)}</td>
          <td class="num">${p.drift ?? '–'}</td>
          <td>
            ${
              c
                ? html`<details>
                    <summary>
                      ${c.succeeded}/${c.commands}
                      applied${c.failed ? `, ${c.failed} failed` : ''}${c.skipped ? `, ${c.skipped} skipped` : ''}
                    </summary>
                    ${
                      p.commands.length
                        ? html`<table>
                            <thead>
                              <tr>
                                <th>Command</th>
                                <th>Resource</th>
                                <th>Outcome</th>
                                <th class="num">Attempts</th>
                                <th class="num">Time</th>
                                <th>Error</th>
                                <th>Catalog</th>
                              </tr>
                            </thead>
                            <tbody>
                              ${p.commands.map(commandRow)}
                            </tbody>
                          </table>`
                        : html`<p class="muted">Nothing to do.</p>`
                    }
                  </details>`
                : html`<span class="muted">${p.state === 'running' ? 'running…' : '–'}</span>`
            }${p.error ? html`<div class="err">${p.error}</div>` : ''}
          </td>
          <td class="reason">
            ${p.reason ?? ''}${p.requestedBy ? html` <span class="muted">by ${p.requestedBy}</span>` : ''}
          </td>
        </tr>`;
      })}
    </tbody>
  </table>`;
}
