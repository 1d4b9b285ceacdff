/* Kurashi Gateway web chat: the chat itself, on the gateway's own page (/chat, or /chat?embed=1 inside the panel
 * that widget.js opens on the ward's site). It runs only on the gateway's origin, so its token and unsent messages
 * are kept where no script of another site can read them.
 * Protocol: docs/webchat-protocol.md. Plain JavaScript, no framework, no build step. */
(function () {
  'use strict';
  var script = document.currentScript;
  var base = new URL(script.src, location.href).origin;
  // Inside the ward site's panel (widget.js): a close button, and the widget's `opened` counts as asking to see the
  // conversation.
  var embedded = new URLSearchParams(location.search).get('embed') === '1' && window.parent !== window;
  // A deployment serving several offices: /chat/suita.
  var office = (location.pathname.match(/^\/chat\/([a-z0-9-]+)\/?$/) || [])[1] || '';
  var api = base + '/webchat' + (office ? '/' + office : '');
  var key = 'kurashi-chat:' + base + (office ? '/' + office : '') + ':';
  // The browser's storage, or none: a browser that blocks a framed site's storage (third-party cookies blocked, some
  // private modes) throws on every use, and the chat then keeps its token in memory for as long as the page is open.
  var area = (function () {
    try {
      window.localStorage.setItem(key + 'probe', '1');
      window.localStorage.removeItem(key + 'probe');
      return window.localStorage;
    } catch (e) { return null; }
  }());
  var memory = {};
  // The names of the chat's items in a storage area, read before any is removed: the order of key(i) may change as
  // items go (Chromium's did, and erasing by index left a token behind for the next person).
  function ours(a) {
    var names = [];
    for (var i = 0; i < a.length; i++) { names.push(a.key(i)); }
    return names.filter(function (name) { return name && name.indexOf(key) === 0; });
  }
  var store = {
    get: function (k) {
      try { return area ? area.getItem(key + k) : (memory[k] === undefined ? null : memory[k]); } catch (e) { return null; }
    },
    set: function (k, v) {
      try {
        if (area) { area.setItem(key + k, v); return; }
      } catch (e) {
        // Full, or refused since the probe: what is kept moves to memory, where the reads then look.
        try {
          ours(area).forEach(function (name) { memory[name.slice(key.length)] = area.getItem(name); });
        } catch (e2) { /* unreadable too */ }
        area = null;
      }
      memory[k] = String(v);
    },
    del: function (k) { delete memory[k]; try { if (area) { area.removeItem(key + k); } } catch (e) { /* blocked */ } },
    // Everything the chat keeps in this browser (it sets no cookies): on a shared PC nothing of the chat may be left
    // for the next person.
    wipe: function () {
      memory = {};
      sendingPhotos = {};
      photos.wipe();
      ['localStorage', 'sessionStorage'].forEach(function (name) {
        try {
          var a = window[name];
          ours(a).forEach(function (k) { a.removeItem(k); });
        } catch (e) { /* blocked */ }
      });
    }
  };
  // Photos not yet sent, in the gateway origin's IndexedDB (localStorage holds text only): a reload, a closed tab or a
  // dead battery does not lose a photo of a notice the resident took the trouble to send. Only where the browser keeps
  // storage for the chat at all; erased with everything else.
  var photos = (function () {
    var name = key + 'photos';
    function run(mode, work) {
      return new Promise(function (done, fail) {
        if (!area || !window.indexedDB) { fail(new Error('no storage')); return; }
        var opening = window.indexedDB.open(name, 1);
        opening.onupgradeneeded = function () { opening.result.createObjectStore('photos', { keyPath: 'clientId' }); };
        opening.onerror = function () { fail(opening.error); };
        opening.onsuccess = function () {
          var db = opening.result;
          var result;
          try {
            var tx = db.transaction('photos', mode);
            var request = work(tx.objectStore('photos'));
            if (request) { request.onsuccess = function () { result = request.result; }; }
            tx.oncomplete = function () { db.close(); done(result); };
            tx.onerror = tx.onabort = function () { db.close(); fail(tx.error); };
          } catch (e) { db.close(); fail(e); }
        };
      });
    }
    // Opened only once a photo was kept (the `photos` mark): opening creates the database, and an empty one on a shared
    // PC would still say that someone used the chat.
    return {
      put: function (clientId, image, token) {
        store.set('photos', '1');
        return run('readwrite', function (s) { s.put({ clientId: clientId, image: image, token: token }); })
          .catch(function () { /* kept in memory only */ });
      },
      del: function (clientId) {
        if (!store.get('photos')) { return Promise.resolve(); }
        return run('readwrite', function (s) { s['delete'](clientId); }).catch(function () { });
      },
      all: function () {
        if (!store.get('photos')) { return Promise.resolve([]); }
        return run('readonly', function (s) { return s.getAll(); }).then(function (r) { return r || []; }, function () { return []; });
      },
      wipe: function () { try { if (window.indexedDB) { window.indexedDB.deleteDatabase(name); } } catch (e) { /* blocked */ } }
    };
  }());
  // Photos being sent now, by clientId: a photo sent unseen that the conversation, once shown, must not send a second time.
  var sendingPhotos = {};
  var lang = store.get('lang') || ((navigator.language || 'ja').slice(0, 2) === 'en' ? 'en' : 'ja');
  var t = {};
  var config = null;
  var ws = null;
  // True once the server has answered this socket's auth and consent frames: chat frames wait until then
  // (in `pending`), so a message typed while a slow connection is still authenticating is sent right after.
  var ready = false;
  // The server answered this socket that its token is unknown, ended or expired (unknown_token before the 4401 close).
  var tokenRefused = false;
  // ... because the chat was opened on another device with its resume code.
  var movedAway = false;
  // Counts the times the chat was erased from this browser (here, or seen from another tab): a request begun before an
  // erase must not store what it gets after it.
  var erasures = 0;
  var rebuildTimer = null;
  // The chat token this page has seen in the browser's storage (or made, or got with a code): when another tab erases
  // or replaces it, this page must not go on showing that chat, nor make a new one at its next connect.
  var knownToken = null;
  var retryMs = 1000;
  // Each socket, session fetch and timer belongs to one generation of the chat; ending the chat, switching the
  // language or a changed notice starts a new one, and whatever an older one had in flight then does nothing (a
  // reconnect timer firing after "end and erase" would otherwise make a new token and store it after the wipe).
  var gen = 0;
  var connectTimer = null;
  var flushTimer = null;
  var ackTimer = null;
  var consentTimer = null;
  // Messages sent on the current socket and not yet answered: a flush sends the others only, so a rate limit or a
  // store failure on one message does not send the whole queue again (each resend was acked once more).
  var inFlight = {};
  // How long the server may take to answer a message before the socket is taken for dead (a phone moved between
  // networks, a NAT forgot the mapping: the browser still says "open" for minutes).
  var ACK_TIMEOUT_MS = 15000;
  var storeRetryMs = 2000;
  // The replay cursor (`after=`): the largest id of a `message` frame received. Never an ack's id: a staff reply
  // gets its id when queued but is pushed only once sent, so a later own message can hold a larger id than a
  // reply not yet shown, and a cursor past it would skip that reply for good.
  var lastId = 0;
  var shown = {};
  var pending = [];
  var typingTimer = null;
  var lastTypingSent = 0;
  var root;
  var el = {};
  // The conversation is shown only once the resident asks for it: a page load never shows an earlier chat, so the
  // next person at a shared PC sees nothing by reloading. In the panel, opening it from the launcher is the asking.
  var opened = !store.get('token');

  function h(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === 'text') { node.textContent = attrs[name]; } else if (name.slice(0, 2) === 'on') {
        node.addEventListener(name.slice(2), attrs[name]);
      } else { node.setAttribute(name, attrs[name]); }
    });
    (children || []).forEach(function (c) { if (c) { node.appendChild(c); } });
    return node;
  }

  function css() {
    var s = document.createElement('style');
    s.textContent = [
      '.kc{font-family:"Noto Sans JP","Hiragino Sans","Yu Gothic",Meiryo,sans-serif;font-size:1rem;line-height:1.6;color:#1a1a1a;box-sizing:border-box}',
      '.kc *{box-sizing:border-box}',
      '.kc-page{display:flex;flex-direction:column;min-height:100vh;max-width:48rem;margin:0 auto;background:#fff}',
      // In the panel the conversation takes what the desk's details leave, and scrolls on its own; only a panel too
      // short for both scrolls as a whole.
      '.kc-embed{display:flex;flex-direction:column;height:100vh;background:#fff;overflow-y:auto}',
      '.kc-embed .kc-body{flex:1 1 0;min-height:6rem}',
      '.kc-head{background:#0b5cad;color:#fff;padding:.5rem .75rem;display:flex;align-items:center;gap:.5rem;flex-wrap:wrap}',
      '.kc-head button{background:#fff;color:#0b5cad;border:0;border-radius:.4rem;padding:.3rem .6rem;font-size:.9rem;cursor:pointer}',
      '.kc-info{padding:.4rem .75rem;font-size:.9rem;background:#eef4fb;border-bottom:1px solid #c9d6e3}',
      '.kc-crisis{padding:.4rem .75rem;font-size:.9rem;background:#fff4e5;border-bottom:1px solid #e0b97a}',
      '.kc-crisis summary{font-weight:bold;cursor:pointer;color:#7a3e00}',
      '.kc-crisis ul{margin:.25rem 0 0;padding-left:1.1rem}',
      '.kc-crisis a{color:#7a3e00;font-weight:bold}',
      '.kc-desk{padding:.3rem .75rem;font-size:.85rem;background:#f5f7fa;border-bottom:1px solid #d0d7de}',
      '.kc-desk summary{cursor:pointer}',
      '.kc-desk p{margin:.25rem 0}',
      '.kc-desk a{color:#0b57d0}',
      '.kc-body{flex:1 1 auto;overflow-y:auto;padding:.75rem}',
      '.kc-notice{white-space:pre-wrap;font-size:.95rem}',
      '.kc-primary{background:#0b5cad;color:#fff;border:0;border-radius:.4rem;padding:.6rem 1rem;font-size:1rem;font-weight:bold;cursor:pointer;width:100%}',
      '.kc-log{list-style:none;margin:0;padding:0}',
      '.kc-msg{margin:.4rem 0;max-width:85%;padding:.5rem .7rem;border-radius:.6rem;white-space:pre-wrap;overflow-wrap:anywhere}',
      '.kc-resident{margin-left:auto;background:#dcebfa}',
      '.kc-staff{background:#f0f0f0}',
      '.kc-system{background:#fff4e5;max-width:100%}',
      '.kc-meta{display:block;font-size:.8rem;color:#4a4a4a}',
      '.kc-msg img{max-width:100%;border-radius:.3rem}',
      '.kc-status{min-height:1.4rem;padding:0 .75rem;font-size:.85rem;color:#8a1c1c}',
      '.kc-typing{min-height:1.4rem;padding:0 .75rem;font-size:.85rem;color:#4a4a4a}',
      '.kc-form{display:flex;gap:.4rem;padding:.5rem;border-top:1px solid #c9c9c9;align-items:flex-end;flex-wrap:wrap}',
      '.kc-form textarea{flex:1 1 12rem;min-height:2.8rem;max-height:8rem;font:inherit;padding:.4rem;border:1px solid #6b6b6b;border-radius:.4rem;resize:vertical}',
      '.kc-form button,.kc-file{background:#0b5cad;color:#fff;border:0;border-radius:.4rem;padding:.55rem .8rem;font-size:.95rem;cursor:pointer}',
      '.kc-file{background:#4a4a4a}',
      '.kc-again{margin-left:.4rem;background:#fff;color:#0b5cad;border:1px solid #0b5cad;border-radius:.3rem;padding:.1rem .5rem;font-size:.8rem;cursor:pointer}',
      '.kc-code{padding:.4rem .75rem;font-size:.9rem;background:#f5f7fa;border-top:1px solid #d0d7de}',
      '.kc-code summary{cursor:pointer}',
      '.kc-code p{margin:.3rem 0}',
      '.kc-code input{display:block;width:100%;font:inherit;font-family:monospace;padding:.4rem;margin:.3rem 0;border:1px solid #6b6b6b;border-radius:.4rem}',
      '.kc-code-value{display:block;font-family:monospace;font-size:1.3rem;letter-spacing:.08em;margin:.3rem 0;user-select:all}',
      '.kc-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}',
      '.kc button:focus-visible,.kc textarea:focus-visible,.kc a:focus-visible,.kc summary:focus-visible,.kc-file:focus-within{outline:3px solid #f5a623;outline-offset:2px}'
    ].join('\n');
    document.head.appendChild(s);
  }

  function load() {
    return Promise.all([
      fetch(base + '/webchat/i18n/' + lang + '.json').then(function (r) { return r.json(); }),
      fetch(api + '/config?lang=' + lang).then(function (r) { return r.json(); })
    ]).then(function (both) { t = both[0]; config = both[1]; });
  }

  function build() {
    if (root) { root.remove(); }
    root = h('section', { 'class': 'kc ' + (embedded ? 'kc-embed' : 'kc-page'), 'aria-label': config.name, lang: lang });
    document.documentElement.lang = lang;
    var head = h('div', { 'class': 'kc-head' }, [
      h('h1', { text: config.name, style: 'font-size:1.1rem;margin:0;flex:1 1 auto' }),
      h('button', { type: 'button', text: t.switchLanguage, 'aria-label': t.switchLanguageLabel, lang: lang === 'ja' ? 'en' : 'ja', onclick: switchLanguage }),
      h('button', { type: 'button', 'class': 'kc-end', text: t.endChat, 'aria-label': t.endChatLabel, onclick: endChat }),
      embedded ? h('button', { type: 'button', text: t.close, 'aria-label': t.closeLabel, onclick: closePanel }) : null
    ]);
    var info = h('div', { 'class': 'kc-info' }, [
      h('div', { text: t.hours + ': ' + config.hours }),
      h('div', { text: config.open ? t.nowOpen : t.nowClosed, 'data-testid': 'open-state' }),
      h('div', { text: t.sharedHint, 'data-testid': 'shared-hint' }),
      area ? null : h('div', { text: t.notKept, 'data-testid': 'not-kept' })
    ]);
    var crisis = h('details', { 'class': 'kc-crisis', open: '' }, [
      h('summary', { text: t.crisisTitle }),
      h('ul', {}, config.hotlines.map(function (line) {
        var digits = line.number.split('/')[0].replace(/[^0-9]/g, '');
        return h('li', {}, [h('span', { text: line.name + ' ' }), h('a', { href: 'tel:' + digits, text: line.number }),
          h('span', { text: '(' + line.hours + ')' })]);
      }))
    ]);
    var desk = config.desk || {};
    var contact = h('details', { 'class': 'kc-desk', 'data-testid': 'desk' }, [
      h('summary', { text: t.deskTitle }),
      desk.phone ? h('div', {}, [h('span', { text: t.deskPhone + ': ' }), h('a', { href: 'tel:' + desk.dial, text: desk.phone })]) : null,
      desk.address ? h('div', { text: t.deskAddress + ': ' + desk.address }) : null,
      desk.mapUrl ? h('div', {}, [h('a', { href: desk.mapUrl, target: '_blank', rel: 'noopener noreferrer', text: t.deskMap })]) : null,
      h('p', { 'data-testid': 'complaints' }, [h('strong', { text: t.complaintsTitle + ': ' }), h('span', { text: desk.complaints || '' })])
    ]);
    el.body = h('div', { 'class': 'kc-body' });
    el.status = h('div', { 'class': 'kc-status', role: 'alert' });
    el.typing = h('div', { 'class': 'kc-typing', 'aria-live': 'polite' });
    root.appendChild(head);
    root.appendChild(info);
    root.appendChild(crisis);
    root.appendChild(contact);
    root.appendChild(el.body);
    root.appendChild(el.typing);
    root.appendChild(el.status);
    el.form = null;
    knownToken = store.get('token');
    if (store.get('consented') !== config.privacyNotice.version) { consentView(); } else if (opened) { chatView(); } else { resumeView(); }
    host().appendChild(root);
    if (sendsUnseen()) { connect(); }
    if (!el.form && !!store.get('token') && store.get('consented') === config.privacyNotice.version) { sendPhotos(); }
  }

  function host() { return document.getElementById(script.getAttribute('data-target') || 'kurashi-chat'); }

  function consentView() {
    el.body.textContent = '';
    el.form = null;
    el.body.appendChild(h('h2', { text: t.privacyTitle, style: 'margin-top:0;font-size:1rem' }));
    el.body.appendChild(h('p', { 'class': 'kc-notice', text: config.privacyNotice.text }));
    el.body.appendChild(h('p', { text: t.anonymous }));
    el.body.appendChild(h('button', { type: 'button', 'class': 'kc-primary', text: t.consent, onclick: accept }));
    if (!store.get('token')) { el.body.appendChild(codeForm()); }
  }

  // A chat erased from this browser (or begun on another device) opens again with its resume code.
  function codeForm() {
    var inputId = 'kc-code-' + Math.random().toString(36).slice(2);
    var input = h('input', { id: inputId, type: 'text', autocomplete: 'off', autocapitalize: 'characters',
      spellcheck: 'false', maxlength: '40', 'data-testid': 'code-input' });
    var button = h('button', { type: 'submit', 'class': 'kc-again', text: t.useCode });
    return h('details', { 'class': 'kc-code', 'data-testid': 'have-code' }, [
      h('summary', { text: t.haveCode }),
      h('form', { onsubmit: function (e) {
        e.preventDefault();
        // One try at a time: a second tap on a slow line would use the code up twice over and keep the wrong token.
        if (button.disabled) { return; }
        button.disabled = true;
        resumeWith(input.value).then(function () { button.disabled = false; });
      } }, [
        h('label', { 'for': inputId, text: t.codeInputLabel }),
        input,
        button
      ])
    ]);
  }

  // The server gives the chat a new token (the old one, on the device the code was shown on, opens nothing any more).
  // The resident asked to see it by typing the code, so it is shown once they accept the notice in this browser.
  function resumeWith(code) {
    var mine = gen;
    var erasedBefore = erasures;
    // Only into a browser holding no chat: replacing another chat's token would send that chat's unsent text and photos
    // under this one's (another tab may have begun a chat since this page was drawn).
    if (store.get('token')) { status(t.codeOtherChat); return Promise.resolve(); }
    return fetch(api + '/sessions/resume', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code: code }) })
      .then(function (r) {
        if (!r.ok) { throw new Error(String(r.status)); }
        return r.json();
      }).then(function (b) {
        // The chat was erased from this browser while the code was on its way (会話を終了して消す, or another tab): its
        // token must not come back for the next person. Another tab began a chat meanwhile: that chat's token stays.
        if (erasures !== erasedBefore || store.get('token')) {
          if (mine === gen) { status(erasures !== erasedBefore ? t.error : t.codeLost); }
          return;
        }
        // Kept through a language switch (gen moved on): the code is used up, and this is the chat it opened.
        store.set('token', b.token);
        knownToken = b.token;
        opened = true;
        if (mine !== gen) { return; }
        if (store.get('consented') === config.privacyNotice.version) { chatView(); } else { consentView(); status(t.codeFound); }
        focusFirst();
      }).catch(function (err) {
        if (mine !== gen) { return; }
        var m = err && err.message;
        status(m === '404' ? t.codeUnknown : m === '429' ? t.rateLimited : /^[0-9]+$/.test(m) ? t.error : t.offline);
      });
  }

  // On a shared PC: a code that opens this chat again later (here, or on the resident's phone), and a way to erase the
  // chat from this browser without ending it, so the desk's reply can still be read.
  function codeBox() {
    var shownCode = h('div', { 'aria-live': 'polite' });
    return h('details', { 'class': 'kc-code', 'data-testid': 'code-box' }, [
      h('summary', { text: t.codeTitle }),
      h('p', { text: t.codeHint }),
      h('button', { type: 'button', 'class': 'kc-again', text: t.codeShow, onclick: function (e) { showCode(shownCode, e.target); } }),
      shownCode
    ]);
  }

  // Each code replaces the last: the button waits for the answer, so the code on screen is the one that works.
  function showCode(into, button) {
    var mine = gen;
    button.disabled = true;
    ensureSession().then(function (token) {
      return fetch(api + '/sessions/current/code', { method: 'POST', headers: { 'X-Chat-Token': token } });
    }).then(function (r) {
      if (!r.ok) { throw new Error(String(r.status)); }
      return r.json();
    }).then(function (b) {
      if (mine !== gen) { return; }
      into.textContent = '';
      into.appendChild(h('strong', { 'class': 'kc-code-value', 'data-testid': 'resume-code', 'aria-label': t.codeLabel,
        text: b.code }));
      into.appendChild(h('p', { text: t.codeKeep }));
      into.appendChild(h('button', { type: 'button', 'class': 'kc-primary', text: t.forget, 'aria-label': t.forgetLabel,
        onclick: forgetHere }));
    }).catch(function (err) {
      if (mine !== gen) { return; }
      status(err && /^[0-9]+$/.test(err.message) ? t.error : t.offline);
    }).then(function () { button.disabled = false; });
  }

  // Erases everything of the chat from this browser and leaves it open at the desk: its code opens it again. Not
  // while something written here has not reached the desk: nothing else would send it.
  function forgetHere() {
    if (keptPending().length || photosInFlight() || root.querySelector('[data-client-id]:not([data-id])')) {
      status(t.forgetPending);
      return;
    }
    var mine = gen;
    // Photos another tab of this browser still has to send count too.
    photos.all().then(function (kept) {
      if (mine !== gen) { return; }
      var token = store.get('token');
      if (kept.some(function (p) { return p.token === token; })) { status(t.forgetPending); } else { restart(t.forgotten); }
    });
  }

  function resumeView() {
    el.body.textContent = '';
    el.form = null;
    el.body.appendChild(h('p', { text: t.resumeHint }));
    el.body.appendChild(h('button', { type: 'button', 'class': 'kc-primary', text: t.resume,
      onclick: function () {
        // The chat was erased meanwhile in another tab: the page starts afresh rather than open a new chat unasked.
        if (!store.get('token')) { build(); return; }
        opened = true;
        chatView();
        el.input.focus();
      } }));
  }

  function chatView() {
    // A socket sending what an earlier page left unsent makes way for one that replays the whole conversation.
    if (ws) { closeSocket(); }
    el.body.textContent = '';
    el.log = h('ol', { 'class': 'kc-log', role: 'log', 'aria-live': 'polite', 'aria-label': t.logLabel });
    el.body.appendChild(el.log);
    var inputId = 'kc-input-' + Math.random().toString(36).slice(2);
    el.input = h('textarea', { id: inputId, rows: '2', maxlength: String(config.maxTextLength), placeholder: t.placeholder,
      onkeydown: onKey, oninput: onInput });
    var file = h('input', { type: 'file', accept: 'image/jpeg,image/png', 'class': 'kc-sr', 'aria-label': t.attachLabel, onchange: upload });
    el.form = h('form', { 'class': 'kc-form', onsubmit: function (e) { e.preventDefault(); sendText(); } }, [
      h('label', { 'for': inputId, 'class': 'kc-sr', text: t.inputLabel }),
      el.input,
      h('label', { 'class': 'kc-file' }, [h('span', { text: t.attach }), file]),
      h('button', { type: 'submit', text: t.send })
    ]);
    root.appendChild(el.form);
    root.appendChild(codeBox());
    shown = {};
    lastId = 0;
    pending.forEach(renderPending);
    sendPhotos();
    connect();
  }

  // `asOf`: the generation the caller belongs to. A caller from an ended chat (an upload's retry) gets nothing: neither
  // the next person's token nor a new chat made after the wipe.
  function ensureSession(asOf) {
    var mine = asOf === undefined ? gen : asOf;
    if (mine !== gen) { return Promise.reject(new Error('ended')); }
    var token = store.get('token');
    if (token) { knownToken = token; return Promise.resolve(token); }
    return fetch(api + '/sessions', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ language: lang }) })
      .then(function (r) { if (!r.ok) { throw new Error(r.status === 429 ? '429' : 'session'); } return r.json(); })
      .then(function (b) {
        // A chat ended meanwhile keeps nothing, not even a token made for it.
        if (mine !== gen) { throw new Error('ended'); }
        // Another tab began a chat (or opened one with its code) meanwhile: this page joins it, and does not replace its
        // token, which would cut that tab off.
        var meanwhile = store.get('token');
        if (meanwhile) { knownToken = meanwhile; return meanwhile; }
        store.set('token', b.token);
        knownToken = b.token;
        return b.token;
      });
  }

  function connect() {
    if (ws && ws.readyState <= 1) { return; }
    clearTimeout(connectTimer);
    if (!el.form) {
      // Sending unseen: only what is still kept, under the token it was written with. Another tab may have sent some,
      // or ended the chat (then there is no token, and no new chat may be made for the next person's messages).
      pending = keptPending();
      if (!store.get('token') || !sendsUnseen()) { status(''); return; }
    }
    var mine = gen;
    status(t.connecting);
    ensureSession().then(function (token) {
      if (mine !== gen || (ws && ws.readyState <= 1)) { return; }
      // The token goes in the first frame, never in the URL (proxy logs, browser history).
      var socket = new WebSocket(api.replace(/^http/, 'ws') + '/socket?after=' + lastId);
      ws = socket;
      ready = false;
      tokenRefused = false;
      movedAway = false;
      inFlight = {};
      socket.onopen = function () {
        socket.send(JSON.stringify({ type: 'auth', token: token }));
      };
      socket.onmessage = function (e) { onFrame(JSON.parse(e.data)); };
      socket.onclose = function (e) {
        // 4401: the chat ended (erased elsewhere, or unused too long): start afresh, keeping nothing. Only this
        // says the token is no good; a gateway restarting or a phone out of signal fails any number of connects,
        // and a new token then would be a new contact, cut off from the desk's replies to this one.
        // An auth_required close (the token reached the server too late, on a slow line) is not such an answer.
        if (e.code === 4401 && tokenRefused) {
          // Another tab has put another chat's token here since: that chat stays; this page shows it from the start.
          if (store.get('token') && store.get('token') !== token) { closeSocket(); opened = false; build(); return; }
          restart(movedAway ? t.moved : t.expired);
          return;
        }
        lost(socket);
      };
    }).catch(function (err) {
      if (mine !== gen) { return; }
      status(err && err.message === '429' ? t.rateLimited : t.offline);
      scheduleConnect();
    });
  }

  // The socket is gone (closed, or taken for dead): what it had in flight goes again on the next one (a socket sending
  // unseen connects again only while something is left to send).
  function lost(socket) {
    if (ws !== socket) { return; }
    socket.onclose = null;
    socket.onmessage = null;
    ws = null;
    ready = false;
    inFlight = {};
    clearTimeout(ackTimer);
    clearTimeout(flushTimer);
    clearTimeout(consentTimer);
    if (!el.form && !sendsUnseen()) { return; }
    status(t.offline);
    scheduleConnect();
  }

  function scheduleConnect() {
    clearTimeout(connectTimer);
    connectTimer = setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 30000);
  }

  // Back on a network, or back to the tab: a socket that dropped meanwhile connects now, not after its backoff.
  function reconnectNow() {
    if (!(el.form || sendsUnseen()) || (ws && ws.readyState <= 1)) { return; }
    retryMs = 1000;
    connect();
  }

  // Ends this generation: its socket, its timers and whatever they would still do.
  function closeSocket() {
    gen++;
    [connectTimer, flushTimer, ackTimer, consentTimer].forEach(clearTimeout);
    if (ws) { ws.onclose = null; ws.onmessage = null; ws.close(); ws = null; }
    ready = false;
    inFlight = {};
  }

  // A message not answered within ACK_TIMEOUT_MS means a socket that only looks open: it is dropped and the
  // message goes again, with its clientId, on a new one.
  function watchAcks() {
    clearTimeout(ackTimer);
    if (!Object.keys(inFlight).length || !ws) { return; }
    var socket = ws;
    ackTimer = setTimeout(function () {
      if (ws === socket && Object.keys(inFlight).length) { socket.close(); lost(socket); }
    }, ACK_TIMEOUT_MS);
  }

  function scheduleFlush(ms) {
    clearTimeout(flushTimer);
    flushTimer = setTimeout(flushPending, ms);
  }

  function accept() {
    store.set('consented', config.privacyNotice.version);
    chatView();
    // The button pressed is gone: the message box is where the resident goes next (keyboard, screen reader).
    el.input.focus();
  }

  // Names the notice the resident accepted here: the server records consent only to the notice it shows now.
  function sendConsent() {
    ws.send(JSON.stringify({ type: 'consent', accepted: true, version: store.get('consented') || undefined }));
  }

  // The notice changed since this page loaded it: the resident reads the current one and accepts it before chatting
  // on. Unsent messages stay in `pending` and go once they have.
  function noticeChanged() {
    closeSocket();
    store.del('consented');
    load().then(build, function () {
      status(t.offline);
      setTimeout(noticeChanged, retryMs);
      retryMs = Math.min(retryMs * 2, 30000);
    });
  }

  function onFrame(f) {
    if (f.type === 'auth') {
      status('');
      if (store.get('consented') === config.privacyNotice.version) { sendConsent(); }
    } else if (f.type === 'consent') {
      // The delay starts again only once the socket is in use: a socket refused right after its auth answer (one tab
      // too many: too_many_sockets, 4429) must keep backing off, not come back every second.
      retryMs = 1000;
      storeRetryMs = 2000;
      ready = true;
      clearTimeout(consentTimer);
      flushPending();
    } else if (f.type === 'ack') {
      delete inFlight[f.clientId];
      watchAcks();
      storeRetryMs = 2000;
      pending = pending.filter(function (p) { return p.clientId !== f.clientId; });
      storePending(function (kept) { return kept.filter(function (p) { return p.clientId !== f.clientId; }); });
      var node = root.querySelector('[data-client-id="' + f.clientId + '"]');
      var other = root.querySelector('[data-id="' + f.id + '"]');
      // Already shown by another line (committed before an ack that was lost, then replayed on reconnecting): this
      // one goes. A second ack of the same message (sent twice) finds the line it marked itself and leaves it.
      if (node && other && other !== node) { node.remove(); } else if (node) {
        node.setAttribute('data-id', f.id);
        node.querySelector('.kc-meta').textContent = t.you + ' ' + t.sent;
      }
      shown[f.id] = true;
      finishUnseen();
    } else if (f.type === 'message') {
      lastId = Math.max(lastId, f.id);
      render(f);
    } else if (f.type === 'typing' && el.form) { // nothing of the conversation before it is asked for
      el.typing.textContent = t.typing;
      clearTimeout(typingTimer);
      typingTimer = setTimeout(function () { el.typing.textContent = ''; }, 4000);
    } else if (f.type === 'error') {
      onError(f);
    }
  }

  function onError(f) {
    if (f.code === 'unknown_token' || f.code === 'auth_required') {
      tokenRefused = f.code === 'unknown_token';
      movedAway = tokenRefused && f.reason === 'moved';
      return; // the close (4401) that follows starts afresh, or tries again for auth_required
    }
    if (f.code === 'consent_required') {
      sendConsent();
      return;
    }
    if (f.code === 'notice_changed') {
      noticeChanged();
      return;
    }
    if (f.code === 'rate_limited') {
      // Not acknowledged, so still pending: sent again once the server's quota (retryAfter seconds) allows. One
      // timer for all: every refused message goes in the same flush.
      if (f.clientId) { delete inFlight[f.clientId]; }
      watchAcks();
      status(t.rateLimited);
      scheduleFlush(Math.min(Math.max(f.retryAfter || 10, 1), 120) * 1000);
      return;
    }
    if (f.code === 'text_too_long' || f.code === 'text_required') {
      if (f.clientId) { delete inFlight[f.clientId]; }
      watchAcks();
      drop(f.clientId);
      status(f.code === 'text_required' ? t.error : t.tooLong);
      return;
    }
    if (f.code === 'store_failed') {
      // The desk could not store it (a database hiccup): tried again on this socket, waiting longer each time.
      status(t.notSent);
      var wait = storeRetryMs;
      storeRetryMs = Math.min(storeRetryMs * 2, 30000);
      if (f.clientId) {
        delete inFlight[f.clientId];
        watchAcks();
        scheduleFlush(wait);
      } else if (!ready) {
        // Its consent was not stored: nothing can be sent on this socket until it is.
        var socket = ws;
        clearTimeout(consentTimer);
        consentTimer = setTimeout(function () { if (ws === socket && socket.readyState === 1 && !ready) { sendConsent(); } },
          wait);
      }
      return;
    }
    status(f.code === 'too_many_sockets' ? t.tooManyTabs : t.error);
  }

  function render(m) {
    if (!el.log || !el.log.isConnected || shown[m.id]) { return; } // not shown until the resident asks
    shown[m.id] = true;
    if (m.from === 'staff') { el.typing.textContent = ''; }
    var who = m.from === 'resident' ? t.you : m.from === 'staff' ? t.staff : t.system;
    var text = m.attachment && !m.text ? t.image : m.text;
    var item = h('li', { 'class': 'kc-msg kc-' + m.from, 'data-id': m.id }, [
      h('span', { 'class': 'kc-meta', text: who + ' ' + time(m.at) }),
      h('span', { 'class': 'kc-text', text: text })
    ]);
    insertOrdered(item, m.id);
  }

  function renderPending(p) {
    var item = h('li', { 'class': 'kc-msg kc-resident', 'data-client-id': p.clientId }, [
      h('span', { 'class': 'kc-meta', text: t.you + ' ' + t.sending }),
      h('span', { 'class': 'kc-text', text: p.text })
    ]);
    el.log.appendChild(item);
    scroll();
    return item;
  }

  function insertOrdered(item, id) {
    var nodes = el.log.querySelectorAll('[data-id]');
    for (var i = 0; i < nodes.length; i++) {
      if (Number(nodes[i].getAttribute('data-id')) > id) { el.log.insertBefore(item, nodes[i]); scroll(); return; }
    }
    var firstPending = el.log.querySelector('[data-client-id]:not([data-id])');
    el.log.insertBefore(item, firstPending);
    scroll();
  }

  function sendText() {
    var text = el.input.value.trim();
    if (!text) { return; }
    if (text.length > config.maxTextLength) { status(t.tooLong); return; }
    // Bound to the chat it was written in: sent under no other chat's token (null: the chat this page is beginning).
    var p = { clientId: newId(), text: text, token: store.get('token') };
    pending.push(p);
    storePending(function (kept) { return kept.concat([p]); });
    renderPending(p);
    el.input.value = '';
    transmit(p);
  }

  function transmit(p) {
    if (ws && ws.readyState === 1 && ready) {
      if (inFlight[p.clientId]) { return; } // sent on this socket, its answer still to come
      inFlight[p.clientId] = true;
      ws.send(JSON.stringify({ type: 'message', clientId: p.clientId, text: p.text }));
      if (Object.keys(inFlight).length === 1) { watchAcks(); } // the first unanswered one starts the clock
    } else if (ws && ws.readyState <= 1) {
      status(t.connecting); // kept in `pending`: sent once the server confirms auth and consent
    } else {
      status(t.notSent);
    }
  }

  function flushPending() { clearTimeout(flushTimer); status(''); pending.forEach(transmit); }

  function drop(clientId) {
    pending = pending.filter(function (p) { return p.clientId !== clientId; });
    storePending(function (kept) { return kept.filter(function (p) { return p.clientId !== clientId; }); });
    var node = root.querySelector('[data-client-id="' + clientId + '"]');
    if (node) { node.remove(); }
    finishUnseen();
  }

  function upload(e) {
    var file = e.target.files[0];
    e.target.value = '';
    if (!file) { return; }
    if (file.type !== 'image/jpeg' && file.type !== 'image/png') { status(t.notImage); return; }
    if (file.size > MAX_PHOTO_BYTES) { status(t.tooBig); return; }
    var mine = gen;
    prepareImage(file).then(function (image) {
      if (mine !== gen) { return; }
      if (image.size > config.maxUploadBytes) { status(t.tooBig); return; }
      var clientId = newId();
      var u = { image: image, clientId: clientId, gen: mine, tries: 0 };
      showPhoto(u);
      // Kept only once it belongs to a chat (its token): a photo of a chat erased meanwhile must never go into the next.
      // One session request, not two (sendImage asks for the token as well).
      ensureSession(mine).then(function (token) {
        if (mine === gen) { photos.put(clientId, image, token); }
        sendImage(u, 2000);
      }, function () { sendImage(u, 2000); });
    });
  }

  function showPhoto(u) {
    u.item = renderPending({ clientId: u.clientId, text: '' });
    u.preview = URL.createObjectURL(u.image);
    u.item.querySelector('.kc-text').appendChild(h('img', { src: u.preview, alt: t.image }));
  }

  // Photos an earlier page left unsent go now: shown in the conversation when it is open, else sent unseen (with the
  // chat's token, never a new chat's) like unsent text. One send per photo, whichever asked first.
  function sendPhotos() {
    var mine = gen;
    photos.all().then(function (kept) {
      if (mine !== gen) { return; }
      var token = store.get('token');
      kept.forEach(function (p) {
        // Another chat's (erased since, or a late write after the erase): never sent, and not kept.
        if (!token || p.token !== token) { photos.del(p.clientId); return; }
        var u = sendingPhotos[p.clientId];
        if (u && u.gen === gen) {
          if (el.form && !u.item) { showPhoto(u); } // sent unseen so far: the conversation is shown now
          return;
        }
        u = { image: p.image, clientId: p.clientId, gen: gen, tries: 0, unseen: !el.form };
        if (el.form) { showPhoto(u); }
        sendImage(u, 2000);
      });
    });
  }

  function photosInFlight() {
    return Object.keys(sendingPhotos).filter(function (id) { return sendingPhotos[id].gen === gen; }).length;
  }

  // A photo is done with: sent, or refused for good. An unseen send says so once the last one is done.
  function photoDone(u) {
    if (sendingPhotos[u.clientId] === u) { delete sendingPhotos[u.clientId]; }
    photos.del(u.clientId);
    if (u.unseen && !el.form && !photosInFlight() && !pending.length) { status(t.pendingSent); }
  }

  // How many times an image goes again after no answer or a 5xx before the resident is asked: a stuck upload would
  // otherwise use up the address's upload quota (shared by a ward's PC corner, or a phone carrier's NAT).
  var UPLOAD_TRIES = 8;

  // The same image under the same clientId until the desk answers: an answer lost on a poor line is sent again and
  // stored once (the server keeps one message per clientId), where picking the photo again would store it twice.
  // Kept in IndexedDB too (`photos`) until the desk answers or refuses it for good. Nothing of an ended chat goes on (u.gen).
  function sendImage(u, wait) {
    if (u.gen !== gen || (u.item && !u.item.isConnected) || (!u.item && !store.get('token'))) { // unseen: never a new chat
      if (sendingPhotos[u.clientId] === u) { delete sendingPhotos[u.clientId]; }
      return;
    }
    sendingPhotos[u.clientId] = u;
    u.tries++;
    function again(ms) {
      if (u.tries >= UPLOAD_TRIES) {
        // Unseen, nobody could press もう一度送る: kept for the next page of the chat.
        if (u.item) { offerAgain(u); } else if (sendingPhotos[u.clientId] === u) { delete sendingPhotos[u.clientId]; }
        return;
      }
      if (u.item) { status(t.notSent); }
      var timer = setTimeout(function () {
        window.removeEventListener('online', now);
        sendImage(u, Math.min(wait * 2, 30000));
      }, ms);
      function now() { clearTimeout(timer); window.removeEventListener('online', now); sendImage(u, 2000); }
      window.addEventListener('online', now);
    }
    (u.item ? ensureSession(u.gen) : Promise.resolve(store.get('token'))).then(function (token) {
      if (!token) { throw new Error('ended'); }
      return fetch(api + '/uploads', { method: 'POST', body: u.image,
        headers: { 'X-Chat-Token': token, 'X-Client-Id': u.clientId, 'Content-Type': u.image.type } });
    }).then(function (r) {
      if (r.ok) { return r.json(); }
      var err = new Error(String(r.status));
      err.retryAfter = Number(r.headers.get('Retry-After')) || 0;
      throw err;
    }).then(function (b) {
      // Stored at the desk, whatever this page did meanwhile (showed the conversation, switched language).
      photos.del(u.clientId);
      if (u.gen !== gen) {
        if (sendingPhotos[u.clientId] === u) { delete sendingPhotos[u.clientId]; }
        return;
      }
      photoDone(u);
      if (!u.item) { return; }
      // Shown already as 「[画像]」 (pushed to this chat's sockets, or replayed while the answer was lost): the line
      // with the picture stays.
      var other = root.querySelector('[data-id="' + b.id + '"]');
      if (other && other !== u.item) { other.remove(); }
      u.item.setAttribute('data-id', b.id);
      u.item.querySelector('.kc-meta').textContent = t.you + ' ' + t.sent;
      shown[b.id] = true;
      status('');
    }).catch(function (err) {
      if (u.gen !== gen || err.message === 'ended') { // the chat was ended meanwhile: nothing to say
        if (sendingPhotos[u.clientId] === u) { delete sendingPhotos[u.clientId]; }
        return;
      }
      var code = err.message;
      if (code === '413' || code === '415' || code === '401' || code === '400') {
        photoDone(u);
        if (!u.item) { return; }
        u.item.remove();
        URL.revokeObjectURL(u.preview);
        status(code === '413' ? t.tooBig : code === '415' ? t.notImage : t.error);
      } else if (code === '429') {
        status(t.rateLimited);
        again(Math.min(Math.max(err.retryAfter || 10, 1), 120) * 1000);
      } else {
        again(wait); // no answer, a 5xx, or consent not yet recorded (403): sent again as it was
      }
    });
  }

  // After UPLOAD_TRIES the line says so and offers to send it again, with the same clientId.
  function offerAgain(u) {
    status(t.notSent);
    var meta = u.item.querySelector('.kc-meta');
    meta.textContent = t.you + ' ' + t.uploadFailed + ' ';
    meta.appendChild(h('button', { type: 'button', 'class': 'kc-again', text: t.sendAgain, onclick: function () {
      meta.textContent = t.you + ' ' + t.sending;
      u.tries = 0;
      sendImage(u, 2000);
    } }));
  }

  // Photos from a phone are several megabytes and say where they were taken (EXIF, GPS). Each is drawn again with at
  // most MAX_IMAGE_PIXELS (a tall screenshot keeps its width better than with a limit per side), which keeps it
  // readable (a notice, a bill), light on a poor line, and without its metadata. A file larger than MAX_PHOTO_BYTES is
  // not opened at all: decoding it could take more memory than a cheap phone gives a tab.
  var MAX_IMAGE_PIXELS = 2048 * 2048;
  var MAX_PHOTO_BYTES = 30 * 1024 * 1024;
  function prepareImage(file) {
    if (!window.createImageBitmap || !window.HTMLCanvasElement || !HTMLCanvasElement.prototype.toBlob) {
      return withoutMetadata(file);
    }
    return createImageBitmap(file, { imageOrientation: 'from-image' }).then(function (bitmap) {
      var scale = Math.min(1, Math.sqrt(MAX_IMAGE_PIXELS / (bitmap.width * bitmap.height)));
      var width = Math.max(1, Math.floor(bitmap.width * scale));
      var height = Math.max(1, Math.floor(bitmap.height * scale));
      function encode(type) {
        var canvas = document.createElement('canvas');
        canvas.width = width;
        canvas.height = height;
        var g = canvas.getContext('2d');
        if (type === 'image/jpeg') { g.fillStyle = '#fff'; g.fillRect(0, 0, width, height); } // no transparency in JPEG
        g.drawImage(bitmap, 0, 0, width, height);
        return new Promise(function (done) {
          canvas.toBlob(function (blob) { canvas.width = 0; canvas.height = 0; done(blob); }, type, 0.85);
        });
      }
      // A screenshot stays PNG, sharp for text, unless that is too large to send.
      return encode(file.type).then(function (blob) {
        return blob && blob.type === 'image/png' && blob.size > config.maxUploadBytes ? encode('image/jpeg') : blob;
      }).then(function (blob) {
        if (bitmap.close) { bitmap.close(); }
        return blob && blob.size > 0 ? blob : withoutMetadata(file);
      });
    }).catch(function () { return withoutMetadata(file); });
  }

  // An image the browser cannot draw goes as it is, but a JPEG without its APP1 segments (EXIF, XMP: where and when it
  // was taken). A file that is not the JPEG it says is sent unchanged: the desk refuses what is not an image.
  function withoutMetadata(file) {
    if (file.type !== 'image/jpeg' || !file.arrayBuffer) { return Promise.resolve(file); }
    return file.arrayBuffer().then(function (buffer) {
      var bytes = new Uint8Array(buffer);
      if (bytes[0] !== 0xFF || bytes[1] !== 0xD8) { return file; }
      var parts = [bytes.subarray(0, 2)];
      var at = 2;
      while (at + 4 <= bytes.length && bytes[at] === 0xFF && bytes[at + 1] !== 0xDA) {
        var length = (bytes[at + 2] << 8) | bytes[at + 3];
        if (length < 2 || at + 2 + length > bytes.length) { return file; }
        if (bytes[at + 1] !== 0xE1) { parts.push(bytes.subarray(at, at + 2 + length)); }
        at += 2 + length;
      }
      parts.push(bytes.subarray(at));
      return new Blob(parts, { type: 'image/jpeg' });
    }, function () { return file; });
  }

  function onKey(e) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      sendText();
    }
  }

  function onInput() {
    var now = Date.now();
    if (ws && ws.readyState === 1 && ready && now - lastTypingSent > 2000) {
      lastTypingSent = now;
      ws.send('{"type":"typing"}');
    }
  }

  /** Ends the chat on the server and erases everything the chat stored in the browser. */
  function endChat() {
    var token = store.get('token');
    if (token) {
      // Erased here even when the request fails: the server then ends the token after the idle limit.
      // keepalive: the request goes even when the resident closes the tab right after pressing the button.
      fetch(api + '/sessions/current', { method: 'DELETE', headers: { 'X-Chat-Token': token }, keepalive: true })
        .catch(function () { /* offline */ });
    }
    restart(t.ended);
  }

  function restart(message) {
    closeSocket();
    erasures++;
    knownToken = null;
    store.wipe();
    pending = [];
    shown = {};
    lastId = 0;
    retryMs = 1000;
    build();
    status(message);
    focusFirst(); // the button pressed is gone with the chat it was in
  }

  // The texts of the other language first; only once they are here does the chat close and open again in it. On a
  // poor line that fails, the chat goes on as it was (residents who need the other language press this first).
  function switchLanguage() {
    var previous = lang;
    lang = lang === 'ja' ? 'en' : 'ja';
    load().then(function () {
      store.set('lang', lang);
      closeSocket();
      build();
      var again = root.querySelector('.kc-head button');
      if (again) { again.focus(); }
    }, function () {
      lang = previous;
      status(t.error);
    });
  }

  // The panel's close button and Escape: the ward site's page hides the panel (the chat and its socket go on). The
  // message carries nothing, so it may go to whichever page frames this one (only WEBCHAT_FRAME_ANCESTORS may).
  function closePanel() {
    if (embedded) { window.parent.postMessage({ type: 'kurashi-chat:close' }, '*'); }
  }

  function focusFirst() {
    if (!root) { return; }
    var target = el.input && el.input.isConnected ? el.input : root.querySelector('.kc-primary') || root.querySelector('button');
    if (target) { target.focus(); }
  }

  // The widget opened the panel: as pressing 会話を表示する. Only from the page framing this one, and only from a site
  // allowed to: a page that framed the chat of its own accord (an inline iframe) shows no earlier conversation.
  function onParentMessage(e) {
    if (e.source !== window.parent || !e.data || e.data.type !== 'kurashi-chat:opened' || !config
        || (config.embedOrigins || []).indexOf(e.origin) < 0) { return; }
    if (!opened) {
      opened = true;
      if (store.get('consented') === config.privacyNotice.version) { chatView(); }
    }
    focusFirst();
  }

  // Messages an earlier page of this chat left unsent (the tab closed, or the line dropped, before the desk answered)
  // go as soon as the page loads, though the conversation stays hidden until the resident asks to see it: they were
  // written to be sent, and the resident may never press 会話を表示する. Only with the resident's consent on record here.
  function sendsUnseen() {
    return !el.form && pending.length > 0 && !!config && store.get('consented') === config.privacyNotice.version;
  }

  // The last unseen message answered (acknowledged, or refused for good): the socket goes, it has nothing left to do.
  function finishUnseen() {
    if (!el.form && ws && !pending.length) { closeSocket(); status(t.pendingSent); }
  }

  // Unsent messages of the chat this browser holds now; one written in another chat (erased since) is never sent.
  function keptPending() {
    var kept;
    try { kept = JSON.parse(store.get('pending') || '[]'); } catch (e) { kept = []; }
    var token = store.get('token');
    return (Array.isArray(kept) ? kept : []).filter(function (p) { return !p.token || p.token === token; });
  }

  // Set only when it changes: the status line is read out by screen readers each time it is written.
  function status(text) { if (el.status && el.status.textContent !== text) { el.status.textContent = text; } }
  // Read, changed and written at once: another tab of the same chat keeps its own unsent messages in the same list,
  // and writing this tab's list whole would drop theirs.
  function storePending(change) {
    store.set('pending', JSON.stringify(change(keptPending())));
  }
  function scroll() { el.body.scrollTop = el.body.scrollHeight; }
  function newId() { return Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 10); }
  function time(iso) {
    var d = new Date(iso);
    return ('0' + d.getHours()).slice(-2) + ':' + ('0' + d.getMinutes()).slice(-2);
  }

  function init() {
    css();
    pending = keptPending();
    load().then(function () {
      build();
      // The widget moves the focus here and says `opened` once it knows the chat is shown.
      if (embedded) { window.parent.postMessage({ type: 'kurashi-chat:ready' }, '*'); }
    }).catch(function () {
      var fail = h('p', { 'class': 'kc', role: 'alert', text: 'チャットを読み込めませんでした。お電話でご相談ください。 / The chat could not be loaded.' });
      host().appendChild(fail);
    });
  }

  if (embedded) {
    window.addEventListener('message', onParentMessage);
    document.addEventListener('keydown', function (e) {
      // Not the Escape that cancels a conversion in a Japanese input method.
      if (e.key === 'Escape' && !e.isComposing && e.keyCode !== 229) { closePanel(); }
    });
  }

  // Another tab erased the chat from this browser (この端末から消す, 会話を終了して消す): this page shows it no more,
  // and does not go on in a new chat of its own at its next connect (it would find no token, and make one).
  // A chat another tab opened with its code replaces this page's the same way. The page starts again from what the
  // browser now holds; it erases nothing itself (the other tab's chat is there).
  window.addEventListener('storage', function (e) {
    if (!root || !knownToken || (e.key !== null && e.key !== key + 'token') || e.newValue === knownToken) { return; }
    closeSocket();
    knownToken = null;
    if (!e.newValue) { erasures++; pending = []; }
    // The other tab changes several items one by one, and each change comes as its own event: read them once it is done.
    clearTimeout(rebuildTimer);
    rebuildTimer = setTimeout(function () {
      closeSocket();
      pending = keptPending();
      shown = {};
      lastId = 0;
      opened = false;
      build();
      status(t.erasedElsewhere);
    }, 100);
  });
  window.addEventListener('online', reconnectNow);
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'visible') { reconnectNow(); }
  });
  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', init); } else { init(); }
}());
