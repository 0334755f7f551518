/** Text and attribute values go into the SVG escaped: labels are user data (gateway names, caller digits, tenant ids). */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** At most `max` characters, with an ellipsis: long labels stay readable in the chart (the table and <title> keep them whole). */
export function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

/** A coordinate with at most one decimal: smaller SVG, stable snapshots. */
export const px = (value: number) => String(Math.round(value * 10) / 10);

/** `role="img"` labelled by its own <title> and <desc>, so a screen reader announces what the chart shows. */
export function svgOpen(id: string, width: number, height: number, title: string, description: string): string {
  const t = escapeXml(id);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${t}-title ${t}-desc" id="${t}">` +
    `<title id="${t}-title">${escapeXml(title)}</title><desc id="${t}-desc">${escapeXml(description)}</desc>`
  );
}

export interface LegendEntry {
  name: string;
  color: string;
}

/** A row of colour swatches with their names, at the top of a chart. */
export function legend(entries: readonly LegendEntry[], x: number, y: number): string {
  let at = x;
  return entries
    .map((entry) => {
      const part = `<rect x="${px(at)}" y="${px(y - 10)}" width="12" height="12" fill="${escapeXml(entry.color)}"/><text x="${px(at + 16)}" y="${px(y)}">${escapeXml(entry.name)}</text>`;
      at += 16 + entry.name.length * 7.5 + 16;
      return part;
    })
    .join('');
}
