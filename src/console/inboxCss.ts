/** The inbox's unread rows: bold, with an "unread" label so the state is not told by type weight alone. */
export const inboxCss = `
tr.unread td{font-weight:700}
.badge{display:inline-block;margin-left:.4rem;padding:0 .4rem;border-radius:3px;background:#12324f;color:#fff;font-size:.8rem;font-weight:700}
.filters .check{display:flex;gap:.35rem;align-items:center}
.read-mark form{display:flex;gap:.5rem;align-items:center;margin:.5rem 0}
.read-mark form[hidden]{display:none}
.read-mark .badge{margin-left:0}
`;
