// The preference page: reads the subscription (GET), lets its owner change tickers and rules, saves them (PUT).
// The token is the page's own ?token=, sent as "Authorization: Bearer". Everything the server or the user gave is
// written with textContent or .value, never as HTML.
(function () {
  'use strict';

  var root = document.getElementById('manage');
  var form = document.getElementById('preferences');
  var status = document.getElementById('status');
  var summary = document.getElementById('summary');
  var save = document.getElementById('save');
  var api = root.getAttribute('data-api');
  var token = new URLSearchParams(window.location.search).get('token') || '';

  // Fields that an error from the server can name ("tickers[3]" is shown next to "tickers").
  // "quietHours.start" is shown next to "quietHours".
  var FIELDS = ['tickers', 'actions', 'firms', 'excludeFirms', 'minTargetChangePct', 'minRating', 'direction', 'notableOnly', 'paused',
    'delivery', 'timeZone', 'digestTime', 'quietHours', 'maxPerHour', 'channels'];

  // The subscription's channels as last loaded or saved ({type, url, paused, pausedNote}).
  var channels = [];
  var CHANNEL_NAMES = { webhook: 'Webhook', slack: 'Slack', teams: 'Microsoft Teams' };

  // One item per channel: its kind and URL, the paused note when paused, a secret shown once, and a "Remove" box.
  function showChannels(list) {
    var ul = byId('channel-list');
    ul.textContent = '';
    channels = Array.isArray(list) ? list : [];
    channels.forEach(function (channel, i) {
      var li = document.createElement('li');
      li.className = 'channel';
      var name = document.createElement('strong');
      name.textContent = (CHANNEL_NAMES[channel.type] || String(channel.type)) + ': ';
      li.appendChild(name);
      var url = document.createElement('span');
      url.className = 'url';
      url.textContent = String(channel.url);
      li.appendChild(url);
      if (channel.paused) {
        var note = document.createElement('p');
        note.className = 'warning';
        note.id = 'channel-' + i + '-paused';
        note.textContent = 'Paused. ' + String(channel.pausedNote || '');
        li.appendChild(note);
      }

      if (channel.secret) {
        var secret = document.createElement('p');
        secret.className = 'hint';
        secret.textContent = 'Signing secret (shown this once; keep it to check the X-Alerts-Signature header): ' + String(channel.secret);
        li.appendChild(secret);
      }

      var label = document.createElement('label');
      label.className = 'check';
      var box = document.createElement('input');
      box.type = 'checkbox';
      box.name = 'removeChannel';
      box.value = String(i);
      label.appendChild(box);
      label.appendChild(document.createTextNode(' Remove'));
      li.appendChild(label);
      ul.appendChild(li);
    });

    if (channels.length === 0) {
      var none = document.createElement('li');
      none.className = 'hint';
      none.textContent = 'None: alerts go by email only.';
      ul.appendChild(none);
    }
  }

  // The channels to keep, and the one to add: existing ones are kept as they are, a new one is verified by the server.
  function readChannels() {
    var removed = Array.prototype.map.call(form.querySelectorAll('input[name="removeChannel"]:checked'), function (box) { return Number(box.value); });
    var kept = channels.filter(function (c, i) { return removed.indexOf(i) < 0; }).map(function (c) { return { type: c.type, url: c.url }; });
    var url = byId('newChannelUrl').value.trim();
    if (url !== '') {
      kept.push({ type: byId('newChannelType').value, url: url });
    }

    return kept;
  }

  // The browser's own zone, offered when the subscription has none yet.
  function browserZone() {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'; } catch (e) { return 'UTC'; }
  }

  function listZones() {
    var list = byId('timeZones');
    var zones = (typeof Intl.supportedValuesOf === 'function') ? Intl.supportedValuesOf('timeZone') : [];
    zones.forEach(function (zone) {
      var option = document.createElement('option');
      option.value = zone;
      list.appendChild(option);
    });
  }

  function showQuietTimes() {
    byId('quiet-times').hidden = !byId('quiet').checked;
  }

  var LEVELS = { strong_sell: 'strong sell', sell: 'sell', hold: 'hold', buy: 'buy', strong_buy: 'strong buy' };

  function say(text, kind) {
    status.textContent = text;
    status.setAttribute('data-kind', kind || '');
  }

  function byId(id) { return document.getElementById(id); }

  function splitTickers(text) {
    return text.split(/[\s,;]+/).map(function (t) { return t.trim(); }).filter(Boolean);
  }

  function splitLines(text) {
    return text.split(/\r?\n/).map(function (t) { return t.trim(); }).filter(Boolean);
  }

  function request(method, body) {
    var headers = { 'Authorization': 'Bearer ' + token, 'Accept': 'application/json' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }

    return fetch(api, {
      method: method,
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store'
    });
  }

  function describe(s) {
    summary.textContent = '';
    summary.appendChild(document.createTextNode('Alerts go to '));
    var email = document.createElement('strong');
    email.id = 'email';
    email.textContent = s.email;
    summary.appendChild(email);
    summary.appendChild(document.createTextNode('. '));
    var state = document.createElement('span');
    state.className = 'badge';
    state.id = 'state';
    state.textContent = s.status === 'pending'
      ? 'Waiting for confirmation: open the link in the confirmation email'
      : (s.paused ? 'Paused' : 'Active');
    summary.appendChild(state);
    if (s.status !== 'pending' && !s.paused) {
      summary.appendChild(document.createTextNode(s.delivery === 'digest'
        ? ' One digest a day at ' + s.digestTime + ' (' + (s.timeZone || 'UTC') + ').'
        : ' Each alert as it comes.'));
    }
  }

  // Tickers the securities master does not list: kept as written (a foreign or new listing is fine), with the near ones offered.
  function showWarnings(warnings) {
    var box = byId('tickers-warning');
    var list = Array.isArray(warnings) ? warnings : [];
    box.textContent = list.map(function (w) {
      var near = Array.isArray(w.suggestions) && w.suggestions.length > 0 ? ' Did you mean ' + w.suggestions.join(' or ') + '?' : '';
      return '"' + String(w.ticker) + '" is ' + String(w.message) + '.' + near;
    }).join(' ');
    box.hidden = list.length === 0;
  }

  function fill(s) {
    showWarnings(s.warnings);
    describe(s);
    byId('tickers').value = (s.tickers || []).join(', ');
    var actions = s.actions || [];
    form.querySelectorAll('input[name="actions"]').forEach(function (box) {
      box.checked = actions.indexOf(box.value) >= 0;
    });
    byId('firms').value = (s.firms || []).join('\n');
    byId('excludeFirms').value = (s.excludeFirms || []).join('\n');
    byId('minTargetChangePct').value = s.minTargetChangePct == null ? '' : String(s.minTargetChangePct);
    byId('minRating').value = s.minRating && LEVELS[s.minRating] ? s.minRating : '';
    var direction = s.direction || 'any';
    form.querySelectorAll('input[name="direction"]').forEach(function (radio) {
      radio.checked = radio.value === direction;
    });
    byId('paused').checked = !!s.paused;
    byId('notableOnly').checked = !!s.notableOnly;
    var delivery = s.delivery || 'instant';
    form.querySelectorAll('input[name="delivery"]').forEach(function (radio) {
      radio.checked = radio.value === delivery;
    });
    byId('timeZone').value = s.timeZone || browserZone();
    byId('digestTime').value = s.digestTime || '08:00';
    byId('quiet').checked = !!s.quietHours;
    byId('quietStart').value = s.quietHours ? s.quietHours.start : '22:00';
    byId('quietEnd').value = s.quietHours ? s.quietHours.end : '07:00';
    showQuietTimes();
    byId('maxPerHour').value = s.maxPerHour == null ? '' : String(s.maxPerHour);
    showChannels(s.channels);
    byId('newChannelUrl').value = '';
  }

  function read() {
    var pct = byId('minTargetChangePct').value.trim();
    var number = Number(pct);
    var direction = form.querySelector('input[name="direction"]:checked');
    var delivery = form.querySelector('input[name="delivery"]:checked');
    var cap = byId('maxPerHour').value.trim();
    var zone = byId('timeZone').value.trim();
    return {
      tickers: splitTickers(byId('tickers').value),
      actions: Array.prototype.map.call(form.querySelectorAll('input[name="actions"]:checked'), function (box) { return box.value; }),
      firms: splitLines(byId('firms').value),
      excludeFirms: splitLines(byId('excludeFirms').value),
      // Not a number: sent as typed, so that the server names the problem.
      minTargetChangePct: pct === '' ? null : (isFinite(number) ? number : pct),
      minRating: byId('minRating').value || null,
      direction: direction ? direction.value : 'any',
      paused: byId('paused').checked,
      notableOnly: byId('notableOnly').checked,
      delivery: delivery ? delivery.value : 'instant',
      timeZone: zone === '' ? null : zone,
      digestTime: byId('digestTime').value || null,
      quietHours: byId('quiet').checked ? { start: byId('quietStart').value, end: byId('quietEnd').value } : null,
      // Not a whole number: sent as typed, so that the server names the problem.
      maxPerHour: cap === '' ? null : (/^\d+$/.test(cap) ? Number(cap) : cap),
      channels: readChannels()
    };
  }

  function control(field) {
    if (field === 'actions') {
      return form.querySelector('input[name="actions"]');
    }

    if (field === 'direction' || field === 'delivery') {
      return form.querySelector('input[name="' + field + '"]:checked') || form.querySelector('input[name="' + field + '"]');
    }

    if (field === 'quietHours') {
      return byId('quietStart');
    }

    if (field === 'channels') {
      return byId('newChannelUrl');
    }

    return byId(field);
  }

  function clearErrors() {
    FIELDS.concat(['form']).forEach(function (field) {
      var error = byId(field + '-error');
      error.textContent = '';
      error.hidden = true;
      var input = control(field);
      if (input) {
        input.removeAttribute('aria-invalid');
      }
    });
  }

  // "tickers[1]" with the body sent: 'Ticker "$$$": must be ...'.
  function message(error, sent) {
    var match = /^(\w+)\[(\d+)\]$/.exec(error.field || '');
    if (match && Array.isArray(sent[match[1]]) && sent[match[1]][Number(match[2])] !== undefined) {
      return '"' + String(sent[match[1]][Number(match[2])]) + '" ' + error.message + '.';
    }

    return (error.field ? error.field + ' ' : '') + error.message + '.';
  }

  function showErrors(problem, sent) {
    var errors = (problem && Array.isArray(problem.errors)) ? problem.errors : [];
    var first = null;
    errors.forEach(function (error) {
      var field = String(error.field || '').replace(/\..*$/, '').replace(/\[\d+\]$/, '');
      if (FIELDS.indexOf(field) < 0) {
        field = 'form';
      }

      var box = byId(field + '-error');
      box.hidden = false;
      box.textContent = box.textContent ? box.textContent + ' ' + message(error, sent) : message(error, sent);
      var input = control(field);
      if (input) {
        input.setAttribute('aria-invalid', 'true');
        first = first || input;
      }
    });

    if (errors.length === 0) {
      var general = byId('form-error');
      general.hidden = false;
      general.textContent = (problem && (problem.detail || problem.title)) || 'The server refused the change.';
    }

    say(errors.length === 1 ? 'Not saved: one thing needs fixing, shown next to its field.'
      : errors.length > 1 ? 'Not saved: ' + errors.length + ' things need fixing, shown next to their fields.'
      : 'Not saved: see the message above the Save button.', 'error');
    if (first) {
      first.focus();
    }
  }

  function load() {
    say('Loading…');
    request('GET').then(function (response) {
      if (!response.ok) {
        throw new Error(response.status === 404 ? 'This link does not work any more. Links in newer emails still work.' : 'The subscription could not be loaded (' + response.status + '). Try again later.');
      }

      return response.json();
    }).then(function (subscription) {
      fill(subscription);
      form.hidden = false;
      say('');
    }).catch(function (error) {
      summary.textContent = '';
      say(error.message, 'error');
    });
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    clearErrors();
    var body = read();
    save.disabled = true;
    say('Saving…');
    request('PUT', body).then(function (response) {
      return response.text().then(function (text) {
        var json = null;
        try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
        return { ok: response.ok, status: response.status, json: json };
      });
    }).then(function (result) {
      if (result.ok) {
        fill(result.json);
        say('Saved. Alerts follow ' + result.json.tickers.length + (result.json.tickers.length === 1 ? ' ticker' : ' tickers') +
          (result.json.paused ? ', paused.' : result.json.delivery === 'digest' ? ', in a daily digest.' : '.'), 'ok');
      } else if (result.status === 400) {
        showErrors(result.json, body);
      } else if (result.status === 404) {
        say('This link does not work any more. Links in newer emails still work.', 'error');
      } else {
        say('Not saved: ' + ((result.json && result.json.detail) || ('the server answered ' + result.status)) + ' Try again.', 'error');
      }
    }).catch(function () {
      say('Not saved: the server could not be reached. Try again.', 'error');
    }).then(function () {
      save.disabled = false;
    });
  });

  byId('quiet').addEventListener('change', showQuietTimes);
  listZones();
  load();
}());
