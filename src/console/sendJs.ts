// Served at /console/send.js. The pages work without it (the form posts, the fax page reloads);
// it adds the drop zone with a list of the chosen files, checks them against the limits before the
// upload, and follows an outbound fax's progress live.

/** Drop zone and file checks on /send; live progress on a fax page (`[data-live-progress]`). */
export const sendJs = `
(function () {
  function words(bytes) {
    return bytes >= 1048576 ? (Math.round(bytes / 104857.6) / 10) + ' MB' : bytes >= 1024 ? (Math.round(bytes / 102.4) / 10) + ' KB' : bytes + ' bytes';
  }
  var accepted = /\\.(pdf|tiff?|png|jpe?g)$/i;

  var form = document.querySelector('[data-send-form]');
  if (form) {
    var zone = form.querySelector('[data-dropzone]');
    var input = form.querySelector('input[type=file]');
    var list = form.querySelector('.chosen-files');
    var status = document.getElementById('send-status');
    var maxFile = Number(form.getAttribute('data-max-file-bytes'));
    var maxTotal = Number(form.getAttribute('data-max-total-bytes'));
    var maxFiles = Number(form.getAttribute('data-max-files'));
    var problem = function () {
      var files = input.files, total = 0;
      if (files.length > maxFiles) return files.length + ' documents: at most ' + maxFiles + ' per fax.';
      for (var i = 0; i < files.length; i++) {
        var f = files[i];
        total += f.size;
        if (!accepted.test(f.name)) return f.name + ': this kind of file cannot be faxed (send PDF, TIFF, PNG or JPEG).';
        if (f.size > maxFile) return f.name + ' is ' + words(f.size) + ': at most ' + words(maxFile) + ' per document.';
      }
      if (total > maxTotal) return 'The documents are ' + words(total) + ' together: at most ' + words(maxTotal) + '.';
      return '';
    };
    var show = function () {
      list.textContent = '';
      for (var i = 0; i < input.files.length; i++) {
        var item = document.createElement('li');
        item.textContent = input.files[i].name + ' (' + words(input.files[i].size) + ')';
        list.appendChild(item);
      }
      var text = problem();
      status.textContent = text;
      status.classList.toggle('error', text !== '');
    };
    input.addEventListener('change', show);
    zone.classList.add('droppable');
    zone.querySelector('.drop-hint').hidden = false;
    ['dragenter', 'dragover'].forEach(function (type) {
      zone.addEventListener(type, function (event) { event.preventDefault(); zone.classList.add('dragging'); });
    });
    ['dragleave', 'drop'].forEach(function (type) {
      zone.addEventListener(type, function () { zone.classList.remove('dragging'); });
    });
    zone.addEventListener('drop', function (event) {
      event.preventDefault();
      if (!event.dataTransfer || !window.DataTransfer) return;
      // Dropped files join those already chosen, in the order they came.
      var all = new DataTransfer();
      for (var i = 0; i < input.files.length; i++) all.items.add(input.files[i]);
      for (var j = 0; j < event.dataTransfer.files.length; j++) all.items.add(event.dataTransfer.files[j]);
      input.files = all.files;
      show();
    });
    form.addEventListener('submit', function (event) {
      var text = problem();
      if (text) {
        event.preventDefault();
        status.textContent = text;
        status.classList.add('error');
        input.focus();
        return;
      }
      if (form.getAttribute('data-sending')) { event.preventDefault(); return; }
      form.setAttribute('data-sending', 'yes');
      status.classList.remove('error');
      status.textContent = 'Uploading and converting the documents…';
    });
  }

  var panel = document.querySelector('[data-live-progress]');
  if (panel && window.EventSource) {
    var source = new EventSource(panel.getAttribute('data-live-progress'));
    var line = document.getElementById('progress-status');
    source.addEventListener('progress', function (message) {
      var p = JSON.parse(message.data);
      // Only a changed sentence is written, so screen readers announce each step once.
      if (line.textContent !== p.status) line.textContent = p.status;
      line.className = 'progress-status outcome-' + p.outcome;
      document.getElementById('progress-steps').innerHTML = p.steps;
      document.getElementById('fax-actions').innerHTML = p.actions;
      var timeline = document.getElementById('timeline');
      if (timeline) timeline.innerHTML = p.timeline;
      refreshSummary();
      if (p.finished) { source.close(); panel.removeAttribute('data-live-progress'); }
    });
  }

  // The summary (result, pages, rate, attempts) is the fax page's own: read again from the page itself.
  var fetching = false, stale = false;
  function refreshSummary() {
    var summary = document.querySelector('section[aria-labelledby=summary-heading]');
    if (!summary || !window.DOMParser) return;
    if (fetching) { stale = true; return; }
    fetching = true;
    fetch(location.href, { credentials: 'same-origin' }).then(function (response) {
      return response.ok ? response.text() : '';
    }).then(function (text) {
      var fresh = text && new DOMParser().parseFromString(text, 'text/html').querySelector('section[aria-labelledby=summary-heading]');
      if (fresh) summary.replaceWith(document.importNode(fresh, true));
    }).catch(function () {}).then(function () {
      fetching = false;
      if (stale) { stale = false; refreshSummary(); }
    });
  }
})();
`;
