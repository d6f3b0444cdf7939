// What a scanned QR code says to the card verification page, as pure functions (no DOM).
//
// A Carta Famiglia's QR code holds the verification page's address with the card's signed
// token (…/carta/verifica/?t=<token>, carta.views._verification_link); a bare token or a
// card's 12 digits are read too. Anything else (another site's address, a shop's own QR
// code) is not a card: the scanner keeps looking instead of submitting it.

// django.core.signing.Signer.sign_object: base64url payload (a leading "." when
// compressed), a colon, the base64url signature.
const TOKEN = /^[A-Za-z0-9_\-.]{2,390}:[A-Za-z0-9_-]{20,}$/;
const NUMBER = /^\d{12}$/;

function samePath(left, right) {
  const trim = (path) => path.replace(/\/+$/, "");
  return trim(left) === trim(right);
}

/**
 * The card in a QR code's text: {token} or {number}, or null when it is no card's code.
 * `verifyPath` is the verification page's path (the form's action): an address elsewhere
 * is refused, whatever its host (a card printed by another address of the same hub works).
 */
export function cardFromQr(text, verifyPath) {
  if (typeof text !== "string") return null;
  const value = text.trim();
  if (!value || value.length > 2000) return null;
  if (TOKEN.test(value)) return { token: value };
  const digits = value.replace(/[\s-]/g, "");
  if (NUMBER.test(digits)) return { number: digits };
  let url;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  if (verifyPath && !samePath(url.pathname, verifyPath)) return null;
  const token = url.searchParams.get("t");
  return token && TOKEN.test(token.trim()) ? { token: token.trim() } : null;
}

/** The Italian message for a getUserMedia failure (its DOMException's name). */
export function cameraErrorKey(error) {
  const name = error && error.name;
  if (name === "NotAllowedError" || name === "SecurityError") return "denied";
  if (name === "NotFoundError" || name === "OverconstrainedError") return "missing";
  if (name === "NotReadableError" || name === "AbortError") return "busy";
  return "failed";
}
