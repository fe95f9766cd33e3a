(function () {
  var box = document.getElementById("search");
  if (!box) { return; }
  var rows = Array.prototype.slice.call(document.querySelectorAll("#findings tbody tr"));
  var shown = document.getElementById("shown");
  function apply() {
    var query = box.value.trim().toLowerCase();
    var count = 0;
    rows.forEach(function (row) {
      var hit = query === "" || row.textContent.toLowerCase().indexOf(query) !== -1;
      row.hidden = !hit;
      if (hit) { count += 1; }
    });
    shown.textContent = String(count);
  }
  box.addEventListener("input", apply);
  if (location.hash.indexOf("#q=") === 0) {
    try {
      box.value = decodeURIComponent(location.hash.slice(3));
    } catch (e) {
      box.value = "";
    }
  }
  apply();
})();
