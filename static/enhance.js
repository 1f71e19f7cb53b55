// Progressive enhancement only: the search form works the same without it.
// Ticking a filter or choosing a sort order applies it at once.
(function () {
  var form = document.getElementById("search-form");
  if (!form) return;
  form.addEventListener("change", function (event) {
    var t = event.target;
    if (t.type === "checkbox" || t.id === "sort") form.submit();
  });
})();
