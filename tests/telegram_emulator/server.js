// telegram-test-api behind a conformance shim, so that python-telegram-bot 22 can talk to it.
//
// Usage: node server.js [port] [host]   (port 0 picks a free one; prints "READY http://host:port")
//
// What the shim fixes (see shared/reference/telegram-emulator.md, section 4):
//   1. getMe has is_bot and the id from the token's digits;
//   2. callback queries carry chat_instance;
//   3. bot messages have dates in seconds and a `from`, without the echoed request parameters;
//   4. answerCallbackQuery returns true, editMessageText returns the message (400 when missing);
//   5. unknown methods get the Bot API error envelope; set-up calls are accepted as no-ops;
//   6. getUpdates long-polls (up to `timeout` seconds, at most 50);
//   7. a failed webhook delivery is logged instead of killing the process;
//   8. webhook deliveries carry X-Telegram-Bot-Api-Secret-Token when setWebhook gave one.
// Test-only additions: POST /shim/redeliver {token, chatId} marks that chat's user updates unread,
// so the bot receives them again with the same update_id (as Telegram does after a crash);
// POST /shim/webhook {token} tells the webhook URL the bot registered, if any.
'use strict';

const http = require('http');
const express = require('express');
const axios = require('axios');
const TelegramServer = require('telegram-test-api');

const port = Number(process.argv[2] || 0);
const host = process.argv[3] || '127.0.0.1';
const REQUEST_ONLY = [
  'botToken', 'chat_id', 'parse_mode', 'link_preview_options', 'disable_web_page_preview',
  'disable_notification', 'protect_content', 'reply_parameters', 'message_thread_id',
];
const USER_EVENTS = ['AddedUserMessage', 'AddedUserCommand', 'AddedUserCallbackQuery'];
const NO_OPS = new Set([
  'setMyCommands', 'deleteMyCommands', 'setChatMenuButton', 'sendChatAction',
  'setMyDescription', 'setMyShortDescription',
]);

// storeTimeout well above bot start-up; the package's own port is unused (we mount its app).
const server = new TelegramServer({ port: 1, host, storeTimeout: 600 });

process.on('unhandledRejection', (error) => {
  console.error(`shim: unhandled rejection (webhook delivery?): ${error && error.message}`);
});

// 2. chat_instance on callback queries.
const formatUpdate = TelegramServer.formatUpdate;
TelegramServer.formatUpdate = (update) => {
  const formatted = formatUpdate(update);
  if (formatted.callback_query) {
    const chat = update.callbackQuery.message && update.callbackQuery.message.chat;
    formatted.callback_query.chat_instance = String(chat ? chat.id : 0);
  }
  return formatted;
};

// 3. dates in seconds and a sender on what the bot sends.
const addBotMessage = TelegramServer.prototype.addBotMessage;
TelegramServer.prototype.addBotMessage = function addBotMessageInSeconds(rawMessage, botToken) {
  const message = addBotMessage.call(this, rawMessage, botToken);
  message.date = Math.floor(message.date / 1000);
  message.from = { id: botId(botToken), is_bot: true, first_name: 'Bot', username: 'TestNameBot' };
  // The package echoes request parameters into the Message; form-encoded objects arrive as JSON text.
  REQUEST_ONLY.forEach((name) => delete message[name]);
  return message;
};

// 8. the secret token on webhook deliveries.
axios.interceptors.request.use((config) => {
  const hook = Object.values(server.webhooks).find((w) => w.url === config.url);
  if (hook && hook.secret_token) {
    config.headers = config.headers || {};
    config.headers['X-Telegram-Bot-Api-Secret-Token'] = hook.secret_token;
  }
  return config;
});

function botId(token) {
  const digits = String(token).split(':')[0];
  return /^\d+$/.test(digits) ? Number(digits) : 666;
}

function param(req, name) {
  return (req.body && req.body[name] !== undefined) ? req.body[name] : req.query[name];
}

function fail(res, code, description) {
  res.status(code).json({ ok: false, error_code: code, description });
}

const front = express();
front.use(express.json({ limit: '5mb' }));
front.use(express.urlencoded({ extended: true, limit: '5mb' }));

// 1. getMe.
front.all('/bot:token/getMe', (req, res) => {
  const id = botId(req.params.token);
  res.json({ ok: true, result: { id, is_bot: true, first_name: 'Test Bot', username: 'TestNameBot' } });
});

// 4. answers that PTB can parse.
front.all('/bot:token/answerCallbackQuery', (req, res) => res.json({ ok: true, result: true }));
front.all('/bot:token/editMessageText', (req, res) => {
  const chatId = String(param(req, 'chat_id'));
  const messageId = String(param(req, 'message_id'));
  const stored = server.storage.botMessages.find((u) => String(u.messageId) === messageId
    && String(u.message.chat_id) === chatId);
  if (!stored) {
    fail(res, 400, 'Bad Request: message to edit not found');
    return;
  }
  server.editMessageText(req.body);
  res.json({
    ok: true,
    result: {
      ...stored.message,
      message_id: stored.messageId,
      date: Math.floor(stored.time / 1000),
      chat: { id: Number(chatId), type: 'private' },
    },
  });
});

// 6. long polling.
front.all('/bot:token/getUpdates', async (req, res, next) => {
  const timeout = Math.min(Number(param(req, 'timeout') || 0), 50);
  const token = req.params.token;
  const pending = () => server.storage.userMessages.some((u) => u.botToken === token && !u.isRead);
  if (timeout > 0 && !pending()) {
    await new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        USER_EVENTS.forEach((name) => server.off(name, done));
        res.off('close', done);
        resolve();
      };
      const timer = setTimeout(done, timeout * 1000);
      USER_EVENTS.forEach((name) => server.on(name, done));
      res.on('close', done);
    });
  }
  if (res.writableEnded || res.destroyed || req.socket.destroyed) return;
  next();
});

// Test-only: redeliver a chat's updates with their original update_id.
front.post('/shim/redeliver', (req, res) => {
  const { token, chatId } = req.body;
  let count = 0;
  server.storage.userMessages.forEach((u) => {
    const message = u.message || (u.callbackQuery && u.callbackQuery.message);
    if (u.botToken === token && message && String(message.chat.id) === String(chatId)) {
      u.isRead = false;
      count += 1;
    }
  });
  server.emit('AddedUserMessage');
  res.json({ ok: true, result: count });
});

// Test-only: the webhook URL registered for a token (null when the bot polls).
front.post('/shim/webhook', (req, res) => {
  const hook = server.webhooks[req.body.token];
  res.json({ ok: true, result: hook ? hook.url : null });
});

// 5. set-up calls accepted; anything the package lacks gets the Bot API error envelope.
const SUPPORTED = new Set([
  'getMe', 'getUpdates', 'sendMessage', 'editMessageText', 'editMessageReplyMarkup',
  'answerCallbackQuery', 'deleteMessage', 'setWebhook', 'deleteWebhook',
]);
front.all('/bot:token/:method', (req, res, next) => {
  const { method } = req.params;
  if (NO_OPS.has(method)) {
    res.json({ ok: true, result: true });
  } else if (!SUPPORTED.has(method)) {
    fail(res, 400, `Bad Request: method ${method} is not implemented by the emulator`);
  } else {
    next();
  }
});

front.use(server.webServer);

server.started = true;
const listener = http.createServer(front);
listener.listen(port, host, () => {
  const address = listener.address();
  server.config.apiURL = `http://${host}:${address.port}`;
  console.log(`READY http://${host}:${address.port}`);
});

function stop() {
  listener.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
