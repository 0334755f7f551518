/**
 * Submits one fax per document over the API as a user would (multipart POST /v1/faxes with an API
 * key), `submitters` at a time, from 5551230000 to +1555300<firstNumber + index>; any answer but 202 throws.
 */
export async function submitFaxes(options: { base: string; apiKey: string; documents: readonly Buffer[]; submitters: number; firstNumber?: number }): Promise<void> {
  const { base, apiKey, documents } = options;
  let next = 0;
  const submitter = async () => {
    for (let index = next++; index < documents.length; index = next++) {
      const form = new FormData();
      form.set('to', `+1555300${String((options.firstNumber ?? 0) + index).padStart(4, '0')}`);
      form.set('from', '5551230000');
      form.append('file', new Blob([documents[index]!], { type: 'application/pdf' }), `letter-${index}.pdf`);
      const response = await fetch(`${base}/v1/faxes`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}` }, body: form });
      if (response.status !== 202) throw new Error(`POST /v1/faxes: ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: options.submitters }, submitter));
}
