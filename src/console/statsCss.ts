/** The Statistics page: window links, the figures, and charts that shrink to the screen's width. */
export const statsCss = `
nav.windows ul{display:flex;flex-wrap:wrap;gap:.5rem;list-style:none;margin:0 0 .75rem;padding:0}
nav.windows a{display:inline-block;padding:.3rem .8rem;border:1px solid #12324f;border-radius:4px;text-decoration:none;color:#12324f}
nav.windows a[aria-current=page]{background:#12324f;color:#fff;font-weight:600}
p.scope{color:#4a4a4a}
p.empty{padding:1rem;background:#f3f5f7;border-radius:6px}
dl.stats-summary dd{font-variant-numeric:tabular-nums}
.charts{display:flex;flex-wrap:wrap;gap:1rem}
.chart-box{max-width:36rem;flex:1 1 20rem}
svg.chart{width:100%;height:auto;font:12px system-ui,sans-serif}
svg.chart text{fill:#1a1a1a}
svg.chart .grid{stroke:#d0d0d0;stroke-width:1}
svg.chart .baseline{stroke:#595959;stroke-width:1}
details.figures{margin:.5rem 0 1.5rem}
details.figures summary{cursor:pointer;color:#0645ad}
details.figures td,details.figures th{font-variant-numeric:tabular-nums}
section h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
`;
