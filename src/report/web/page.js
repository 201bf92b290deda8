/* The ptrace-tour HTML report (src/report/html.c embeds this file).
 *
 * The trace is JSON in two elements: #pt-trace (the start and end events,
 * counts, and the report model's tasks in tree order) is all the first view
 * needs; #pt-events (each [task seq, the log's event object, [explain
 * sentences]]) comes after this script and is read once the document is
 * loaded, for the cards.  Everything is rendered here, offline, with plain
 * DOM calls: data only ever becomes text nodes, never markup.  The tree
 * and the timeline draw only what is on screen, so 10,000 processes stay
 * fast.  URL fragments are deep links: #pid=N opens a card, #q=TEXT searches. */
'use strict';
(function () {
const T0 = performance.now();
const root = document.documentElement;
window.addEventListener('error', (e) => { root.dataset.error = String(e.message || e); });

const D = JSON.parse(document.getElementById('pt-trace').textContent);
const T_PARSE = performance.now();
// Rows of values under D.task_cols, in tree order; one object literal so
// every task has the same shape (10,000 of them stay fast).
const C = {};
D.task_cols.forEach((c, i) => { C[c] = i; });
function task(r) {
  const rp = r[C.reparent];
  return {
    seq: r[C.seq], pid: r[C.pid], tgid: r[C.tgid], depth: r[C.depth], thread: r[C.thread], parent: r[C.parent],
    spawner: r[C.spawner], kind: r[C.kind], attached: !!r[C.attached], t_start: r[C.t_start], t_end: r[C.t_end], t_gone: r[C.t_gone],
    exited: r[C.exited], status: r[C.status], reaped: r[C.reaped], autoreap: r[C.autoreap], reaper: r[C.reaper],
    zombie_ns: r[C.zombie_ns], reparent: rp ? { from: rp[0], to: rp[1], role: rp[2], ts: rp[3] } : null,
    comm: r[C.comm], fork_comm: r[C.fork_comm], nfailed: r[C.nfailed],
    images: r[C.images].map((im) => ({ ts: im[0], comm: im[1], path: im[2], argv: im[3], cut: im[4] })),
    marks: r[C.marks], ev: [], sent: [], execs: [],
    // [own CPU ns, peak RSS KiB, that peak is a bound] (as `report` computes them), or 0.
    ru: r[C.ru] ? { cpu: r[C.ru][0], rss: r[C.ru][1], bound: r[C.ru][2] } : null,
  };
}
const tasks = D.tasks.map(task);
const bySeq = new Map();
for (const t of tasks) bySeq.set(t.seq, t);
const byPid = new Map();                    // pid -> tasks, in creation order
for (const t of [...tasks].sort((a, b) => a.seq - b.seq)) {
  if (!byPid.has(t.pid)) byPid.set(t.pid, []);
  byPid.get(t.pid).push(t);
}
// The task a pid named at time ts (pids are reused).
function taskAt(pid, ts) {
  const l = byPid.get(pid);
  if (!l) return null;
  let best = l[0];
  for (const t of l) if (t.t_start <= ts) best = t;
  return best;
}
// --explain's sentences: [template, numbers...], a number per \x01.
const TPL = D.explain_templates.map((t) => t.split('\x01'));
function sentence([id, ...nums]) {
  const parts = TPL[id] || ['?'];
  let s = parts[0];
  for (let i = 1; i < parts.length; i++) s += String(nums[i - 1]) + parts[i];
  return s;
}
const start = D.start, end = D.end, nexec = D.counts.exec, nfail = D.counts.exec_failed, nsig = D.counts.signal;
let eventsLoaded = false;
// The events, for the cards: parsed once the document is loaded.
function loadEvents() {
  const node = document.getElementById('pt-events');
  if (eventsLoaded || !node) return;
  const t1 = performance.now();
  const events = JSON.parse(node.textContent);
  for (const [seq, e, ex] of events) {
    e.explain = ex || [];
    e.seq = seq;
    const t = bySeq.get(seq);
    if (t) { t.ev.push(e); if (e.ev === 'exec') t.execs.push(e); }
    if ((e.ev === 'signal' || e.ev === 'stopped' || e.ev === 'continued') && e.sender) {
      const s = taskAt(e.sender, e.ts);
      if (s) s.sent.push(e);
    }
  }
  eventsLoaded = true;
  root.dataset.eventsMs = (performance.now() - t1).toFixed(0);
  root.dataset.events = String(events.length);
  if (selected !== null) renderCard(bySeq.get(selected));
  foot.textContent = tasks.length + ' tasks, ' + events.length + ' events; shown in ' + root.dataset.renderMs + ' ms';
}
const procs = tasks.filter((t) => !t.thread);
const T_MODEL = performance.now();
const t0 = D.t_first || 0, tEnd = Math.max(D.t_last || 0, t0 + 1);

/* ---- small helpers ---- */
function el(tag, attrs, ...kids) {
  const n = document.createElement(tag);
  if (attrs) for (const k in attrs) {
    if (k === 'class') n.className = attrs[k];
    else if (k === 'onclick') n.addEventListener('click', attrs[k]);
    else if (k.startsWith('data-')) n.setAttribute(k, attrs[k]);
    else n[k] = attrs[k];
  }
  for (const k of kids) if (k !== null && k !== undefined && k !== false)
    n.append(k instanceof Node ? k : String(k));
  return n;
}
function dur(ns) {
  if (ns < 1e3) return ns + 'ns';
  if (ns < 1e6) return (ns / 1e3).toFixed(ns < 1e4 ? 1 : 0) + 'us';
  if (ns < 1e9) return (ns / 1e6).toFixed(ns < 1e7 ? 2 : 1) + 'ms';
  return (ns / 1e9).toFixed(3) + 's';
}
function at(ns) { return '+' + dur(Math.max(0, ns - t0)); }
function hash(s) { let h = 2166136261; for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 16777619); } return h >>> 0; }
const PAL = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac', '#1f77b4', '#8c564b'];
const PALE = ['#c5d3e5', '#fad7b6', '#f5c4c5', '#d2e8e6', '#cbe3c7', '#f8edc0', '#e4d3df', '#ffe0e4', '#dccfc6', '#e8e4e2', '#b7d4ec', '#dbc9c5'];
function color(comm, pale) { const i = hash(comm || '?') % PAL.length; return (pale ? PALE : PAL)[i]; }
function argvText(a) { return (a || []).map((s) => /[\s'"]/.test(s) || s === '' ? JSON.stringify(s) : s).join(' '); }
function lastImage(t) { return t.images.length ? t.images[t.images.length - 1] : null; }
function label(t) { return t.comm || t.fork_comm || '?'; }
function statusOf(st) {
  if (!st) return '';
  if ('exited' in st) return 'exited ' + st.exited;
  if ('signaled' in st) return 'killed by ' + st.signaled + (st.core ? ' (core dumped)' : '');
  if ('stopped' in st) return 'stopped by ' + st.stopped;
  if (st.continued) return 'continued';
  return JSON.stringify(st);
}
function taskLink(pid, ts) {
  const t = taskAt(pid, ts);
  if (!t) return el('span', null, String(pid));
  return el('a', { onclick: () => select(t.seq, true), 'data-pid': String(pid) }, pid + ' ' + label(t));
}
function bad(t) { return t.exited && !/^exited 0/.test(t.status); }

/* ---- header ---- */
function header() {
  const argv = start ? start.argv : [];
  const nthreads = tasks.length - procs.length;
  // As `report --format stats` counts them: reaped by a process (not the
  // kernel, not ptrace-tour reaping the root), or never reaped.
  // How the tracer stopped the tree (start event, docs/trace-format.md),
  // and whether it was started or attached to (-p).
  const modeText = (s) => !s ? '?'
    : (s.attach ? 'attached to ' + s.attach.join(', ') + ', ' : '') +
      (s.mode === 'events-only' ? 'events only' : s.seccomp === false ? 'PTRACE_SYSCALL' : 'seccomp-bpf');
  const zombies = procs.filter((t) => t.seq !== 0 && t.exited && (!t.reaped || !t.autoreap)).length;
  const orphans = procs.filter((t) => t.reparent).length;
  const st = end ? (end.interrupted ? 'interrupted by ' + (end.signal || '?') : 'exit status ' + end.status) : 'no end event: the log was cut short';
  const f = (k, v, cls, id) => el('span', Object.assign({}, cls ? { class: cls } : null, id ? { id } : null),
    k + ' ', el('b', null, String(v)));
  document.body.prepend(el('header', null,
    el('h1', { id: 'cmd' }, argvText(argv) || '(no command)'),
    el('div', { class: 'facts', id: 'facts' },
      f('', st, end ? '' : 'warn'), f('duration', dur(tEnd - t0)),
      f('processes', procs.length), f('threads', nthreads), f('execs', nexec), f('failed execs', nfail),
      f('signals', nsig), f('zombies', zombies), f('orphans', orphans),
      f('mode', modeText(start), null, 'mode'),
      f('tool', start ? start.tool : '?'))));
}

/* ---- the tree: rows in tree order; collapsed subtrees and the search hide rows ---- */
const collapsed = new Set();
let query = '', rows = [], selected = null;
const ROWH = 20;
function matches(t, q) {
  if (String(t.pid) === q || String(t.pid).startsWith(q)) return true;
  const hay = [t.comm, t.fork_comm];
  for (const im of t.images) { hay.push(im.path); hay.push(argvText(im.argv)); }
  return hay.some((s) => s && s.toLowerCase().includes(q));
}
function computeRows() {
  rows = [];
  const q = query.trim().toLowerCase();
  if (q) {
    // Matches and their ancestors, in tree order.
    const keep = new Set();
    for (const t of tasks) if (matches(t, q)) {
      keep.add(t.seq);
      for (let p = bySeq.get(t.parent); p && !keep.has(p.seq); p = bySeq.get(p.parent)) keep.add(p.seq);
    }
    for (const t of tasks) if (keep.has(t.seq)) rows.push(t);
  } else {
    let hideBelow = -1;
    for (const t of tasks) {
      if (hideBelow >= 0) { if (t.depth > hideBelow) continue; hideBelow = -1; }
      rows.push(t);
      if (collapsed.has(t.seq)) hideBelow = t.depth;
    }
  }
  treeEl.dataset.shown = String(rows.length);
  spacer.style.height = rows.length * ROWH + 'px';
  drawTree();
  drawTimeline();
}
const treeEl = el('div', { id: 'tree', tabIndex: 0 });
const spacer = el('div', { style: 'height:0' });
treeEl.append(spacer);
const hasKids = new Set();
for (const t of tasks) if (t.parent >= 0) hasKids.add(t.parent);
function drawTree() {
  for (const n of [...treeEl.querySelectorAll('.row')]) n.remove();
  const first = Math.max(0, Math.floor(treeEl.scrollTop / ROWH) - 5);
  const last = Math.min(rows.length, first + Math.ceil((treeEl.clientHeight || 600) / ROWH) + 10);
  const q = query.trim().toLowerCase();
  for (let i = first; i < last; i++) {
    const t = rows[i], im = lastImage(t);
    const tog = hasKids.has(t.seq) ? (collapsed.has(t.seq) && !q ? '▸' : '▾') : '';
    const row = el('div', { class: 'row' + (selected === t.seq ? ' sel' : '') + (q && matches(t, q) ? ' hit' : ''),
                            'data-seq': String(t.seq), 'data-pid': String(t.pid) },
      el('span', { class: 'tog' }, tog),
      el('span', { class: 'pid' }, t.pid),
      t.thread ? el('span', { class: 'thr' }, 'thread ') : null,
      label(t) + (im && im.argv.length > 1 ? ' ' + argvText(im.argv.slice(1)) : ''),
      el('span', { class: 'st' + (bad(t) ? ' bad' : '') }, t.exited ? t.status : ''),
      t.attached ? el('span', { class: 'att', title: 'running before the trace: ptrace-tour attached to it (-p)' }, 'attached') : null);
    row.style.top = i * ROWH + 'px';
    row.style.paddingLeft = (4 + Math.min(t.depth, 40) * 12) + 'px';
    row.firstChild.addEventListener('click', (ev) => {
      ev.stopPropagation();
      if (collapsed.has(t.seq)) collapsed.delete(t.seq); else collapsed.add(t.seq);
      computeRows();
    });
    row.addEventListener('click', () => select(t.seq, true));
    treeEl.append(row);
  }
}
treeEl.addEventListener('scroll', () => requestAnimationFrame(drawTree));

/* ---- the timeline: a lane per tree row, drawn on a canvas, only what is visible ---- */
const canvas = el('canvas', { id: 'timeline' });
const tlwrap = el('div', { id: 'tlwrap', tabIndex: 0 }, canvas);
const scaleSel = el('select', { id: 'scale' },
  el('option', { value: 'linear' }, 'linear'), el('option', { value: 'log' }, 'log'),
  el('option', { value: 'clip' }, 'clipped (95% of lifetimes)'));
const view = { x0: 0, x1: 1, top: 0, laneH: 14 };   // x in [0,1] of the scaled axis
function clipEnd() {
  const ends = procs.map((t) => t.t_gone - t0).sort((a, b) => a - b);
  return Math.max(1, ends[Math.floor(ends.length * 0.95)] || 1);
}
let CLIP = 0;
// Time -> [0,1] on the chosen scale, and back.
function scaleT(ns) {
  const d = Math.max(0, ns - t0), span = tEnd - t0;
  switch (scaleSel.value) {
  case 'log': return Math.log1p(d / 1e3) / Math.log1p(span / 1e3);
  case 'clip': return d <= CLIP ? 0.9 * d / CLIP : 0.9 + 0.1 * (d - CLIP) / Math.max(1, span - CLIP);
  default: return d / span;
  }
}
function unscale(u) {
  const span = tEnd - t0;
  switch (scaleSel.value) {
  case 'log': return t0 + Math.expm1(u * Math.log1p(span / 1e3)) * 1e3;
  case 'clip': return t0 + (u <= 0.9 ? u / 0.9 * CLIP : CLIP + (u - 0.9) / 0.1 * (span - CLIP));
  default: return t0 + u * span;
  }
}
const AXIS = 22;
// Pale stripes over a lane's colour: the bar of a process attached to.
let shade = null;
function attachedShade(g) {
  if (!shade) {
    const c = document.createElement('canvas');
    c.width = c.height = 6;
    const s = c.getContext('2d');
    s.strokeStyle = 'rgba(255,255,255,.65)'; s.lineWidth = 2;
    s.beginPath(); s.moveTo(0, 0); s.lineTo(6, 6); s.stroke();
    shade = g.createPattern(c, 'repeat');
  }
  return shade;
}
function drawTimeline() {
  const dpr = window.devicePixelRatio || 1, W = tlwrap.clientWidth, H = tlwrap.clientHeight;
  if (!W || !H) return;
  if (canvas.width !== Math.round(W * dpr) || canvas.height !== Math.round(H * dpr)) {
    canvas.width = Math.round(W * dpr); canvas.height = Math.round(H * dpr);
  }
  const g = canvas.getContext('2d');
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, W, H);
  const lh = view.laneH, maxTop = Math.max(0, rows.length * lh - (H - AXIS));
  view.top = Math.min(Math.max(0, view.top), maxTop);
  const X = (ns) => (scaleT(ns) - view.x0) / (view.x1 - view.x0) * W;
  const first = Math.floor(view.top / lh), last = Math.min(rows.length, Math.ceil((view.top + H - AXIS) / lh));
  const Y = (i) => AXIS + i * lh - view.top;
  const rowOf = new Map();
  for (let i = first; i < last; i++) rowOf.set(rows[i].seq, i);
  let nattached = 0;
  g.font = '11px system-ui, sans-serif';
  g.textBaseline = 'middle';
  for (let i = first; i < last; i++) {
    const t = rows[i], y = Y(i), bh = Math.max(2, lh - 3);
    if (t.seq === selected) { g.fillStyle = '#fff3c4'; g.fillRect(0, y, W, lh); }
    const xs = X(t.t_start), xe = Math.max(X(t.t_end), xs + 1), xg = X(t.t_gone);
    if (xe < 0 || xs > W) { /* off screen */ } else {
      const firstExec = t.images.length ? X(t.images[0].ts) : xe;
      g.fillStyle = color(t.fork_comm || t.comm, true);
      g.fillRect(xs, y + 1, Math.max(1, Math.min(firstExec, xe) - xs), bh);
      let x = firstExec;
      t.images.forEach((im, k) => {
        const nx = k + 1 < t.images.length ? X(t.images[k + 1].ts) : xe;
        g.fillStyle = color(im.comm, t.thread); g.fillRect(x, y + 1, Math.max(1, nx - x), bh);
        g.fillStyle = '#111'; g.fillRect(x, y, 1.5, lh - 1);      // exec mark
        x = nx;
      });
      if (t.attached) {     // running before the trace (-p): its program then, shaded
        const xa = t.images.length > 1 ? X(t.images[1].ts) : xe;
        g.fillStyle = attachedShade(g); g.fillRect(xs, y + 1, Math.max(1, xa - xs), bh);
        nattached++;
      }
      if (t.exited && xg > xe) {                                    // zombie time
        g.fillStyle = '#9aa0a6'; g.globalAlpha = 0.5; g.fillRect(xe, y + bh / 3 + 1, xg - xe, bh / 3); g.globalAlpha = 1;
      }
      for (const [ts, kind] of t.marks) {
        const mx = X(ts);
        g.fillStyle = kind === 'signal' ? '#c62828' : kind === 'exec_failed' ? '#6a1b9a' : kind === 'stop' ? '#ef6c00' : '#2e7d32';
        g.beginPath(); g.moveTo(mx, y + 1); g.lineTo(mx + 4, y + lh / 2); g.lineTo(mx, y + lh - 1); g.lineTo(mx - 4, y + lh / 2); g.fill();
      }
      if (lh >= 12) {
        g.fillStyle = '#222';
        g.fillText(t.pid + ' ' + label(t), Math.max(xs, 0) + 3, y + lh / 2);
      }
    }
    const pi = rowOf.get(t.parent);                                // fork line from the parent's lane
    if (pi !== undefined && !t.thread) {
      g.strokeStyle = 'rgba(60,60,60,.45)'; g.beginPath(); g.moveTo(xs, Y(pi) + lh / 2); g.lineTo(xs, y + lh / 2); g.stroke();
    }
  }
  // Axis.
  g.fillStyle = '#fff'; g.fillRect(0, 0, W, AXIS);
  g.strokeStyle = '#d7dbe3'; g.beginPath(); g.moveTo(0, AXIS - 0.5); g.lineTo(W, AXIS - 0.5); g.stroke();
  g.fillStyle = '#667085';
  const n = Math.max(2, Math.floor(W / 110));
  for (let k = 0; k <= n; k++) {
    const u = view.x0 + (view.x1 - view.x0) * k / n, x = k / n * W;
    g.fillRect(x, AXIS - 5, 1, 5);
    g.textAlign = k === n ? 'right' : k ? 'center' : 'left';
    g.fillText(dur(Math.round(unscale(u) - t0)), x, 9);
  }
  g.textAlign = 'left';
  tlwrap.dataset.lanes = String(last - first);
  tlwrap.dataset.attachedLanes = String(nattached);
}
function laneAt(y) { const i = Math.floor((y - AXIS + view.top) / view.laneH); return i >= 0 && i < rows.length ? rows[i] : null; }
function zoom(f, cx) {
  const W = tlwrap.clientWidth || 1, u = view.x0 + (view.x1 - view.x0) * (cx / W);
  let w = Math.min(1, Math.max(1e-6, (view.x1 - view.x0) * f));
  view.x0 = Math.max(0, u - (u - view.x0) * w / (view.x1 - view.x0)); view.x1 = view.x0 + w;
  if (view.x1 > 1) { view.x1 = 1; view.x0 = 1 - w; }
  drawTimeline();
}
function pan(dxPx, dyPx) {
  const W = tlwrap.clientWidth || 1, w = view.x1 - view.x0, d = -dxPx / W * w;
  view.x0 = Math.min(1 - w, Math.max(0, view.x0 + d)); view.x1 = view.x0 + w;
  view.top += dyPx;
  drawTimeline();
}
tlwrap.addEventListener('wheel', (e) => {
  e.preventDefault();
  if (e.ctrlKey || e.metaKey || e.altKey) zoom(Math.exp(e.deltaY / 300), e.offsetX);
  else if (e.shiftKey) pan(-e.deltaY, 0);
  else pan(-e.deltaX, e.deltaY);
}, { passive: false });
let drag = null;
canvas.addEventListener('mousedown', (e) => { drag = { x: e.clientX, y: e.clientY, moved: false }; tlwrap.focus(); });
window.addEventListener('mousemove', (e) => {
  if (!drag) return;
  const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
  if (Math.abs(dx) + Math.abs(dy) > 2) drag.moved = true;
  drag.x = e.clientX; drag.y = e.clientY;
  if (drag.moved) pan(dx, -dy);
});
window.addEventListener('mouseup', (e) => {
  if (drag && !drag.moved) { const r = canvas.getBoundingClientRect(), t = laneAt(e.clientY - r.top); if (t) select(t.seq, true); }
  drag = null;
});
tlwrap.addEventListener('dblclick', (e) => zoom(0.5, e.offsetX));
tlwrap.addEventListener('keydown', (e) => {
  const W = tlwrap.clientWidth || 1, k = e.key;
  if (k === '+' || k === '=') zoom(0.7, W / 2);
  else if (k === '-' || k === '_') zoom(1 / 0.7, W / 2);
  else if (k === '0') { view.x0 = 0; view.x1 = 1; view.top = 0; drawTimeline(); }
  else if (k === 'ArrowLeft') pan(W / 8, 0);
  else if (k === 'ArrowRight') pan(-W / 8, 0);
  else if (k === 'ArrowUp') pan(0, -view.laneH * 3);
  else if (k === 'ArrowDown') pan(0, view.laneH * 3);
  else if (k === 'PageDown') pan(0, tlwrap.clientHeight - AXIS);
  else if (k === 'PageUp') pan(0, -(tlwrap.clientHeight - AXIS));
  else return;
  e.preventDefault();
});
scaleSel.addEventListener('change', () => drawTimeline());
window.addEventListener('resize', () => { drawTree(); drawTimeline(); });

/* ---- the process card ---- */
const card = el('div', { id: 'card' }, el('p', { class: 'empty' }, 'Click a process in the tree or the timeline.'));
function kv(pairs) {
  const tb = el('table', { class: 'kv' });
  // A field's raw number (value), when given, is kept beside its text for tests and tools.
  for (const [k, v, field, value] of pairs) if (v !== undefined && v !== null && v !== '')
    tb.append(el('tr', null, el('td', null, k),
      el('td', field ? (value !== undefined ? { 'data-field': field, 'data-value': String(value) } : { 'data-field': field }) : null, v)));
  return tb;
}
function kib(kb) { return kb >= 1048576 ? (kb / 1048576).toFixed(1) + 'G' : kb >= 1024 ? (kb / 1024).toFixed(1) + 'M' : kb + 'K'; }
// The exit event's rusage (docs/trace-format.md): the kernel's figures at the
// death report, which include every child the process waited for; the own
// CPU and the bound on the peak are the model's (as the tree and stats say).
function usageSection(t) {
  const ex = t.ev.find((e) => e.ev === 'exit' && e.rusage);
  if (!ex) return [];
  const r = ex.rusage, life = t.t_end - t.t_start;
  const pct = life > 0 && t.ru ? 100 * t.ru.cpu / life : -1;
  const own = t.ru ? dur(t.ru.cpu) + (pct >= 0 ? ' (' + (pct < 0.1 ? '<0.1' : pct.toFixed(pct < 10 ? 1 : 0)) + '% of its lifetime)' : '') : '';
  return [el('h3', null, 'resource usage'),
    el('p', { class: 'note' }, t.thread
      ? 'The kernel keeps no per-thread figure: these are the whole process\'s at this thread\'s exit.'
      : 'At its exit, as the kernel reported it: the whole process with every thread, plus the children it waited for.'),
    kv([
      ['own CPU (user+sys)', own, 'cpu_own', t.ru ? t.ru.cpu : undefined],
      ['user CPU', dur(r.utime_ns), 'utime', r.utime_ns],
      ['system CPU', dur(r.stime_ns), 'stime', r.stime_ns],
      ['peak RSS', (t.ru && t.ru.bound ? '≤' : '') + kib(r.maxrss_kb) + (t.ru && t.ru.bound ? ' (a reaped child\'s peak: its own is at most that)' : ''), 'maxrss', r.maxrss_kb],
      ['page faults', r.minflt + ' minor, ' + r.majflt + ' major (I/O)', 'faults', r.minflt + ' ' + r.majflt],
      ['context switches', r.nvcsw + ' voluntary, ' + r.nivcsw + ' involuntary', 'ctxsw', r.nvcsw + ' ' + r.nivcsw],
    ])];
}
function table(head, rowsData, rowClass) {
  const tb = el('table', null, el('tr', null, ...head.map((h) => el('th', null, h))));
  rowsData.forEach((r, i) => tb.append(el('tr', rowClass ? { class: rowClass(i) || '' } : null, ...r.map((c) => el('td', null, c)))));
  return tb;
}
function pflags(f) { return (f & 4 ? 'r' : '-') + (f & 2 ? 'w' : '-') + (f & 1 ? 'x' : '-'); }
function openFlags(f) {
  const acc = ['O_RDONLY', 'O_WRONLY', 'O_RDWR', '3'][f & 3], more = [];
  const bits = { 0o2000: 'O_APPEND', 0o4000: 'O_NONBLOCK', 0o40000: 'O_DIRECT', 0o100000: 'O_LARGEFILE', 0o2000000: 'O_CLOEXEC' };
  for (const b in bits) if (f & Number(b)) more.push(bits[b]);
  return [acc, ...more].join('|');
}
function hex(s) { return s === undefined || s === null ? '' : s; }
function addHex(a, b) { try { return '0x' + (BigInt(a) + BigInt(b)).toString(16); } catch (_) { return ''; } }
function argvBox(a) { return el('div', { class: 'argv' }, ...(a || []).map((s) => el('span', null, s))); }
function mapsDiff(before, after) {
  const key = (r) => r.start + '-' + r.end + ' ' + r.prot + ' ' + (r.path || '');
  const b = new Set((before || []).map(key)), a = new Set((after || []).map(key));
  const out = [];
  for (const r of before || []) if (!a.has(key(r))) out.push(['-', r]);
  for (const r of after || []) out.push([b.has(key(r)) ? ' ' : '+', r]);
  return table(['', 'start', 'end', 'prot', 'offset', 'path'],
    out.map(([s, r]) => [s, r.start, r.end, r.prot, r.offset, r.path || '']),
    (i) => out[i][0] === '+' ? 'add' : out[i][0] === '-' ? 'del' : '');
}
function execSection(e) {
  const s = el('div', { class: 'exec' });
  s.append(el('h4', null, at(e.ts) + ' execve ' + e.path));
  s.append(argvBox(e.argv));
  s.append(kv([['exe', e.exe], ['cwd', e.cwd], ['script', e.script], ['old pid', e.old_pid], ['syscall', e.syscall]]));
  const elf = e.elf, lay = e.layout || {};
  if (elf && elf.error) s.append(el('p', null, 'ELF: ' + elf.error));
  else if (elf) {
    const types = { 1: 'REL', 2: 'EXEC', 3: 'DYN (PIE or shared object)', 4: 'CORE' };
    const machines = { 3: 'i386', 62: 'x86-64', 183: 'aarch64', 40: 'arm', 243: 'riscv' };
    s.append(kv([['class', 'ELF' + elf.class], ['type', types[elf.type] || elf.type],
      ['machine', machines[elf.machine] || elf.machine],
      ['entry (file)', elf.entry, 'entry'], ['entry (runtime)', lay.at_entry, 'at_entry'],
      ['load bias', lay.load_bias, 'load_bias'], ['AT_PHDR', lay.at_phdr], ['interpreter', elf.interp],
      ['interpreter base', lay.at_base]]));
    const bias = lay.load_bias || '0x0';   // 0 for a fixed-address (EXEC) image
    if (elf.load && elf.load.length)
      s.append(el('details', { open: true }, el('summary', null, 'segments (PT_LOAD)'),
        table(['offset', 'vaddr', 'runtime', 'filesz', 'memsz', 'flags', 'map'],
          elf.load.map((l) => [l.offset, l.vaddr, addHex(l.vaddr, bias), l.filesz, l.memsz, pflags(l.flags), l.map >= 0 ? '#' + l.map : '']))));
    if (elf.sections && elf.sections.length)
      s.append(el('details', null, el('summary', null, 'sections (' + elf.sections.length + ')'),
        table(['name', 'offset', 'addr', 'runtime', 'size'],
          elf.sections.map((x) => [x.name, x.offset, x.addr, x.addr && x.addr !== '0x0' ? addHex(x.addr, bias) : '', x.size]))));
  }
  if (e.maps_before || e.maps_after)
    s.append(el('details', null, el('summary', null, 'memory map before → after' + (e.maps_truncated ? ' (cut)' : '')),
      mapsDiff(e.maps_before, e.maps_after)));
  if (e.fds) {
    const leaks = e.fds.filter((f) => f.leaked).length;
    s.append(el('details', { open: leaks > 0 }, el('summary', null, 'inherited fds (' + e.fds.length + (leaks ? ', ' + leaks + ' leaked' : '') + ')'),
      table(['fd', 'target', 'pos', 'flags', 'cloexec', ''],
        e.fds.map((f) => [f.fd, f.target, f.pos === undefined ? '' : f.pos, f.flags === undefined ? '' : openFlags(f.flags), f.cloexec ? 'yes' : 'no', f.leaked ? 'LEAKED' : '']),
        (i) => e.fds[i].leaked ? 'leak' : '')));
  }
  if (e.env) {
    const r = [];
    for (const k in e.env.added || {}) r.push(['+', k, e.env.added[k]]);
    for (const k of e.env.removed || []) r.push(['-', k, '']);
    for (const k in e.env.changed || {}) r.push(['~', k, e.env.changed[k][0] + ' → ' + e.env.changed[k][1]]);
    s.append(el('details', { open: r.length > 0 && r.length < 12 }, el('summary', null, 'environment changes (' + r.length + ')'),
      table(['', 'name', 'value'], r, (i) => r[i][0] === '+' ? 'add' : r[i][0] === '-' ? 'del' : '')));
  }
  return s;
}
function evLine(e, t) {
  const d = el('div', { class: 'ev' }, el('span', { class: 't' }, at(e.ts)));
  switch (e.ev) {
  case 'spawn': d.append(e.kind + ' → ', taskLink(e.child, e.ts + 1), e.flags ? ' ' + e.flags : ''); break;
  case 'exec': d.append('execve ' + e.path); break;
  case 'exec_failed': d.append('execve ' + (e.path_unreadable ? '(unreadable ' + e.path_addr + ')' : e.path) + ' failed: ' + e.errno); break;
  case 'wait': d.append(e.syscall + '(' + (e.idtype ? e.idtype + ', ' : '') + e.id + ', ' + e.options + ') = ' + e.ret + (e.errno ? ' ' + e.errno : ''),
    e.child ? ' child ' : '', e.child ? taskLink(e.child, e.ts - 1) : '', e.status ? ': ' + statusOf(e.status) : ''); break;
  case 'signal': d.append('received ' + e.sig + ' (code ' + e.code + ')', e.sender ? ' from ' : '', e.sender ? taskLink(e.sender, e.ts) : ''); break;
  case 'stopped': d.append('stopped by ' + e.sig, e.sender ? ' from ' : '', e.sender ? taskLink(e.sender, e.ts) : ''); break;
  case 'continued': d.append('continued', e.sender ? ' by ' : '', e.sender ? taskLink(e.sender, e.ts) : ''); break;
  case 'exit': d.append('exit (' + e.how + '): ' + statusOf(e)); break;
  case 'reap': d.append(e.autoreap ? 'reaped by the kernel' : e.by ? 'reaped by ' : 'reaped outside the trace', e.by && !e.autoreap ? taskLink(e.by, e.ts) : '',
    ' after ' + dur(e.zombie_ns || 0) + ' as a zombie'); break;
  case 'reparent': d.append('orphaned: reparented from ' + e.from + ' to ' + e.to + (e.to_role ? ' (' + e.to_role + ')' : '')); break;
  case 'syscall': d.append(e.name + '(' + (e.args || []).map((a, i) => e.str && e.str[i] !== null && e.str[i] !== undefined ? JSON.stringify(e.str[i]) : a).join(', ') + ') = ' + e.ret + (e.errno ? ' ' + e.errno : '')); break;
  default: d.append(e.ev);
  }
  const out = [d];
  for (const x of e.explain) out.push(el('div', { class: 'explain' }, sentence(x)));
  if (e.stack) out.push(el('details', null, el('summary', null, 'stack (' + e.stack.length + ' frames)' + (e.unwind_error ? ': ' + e.unwind_error : '')),
    table(['#', 'ip', 'function', 'module'], e.stack.map((f, i) => [i, f.ip, (f.func || '?') + (f.off ? '+' + f.off : ''), (f.module || '') + (f.module_off ? '+' + f.module_off : '')]))));
  return out;
}
function select(seq, push) {
  const t = bySeq.get(seq);
  if (!t) return;
  selected = seq;
  if (push) history.replaceState(null, '', '#pid=' + t.pid);
  // Keep it in view in the tree and the timeline.
  let i = rows.indexOf(t);
  if (i < 0) { query = ''; searchEl.value = ''; for (let p = bySeq.get(t.parent); p; p = bySeq.get(p.parent)) collapsed.delete(p.seq); computeRows(); i = rows.indexOf(t); }
  if (i >= 0 && (i * ROWH < treeEl.scrollTop || i * ROWH > treeEl.scrollTop + treeEl.clientHeight - ROWH)) treeEl.scrollTop = i * ROWH - 40;
  const H = tlwrap.clientHeight - AXIS;
  if (i >= 0 && (i * view.laneH < view.top || i * view.laneH > view.top + H - view.laneH)) view.top = i * view.laneH - H / 3;
  drawTree(); drawTimeline();
  renderCard(t);
}
function renderCard(t) {
  card.replaceChildren();
  card.dataset.pid = String(t.pid);
  card.dataset.seq = String(t.seq);
  const im = lastImage(t), par = bySeq.get(t.parent);
  card.append(el('h2', null, t.pid + ' ' + label(t) + (t.thread ? ' (thread of ' + t.tgid + ')' : '')));
  if (im) card.append(argvBox(im.argv));
  const execs = t.execs, lastExec = execs[execs.length - 1];
  const kids = tasks.filter((k) => k.parent === t.seq);
  card.append(kv([
    ['pid / tgid', t.pid + ' / ' + t.tgid],
    ['parent', par ? el('a', { onclick: () => select(par.seq, true) }, par.pid + ' ' + label(par)) : (t.kind ? '' : 'outside the trace')],
    ['created by', t.kind ? t.kind + (t.spawner && par && t.spawner !== par.pid ? ' (thread ' + t.spawner + ')' : '') : t.attached ? 'before the trace: attached to (-p)' : 'the traced command', 'created'],
    ['exe', lastExec && lastExec.exe], ['cwd', lastExec && lastExec.cwd],
    ['started', t.attached ? 'before the trace; attached at ' + at(t.t_start) : at(t.t_start)],
    ['ended', t.exited ? at(t.t_end) + ', ' + t.status : 'running at the end of the trace', 'status'],
    ['lifetime', dur(t.t_end - t.t_start)],
    ['zombie for', t.zombie_ns ? dur(t.zombie_ns) : ''],
    ['reaped by', t.autoreap ? 'the kernel (SIGCHLD ignored)' : t.reaped ? (t.reaper ? taskLink(t.reaper, t.t_gone) : 'outside the trace') : (t.exited && !t.thread ? 'never (a zombie at the end)' : '')],
    ['reparented', t.reparent ? el('span', null, at(t.reparent.ts) + ' from ' + t.reparent.from + ' to ', taskLink(t.reparent.to, t.reparent.ts), ' (' + t.reparent.role + ')') : ''],
    ['failed execs', t.nfailed || ''],
  ]));
  if (kids.length) {
    const box = el('div', { class: 'kids' });
    kids.slice(0, 500).forEach((k, i) => { if (i) box.append(', '); box.append(el('a', { onclick: () => select(k.seq, true) }, k.pid + ' ' + label(k))); });
    if (kids.length > 500) box.append(' … ' + (kids.length - 500) + ' more');
    card.append(el('h3', null, 'children and threads (' + kids.length + ')'), box);
  }
  if (!eventsLoaded) { card.append(el('p', { class: 'empty' }, 'reading the events…')); return; }
  card.append(...usageSection(t));
  if (execs.length) { card.append(el('h3', null, 'execs (' + execs.length + ')')); for (const e of execs) card.append(execSection(e)); }
  const waits = t.ev.filter((e) => e.ev === 'wait');
  const sigs = t.ev.filter((e) => e.ev === 'signal' || e.ev === 'stopped' || e.ev === 'continued');
  if (waits.length) { card.append(el('h3', null, 'waits (' + waits.length + ')')); for (const e of waits.slice(0, 2000)) card.append(...evLine(e, t)); }
  if (sigs.length) { card.append(el('h3', null, 'signals received, stops and continues (' + sigs.length + ')')); for (const e of sigs) card.append(...evLine(e, t)); }
  if (t.sent.length) {
    card.append(el('h3', null, 'signals sent (' + t.sent.length + ')'));
    for (const e of t.sent) {
      const r = bySeq.get(e.seq);
      card.append(el('div', { class: 'ev' }, el('span', { class: 't' }, at(e.ts)), (e.sig || 'SIGCONT') + ' to ', r ? el('a', { onclick: () => select(r.seq, true) }, r.pid + ' ' + label(r)) : '?'));
    }
  }
  const explain = el('label', null, el('input', { type: 'checkbox', checked: true, id: 'explain' }), ' explain');
  card.append(el('h3', null, 'all events (' + t.ev.length + ') '), explain);
  const list = el('div', { id: 'events' });
  for (const e of t.ev.slice(0, 3000)) list.append(...evLine(e, t));
  if (t.ev.length > 3000) list.append(el('p', null, '… ' + (t.ev.length - 3000) + ' more events (see the log)'));
  card.append(list);
  explain.firstChild.addEventListener('change', (ev) => { for (const n of list.querySelectorAll('.explain')) n.hidden = !ev.target.checked; });
}

/* ---- layout, search, deep links ---- */
const searchEl = el('input', { id: 'search', type: 'search', placeholder: 'search pid, program or argv', spellcheck: false });
let searchTimer = 0;
searchEl.addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => { query = searchEl.value; history.replaceState(null, '', query ? '#q=' + encodeURIComponent(query) : '#'); computeRows(); }, 120);
});
const collapseAll = el('button', { onclick: () => { for (const t of tasks) if (hasKids.has(t.seq) && t.depth >= 1) collapsed.add(t.seq); computeRows(); } }, 'collapse');
const expandAll = el('button', { onclick: () => { collapsed.clear(); computeRows(); } }, 'expand');
document.body.append(el('main', null,
  el('div', { id: 'side' }, el('div', { class: 'bar' }, searchEl, collapseAll, expandAll), treeEl),
  el('div', { id: 'right' },
    el('div', { id: 'tlbar' }, el('label', null, 'scale ', scaleSel),
      el('span', null, 'wheel: scroll · ctrl+wheel or +/−: zoom · drag or arrows: pan · 0: reset · click: open')),
    tlwrap, card)));
header();
const foot = el('div', { id: 'foot' });
document.body.append(foot);
CLIP = clipEnd();
if (procs.length > 2000) view.laneH = 6;
else if (procs.length > 200) view.laneH = 10;

function fromHash() {
  const h = decodeURIComponent(location.hash.slice(1));
  const m = /^pid=(\d+)$/.exec(h), q = /^q=(.*)$/s.exec(h);
  if (q) { query = searchEl.value = q[1]; computeRows(); }
  if (m) {
    const l = byPid.get(Number(m[1]));
    if (l) select((l.find((t) => !t.thread) || l[0]).seq, false);
    else card.replaceChildren(el('p', { class: 'empty' }, 'No process ' + m[1] + ' in this trace.'));
  }
}
window.addEventListener('hashchange', fromHash);
computeRows();
fromHash();
const ms = performance.now();
root.dataset.renderMs = ms.toFixed(0);
root.dataset.scriptMs = (ms - T0).toFixed(0);
// Where the time went: before the script (loading the file), JSON.parse, the model, drawing.
root.dataset.timing = [T0, T_PARSE - T0, T_MODEL - T_PARSE, ms - T_MODEL].map((x) => x.toFixed(0)).join(' ');
root.dataset.ready = '1';
foot.textContent = tasks.length + ' tasks; shown in ' + ms.toFixed(0) + ' ms; reading the events…';
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', loadEvents);
else loadEvents();
})();
