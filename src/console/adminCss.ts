/** Styles of the administration pages (contrast ≥ 4.5:1 like the base styles). */
export const adminCss = `
.admin-nav ul{display:flex;flex-wrap:wrap;gap:.5rem 1.25rem;list-style:none;margin:0 0 .5rem;padding:.5rem 0;border-bottom:1px solid #d0d0d0}
.admin-nav a[aria-current=page]{font-weight:700}
.admin-form{max-width:32rem;margin:1rem 0;padding:.75rem;background:#f3f5f7;border-radius:6px}
.admin-form h2,.admin-form h3{margin-top:0}
.field{margin-bottom:.6rem}
.field input{width:100%}
.field .hint{display:block;font-size:.85rem;color:#4a4a4a}
.field .error{display:block}
input[aria-invalid=true]{border:2px solid #a10000}
form.inline{display:inline}
.row-form{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-end}
.row-form .field{margin:0}
.row-form .error[role=alert]{flex-basis:100%;margin:0}
button.danger{background:#a10000;border-color:#a10000}
.secret{padding:.5rem .75rem;border-left:4px solid #1d6b2a;background:#eef7ef}
.secret code{font-size:1rem;word-break:break-all}
article.user{border-top:1px solid #d0d0d0;padding:.5rem 0}
ul.keys{padding-left:1.25rem}
.acting{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;flex-basis:100%;padding:.35rem .75rem;background:#fff7d6;color:#1a1a1a;border-radius:4px}
.acting button{background:#12324f;color:#fff}
`;
