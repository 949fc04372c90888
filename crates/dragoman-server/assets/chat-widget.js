/* Dragoman live chat widget. Embed with one tag:
 *   <script src="https://HELPDESK/chat/widget.js" data-color="#1a56db" async></script>
 * Options (data-*): color (accent), title (panel heading), position ("left" or "right").
 * No dependencies; styles live in a shadow root so the page's CSS and the widget's do not mix.
 * Protocol: see dragoman-channels/src/chat/protocol.rs. Messages wait in localStorage until
 * the server acknowledges them, so a reload or a dropped connection loses nothing, and a
 * resend keeps its client id, so nothing is stored twice. */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || window.dragomanChat) return;
  var base = new URL(script.src, location.href);
  var wsUrl = (base.protocol === 'https:' ? 'wss://' : 'ws://') + base.host + '/chat/ws';
  var opt = script.dataset;
  var KEY = 'dragoman-chat:' + base.host;

  var TEXT = {
    en: ['Chat with us', 'Write a message…', 'Send', 'Close', 'Nobody is online right now. Leave your email and we will answer by email.',
      'Your email', 'Your message', 'Send message', 'Thank you! We will answer at ', 'Connecting…', 'sending…', 'not sent: ', 'You', 'Support'],
    pt: ['Fale conosco', 'Escreva uma mensagem…', 'Enviar', 'Fechar', 'Ninguém está online agora. Deixe o seu e-mail e responderemos por e-mail.',
      'O seu e-mail', 'A sua mensagem', 'Enviar mensagem', 'Obrigado! Responderemos para ', 'A ligar…', 'a enviar…', 'não enviada: ', 'Você', 'Suporte'],
    es: ['Chatea con nosotros', 'Escribe un mensaje…', 'Enviar', 'Cerrar', 'No hay nadie conectado ahora. Déjanos tu correo y te responderemos por correo.',
      'Tu correo', 'Tu mensaje', 'Enviar mensaje', '¡Gracias! Responderemos a ', 'Conectando…', 'enviando…', 'no enviado: ', 'Tú', 'Soporte'],
    de: ['Chatten Sie mit uns', 'Nachricht schreiben…', 'Senden', 'Schließen', 'Gerade ist niemand online. Hinterlassen Sie Ihre E-Mail, wir antworten per E-Mail.',
      'Ihre E-Mail', 'Ihre Nachricht', 'Nachricht senden', 'Danke! Wir antworten an ', 'Verbinde…', 'wird gesendet…', 'nicht gesendet: ', 'Sie', 'Support'],
    fr: ['Discutez avec nous', 'Écrivez un message…', 'Envoyer', 'Fermer', 'Personne n’est en ligne. Laissez votre e-mail, nous répondrons par e-mail.',
      'Votre e-mail', 'Votre message', 'Envoyer le message', 'Merci ! Nous répondrons à ', 'Connexion…', 'envoi…', 'non envoyé : ', 'Vous', 'Support']
  };
  var languages = (navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || 'en']).slice(0, 8);
  var lang = 'en';
  for (var i = 0; i < languages.length; i++) {
    var primary = String(languages[i]).split('-')[0].toLowerCase();
    if (TEXT[primary]) { lang = primary; break; }
  }
  var t = TEXT[lang];

  var saved = {};
  try { saved = JSON.parse(localStorage.getItem(KEY) || '{}') || {}; } catch (e) { saved = {}; }
  var token = saved.token || null;
  var outbox = Array.isArray(saved.outbox) ? saved.outbox : [];
  function save() {
    try { localStorage.setItem(KEY, JSON.stringify({ token: token, outbox: outbox })); } catch (e) { /* private mode: memory only */ }
  }

  var host = document.createElement('div');
  host.id = 'dragoman-chat';
  var root = host.attachShadow({ mode: 'open' });
  var color = /^#[0-9a-f]{3,8}$/i.test(opt.color || '') ? opt.color : '#1a56db';
  var side = opt.position === 'left' ? 'left' : 'right';
  root.innerHTML =
    '<style>:host{all:initial;position:fixed;bottom:16px;' + side + ':16px;z-index:2147483000;font:14px/1.4 system-ui,sans-serif;color:#111}' +
    '*{box-sizing:border-box;font:inherit}button{cursor:pointer;border:0;border-radius:6px;background:' + color + ';color:#fff;padding:8px 12px}' +
    'button:focus-visible,textarea:focus-visible,input:focus-visible{outline:3px solid #f59e0b;outline-offset:1px}' +
    '.launch{border-radius:24px;padding:12px 18px;box-shadow:0 2px 8px #0004}' +
    '.panel{width:min(360px,calc(100vw - 32px));height:min(480px,calc(100vh - 32px));background:#fff;border:1px solid #ccc;border-radius:10px;box-shadow:0 4px 16px #0003;display:flex;flex-direction:column}' +
    '.head{display:flex;justify-content:space-between;align-items:center;padding:8px 12px;background:' + color + ';color:#fff;border-radius:10px 10px 0 0}' +
    'h2{margin:0;font-weight:600;font-size:15px}.head button{background:transparent;font-size:18px;padding:2px 8px}' +
    '.log{flex:1;overflow-y:auto;padding:10px;margin:0;list-style:none}.log li{margin:6px 0;max-width:85%;padding:6px 10px;border-radius:10px;white-space:pre-wrap;overflow-wrap:anywhere}' +
    '.visitor{margin-left:auto!important;background:#e8eefc}.agent{background:#f1f1f1}.state{display:block;font-size:11px;color:#555}.failed .state{color:#b91c1c}' +
    'form{display:flex;flex-direction:column;gap:6px;padding:10px;border-top:1px solid #eee}textarea,input{width:100%;border:1px solid #999;border-radius:6px;padding:6px}' +
    'textarea{resize:none;height:56px}.status{font-size:12px;color:#555;padding:0 10px;min-height:1em}.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}[hidden]{display:none!important}</style>' +
    '<button class="launch" type="button" aria-expanded="false" aria-controls="dgm-panel"></button>' +
    '<section class="panel" id="dgm-panel" role="dialog" aria-labelledby="dgm-title" hidden>' +
    '<div class="head"><h2 id="dgm-title"></h2><button class="close" type="button"><span aria-hidden="true">×</span><span class="sr"></span></button></div>' +
    '<ol class="log" role="log" aria-live="polite" aria-relevant="additions"></ol>' +
    '<p class="status" role="status"></p>' +
    '<form class="chat" hidden><label class="sr" for="dgm-text"></label><textarea id="dgm-text" required></textarea><button type="submit"></button></form>' +
    '<form class="offline" hidden><p></p><label for="dgm-email"></label><input id="dgm-email" type="email" autocomplete="email" required>' +
    '<label for="dgm-left"></label><textarea id="dgm-left" required></textarea><button type="submit"></button></form></section>';
  function $(selector) { return root.querySelector(selector); }
  var launch = $('.launch'), panel = $('.panel'), log = $('.log'), status = $('.status');
  var chatForm = $('form.chat'), offlineForm = $('form.offline'), text = $('#dgm-text');
  panel.lang = lang;
  launch.textContent = $('h2').textContent = opt.title || t[0];
  $('.close .sr').textContent = t[3];
  $('label[for=dgm-text]').textContent = text.placeholder = t[1];
  chatForm.querySelector('button').textContent = t[2];
  offlineForm.querySelector('p').textContent = t[4];
  $('label[for=dgm-email]').textContent = t[5];
  $('label[for=dgm-left]').textContent = t[6];
  offlineForm.querySelector('button').textContent = t[7];

  var socket = null, lastSeq = 0, online = null, retries = 0, opened = false;
  var bubbles = {};

  function bubble(from, body, clientId) {
    var li = clientId && bubbles[clientId];
    if (!li) {
      li = document.createElement('li');
      li.className = from;
      var who = document.createElement('span');
      who.className = 'sr';
      who.textContent = (from === 'agent' ? t[13] : t[12]) + ': ';
      li.appendChild(who);
      li.appendChild(document.createTextNode(body));
      li.appendChild(document.createElement('span')).className = 'state';
      log.appendChild(li);
      if (clientId) bubbles[clientId] = li;
      log.scrollTop = log.scrollHeight;
    }
    return li;
  }
  function mark(li, state, failed) {
    li.querySelector('.state').textContent = state;
    li.classList.toggle('failed', !!failed);
  }
  function showForms() {
    chatForm.hidden = !online;
    offlineForm.hidden = online !== false;
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }
  function transmit(item) {
    if (socket && socket.readyState === 1 && socket.welcomed) {
      socket.send(JSON.stringify(item.email ? { type: 'leave_email', client_id: item.client_id, email: item.email, text: item.text }
        : { type: 'message', client_id: item.client_id, text: item.text }));
    }
  }
  function queue(item) {
    outbox.push(item);
    save();
    mark(bubble('visitor', item.text, item.client_id), t[10]);
    transmit(item);
  }
  function settle(clientId) {
    outbox = outbox.filter(function (item) { return item.client_id !== clientId; });
    save();
  }

  function connect() {
    if (socket) return;
    status.textContent = t[9];
    var ws = socket = new WebSocket(wsUrl);
    ws.onopen = function () {
      ws.send(JSON.stringify({
        type: 'hello', token: token, last_seq: lastSeq, languages: languages, page: location.href,
        time_zone: (Intl.DateTimeFormat().resolvedOptions() || {}).timeZone
      }));
    };
    ws.onmessage = function (e) {
      var frame;
      try { frame = JSON.parse(e.data); } catch (err) { return; }
      // The server replays the events this page has not seen, then welcomes: caught up.
      if (frame.type === 'welcome') {
        if (frame.token) {
          // A new session: what this page showed belonged to another one.
          if (token) { log.textContent = ''; bubbles = {}; lastSeq = 0; }
          token = frame.token;
          save();
        }
        ws.welcomed = true;
        retries = 0;
        online = frame.online;
        text.maxLength = $('#dgm-left').maxLength = frame.max_chars;
        status.textContent = '';
        showForms();
        outbox.forEach(function (item) { mark(bubble('visitor', item.text, item.client_id), t[10]); transmit(item); });
      } else if (frame.type === 'event' && frame.seq > lastSeq) {
        lastSeq = frame.seq;
        mark(bubble(frame.from, frame.text, frame.client_id), '');
        if (frame.from === 'agent' && !opened) launch.textContent = '● ' + (opt.title || t[0]);
      } else if (frame.type === 'ack') {
        settle(frame.client_id);
        var done = bubbles[frame.client_id];
        if (done) mark(done, '');
        var left = outbox.length === 0 && done && done.dataset.email;
        if (left) status.textContent = t[8] + left;
      } else if (frame.type === 'error') {
        var failed = frame.client_id && bubbles[frame.client_id];
        if ((frame.code === 'rate_limited' || frame.code === 'unavailable') && failed) {
          setTimeout(function () { outbox.forEach(function (item) { if (item.client_id === frame.client_id) transmit(item); }); }, frame.retry_after_ms || 1000);
        } else if (failed) {
          settle(frame.client_id);
          mark(failed, t[11] + frame.message, true);
        } else {
          status.textContent = frame.message;
        }
      }
    };
    ws.onclose = function () {
      socket = null;
      status.textContent = t[9];
      // Back off up to 15 s, with jitter so a restarted server is not hit by every widget at once.
      var delay = Math.min(15000, 500 * Math.pow(2, retries++)) * (0.5 + Math.random() / 2);
      setTimeout(connect, delay);
    };
  }

  function toggle(open) {
    opened = open;
    panel.hidden = !open;
    launch.hidden = open;
    launch.setAttribute('aria-expanded', String(open));
    launch.textContent = opt.title || t[0];
    if (open) {
      connect();
      (chatForm.hidden ? $('#dgm-email') : text).focus();
    } else {
      launch.focus();
    }
  }
  launch.onclick = function () { toggle(true); };
  $('.close').onclick = function () { toggle(false); };
  panel.addEventListener('keydown', function (e) { if (e.key === 'Escape') toggle(false); });
  chatForm.onsubmit = function (e) {
    e.preventDefault();
    var body = text.value.trim();
    if (!body) return;
    text.value = '';
    queue({ client_id: newId(), text: body });
  };
  text.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); chatForm.requestSubmit(); }
  });
  offlineForm.onsubmit = function (e) {
    e.preventDefault();
    var email = $('#dgm-email').value.trim(), body = $('#dgm-left').value.trim();
    if (!email || !body) return;
    $('#dgm-left').value = '';
    var item = { client_id: newId(), text: body, email: email };
    queue(item);
    bubbles[item.client_id].dataset.email = email;
  };

  window.dragomanChat = { open: function () { toggle(true); }, close: function () { toggle(false); } };
  function mount() {
    document.body.appendChild(host);
    // A returning visitor (or one with unsent messages) gets answers without opening the panel.
    if (token || outbox.length) connect();
  }
  if (document.body) mount(); else document.addEventListener('DOMContentLoaded', mount);
})();
