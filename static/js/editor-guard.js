/*
 * Wagtail's editor saves in the background (autosave) while one edits. Two of its requests
 * race the person's own:
 *
 * - On a create form, the first autosave creates the page. A click on 提交审核 while it is on its
 *   way (or while one waits in the debounce) posts the create form a second time: two pages, or
 *   two writers at once. Until the title and the other fields a draft needs are filled, every
 *   autosave is refused (400) again and again. So a page is created only by the person's own
 *   保存草稿 / 提交审核; the unsaved-changes warning still guards what is typed.
 * - On an edit form, an autosave that fires after the click saves over the revision that the
 *   click has just made (refused as a stale revision) or writes at the same moment. So the
 *   click cancels the autosave that waits, and waits for the one on its way before it goes.
 */
(() => {
  const FORM = "form[data-edit-form]";
  let pendingSave = null;
  let inFlight = null;
  let submitting = false;

  const isCreateForm = (form) => /\/add\//.test(new URL(form.action, location.href).pathname);

  window.addEventListener(
    "w-autosave:save",
    (event) => {
      const form = event.target.closest && event.target.closest(FORM);
      if (!form) return;
      if (submitting || isCreateForm(form)) {
        // Cancelled before the indicator hears of it: it does not claim to be saving.
        event.preventDefault();
        event.stopImmediatePropagation();
        return;
      }
      if (pendingSave) pendingSave.preventDefault();
      pendingSave = event;
    },
    true,
  );

  // The autosave request itself: from when it leaves until Wagtail has read its answer.
  const settle = () => {
    pendingSave = null;
    if (inFlight) inFlight.resolve();
    inFlight = null;
  };
  const originalFetch = window.fetch;
  window.fetch = function fetchWatched(input, init) {
    const form = document.querySelector(FORM);
    const url = typeof input === "string" ? input : input && input.url;
    if (form && init && String(init.method).toUpperCase() === "POST" && url === form.action) {
      pendingSave = null;
      let resolve;
      const done = new Promise((r) => {
        resolve = r;
      });
      inFlight = { done, resolve };
      // Wagtail's handlers have run (form action, revision id) once success or error is out.
      setTimeout(settle, 15000);
    }
    return originalFetch.apply(this, arguments);
  };
  ["w-autosave:success", "w-autosave:error"].forEach((name) =>
    document.addEventListener(name, () => requestAnimationFrame(settle)),
  );

  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.matches(FORM)) return;
      submitting = true;
      if (pendingSave) {
        pendingSave.preventDefault();
        pendingSave = null;
      }
      if (inFlight) {
        event.preventDefault();
        event.stopImmediatePropagation();
        // The button may be disabled by now (Wagtail marks it busy), and a disabled submitter
        // sends no name: its action travels in a hidden field instead.
        const { submitter } = event;
        inFlight.done.then(() => {
          if (submitter && submitter.name) {
            const action = document.createElement("input");
            action.type = "hidden";
            action.name = submitter.name;
            action.value = submitter.value || "1";
            form.append(action);
          }
          form.requestSubmit();
        });
      }
    },
    true,
  );
})();
