// The bell in the site header (hub/templates/hub/notifications/bell.html): its unread count
// follows the person's socket, /ws/notifications/, which sends the count when it connects
// and with every change; after a reconnection it resumes from the last notification id.

import { announcementOf, bellLabel, countText, unreadOf } from "./bell.js";
import { LiveSocket, readCloseCodes } from "./live-socket.js";

function start() {
  const bell = document.querySelector("[data-hub-bell]");
  if (!bell || !("WebSocket" in window)) return;
  const count = bell.querySelector("[data-hub-bell-count]");
  const status = document.querySelector("[data-hub-bell-status]");
  const labels = { some: bell.dataset.hubBellLabel, none: bell.dataset.hubBellLabelNone };

  function show(unread) {
    count.textContent = countText(unread);
    count.hidden = unread === 0;
    bell.setAttribute("aria-label", bellLabel(unread, labels));
  }

  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const live = new LiveSocket({
    url: `${scheme}://${location.host}${bell.dataset.hubBell}`,
    closeCodes: readCloseCodes(document),
    onMessage: (message) => {
      const unread = unreadOf(message);
      if (unread !== null) show(unread);
      const announcement = announcementOf(message, bell.dataset.hubBellNew);
      if (announcement && status) status.textContent = announcement;
    },
  });
  window.addEventListener("online", () => live.reconnectNow());
  live.start();
}

start();
