// The call screen (web/callcentre/templates/callcentre/call.html): 「通話終了」 records the hang-up time in the
// form, the after-call work is counted from then until the record is saved, Ctrl+Enter saves. The times are
// ISO 8601 with the Asia/Tokyo offset, as the server expects them.
(function () {
  "use strict";

  function tokyoIso(date) {
    var shifted = new Date(date.getTime() + 9 * 3600 * 1000);
    return shifted.toISOString().slice(0, 19) + "+09:00";
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function start() {
    var form = document.getElementById("call-form");
    if (!form) { return; }
    var ended = document.getElementById("f-ended_at");
    var state = document.getElementById("call-state");
    var wrapup = document.getElementById("wrapup");
    var button = document.getElementById("hang-up");
    var timer = null;

    function showWrapup(since) {
      var seconds = Math.max(0, Math.round((Date.now() - since) / 1000));
      wrapup.textContent = "後処理 " + Math.floor(seconds / 60) + "分" + pad(seconds % 60) + "秒";
    }

    function hangUp() {
      if (ended.value) { return; }
      var now = new Date();
      ended.value = tokyoIso(now);
      state.textContent = "通話終了 " + ended.value.slice(11, 16) + "（後処理中）";
      button.disabled = true;
      showWrapup(now.getTime());
      timer = window.setInterval(function () { showWrapup(now.getTime()); }, 1000);
      var question = document.getElementById("f-question");
      if (question) { question.focus(); }
    }

    button.addEventListener("click", hangUp);
    if (ended.value) { button.disabled = true; }
    var booking = document.getElementById("save-and-book");
    var faq = document.getElementById("faq-q");
    document.addEventListener("keydown", function (event) {
      if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
        event.preventDefault();
        form.requestSubmit();
        return;
      }
      if (!event.altKey || event.ctrlKey || event.metaKey) { return; }
      var action = {KeyE: hangUp, KeyF: function () { faq.focus(); },
                    KeyB: function () { form.requestSubmit(booking); }}[event.code];
      if (action) {
        event.preventDefault();
        action();
      }
    });
    form.addEventListener("submit", function () {
      if (timer) { window.clearInterval(timer); }
    });
    var category = document.getElementById("f-category");
    if (category && !category.value) { category.focus(); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
