/* The applicant's nomination form (templates/campaigns/nomination_form.html).
 *
 * Each file is uploaded on its own as soon as it is chosen, with a progress bar, to the slot's
 * endpoint (campaigns/views/uploads.py), which checks it and stores it with the draft at once: a
 * refused file is the only one to choose again. The checklist follows what is filled in, and
 * 推荐专家姓名 shows only when an expert (or a named recommender) recommends.
 *
 * Without this script the form still works: the whole form is posted, and every file that
 * passes is kept. Plain script, no library; every text comes from the page (translated there). */
(function () {
  "use strict";

  var form = document.querySelector("form.nomination-form");
  var messagesNode = document.getElementById("nomination-script-messages");
  if (!form || !messagesNode || !window.FormData || !window.XMLHttpRequest) {
    return;
  }
  var text = JSON.parse(messagesNode.textContent);
  var recommender = form.elements.recommender;
  var category = form.elements.category;
  var nameField = document.getElementById("field-recommender_name");
  var nameInput = form.elements.recommender_name;
  var buttons = form.querySelectorAll("button[type=submit]");
  var queue = [];
  var busy = false;

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : whole;
    });
  }

  // As cms.upload_checks.megabytes shows sizes: "500", "612.3".
  function megabytes(bytes) {
    return (bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, "");
  }

  function needsName() {
    var value = recommender ? recommender.value : "";
    return value === "expert" || value.indexOf("type:") === 0;
  }

  function toggleName() {
    if (!nameField || !nameInput) {
      return;
    }
    var needed = needsName();
    nameField.hidden = !needed;
    nameInput.required = needed;
    nameInput.setAttribute("aria-required", needed ? "true" : "false");
  }

  // A slot that belongs to another category than the one chosen is not asked for.
  function toggleSlots() {
    var chosen = category ? category.value : "";
    form.querySelectorAll(".slot[data-category]").forEach(function (slot) {
      slot.hidden = chosen !== "" && slot.getAttribute("data-category") !== chosen;
    });
  }

  // Fields filled in since the page was drawn leave the checklist at once; files leave it when
  // the server has stored them (it sends the checklist back).
  function updateChecklist() {
    var box = document.getElementById("checklist");
    if (!box) {
      return;
    }
    var open = 0;
    box.querySelectorAll("li[data-key]").forEach(function (item) {
      var key = item.getAttribute("data-key");
      var input = key.indexOf("file_") === 0 ? null : form.elements[key];
      var done = false;
      if (input && typeof input.value === "string") {
        done = input.value.trim() !== "" || (key === "recommender_name" && !needsName());
      }
      item.hidden = done;
      if (!done) {
        open += 1;
      }
    });
    var summary = box.querySelector(".checklist-summary");
    var count = box.querySelector(".checklist-count");
    var complete = box.querySelector(".checklist-done");
    if (count) {
      count.textContent = String(open);
    }
    if (summary) {
      summary.hidden = open === 0;
    }
    if (complete) {
      complete.hidden = open !== 0;
    }
  }

  function showFieldErrors(errors) {
    form.querySelectorAll(".field-errors").forEach(function (node) {
      var key = node.id.replace(/^errors-/, "");
      node.textContent = errors && errors[key] ? errors[key].join(" ") : "";
    });
  }

  function setBusy(value) {
    busy = value;
    buttons.forEach(function (button) {
      button.disabled = value;
    });
    var notice = form.querySelector(".form-busy");
    if (!value && notice) {
      notice.textContent = "";
    }
  }

  function uploadUrl(slot) {
    var draft = form.getAttribute("data-nomination-url");
    if (draft) {
      return draft + "upload/" + slot.getAttribute("data-slot-id") + "/";
    }
    return slot.getAttribute("data-upload-url");
  }

  function fieldsOf(file, input) {
    var data = new FormData();
    Array.prototype.forEach.call(form.elements, function (element) {
      var type = element.type;
      if (!element.name || element.disabled || type === "file" || type === "submit") {
        return;
      }
      if ((type === "checkbox" || type === "radio") && !element.checked) {
        return;
      }
      data.append(element.name, element.value);
    });
    data.append(input.name, file);
    return data;
  }

  function upload(job, done) {
    var slot = job.slot;
    var code = slot.getAttribute("data-slot-code");
    var progress = slot.querySelector(".slot-progress");
    var status = slot.querySelector(".slot-status");
    var error = slot.querySelector(".slot-error");
    var request = new XMLHttpRequest();
    request.open("POST", uploadUrl(slot));
    request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    request.setRequestHeader("X-CSRFToken", form.elements.csrfmiddlewaretoken.value);
    progress.value = 0;
    progress.hidden = false;
    status.textContent = format(text.uploading, { percent: 0 });
    request.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) {
        var percent = Math.floor((event.loaded * 100) / event.total);
        progress.value = percent;
        status.textContent = format(text.uploading, { percent: percent });
      }
    });
    request.upload.addEventListener("load", function () {
      progress.value = 100;
      status.textContent = text.checking;
    });
    function failed(message) {
      progress.hidden = true;
      status.textContent = "";
      error.textContent = message || format(text.failed, { code: code });
      job.input.value = "";
      done();
    }
    request.addEventListener("load", function () {
      var answer = null;
      try {
        answer = JSON.parse(request.responseText);
      } catch (ignored) {
        answer = null;
      }
      if (request.status !== 200 || !answer || answer.error) {
        failed(answer && answer.error);
        return;
      }
      progress.hidden = true;
      error.textContent = "";
      status.textContent = answer.message;
      slot.querySelector(".slot-stored").innerHTML = answer.slot_html;
      job.input.value = "";
      job.input.removeAttribute("aria-required");
      document.getElementById("checklist").innerHTML = answer.checklist_html;
      if (!form.getAttribute("data-nomination-url")) {
        // The first file made the draft: from now on the form saves that draft.
        form.setAttribute("data-nomination-url", answer.nomination_url);
        form.action = answer.nomination_url;
        window.history.replaceState(null, "", answer.nomination_url);
      }
      showFieldErrors(answer.field_errors);
      updateChecklist();
      done();
    });
    request.addEventListener("error", function () {
      failed();
    });
    request.addEventListener("abort", function () {
      failed();
    });
    request.send(fieldsOf(job.file, job.input));
  }

  // One upload at a time: the first one of a new nomination creates the draft the others join.
  function next() {
    if (busy || queue.length === 0) {
      return;
    }
    setBusy(true);
    upload(queue.shift(), function () {
      setBusy(false);
      next();
    });
  }

  form.querySelectorAll(".slot input[type=file]").forEach(function (input) {
    input.addEventListener("change", function () {
      var slot = input.closest(".slot");
      var file = input.files && input.files[0];
      if (!file) {
        return;
      }
      var code = slot.getAttribute("data-slot-code");
      var limit = parseInt(input.getAttribute("data-max-bytes") || "0", 10);
      slot.querySelector(".slot-error").textContent = "";
      if (limit && file.size > limit) {
        slot.querySelector(".slot-status").textContent = "";
        slot.querySelector(".slot-error").textContent = format(text.too_large, {
          code: code,
          size: megabytes(file.size),
          limit: megabytes(limit),
        });
        input.value = "";
        return;
      }
      queue.push({ slot: slot, input: input, file: file });
      next();
    });
  });

  form.addEventListener("submit", function (event) {
    var notice = form.querySelector(".form-busy");
    if (busy || queue.length) {
      event.preventDefault();
      if (notice) {
        notice.textContent = text.busy;
      }
    } else if (notice) {
      notice.textContent = "";
    }
  });
  if (recommender) {
    recommender.addEventListener("change", function () {
      toggleName();
      updateChecklist();
    });
  }
  if (category) {
    category.addEventListener("change", toggleSlots);
  }
  form.addEventListener("input", updateChecklist);
  form.addEventListener("change", updateChecklist);
  toggleName();
  toggleSlots();
  updateChecklist();
})();
