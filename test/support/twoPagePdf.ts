/**
 * A two-page A4 PDF (text lines and a few boxes, Helvetica) whose pages carry `label`, written
 * without ghostscript so a bench can make hundreds of distinct documents cheaply: equal uploads
 * would let the document store skip conversions a real workload pays for.
 */
export function twoPagePdf(label: string): Buffer {
  const page = (n: number) => {
    const lines = [`Invoice ${label}`, `Page ${n} of 2`, ...Array.from({ length: 30 }, (_, row) => `${label} line ${row + 1}: ${'lorem ipsum dolor sit amet '.repeat(2)}`)];
    const text = lines.map((line, row) => `BT /F1 ${row < 2 ? 18 : 10} Tf 56 ${780 - row * 22} Td (${line.replace(/[()\\]/g, '')}) Tj ET`).join('\n');
    return `${text}\n0 g 56 60 ${120 + n * 40} 30 re f\n0.5 g 300 60 ${200 - n * 30} 60 re f`;
  };
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 6 0 R >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 7 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    ...[1, 2].map((n) => {
      const content = page(n);
      return `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`;
    }),
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}
