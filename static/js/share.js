// The share box's 复制链接 and the report's 打印 button. Without JavaScript the address stays in
// a read-only field to select by hand, and the browser's own print command still works.
(function () {
  "use strict";
  function copied(button, status) {
    status.textContent = button.dataset.copiedText || "";
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (button) {
      var field = document.getElementById(button.dataset.copyTarget);
      var status = button.closest(".share-link").querySelector(".copy-status");
      field.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(function () { copied(button, status); });
      } else if (document.execCommand("copy")) {
        // Plain http (the demo on 127.0.0.1 is secure, a LAN address is not): the old command.
        copied(button, status);
      }
      return;
    }
    if (event.target.closest("[data-print]")) {
      window.print();
    }
  });
})();
