// Copy buttons: <button data-hub-copy="input-id" data-hub-copied="message"> copies the input's
// value and announces the message in the nearest [data-hub-copy-status] live region.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-hub-copy]");
  if (!button) return;
  const input = document.getElementById(button.dataset.hubCopy);
  if (!input) return;
  const status = button.parentElement.querySelector("[data-hub-copy-status]");
  try {
    await navigator.clipboard.writeText(input.value);
  } catch {
    // No clipboard permission (or plain HTTP): select the text so the user can copy it.
    input.focus();
    input.select();
    return;
  }
  if (status) status.textContent = button.dataset.hubCopied;
});
