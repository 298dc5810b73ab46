// Small progressive enhancements; every action also works without this file.
(function () {
  function toast(text, kind) {
    var box = document.getElementById("toasts");
    if (!box) return;
    var item = document.createElement("p");
    item.className = "toast toast--" + (kind || "info");
    item.setAttribute("role", "status");
    item.textContent = text;
    box.appendChild(item);
    setTimeout(function () { item.remove(); }, 6000);
  }
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    var text = status === 403 ? "Your session expired: reload the page and try again."
      : status === 404 ? "That item no longer exists (or is not yours)."
      : status === 413 ? "That was too large to send."
      : "Something went wrong (" + status + "). Nothing was changed; please try again.";
    toast(text, "error");
  });
  document.addEventListener("htmx:sendError", function () {
    toast("The server could not be reached. Check your connection and try again.", "error");
  });
  // Fade the server-rendered messages after a while.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("#toasts .toast").forEach(function (item) {
      setTimeout(function () { item.remove(); }, 8000);
    });
  });
})();
