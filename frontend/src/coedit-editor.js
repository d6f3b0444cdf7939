// The co-editing page of a proposal's text or a meeting's minutes (tables/views_coedit.py):
// a Tiptap editor (ProseMirror) bound to a Yjs document, kept in this browser's IndexedDB
// (edits made offline survive a closed tab and merge when the connection returns) and
// synchronised with the hub through HubProvider. Cursors and selections carry the name the
// hub gives each person (the server overwrites whatever a client claims).
//
// The page passes what it needs in data attributes of #coedit-editor:
//   data-socket-url   the socket's path (ws/tables/docs/<kind>/<id>/)
//   data-store-name   the IndexedDB name (per person and document)
//   data-can-write    "true" or "false" (the server's hello decides in the end)
// and in JSON script elements: #coedit-me ({id, name, color}) and #coedit-texts (the
// status line's texts).

import { Editor } from "@tiptap/core";
import Collaboration from "@tiptap/extension-collaboration";
import CollaborationCaret from "@tiptap/extension-collaboration-caret";
import StarterKit from "@tiptap/starter-kit";
import { IndexeddbPersistence } from "y-indexeddb";
import { Awareness } from "y-protocols/awareness";
import * as Y from "yjs";

import { HubProvider } from "./coedit-provider.js";
import { readCloseCodes } from "./live-socket.js";

function socketUrl(path) {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${window.location.host}${path}`;
}

function start(root) {
  const texts = JSON.parse(document.getElementById("coedit-texts").textContent);
  const me = JSON.parse(document.getElementById("coedit-me").textContent);
  let canWrite = root.dataset.canWrite === "true";
  const statusElement = document.getElementById("coedit-status");
  const errorElement = document.getElementById("coedit-error");

  const doc = new Y.Doc();
  const awareness = new Awareness(doc);
  const stored = canWrite ? new IndexeddbPersistence(root.dataset.storeName, doc) : null;

  const provider = new HubProvider({
    url: socketUrl(root.dataset.socketUrl),
    doc,
    awareness,
    closeCodes: readCloseCodes(document),
    onStatus: (state) => {
      statusElement.textContent = texts[state];
      statusElement.dataset.state = state;
    },
    onHello: (hello) => {
      canWrite = hello.can_write;
      editor.setEditable(canWrite);
      root.dataset.canWrite = String(canWrite);
    },
    onError: (error) => {
      errorElement.textContent = error.message || texts.closed;
      errorElement.hidden = false;
    },
  });

  const editor = new Editor({
    element: root,
    editable: canWrite,
    extensions: [
      // Yjs keeps the history: the starter kit's own undo would fight it.
      StarterKit.configure({ undoRedo: false }),
      Collaboration.configure({ document: doc, field: "default" }),
      CollaborationCaret.configure({ provider, user: { name: me.name, color: me.color } }),
    ],
    editorProps: {
      attributes: {
        class: "coedit-surface form-control",
        role: "textbox",
        "aria-multiline": "true",
        "aria-labelledby": "coedit-label",
      },
    },
  });

  const connect = () => provider.connect();
  if (stored) stored.once("synced", connect);
  else connect();
  window.addEventListener("online", () => provider.reconnect());
  // For the browser tests and for curious people: the live objects.
  root.coedit = { editor, provider, doc, awareness };
}

const root = document.getElementById("coedit-editor");
if (root) start(root);
