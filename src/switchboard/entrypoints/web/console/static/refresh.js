// Calls in progress: reload the page every few seconds (same-origin file; CSP allows only 'self').
"use strict";
(function () {
  var status = document.getElementById("live-status");
  var seconds = status ? Number(status.getAttribute("data-refresh-seconds")) || 5 : 5;
  window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
})();
