// The card verification page's camera scan (carta/templates/carta/verify.html): "Inquadra il
// QR" opens the rear camera in a <video>, reads QR codes from its frames (the browser's
// BarcodeDetector when it reads QR codes, else jsQR on a canvas) and, on a card's code, fills
// the form's token and submits it: the operator sees at once whether the card is valid.
// The camera stops after a reading, on "Chiudi la fotocamera" and when the page is left.
// Without this script, a camera or the permission, the typed form works as before; the
// messages are the template's (translated), in a live region.

import { cameraErrorKey, cardFromQr } from "./carta-scan-core.js";

const SCAN_EVERY_MS = 150;
const MAX_WIDTH = 640; // frames are scaled down to this before jsQR reads them

async function qrReader() {
  if ("BarcodeDetector" in window) {
    try {
      const formats = await window.BarcodeDetector.getSupportedFormats();
      if (formats.includes("qr_code")) {
        const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        return async (video) => (await detector.detect(video)).map((code) => code.rawValue);
      }
    } catch {
      // a detector that fails to start: jsQR below
    }
  }
  const { default: jsQR } = await import("jsqr");
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  return async (video) => {
    const { videoWidth, videoHeight } = video;
    if (!videoWidth || !videoHeight) return [];
    const scale = Math.min(1, MAX_WIDTH / videoWidth);
    const width = Math.round(videoWidth * scale);
    const height = Math.round(videoHeight * scale);
    canvas.width = width;
    canvas.height = height;
    context.drawImage(video, 0, 0, width, height);
    const image = context.getImageData(0, 0, width, height);
    const code = jsQR(image.data, width, height, { inversionAttempts: "attemptBoth" });
    return code ? [code.data] : [];
  };
}

function setup(box) {
  const form = document.getElementById(box.dataset.cartaScan);
  const start = box.querySelector("[data-scan-start]");
  const stop = box.querySelector("[data-scan-stop]");
  const view = box.querySelector("[data-scan-view]");
  const video = box.querySelector("video");
  const status = box.querySelector("[data-scan-status]");
  if (!form || !start || !stop || !view || !video || !status) return;
  const messages = box.dataset;
  const verifyPath = new URL(form.action, document.baseURI).pathname;
  let stream = null;
  let timer = null;
  let session = 0; // a stop() makes an older start()'s late answers worthless

  function say(text) {
    status.textContent = text || "";
  }

  box.hidden = false;
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    start.hidden = true;
    say(messages.msgUnsupported);
    return;
  }

  function stopCamera() {
    session += 1;
    clearTimeout(timer);
    timer = null;
    if (stream) for (const track of stream.getTracks()) track.stop();
    stream = null;
    video.pause();
    video.srcObject = null;
    view.hidden = true;
    start.hidden = false;
  }

  function submit(card) {
    const field = form.elements.namedItem(card.token ? "token" : "number");
    const other = form.elements.namedItem(card.token ? "number" : "token");
    if (!field) return;
    field.value = card.token || card.number;
    if (other) other.value = "";
    say(messages.msgRead);
    if (form.requestSubmit) form.requestSubmit();
    else form.submit();
  }

  async function scan(read, current) {
    if (current !== session) return;
    let found = null;
    try {
      for (const text of await read(video)) {
        found = cardFromQr(text, verifyPath);
        if (found) break;
        say(messages.msgNotCard);
      }
    } catch {
      // a frame that could not be read (not ready yet): the next one
    }
    if (current !== session) return;
    if (found) {
      stopCamera();
      submit(found);
      return;
    }
    timer = setTimeout(() => scan(read, current), SCAN_EVERY_MS);
  }

  start.addEventListener("click", async () => {
    stopCamera();
    const current = session;
    say(messages.msgStarting);
    start.hidden = true;
    try {
      const [media, read] = await Promise.all([
        navigator.mediaDevices.getUserMedia({
          audio: false,
          video: { facingMode: { ideal: "environment" } },
        }),
        qrReader(),
      ]);
      if (current !== session) {
        for (const track of media.getTracks()) track.stop();
        return;
      }
      stream = media;
      video.srcObject = media;
      view.hidden = false;
      await video.play();
      say(messages.msgLooking);
      stop.focus();
      scan(read, current);
    } catch (error) {
      if (current !== session) return;
      stopCamera();
      say(messages[`msg${cameraErrorKey(error).replace(/^./, (c) => c.toUpperCase())}`]);
    }
  });

  stop.addEventListener("click", () => {
    stopCamera();
    say(messages.msgStopped);
    start.focus();
  });
  window.addEventListener("pagehide", stopCamera);
  document.addEventListener("visibilitychange", () => {
    if (document.hidden && stream) {
      stopCamera();
      say(messages.msgStopped);
    }
  });
}

for (const box of document.querySelectorAll("[data-carta-scan]")) setup(box);
