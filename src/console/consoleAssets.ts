// Served by the console itself (no CDN, no front-end build): works offline and behind strict CSPs.
import { adminCss } from './adminCss.js';
import { inboxCss } from './inboxCss.js';
import { sendCss } from './sendCss.js';
import { statsCss } from './statsCss.js';

/**
 * Colours chosen for at least 4.5:1 contrast on their backgrounds; layout stacks on a phone.
 * Each console feature's styles live with it (e.g. sendCss.ts) and are joined here.
 */
const baseCss = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#fff}
a{color:#0645ad}
a:focus,button:focus,input:focus,select:focus{outline:3px solid #b35900;outline-offset:2px}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem}
.skip:focus{left:.5rem}
.banner{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center;padding:.5rem 1rem;background:#12324f;color:#fff}
.banner a{color:#fff}
.brand{font-weight:700}
.banner ul{display:flex;gap:1rem;list-style:none;margin:0;padding:0}
.banner a[aria-current=page]{font-weight:700;text-decoration-thickness:3px}
.signout{margin-left:auto}
.who{font-size:.9rem}
main{padding:1rem;max-width:75rem;margin:0 auto}
main:focus{outline:none}
h1{font-size:1.5rem;margin:.5rem 0 1rem}
button,.button{font:inherit;padding:.35rem .9rem;border:1px solid #12324f;border-radius:4px;background:#12324f;color:#fff;cursor:pointer;text-decoration:none;display:inline-block}
.banner button{background:#fff;color:#12324f}
label{display:block;font-weight:600;font-size:.9rem}
input,select{font:inherit;padding:.3rem .4rem;border:1px solid #595959;border-radius:4px;max-width:100%}
.filters{display:flex;flex-wrap:wrap;gap:.75rem;align-items:flex-end;margin-bottom:1rem;padding:.75rem;background:#f3f5f7;border-radius:6px}
.error{color:#a10000;font-weight:600}
.notice{padding:.5rem .75rem;border-left:4px solid #a10000;background:#fdf0f0}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #d0d0d0;vertical-align:top}
th{background:#f3f5f7}
tr.fresh{background:#fff7d6}
.status-failed,.status-rejected,.status-interrupted{color:#a10000;font-weight:600}
.status-sent,.status-received{color:#1d6b2a;font-weight:600}
dl.summary{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}
dl.summary dt{font-weight:600}
dl.summary dd{margin:0}
ol.timeline{list-style:none;padding:0;border-left:3px solid #12324f;margin-left:.5rem}
ol.timeline li{padding:.25rem 0 .5rem 1rem}
ol.timeline time{display:block;font-size:.85rem;color:#4a4a4a}
ol.timeline .what{font-weight:600}
p.pages{color:#4a4a4a}
ol.pages{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.75rem}
ol.pages img{display:block;border:1px solid #595959;background:#fff;max-width:100%;height:auto}
.signin{max-width:22rem}
.signin div{margin-bottom:.75rem}
.signin input{width:100%}
@media (max-width:40rem){
  thead{display:none}
  table,tbody,tr,td{display:block;width:100%}
  tr{border-bottom:2px solid #d0d0d0;padding:.25rem 0}
  td{border:0;padding:.1rem .25rem}
  td::before{content:attr(data-label) ": ";font-weight:600}
  .signout{margin-left:0}
}
`;

export const consoleCss = [baseCss, inboxCss, statsCss, adminCss, sendCss].join('');

/**
 * Live updates of a fax list: the page's SSE stream sends `fax` events carrying a rendered row;
 * a row already shown is replaced, a new one goes on top (and is announced to screen readers).
 */
export const consoleLiveJs = `
(function () {
  var table = document.querySelector('[data-live]');
  if (!table || !window.EventSource) return;
  var body = table.querySelector('tbody');
  var status = document.getElementById('live-status');
  var source = new EventSource(table.getAttribute('data-live'));
  source.addEventListener('fax', function (message) {
    var fax = JSON.parse(message.data);
    var holder = document.createElement('tbody');
    holder.innerHTML = fax.html;
    var row = holder.firstElementChild;
    if (!row) return;
    var existing = document.getElementById(row.id);
    if (existing) { existing.replaceWith(row); return; }
    row.classList.add('fresh');
    body.insertBefore(row, body.firstElementChild);
    var empty = document.getElementById('no-faxes');
    if (empty) empty.remove();
    if (status) status.textContent = 'New fax from ' + fax.from + ' to ' + fax.to;
  });
})();
`;
