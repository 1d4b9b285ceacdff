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
  // A deployment serving several offices: widget.js?office=suita.
  var office = src.searchParams.get('office') || '';
  if (!/^[a-z0-9-]*$/.test(office)) { office = ''; }
  var suffix = office ? '/' + office : '';
  var chatUrl = base + '/chat' + suffix;
  // Where widgets before the frame kept the chat on this origin: handed to the frame once, then erased.
  var legacyKey = 'kurashi-chat:' + base + suffix + ':';
  var lang = (navigator.language || 'ja').slice(0, 2) === 'en' ? 'en' : 'ja';
  var launch;
  var panel;
  var frame = null;
  var name = '';
  // The frame has loaded the chat (and taken an older chat): the focus may go into it.
  var frameReady = false;

  function h(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs).forEach(function (name) {
      if (name === 'text') { node.textContent = attrs[name]; } else if (name.slice(0, 2) === 'on') {
        node.addEventListener(name.slice(2), attrs[name]);
      } else { node.setAttribute(name, attrs[name]); }
    });
    return node;
  }

  function legacy() {
    try {
      var token = localStorage.getItem(legacyKey + 'token');
      if (!token) { return null; }
      return { token: token, consented: localStorage.getItem(legacyKey + 'consented'),
        lang: localStorage.getItem(legacyKey + 'lang'), pending: localStorage.getItem(legacyKey + 'pending') };
    } catch (e) { return null; }
  }

  function eraseLegacy() {
    [window.localStorage, window.sessionStorage].forEach(function (area) {
      try {
        for (var i = area.length - 1; i >= 0; i--) {
          var k = area.key(i);
          if (k && k.indexOf(legacyKey) === 0) { area.removeItem(k); }
        }
      } catch (e) { /* private mode */ }
    });
  }

  function css() {
    var s = document.createElement('style');
    s.textContent = [
      '.kc-launch{position:fixed;right:1rem;bottom:1rem;z-index:2147483000;background:#0b5cad;color:#fff;border:0;border-radius:2rem;padding:.75rem 1.25rem;font-family:"Noto Sans JP","Hiragino Sans","Yu Gothic",Meiryo,sans-serif;font-size:1rem;line-height:1.6;font-weight:bold;text-decoration:none;cursor:pointer;box-shadow:0 2px 8px rgba(0,0,0,.3)}',
      '.kc-launch:focus-visible{outline:3px solid #f5a623;outline-offset:2px}',
      '.kc-panel{position:fixed;right:1rem;bottom:4.5rem;z-index:2147483000;width:min(26rem,calc(100vw - 2rem));height:min(48rem,calc(100vh - 6rem));background:#fff;border:1px solid #8a8a8a;border-radius:.75rem;overflow:hidden;box-shadow:0 4px 20px rgba(0,0,0,.25)}',
      '.kc-panel[hidden]{display:none}',
      '.kc-panel iframe{display:block;width:100%;height:100%;border:0}'
    ].join('\n');
    document.head.appendChild(s);
  }

  function toggle() {
    if (!frame) {
      frame = h('iframe', { src: chatUrl + '?embed=1', title: name });
      // Said once the chat page has loaded: what an older widget kept here, to the gateway's origin only.
      frame.addEventListener('load', function () {
        frame.contentWindow.postMessage({ type: 'kurashi-chat:hello', legacy: legacy() }, base);
      });
      panel.appendChild(frame);
    }
    panel.hidden = !panel.hidden;
    launch.setAttribute('aria-expanded', String(!panel.hidden));
    if (panel.hidden) { launch.focus(); } else if (frameReady) { focusChat(); }
  }

  function focusChat() {
    frame.focus();
    frame.contentWindow.postMessage({ type: 'kurashi-chat:opened' }, base);
  }

  function onMessage(e) {
    if (!frame || e.source !== frame.contentWindow || e.origin !== base || !e.data) { return; }
    if (e.data.type === 'kurashi-chat:ready') {
      eraseLegacy();
      frameReady = true;
      if (!panel.hidden) { focusChat(); }
    } else if (e.data.type === 'kurashi-chat:close' && !panel.hidden) {
      toggle();
    }
  }

  function init() {
    css();
    Promise.all([
      fetch(base + '/webchat/i18n/' + lang + '.json').then(function (r) { return r.json(); }),
      fetch(base + '/webchat' + suffix + '/config?lang=' + lang).then(function (r) { return r.json(); })
    ]).then(function (both) {
      var t = both[0];
      var config = both[1];
      name = config.name;
      if ((config.embedOrigins || []).indexOf(location.origin) >= 0) {
        panel = h('div', { 'class': 'kc-panel', id: 'kurashi-chat-panel', role: 'region', 'aria-label': config.name });
        panel.hidden = true;
        launch = h('button', { type: 'button', 'class': 'kc-launch', text: t.open, 'aria-label': t.openLabel,
          'aria-expanded': 'false', 'aria-controls': panel.id, onclick: toggle });
        window.addEventListener('message', onMessage);
        document.body.appendChild(panel);
      } else {
        // This site may not frame the chat: it opens on the gateway's page, and an older widget's chat, which
        // cannot be handed to a page this site does not frame, is not left here either.
        eraseLegacy();
        launch = h('a', { 'class': 'kc-launch', href: chatUrl, target: '_blank', rel: 'noopener', text: t.open,
          'aria-label': t.openTabLabel });
      }
      launch.lang = lang;
      document.body.appendChild(launch);
    }).catch(function () {
      document.body.appendChild(h('p', { role: 'alert', lang: 'ja',
        text: 'チャットを読み込めませんでした。お電話でご相談ください。 / The chat could not be loaded.' }));
    });
  }

  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', init); } else { init(); }
}());
