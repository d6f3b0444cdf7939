// What the notification bell shows, from the messages of the person's socket
// (hub.consumers.NotificationsConsumer): plain functions, tested with node's runner.

// The unread count a message carries, or null when it carries none (or a bad one).
export function unreadOf(message) {
  if (!message || !["hello", "unread", "notification"].includes(message.type)) return null;
  const unread = message.unread;
  return Number.isInteger(unread) && unread >= 0 ? unread : null;
}

// What to announce to screen readers: a new notification's title, else nothing.
export function announcementOf(message, template) {
  if (!message || message.type !== "notification" || typeof message.title !== "string") return null;
  return template.replace("{title}", message.title);
}

export function countText(unread) {
  return unread > 99 ? "99+" : String(unread);
}

export function bellLabel(unread, { some, none }) {
  return unread > 0 ? some.replace("{n}", String(unread)) : none;
}
