/** The send form, its drop zone, an outbound fax's progress steps and actions (contrast ≥ 4.5:1). */
export const sendCss = `
.send-form{max-width:40rem}
.send-form .field{margin-bottom:.9rem}
.send-form input[type=tel],.send-form input[type=text],.send-form select{width:100%}
.send-form .hint{margin:.1rem 0 .4rem;font-size:.9rem;color:#4a4a4a}
.send-form fieldset{border:1px solid #d0d0d0;border-radius:6px;padding:.5rem .9rem;margin:0 0 1rem}
.send-form legend{font-weight:600;padding:0 .3rem}
.dropzone.droppable{border:2px dashed #595959;border-radius:6px;padding:.75rem;background:#f3f5f7}
.dropzone.dragging{border-color:#12324f;background:#e4ecf5}
.drop-hint{margin:.25rem 0;color:#4a4a4a}
.chosen-files{margin:.25rem 0;padding-left:1.2rem}
.field-error{margin:.25rem 0 0}
.error-summary h2{font-size:1.1rem;margin:0 0 .25rem}
.error-summary ul{margin:.25rem 0}
.send-status{min-height:1.5rem;font-weight:600}
section.progress{margin-bottom:1rem;padding:.75rem 1rem;border:1px solid #d0d0d0;border-radius:6px;background:#f8f9fa}
section.progress h2{margin-top:0}
.progress-status{font-size:1.1rem;font-weight:600;margin:.25rem 0 .5rem}
.progress-status.outcome-sent{color:#1d6b2a}
.progress-status.outcome-failed,.progress-status.outcome-cancelled{color:#a10000}
.progress-status.outcome-retrying{color:#7a4100}
ol.progress-steps{list-style:none;padding:0;margin:0 0 .75rem}
ol.progress-steps li{padding:.15rem 0}
.step-mark{display:inline-block;width:1.4rem;text-align:center;font-weight:700}
.step-done .step-mark{color:#1d6b2a}
.step-failed .step-mark{color:#a10000}
.step-current .step-label{font-weight:700}
.step-todo{color:#4a4a4a}
.step-detail{color:#333}
.fax-actions{display:flex;flex-wrap:wrap;gap:.75rem}
.fax-actions form{margin:0}
button.danger{background:#a10000;border-color:#a10000}
`;
