// Progressive enhancement only: the search form works the same without it.
// Ticking a filter applies it at once, and focus comes back to that box on the new page.
// The sort order applies when chosen with the mouse, or with Enter after the arrow keys, so
// stepping through the options by keyboard does not reload the page at each one. A problem
// with the form (a date that could not be read) takes the focus, so it is read out first.
// After a filter applies, the new result count is read out; and a page shown again by Back
// shows the boxes as its address has them, not as they were last ticked.
(function () {
  var form = document.getElementById("search-form");
  if (!form) return;
  var KEY = "kb-focus";
  var keyed = false;

  function announce(count) {  // a status filled as the page loads is not read: say it again
    if (!count) return;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    document.body.appendChild(status);
    setTimeout(function () { status.textContent = count.textContent; }, 400);
  }

  function apply(control) {
    try { sessionStorage.setItem(KEY, control.id); } catch (e) { /* storage off: no focus */ }
    form.submit();
  }

  try {
    var id = sessionStorage.getItem(KEY);
    sessionStorage.removeItem(KEY);
    var back = id && document.getElementById(id);
    if (back) {
      back.focus();
      announce(document.getElementById("result-count"));
    }
  } catch (e) { /* storage off */ }
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) form.reset();  // the boxes as the page was served, for its address
  });
  var problem = document.querySelector(".error-summary");  // a date that could not be read
  if (problem) problem.focus();

  var hint = document.createElement("p");
  hint.className = "hint";
  hint.textContent = "The results update as you tick a box.";
  var title = form.querySelector(".filters-title");
  if (title) title.insertAdjacentElement("afterend", hint);

  form.addEventListener("keydown", function (event) {
    if (event.target.id !== "sort") return;
    if (event.key === "Enter") {
      event.preventDefault();
      apply(event.target);
    } else {
      keyed = true;
    }
  });
  form.addEventListener("pointerdown", function () { keyed = false; });
  form.addEventListener("change", function (event) {
    var t = event.target;
    if (t.type === "checkbox" || (t.id === "sort" && !keyed)) apply(t);
  });
})();
