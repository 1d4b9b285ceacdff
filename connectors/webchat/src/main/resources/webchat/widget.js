/* Kurashi Gateway web chat on the ward's own site. One <script src=".../webchat/widget.js" defer></script> adds a
 * launcher. The chat itself is the gateway's page (/chat, chat.js): framed in a panel where this site is one of the
 * gateway's WEBCHAT_FRAME_ANCESTORS, opened in a new tab elsewhere. Either way nothing of the chat (its token, the
 * messages not yet sent) is kept on the ward's origin, where any script of the ward's site could read it.
 * Plain JavaScript, no framework, no build step. */
(function () {
  'use strict';
  var script = document.currentScript;
  var src = new URL(script.src, location.href);
  var base = src.origin;
  if (script.getAttribute('data-mode') === 'page') {
    // A /chat page from before chat.js (kept in a cache for a few minutes after an upgrade): the chat in its place.
    var chat = document.createElement('script');
    chat.src = base + '/webchat/chat.js';
    chat.setAttribute('data-target', script.getAttribute('data-target') || 'kurashi-chat');
    document.head.appendChild(chat);
    return;
  }
  // A deployment serving several offices: widget.js?office=suita.
  var office = src.searchParams.get('office') || '';
  if (!/^[a-z0-9-]*$/.test(office)) { office = ''; }
  var suffix = office ? '/' + office : '';
  if (window['kurashi-chat' + suffix]) { return; } // the tag twice on one page: one launcher
  window['kurashi-chat' + suffix] = true;
  var chatUrl = base + '/chat' + suffix;
  var lang = (navigator.language || 'ja').slice(0, 2) === 'en' ? 'en' : 'ja';
  // Until the desk's texts arrive (or if they never do on a poor line), the launcher is a plain link to the chat.
  var t = lang === 'en'
    ? { open: 'Chat with us', openTabLabel: 'Chat with us (opens in a new tab)' }
    : { open: '相談する', openTabLabel: 'チャットで相談する(新しいタブで開きます)' };
  var launch;
  var panel;
  var frame = null;
  // The frame has shown the chat: the focus may go into it.
  var frameReady = false;
  // Shown in the panel, over the frame, when the chat has not shown itself in FRAME_WAIT_MS (no line, the gateway
  // down): the only way out of a panel that fills a phone's screen may otherwise be inside a frame that never loaded.
  var failure;
  var failTimer = null;
  var FRAME_WAIT_MS = 10000;
  // On a phone the panel fills the screen: the ward's page behind it (and the launcher under it) is made inert while
  // it is open, so neither Tab nor a screen reader leaves the chat for a page nobody sees.
  var phone = window.matchMedia ? window.matchMedia('(max-width:30rem)') : null;
  var madeInert = [];

  function h(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs).forEach(function (name) {
      if (name === 'text') { node.textContent = attrs[name]; } else if (name.slice(0, 2) === 'on') {
        node.addEventListener(name.slice(2), attrs[name]);
      } else { node.setAttribute(name, attrs[name]); }
    });
    return node;
  }

  // Widgets before the chat moved to the gateway's page kept the chat here, under this prefix. It is not handed on
  // (a script of this site could have planted a token of its own there, and read the chat a resident then wrote in
  // it): it is erased, and a resident who had a chat going starts a new one, which the desk can link to the old.
  // Never on the gateway's own origin, where the same prefix is the chat page's own.
  function eraseOlderChat() {
    if (location.origin === base) { return; }
    var prefix = 'kurashi-chat:' + base + suffix + ':';
    ['localStorage', 'sessionStorage'].forEach(function (name) {
      try {
        var area = window[name];
        // The names first, then the removals: the order of key(i) may change as items go (Chromium's did).
        var names = [];
        for (var i = 0; i < area.length; i++) { names.push(area.key(i)); }
        names.forEach(function (k) { if (k && k.indexOf(prefix) === 0) { area.removeItem(k); } });
      } catch (e) { /* blocked */ }
    });
  }

  function css() {
    var s = document.createElement('style');
    s.textContent = [
      '.kc-launch{position:fixed;right:1rem;bottom:1rem;z-index:2147483000;background:#0b5cad;color:#fff;border:0;border-radius:2rem;padding:.75rem 1.25rem;font-family:"Noto Sans JP","Hiragino Sans","Yu Gothic",Meiryo,sans-serif;font-size:1rem;line-height:1.6;font-weight:bold;text-decoration:none;cursor:pointer;box-shadow:0 2px 8px rgba(0,0,0,.3)}',
      '.kc-launch:focus-visible{outline:3px solid #f5a623;outline-offset:2px}',
      '.kc-panel{position:fixed;right:1rem;bottom:4.5rem;z-index:2147483000;width:min(26rem,calc(100vw - 2rem));height:min(48rem,calc(100vh - 6rem));height:min(48rem,calc(100dvh - 6rem));background:#fff;border:1px solid #8a8a8a;border-radius:.75rem;overflow:hidden;box-shadow:0 4px 20px rgba(0,0,0,.25)}',
      // A phone: the whole screen, over the launcher (the chat has its own close button), sized to what the browser's
      // bars and keyboard leave.
      '@media (max-width:30rem){.kc-panel{top:0;right:0;bottom:0;left:0;width:100%;height:100%;border:0;border-radius:0;z-index:2147483001}}',
      '.kc-panel[hidden],.kc-fail[hidden]{display:none}',
      '.kc-panel iframe{display:block;width:100%;height:100%;border:0}',
      '.kc-fail{position:absolute;top:0;right:0;bottom:0;left:0;background:#fff;padding:1rem;font-family:"Noto Sans JP","Hiragino Sans","Yu Gothic",Meiryo,sans-serif;font-size:1rem;line-height:1.6;color:#1a1a1a}',
      '.kc-fail a,.kc-fail button{display:inline-block;margin:.5rem .5rem 0 0;padding:.5rem .9rem;border-radius:.4rem;font-size:1rem;font-weight:bold;text-decoration:none;cursor:pointer;background:#0b5cad;color:#fff;border:0}',
      '.kc-fail a:focus-visible,.kc-fail button:focus-visible{outline:3px solid #f5a623;outline-offset:2px}'
    ].join('\n');
    document.head.appendChild(s);
  }

  function toggle() {
    if (!frame) {
      frame = h('iframe', { src: chatUrl + '?embed=1', title: panel.getAttribute('aria-label') });
      panel.insertBefore(frame, failure);
    } else if (panel.hidden && !frameReady) {
      frame.src = chatUrl + '?embed=1'; // it never showed the chat (no line when it loaded): again
    }
    panel.hidden = !panel.hidden;
    launch.setAttribute('aria-expanded', String(!panel.hidden));
    clearTimeout(failTimer);
    behind(!panel.hidden && phone !== null && phone.matches);
    if (panel.hidden) {
      failure.hidden = true;
      launch.focus();
    } else if (frameReady) {
      focusChat();
    } else {
      panel.focus();
      failTimer = setTimeout(function () {
        if (!frameReady && !panel.hidden) {
          failure.hidden = false;
          failure.querySelector('button').focus();
        }
      }, FRAME_WAIT_MS);
    }
  }

  function behind(inert) {
    madeInert.forEach(function (node) { node.inert = false; });
    madeInert = [];
    if (!inert) { return; }
    Array.prototype.forEach.call(document.body.children, function (node) {
      if (node !== panel && !node.inert && node.tagName !== 'SCRIPT' && node.tagName !== 'STYLE') {
        node.inert = true;
        madeInert.push(node);
      }
    });
  }

  // Also the resident's asking to see the conversation (as 会話を表示する on the page).
  function focusChat() {
    frame.focus();
    frame.contentWindow.postMessage({ type: 'kurashi-chat:opened' }, base);
  }

  function onMessage(e) {
    if (!frame || e.source !== frame.contentWindow || e.origin !== base || !e.data) { return; }
    if (e.data.type === 'kurashi-chat:ready') {
      frameReady = true;
      failure.hidden = true;
      if (!panel.hidden) { focusChat(); }
    } else if (e.data.type === 'kurashi-chat:close' && !panel.hidden) {
      toggle();
    }
  }

  function init() {
    eraseOlderChat();
    css();
    launch = h('a', { 'class': 'kc-launch', href: chatUrl, target: '_blank', rel: 'noopener', text: t.open,
      'aria-label': t.openTabLabel, lang: lang });
    document.body.appendChild(launch);
    Promise.all([
      fetch(base + '/webchat/i18n/' + lang + '.json').then(function (r) { return r.json(); }),
      fetch(base + '/webchat' + suffix + '/config?lang=' + lang).then(function (r) { return r.json(); })
    ]).then(function (both) {
      t = both[0];
      var config = both[1];
      launch.textContent = t.open;
      launch.setAttribute('aria-label', t.openTabLabel);
      if ((config.embedOrigins || []).indexOf(location.origin) < 0) { return; }
      panel = h('div', { 'class': 'kc-panel', id: 'kurashi-chat-panel' + suffix.replace('/', '-'), role: 'region',
        'aria-label': config.name, lang: lang, tabindex: '-1' });
      panel.hidden = true;
      failure = h('div', { 'class': 'kc-fail', role: 'alert' });
      failure.hidden = true;
      failure.appendChild(h('p', { text: t.frameFailed }));
      failure.appendChild(h('a', { href: chatUrl, target: '_blank', rel: 'noopener', text: t.openInTab }));
      failure.appendChild(h('button', { type: 'button', text: t.close, 'aria-label': t.closeLabel, onclick: toggle }));
      panel.appendChild(failure);
      // Escape on the ward's page closes the panel too (inside the frame, the chat page says so itself).
      document.addEventListener('keydown', function (e) {
        if (e.key === 'Escape' && !e.isComposing && e.keyCode !== 229 && !panel.hidden) { toggle(); }
      });
      var button = h('button', { type: 'button', 'class': 'kc-launch', text: t.open, 'aria-label': t.openLabel,
        'aria-expanded': 'false', 'aria-controls': panel.id, lang: lang, onclick: toggle });
      var focused = document.activeElement === launch;
      window.addEventListener('message', onMessage);
      document.body.insertBefore(panel, launch);
      launch.replaceWith(button);
      launch = button;
      if (focused) { launch.focus(); }
    }).catch(function () { /* the link stays: the chat page says itself what it cannot load */ });
  }

  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', init); } else { init(); }
}());
